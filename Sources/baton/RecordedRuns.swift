import Engine
import GitStore
import StatusStore

/// The runs a status branch keeps, as `logs` and `retry` name them: the run `status` calls last, the runs with a
/// log, and adopts, which record a revision without running anything and so have no log.
struct RecordedRuns {
    let repository: GitRepository
    let branch: String
    let tip: ObjectID
    /// Ids of the runs whose files are kept (`runs/<id>.yaml` and `.log`), oldest first.
    let kept: [String]
    let applied: AppliedFile?

    /// Nil when nothing was applied yet (the branch does not exist).
    static func read(repo: String, branch: String?) throws -> RecordedRuns? {
        let repository = try RepositoryOpening.open(repo)
        let name = try branch ?? RepositoryConfigReader.statusBranch(repository)
        let status = StatusBranch(repository: repository, name: name)
        guard let tip = try status.tip() else { return nil }
        let names = try repository.names(in: "runs", at: tip)
        let kept = Set(names.filter { $0.hasSuffix(".log") }.map { String($0.dropLast(4)) }).sorted()
        return RecordedRuns(
            repository: repository, branch: name, tip: tip, kept: kept, applied: try status.snapshot(at: tip).applied)
    }

    /// The run `baton status` calls last; the newest kept log when that run has none and was no adopt.
    var last: String? {
        guard let run = applied?.run else { return kept.last }
        return kept.contains(run) || isAdopt(run) ? run : kept.last ?? run
    }

    /// An adopt the branch names (`applied.yaml`, overall or for a server): recorded, with nothing run.
    func isAdopt(_ id: String) -> Bool {
        guard id.hasPrefix("adopt-"), let applied else { return false }
        return applied.run == id || applied.servers.values.contains { $0.run == id }
    }

    func log(_ id: String) throws -> [UInt8]? {
        try repository.file(atRoot: "runs/\(id).log", commit: tip)
    }

    func unknown(_ id: String) -> PlanFailure {
        PlanFailure(
            "no run '\(id)' on \(branch); "
                + (kept.isEmpty
                    ? "no run logs are kept (only adopts were recorded)"
                    : "runs kept, newest last: \(kept.suffix(5).joined(separator: ", "))"))
    }

    func adoptNote(_ id: String) -> String {
        "Run \(id) was `baton adopt`: it recorded a revision as applied without running anything on the servers, "
            + "so it has no log."
    }
}
