import Manifests

/// Lookups every rule needs, built once per validation run.
struct RepositoryIndex {
    let set: ManifestSet
    let servers: [String: Server]
    let accounts: [String: Account]
    let users: [String: SystemUser]
    let domains: [String: Domain]
    /// Every account of the repository, for suggestions: more than `accounts` when the set is a part of it.
    private let allAccounts: [String]?

    init(_ set: ManifestSet, accountNames: [String]? = nil) {
        allAccounts = accountNames
        self.set = set
        servers = Dictionary(set.servers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        accounts = Dictionary(set.accounts.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        users = Dictionary(set.systemUsers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        domains = Dictionary(set.domains.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The repository's account names, sorted: what a misspelt account reference is compared with.
    func accountNames() -> [String] { allAccounts ?? accounts.keys.sorted() }

    /// Every account has a main user named after it, whether or not a SystemUser manifest customises it.
    func accountOfUser(_ name: String) -> String? {
        if let user = users[name] { return user.spec.account }
        return accounts[name] != nil ? name : nil
    }

    static func mainHome(_ account: String) -> String { "/home/\(account)" }

    /// The home a user will get: as written when valid enough to use, else the default.
    func home(ofUser name: String) -> String? {
        if let user = users[name] {
            if let home = user.spec.home { return home }
            return Self.mainHome(user.spec.account)
        }
        return accounts[name] != nil ? Self.mainHome(name) : nil
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
