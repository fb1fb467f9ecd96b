import Foundation

/// The loaded zone as BIND's zone database holds it: RRsets per owner, NSEC3 records apart, and the lookups the
/// zone checks make (`dns_db_find` with zone cuts, DNAMEs, CNAMEs, wildcards and empty non-terminals).
struct ZoneDatabase {
    struct RRSet {
        var type: UInt16
        var covers: UInt16
        var ttl: UInt32
        /// Indexes into `records`.
        var members: [Int]
        /// The members' RDATA as BIND compares them (`ZoneDatabase.identity`), once the set has `hashedFrom`
        /// members: merging a record is then a hash look-up, not a scan of the set, so an RRset of n records costs
        /// n, not n squared.
        var identities: Set<[UInt8]> = []
        /// The size of BIND's rdataslab for the members: two length bytes and the RDATA of each.
        var size = 0
    }

    struct Node {
        var rrsets: [RRSet] = []

        func rrset(_ type: UInt16, covers: UInt16 = 0) -> RRSet? {
            rrsets.first { $0.type == type && $0.covers == covers }
        }
        func has(_ type: UInt16) -> Bool { rrsets.contains { $0.type == type && $0.covers == 0 } }
    }

    let apex: DNSName
    var records: [ZoneRecord]
    var nodes: [DNSName: Node] = [:]
    var nsec3Nodes: [DNSName: Node] = [:]
    /// The empty non-terminals: names between the apex and the nodes that have no records of their own.
    var emptyNonTerminals: Set<DNSName> = []

    func exists(_ name: DNSName) -> Bool { nodes[name] != nil || emptyNonTerminals.contains(name) }

    init(apex: DNSName, records: [ZoneRecord]) {
        self.apex = apex
        self.records = records
        // Most zones are small: room for their owners from the start, instead of growing the table four times.
        nodes.reserveCapacity(min(records.count, 64))
    }

    func node(_ name: DNSName) -> Node? { nodes[name] }

    // MARK: - Adding records (BIND's commit and rdataslab merge)

    /// Adds the records of one block of lines for an owner, as BIND commits them; returns BIND's error for each
    /// RRset that it refuses, with the line it reports.
    mutating func commit(block: Range<Int>) -> [(result: BindResult, record: Int)] {
        guard let first = block.first else { return [] }
        let owner = records[first].owner
        var failures: [(BindResult, Int)] = []
        // RRsets in the order BIND commits them: the type seen last in the block first.
        var groups: [(type: UInt16, covers: UInt16, members: [Int])] = []
        for i in block {
            let r = records[i]
            let covers = r.covers
            if let g = groups.firstIndex(where: { $0.type == r.type && $0.covers == covers }) {
                groups[g].members.append(i)
            } else {
                groups.append((r.type, covers, [i]))
            }
        }
        let lastLine = block.last!
        for g in groups.reversed() {
            if let r = add(owner: owner, type: g.type, covers: g.covers, members: g.members) {
                failures.append((r, lastLine))
            }
        }
        return failures
    }

    /// A record's RDATA as BIND compares records of its type: names folded to lower case only where the type's
    /// names compare that way. Two records with the same identity are one (BIND merges them silently).
    func identity(_ m: Int) -> [UInt8] {
        let r = records[m]
        if RRType.namesCompareCaseInsensitively(r.type) { return r.rdata }
        return r.rdataAsWritten ?? r.rdata
    }

    /// BIND's `DNS_RDATASET_MAXSIZE` less the slab header: an RRset larger than this does not load
    /// ("ran out of space"), whatever the number of records that make it.
    static let maxRRsetSize = 65512

    /// From this many members on, an RRset keeps a hash set of its records.
    static let hashedFrom = 16

    mutating func add(owner: DNSName, type: UInt16, covers: UInt16, members: [Int]) -> BindResult? {
        let isNSEC3 = type == RRType.nsec3 || covers == RRType.nsec3
        // The loader checks the current owner; a glue owner's SOA is refused when it is added (as BIND's
        // database does).
        if type == RRType.soa && owner != apex { return .notZoneTop }
        if owner.isWildcard {
            if type == RRType.ns { return .invalidNS }
            if type == RRType.nsec3 { return .invalidNSEC3 }
        }
        let existing = isNSEC3 ? nsec3Nodes[owner] : nodes[owner]
        let k = existing?.rrsets.firstIndex { $0.type == type && $0.covers == covers }
        // Work out the merged RRset first; the node changes only when the add succeeds. Within the block
        // identical records are one; a record already in the RRset is merged silently.
        var set = k.map { existing!.rrsets[$0] } ?? RRSet(type: type, covers: covers, ttl: 0, members: [])
        let before = set.members.count
        let singleton = RRType.isSingleton(type)
        for m in members {
            // Small sets compare records directly; a set that grows past `hashedFrom` hashes them.
            let id = identity(m)
            if set.members.count < ZoneDatabase.hashedFrom {
                if set.members.contains(where: { identity($0) == id }) { continue }
                if set.members.count + 1 == ZoneDatabase.hashedFrom {
                    set.identities = Set(set.members.map(identity))
                    set.identities.insert(id)
                }
            } else if !set.identities.insert(id).inserted {
                continue
            }
            if singleton && set.members.count >= 1 { return .singleton }
            set.members.append(m)
            set.size += 2 + records[m].rdata.count
            // BIND gives up on the RRset as soon as it cannot fit, and so does this: the rest of a
            // 40,000-record RRset is never looked at.
            if set.size > ZoneDatabase.maxRRsetSize { return .noSpace }
        }
        if set.members.count == before { return nil }
        if let existing, k == nil, ZoneDatabase.cnameAndOtherData(existing, adding: type) { return .cnameAndOther }
        if k == nil { set.ttl = records[set.members[0]].ttl }

        if isNSEC3 {
            ZoneDatabase.put(&nsec3Nodes[owner, default: Node()], set, at: k)
        } else {
            if existing == nil {
                markExisting(owner)
                if !emptyNonTerminals.isEmpty { becameNode(owner) }
            }
            ZoneDatabase.put(&nodes[owner, default: Node()], set, at: k)
        }
        return nil
    }

