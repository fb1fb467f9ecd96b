import ArgumentParser
import Engine
import Foundation
import GitStore
import Logging
import Planning
import StatusStore

/// `baton retry RUN`: the operations of a run that did not succeed, planned again against the state now and
/// applied; the rest of what changed since is left for a full `apply`.
struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Apply again what a run failed or left pending, against the current state.",
        discussion: """
            Resources that need nothing any more are skipped. Like apply, asks before it changes anything, and \
            without a terminal needs --yes. Exit status: 0 all applied (or nothing to retry), 1 any failure.

            Examples:
              baton retry 20261207065341-8e75449a --repo hosting
              baton retry 20261207065341-8e75449a --repo hosting --yes --identity ~/.ssh/baton
            """
    )

    @Argument(help: "The run id (see `baton status`).") var runID: String
    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The revision to plan (default HEAD).") var rev: String = "HEAD"
    @Flag(help: "Do not ask.") var yes = false
    @Option(help: "The SSH client key (default: BATON_SSH_KEY).") var identity: String?
    @Option(help: "Seconds after which a server's script is stopped.") var timeout: Int = 600

    func run() throws {
        let keys: Set<Planner.Key>
        do {
            guard let runs = try RecordedRuns.read(repo: repo, branch: nil) else {
                throw PlanFailure("nothing applied yet: the status branch does not exist, so there is no run to retry")
            }
            guard let bytes = try runs.repository.file(atRoot: "runs/\(runID).yaml", commit: runs.tip) else {
                if runs.isAdopt(runID) {
                    print(runs.adoptNote(runID) + " Nothing to retry.")
                    return
                }
                throw runs.unknown(runID)
            }
            keys = Set(
                try RunFile.unfinished(bytes, file: "\(runs.branch):runs/\(runID).yaml").map {
                    Planner.Key(server: $0.server, id: $0.resource)
                })
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
        guard !keys.isEmpty else {
            print("Run \(runID) applied everything: nothing to retry.")
            return
        }
        do {
            let apply = try ApplyCommand.parse(
                ["--repo", repo, "--rev", rev, "--timeout", String(timeout)] + (yes ? ["--yes"] : [])
                    + (identity.map { ["--identity", $0] } ?? []))
            try apply.apply(logger: Logger(label: "baton.retry"), only: keys)
        } catch let failure as PlanFailure {
            Terminal.error("baton: \(failure)")
            throw ExitStatus.invalid
        }
    }
}
