import Dispatch

/// Every resource loaded from one repository (or revision), by kind, in file order.
package struct ManifestSet: Sendable, Hashable {
    package var servers: [Server] = []
    package var accounts: [Account] = []
    package var systemUsers: [SystemUser] = []
    package var domains: [Domain] = []
    package var webApps: [WebApp] = []
    package var monitoredSites: [MonitoredSite] = []

    package init() {}

    /// The resources of `parts`, one part after the other; each kind is gathered on a core of its own.
    package init(concatenating parts: [ManifestSet]) {
        let gathered = Slots<ManifestSet>(count: Kind.allCases.count)
        DispatchQueue.concurrentPerform(iterations: Kind.allCases.count) { k in
            var one = ManifestSet()
            switch k {
            case 0: one.servers = Self.joined(parts.lazy.map(\.servers))
            case 1: one.accounts = Self.joined(parts.lazy.map(\.accounts))
            case 2: one.systemUsers = Self.joined(parts.lazy.map(\.systemUsers))
            case 3: one.domains = Self.joined(parts.lazy.map(\.domains))
            case 4: one.webApps = Self.joined(parts.lazy.map(\.webApps))
            default: one.monitoredSites = Self.joined(parts.lazy.map(\.monitoredSites))
            }
            gathered.set(k, one)
        }
        let kinds = gathered.values()
        servers = kinds[0].servers
        accounts = kinds[1].accounts
        systemUsers = kinds[2].systemUsers
        domains = kinds[3].domains
        webApps = kinds[4].webApps
        monitoredSites = kinds[5].monitoredSites
    }

    private static func joined<T>(_ arrays: some Collection<[T]>) -> [T] {
        var all: [T] = []
        all.reserveCapacity(arrays.reduce(0) { $0 + $1.count })
        for array in arrays { all += array }
        return all
    }

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
