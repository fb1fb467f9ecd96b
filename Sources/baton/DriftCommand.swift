import ArgumentParser
import Backends
import Engine
import Foundation
import GitStore
import Manifests
import Planning
import SSHTransport
import StatusStore
import Zones

/// `baton drift`: one read-only probe per server, compared with what the status branch says was applied.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare the servers with the applied state, read-only.",
        discussion: "Exit status: 0 no drift, 2 drift (each difference listed), 1 any error or an unreachable server."
    )

    @Option(help: "The git repository.") var repo: String = "."
    @Option(name: .customLong("server"), help: "Probe only this server (repeatable).") var servers: [String] = []
    @Option(help: "The SSH client key (default: BATON_SSH_KEY).") var identity: String?

    func run() throws {
        let probes: [(server: String, target: SSHTarget, probe: DriftProbe)]
        let skipped: Int
        guard let key = identity ?? ProcessInfo.processInfo.environment["BATON_SSH_KEY"] else {
            Terminal.error("baton: no SSH client key: pass --identity KEY or set BATON_SSH_KEY")
            throw ExitStatus.invalid
        }
        do {
            let repository = try GitRepository(path: repo)
            let name = try RepositoryConfigReader.statusBranch(repository)
            let snapshot = try StatusBranch(repository: repository, name: name).snapshot()
            guard let revision = snapshot.state.revision else {
                print("Nothing applied yet: nothing to compare.")
                return
            }
            // Each entry's applied form as of the revision it was applied from: most come from the revision
            // last applied, some from an earlier one (a run that failed in part). Revisions are read through one
            // parse cache, so each later one decodes only the files that differ.
            let index = snapshot.state.index
            let cache = ParseCache()
            let set = try ManifestLoader.load(try repository.source(at: revision), cache: cache).manifests
            var byServer: [String: [ResourceState]] = [:]
            var zones: [String: String] = [:]
            var unchecked = 0
            for (from, keys) in Dictionary(grouping: index.keys, by: { index[$0]!.revision }).sorted(by: {
                $0.key < $1.key
            }) {
                guard let id = try? repository.resolve(from), repository.hasCommit(id) else {
                    unchecked += keys.count  // history rewritten and collected: nothing to rebuild it from
                    continue
                }
                let then =
                    from == revision
                    ? set : try ManifestLoader.load(try repository.source(at: from), cache: cache).manifests
                let wanted = Set(keys)
                var found = Set<Planner.Key>()
                // The zone files that primaries hold as of this revision.
                var domains = Set<String>()
                for state in ResourceStates.build(then, only: Set(keys.map(\.id))) {
                    let key = Planner.Key(server: state.server, id: state.id)
                    guard wanted.contains(key), index[key]?.hash == state.hash else { continue }
                    byServer[state.server, default: []].append(state)
                    found.insert(key)
                    if state.id.kind == .domain, state.scalar("role") == "primary" { domains.insert(state.id.name) }
                }
                unchecked += wanted.subtracting(found).count
                for input in ZoneInput.zones(of: then) where domains.contains(input.origin) {
                    guard let serial = snapshot.serials[input.origin] else { continue }
                    zones[input.origin] = ZoneRenderer.render(input, serial: serial.serial).text
                }
            }
            skipped = unchecked
            let declared = Dictionary(set.servers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            probes = try byServer.keys.sorted().filter { servers.isEmpty || servers.contains($0) }.compactMap {
                server in
                guard let spec = declared[server]?.spec else { return nil }
                let context = ApplyContext(layout: ServerLayout(spec.paths), manifests: set, zones: zones)
                return (
                    server,
                    SSHTarget(host: spec.address, port: spec.port, user: spec.user, hostKey: spec.hostKey),
                    try DriftProbe(states: byServer[server] ?? [], context: context)
                )
            }
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
        let nonce = String((0..<12).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        let scripts = Dictionary(
            try probes.map { ($0.target, try $0.probe.script(nonce: nonce).text) }, uniquingKeysWith: { a, _ in a })
        let results = SSHPool.connectEach(probes.map(\.target), credentials: SSHCredentials(privateKeyPath: key)) {
            connection in
            try connection.run(scripts[connection.target] ?? "", timeout: .seconds(120)).stdout
        }
        var drifted = 0
        var unreachable = false
        for (probe, result) in zip(probes, results) {
            switch result {
            case .failure(let error):
                unreachable = true
                print("\(probe.server): not probed: \(error)")
            case .success(let stdout):
                let observed = probe.probe.observed(stdout: stdout, nonce: nonce)
                var differences: [String] = []
                for (fact, value) in zip(probe.probe.facts, observed) where fact.expected != value {
                    differences.append("  ~ \(fact.resource): \(fact.what): expected \(fact.expected), found \(value)")
                }
                drifted += differences.count
                print(
                    "\(probe.server): "
                        + (differences.isEmpty
                            ? "no drift (\(probe.probe.facts.count) checks)" : "\(differences.count) difference(s)"))
                for line in differences { print(line) }
            }
        }
        if skipped > 0 {
            print(
                "\(skipped) resource(s) not compared: their applied form could not be rebuilt (the revision is gone, or an older Baton applied it)"
            )
        }
        if unreachable { throw ExitStatus.invalid }
        if drifted > 0 { throw ExitStatus.changes }
    }
}
