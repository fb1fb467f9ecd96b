/// Where to connect and which host key to expect there.
public struct SSHTarget: Sendable, Hashable, CustomStringConvertible {
    /// A host name or an IPv4 or IPv6 address.
    public var host: String
    public var port: Int
    public var user: String
    /// The pinned host key, "type base64" as in a `.pub` file or `ssh-keyscan` output; a trailing comment (and a
    /// leading host pattern) is ignored. Nothing is trusted on first use: the server must offer exactly this key.
    public var hostKey: String
    /// The limit for the whole of connecting: TCP connect, SSH handshake, host key check and authentication.
    /// Name resolution is not covered: getaddrinfo cannot be interrupted.
    public var connectTimeout: Duration

    public init(
        host: String, port: Int = 22, user: String, hostKey: String, connectTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.hostKey = hostKey
        self.connectTimeout = connectTimeout
    }

    /// "host:port", with IPv6 addresses in brackets.
    public var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public var description: String { "\(user)@\(endpoint)" }
}
