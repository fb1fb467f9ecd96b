import Backends
import Planning
import SSHTransport

/// One server's part of a run: where to connect, and the steps in plan order.
package struct ServerRun: Sendable {
    package var server: String
    package var target: SSHTarget
    package var steps: [Step]
    package var context: ApplyContext
    /// Runs go in waves: a server that is only a DNS secondary in this run waits for the servers that load
    /// primary zones in it, so that its first transfer finds the zone loaded.
    package var wave: Int
    /// The server's journal of this run (its nonce is the executor's), nil for none.
    package var journal: ServerJournal.Writing?

    /// Whether this run writes zones this server serves as their primary: the second wave waits for those.
    var loadsPrimaryZones: Bool {
        steps.contains {
            $0.change.id.kind == .domain && $0.change.action != .delete
                && ($0.desired ?? $0.previous)?.scalar("role") != "secondary"
        }
    }

    package init(server: String, target: SSHTarget, steps: [Step], context: ApplyContext) {
        self.server = server
        let zoneRoles = steps.filter { $0.change.id.kind == .domain && $0.change.action != .delete }
            .map { ($0.desired ?? $0.previous)?.scalar("role") }
        wave = !zoneRoles.isEmpty && zoneRoles.allSatisfy { $0 == "secondary" } ? 1 : 0
        self.target = target
        self.steps = steps
        self.context = context
    }
}

/// What happened on one server.
package struct ServerResult: Sendable {
    package var server: String
    /// Per step, in order: the run state of its operation.
    package var states: [RunReport.State]
    package var exitStatuses: [Int32?]
    /// Why the script did not run to its end (host key, refused, authentication, a lost connection), in words.
    package var failure: String?
    /// The same, as a kind a caller can decide on; nil when `failure` is.
    package var failureKind: ServerFailure.Kind?
    package var script: String
    package var stdout: String
    package var stderr: String
    package var seconds: Double
    /// The serial each zone operation wrote, as the server said (it may have raised the planned one).
    package var serials: [String: UInt32] = [:]

    /// A run that did not start on its server: every step `ABORTED`, and why.
    package static func notRun(_ run: ServerRun, because why: String, kind: ServerFailure.Kind = .other)
        -> ServerResult
    {
        ServerResult(
            server: run.server, states: Array(repeating: .aborted, count: run.steps.count),
            exitStatuses: Array(repeating: nil, count: run.steps.count), failure: why, failureKind: kind, script: "",
            stdout: "", stderr: "", seconds: 0)
    }
}
