import CGit2

/// libgit2, initialised once and explicitly: its lazy global init fails on code paths that did not touch it.
package enum GitLibrary {
    private static let initialised: Int32 = git_libgit2_init()

    /// Bounds what libgit2 keeps in memory across every repository of the process: its object cache (256 MB by
    /// default) and the pack windows it maps (gigabytes by default). A process that runs for months (the daemon)
    /// sets them once at start, before any repository is opened; a one-shot command keeps the defaults.
    package static func bound(objectCacheBytes: Int, mappedPackBytes: Int) throws {
        _ = initialised
        try GitError.check(cgit2_set_cache_max_size(objectCacheBytes), "git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE)")
        try GitError.check(
            cgit2_set_mwindow_mapped_limit(mappedPackBytes), "git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT)")
    }

    /// The bytes libgit2's object cache holds now, and the most it may.
    package static var cachedMemory: (current: Int, allowed: Int) {
        _ = initialised
        var current = 0
        var allowed = 0
        _ = cgit2_cached_memory(&current, &allowed)
        return (current, allowed)
    }

    /// Initialises libgit2 if nothing has yet: every path into a repository goes through here first.
    package static func start() { _ = initialised }

    /// `major.minor.revision` of the linked libgit2: constants of the library, which it gives without being
    /// initialised. Every command's `--version` text asks for it at start, and initialising libgit2 reads the
    /// system's CA certificates (54 million instructions, the largest part of a `validate` of 300 accounts).
    package static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
