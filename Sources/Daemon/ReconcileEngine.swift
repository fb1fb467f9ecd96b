import Apply
import Foundation
import Manifests
import Planning

/// What the reconcile loop asks of the engine. The engine library implements it over the repository, the
/// status branch and the servers; tests of the loop use one of their own. Every call may block on libgit2 or
/// libssh2 inside: implementations run that work on their blocking pool, never on Swift's cooperative threads.
package protocol ReconcileEngine: Sendable {
    /// Brings the followed branch up to date (a fetch for a remote repository) and returns its tip.
    func fetch() async throws -> String
    /// Validates and plans `revision` against the status branch, for the daemon's servers. `leased`: whether this
    /// daemon holds the lease; only then are the servers' journals read and their runs recorded (a standby reading
    /// them would find the holder's run in flight and record it as a recovered one).
    func plan(_ revision: String, leased: Bool) async throws -> PlanOutcome
    /// Applies `changes` of the plan (all of them, or the ones the loop let through), records the run on the
    /// status branch as `baton apply` does, with the lease's generation, and says how each went.
    func apply(_ plan: Plan, changes: [Change], generation: Int?) async throws -> RunOutcome
    /// Records a revision that is not valid (rejected.yaml), once per revision.
    func reject(_ revision: String, diagnostics: [Diagnostic]) async throws
    /// The read-only probe of `baton drift` on the daemon's servers, for the holder of the lease's `generation`;
    /// records what drifted, or corrects it by a run recorded with that generation. Throws `LeaseLost`, recording
    /// and correcting nothing, when the lease is not this daemon's with that generation any more once the probe
    /// is done.
    func drift(generation: Int) async throws -> DriftOutcome
    /// Takes or renews the daemon's lease; nil when another daemon holds an overlapping one.
    func lease() async throws -> Int?
    /// Gives the lease up at shutdown.
    func releaseLease() async throws
    /// A round is over and the daemon waits: what it held only for the round (caches, freed heap) can go.
    func rest() async
}

extension ReconcileEngine {
    package func rest() async {}
}

/// A revision, validated and planned.
package enum PlanOutcome: Sendable {
    case invalid([Diagnostic])
    /// The plan, and the revision's monitored sites (the monitor follows the last valid revision); the changes
    /// that wait for their account's maintenance window now; whether the revision's baton.yaml suspends applying.
    case planned(Plan, sites: [MonitoredSite], waiting: [WaitingChange] = [], suspended: Bool = false)
}

/// A change held back until a maintenance window of its account opens.
package struct WaitingChange: Sendable, Hashable {
    package var change: Change
    /// When the next window opens; nil when none ever does.
    package var opens: Date?
    package var message: String

    package init(change: Change, opens: Date?, message: String) {
        self.change = change
        self.opens = opens
        self.message = message
    }
}

/// How one server's part of a run went.
package struct ServerOutcome: Sendable, Hashable {
    package var server: String
    /// Why the server's script did not run to its end (unreachable, host key refused, ...); nil when it did.
    package var failure: EngineFailure?
    /// Each change of the server that ran, by resource, with a message for those that failed.
    package var failed: [ResourceID: String]
    package var applied: Set<ResourceID>

    package init(server: String, failure: EngineFailure?, failed: [ResourceID: String], applied: Set<ResourceID>) {
        self.server = server
        self.failure = failure
        self.failed = failed
        self.applied = applied
    }
}

package struct RunOutcome: Sendable, Hashable {
    package var run: String
    package var servers: [ServerOutcome]
    /// How long the parts of the run took, by name (`recover`, `servers`, `record`), for the run's log line: an
    /// operator asking why a commit took seconds to be served reads where they went.
    package var timings: [String: Swift.Duration]

    package init(run: String, servers: [ServerOutcome], timings: [String: Swift.Duration] = [:]) {
        self.run = run
        self.servers = servers
        self.timings = timings
    }
}

package struct DriftOutcome: Sendable, Hashable {
    /// Drifted resources per server.
    package var drifted: [String: [ResourceID]]
    /// Servers the probe could not reach.
    package var unreachable: [String: EngineFailure]

    package init(drifted: [String: [ResourceID]], unreachable: [String: EngineFailure] = [:]) {
        self.drifted = drifted
        self.unreachable = unreachable
    }
}

/// Why the engine could not do what it was asked, as a kind the loop decides on: retry with back-off, wait for
/// a person, or give up on that revision.
package struct EngineFailure: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        case unreachable, hostKeyRefused, authentication, timeout, connectionLost
        case invalidRevision, statusBranchConflict, statusBranchInvalid, fetch, other
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether trying the same thing again later can help (a network that comes back) or only a person can (a
    /// host key that changed, a key that is refused).
    package var retryable: Bool {
        switch kind {
        case .unreachable, .timeout, .connectionLost, .statusBranchConflict, .fetch, .other: true
        case .hostKeyRefused, .authentication, .invalidRevision, .statusBranchInvalid: false
        }
    }

    package var description: String { "\(kind.rawValue): \(message)" }

    /// A server's failure, by the kind the executor gave it from the transport's own error (`ServerFailure`).
    package init(server kind: ServerFailure.Kind, _ message: String) {
        self.init(Kind(rawValue: kind.rawValue) ?? .other, message)
    }
}
