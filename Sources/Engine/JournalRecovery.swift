import Apply
import Backends
import Foundation
import GitStore
import Planning
import SSHTransport
import StatusStore

/// Before anything new is planned for a server, the runs its journal holds that the status branch does not
/// (a client killed after the server's work, a status branch that could not be written) are recorded, as
/// recovered runs: their outcomes, the inventory they leave and the serials they wrote.
package struct JournalRecovery: Sendable {
    package init() {}

    /// Per server: the journal files of runs the status branch records, which the next run there removes.
    package var forget: [String: [String]] = [:]
    /// Servers whose journal could not be read, and why: nothing runs there this time.
    package var unreadable: [String: ServerFailure] = [:]
    /// The runs recorded now, as `run on server`.
    package var recovered: [String] = []

    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package static func recover(
        _ runs: [ServerRun], planned: Planned, repo: String, opened: GitRepository? = nil,
        credentials: SSHCredentials
    ) throws -> JournalRecovery {
        var recovery = JournalRecovery()
        guard !runs.isEmpty else { return recovery }
        let repository = try opened ?? GitRepository(path: repo)
        let branch = StatusBranch(repository: repository, name: planned.statusBranch)
        var lost: [ServerJournal.Entry] = []
        for (server, read) in Executor.readJournals(runs, credentials: credentials) {
            let files: [(name: String, text: String)]
            switch read {
            case .failure(let error):
                recovery.unreadable[server] = ServerFailure(
                    error.kind, "its journal of earlier runs could not be read: \(error)")
                continue
            case .success(let found): files = found
            }
            let tip = try branch.tip()
            for file in files {
                guard let entry = try? ServerJournal.parse(file.text), entry.header.run == file.name,
                    entry.header.server == server
                else {
                    EngineNotice.say(
                        "baton: warning: \(server): the journal file \(file.name) is not Baton's: left alone")
                    continue
                }
                // Another repository's run (its revision is no commit here) is that repository's to record.
                guard let revision = try? repository.resolve(entry.header.revision),
                    repository.hasCommit(revision)
                else { continue }
                // A later run on this server is recorded: this one was too (a run recovers the earlier ones before it
                // plans), even when its file has rotated out of runs/.
                // Run ids start with their second: only a strictly later second counts (two runs in one second are
                // told apart by their revision, which orders nothing).
                let second = { (run: String) in run.prefix { $0 != "-" } }
                let later =
                    planned.snapshot.applied?.servers[server].map { second($0.run) > second(entry.header.run) } ?? false
                if later, tip != nil {
                    recovery.forget[server, default: []].append(file.name)
                } else if let tip, try isRecorded(entry.header, repository: repository, tip: tip) {
                    recovery.forget[server, default: []].append(file.name)
                } else {
                    lost.append(entry)
                }
            }
        }
        for entry in lost.sorted(by: { $0.header.run < $1.header.run }) {
            try record(entry, branch: branch, repository: repository)
            recovery.forget[entry.header.server, default: []].append(entry.header.run)
            recovery.recovered.append("\(entry.header.run) on \(entry.header.server)")
        }
        return recovery
    }

    /// `runs/<run>.yaml` lists the server, or the run's recovered part for it is recorded.
    static func isRecorded(_ header: ServerJournal.Header, repository: GitRepository, tip: ObjectID) throws -> Bool {
        if try repository.blobID(atRoot: "runs/\(header.run)-\(header.server).yaml", commit: tip) != nil {
            return true
        }
        let path = "runs/\(header.run).yaml"
        guard let bytes = try repository.file(atRoot: path, commit: tip) else { return false }
        return try RunFile.servers(bytes, file: path).contains(header.server)
    }

    /// One commit for one recovered run on one server: built as the run itself would have recorded it.
    static func record(_ entry: ServerJournal.Entry, branch: StatusBranch, repository: GitRepository) throws {
        let header = entry.header
        var outcomes: [Planner.Key: StatusRecord.Outcome] = [:]
        var messages: [Planner.Key: String] = [:]
        var operations: [RunFile.Operation] = []
        var serials: [String: ZoneSerialsFile.Entry] = [:]
        var removedZones = Set<String>()
        var changes: [Change] = []
        for (index, op) in header.operations.enumerated() {
            let change = Change(
                action: op.action, id: op.resource, server: header.server, account: op.account, from: op.from,
                hash: op.hash)
            changes.append(change)
            let outcome = entry.report.operations[index]
            let key = Planner.Key(server: header.server, id: op.resource)
            outcomes[key] = ApplyRun.outcome(of: outcome.state)
            if outcomes[key] != .applied {
                messages[key] =
                    "\(outcome.state.rawValue): recovered from \(header.server)'s journal of run \(header.run)"
            } else if op.resource.kind == .domain {
                if op.action == .delete {
                    removedZones.insert(op.resource.name)
                } else if let serial = entry.serials[op.resource.name], let hash = header.zones[op.resource.name] {
                    serials[op.resource.name] = ZoneSerialsFile.Entry(serial: serial, contentHash: hash)
                }
            }
            operations.append(
                RunFile.Operation(
                    server: header.server, resource: op.resource, action: op.action, state: outcome.state.rawValue,
                    exitStatus: outcome.exitStatus))
        }
        let plan = Plan(revision: header.revision, appliedRevision: nil, appliedDigest: "", changes: changes)
        let revision = try repository.resolve(header.revision)
        let message = "baton apply \(header.run) (recovered from \(header.server)'s journal)\n\n\(plan.summary)"
        _ = try branch.record(applied: revision, message: message, options: RemoteConfiguration.options()) {
            snapshot in
            let existing = try snapshot.tip.map { try repository.names(in: "runs", at: $0) } ?? []
            // A run of several servers recovered from one of them after another: each part has its own file.
            let id = existing.contains("\(header.run).yaml") ? "\(header.run)-\(header.server)" : header.run
            let runFile = RunFile(
                id: id, revision: header.revision, time: header.time, summary: plan.summary, operations: operations,
                servers: [
                    RunFile.ServerLog(
                        server: header.server, seconds: 0,
                        failure: entry.report.finished ? nil : "the run did not reach its end on the server",
                        script: "(not kept: the server's journal of the run follows)", stdout: entry.text, stderr: "")
                ], recoveredFrom: header.server)
            var zones = snapshot.serials
            for (origin, serial) in serials { zones[origin] = serial }
            for origin in removedZones { zones[origin] = nil }
            var files = StatusRecord(revision: header.revision, time: header.time, run: header.run).files(
                plan: plan, outcomes: outcomes, messages: messages, inventory: snapshot.inventory,
                rewriteAll: snapshot.singleInventory, applied: snapshot.applied)
            files[ZoneSerialsFile.path] = Array(ZoneSerialsFile.render(zones).utf8)
            files.merge(runFile.files(existing: existing)) { _, new in new }
            return files
        }
    }
}

/// Why the status branch could not be written, in words a person can act on.
package enum StatusWriteFailure {
    package static func explain(_ error: Error, repository: GitRepository, branch: String) -> String {
        let lock = StatusBranch(repository: repository, name: branch).lockFile
        if let age = lock.age {
            return "the status branch \(branch) is locked: \(lock.path) exists, made \(duration(Int(age))) ago by a "
                + "git command (or a Baton) that did not finish. If no git or Baton process is working on this "
                + "repository, remove it (rm \(lock.path)) and apply again"
        }
        return "the status branch \(branch) could not be written: \(error)"
    }

    static func duration(_ seconds: Int) -> String {
        switch seconds {
        case ..<120: "\(seconds) s"
        case ..<7200: "\(seconds / 60) min"
        case ..<172_800: "\(seconds / 3600) h"
        default: "\(seconds / 86400) days"
        }
    }
}
