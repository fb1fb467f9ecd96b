import Manifests
import Planning

/// A read-only probe of what Baton manages on a server: for each resource a few facts (a file's SHA-256, a
/// user's home and shell, a folder's owner and mode), each with the value applying would have left. The probe
/// changes nothing; `baton drift` compares.
package struct DriftProbe: Sendable {
    package struct Fact: Sendable, Hashable {
        package var resource: ResourceID
        package var what: String
        package var expected: String
    }

    package private(set) var facts: [Fact] = []
    private var commands: [ScriptBuilder] = []

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

    /// One line per fact on stdout: `@@DRIFT <nonce> <index> <value>`.
    package func script(nonce: String) throws -> ScriptBuilder {
        var script = ScriptBuilder()
        script.code("set -u")
        for (index, command) in commands.enumerated() {
            try script.command("printf '%s '", .value("@@DRIFT \(nonce) \(index)"))
            script.code("{")
            script.append(command)
            script.code("} 2>/dev/null </dev/null | head -n 1")
            script.code("echo")
        }
        return script
    }

    /// The observed value of each fact, in order; a fact the output lacks reads as "unknown".
    package func observed(stdout: [UInt8], nonce: String) -> [String] {
        var values = [String](repeating: "unknown", count: facts.count)
        let prefix = "@@DRIFT \(nonce) "
        for line in String(decoding: stdout, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
            let rest = line.dropFirst(prefix.count)
            let space = rest.firstIndex(of: " ") ?? rest.endIndex
            guard let index = Int(rest[..<space]), values.indices.contains(index) else { continue }
            values[index] = rest[space...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }

    mutating func add(_ id: ResourceID, _ what: String, expected: String, _ build: (inout ScriptBuilder) throws -> Void)
        rethrows
    {
        var command = ScriptBuilder()
        try build(&command)
        facts.append(Fact(resource: id, what: what, expected: expected))
        commands.append(command)
    }

    mutating func fileHash(_ id: ResourceID, _ what: String, path: String, contents: [UInt8]) throws {
        try add(id, what, expected: SHA256.hex(bytes: contents)) {
            try $0.command(
                "if [ -f", .value(path), "]; then sha256sum <", .value(path), "| cut -c1-64; else echo missing; fi")
        }
    }

    mutating func ownerAndMode(_ id: ResourceID, path: String, owner: String, mode: String) throws {
        try add(id, "owner and mode of \(path)", expected: "\(owner) \(mode)") {
            try $0.command("stat -c '%U %a' --", .value(path), "|| echo missing")
        }
    }

    mutating func account(_ state: ResourceState) throws {
        let name = state.id.name
        try ownerAndMode(state.id, path: "/home/\(name)", owner: name, mode: "750")
    }

    mutating func user(_ state: ResourceState, _ context: ApplyContext) throws {
        let name = state.id.name
        guard let home = state.scalar("home"), let shell = state.scalar("shell") else { return }
        try add(state.id, "home and shell", expected: "\(home):\(shell)") {
            try $0.command("getent passwd", .value(name), "| cut -d: -f6,7 | grep . || echo missing")
        }
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
