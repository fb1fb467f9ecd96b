import Manifests

enum DomainRules {
    /// BIND's limit: TTLs above 2^31-1 are clamped to 0 with a warning.
    static let maxTTL: Int64 = 2_147_483_647

    static func check(_ index: RepositoryIndex, shard: Int, of shards: Int, _ f: inout Findings) {
        let domains = index.set.domains
        for i in stride(from: shard, to: domains.count, by: shards) {
            let domain = domains[i]
            let o = domain.origin
            if let problem = DNSName.zoneProblem(domain.name) {
                f.error(
                    o, "metadata.name", "name.domain", "domain name '\(domain.name)' is not valid: \(problem)",
                    hint: "write the zone's FQDN in lower case without a trailing dot, IDN labels as xn--...")
                continue
            }
            for (path, ttl) in [
                ("spec.ttl", domain.spec.ttl), ("spec.soa.refresh", domain.spec.soa.refresh),
                ("spec.soa.retry", domain.spec.soa.retry), ("spec.soa.expire", domain.spec.soa.expire),
                ("spec.soa.minimum", domain.spec.soa.minimum),
            ] where ttl.seconds > maxTTL {
                f.error(
                    o, path, "record.ttl", "\(ttl) is more than the DNS maximum of 2147483647 seconds (68 years)",
                    hint: "use a shorter duration; 1h to 1d is usual")
            }
            if let rname = domain.spec.soa.rname, !isSOAContact(rname) {
                f.error(
                    o, "spec.soa.rname", "domain.rname", "SOA rname '\(rname)' is not an email address",
                    hint: "write the zone contact as an address, e.g. hostmaster@\(domain.name)")
            }
            let hasApexNS = domain.spec.records.contains { $0.type == .NS && $0.name == "@" }
            if !hasApexNS, index.parentDomain(of: domain)?.spec.account != domain.spec.account,
                let account = index.accounts[domain.spec.account], account.spec.placement.dns.isEmpty
            {
                f.error(
                    o, "metadata.name", "domain.ns-missing",
                    "domain '\(domain.name)' has no NS records and account '\(account.name)' has no DNS placement",
                    hint: "add `placement: {dns: [ns1]}` to the account, or NS records at `@`")
            }
            let records = domain.spec.records
            for r in records.indices { RecordRules.check(records[r], in: domain, &f) }
        }
    }

    /// An SOA contact: an address whose domain may be a single label (`root@localhost`, Debian's own `db.0`;
    /// `hostmaster@arpa`), as the SOA's RNAME needs no more.
    static func isSOAContact(_ s: String) -> Bool {
        guard let at = s.lastIndex(of: "@") else { return false }
        let domain = s[s.index(after: at)...]
        return AccountRules.isEmail(String(s[..<at]) + "@" + domain + (domain.hasByte(".") ? "" : ".invalid"))
    }

    /// A name with a CNAME has no other data (RFC 1034 3.6.2), across all zones of the repository.
    static func checkCNAMEExclusivity(_ index: RepositoryIndex, _ f: inout Findings) {
        // Only names that have a CNAME somewhere need grouping.
        // By position: iterating the set's arrays would copy every Domain and every record (retaining their strings).
        let domains = index.set.domains
        // Each Domain's name checked once for both passes below.
        let valid = domains.indices.map { DNSName.zoneProblem(domains[$0].name) == nil }
        var cnames = Set<String>()
        for d in domains.indices where valid[d] {
            let records = domains[d].spec.records
            for r in records.indices where records[r].type == .CNAME {
                if let fqdn = RecordRules.fqdn(records[r].name, zone: domains[d].name) { cnames.insert(fqdn) }
            }
        }
        guard !cnames.isEmpty else { return }
        // Each CNAME's name as every Domain that holds it writes it (relative, lower case; "" for the Domain
        // itself): a record is then looked up by its own name, and no record's FQDN is built to be compared
        // (200,000 records were 200,000 strings). A list per Domain, not a set: the names come from distinct FQDNs,
        // so they are distinct, and a zone has few of them (a set, with its allocation, was made per Domain).
        let domainNames = Set(domains.map(\.name))
        var relative: [String: [Substring]] = Dictionary(minimumCapacity: cnames.count)
        for fqdn in cnames {
            var suffix = Substring(fqdn)
            var prefixEnd = fqdn.startIndex
            while true {
                if domainNames.contains(String(suffix)) {
                    relative[String(suffix), default: []].append(
                        prefixEnd == fqdn.startIndex ? "" : fqdn[..<fqdn.index(before: prefixEnd)])
                }
                guard let dot = suffix.firstIndex(of: ".") else { break }
                prefixEnd = fqdn.index(after: dot)
                suffix = fqdn[prefixEnd...]
            }
        }
        // The records at each CNAME's name, by position: a chain through `named` from the last one found, so that
        // a name held by one record (the CNAME itself, almost always) costs no array of its own.
        var last: [String: Int] = Dictionary(minimumCapacity: cnames.count)
        var named: [(d: Int, r: Int, previous: Int)] = []
        for d in domains.indices {
            guard valid[d], let names = relative[domains[d].name] else { continue }
            // A zone has few CNAME names (usually one): comparing costs less than hashing every record's name.
            let table = names.count > 4 ? Set(names) : nil
            let records = domains[d].spec.records
            for r in records.indices {
                let name = records[r].name == "@" ? "" : records[r].name
                let key = name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? name.lowercased() : name
                let isNamed = table.map { $0.contains(Substring(key)) } ?? names.contains { $0 == key }
                guard isNamed, let fqdn = RecordRules.fqdn(records[r].name, zone: domains[d].name) else { continue }
                named.append((d, r, last[fqdn] ?? -1))
                last[fqdn] = named.count - 1
            }
        }
        for (fqdn, end) in last where named[end].previous >= 0 {
            var records: [(type: RecordType, record: DNSRecord, origin: Origin)] = []
            var k = end
            while k >= 0 {
                let record = domains[named[k].d].spec.records[named[k].r]
                records.append((record.type, record, domains[named[k].d].origin))
                k = named[k].previous
            }
            records.reverse()  // in the order found, as the sort below has always received them
            guard records.contains(where: { $0.type == .CNAME }) else { continue }
            let ordered = records.sorted {
                $0.origin.location(of: $0.record, \.item) < $1.origin.location(of: $1.record, \.item)
            }
            let first = ordered[0]
            let firstAt = first.origin.location(of: first.record, \.name)
            for other in ordered.dropFirst() {
                let at = other.origin.location(of: other.record, \.name)
                // The first may be in another file (the same zone imported twice): then it is named.
                let place = at.file == firstAt.file ? "line \(firstAt.line)" : "\(firstAt.file):\(firstAt.line)"
                let message =
                    other.type == .CNAME && first.type == .CNAME
                    ? "'\(fqdn)' has a second CNAME (first at \(place))"
                    : "'\(fqdn)' has a CNAME and other data (\(first.type.rawValue) at \(place), \(other.type.rawValue) here)"
                f.error(
                    at: at, "record.cname-exclusive", message,
                    hint:
                        "a name with a CNAME can have no other record; point the other records at the CNAME's target or drop the CNAME"
                )
            }
        }
    }
}
