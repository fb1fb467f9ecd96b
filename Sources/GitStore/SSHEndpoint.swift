/// Where an ssh remote is: the host and port its host key is checked for.
struct SSHEndpoint: Equatable, CustomStringConvertible {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// nil for a URL that is not ssh: a local path, file://, https://. `isLocalPath` tells apart a path with a
    /// colon in it from scp-like `host:path`, as git does.
    init?(url: String, isLocalPath: (String) -> Bool) {
        let lower = url.lowercased()
        if let scheme = ["ssh://", "ssh+git://", "git+ssh://"].first(where: { lower.hasPrefix($0) }) {
            let rest = url.dropFirst(scheme.count)
            var authority = Substring(rest.prefix { $0 != "/" })
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            guard let (host, port) = Self.split(authority, defaultPort: 22) else { return nil }
            (self.host, self.port) = (host, port)
            return
        }
        // scp-like: [user@]host:path, the colon before any slash.
        guard !url.contains("://"), !isLocalPath(url), let colon = url.firstIndex(of: ":"),
            !url[..<colon].contains("/")
        else { return nil }
        var host = url[..<colon]
        if host.hasPrefix("[") {
            // [host]:path, or [user@host:port]:path as git also allows.
            guard let close = url.firstIndex(of: "]") else { return nil }
            var inner = url[url.index(after: url.startIndex)..<close]
            if let at = inner.lastIndex(of: "@") { inner = inner[inner.index(after: at)...] }
            guard let (bare, port) = Self.split(inner, defaultPort: 22) else { return nil }
            (self.host, self.port) = (bare, port)
            return
        }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        guard !host.isEmpty else { return nil }
        (self.host, self.port) = (String(host), 22)
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`.
    private static func split(_ authority: Substring, defaultPort: Int) -> (String, Int)? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
            return rest.count > 1 ? Int(rest.dropFirst()).map { (host, $0) } : (host, defaultPort)
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2 { return Int(parts[1]).map { (String(parts[0]), $0) } }
        // More than one colon without brackets: a bare IPv6 address.
        return authority.isEmpty ? nil : (String(authority), defaultPort)
    }

    /// The name known_hosts lists this endpoint under: the host on port 22, `[host]:port` elsewhere.
    var knownHostsName: String { port == 22 ? host : "[\(host)]:\(port)" }

    var description: String { port == 22 ? host : "\(host):\(port)" }
}
