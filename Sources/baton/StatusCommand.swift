import ArgumentParser
import Engine
import Foundation
import GitStore
import Manifests
import Planning
import StatusStore

/// `baton status`: what the status branch says, without touching a server.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what was last applied and which resources are not Applied.",
        discussion: """
            Reads the status branch only. Exit status: 0 all applied (or nothing applied yet), 2 some resources \
            Failed or Pending, 1 error (not a repository, a --branch that does not exist).

            Examples:
              baton status --repo hosting
              baton status --repo hosting --format json | jq '.notApplied'
            """
    )

    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The status branch (default: baton.yaml's statusBranch, else baton/status).") var branch: String?
    @Option(help: "Output format: text or json (docs/json-output.md).") var format: ReportFormat = .text

    func run() throws {
        let snapshot: StatusBranch.Snapshot
        let name: String
        do {
            let repository = try RepositoryOpening.open(repo)
            name = try branch ?? RepositoryConfigReader.statusBranch(repository)
            let status = StatusBranch(repository: repository, name: name)
            if let branch, try status.tip() == nil {
                // A name given on purpose that names nothing is a typo, not an empty history.
                throw PlanFailure(
                    "no branch \(branch) (nor origin/\(branch)) in \(repository.path): name the status branch "
                        + "(default: baton.yaml's statusBranch, else \(StatusBranch.defaultName))")
            }
            snapshot = try status.snapshot()
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
        let entries = snapshot.inventory.values.flatMap { $0 }
        var waiting: [(ResourceID, String)] = entries.compactMap { item in item.state.map { (item.entry.id, $0) } }
        let listed = Set(entries.map(\.entry.id))
        waiting += snapshot.state.known.filter { !listed.contains($0.key) && $0.value != "Applied" }.map {
            ($0.key, $0.value)
        }
        let unique = Dictionary(waiting, uniquingKeysWith: { a, _ in a }).sorted { $0.key < $1.key }
        switch format {
        case .json:
            JSONReport.print(
                Self.json(branch: name, snapshot: snapshot, managed: entries.count, notApplied: unique))
        case .text:
            guard let applied = snapshot.applied else {
                print("Nothing applied yet: \(name) does not exist.")
                return
            }
            print("Last run \(applied.run) at \(applied.time): revision \(String(applied.revision.prefix(12)))")
            for server in applied.servers.keys.sorted() {
                let s = applied.servers[server]!
                print("  \(server): \(s.state), \(s.changes) change(s), \(s.failed) not applied (run \(s.run))")
            }
            print("Managed: \(entries.count) resource(s) on \(snapshot.inventory.count) server(s).")
            for (id, state) in unique { print("  \(state): \(id)") }
            if !unique.isEmpty { print("\(unique.count) resource(s) not applied: `baton logs` shows why.") }
        }
        if !unique.isEmpty { throw ExitStatus.changes }
    }

    static func json(
        branch: String, snapshot: StatusBranch.Snapshot, managed: Int, notApplied: [(key: ResourceID, value: String)]
    ) -> [String: Any] {
        var document: [String: Any] = [
            "branch": branch, "managed": ["resources": managed, "servers": snapshot.inventory.count],
            "notApplied": notApplied.map { ["resource": $0.key.description, "state": $0.value] },
        ]
        if let applied = snapshot.applied {
            document["applied"] = [
                "run": applied.run, "time": applied.time, "revision": applied.revision,
                "servers": applied.servers.mapValues { s -> [String: Any] in
                    [
                        "state": s.state, "changes": s.changes, "failed": s.failed, "run": s.run,
                        "revision": s.revision, "time": s.time,
                    ]
                },
            ]
        } else {
            document["applied"] = NSNull()
        }
        return document
    }
}

/// `baton logs [RUN]`: the scripts a run sent and what each server printed.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Show a run's log from the status branch (default: the last run).",
        discussion: """
            The last run is the one `baton status` names. A run of `baton adopt` ran nothing and has no log: logs \
            says so. Exit status: 0 shown, 1 no such run or an error.

            Examples:
              baton logs --repo hosting
              baton logs 20261207065341-8e75449a --repo hosting
            """)

    @Argument(help: "The run id (see `baton status`).") var runID: String?
    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The status branch (default: baton.yaml's statusBranch, else baton/status).") var branch: String?
    @Option(help: "Output format: text or json (docs/json-output.md).") var format: ReportFormat = .text

    func run() throws {
        do {
            guard let runs = try RecordedRuns.read(repo: repo, branch: branch) else {
                throw PlanFailure("nothing applied yet: the status branch does not exist")
            }
            guard let id = runID ?? runs.last else { throw PlanFailure("no run recorded on \(runs.branch)") }
            let log = try runs.log(id)
            let adopt = log == nil && runs.isAdopt(id)
            guard log != nil || adopt else { throw runs.unknown(id) }
            switch format {
            case .json:
                JSONReport.print([
                    "branch": runs.branch, "run": id, "kind": adopt ? "adopt" : "apply",
                    "log": log.map { String(decoding: $0, as: UTF8.self) } ?? NSNull(),
                ])
            case .text:
                if let log {
                    print(String(decoding: log, as: UTF8.self), terminator: "")
                } else {
                    print(runs.adoptNote(id))
                }
            }
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
    }
}
