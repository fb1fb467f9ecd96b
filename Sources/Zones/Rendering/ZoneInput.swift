import Manifests

/// What one zone file is made of: its Domain, the same-account Domains inside it (their records join the
/// zone), and the name servers its account's DNS placement names.
package struct ZoneInput: Sendable, Hashable {
    package var domain: Domain
    package var subdomains: [Domain]
    /// FQDNs without the trailing dot, primary first: the SOA's MNAME and the default NS records.
    package var nameServers: [String]

    package init(domain: Domain, subdomains: [Domain] = [], nameServers: [String]) {
        self.domain = domain
        self.subdomains = subdomains
        self.nameServers = nameServers
    }

    package var origin: String { domain.name }

    /// Groups a repository's Domains into zones. Domains whose parent zone belongs to the same account are
    /// merged into it; a subdomain of another account's zone is a zone of its own (and a tenancy error).
    package static func zones(of set: ManifestSet) -> [ZoneInput] {
        // Tables of positions (the first of a name wins): copying every Domain into a table by name retained each
        // of its strings, for 20,000 zones on every validation.
        let domains = set.domains
        let byName = domains.positionsByName()
        let servers = set.servers.positionsByName()
        let accounts = set.accounts.positionsByName()
        func zoneRoot(of domain: Domain) -> String {
            var root = domain.name
            var candidate = Substring(domain.name)
            while let dot = candidate.firstIndex(of: ".") {
                candidate = candidate[candidate.index(after: dot)...]
                if let parent = byName[String(candidate)], domains[parent].spec.account == domain.spec.account {
                    root = domains[parent].name
                }
            }
            return root
        }
        var members: [String: [Domain]] = [:]
        var roots: [Int] = []
        // A second Domain of the same name is a `resource.duplicate` error; it makes no second zone.
        for i in domains.indices where byName[domains[i].name] == i {
            let root = zoneRoot(of: domains[i])
            if root == domains[i].name {
                roots.append(i)
            } else {
                members[root, default: []].append(domains[i])
            }
        }
        return roots.map { i in
            let domain = domains[i]
            let placement = accounts[domain.spec.account].map { set.accounts[$0].spec.placement.dns } ?? []
            // `ns1.example.net.` and `ns1.example.net` are the same server name; the zone writes its own dot.
            let nameServers = placement.compactMap { servers[$0].flatMap { set.servers[$0].spec.hostname } }.map {
                $0.hasSuffix(".") ? String($0.dropLast()) : $0
            }
            return ZoneInput(domain: domain, subdomains: members[domain.name] ?? [], nameServers: nameServers)
        }
    }
}
