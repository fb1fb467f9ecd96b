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
        discussion:
            "Reads the status branch only. Exit status: 0 all applied, 2 some resources Failed or Pending, 1 error."
    )

    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The status branch (default: baton.yaml's statusBranch, else baton/status).") var branch: String?

    func run() throws {
        let snapshot: StatusBranch.Snapshot
        let name: String
        do {
            let repository = try GitRepository(path: repo)
            name = try branch ?? RepositoryConfigReader.statusBranch(repository)
            snapshot = try StatusBranch(repository: repository, name: name).snapshot()
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
        guard let applied = snapshot.applied else {
            print("Nothing applied yet: \(name) does not exist.")
            return
        }
        print("Last run \(applied.run) at \(applied.time): revision \(String(applied.revision.prefix(12)))")
        for server in applied.servers.keys.sorted() {
            let s = applied.servers[server]!
            print("  \(server): \(s.state), \(s.changes) change(s), \(s.failed) not applied (run \(s.run))")
        }
        let entries = snapshot.inventory.values.flatMap { $0 }
        print("Managed: \(entries.count) resource(s) on \(snapshot.inventory.count) server(s).")
        var waiting: [(ResourceID, String)] = entries.compactMap { item in item.state.map { (item.entry.id, $0) } }
        let listed = Set(entries.map(\.entry.id))
        waiting += snapshot.state.known.filter { !listed.contains($0.key) && $0.value != "Applied" }.map {
            ($0.key, $0.value)
        }
        let unique = Dictionary(waiting, uniquingKeysWith: { a, _ in a }).sorted { $0.key < $1.key }
        for (id, state) in unique { print("  \(state): \(id)") }
        if !unique.isEmpty {
            print("\(unique.count) resource(s) not applied: `baton logs` shows why.")
            throw ExitStatus.changes
        }
    }
}

/// `baton logs [RUN]`: the scripts a run sent and what each server printed.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Show a run's log from the status branch (default: the last run).")

    @Argument(help: "The run id (see `baton status`).") var runID: String?
    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The status branch.") var branch: String?

    func run() throws {
        do {
            let repository = try GitRepository(path: repo)
            let name = try branch ?? RepositoryConfigReader.statusBranch(repository)
            let status = StatusBranch(repository: repository, name: name)
            guard let tip = try status.tip() else { throw PlanFailure("nothing applied yet: \(name) does not exist") }
            let runs = try repository.names(in: "runs", at: tip).filter { $0.hasSuffix(".log") }.sorted()
            let id = runID ?? runs.last.map { String($0.dropLast(4)) }
            guard let id, let log = try repository.file(atRoot: "runs/\(id).log", commit: tip) else {
                throw PlanFailure(
                    "no run \(runID ?? "") on \(name); runs kept: \(runs.suffix(5).joined(separator: ", "))")
            }
            print(String(decoding: log, as: UTF8.self), terminator: "")
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
    }
}
