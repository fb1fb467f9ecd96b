import Apply
import Backends
import Foundation
import GitStore
import Manifests
import Planning
import SSHTransport
import StatusStore
import Zones

/// Applying a planned revision: one script per server over SSH, then the run recorded on the status branch as
/// `baton apply` records it. The CLI prints what it returns; the daemon decides on it.
package struct ApplyRun: Sendable {
    package var runID: String
    package var time: String
    package var runs: [ServerRun]
    package var results: [ServerResult]
    /// The zones' serials as planned; the record takes the ones the servers report.
    package var serials: [String: ZoneSerialsFile.Entry]

    /// Runs `planned`'s changes (or only `changes`): one script per server, each keeping its journal of the run
    /// on the server (docs/apply.md); servers whose journal of earlier runs could not be read run nothing. The
    /// caller records the run (`record`).
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package static func run(
        _ planned: Planned, changes: [Change]? = nil, recovery: JournalRecovery = JournalRecovery(),
        credentials: SSHCredentials, timeout: Int, date: Date = Date()
    ) throws -> ApplyRun {
        var planned = planned
        if let changes { planned.plan.changes = changes }
        let time = ISO8601DateFormatter().string(from: date)
        let runID = time.filter(\.isNumber) + "-" + String(planned.plan.revision.prefix(8))
        var (runs, serials) = try serverRuns(planned, date: date)
        for index in runs.indices {
            let server = runs[index].server
            runs[index].journal = ServerJournal.Writing(
                folder: runs[index].context.layout.state + "/journal",
                header: ServerJournal.Header(
                    run: runID, revision: planned.plan.revision, server: server, time: time, nonce: "",
                    operations: runs[index].steps.map { ServerJournal.Operation($0.change) },
                    zones: serials.filter { runs[index].context.zones[$0.key] != nil }.mapValues(\.contentHash)),
                forget: recovery.forget[server] ?? [])
        }
        let reachable = runs.filter { recovery.unreadable[$0.server] == nil }
        let ran = Executor.run(reachable, credentials: credentials, deadline: timeout)
        let results = runs.map { run in
            ran.first { $0.server == run.server }
                ?? ServerResult.notRun(
                    run, because: recovery.unreadable[run.server]?.message ?? "not run",
                    kind: recovery.unreadable[run.server]?.kind ?? .other)
        }
        return ApplyRun(runID: runID, time: time, runs: runs, results: results, serials: serials)
    }

    /// Records this run on the status branch of `planned` (`generation`: the daemon's lease).
    /// Records the run; `waiting` (changes held for maintenance windows) as Pending, each with its message.
    package func record(
        _ planned: Planned, changes: [Change]? = nil, waiting: [MaintenanceGate.Waiting] = [], repo: String,
        opened: GitRepository? = nil, generation: Int? = nil
    ) throws {
        var planned = planned
        if let changes { planned.plan.changes = changes }
        planned.plan.changes += waiting.map(\.change)
        try Self.record(
            planned, repo: repo, opened: opened, runs: runs, results: results, serials: serials, runID: runID,
            time: time, generation: generation,
            waiting: Dictionary(
                waiting.map { (Planner.Key(server: $0.change.server, id: $0.change.id), $0.message) },
                uniquingKeysWith: { a, _ in a }))
    }

    /// Where each server of the plan is reached and how its files lie; the steps are left to `serverRuns`.
    package static func targets(_ planned: Planned) -> [ServerRun] {
        let servers = Dictionary(planned.manifests.servers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return planned.plan.servers.compactMap { name in
            servers[name].map { target($0, steps: [], manifests: planned.manifests, zones: [:]) }
        }
    }

    static func target(_ declared: Server, steps: [Step], manifests: ManifestSet, zones: [String: String]) -> ServerRun
    {
        ServerRun(
            server: declared.name,
            target: SSHTarget(
                host: declared.spec.address, port: declared.spec.port, user: declared.spec.user,
                hostKey: declared.spec.hostKey),
            steps: steps,
            context: ApplyContext(layout: ServerLayout(declared.spec.paths), manifests: manifests, zones: zones))
    }

    /// `planned` with `keys` applied again as updates to their current applied form: what drift correction runs
    /// (nothing changed in git; the server did).
    package static func forcing(_ planned: Planned, keys: Set<Planner.Key>) -> Planned {
        var forced = planned
        var changes: [(phase: Int, change: Change)] = []
        for state in ResourceStates.build(planned.manifests, only: Set(keys.map(\.id))) {
            let key = Planner.Key(server: state.server, id: state.id)
            guard keys.contains(key) else { continue }
            forced.details[key] = state
            forced.previous[key] = state
            changes.append(
                (
                    state.phase,
                    Change(
                        action: .update, id: state.id, server: state.server, account: state.account, hash: state.hash)
                ))
        }
        forced.plan.changes = changes.sorted { ($0.change.server, $0.phase) < ($1.change.server, $1.phase) }.map(
            \.change)
        return forced
    }

    package static func outcome(of state: RunReport.State) -> StatusRecord.Outcome {
        switch state {
        case .success, .nothing: .applied
        case .failure, .error, .timeout: .failed
        case .aborted, .received, .started: .pending
        }
    }

    /// Per server: its steps in plan order, and the zones its primaries serve rendered with their next serial.
    package static func serverRuns(_ planned: Planned, date: Date) throws -> (
        [ServerRun], [String: ZoneSerialsFile.Entry]
    ) {
        let manifests = planned.manifests
        var serials = planned.snapshot.serials
        var zones: [String: String] = [:]
        let primaries = Set(
            planned.plan.changes.filter {
                $0.id.kind == .domain && $0.action != .delete
                    && planned.details[Planner.Key(server: $0.server, id: $0.id)]?.scalar("role") == "primary"
            }
            .map(\.id.name))
        for input in ZoneInput.zones(of: manifests) where primaries.contains(input.origin) {
            let hash = ZoneRenderer.contentHash(input)
            let last = serials[input.origin].map { ($0.serial, $0.contentHash) }
            let serial = ZoneSerial.next(last: last, contentHash: hash, date: date)
            zones[input.origin] = ZoneRenderer.render(input, serial: serial).text
            serials[input.origin] = ZoneSerialsFile.Entry(serial: serial, contentHash: hash)
        }
        let servers = Dictionary(manifests.servers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var runs: [ServerRun] = []
        for server in planned.plan.servers {
            guard let declared = servers[server] else { continue }
            let steps = planned.plan.changes(on: server).map { change in
                let key = Planner.Key(server: change.server, id: change.id)
                return Step(change: change, desired: planned.details[key], previous: planned.previous[key])
            }
            runs.append(target(declared, steps: steps, manifests: manifests, zones: zones))
        }
        return (runs, serials)
    }

    /// The note on the revision: the plan's summary only when all of it was applied; a run that applied nothing
    /// (every operation aborted at an unreachable server) must not read as if it had.
    package static func note(run: String, summary: String, outcomes: [Planner.Key: StatusRecord.Outcome]) -> String {
        let applied = outcomes.values.filter { $0 == .applied }.count
        if applied == outcomes.count { return "run \(run): \(summary)" }
        let rest = "\(outcomes.count - applied) failed or not run; see baton logs \(run)"
        if applied == 0 { return "run \(run): nothing applied (\(rest)); planned: \(summary)" }
        return "run \(run): \(applied) of \(outcomes.count) operation(s) applied (\(rest)); planned: \(summary)"
    }

    /// The run's files on the status branch, pushed where there is a remote, and a note on the revision.
    package static func record(
        _ planned: Planned, repo: String, opened: GitRepository? = nil, runs: [ServerRun], results: [ServerResult],
        serials: [String: ZoneSerialsFile.Entry], runID: String, time: String, generation: Int?,
        waiting: [Planner.Key: String] = [:]
    ) throws {
        var outcomes: [Planner.Key: StatusRecord.Outcome] = [:]
        var messages = waiting
        var operations: [RunFile.Operation] = []
        var appliedSerials: [String: ZoneSerialsFile.Entry] = [:]
        var removedZones = Set<String>()
        for (run, result) in zip(runs, results) {
            for (index, step) in run.steps.enumerated() {
                let key = Planner.Key(server: step.change.server, id: step.change.id)
                let state = result.states[index]
                let outcome = outcome(of: state)
                outcomes[key] = outcome
                if outcome != .applied {
                    messages[key] = result.failure ?? "\(state.rawValue): see baton logs \(runID)"
                }
                if outcome == .applied, step.change.id.kind == .domain {
                    if step.change.action == .delete {
                        removedZones.insert(step.change.id.name)
                    } else if var serial = serials[step.change.id.name] {
                        // The serial the server wrote: above the planned one when its live zone was ahead.
                        serial.serial = result.serials[step.change.id.name] ?? serial.serial
                        appliedSerials[step.change.id.name] = serial
                    }
                }
                operations.append(
                    RunFile.Operation(
                        server: run.server, resource: step.change.id, action: step.change.action,
                        state: state.rawValue, exitStatus: result.exitStatuses[index]))
            }
        }
        var runFile = RunFile(
            id: runID, revision: planned.plan.revision, time: time, summary: planned.plan.summary,
            operations: operations,
            servers: results.map {
                RunFile.ServerLog(
                    server: $0.server, seconds: $0.seconds, failure: $0.failure, script: $0.script, stdout: $0.stdout,
                    stderr: $0.stderr)
            })
        runFile.generation = generation
        let repository = try opened ?? GitRepository(path: repo)
        let branch = StatusBranch(repository: repository, name: planned.statusBranch)
        let revision = try repository.resolve(planned.plan.revision)
        let plan = planned.plan
        let recorded = try branch.record(
            applied: revision, message: "baton apply \(runID)\n\n\(plan.summary)",
            options: RemoteConfiguration.options(), waiting: { EngineNotice.say("baton: " + $0) }
        ) { snapshot in
            // Built on the branch as it is now: after a refused push, on what another run recorded.
            var serials = snapshot.serials
            for (origin, serial) in appliedSerials { serials[origin] = serial }
            for origin in removedZones { serials[origin] = nil }
            var files = StatusRecord(revision: plan.revision, time: time, run: runID).files(
                plan: plan, outcomes: outcomes, messages: messages, inventory: snapshot.inventory,
                rewriteAll: snapshot.singleInventory,
                applied: snapshot.applied)
            files[ZoneSerialsFile.path] = Array(ZoneSerialsFile.render(serials).utf8)
            let existing = try snapshot.tip.map { try repository.names(in: "runs", at: $0) } ?? []
            files.merge(runFile.files(existing: existing)) { _, new in new }
            return files
        }
        if recorded.attempts > 1 {
            EngineNotice.say("baton: the status branch had moved on the remote: this run was merged onto it")
        }
        try repository.setNote(note(run: runID, summary: planned.plan.summary, outcomes: outcomes), on: revision)
        if recorded.pushed == true {
            // Notes are for people: a refused push of them (another run's note) is a warning, not a failure.
            do {
                try repository.push(
                    to: "origin", refspecs: ["refs/notes/baton:refs/notes/baton"],
                    options: RemoteConfiguration.options())
            } catch {
                EngineNotice.say(
                    "baton: warning: the note on \(String(revision.description.prefix(12))) was not pushed: \(error)")
            }
        }
    }
}
