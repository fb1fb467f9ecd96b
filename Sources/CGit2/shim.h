#ifndef CGIT2_SHIM_H
#define CGIT2_SHIM_H
#include <git2.h>
// Not part of git2.h: the in-memory object store that bulk commits write into before packing, and the backend
// interface to write into it directly.
#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
// git_libgit2_opts is variadic, which Swift cannot call: one fixed-argument wrapper per option Baton sets.
static inline int cgit2_set_cache_max_size(ssize_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, bytes);
}
static inline int cgit2_set_mwindow_mapped_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, bytes);
}
static inline int cgit2_cached_memory(ssize_t *current, ssize_t *allowed) {
    return git_libgit2_opts(GIT_OPT_GET_CACHED_MEMORY, current, allowed);
}
#endif
