public enum ServerRole: String, Sendable, Hashable, CaseIterable {
    case web
    case dnsPrimary = "dns-primary"
    case dnsSecondary = "dns-secondary"
}

public struct ServerSpec: Sendable, Hashable {
    /// File locations a non-Debian layout or a test host overrides.
    public struct Paths: Sendable, Hashable {
        public var zones: String?
        public var namedConf: String?
        public var nginxSites: String?
        public var phpFpmPools: String?
        public var homes: String?
        public var archive: String?

        public init() {}
    }

    public var address: String
    public var hostname: String?
    public var port: Int = 22
    public var user: String = "root"
    public var hostKey: String
    public var roles: [ServerRole] = []
    public var paths = Paths()

    public init(address: String, hostKey: String) {
        self.address = address
        self.hostKey = hostKey
    }
}
