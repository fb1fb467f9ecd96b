package enum ServerRole: String, Sendable, Hashable, CaseIterable {
    case web
    case dnsPrimary = "dns-primary"
    case dnsSecondary = "dns-secondary"
}

package struct ServerSpec: Sendable, Hashable {
    /// File locations a non-Debian layout or a test host overrides.
    package struct Paths: Sendable, Hashable {
        package var zones: String?
        package var namedConf: String?
        package var nginxSites: String?
        package var phpFpmPools: String?
        package var homes: String?
        package var archive: String?

        package init() {}
    }

    package var address: String
    package var hostname: String?
    package var port: Int = 22
    package var user: String = "root"
    package var hostKey: String
    package var roles: [ServerRole] = []
    package var paths = Paths()

    package init(address: String, hostKey: String) {
        self.address = address
        self.hostKey = hostKey
    }
}
