import Dispatch
import Manifests

/// Lookups every rule needs, built once per validation run.
struct RepositoryIndex {
    let set: ManifestSet
    let servers: ByName<ServerSpec>
    let accounts: ByName<AccountSpec>
    let users: ByName<SystemUserSpec>
    let domains: ByName<DomainSpec>
    /// Every account of the repository, for suggestions: more than `accounts` when the set is a part of it.
    private let allAccounts: [String]?

    init(_ set: ManifestSet, accountNames: [String]? = nil) {
        allAccounts = accountNames
        self.set = set
        // The four tables on all cores: no rule can start before they are built.
        let tables = Slots<[String: Int]>(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { k in
            switch k {
            case 0: tables.set(k, set.servers.positionsByName())
            case 1: tables.set(k, set.accounts.positionsByName())
            case 2: tables.set(k, set.systemUsers.positionsByName())
            default: tables.set(k, set.domains.positionsByName())
            }
        }
        let positions = tables.values()
        servers = ByName(set.servers, positions: positions[0])
        accounts = ByName(set.accounts, positions: positions[1])
        users = ByName(set.systemUsers, positions: positions[2])
        domains = ByName(set.domains, positions: positions[3])
    }

    /// The repository's account names, sorted: what a misspelt account reference is compared with.
    func accountNames() -> [String] { allAccounts ?? accounts.keys.sorted() }

    /// Every account has a main user named after it, whether or not a SystemUser manifest customises it.
    func accountOfUser(_ name: String) -> String? {
        if let user = users[name] { return user.spec.account }
        return accounts.contains(name) ? name : nil
    }

    static func mainHome(_ account: String) -> String { "/home/\(account)" }

    /// The home a user will get: as written when valid enough to use, else the default.
    func home(ofUser name: String) -> String? {
        if let user = users[name] {
            if let home = user.spec.home { return home }
            return Self.mainHome(user.spec.account)
        }
        return accounts.contains(name) ? Self.mainHome(name) : nil
    }

    /// The Domain whose zone holds `fqdn`: the longest declared suffix.
    func domain(containing fqdn: String) -> Domain? {
        var candidate = Substring(fqdn)
        while true {
            if let domain = domains[String(candidate)] { return domain }
            guard let dot = candidate.firstIndex(of: ".") else { return nil }
            candidate = candidate[candidate.index(after: dot)...]
        }
    }

    /// The Domain of another zone that contains this one, if any (`shop.acme.example` inside `acme.example`).
    func parentDomain(of domain: Domain) -> Domain? {
        guard let dot = domain.name.firstIndex(of: ".") else { return nil }
        return self.domain(containing: String(domain.name[domain.name.index(after: dot)...]))
    }
}

/// Resources by name, the first of a name winning: a table of positions in the set's own array, so that building
/// it copies no resource (a copy retains every string a resource holds, and the index is built before any rule
/// runs, on one core).
struct ByName<Spec: Sendable & Hashable> {
    private let items: [Manifest<Spec>]
    private let positions: [String: Int]

    /// `positions`: `items.positionsByName()`.
    init(_ items: [Manifest<Spec>], positions: [String: Int]) {
        self.items = items
        self.positions = positions
    }

    subscript(name: String) -> Manifest<Spec>? {
        positions[name].map { items[$0] }
    }

    /// Whether a resource has this name, without copying it out.
    func contains(_ name: String) -> Bool { positions[name] != nil }

    var keys: Dictionary<String, Int>.Keys { positions.keys }

    var values: LazyMapSequence<Dictionary<String, Int>.Values, Manifest<Spec>> {
        positions.values.lazy.map { items[$0] }
    }
}
