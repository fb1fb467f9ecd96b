import Foundation

/// Baton's own zone checker: loads a master file as `named-checkzone` 9.18 does and makes the same checks, driven
/// by the same settings (`ZoneCheckOptions`), with BIND's wording in the messages. It needs no BIND and no process
/// per zone.
///
/// What it leaves out: the look-ups of out-of-zone names that `-i full` makes through the resolver (they only ever
/// give warnings), and the `raw` zone format.
package struct BuiltinZoneChecker: ZoneTextChecker {
    package var name: String { "builtin" }
    /// No process, batch or cache: each zone is parsed from its text in place.
    package var checksOneByOne: Bool { true }
    /// Where relative `$INCLUDE` paths (and a relative zone file path) start; nil for the current directory.
    package var baseDirectory: String?
    /// When set, `$INCLUDE` may only read files inside this directory.
    package var includeRoot: String?
    /// The time that RRSIG expiry is compared with (seconds since 1970); nil for now.
    package var now: UInt32?
    /// The most bytes a zone file and its includes may hold together (512 MiB unless set).
    package var readLimit: Int?

    package init(baseDirectory: String? = nil, includeRoot: String? = nil) {
        self.baseDirectory = baseDirectory
        self.includeRoot = includeRoot
    }

    /// The report and the records that loaded.
    package struct Analysis: Sendable {
        package var report: ZoneCheckReport
        package var records: [ZoneRecord]
    }

    package func check(path: String, origin: String, options: ZoneCheckOptions) -> ZoneCheckReport {
        analyze(path: path, origin: origin, options: options).report
    }

    package func check(text: String, origin: String, options: ZoneCheckOptions, fileName: String) -> ZoneCheckReport {
        analyze(bytes: Array(text.utf8), fileName: fileName, origin: origin, options: options).report
    }

    package func analyze(path: String, origin: String, options: ZoneCheckOptions) -> Analysis {
        run(origin: origin, options: options) { $0.parse(path: path) }
    }

    package func analyze(bytes: [UInt8], fileName: String, origin: String, options: ZoneCheckOptions) -> Analysis {
        run(origin: origin, options: options) { $0.parse(bytes: bytes, fileName: fileName) }
    }

    func run(origin: String, options: ZoneCheckOptions, _ parse: (MasterFileParser) -> MasterFileParser.Result)
        -> Analysis
    {
        let originText = origin.hasSuffix(".") ? origin : origin + "."
        guard let apex = DNSName(originText) else {
            return Analysis(
                report: ZoneCheckReport(
                    loaded: false, messages: [ZoneMessage(.error, text: "'\(origin)' is not a valid zone name")]),
                records: [])
        }
        var parserOptions = MasterFileParser.Options(options)
        parserOptions.baseDirectory = baseDirectory
        parserOptions.includeRoot = includeRoot
        parserOptions.now = now
        if let readLimit { parserOptions.readLimit = readLimit }
        let parsed = parse(MasterFileParser(origin: apex, options: parserOptions))
        var run = ZoneCheckRun(apex: apex.lowercased(), options: options, records: parsed.records)
        run.messages = parsed.messages
        run.check()
        let loaded = !run.messages.contains { $0.severity == .error }
        return Analysis(report: ZoneCheckReport(loaded: loaded, messages: run.messages), records: run.db.records)
    }
}

/// One check of one zone: the database build (BIND's commit) and the checks after loading.
struct ZoneCheckRun {
    let apex: DNSName
    let options: ZoneCheckOptions
    var db: ZoneDatabase
    var messages: [ZoneMessage] = []
    /// The owner names the checks after loading look at, in DNSSEC order, with their nodes.
    func names(where wanted: (ZoneDatabase.Node) -> Bool) -> [DNSName] {
        ZoneDatabase.sorted(db.nodes.compactMap { wanted($0.value) ? $0.key : nil })
    }

    init(apex: DNSName, options: ZoneCheckOptions, records: [ZoneRecord]) {
        self.apex = apex
        self.options = options
        self.db = ZoneDatabase(apex: apex, records: records)
    }

    var failed: Bool { messages.contains { $0.severity == .error } }

    mutating func zoneMessage(
        _ severity: ZoneMessage.Severity, _ text: String, owner: DNSName? = nil, type: UInt16? = nil,
        target: DNSName? = nil
    ) {
        messages.append(
            ZoneMessage(
                severity, owner: (owner ?? (type == nil && target == nil ? apex : nil))?.description,
                type: type.map(RRType.name), target: target?.description, text: text))
    }

    mutating func check() {
        load()
        if failed { return }
        postLoad()
    }

