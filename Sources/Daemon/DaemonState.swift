import Foundation
import Manifests
import Planning

/// What the daemon knows of its work, for `/readyz`, `/status` and the loop's decisions: the revisions it
/// fetched, applied and rejected, each server's failures in a row and when it may be tried again, and the
/// quarantined and drifted resources. Bounded by the servers and resources of the repository.
package actor DaemonState {
    package struct Server: Sendable, Hashable {
        package var failures = 0
        package var retryAt: ContinuousClock.Instant?
        package var lastFailure: EngineFailure?
        package var lastRun: String?
        package var state = "Unknown"
    }

    package private(set) var fetchedOnce = false
    package private(set) var plannedOnce = false
    package private(set) var fetchError: String?
    package private(set) var lastFetched: String?
    package private(set) var lastApplied: String?
    package private(set) var rejected: (revision: String, errors: [String])?
    /// The branch's tip is the rejected revision: the servers keep the last good state until a fix lands.
    package private(set) var headRejected = false
    package private(set) var servers: [String: Server] = [:]
    package private(set) var quarantine: Quarantine
    package private(set) var drifted: [String: [ResourceID]] = [:]
    package private(set) var leaseGeneration: Int?
    package private(set) var standby = false
    /// Resources by state after the last plan: Applied (nothing to do), Pending (waiting), Failed.
    package private(set) var resourceStates: [String: Int] = [:]

    /// `suspend: true` in the last planned revision's baton.yaml: nothing is applied.
    package private(set) var suspended = false
    /// The changes of the last plan that wait for a maintenance window of their account.
    package private(set) var waiting: [WaitingChange] = []

    /// The monitored sites of the last valid revision, for the monitor.
    package private(set) var monitoredSites: [MonitoredSite] = []

    func monitor(_ sites: [MonitoredSite]) { if sites != monitoredSites { monitoredSites = sites } }

    package init(quarantineAfter: Int) {
        quarantine = Quarantine(limit: quarantineAfter)
    }

    func fetched(_ revision: String) {
        fetchedOnce = true
        fetchError = nil
        lastFetched = revision
    }

    func fetchFailed(_ error: String) { fetchError = error }

    func planned(_ revision: String, pending: Int) {
        plannedOnce = true
        headRejected = false
        resourceStates["Pending"] = pending
    }

    /// What holds changes back after a plan; whether `suspended` changed (the loop logs only a change).
    func gate(waiting: [WaitingChange], suspended: Bool) -> Bool {
        self.waiting = waiting
        defer { self.suspended = suspended }
        return self.suspended != suspended
    }

    /// When the first window a waiting change needs opens.
    func nextWindow() -> Date? { waiting.compactMap(\.opens).min() }

    func reject(_ revision: String, diagnostics: [Diagnostic]) {
        plannedOnce = true
        headRejected = true
        rejected = (
            revision,
            diagnostics.prefix(100).map {
                "\($0.location.file):\($0.location.line):\($0.location.column): \($0.message) [\($0.rule)]"
            }
        )
    }

    func converged(_ revision: String) {
        lastApplied = revision
        resourceStates["Pending"] = 0
        resourceStates["Failed"] = quarantine.quarantined.count
    }

    func lease(_ generation: Int?) {
        leaseGeneration = generation
        standby = generation == nil
    }

    /// A server whose probe failed keeps what its last probe found: a probe that did not finish says nothing.
    func drift(_ outcome: DriftOutcome) {
        let kept = drifted.filter { outcome.unreachable[$0.key] != nil }
        drifted = kept.merging(outcome.drifted.filter { !$0.value.isEmpty }, uniquingKeysWith: { _, new in new })
    }

    /// A run's outcome: each server's failures in a row and back-off; each resource's quarantine count.
    func ran(_ outcome: RunOutcome, changes: [Change], backoff: Backoff, now: ContinuousClock.Instant) {
        var random = SystemRandomNumberGenerator()
        let hashes = Dictionary(
            changes.map { (Quarantine.Key(server: $0.server, resource: $0.id.description), $0.hash ?? "") },
            uniquingKeysWith: { a, _ in a })
        for server in outcome.servers {
            var record = servers[server.server] ?? Server()
            record.lastRun = outcome.run
            if server.failure != nil || !server.failed.isEmpty {
                record.failures += 1
                record.lastFailure =
                    server.failure ?? EngineFailure(.other, "\(server.failed.count) operation(s) failed")
                // A failure no retry can mend waits for a person: the longest back-off.
                let failures = server.failure?.retryable == false ? 64 : record.failures
                record.retryAt = now + backoff.delay(afterFailures: failures, using: &random)
                record.state = "Failed"
            } else {
                record = Server(lastRun: outcome.run, state: "Applied")
            }
            servers[server.server] = record
            for (id, message) in server.failed {
                let key = Quarantine.Key(server: server.server, resource: id.description)
                quarantine.failed(key, hash: hashes[key] ?? "", reason: message)
            }
            for id in server.applied {
                quarantine.succeeded(Quarantine.Key(server: server.server, resource: id.description))
            }
        }
    }

    /// The changes a round may apply now: none of a server that waits out its back-off, none quarantined.
    func runnable(_ changes: [Change], now: ContinuousClock.Instant) -> (run: [Change], held: Int) {
        let run = changes.filter { change in
            if let at = servers[change.server]?.retryAt, at > now { return false }
            let key = Quarantine.Key(server: change.server, resource: change.id.description)
            return quarantine.isQuarantined(key, hash: change.hash ?? "") == nil
        }
        return (run, changes.count - run.count)
    }

    /// The earliest moment a server waiting out its back-off may be tried again.
    func nextRetry() -> ContinuousClock.Instant? { servers.values.compactMap(\.retryAt).min() }

    package func readiness() -> DaemonHTTP.Readiness {
        if let fetchError { return .init(ready: false, reason: "the last fetch failed: \(fetchError)") }
        if !fetchedOnce { return .init(ready: false, reason: "no fetch yet") }
        if !plannedOnce { return .init(ready: false, reason: "no plan yet") }
        if headRejected, let rejected {
            return .init(
                ready: false,
                reason:
                    "revision \(rejected.revision.prefix(12)) is not valid (\(rejected.errors.count) error(s)); the servers keep \(lastApplied.map { String($0.prefix(12)) } ?? "what they had")"
            )
        }
        return .init(ready: true, reason: "ready")
    }

    /// `GET /status` (docs/daemon.md).
    package func statusDocument() -> [String: Any] {
        var document: [String: Any] = [
            "formatVersion": 1,
            "ready": readiness().ready,
            "lastFetchedRevision": lastFetched ?? NSNull(),
            "lastAppliedRevision": lastApplied ?? NSNull(),
            "standby": standby,
            "suspended": suspended,
            "leaseGeneration": leaseGeneration ?? NSNull(),
            "counts": resourceStates.merging(
                ["Quarantined": quarantine.quarantined.count, "Drifted": drifted.values.map(\.count).reduce(0, +)]
            ) { _, new in new },
        ]
        if let rejected {
            document["lastRejected"] = ["revision": rejected.revision, "errors": rejected.errors]
        } else {
            document["lastRejected"] = NSNull()
        }
        if let fetchError { document["fetchError"] = fetchError }
        document["servers"] = Dictionary(
            uniqueKeysWithValues: servers.map { name, s in
                (
                    name,
                    [
                        "state": s.state, "failuresInARow": s.failures, "lastRun": s.lastRun ?? NSNull(),
                        "lastFailure": s.lastFailure.map { ["kind": $0.kind.rawValue, "message": $0.message] }
                            ?? NSNull(),
                    ] as [String: Any]
                )
            })
        let formatter = ISO8601DateFormatter()
        document["waiting"] = waiting.map {
            [
                "server": $0.change.server, "resource": $0.change.id.description,
                "opens": $0.opens.map { formatter.string(from: $0) } ?? NSNull(), "message": $0.message,
            ] as [String: Any]
        }
        document["quarantined"] = quarantine.quarantined.map {
            ["server": $0.server, "resource": $0.resource, "reason": quarantine.reason($0) ?? ""]
        }
        document["drifted"] = drifted.mapValues { $0.map(\.description) }
        return document
    }

    package func statusJSON() -> [UInt8] {
        let data =
            (try? JSONSerialization.data(withJSONObject: statusDocument(), options: [.sortedKeys, .prettyPrinted]))
            ?? Data("{}".utf8)
        return [UInt8](data) + [0x0A]
    }
}
