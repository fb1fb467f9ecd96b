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
            repository or status branch that cannot be read). Uncommitted edits are not in the plan (a warning \
            counts them; --worktree previews them). --account and --kind show part of the plan; the exit status \
            is that part's.

            Examples:
              baton plan --repo hosting
              baton plan --repo hosting --account acme --kind Domain
              baton plan --repo hosting --worktree
              baton plan --repo hosting --format markdown --out plan.json > plan.md
            """
    )

    @Option(help: "The git repository (a work tree, a folder inside one, or a bare repository).")
    var repo: String = "."

    @Option(help: "The revision to plan: a branch, tag, id or HEAD~2.")
    var rev: String = "HEAD"

    @Option(name: .customLong("server"), help: "Plan only this server (repeatable).")
    var servers: [String] = []

    @Flag(
        help: ArgumentHelp(
            "Plan the work tree as it is, uncommitted changes included: a preview, never saved nor applied.",
            discussion: "Written as a commit that no branch names (git's gc collects it); nothing in git moves."))
    var worktree = false

    @Option(name: .customLong("account"), help: "Show only the changes of this account (repeatable).")
    var accounts: [String] = []

    @Option(name: .customLong("kind"), help: "Show only the changes of this kind, e.g. Domain (repeatable).")
    var kinds: [String] = []

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

    func validate() throws {
        for kind in kinds where Self.kind(kind) == nil {
            throw ValidationError(
                "--kind \(kind): not a kind; one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if worktree, rev != "HEAD" || out != nil || fetch {
            throw ValidationError(
                "--worktree plans the work tree on top of HEAD: leave out --rev and --fetch, and --out (apply only commits)"
            )
        }
        if out != nil, !(accounts.isEmpty && kinds.isEmpty) {
            throw ValidationError("--out saves the whole plan: leave out --account and --kind, or --out")
        }
    }

    static func kind(_ text: String) -> Kind? {
        Kind.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
    }

    func run() throws {
        var logger = Logger(label: "baton.plan")
        if ProcessInfo.processInfo.environment["BATON_DEBUG"] != nil { logger.logLevel = .debug }
        let planned: Planned
        let cache = ParseCache()
        let session = warmFrom.isEmpty ? nil : PlanSession()
        let rev: String
        do {
            rev = worktree ? try Self.workTreeRevision(repo) : self.rev
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
            case .json: print(Self.invalidPlanJSON(planned.plan, report: report))
            case .text, .markdown: print(report.text(), terminator: "")
            }
            Terminal.error("baton: the manifests at \(rev) are not valid: nothing planned")
            throw ExitStatus.invalid
        }
        warnUncommitted()
        var plan = planned.plan
        if !accounts.isEmpty || !kinds.isEmpty {
            let (accounts, kinds) = (Set(accounts), Set(kinds.compactMap(Self.kind)))
            plan.changes = plan.changes.filter {
                (accounts.isEmpty || accounts.contains($0.account)) && (kinds.isEmpty || kinds.contains($0.id.kind))
            }
            // What is not changed is filtered as what is: a notice whose account is not known is no account's.
            plan.notices = plan.notices.filter {
                (accounts.isEmpty || $0.account.map(accounts.contains) == true)
                    && (kinds.isEmpty || kinds.contains($0.id.kind))
            }
        }
        if let out {
            do {
                try OutputFile.write(Array(PlanJSON.render(plan).utf8), to: out)
            } catch {
                Terminal.error("baton: cannot write the plan to \(out): \(error)")
                throw ExitStatus.invalid
            }
        }
        switch format {
        case .text:
            // `show` counts them; the plan says why they are not in it (those of the part asked for, if any).
            let asked = kinds.compactMap(Self.kind)
            let sites =
                asked.isEmpty || asked.contains(.monitoredSite)
                ? planned.manifests.monitoredSites.filter { accounts.isEmpty || accounts.contains($0.spec.account) }
                    .count : 0
            let unplanned =
                sites == 0 || (plan.isEmpty && !asked.contains(.monitoredSite))
                ? []
                : [
                    "\(sites) MonitoredSite(s): nothing to apply on a server; the monitor reads them from the revision "
                        + "(baton monitor, the daemon)"
                ]
            print(PlanText.render(plan, color: Terminal.useColor, unplanned: unplanned), terminator: "")
        case .json: print(PlanJSON.render(plan), terminator: "")
        case .markdown:
            let hint =
                "run `baton plan --rev \(String(plan.revision.prefix(12)))` to see it"
                + (out.map { ", or read the saved plan `\($0)`" } ?? "")
            print(PlanMarkdown.render(plan, fullPlanHint: hint), terminator: "")
        }
        let waiting = MaintenanceGate.split(plan.changes, manifests: planned.manifests, now: Date()).waiting
        for line in PlanGates.notes(planned, waiting: waiting, applying: false) { Terminal.notice("baton: " + line) }
        if !plan.refusals.isEmpty {
            // The text plan says it once, in its own words; a JSON or Markdown document is for a program or a
            // page, so a person reading the terminal hears it here, in the same words.
            if format != .text {
                for refusal in plan.refusals {
                    Terminal.error("baton: " + PlanText.refusalLine(refusal))
                }
            }
            throw ExitStatus.invalid
        }
        if !plan.isEmpty { throw ExitStatus.changes }
    }

    /// The work tree as a commit no ref names, announced with what it holds beyond HEAD.
    static func workTreeRevision(_ repo: String) throws -> String {
        let repository = try RepositoryOpening.open(repo)
        do {
            let count = try repository.uncommittedPaths().count
            let commit = try repository.workTreeCommit().description
            Terminal.notice(
                "baton: planning the work tree: HEAD with \(count) uncommitted change(s), as commit "
                    + "\(commit.prefix(12)) that no branch names (a preview: commit to plan or apply it for good)")
            return commit
        } catch {
            throw PlanFailure(
                "--worktree: cannot read the work tree of \(repository.path): \(Planned.gitMessage(error))")
        }
    }

    /// `rev` is HEAD and the work tree differs from it: what a newcomer edits and plans is not what is planned.
    func warnUncommitted() {
        guard rev == "HEAD", !worktree, let repository = try? GitRepository(path: repo),
            let paths = try? repository.uncommittedPaths(), !paths.isEmpty
        else { return }
        let shown = paths.sorted().prefix(3).joined(separator: ", ") + (paths.count > 3 ? ", …" : "")
        Terminal.notice(
            "baton: warning: \(paths.count) uncommitted change(s) are not in this plan (\(shown)): commit them, or "
                + "plan another revision with --rev; `baton validate \(repo)` checks the work tree as it is")
    }

    /// The plan document of invalid manifests: no changes, and the diagnostics in it, so that a script reads one
    /// shape whatever happened (docs/plan-format.md).
    static func invalidPlanJSON(_ plan: Plan, report: DiagnosticReport) -> String {
        var document =
            (try? JSONSerialization.jsonObject(with: Data(PlanJSON.render(plan).utf8))) as? [String: Any] ?? [:]
        document["diagnostics"] = report.objects
        let data = try! JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