    /// Commits the records block by block (a block is a run of records with the same owner).
    mutating func load() {
        let records = db.records
        var start = 0
        while start < records.count {
            var end = start + 1
            while end < records.count, records[end].owner == records[start].owner,
                records[end].file == records[start].file
            {
                end += 1
            }
            for f in db.commit(block: start..<end) {
                let r = records[f.record]
                messages.append(
                    ZoneMessage(
                        .error, file: r.file, line: r.line, owner: r.owner.description, type: nil,
                        text: "\(r.owner): \(f.result.text)"))
            }
            start = end
        }
    }

    // MARK: - After loading

    mutating func postLoad() {
        let apexNode = db.node(apex)
        // Apex NS targets inside the zone need addresses (named-checkzone always checks these).
        var nsErrors = 0
        if let ns = apexNode?.rrset(RRType.ns) {
            for m in ns.members {
                guard let target = ZoneCheckRun.name(in: db.records[m].rdata, at: 0) else { continue }
                if target.isSubdomain(of: apex) && !checkApexNS(target) { nsErrors += 1 }
            }
        }
        let soaCount = apexNode?.rrset(RRType.soa)?.members.count ?? 0
        if soaCount != 1 { zoneMessage(.error, "has \(soaCount) SOA records") }
        if apexNode?.rrset(RRType.ns) == nil { zoneMessage(.error, "has no NS records") }
        if failed || nsErrors > 0 { return }

        checkNSEC3PARAM()
        if failed { return }
        if options.integrity != .none {
            integrityChecks()
            if failed { return }
        }
        if options.duplicateRecords != .ignore {
            duplicateRecords()
            if failed { return }
        }
        cdsCheck()
        if failed { return }
        deprecations()
    }

    static func name(in rdata: [UInt8], at offset: Int) -> DNSName? {
        var i = offset
        return DNSName.fromWire(rdata[...], at: &i)
    }

    static func u16(_ d: [UInt8], _ i: Int) -> Int { i + 1 < d.count ? Int(d[i]) << 8 | Int(d[i + 1]) : 0 }

    /// `zone_check_ns` for the apex NS records.
    mutating func checkApexNS(_ target: DNSName) -> Bool {
        var r = db.find(target, RRType.a)
        if r == .success { return true }
        if r == .nxrrset {
            r = db.find(target, RRType.aaaa)
            if r == .success { return true }
        }
        switch r {
        case .nxrrset, .nxdomain, .emptyName:
            zoneMessage(.error, "NS '\(target)' has no address records (A or AAAA)", type: RRType.ns, target: target)
        case .cname:
            zoneMessage(.error, "NS '\(target)' is a CNAME (illegal)", type: RRType.ns, target: target)
        case .dname(let d):
            zoneMessage(.error, "NS '\(target)' is below a DNAME '\(d)' (illegal)", type: RRType.ns, target: target)
        default:
            return true
        }
        return false
    }

    mutating func checkNSEC3PARAM() {
        guard let set = db.node(apex)?.rrset(RRType.nsec3param) else { return }
        var ok = false
        for m in set.members {
            let d = db.records[m].rdata
            guard d.count >= 4 else { continue }
            let hash = Int(d[0])
            if hash == 245 {
                zoneMessage(.warning, "nsec3 test \"unknown\" hash algorithm found: \(hash)")
                ok = true
            } else if hash != 1 {
                zoneMessage(.warning, "unsupported nsec3 hash algorithm: \(hash)")
            } else {
                ok = true
            }
            let iterations = ZoneCheckRun.u16(d, 2)
            if iterations > 150 {
                zoneMessage(.warning, "excessive NSEC3PARAM iterations \(iterations) > 150")
            }
        }
        if !ok { zoneMessage(.error, "no supported nsec3 hash algorithm") }
    }

    // MARK: - Integrity (-i)

