/// Where to connect and which host key to expect there.
package struct SSHTarget: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IPv4 or IPv6 address.
    package var host: String
    package var port: Int
    package var user: String
    /// The pinned host key, "type base64" as in a `.pub` file or `ssh-keyscan` output; a trailing comment (and a
    /// leading host pattern) is ignored. Nothing is trusted on first use: the server must offer exactly this key.
    package var hostKey: String
    /// The limit for the whole of connecting: TCP connect, SSH handshake, host key check and authentication.
    /// Name resolution is not covered: getaddrinfo cannot be interrupted.
    package var connectTimeout: Duration

    package init(
        host: String, port: Int = 22, user: String, hostKey: String, connectTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.hostKey = hostKey
        self.connectTimeout = connectTimeout
    }

    /// "host:port", with IPv6 addresses in brackets.
    package var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    package var description: String { "\(user)@\(endpoint)" }
}
