import Manifests

/// What one zone file is made of: its Domain, the same-account Domains inside it (their records join the
/// zone), and the name servers its account's DNS placement names.
public struct ZoneInput: Sendable, Hashable {
    public var domain: Domain
    public var subdomains: [Domain]
    /// FQDNs without the trailing dot, primary first: the SOA's MNAME and the default NS records.
    public var nameServers: [String]

    public init(domain: Domain, subdomains: [Domain] = [], nameServers: [String]) {
        self.domain = domain
        self.subdomains = subdomains
        self.nameServers = nameServers
    }

    public var origin: String { domain.name }

    /// Groups a repository's Domains into zones. Domains whose parent zone belongs to the same account are
    /// merged into it; a subdomain of another account's zone is a zone of its own (and a tenancy error).
    public static func zones(of set: ManifestSet) -> [ZoneInput] {
        let byName = Dictionary(set.domains.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let servers = Dictionary(set.servers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let accounts = Dictionary(set.accounts.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func zoneRoot(of domain: Domain) -> String {
            var root = domain.name
            var candidate = Substring(domain.name)
            while let dot = candidate.firstIndex(of: ".") {
                candidate = candidate[candidate.index(after: dot)...]
                if let parent = byName[String(candidate)], parent.spec.account == domain.spec.account {
                    root = parent.name
                }
            }
            return root
        }
        var members: [String: [Domain]] = [:]
        var roots: [Domain] = []
        var seen = Set<String>()
        // A second Domain of the same name is a `resource.duplicate` error; it makes no second zone.
        for domain in set.domains where seen.insert(domain.name).inserted {
            let root = zoneRoot(of: domain)
            if root == domain.name {
                roots.append(domain)
            } else {
                members[root, default: []].append(domain)
            }
        }
        return roots.map { domain in
            let placement = accounts[domain.spec.account]?.spec.placement.dns ?? []
            // `ns1.example.net.` and `ns1.example.net` are the same server name; the zone writes its own dot.
            let nameServers = placement.compactMap { servers[$0]?.spec.hostname }.map {
                $0.hasSuffix(".") ? String($0.dropLast()) : $0
            }
            return ZoneInput(domain: domain, subdomains: members[domain.name] ?? [], nameServers: nameServers)
        }
    }
}