    mutating func integrityChecks() {
        let spf = options.spf != .ignore
        let names = names { n in
            n.has(RRType.ns) || n.has(RRType.mx) || n.has(RRType.srv) || (spf && n.has(RRType.spf))
        }
        for name in names {
            guard name.isSubdomain(of: apex), !db.isOccluded(name), let node = db.node(name) else { continue }
            if name != apex, let ns = node.rrset(RRType.ns) {
                for m in ns.members {
                    if let target = ZoneCheckRun.name(in: db.records[m].rdata, at: 0) {
                        checkGlue(target, owner: name)
                    }
                }
                continue
            }
            if let mx = node.rrset(RRType.mx) {
                for m in mx.members {
                    if let target = ZoneCheckRun.name(in: db.records[m].rdata, at: 2) {
                        checkTarget(target, owner: name, type: RRType.mx)
                    }
                }
            }
            if let srv = node.rrset(RRType.srv) {
                for m in srv.members {
                    if let target = ZoneCheckRun.name(in: db.records[m].rdata, at: 6) {
                        checkTarget(target, owner: name, type: RRType.srv)
                    }
                }
            }
            if spf && node.has(RRType.spf) {
                let spfTXT =
                    node.rrset(RRType.txt)?.members.contains { ZoneCheckRun.isSPF(db.records[$0].rdata) } ?? false
                if !spfTXT {
                    zoneMessage(
                        .warning,
                        "'\(name)' found type SPF record but no SPF TXT record found, add matching type TXT record",
                        owner: name, type: RRType.spf)
                }
            }
        }
    }

    /// `zone_check_mx` and `zone_check_srv`: targets inside the zone that have no address or are aliases.
    mutating func checkTarget(_ target: DNSName, owner: DNSName, type: UInt16) {
        if target.isRoot || !target.isSubdomain(of: apex) { return }
        var r = db.find(target, RRType.a)
        if r == .success { return }
        if r == .nxrrset {
            r = db.find(target, RRType.aaaa)
            if r == .success { return }
        }
        let isMX = type == RRType.mx
        let what = "\(owner)/\(RRType.name(type)) '\(target)'"
        let aliasMode = isMX ? options.mxCNAME : options.srvCNAME
        switch r {
        case .nxrrset, .nxdomain, .emptyName:
            let fail = isMX && options.mxAddress == .fail
            zoneMessage(
                fail ? .error : .warning, "\(what) has no address records (A or AAAA)", owner: owner, type: type,
                target: target)
        case .cname:
            if aliasMode != .ignore {
                zoneMessage(
                    aliasMode == .fail ? .error : .warning, "\(what) is a CNAME (illegal)", owner: owner, type: type,
                    target: target)
            }
        case .dname(let d):
            if aliasMode != .ignore {
                zoneMessage(
                    aliasMode == .fail ? .error : .warning, "\(what) is below a DNAME '\(d)' (illegal)", owner: owner,
                    type: type, target: target)
            }
        default:
            break
        }
    }

    /// `zone_check_glue`: a delegation's name servers inside the zone need glue. BIND logs these without failing
    /// the zone, so they are warnings here.
    mutating func checkGlue(_ target: DNSName, owner: DNSName) {
        guard target.isSubdomain(of: apex) else { return }
        var r = db.find(target, RRType.a)
        switch r {
        case .success, .dname, .cname: break
        default: r = db.find(target, RRType.a, glueOK: true)
        }
        if r == .success { return }
        var isDelegation = false
        if case .delegation = r { isDelegation = true }
        if r == .nxrrset || r == .glue || isDelegation {
            let t = db.find(target, RRType.aaaa, glueOK: true)
            if t == .success || t == .glue || r == .glue { return }
        }
        let what = "\(owner)/NS '\(target)'"
        switch r {
        case .nxrrset, .nxdomain, .emptyName, .delegation:
            let required = target.isSubdomain(of: owner)
            let kind = required ? "REQUIRED GLUE " : isDelegation ? "SIBLING GLUE " : ""
            let siblings = options.integrity == .full || options.integrity == .local
            if !isDelegation || required || siblings {
                zoneMessage(
                    .warning, "\(what) has no \(kind)address records (A or AAAA)", owner: owner, type: RRType.ns,
                    target: target)
            }
        case .cname:
            zoneMessage(.warning, "\(what) is a CNAME (illegal)", owner: owner, type: RRType.ns, target: target)
        case .dname(let d):
            zoneMessage(
                .warning, "\(what) is below a DNAME '\(d)' (illegal)", owner: owner, type: RRType.ns, target: target)
        default:
            break
        }
    }

    /// A TXT record whose text starts `v=spf1` (then a space or nothing).
    static func isSPF(_ rdata: [UInt8]) -> Bool {
        var text: [UInt8] = []
        var i = 0
        while i < rdata.count {
            let l = Int(rdata[i])
            i += 1
            text.append(contentsOf: rdata[i..<min(i + l, rdata.count)])
            i += l
            if text.count >= 7 { break }
        }
        guard text.count >= 6, text.prefix(6).elementsEqual("v=spf1".utf8) else { return false }
        return text.count == 6 || text[6] == 0x20
    }

    // MARK: - Duplicates (-r)

