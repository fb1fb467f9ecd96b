import Manifests

/// What the resources of one account offer to the rules of other accounts (`provides`), and what those
/// resources look up in others (`reads`), as hashed keys; and the files that hold them. This is the contract
/// that lets a validation re-run only where a change can reach: a rule that looks up another account's
/// resource by anything not listed here must add it, or incremental validation goes stale.
/// `IncrementalValidatorTests` compares incremental and whole validation over random edits to keep it honest.
struct ResourceLinks: Sendable {
    var reads = Set<Int>()
    var provides = Set<Int>()
    var files = Set<String>()

    /// The keys rules look resources up by.
    enum Key: UInt8 {
        /// An account by name; `anyAccount` stands for the list of all (suggestions for a misspelt one).
        case account
        case user
        case domain
        /// A name a web app serves (one app per name).
        case served
        /// A DNS owner name of a record (a CNAME excludes other data, across zones).
        case owner
        /// `kind` + `name` (unique across the repository).
        case resource
        /// A name that becomes a system object (`NamespaceRules`), with the kind of object.
        case systemName
    }

    static let anyAccount = hash(.account, "*")

    static func hash(_ key: Key, _ name: String) -> Int {
        var hasher = Hasher()
        hasher.combine(key.rawValue)
        hasher.combine(name)
        return hasher.finalize()
    }

    /// The account a resource belongs to; nil for servers, which every account may read.
    static func unit(_ kind: Kind, _ name: String, account: String?) -> String? {
        kind == .account ? name : account
    }

    /// The links of every account of `set`, by account. `declared`: whether the whole repository declares an
    /// account of that name.
    static func of(_ set: ManifestSet, declared: (String) -> Bool) -> [String: ResourceLinks] {
        var links: [String: ResourceLinks] = [:]
        func owned(_ kind: Kind, _ name: String, _ account: String, _ origin: Origin) {
            links[account, default: ResourceLinks()].common(kind, name, origin.file)
            links[account]!.reads.insert(hash(.account, account))
            // A reference to an account that does not exist is compared with every account's name.
            if !declared(account) { links[account]!.reads.insert(anyAccount) }
        }
        for account in set.accounts {
            links[account.name, default: ResourceLinks()].common(.account, account.name, account.origin.file)
            links[account.name]!.provides.insert(hash(.account, account.name))
        }
        for user in set.systemUsers {
            let account = user.spec.account
            owned(.systemUser, user.name, account, user.origin)
            links[account]!.provides.insert(hash(.user, user.name))
            // A user named after an account, or homed inside an account's home: `/home/<account>` prefixes.
            links[account]!.reads.insert(hash(.account, user.name))
            if let home = user.spec.home, home.hasPrefix("/home/") {
                var prefix = ""
                for part in home.dropFirst(6).split(separator: "/", omittingEmptySubsequences: false) {
                    prefix += prefix.isEmpty ? String(part) : "/" + part
                    links[account]!.reads.insert(hash(.account, prefix))
                }
            }
        }
        for domain in set.domains {
            let account = domain.spec.account
            owned(.domain, domain.name, account, domain.origin)
            links[account]!.provides.insert(hash(.domain, domain.name))
            for suffix in suffixes(of: domain.name) { links[account]!.reads.insert(hash(.domain, suffix)) }
            for record in domain.spec.records {
                guard let fqdn = RecordRules.fqdn(record.name, zone: domain.name) else { continue }
                let key = hash(.owner, fqdn)
                links[account]!.provides.insert(key)
                links[account]!.reads.insert(key)
            }
        }
        for app in set.webApps {
            let account = app.spec.account
            owned(.webApp, app.name, account, app.origin)
            let user = app.spec.user ?? account
            links[account]!.reads.formUnion([hash(.user, user), hash(.account, user)])
            // Certificates: another account's home, and the domain a Let's Encrypt lineage is named after.
            for path in [app.spec.tls?.certificate, app.spec.tls?.key].compactMap({ $0 }) {
                if let owner = TenancyRules.homeOwner(path) { links[account]!.reads.insert(hash(.account, owner)) }
                if let lineage = TenancyRules.letsEncryptName(path) {
                    let name = TenancyRules.domainName(ofLineage: lineage)
                    for suffix in [name] + suffixes(of: name) { links[account]!.reads.insert(hash(.domain, suffix)) }
                }
            }
            for fqdn in app.spec.domains {
                let key = hash(.served, fqdn)
                links[account]!.provides.insert(key)
                links[account]!.reads.insert(key)
                let name = fqdn.hasPrefix("*.") ? String(fqdn.dropFirst(2)) : fqdn
                links[account]!.reads.insert(hash(.domain, name))
                for suffix in suffixes(of: name) { links[account]!.reads.insert(hash(.domain, suffix)) }
            }
        }
        for site in set.monitoredSites {
            owned(.monitoredSite, site.name, site.spec.account, site.origin)
        }
        for claim in NamespaceRules.claims(set) {
            let key = hash(.systemName, claim.object + "/" + claim.name)
            links[claim.account, default: ResourceLinks()].provides.insert(key)
            links[claim.account]!.reads.insert(key)
        }
        // A user's groups are looked up among every account's groups.
        for user in set.systemUsers {
            for group in user.spec.groups {
                links[user.spec.account, default: ResourceLinks()].reads.insert(hash(.systemName, "group/" + group))
            }
        }
        return links
    }

    private mutating func common(_ kind: Kind, _ name: String, _ file: String) {
        let key = Self.hash(.resource, kind.rawValue + "/" + name)
        provides.insert(key)
        reads.insert(key)
        files.insert(file)
    }

    /// `shop.acme.example` lies in `acme.example` and `example`.
    static func suffixes(of name: String) -> [String] {
        var result: [String] = []
        var rest = Substring(name)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            result.append(String(rest))
        }
        return result
    }
}
