import Manifests

/// `applied.yaml`: the last revision applied, when, by which run, and a summary per server.
package struct AppliedFile: Sendable, Hashable {
    package static let path = "applied.yaml"
    /// 2: the inventory lies in shards (`InventoryFile`). A Baton that reads only 1 would find no
    /// `inventory.yaml` and plan every resource as new: the version makes it stop and say to upgrade instead.
    package static let formatVersion = 2

    package struct ServerSummary: Sendable, Hashable {
        package var revision: String
        package var time: String
        package var run: String
        /// The run's state on that server (`SUCCESS`, `FAILURE`, ...).
        package var state: String
        package var changes: Int
        package var failed: Int

        package init(revision: String, time: String, run: String, state: String, changes: Int, failed: Int) {
            self.revision = revision
            self.time = time
            self.run = run
            self.state = state
            self.changes = changes
            self.failed = failed
        }
    }

    package var revision: String
    package var time: String
    package var run: String
    /// `ResourceStates.recipe` of the Baton that wrote the inventory's hashes.
    package var recipe: Int?
    package var servers: [String: ServerSummary]

    package init(
        revision: String, time: String, run: String, recipe: Int? = nil, servers: [String: ServerSummary] = [:]
    ) {
        self.recipe = recipe
        self.revision = revision
        self.time = time
        self.run = run
        self.servers = servers
    }

    package func render() -> String {
        var out = "# Written by Baton: the last revision applied. Do not edit.\n"
        out += "formatVersion: \(Self.formatVersion)\n"
        out += "revision: \(YAMLText.quoted(revision))\ntime: \(YAMLText.quoted(time))\nrun: \(YAMLText.quoted(run))\n"
        if let recipe { out += "recipe: \(recipe)\n" }
        out += servers.isEmpty ? "servers: {}\n" : "servers:\n"
        for name in servers.keys.sorted() {
            let s = servers[name]!
            out +=
                "  \(YAMLText.quoted(name)): {revision: \(YAMLText.quoted(s.revision)), time: \(YAMLText.quoted(s.time)), "
            out +=
                "run: \(YAMLText.quoted(s.run)), state: \(YAMLText.quoted(s.state)), changes: \(s.changes), failed: \(s.failed)}\n"
        }
        return out
    }

    package static func parse(_ bytes: [UInt8], file: String = path) throws -> AppliedFile {
        let root = try StatusNode.parse(bytes, file: file)
        try FormatVersion.check(root, supported: formatVersion)
        var applied = AppliedFile(
            revision: try root.string("revision"), time: try root.string("time"), run: try root.string("run"),
            recipe: try root.optional("recipe")?.int())
        for (name, s) in try root.optional("servers")?.pairs() ?? [] {
            applied.servers[name] = ServerSummary(
                revision: try s.string("revision"), time: try s.string("time"), run: try s.string("run"),
                state: try s.string("state"), changes: try s.required("changes").int(),
                failed: try s.required("failed").int())
        }
        return applied
    }
}