    mutating func duplicateRecords() {
        for name in names(where: { $0.rrsets.contains { $0.members.count > 1 } }) {
            guard let node = db.node(name) else { continue }
            for set in node.rrsets where set.members.count > 1 {
                var seen = Set<[UInt8]>(minimumCapacity: set.members.count)
                if set.members.contains(where: { !seen.insert(db.records[$0].rdata).inserted }) {
                    zoneMessage(
                        options.duplicateRecords == .fail ? .error : .warning,
                        "\(name)/\(RRType.name(set.type)) has semantically identical records", owner: name,
                        type: set.type)
                }
            }
        }
    }

    // MARK: - CDS and CDNSKEY

    /// `dns_zone_cdscheck`: every algorithm of the CDS and CDNSKEY records has a DNSKEY, and a deletion record
    /// stands alone.
    mutating func cdsCheck() {
        guard let node = db.node(apex) else { return }
        let cds = node.rrset(RRType.cds), cdnskey = node.rrset(RRType.cdnskey)
        if cds == nil && cdnskey == nil { return }
        let keyAlgorithms = Set(
            (node.rrset(RRType.dnskey)?.members ?? []).compactMap { m -> UInt8? in
                let d = db.records[m].rdata
                return d.count >= 4 ? d[3] : nil
            })
        let haveKeys = node.rrset(RRType.dnskey) != nil
        func consistent(_ set: ZoneDatabase.RRSet?, algorithmAt: Int, isDelete: ([UInt8]) -> Bool) -> Bool {
            guard let set else { return true }
            var delete = false
            var expected: Set<UInt8> = []
            for m in set.members {
                let d = db.records[m].rdata
                if isDelete(d) {
                    delete = true
                    continue
                }
                if !haveKeys { return false }
                guard d.count > algorithmAt else { return false }
                expected.insert(d[algorithmAt])
            }
            if delete { return expected.isEmpty }
            return expected.isSubset(of: keyAlgorithms)
        }
        let ok =
            consistent(cds, algorithmAt: 2, isDelete: { $0 == [0, 0, 0, 0, 0] })
            && consistent(cdnskey, algorithmAt: 3, isDelete: { $0 == [0, 0, 3, 0, 0] })
        if !ok { zoneMessage(.error, "CDS/CDNSKEY consistency checks failed") }
    }

    // MARK: - Deprecated DNSSEC algorithms and digests (warnings)

    static let deprecatedAlgorithms: [Int: String] = [5: "RSASHA1", 7: "NSEC3RSASHA1"]

    mutating func deprecations() {
        if let keys = db.node(apex)?.rrset(RRType.dnskey) {
            var all = true
            for m in keys.members {
                let d = db.records[m].rdata
                guard d.count >= 4 else { continue }
                if let name = ZoneCheckRun.deprecatedAlgorithms[Int(d[3])] {
                    zoneMessage(.warning, "deprecated DNSKEY algorithm found: \(d[3]) (\(name))", type: RRType.dnskey)
                } else {
                    all = false
                }
            }
            if all && !keys.members.isEmpty {
                zoneMessage(.warning, "all DNSKEY algorithms found are deprecated", type: RRType.dnskey)
            }
        }
        if let cds = db.node(apex)?.rrset(RRType.cds) {
            for m in cds.members where db.records[m].rdata.count > 3 && db.records[m].rdata[3] == 1 {
                zoneMessage(.warning, "deprecated CDS digest type 1 (SHA-1)", type: RRType.cds)
                break
            }
        }
        for name in names(where: { $0.has(RRType.ds) || $0.has(RRType.key) }) {
            guard let node = db.node(name) else { continue }
            if name != apex, node.has(RRType.ns), let ds = node.rrset(RRType.ds) {
                for m in ds.members {
                    let d = db.records[m].rdata
                    guard d.count >= 4 else { continue }
                    if d[3] == 1 {
                        zoneMessage(
                            .warning, "\(name)/DS deprecated digest type 1 (SHA-1)", owner: name, type: RRType.ds)
                    }
                    if let alg = ZoneCheckRun.deprecatedAlgorithms[Int(d[2])] {
                        zoneMessage(
                            .warning, "\(name)/DS deprecated algorithm \(d[2]) (\(alg))", owner: name, type: RRType.ds)
                    }
                }
            }
            if let key = node.rrset(RRType.key) {
                for m in key.members {
                    let d = db.records[m].rdata
                    if d.count >= 4, let alg = ZoneCheckRun.deprecatedAlgorithms[Int(d[3])] {
                        zoneMessage(
                            .warning, "\(name)/KEY deprecated algorithm \(d[3]) (\(alg))", owner: name,
                            type: RRType.key)
                    }
                }
            }
        }
    }
}
