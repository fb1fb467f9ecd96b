import ArgumentParser
import Engine
import Foundation
import GitStore
import Logging
import Manifests
import Planning
import StatusStore

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what applying a revision would change, per server, in order.",
        discussion: """
            Plans REV of the repository against the applied state on the status branch (baton/status, or \
            `statusBranch:` in baton.yaml; the remote-tracking origin/baton/status when there is no local one).
            Exit status: 0 no changes, 2 changes, 1 any error (invalid manifests, a refused mass delete, a \
            repository or status branch that cannot be read).
            """
    )

    @Option(help: "The git repository (a work tree, a folder inside one, or a bare repository).")
    var repo: String = "."

    @Option(help: "The revision to plan: a branch, tag, id or HEAD~2.")
    var rev: String = "HEAD"

    @Option(name: .customLong("server"), help: "Plan only this server (repeatable).")
    var servers: [String] = []

    @Option(help: "Output format: text, json or markdown (for a pull-request comment).")
    var format: PlanFormat = .text

    @Option(help: "Also save the plan (JSON, with the revision and the applied state's hash) to FILE.")
    var out: String?

    @Flag(help: "Plan deletes beyond the mass-delete threshold (baton.yaml `safety:`).")
    var allowMassDelete = false

    @Flag(
        help: ArgumentHelp(
            "Fetch the status branch from origin first.",
            discussion:
                "For ssh:// remotes: BATON_GIT_SSH_KEY (client key file), BATON_GIT_HOST_KEY (pinned host key line) or BATON_GIT_KNOWN_HOSTS."
        ))
    var fetch = false

    @Option(help: "Which checker checks the rendered zones: builtin, named-checkzone, both or none.")
    var zoneChecker: ZoneCheckerChoice?

    @Flag(help: "Check every zone again instead of reusing cached results.")
    var noCache = false

    /// For the benchmark and the tests: plan these revisions first, in order, in one plan session (what the
    /// daemon keeps between plans), then time the plan of `--rev` in that session.
    @Option(help: ArgumentHelp(visibility: .private))
    var warmFrom: [String] = []

    /// For the tests: build every applied form, reusing none from the inventory; the plan must not differ.
    @Flag(help: ArgumentHelp(visibility: .private))
    var noReuse = false

    func run() throws {
        var logger = Logger(label: "baton.plan")
        if ProcessInfo.processInfo.environment["BATON_DEBUG"] != nil { logger.logLevel = .debug }
        let planned: Planned
        let cache = ParseCache()
        let session = warmFrom.isEmpty ? nil : PlanSession()
        do {
            for warmFrom in warmFrom {
                _ = try Planned.make(
                    repo: repo, rev: warmFrom, fetch: false, zoneChecker: zoneChecker, zoneCache: !noCache,
                    allowMassDelete: allowMassDelete, servers: servers, logger: logger, parseCache: cache,
                    session: session)
                cache.resetCounters()
            }
            let started = Date()
            planned = try Planned.make(
                repo: repo, rev: rev, fetch: fetch, zoneChecker: zoneChecker, zoneCache: !noCache,
                allowMassDelete: allowMassDelete, servers: servers, logger: logger, parseCache: cache,
                reuse: !noReuse, session: session)
            if !warmFrom.isEmpty {
                Terminal.error(String(format: "re-plan: %.0f ms", Date().timeIntervalSince(started) * 1000))
            }
        } catch let failure as PlanFailure {
            Terminal.error("baton: \(failure)")
            throw ExitStatus.invalid
        }
        if let diagnostics = planned.invalid {
            let report = DiagnosticReport(diagnostics: diagnostics, color: Terminal.useColor)
            switch format {
            case .json: print(report.json())
            case .text, .markdown: print(report.text(), terminator: "")
            }
            Terminal.error("baton: the manifests at \(rev) are not valid: nothing planned")
            throw ExitStatus.invalid
        }
        let plan = planned.plan
        if let out {
            do {
                try OutputFile.write(Array(PlanJSON.render(plan).utf8), to: out)
            } catch {
                Terminal.error("baton: cannot write the plan to \(out): \(error)")
                throw ExitStatus.invalid
            }
        }
        switch format {
        case .text: print(PlanText.render(plan, color: Terminal.useColor), terminator: "")
        case .json: print(PlanJSON.render(plan), terminator: "")
        case .markdown:
            let hint =
                "run `baton plan --rev \(String(plan.revision.prefix(12)))` to see it"
                + (out.map { ", or read the saved plan `\($0)`" } ?? "")
            print(PlanMarkdown.render(plan, fullPlanHint: hint), terminator: "")
        }
        let waiting = MaintenanceGate.split(plan.changes, manifests: planned.manifests, now: Date()).waiting
        for line in PlanGates.notes(planned, waiting: waiting, applying: false) { Terminal.error("baton: " + line) }
        if !plan.refusals.isEmpty {
            for refusal in plan.refusals {
                Terminal.error("baton: refused: \(refusal.message); pass --allow-mass-delete once reviewed")
            }
            throw ExitStatus.invalid
        }
        if !plan.isEmpty { throw ExitStatus.changes }
    }
}
