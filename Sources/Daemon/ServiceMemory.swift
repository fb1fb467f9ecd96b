import CMalloc

/// glibc's allocator, set for a process that runs for months rather than one that exits after a command.
/// Measured with `bench/daemon.sh` at 2,000 accounts: resident memory at rest 185 → 145 MB (anonymous 130 → 90
/// MB), the live heap unchanged (heaptrack: 68 MB), so what went was memory freed and never handed back.
package enum ServiceMemory {
    /// - Two arenas, not eight per core: each thread that allocates (the blocking pool, the loader's workers)
    ///   would otherwise keep an arena of its own, each holding freed pages between long-lived objects.
    /// - Blocks from 256 KiB up come from `mmap` and go back to the system when freed. glibc otherwise raises
    ///   that threshold to the largest block freed so far (up to 32 MiB), so after a first apply's scripts and
    ///   status files every later large block stays in the heap.
    /// - The heap's free top is handed back from 1 MiB, not only when `malloc_trim` runs.
    /// Call it first, before other threads allocate.
    package static func tuneForService() {
        _ = mallopt(M_ARENA_MAX, 2)
        _ = mallopt(M_MMAP_THRESHOLD, 256 << 10)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 20)
    }
}
