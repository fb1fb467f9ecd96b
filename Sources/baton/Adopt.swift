import ArgumentParser
import Engine
import Foundation
import GitStore
import Logging
import Planning
import StatusStore

/// Records a revision as applied without touching any server.
struct Adopt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a revision as applied without running anything on the servers.",
        discussion: """
            For servers that already hold what the manifests describe (bringing existing servers under Baton), \
            or to accept changes that were made by hand. Plans REV like `baton plan`, then commits the result to \
            the status branch as if every change had been applied: creates and updates enter the inventory, \
            deletes leave it (nothing is deleted anywhere). Exit status: 0 recorded, 1 any error.

            Examples:
              baton adopt --repo hosting
              baton adopt --repo hosting --rev v1.4 --server web1
            """
    )

    @Option(help: "The git repository.")
    var repo: String = "."

    @Option(help: "The revision to record as applied.")
    var rev: String = "HEAD"

    @Option(name: .customLong("server"), help: "Record only this server (repeatable).")
    var servers: [String] = []

    @Option(help: "Which checker checks the rendered zones: builtin, named-checkzone, both or none.")
    var zoneChecker: ZoneCheckerChoice?

    func run() throws {
        let planned: Planned
        do {
            planned = try Planned.make(
                repo: repo, rev: rev, fetch: false, zoneChecker: zoneChecker, zoneCache: true, allowMassDelete: true,
                servers: servers, logger: Logger(label: "baton.adopt"), repairing: true)
        } catch let failure as PlanFailure {
            Terminal.error("baton: \(failure)")
            throw ExitStatus.invalid
        }
        if let diagnostics = planned.invalid {
            print(DiagnosticReport(diagnostics: diagnostics, color: Terminal.useColor).text(), terminator: "")
            Terminal.error("baton: the manifests at \(rev) are not valid: nothing recorded")
            throw ExitStatus.invalid
        }
        let plan = planned.plan
        // A repair (StatusTrust) is recorded even when the plan is empty: applied.yaml names the revision adopted.
        if plan.isEmpty && planned.distrusted.isEmpty {
            print("Nothing to record: the status branch already matches \(String(plan.revision.prefix(12))).")
            return
        }
        do {
            let repository = try GitRepository(path: repo)
            let branch = StatusBranch(repository: repository, name: planned.statusBranch)
            let snapshot = try branch.snapshot()
            guard snapshot.state.digest == plan.appliedDigest else {
                throw PlanFailure("the status branch moved while planning; run again")
            }
            let time = ISO8601DateFormatter().string(from: Date())
            let run = "adopt-" + time.filter(\.isNumber) + "-" + String(plan.revision.prefix(8))
            let outcomes = Dictionary(
                plan.changes.map { (Planner.Key(server: $0.server, id: $0.id), StatusRecord.Outcome.applied) },
                uniquingKeysWith: { a, _ in a })
            let files = StatusRecord(revision: plan.revision, time: time, run: run).files(
                // The inventory as planned: without the entries the checks could not trust (StatusTrust), so every
                // shard is written again.
                plan: plan, outcomes: outcomes, inventory: planned.snapshot.inventory, rewriteAll: true,
                applied: snapshot.applied)
            let commit = try branch.commit(
                files, on: snapshot, applied: try repository.resolve(plan.revision),
                message: "baton adopt \(String(plan.revision.prefix(12)))\n\n\(plan.summary)")
            print(
                "Recorded \(String(plan.revision.prefix(12))) as applied on \(branch.name) (\(commit)): \(plan.summary)"
            )
        } catch {
            Terminal.error("baton: cannot record on the status branch: \(error)")
            throw ExitStatus.invalid
        }
    }
}
