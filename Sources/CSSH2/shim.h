#ifndef CSSH2_SHIM_H
#define CSSH2_SHIM_H
#include <libssh2.h>
#include <libssh2_sftp.h>

/* Parenthesised macros such as (2*1024*1024) are not imported by Swift; re-export them. */
static const unsigned int CSSH2_CHANNEL_WINDOW_DEFAULT = LIBSSH2_CHANNEL_WINDOW_DEFAULT;
static const unsigned int CSSH2_CHANNEL_PACKET_DEFAULT = LIBSSH2_CHANNEL_PACKET_DEFAULT;
#endif
