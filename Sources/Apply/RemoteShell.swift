import SSHTransport

/// What the executor needs of a server: run a built script, then close. `SSHConnection` is the real one; the
/// executor's waves and failure mapping are tested in-process with one of the tests' own.
package protocol RemoteShell: AnyObject {
    func run(_ script: String, stdin: [UInt8]?, timeout: Duration) throws -> SSHResult
    func close()
}

extension SSHConnection: RemoteShell {}

/// Opens a `RemoteShell` to a server.
package struct RemoteConnector: Sendable {
    package var connect: @Sendable (SSHTarget, SSHCredentials) throws -> any RemoteShell

    package init(connect: @escaping @Sendable (SSHTarget, SSHCredentials) throws -> any RemoteShell) {
        self.connect = connect
    }

    /// SSH, with the target's pinned host key (libssh2).
    package static let ssh = RemoteConnector { try SSHConnection.connect($0, credentials: $1) }
}
