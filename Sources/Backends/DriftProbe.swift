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

    /// How a fact is looked up on the server.
    enum Lookup: Sendable, Hashable {
        /// The file's SHA-256, or `missing` when it is not a regular file.
        case hash
        /// `owner mode` of the path itself (a link is not followed), or `missing`.
        case ownerAndMode
        /// `home:shell` of the user, or `missing`.
        case passwd
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

    /// A batch of one lookup over up to `batchLimit` keys (and at most `batchBytes` of them: one `stat`'s
    /// arguments must stay well under the kernel's limit of 2 MiB).
    static let batchLimit = 500
    static let batchBytes = 64 * 1024

    package private(set) var facts: [Fact] = []
    /// Per fact: its lookup and key (a path or a user name, as bytes: two paths that Unicode calls equal are
    /// two files).
    private var lookups: [(lookup: Lookup, key: [UInt8])] = []

    package init(states: [ResourceState], context: ApplyContext) throws {
        for state in states {
            switch state.id.kind {
            case .account: try account(state)
            case .systemUser: try user(state, context)
            case .domain: try zone(state, context)
            case .webApp: try webApp(state, context)
            case .server, .monitoredSite: continue
            }
        }
    }

    /// The batches: each lookup's distinct keys in order, cut into pieces.
    private var batches: [(lookup: Lookup, keys: [[UInt8]])] {
        var batches: [(lookup: Lookup, keys: [[UInt8]])] = []
        for lookup in [Lookup.ownerAndMode, .passwd, .hash] {
            var seen = Set<[UInt8]>()
            var keys: [[UInt8]] = []
            var bytes = 0
            for entry in lookups where entry.lookup == lookup && seen.insert(entry.key).inserted {
                if keys.count == Self.batchLimit || (bytes + entry.key.count > Self.batchBytes && !keys.isEmpty) {
                    batches.append((lookup, keys))
                    keys = []
                    bytes = 0
                }
                keys.append(entry.key)
                bytes += entry.key.count + 3
            }
            if !keys.isEmpty { batches.append((lookup, keys)) }
        }
        return batches
    }

    /// NUL-separated records, a batch at a time: `@@DRIFT <nonce> <batch>` after each, `@@DRIFT <nonce> end`
    /// last.
    package func script(nonce: String) throws -> ScriptBuilder {
        var script = ScriptBuilder()
        script.code("set -u")
        for (index, batch) in batches.enumerated() {
            let keys = batch.keys.map { ScriptBuilder.Word.value(bytes: $0) }
            script.code("{")
            switch batch.lookup {
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
            try script.command("printf '\\0@@DRIFT %s\\0'", .value("\(nonce) \(index)"))
        }
        try script.command("printf '\\0@@DRIFT %s\\0'", .value("\(nonce) end"))
        return script
    }

    /// The observed value of each fact, in order; nil for a fact whose batch the output does not finish.
    package func observed(stdout: [UInt8], nonce: String) -> Observation {
        let batches = self.batches
        var found: [Lookup: [[UInt8]: String]] = [:]
        var done = Set<Int>()
        var complete = false
        var records: [ArraySlice<UInt8>] = []
        let marker = Array("@@DRIFT \(nonce) ".utf8)
        // A token counts once its NUL came: output cut inside a marker or a record says nothing.
        let ended = stdout.last == 0 ? stdout[...] : stdout[..<(stdout.lastIndex(of: 0) ?? 0)]
        for token in ended.split(separator: 0, omittingEmptySubsequences: true) {
            guard token.starts(with: marker) else {
                records.append(token)
                continue
            }
            let rest = String(decoding: token.dropFirst(marker.count), as: UTF8.self)
            defer { records = [] }
            if rest == "end" {
                complete = done.count == batches.count
                continue
            }
            guard let index = Int(rest), batches.indices.contains(index) else { continue }
            done.insert(index)
            let lookup = batches[index].lookup
            for record in records {
                guard let (key, value) = Self.parse(record, lookup) else { continue }
                if found[lookup, default: [:]][key] == nil { found[lookup, default: [:]][key] = value }
            }
        }
        var batchOf: [Lookup: [[UInt8]: Int]] = [:]
        for (index, batch) in batches.enumerated() {
            for key in batch.keys { batchOf[batch.lookup, default: [:]][key] = index }
        }
        let values = lookups.map { entry -> String? in
            guard let batch = batchOf[entry.lookup]?[entry.key], done.contains(batch) else { return nil }
            return found[entry.lookup]?[entry.key] ?? "missing"
        }
        return Observation(values: values, complete: complete)
    }

    /// One record of a batch's output: the key it answers and the value found.
    private static func parse(_ record: ArraySlice<UInt8>, _ lookup: Lookup) -> (key: [UInt8], value: String)? {
        let space = UInt8(ascii: " ")
        switch lookup {
        case .ownerAndMode:
            // `owner mode path`: neither a user name nor a mode holds a space.
            guard let first = record.firstIndex(of: space),
                let second = record[(first + 1)...].firstIndex(of: space)
            else { return nil }
            return (Array(record[(second + 1)...]), String(decoding: record[..<second], as: UTF8.self))
        case .passwd:
            // `name:home:shell`.
            guard let colon = record.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            return (Array(record[..<colon]), String(decoding: record[(colon + 1)...], as: UTF8.self))
        case .hash:
            // `hash  path` (or `hash *path`); with `-z` the path is not escaped.
            guard record.count > 66 else { return nil }
            let hash = record.prefix(64)
            guard hash.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
            return (Array(record.dropFirst(66)), String(decoding: hash, as: UTF8.self))
        }
    }

    mutating func add(_ id: ResourceID, _ what: String, expected: String, _ lookup: Lookup, _ key: String) {
        facts.append(Fact(resource: id, what: what, expected: expected))
        lookups.append((lookup, Array(key.utf8)))
    }

    mutating func fileHash(_ id: ResourceID, _ what: String, path: String, contents: [UInt8]) throws {
        add(id, what, expected: SHA256.hex(bytes: contents), .hash, path)
    }

    mutating func ownerAndMode(_ id: ResourceID, path: String, owner: String, mode: String) throws {
        add(id, "owner and mode of \(path)", expected: "\(owner) \(mode)", .ownerAndMode, path)
    }

    mutating func account(_ state: ResourceState) throws {
        let name = state.id.name
        try ownerAndMode(state.id, path: "/home/\(name)", owner: name, mode: "750")
    }

    mutating func user(_ state: ResourceState, _ context: ApplyContext) throws {
        let name = state.id.name
        guard let home = state.scalar("home"), let shell = state.scalar("shell") else { return }
        add(state.id, "home and shell", expected: "\(home):\(shell)", .passwd, name)
        if state.scalar("main") == "true" || home != "/home/\(state.account)" {
            var keys: [String] = []
            if case .list(let items)? = state.value("authorizedKeys") { keys = items }
            try fileHash(
                state.id, "authorized_keys", path: home + "/.ssh/authorized_keys",
                contents: Array(keys.map { $0 + "\n" }.joined().utf8))
        }
    }

    mutating func zone(_ state: ResourceState, _ context: ApplyContext) throws {
        guard state.scalar("role") == "primary", let text = context.zones[state.id.name] else { return }
        try fileHash(
            state.id, "zone file", path: "\(context.layout.zones)/\(state.id.name).zone", contents: Array(text.utf8))
    }

    mutating func webApp(_ state: ResourceState, _ context: ApplyContext) throws {
        guard let user = state.scalar("user"), let path = state.scalar("path") else { return }
        let app = state.id.name
        try ownerAndMode(state.id, path: path, owner: user, mode: "750")
        let document = state.scalar("publicRoot").map { path + "/" + $0 } ?? path
        let account = state.account
        var socket: String?
        if state.scalar("type") == "php", let version = state.scalar("php.version") {
            let path = SystemNames.socket(account: account, app: app, version: version)
            socket = path
            let text = try WebAppBackend.poolText(state, account: account, app: app, user: user, socket: path)
            try fileHash(
                state.id, "php-fpm pool",
                path: "\(context.layout.pools(version: version))/\(SystemNames.poolFile(account: account, app: app))",
                contents: Array(text.utf8))
        }
        let tls = WebAppBackend.tlsPaths(state, app: app, layout: context.layout)
        let block = try WebAppBackend.serverBlock(state, app: app, root: document, socket: socket, tls: tls)
        try fileHash(
            state.id, "nginx server block",
            path: "\(context.layout.nginxSites)/\(SystemNames.serverBlock(account: account, app: app))",
            contents: Array(block.utf8))
    }
}
