import Apply
import ArgumentParser
import Backends
import Engine
import Foundation
import GitStore
import Logging
import Manifests
import Planning
import SSHTransport
import StatusStore
import Zones

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a revision to the servers over SSH, then record status and logs on the status branch.",
        discussion: """
            Plans like `baton plan`, shows the plan and asks (unless --yes, or stdin is not a terminal), then runs \
            one script per server. The client key comes from --identity or BATON_SSH_KEY. Exit status: 0 all \
            applied, 1 any failure (the status branch says which resources are Applied, Failed or Pending).
            """
    )

    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The revision to apply.") var rev: String = "HEAD"
    @Option(
        help: "Apply this saved plan (from `baton plan --out`); refused when the revision or the applied state moved.")
    var plan: String?
    @Option(name: .customLong("server"), help: "Apply only to this server (repeatable).") var servers: [String] = []
    @Flag(help: "Do not ask.") var yes = false
    @Flag(help: "Apply deletes beyond the mass-delete threshold.") var allowMassDelete = false
    @Flag(help: "Wait for another apply on this repository to finish instead of refusing.") var wait = false
    @Option(help: "The SSH client key (default: BATON_SSH_KEY).") var identity: String?
    @Option(help: "Seconds after which a server's script is stopped (on the server too).") var timeout: Int = 600
    @Option(help: "Which checker checks the rendered zones: builtin, named-checkzone, both or none.")
    var zoneChecker: ZoneCheckerChoice?

    func run() throws {
        var logger = Logger(label: "baton.apply")
        if ProcessInfo.processInfo.environment["BATON_DEBUG"] != nil { logger.logLevel = .debug }
        do {
            try apply(logger: logger)
        } catch let failure as PlanFailure {
            Terminal.error("baton: \(failure)")
            throw ExitStatus.invalid
        }
    }

    func apply(logger: Logger, only resources: Set<Planner.Key>? = nil) throws {
        guard let key = identity ?? ProcessInfo.processInfo.environment["BATON_SSH_KEY"] else {
            throw PlanFailure("no SSH client key: pass --identity KEY or set BATON_SSH_KEY")
        }
        let repository: GitRepository
        do { repository = try GitRepository(path: repo) } catch {
            throw PlanFailure("\(repo) is not a git repository (nor inside one): \(Planned.gitMessage(error))")
        }
        let lock = try ApplyLock.acquire(in: repository.gitDirectory, wait: wait)
        defer { close(lock.descriptor) }
        let saved = try plan.map { path -> Plan in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PlanFailure("cannot read \(path)")
            }
            do { return try PlanJSON.parse([UInt8](data)) } catch { throw PlanFailure("\(path): \(error)") }
        }
        let credentials = SSHCredentials(privateKeyPath: key)
        let make = {
            try Planned.make(
                repo: repo, rev: saved?.revision ?? rev, fetch: false, zoneChecker: zoneChecker, zoneCache: true,
                allowMassDelete: allowMassDelete, servers: servers, logger: logger)
        }
        var planned = try make()
        if let diagnostics = planned.invalid {
            print(DiagnosticReport(diagnostics: diagnostics, color: Terminal.useColor).text(), terminator: "")
            throw PlanFailure("the manifests are not valid: nothing applied")
        }
        // What the servers did in runs the status branch does not hold is recorded first, then planned against.
        let recovery: JournalRecovery
        do {
            recovery = try JournalRecovery.recover(
                Self.targets(planned), planned: planned, repo: repo, credentials: credentials)
        } catch let error as PlanFailure {
            throw error
        } catch {
            let repository = try GitRepository(path: repo)
            throw PlanFailure(
                "runs the servers' journals hold could not be recorded: "
                    + StatusWriteFailure.explain(error, repository: repository, branch: planned.statusBranch)
                    + "; nothing applied")
        }
        if !recovery.recovered.isEmpty {
            Terminal.error(
                "baton: recorded from the servers' journals (their record had been lost): "
                    + recovery.recovered.joined(separator: ", "))
            planned = try make()
        }
        if let resources {
            // A retry: only the operations of that run that did not succeed, planned against the state now.
            planned.plan.changes = planned.plan.changes.filter {
                resources.contains(Planner.Key(server: $0.server, id: $0.id))
            }
        }
        let plan = planned.plan
        if let saved {
            guard saved.appliedDigest == plan.appliedDigest, saved.changes == plan.changes else {
                throw PlanFailure(
                    "the saved plan is stale: the applied state or the plan moved since it was made; plan again")
            }
        }
        if !plan.refusals.isEmpty {
            print(PlanText.render(plan, color: Terminal.useColor), terminator: "")
            throw PlanFailure(
                "refused: \(plan.refusals.map(\.message).joined(separator: "; ")); pass --allow-mass-delete once reviewed"
            )
        }
        if plan.isEmpty {
            print("No changes: the servers match \(String(plan.revision.prefix(12))).")
            return
        }
        print(PlanText.render(plan, color: Terminal.useColor), terminator: "")
        if !yes && isatty(STDIN_FILENO) == 1 {
            print("Apply these changes? Only 'yes' applies: ", terminator: "")
            guard readLine() == "yes" else { throw PlanFailure("not applied") }
        }
        let now = Date()
        let time = ISO8601DateFormatter().string(from: now)
        let runID = time.filter(\.isNumber) + "-" + String(plan.revision.prefix(8))
        var (runs, serials) = try Self.serverRuns(planned, date: now)
        for index in runs.indices {
            let server = runs[index].server
            runs[index].journal = ServerJournal.Writing(
                folder: runs[index].context.layout.state + "/journal",
                header: ServerJournal.Header(
                    run: runID, revision: plan.revision, server: server, time: time, nonce: "",
                    operations: runs[index].steps.map { ServerJournal.Operation($0.change) },
                    zones: serials.filter { runs[index].context.zones[$0.key] != nil }.mapValues(\.contentHash)),
                forget: recovery.forget[server] ?? [])
        }
        let reachable = runs.filter { recovery.unreadable[$0.server] == nil }
        let ran = Executor.run(reachable, credentials: credentials, deadline: timeout)
        let results = runs.map { run in
            ran.first { $0.server == run.server }
                ?? ServerResult.notRun(run, because: recovery.unreadable[run.server] ?? "not run")
        }
        var failed = false
        for result in results {
            let counts = Dictionary(grouping: result.states, by: { $0 }).mapValues(\.count)
            let line = RunReport.State.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
            print("\(result.server): \(line.joined(separator: ", "))" + (result.failure.map { " — \($0)" } ?? ""))
            if result.states.contains(where: { $0 != .success }) || result.failure != nil { failed = true }
            // Output on stderr from operations that succeeded is kept and shown as a warning; the marker lines
            // Baton writes there to attribute it are not.
            let printed = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("@@BATON ") }
            if !printed.isEmpty, !result.states.contains(where: { $0 != .success }) {
                Terminal.error("baton: warning: \(result.server) printed on stderr (see baton logs \(runID))")
            }
        }
        // A test's stand-in for a client killed between the servers' end and the record.
        if ProcessInfo.processInfo.environment["BATON_TEST_KILL_BEFORE_RECORD"] == "1" { kill(getpid(), SIGKILL) }
        do {
            try record(planned, runs: runs, results: results, serials: serials, runID: runID, time: time)
        } catch {
            let repository = try GitRepository(path: repo)
            Terminal.error(
                "baton: run \(runID) ran on the servers but is not recorded: "
                    + StatusWriteFailure.explain(error, repository: repository, branch: planned.statusBranch)
                    + ". Each server keeps this run in its journal (/var/lib/baton/journal): the next apply records it "
                    + "before it plans.")
            throw ExitStatus.invalid
        }
        print("Run \(runID) recorded on \(planned.statusBranch).")
        if failed { throw ExitStatus.invalid }
    }

    /// Where each server of the plan is reached and how its files lie; the steps are left to `serverRuns`.
    static func targets(_ planned: Planned) -> [ServerRun] {
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

    /// Per server: its steps in plan order, and the zones its primaries serve rendered with their next serial.
    static func serverRuns(_ planned: Planned, date: Date) throws -> ([ServerRun], [String: ZoneSerialsFile.Entry]) {
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

    func record(
        _ planned: Planned, runs: [ServerRun], results: [ServerResult], serials: [String: ZoneSerialsFile.Entry],
        runID: String, time: String
    ) throws {
        var outcomes: [Planner.Key: StatusRecord.Outcome] = [:]
        var messages: [Planner.Key: String] = [:]
        var operations: [RunFile.Operation] = []
        var appliedSerials: [String: ZoneSerialsFile.Entry] = [:]
        var removedZones = Set<String>()
        for (run, result) in zip(runs, results) {
            for (index, step) in run.steps.enumerated() {
                let key = Planner.Key(server: step.change.server, id: step.change.id)
                let state = result.states[index]
                let outcome = ApplyRun.outcome(of: state)
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
        let runFile = RunFile(
            id: runID, revision: planned.plan.revision, time: time, summary: planned.plan.summary,
            operations: operations,
            servers: results.map {
                RunFile.ServerLog(
                    server: $0.server, seconds: $0.seconds, failure: $0.failure, script: $0.script, stdout: $0.stdout,
                    stderr: $0.stderr)
            })
        let repository = try GitRepository(path: repo)
        let branch = StatusBranch(repository: repository, name: planned.statusBranch)
        let revision = try repository.resolve(planned.plan.revision)
        let plan = planned.plan
        let recorded = try branch.record(
            applied: revision, message: "baton apply \(runID)\n\n\(plan.summary)",
            options: RemoteConfiguration.options()
        ) { snapshot in
            // Built on the branch as it is now: after a refused push, on what another run recorded.
            var serials = snapshot.serials
            for (origin, serial) in appliedSerials { serials[origin] = serial }
            for origin in removedZones { serials[origin] = nil }
            var files = StatusRecord(revision: plan.revision, time: time, run: runID).files(
                plan: plan, outcomes: outcomes, messages: messages, inventory: snapshot.inventory,
                applied: snapshot.applied)
            files[ZoneSerialsFile.path] = Array(ZoneSerialsFile.render(serials).utf8)
            let existing = try snapshot.tip.map { try repository.names(in: "runs", at: $0) } ?? []
            files.merge(runFile.files(existing: existing)) { _, new in new }
            return files
        }
        if recorded.attempts > 1 {
            Terminal.error("baton: the status branch had moved on the remote: this run was merged onto it")
        }
        try repository.setNote("run \(runID): \(planned.plan.summary)", on: revision)
        if recorded.pushed == true {
            // Notes are for people: a refused push of them (another run's note) is a warning, not a failure.
            do {
                try repository.push(
                    to: "origin", refspecs: ["refs/notes/baton:refs/notes/baton"],
                    options: RemoteConfiguration.options())
            } catch {
                Terminal.error(
                    "baton: warning: the note on \(String(revision.description.prefix(12))) was not pushed: \(error)")
            }
        }
    }
}
