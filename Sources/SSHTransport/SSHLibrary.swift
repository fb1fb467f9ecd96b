import CSSH2

/// libssh2, initialised once for the process.
package enum SSHLibrary {
    // A static let is initialised exactly once, under a lock, by the Swift runtime: libssh2_init itself only bumps
    // an unguarded counter, so two threads calling it at once could both run the crypto backend's set-up.
    private static let initialised: Int32 = libssh2_init(0)

    /// The version of the linked libssh2.
    package static var version: String {
        _ = initialised
        return libssh2_version(0).map { String(cString: $0) } ?? "unknown"
    }

    /// Initialises libssh2 if nothing has yet; every path into libssh2 goes through here first, because a lazy
    /// global alone is only initialised by the code paths that happen to touch it.
    static func initialise() throws {
        guard initialised == 0 else {
            throw SSHError.libssh2(operation: "libssh2_init", code: initialised, message: "the crypto backend failed")
        }
    }
}
