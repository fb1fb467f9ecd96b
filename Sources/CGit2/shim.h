#ifndef CGIT2_SHIM_H
#define CGIT2_SHIM_H
#include <git2.h>
// Not part of git2.h: the in-memory object store that bulk commits write into before packing, and the backend
// interface to write into it directly.
#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
#endif
