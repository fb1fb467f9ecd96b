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
            Plans like `baton plan`, shows the plan and asks (only `yes` applies), then runs one script per \
            server. Without a terminal to ask on (a script, CI), --yes is required: without it nothing is \
            applied. The client key comes from --identity or BATON_SSH_KEY. Exit status: 0 all applied, 1 any \
            failure (the status branch says which resources are Applied, Failed or Pending).

            Examples:
              baton apply --repo hosting --identity ~/.ssh/baton
              baton plan --repo hosting --out plan.json && baton apply --repo hosting --plan plan.json --yes
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
    @Flag(help: "Apply the changes of accounts whose maintenance windows are closed too.")
    var ignoreMaintenanceWindows = false
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
        // Terraform's rule (-auto-approve): a script that forgot --yes must not change servers.
        if !yes && isatty(STDIN_FILENO) != 1 {
            throw PlanFailure(
                "nothing applied: standard input is not a terminal, so nobody can confirm; pass --yes to apply "
                    + "without asking (scripts, CI), or run `baton plan` to see the changes")
        }
        guard let key = identity ?? ProcessInfo.processInfo.environment["BATON_SSH_KEY"] else {
            throw PlanFailure("no SSH client key: pass --identity KEY or set BATON_SSH_KEY")
        }
        let repository: GitRepository
        do { repository = try GitRepository(path: repo) } catch {
            throw PlanFailure(Planned.notARepository(repo, error))
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
                ApplyRun.targets(planned), planned: planned, repo: repo, credentials: credentials)
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
            Terminal.notice(
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
            throw PlanFailure("the plan is refused (above): nothing applied")
        }
        if plan.isEmpty {
            print("No changes: the servers match \(String(plan.revision.prefix(12))).")
            return
        }
        print(PlanText.render(plan, color: Terminal.useColor), terminator: "")
        let waiting =
            ignoreMaintenanceWindows
            ? [] : MaintenanceGate.split(plan.changes, manifests: planned.manifests, now: Date()).waiting
        for line in PlanGates.notes(planned, waiting: waiting, applying: true) { Terminal.notice("baton: " + line) }
        let held = Set(waiting.map { Planner.Key(server: $0.change.server, id: $0.change.id) })
        let ready = plan.changes.filter { !held.contains(Planner.Key(server: $0.server, id: $0.id)) }
        if ready.isEmpty {
            print("Nothing to apply now: every change waits for a maintenance window.")
            return
        }
        if !yes {
            print("Apply these changes? Only 'yes' applies: ", terminator: "")
            guard readLine() == "yes" else { throw PlanFailure("not applied") }
        }
        let run = try ApplyRun.run(
            planned, changes: waiting.isEmpty ? nil : ready, recovery: recovery, credentials: credentials,
            timeout: timeout)
        let (runID, results) = (run.runID, run.results)
        var failed = false
        for result in results {
            let counts = Dictionary(grouping: result.states, by: { $0 }).mapValues(\.count)
            let line = RunReport.State.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
            print("\(result.server): \(line.joined(separator: ", "))" + (result.failure.map { " — \($0)" } ?? ""))
            if result.failure != nil, !result.states.contains(where: { $0 == .success || $0 == .nothing }) {
                print(
                    "  `baton doctor \(result.server)` checks each step of reaching it, each failure with what to check"
                )
            }
            if result.states.contains(where: { $0 != .success }) || result.failure != nil { failed = true }
            // Output on stderr from operations that succeeded is kept and shown as a warning; the marker lines
            // Baton writes there to attribute it are not.
            let printed = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("@@BATON ") }
            if !printed.isEmpty, !result.states.contains(where: { $0 != .success }) {
                Terminal.notice("baton: warning: \(result.server) printed on stderr (see baton logs \(runID))")
            }
        }
        do {
            try run.record(planned, changes: waiting.isEmpty ? nil : ready, waiting: waiting, repo: repo)
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
}