    static func put(_ node: inout Node, _ set: RRSet, at k: Int?) {
        if let k {
            node.rrsets[k] = set
        } else {
            node.rrsets.append(set)
        }
    }

    /// Adding `type` to the node would put a CNAME beside anything but KEY, SIG, NSEC and RRSIG.
    static func cnameAndOtherData(_ node: Node, adding type: UInt16) -> Bool {
        func other(_ t: UInt16) -> Bool {
            t != RRType.cname && t != RRType.key && t != RRType.sig && t != RRType.nsec && t != RRType.rrsig
        }
        let hasCNAME = type == RRType.cname || node.rrsets.contains { $0.type == RRType.cname }
        let hasOther = other(type) || node.rrsets.contains { other($0.type) }
        return hasCNAME && hasOther
    }

    /// Records the empty non-terminals above a new node.
    mutating func markExisting(_ name: DNSName) {
        guard name != apex, name.isSubdomain(of: apex) else { return }
        // A child of the apex has none (and needs no allocation to tell).
        if name.wire.count - Int(name.wire[0]) - 1 == apex.wire.count { return }
        var n = name.parent()
        while let x = n, x != apex {
            if nodes[x] != nil || !emptyNonTerminals.insert(x).inserted { break }
            n = x.parent()
        }
    }

    /// A node that becomes a real node is no longer an empty non-terminal.
    mutating func becameNode(_ name: DNSName) { emptyNonTerminals.remove(name) }

    // MARK: - Lookups

    enum Find: Equatable {
        case success, nxrrset, nxdomain, emptyName, cname, glue
        case dname(DNSName)
        case delegation(DNSName)
    }

    /// `dns_db_find` in the zone for `name` (lower-cased, inside the zone) and `type`.
    func find(_ name: DNSName, _ type: UInt16, glueOK: Bool = false) -> Find {
        // Zone cuts and DNAMEs above the name, from the apex down.
        var ancestors: [DNSName] = []
        var n = name.parent()
        while let x = n, x.isSubdomain(of: apex) {
            ancestors.append(x)
            if x == apex { break }
            n = x.parent()
        }
        var cut: DNSName? = nil
        for a in ancestors.reversed() {
            guard let node = nodes[a] else { continue }
            if a != apex && node.has(RRType.ns) {
                if !glueOK { return .delegation(a) }
                if cut == nil { cut = a }
                continue
            }
            if cut == nil && node.has(RRType.dname) { return .dname(a) }
        }
        var target = nodes[name]
        if target == nil {
            if emptyNonTerminals.contains(name) { return cut.map { .delegation($0) } ?? .emptyName }
            if cut == nil {
                // A wildcard at the closest encloser.
                var encloser = name.parent()
                while let e = encloser, e != apex, !exists(e) { encloser = e.parent() }
                if let e = encloser, let w = nodes[e.prepending(label: [UInt8(ascii: "*")])] { target = w }
            }
        }
        guard let node = target else { return cut.map { .delegation($0) } ?? .nxdomain }
        if let cut {
            return node.has(type) ? .glue : .delegation(cut)
        }
        if name != apex && node.has(RRType.ns) && type != RRType.ns && type != RRType.ds {
            return glueOK && node.has(type) ? .glue : .delegation(name)
        }
        if node.has(RRType.cname) && type != RRType.cname { return .cname }
        return node.has(type) ? .success : .nxrrset
    }

    /// Whether `name` is hidden below a zone cut or a DNAME (BIND's integrity checks skip those names).
    func isOccluded(_ name: DNSName) -> Bool {
        if name == apex { return false }
        if nodes[apex]?.has(RRType.dname) == true { return true }
        var n = name.parent()
        while let x = n, x != apex, x.isSubdomain(of: apex) {
            if let node = nodes[x], node.has(RRType.ns) || node.has(RRType.dname) { return true }
            n = x.parent()
        }
        return false
    }

    /// `names` in DNSSEC order (parents before children).
    static func sorted(_ names: [DNSName]) -> [DNSName] {
        // A key per name: its labels from the root down, each followed by a zero byte, compares as DNSSEC orders.
        var keyed: [(key: [UInt8], name: DNSName)] = []
        keyed.reserveCapacity(names.count)
        var starts: [Int] = []
        for name in names {
            let w = name.wire
            starts.removeAll(keepingCapacity: true)
            var i = 0
            while i < w.count, w[i] != 0 {
                starts.append(i)
                i += Int(w[i]) + 1
            }
            var key: [UInt8] = []
            key.reserveCapacity(w.count + 1)
            for s in starts.reversed() {
                key.append(contentsOf: w[(s + 1)...(s + Int(w[s]))])
                key.append(0)
            }
            keyed.append((key, name))
        }
        keyed.sort { a, b in
            a.key.withUnsafeBufferPointer { x in
                b.key.withUnsafeBufferPointer { y in
                    let n = min(x.count, y.count)
                    let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
                    return c != 0 ? c < 0 : x.count < y.count
                }
            }
        }
        return keyed.map(\.name)
    }
}
