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

    /// What a drift round asks the servers, built from the status branch: per server, its probe (the facts, the
    /// values applying left, what to ask). A daemon keeps it from one round to the next while what it was built
    /// from (`source`) stays the same, and writes the scripts from it each round (a few milliseconds).
    package struct Preparation: Sendable {
        package struct Probe: Sendable {
            package var server: String
            package var target: SSHTarget
            package var probe: DriftProbe
        }

        package var probes: [Probe]
        /// Resources whose applied form could not be rebuilt (the revision is gone, or an older Baton applied it).
        package var skipped: Int
        /// What it was built from: the status branch's content (`StatusBranch.Snapshot.contentKey`, which names
        /// the revision applied) and the servers asked for. The same source builds the same preparation.
        package var source: String

        /// The bytes it keeps: what a daemon holds between drift rounds.
        package var keptBytes: Int { probes.reduce(0) { $0 + $1.probe.keptBytes } }

        /// The source of the preparation of `only` servers from `snapshot`.
        package static func source(of snapshot: StatusBranch.Snapshot, only: [String]) -> String {
            (snapshot.contentKey ?? snapshot.tip?.description ?? "none") + " servers=" + only.joined(separator: ",")
        }

        /// Each probe's script with `nonce`, in the order of `probes`.
        package func scripts(nonce: String) throws -> [String] {
            try probes.map { try $0.probe.script(nonce: nonce).text }
        }
    }

    /// Probes `only` servers (empty: all) of what the status branch `branch` says was applied, each probe for up
    /// to `timeout`: `prepare`, `probe` and `compare` in turn.
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package static func run(
        repository: GitRepository, branch name: String, only: [String], credentials: SSHCredentials,
        timeout: Swift.Duration = defaultTimeout, loaded: (revision: String, manifests: ManifestSet)? = nil
    ) throws -> DriftCheck {
        let snapshot = try StatusBranch(repository: repository, name: name).snapshot()
        guard let preparation = try prepare(repository: repository, snapshot: snapshot, only: only, loaded: loaded)
        else { return DriftCheck(servers: nil, skipped: 0) }
        let nonce = makeNonce()
        let results = probe(
            preparation.probes.map(\.target), scripts: try preparation.scripts(nonce: nonce), credentials: credentials,
            timeout: timeout)
        return compare(preparation, results: results, nonce: nonce, timeout: timeout)
    }

    /// The probes of `only` servers (empty: all) of what `snapshot` says was applied; nil when nothing was.
    /// `loaded`: the manifests of a revision the caller holds already (the daemon's plan session), used when the
    /// revision last applied is that one instead of loading it again.
    /// Blocks on libgit2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package static func prepare(
        repository: GitRepository, snapshot: StatusBranch.Snapshot, only: [String],
        loaded: (revision: String, manifests: ManifestSet)? = nil
    ) throws -> Preparation? {
        guard let revision = snapshot.state.revision else { return nil }
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
        let probes = try byServer.keys.sorted().filter { only.isEmpty || only.contains($0) }.compactMap {
            server -> Preparation.Probe? in
            guard let spec = declared[server]?.spec else { return nil }
            let context = ApplyContext(layout: ServerLayout(spec.paths), manifests: set, zones: zones)
            return Preparation.Probe(
                server: server,
                target: SSHTarget(host: spec.address, port: spec.port, user: spec.user, hostKey: spec.hostKey),
                probe: try DriftProbe(states: byServer[server] ?? [], context: context))
        }
        return Preparation(probes: probes, skipped: unchecked, source: Preparation.source(of: snapshot, only: only))
    }

    /// A nonce for one round's markers: nothing the probe's commands print can pass for one of them.
    package static func makeNonce() -> String {
        String((0..<12).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
    }

    /// Runs each script on its server (`targets`, in the same order), each server on a thread of the SSH pool,
    /// and waits for all of them (blocking).
    @available(*, noasync)
    package static func probe(
        _ targets: [SSHTarget], scripts: [String], credentials: SSHCredentials, timeout: Swift.Duration
    ) -> [Result<SSHResult, any Error>] {
        SSHPool.forEach(Array(targets.indices)) { run(targets[$0], scripts[$0], credentials, timeout) }
    }

    /// As the blocking `probe`, without holding a thread of the caller's: the task waits suspended while the
    /// SSH pool's threads run the probes.
    package static func probe(
        _ targets: [SSHTarget], scripts: [String], credentials: SSHCredentials, timeout: Swift.Duration
    ) async -> [Result<SSHResult, any Error>] {
        await SSHPool.forEach(Array(targets.indices)) { run(targets[$0], scripts[$0], credentials, timeout) }
    }

    private static func run(
        _ target: SSHTarget, _ script: String, _ credentials: SSHCredentials, _ timeout: Swift.Duration
    ) -> Result<SSHResult, any Error> {
        Result {
            let connection = try SSHConnection.connect(target, credentials: credentials)
            defer { connection.close() }
            return try connection.run(script, timeout: timeout)
        }
    }

    /// Each probe's output (`results`, in the order of `preparation.probes`) compared with what applying left.
    package static func compare(
        _ preparation: Preparation, results: [Result<SSHResult, any Error>], nonce: String, timeout: Swift.Duration
    ) -> DriftCheck {
        var servers: [Server] = []
        for (probe, result) in zip(preparation.probes, results) {
            let total = probe.probe.count
            switch result {
            case .failure(let error):
                servers.append(Server(name: probe.server, checks: 0, differences: [], failure: error))
            case .success(let result):
                let compared = probe.probe.compare(stdout: result.stdout, nonce: nonce)
                // A probe that did not reach its end observed only some facts: the rest are unknown, not
                // different, and none of it is reported as drift.
                if let failure = incomplete(
                    result, made: compared.made, complete: compared.complete, total: total, timeout: timeout)
                {
                    servers.append(Server(name: probe.server, checks: 0, differences: [], failure: failure))
                    continue
                }
                let differences = compared.differing.map { index, found in
                    let fact = probe.probe.fact(index)
                    return Difference(resource: fact.resource, what: fact.what, expected: fact.expected, found: found)
                }
                servers.append(Server(name: probe.server, checks: total, differences: differences, failure: nil))
            }
        }
        return DriftCheck(servers: servers, skipped: preparation.skipped)
    }

    /// Why a probe's output cannot be compared: it timed out, its connection broke, or it ended without its
    /// end marker. Nil when it ran to its end.
    static func incomplete(
        _ result: SSHResult, made observed: Int, complete: Bool, total: Int, timeout: Swift.Duration
    ) -> ServerFailure? {
        let made = "\(observed) of \(total) checks made"
        if result.timedOut {
            return ServerFailure(
                .timeout,
                "the drift probe timed out after \(Manifests.Duration(seconds: timeout.components.seconds)) with \(made); raise the timeout if the server is large (baton drift --timeout, the daemon's applyTimeout)"
            )
        }
        if let lost = result.connectionLost {
            return ServerFailure(.connectionLost, "the connection broke during the drift probe, with \(made): \(lost)")
        }
        guard complete, observed == total else {
            let end =
                result.exitSignal.map { "was killed by SIG\($0)" }
                ?? "ended with exit status \(result.exitStatus ?? -1)"
            return ServerFailure(.other, "the drift probe \(end) before its end, with \(made)")
        }
        return nil
    }
}
