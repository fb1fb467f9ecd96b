import CSSH2

/// libssh2, initialised once for the process.
public enum SSHLibrary {
    private static let initialised: Int32 = libssh2_init(0)

    /// The version of the linked libssh2.
    public static var version: String {
        _ = initialised
        return libssh2_version(0).map { String(cString: $0) } ?? "unknown"
    }
}
