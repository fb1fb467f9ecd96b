import Manifests
import Planning

/// A read-only probe of what Baton manages on a server: for each resource a few facts (a file's SHA-256, a
/// user's home and shell, a folder's owner and mode), each with the value applying would have left. The probe
/// changes nothing; `baton drift` compares.
///
/// The facts are asked in batches, one kind of lookup each: one `stat` over many paths, one `sha256sum` over
/// many files, one `getent` over many users. A process per fact made a probe of 70,000 facts (10,000 accounts
/// on one server) run for minutes. Results come back keyed by the path or name they answer, NUL-separated
/// (a path may hold any byte but NUL), and after each batch a marker says it is done; a last marker says the
/// probe ran to its end. A fact whose batch did not finish was not observed: that is never a difference.
package struct DriftProbe: Sendable {
    package struct Fact: Sendable, Hashable {
        package var resource: ResourceID
        package var what: String
        package var expected: String
    }

    /// How a fact is looked up on the server, in the order the probe asks.
    enum Lookup: Int, Sendable, Hashable, CaseIterable {
        /// `owner mode` of the path itself (a link is not followed), or `missing`.
        case ownerAndMode
        /// `home:shell` of the user, or `missing`.
        case passwd
        /// The file's SHA-256, or `missing` when it is not a regular file.
        case hash
    }

    /// What a fact is about: with the key, all that is needed to say it (`Fact.what`), so that no text is kept
    /// per fact.
    enum Check: UInt8, Sendable {
        case ownerAndMode, homeAndShell, authorizedKeys, zoneFile, phpPool, serverBlock

        func what(key: String) -> String {
            switch self {
            case .ownerAndMode: "owner and mode of \(key)"
            case .homeAndShell: "home and shell"
            case .authorizedKeys: "authorized_keys"
            case .zoneFile: "zone file"
            case .phpPool: "php-fpm pool"
            case .serverBlock: "nginx server block"
            }
        }
    }

    /// What the probe's output said.
    package struct Observation: Sendable, Hashable {
        /// Per fact, in order: the value found, or nil when the probe did not get that far.
        package var values: [String?]
        /// The facts observed.
        package var made: Int { values.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
        /// The probe's end marker came: every fact was observed.
        package var complete: Bool
    }

    /// What the probe's output said, as a comparison: only the facts that differ are spelled out.
    package struct Comparison: Sendable {
        /// The facts observed.
        package var made: Int
        /// The probe's end marker came: every fact was observed.
        package var complete: Bool
        /// The facts observed with another value than the expected one: the fact's index and the value found.
        package var differing: [(fact: Int, found: String)]
    }

    /// A batch of one lookup over up to `batchLimit` keys (and at most `batchBytes` of them: one `stat`'s
    /// arguments must stay well under the kernel's limit of 2 MiB).
    static let batchLimit = 500
    static let batchBytes = 64 * 1024

    // A daemon keeps a probe from one drift round to the next (70,000 facts and more at 10,000 accounts), so it
    // is kept flat: a few arrays of numbers and bytes instead of three strings and an array per fact.

    /// The resources the facts are about.
    private var resources: [ResourceID] = []
    /// Per fact: its resource (an index of `resources`), what it checks, its key (an index of the keys) and the
    /// end of its expected value in `expectedBytes` (a file's SHA-256 as its 32 bytes, anything else as text).
    private var factResource: [UInt32] = []
    private var factCheck: [Check] = []
    private var factKey: [UInt32] = []
    private var expectedEnds: [UInt32] = []
    private var expectedBytes: [UInt8] = []
    /// The distinct keys (a path or a user name, as bytes: two paths that Unicode calls equal are two files),
    /// those of each lookup together in the order `Lookup` lists them, and each lookup's first key; a batch is a
    /// run of keys of one lookup, `batchEnds` the end of each.
    private var keyEnds: [UInt32] = []
    private var keyBytes: [UInt8] = []
    private var lookupStarts: [UInt32] = []
    private var batchEnds: [UInt32] = []

    package init(states: [ResourceState], context: ApplyContext) throws {
        var collector = Collector()
        for state in states {
            switch state.id.kind {
            case .account: collector.account(state)
            case .systemUser: collector.user(state)
            case .domain: collector.zone(state, context)
            case .webApp: try collector.webApp(state, context)
            case .server, .monitoredSite: continue
            }
        }
        self.init(collector)
    }

    private init(_ collector: Collector) {
        resources = Self.fitted(collector.resources)
        factResource = collector.facts.map(\.resource)
        factCheck = collector.facts.map(\.check)
        expectedBytes = Self.fitted(collector.expectedBytes)
        expectedEnds = collector.facts.map(\.expectedEnd)
        // Keys numbered anew, lookup by lookup: a batch is then a run of consecutive keys.
        var renumbered = [UInt32](repeating: 0, count: collector.keys.count)
        for lookup in Lookup.allCases {
            lookupStarts.append(UInt32(keyEnds.count))
            var bytes = 0
            var inBatch = 0
            for (old, key) in collector.keys.enumerated() where key.lookup == lookup {
                if inBatch == Self.batchLimit || (bytes + key.bytes.count > Self.batchBytes && inBatch > 0) {
                    batchEnds.append(UInt32(keyEnds.count))
                    inBatch = 0
                    bytes = 0
                }
                renumbered[old] = UInt32(keyEnds.count)
                keyBytes += key.bytes
                keyEnds.append(UInt32(keyBytes.count))
                inBatch += 1
                bytes += key.bytes.count + 3
            }
            if inBatch > 0 { batchEnds.append(UInt32(keyEnds.count)) }
        }
        lookupStarts.append(UInt32(keyEnds.count))
        factKey = collector.facts.map { renumbered[Int($0.key)] }
        // Arrays grown by appending hold up to twice what they use: the probe is kept, its slack too.
        keyBytes = Self.fitted(keyBytes)
        keyEnds = Self.fitted(keyEnds)
        batchEnds = Self.fitted(batchEnds)
    }

    /// A copy of `array` whose capacity is its count.
    private static func fitted<T>(_ array: [T]) -> [T] {
        array.withUnsafeBufferPointer { Array($0) }
    }

    /// How many facts the probe checks.
    package var count: Int { factCheck.count }

    /// The facts, in the order of the probe's observations.
    package var facts: [Fact] { (0..<count).map(fact(_:)) }

    package func fact(_ index: Int) -> Fact {
        let expected = expected(index)
        return Fact(
            resource: resources[Int(factResource[index])],
            what: factCheck[index].what(key: String(decoding: key(Int(factKey[index])), as: UTF8.self)),
            expected: lookup(ofKey: Int(factKey[index])) == .hash
                ? Self.hex(expected) : String(decoding: expected, as: UTF8.self))
    }

    /// `raw` in lower-case hex, as `sha256sum` prints a digest.
    static func hex(_ raw: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: raw.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }

    /// The bytes the probe keeps (its facts and keys), for weighing what a daemon holds between rounds: the
    /// arrays' contents, and the resources' names that do not fit in a string's own 15 bytes.
    package var keptBytes: Int {
        resources.count * MemoryLayout<ResourceID>.stride
            + resources.reduce(0) { $0 + ($1.name.utf8.count > 15 ? $1.name.utf8.count : 0) }
            + count * (4 + 1 + 4 + 4) + expectedBytes.count + keyEnds.count * 4 + keyBytes.count + batchEnds.count * 4
    }

    private func key(_ index: Int) -> ArraySlice<UInt8> {
        keyBytes[(index == 0 ? 0 : Int(keyEnds[index - 1]))..<Int(keyEnds[index])]
    }

    private func expected(_ fact: Int) -> ArraySlice<UInt8> {
        expectedBytes[(fact == 0 ? 0 : Int(expectedEnds[fact - 1]))..<Int(expectedEnds[fact])]
    }

    private func lookup(ofKey index: Int) -> Lookup {
        Lookup.allCases.last { Int(lookupStarts[$0.rawValue]) <= index } ?? .hash
    }

    /// The keys of each batch, as ranges of key indices.
    private var batches: [Range<Int>] {
        batchEnds.indices.map { (($0 == 0 ? 0 : Int(batchEnds[$0 - 1]))..<Int(batchEnds[$0])) }
    }

    /// NUL-separated records, a batch at a time: `@@DRIFT <nonce> <batch>` after each, `@@DRIFT <nonce> end`
    /// last.
    package func script(nonce: String) throws -> ScriptBuilder {
        var script = ScriptBuilder()
        try script.assign("baton_nonce", nonce)
        script.append(try body())
        return script
    }

    /// The script without the line that sets its nonce (`baton_nonce`).
    func body() throws -> ScriptBuilder {
        var script = ScriptBuilder()
        script.code("set -u")
        for (index, batch) in batches.enumerated() {
            let keys = batch.map { ScriptBuilder.Word.value(bytes: Array(key($0))) }
            script.code("{")
            switch lookup(ofKey: batch.lowerBound) {
            case .ownerAndMode:
                try script.command(["stat", "--printf", "'%U %a %n\\0'", "--"] + keys)
            case .passwd:
                try script.command(["getent", "passwd", "--"] + keys + ["| cut -d: -f1,6,7 | tr '\\n' '\\0'"])
            case .hash:
                // `[ -f ]` (a builtin) keeps a FIFO or a device a tenant put in place from blocking the hash.
                try script.command(
                    ["for baton_f in"] + keys
                        + [
                            "; do [ -f \"$baton_f\" ] && printf '%s\\0' \"$baton_f\"; done | xargs -0 -r sha256sum -z --"
                        ])
            }
            script.code("} 2>/dev/null </dev/null")
            try script.command("printf '\\0@@DRIFT %s %s\\0'", "\"$baton_nonce\"", .number(index))
        }
        script.code("printf '\\0@@DRIFT %s end\\0' \"$baton_nonce\"")
        return script
    }

    /// The observed value of each fact, in order; nil for a fact whose batch the output does not finish.
    package func observed(stdout: [UInt8], nonce: String) -> Observation {
        let scan = scan(stdout, nonce: nonce)
        let values = (0..<count).map { fact -> String? in
            scan.value(ofKey: Int(factKey[fact]), in: stdout).map { String(decoding: $0, as: UTF8.self) }
        }
        return Observation(values: values, complete: scan.complete)
    }

    /// The output compared with the expected values: what was observed, and which facts differ. Reads the
    /// output once and makes a string only for a fact that differs (a server at rest answers 70,000 facts every
    /// drift round).
    package func compare(stdout: [UInt8], nonce: String) -> Comparison {
        let scan = scan(stdout, nonce: nonce)
        var made = 0
        var differing: [(fact: Int, found: String)] = []
        let hashes = Int(lookupStarts[Lookup.hash.rawValue])
        for fact in 0..<count {
            let key = Int(factKey[fact])
            guard let value = scan.value(ofKey: key, in: stdout) else { continue }
            made += 1
            let same =
                key >= hashes ? Self.hex(value, spells: expected(fact)) : value.elementsEqual(expected(fact))
            if !same { differing.append((fact, String(decoding: value, as: UTF8.self))) }
        }
        return Comparison(made: made, complete: scan.complete, differing: differing)
    }

    /// Whether `hex` (lowercase, as `sha256sum` prints) spells the bytes `raw`.
    static func hex(_ hex: ArraySlice<UInt8>, spells raw: ArraySlice<UInt8>) -> Bool {
        guard hex.count == raw.count * 2 else { return false }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        var position = hex.startIndex
        for byte in raw {
            guard let high = nibble(hex[position]), let low = nibble(hex[position + 1]), high << 4 | low == byte
            else { return false }
            position += 2
        }
        return true
    }

    /// What the output answered, per key.
    private struct Scan {
        /// Per key: where its value lies in the output, nil when its batch finished without it ("missing").
        var found: [Range<Int>?]
        /// Per key: whether its batch finished.
        var done: [Bool]
        var complete: Bool

        static let missing = Array("missing".utf8)[...]

        func value(ofKey key: Int, in stdout: [UInt8]) -> ArraySlice<UInt8>? {
            guard done[key] else { return nil }
            return found[key].map { stdout[$0] } ?? Self.missing
        }
    }

    private func scan(_ stdout: [UInt8], nonce: String) -> Scan {
        let batches = self.batches
        var scan = Scan(
            found: Array(repeating: nil, count: keyEnds.count), done: Array(repeating: false, count: keyEnds.count),
            complete: false)
        var finished = 0
        var records: [Range<Int>] = []
        let marker = Array("@@DRIFT \(nonce) ".utf8)
        // A token counts once its NUL came: output cut inside a marker or a record says nothing.
        let end = stdout.last == 0 ? stdout.count : (stdout.lastIndex(of: 0) ?? 0)
        var start = 0
        while start < end {
            let stop = stdout[start..<end].firstIndex(of: 0) ?? end
            defer { start = stop + 1 }
            guard stop > start else { continue }
            let token = stdout[start..<stop]
            guard token.starts(with: marker) else {
                records.append(start..<stop)
                continue
            }
            let rest = String(decoding: token.dropFirst(marker.count), as: UTF8.self)
            defer { records = [] }
            if rest == "end" {
                scan.complete = finished == batches.count
                continue
            }
            guard let index = Int(rest), batches.indices.contains(index), !scan.done[batches[index].lowerBound]
            else { continue }
            finished += 1
            let batch = batches[index]
            let lookup = lookup(ofKey: batch.lowerBound)
            // Answers come in the order of the keys asked (a missing one leaves a gap): each is looked for from
            // where the one before was found, then in the whole batch.
            var next = batch.lowerBound
            for record in records {
                guard let (key, value) = Self.parse(stdout[record], lookup) else { continue }
                guard
                    let match = (next..<batch.upperBound).first(where: { self.key($0).elementsEqual(key) })
                        ?? batch.first(where: { self.key($0).elementsEqual(key) })
                else { continue }
                if scan.found[match] == nil { scan.found[match] = value }
                next = match + 1
            }
            for key in batch { scan.done[key] = true }
        }
        return scan
    }

    /// One record of a batch's output: the key it answers and where the value found lies.
    private static func parse(_ record: ArraySlice<UInt8>, _ lookup: Lookup) -> (
        key: ArraySlice<UInt8>, value: Range<Int>
    )? {
        let space = UInt8(ascii: " ")
        switch lookup {
        case .ownerAndMode:
            // `owner mode path`: neither a user name nor a mode holds a space.
            guard let first = record.firstIndex(of: space),
                let second = record[(first + 1)...].firstIndex(of: space)
            else { return nil }
            return (record[(second + 1)...], record.startIndex..<second)
        case .passwd:
            // `name:home:shell`.
            guard let colon = record.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            return (record[..<colon], (colon + 1)..<record.endIndex)
        case .hash:
            // `hash  path` (or `hash *path`); with `-z` the path is not escaped.
            guard record.count > 66 else { return nil }
            let hash = record.prefix(64)
            guard hash.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
            return (record.dropFirst(66), hash.startIndex..<hash.endIndex)
        }
    }
}

/// Gathers the facts of each resource as `DriftProbe.init` meets them.
private struct Collector {
    struct Fact {
        var resource: UInt32
        var check: DriftProbe.Check
        var key: UInt32
        var expectedEnd: UInt32
    }

    var resources: [ResourceID] = []
    var facts: [Fact] = []
    var expectedBytes: [UInt8] = []
    var keys: [(lookup: DriftProbe.Lookup, bytes: [UInt8])] = []
    var keyIndex: [DriftProbe.Lookup: [[UInt8]: UInt32]] = [:]

    mutating func add(
        _ id: ResourceID, _ check: DriftProbe.Check, expected: String, _ lookup: DriftProbe.Lookup, _ key: String
    ) {
        add(id, check, expected: Array(expected.utf8), lookup, key)
    }

    mutating func add(
        _ id: ResourceID, _ check: DriftProbe.Check, expected: [UInt8], _ lookup: DriftProbe.Lookup, _ key: String
    ) {
        // A resource's facts come one after another.
        if resources.last != id { resources.append(id) }
        let bytes = Array(key.utf8)
        let index =
            keyIndex[lookup, default: [:]][bytes]
            ?? {
                let index = UInt32(keys.count)
                keys.append((lookup, bytes))
                keyIndex[lookup, default: [:]][bytes] = index
                return index
            }()
        expectedBytes += expected
        facts.append(
            Fact(
                resource: UInt32(resources.count - 1), check: check, key: index,
                expectedEnd: UInt32(expectedBytes.count)))
    }

    mutating func fileHash(_ id: ResourceID, _ check: DriftProbe.Check, path: String, contents: [UInt8]) {
        var digest = SHA256()
        digest.update(contents)
        add(id, check, expected: digest.finalize(), .hash, path)
    }

    mutating func account(_ state: ResourceState) {
        let name = state.id.name
        add(state.id, .ownerAndMode, expected: "\(name) 750", .ownerAndMode, "/home/\(name)")
    }

    mutating func user(_ state: ResourceState) {
        let name = state.id.name
        guard let home = state.scalar("home"), let shell = state.scalar("shell") else { return }
        add(state.id, .homeAndShell, expected: "\(home):\(shell)", .passwd, name)
        if state.scalar("main") == "true" || home != "/home/\(state.account)" {
            var keys: [String] = []
            if case .list(let items)? = state.value("authorizedKeys") { keys = items }
            fileHash(
                state.id, .authorizedKeys, path: home + "/.ssh/authorized_keys",
                contents: Array(keys.map { $0 + "\n" }.joined().utf8))
        }
    }

    mutating func zone(_ state: ResourceState, _ context: ApplyContext) {
        guard state.scalar("role") == "primary", let text = context.zones[state.id.name] else { return }
        fileHash(state.id, .zoneFile, path: "\(context.layout.zones)/\(state.id.name).zone", contents: Array(text.utf8))
    }

    mutating func webApp(_ state: ResourceState, _ context: ApplyContext) throws {
        guard let user = state.scalar("user"), let path = state.scalar("path") else { return }
        let app = state.id.name
        add(state.id, .ownerAndMode, expected: "\(user) 750", .ownerAndMode, path)
        let document = state.scalar("publicRoot").map { path + "/" + $0 } ?? path
        let account = state.account
        var socket: String?
        if state.scalar("type") == "php", let version = state.scalar("php.version") {
            let path = SystemNames.socket(account: account, app: app, version: version)
            socket = path
            let text = try WebAppBackend.poolText(state, account: account, app: app, user: user, socket: path)
            fileHash(
                state.id, .phpPool,
                path: "\(context.layout.pools(version: version))/\(SystemNames.poolFile(account: account, app: app))",
                contents: Array(text.utf8))
        }
        let tls = WebAppBackend.tlsPaths(state, app: app, layout: context.layout)
        let block = try WebAppBackend.serverBlock(state, app: app, root: document, socket: socket, tls: tls)
        fileHash(
            state.id, .serverBlock,
            path: "\(context.layout.nginxSites)/\(SystemNames.serverBlock(account: account, app: app))",
            contents: Array(block.utf8))
    }
}
