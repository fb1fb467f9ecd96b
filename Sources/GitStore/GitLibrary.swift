import CGit2

/// libgit2, initialised once and explicitly: its lazy global init fails on code paths that did not touch it.
public enum GitLibrary {
    private static let initialised: Int32 = git_libgit2_init()

    /// `major.minor.revision` of the linked libgit2.
    public static var version: String {
        _ = initialised
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
