/// Every resource loaded from one repository (or revision), by kind, in file order.
package struct ManifestSet: Sendable, Hashable {
    package var servers: [Server] = []
    package var accounts: [Account] = []
    package var systemUsers: [SystemUser] = []
    package var domains: [Domain] = []
    package var webApps: [WebApp] = []
    package var monitoredSites: [MonitoredSite] = []

    package init() {}

    package var count: Int {
        servers.count + accounts.count + systemUsers.count + domains.count + webApps.count + monitoredSites.count
    }

    package func count(of kind: Kind) -> Int {
        switch kind {
        case .server: servers.count
        case .account: accounts.count
        case .systemUser: systemUsers.count
        case .domain: domains.count
        case .webApp: webApps.count
        case .monitoredSite: monitoredSites.count
        }
    }

    /// Room for the resources of all these sets, which are about to be appended.
    mutating func reserve(for parts: some Sequence<ManifestSet>) {
        var counts = (0, 0, 0, 0, 0, 0)
        for part in parts {
            counts.0 += part.servers.count
            counts.1 += part.accounts.count
            counts.2 += part.systemUsers.count
            counts.3 += part.domains.count
            counts.4 += part.webApps.count
            counts.5 += part.monitoredSites.count
        }
        servers.reserveCapacity(servers.count + counts.0)
        accounts.reserveCapacity(accounts.count + counts.1)
        systemUsers.reserveCapacity(systemUsers.count + counts.2)
        domains.reserveCapacity(domains.count + counts.3)
        webApps.reserveCapacity(webApps.count + counts.4)
        monitoredSites.reserveCapacity(monitoredSites.count + counts.5)
    }

    package mutating func append(contentsOf other: ManifestSet) {
        servers += other.servers
        accounts += other.accounts
        systemUsers += other.systemUsers
        domains += other.domains
        webApps += other.webApps
        monitoredSites += other.monitoredSites
    }

    /// The resources whose origin passes `include`.
    package func filter(_ include: (Origin) -> Bool) -> ManifestSet {
        var set = ManifestSet()
        set.servers = servers.filter { include($0.origin) }
        set.accounts = accounts.filter { include($0.origin) }
        set.systemUsers = systemUsers.filter { include($0.origin) }
        set.domains = domains.filter { include($0.origin) }
        set.webApps = webApps.filter { include($0.origin) }
        set.monitoredSites = monitoredSites.filter { include($0.origin) }
        return set
    }

    /// The accounts its resources belong to: each Account's own name, and the account every other resource
    /// names (declared or not).
    package var owningAccounts: Set<String> {
        var names = Set(accounts.map(\.name))
        names.formUnion(systemUsers.map(\.spec.account))
        names.formUnion(domains.map(\.spec.account))
        names.formUnion(webApps.map(\.spec.account))
        names.formUnion(monitoredSites.map(\.spec.account))
        return names
    }

    /// The servers, and the resources of these accounts.
    package func within(accounts: Set<String>) -> ManifestSet {
        var set = ManifestSet()
        set.servers = servers
        set.accounts = self.accounts.filter { accounts.contains($0.name) }
        set.systemUsers = systemUsers.filter { accounts.contains($0.spec.account) }
        set.domains = domains.filter { accounts.contains($0.spec.account) }
        set.webApps = webApps.filter { accounts.contains($0.spec.account) }
        set.monitoredSites = monitoredSites.filter { accounts.contains($0.spec.account) }
        return set
    }
}
