import Apply
import Backends
import Foundation
import GitStore
import Manifests
import Planning
import SSHTransport
import StatusStore
import Zones

/// `baton drift` and the daemon's drift rounds: one read-only probe per server, compared with each resource's
/// applied form as of the revision it was applied from.
package struct DriftCheck: Sendable {
    package struct Difference: Sendable, Hashable {
        package var resource: ResourceID
        package var what: String
        package var expected: String
        package var found: String
    }

    package struct Server: Sendable {
        package var name: String
        package var checks: Int
        package var differences: [Difference]
        /// The probe did not run: why.
        package var failure: Error?
    }

    /// Nil when nothing was applied yet.
    package var servers: [Server]?
    /// Resources whose applied form could not be rebuilt (the revision is gone, or an older Baton applied it).
    package var skipped: Int

    /// How long one server's probe may run by default: a server of 10,000 accounts answers some 70,000 facts.
    package static let defaultTimeout = Swift.Duration.seconds(600)

    /// Probes `only` servers (empty: all) of what the status branch `branch` says was applied, each probe for up
    /// to `timeout`. `loaded`: the manifests of a revision the caller holds already (the daemon's plan session),
    /// used when the revision last applied is that one instead of loading it again.
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package static func run(
        repository: GitRepository, branch name: String, only: [String], credentials: SSHCredentials,
        timeout: Swift.Duration = defaultTimeout, loaded: (revision: String, manifests: ManifestSet)? = nil
    ) throws -> DriftCheck {
        let probes: [(server: String, target: SSHTarget, probe: DriftProbe)]
        let snapshot = try StatusBranch(repository: repository, name: name).snapshot()
        guard let revision = snapshot.state.revision else { return DriftCheck(servers: nil, skipped: 0) }
        // Each entry's applied form as of the revision it was applied from: most come from the revision last
        // applied, some from an earlier one (a run that failed in part). Revisions are read through one parse
        // cache, so each later one decodes only the files that differ.
        let index = snapshot.state.index
        let cache = ParseCache()
        let set =
            try loaded.flatMap { loaded in
                try repository.resolve(loaded.revision) == repository.resolve(revision) ? loaded.manifests : nil
            } ?? ManifestLoader.load(try repository.source(at: revision), cache: cache).manifests
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
        let declared = Dictionary(set.servers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        probes = try byServer.keys.sorted().filter { only.isEmpty || only.contains($0) }.compactMap { server in
            guard let spec = declared[server]?.spec else { return nil }
            let context = ApplyContext(layout: ServerLayout(spec.paths), manifests: set, zones: zones)
            return (
                server, SSHTarget(host: spec.address, port: spec.port, user: spec.user, hostKey: spec.hostKey),
                try DriftProbe(states: byServer[server] ?? [], context: context)
            )
        }
        let nonce = String((0..<12).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        let scripts = Dictionary(
            try probes.map { ($0.target, try $0.probe.script(nonce: nonce).text) }, uniquingKeysWith: { a, _ in a })
        let results = SSHPool.connectEach(probes.map(\.target), credentials: credentials) { connection in
            try connection.run(scripts[connection.target] ?? "", timeout: timeout)
        }
        var servers: [Server] = []
        for (probe, result) in zip(probes, results) {
            let total = probe.probe.facts.count
            switch result {
            case .failure(let error):
                servers.append(Server(name: probe.server, checks: 0, differences: [], failure: error))
            case .success(let result):
                let observed = probe.probe.observed(stdout: result.stdout, nonce: nonce)
                // A probe that did not reach its end observed only some facts: the rest are unknown, not
                // different, and none of it is reported as drift.
                if let failure = incomplete(result, observed, total: total, timeout: timeout) {
                    servers.append(Server(name: probe.server, checks: 0, differences: [], failure: failure))
                    continue
                }
                var differences: [Difference] = []
                for (fact, value) in zip(probe.probe.facts, observed.values) {
                    guard let value, fact.expected != value else { continue }
                    differences.append(
                        Difference(resource: fact.resource, what: fact.what, expected: fact.expected, found: value))
                }
                servers.append(Server(name: probe.server, checks: total, differences: differences, failure: nil))
            }
        }
        return DriftCheck(servers: servers, skipped: unchecked)
    }

    /// Why a probe's output cannot be compared: it timed out, its connection broke, or it ended without its
    /// end marker. Nil when it ran to its end.
    static func incomplete(
        _ result: SSHResult, _ observed: DriftProbe.Observation, total: Int, timeout: Swift.Duration
    ) -> ServerFailure? {
        let made = "\(observed.made) of \(total) checks made"
        if result.timedOut {
            return ServerFailure(
                .timeout,
                "the drift probe timed out after \(Manifests.Duration(seconds: timeout.components.seconds)) with \(made); raise the timeout if the server is large (baton drift --timeout, the daemon's applyTimeout)"
            )
        }
        if let lost = result.connectionLost {
            return ServerFailure(.connectionLost, "the connection broke during the drift probe, with \(made): \(lost)")
        }
        guard observed.complete, observed.made == total else {
            let end =
                result.exitSignal.map { "was killed by SIG\($0)" }
                ?? "ended with exit status \(result.exitStatus ?? -1)"
            return ServerFailure(.other, "the drift probe \(end) before its end, with \(made)")
        }
        return nil
    }
}
