import Foundation
import GitStore
import Manifests
import Planning

/// The status branch of a repository: where Baton records what it applied. Reading never touches the work
/// tree; a branch that does not exist yet reads as nothing applied.
package struct StatusBranch: Sendable {
    package static let defaultName = "baton/status"

    package let repository: GitRepository
    package let name: String

    package init(repository: GitRepository, name: String = StatusBranch.defaultName) {
        self.repository = repository
        self.name = name
    }

    /// The branch's tip: the local branch, else the remote-tracking one that a fetch brought (`origin`).
    package func tip() throws -> ObjectID? {
        if let local = try repository.reference("refs/heads/" + name) { return local }
        return try repository.reference("refs/remotes/origin/" + name)
    }

    /// The branch's ref lock file (`refs/heads/NAME.lock`) and its age in seconds, nil when there is none.
    package var lockFile: (path: String, age: Double?) {
        let path = (repository.gitDirectory as NSString).appendingPathComponent("refs/heads/\(name).lock")
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        return (path, modified.map { max(0, Date().timeIntervalSince($0)) })
    }

    /// Refuses a branch outside Baton's own refs (`OwnedRefName`, `GitRepository.ownedRefProblem`): the check
    /// before every write of the branch (a run's commit, a lease), so that no name a tree chose moves another ref.
    package func checkWritable() throws {
        try repository.checkOwnedRef(OwnedRefName.branch(name))
    }

    /// What the branch holds at its tip, parsed: the applied state the planner reads, and the files a run
    /// updates.
    package struct Snapshot: Sendable {
        package var tip: ObjectID?
        package var applied: AppliedFile?
        package var state: AppliedState
        /// The serial each zone was last applied with.
        package var serials: [String: ZoneSerialsFile.Entry] = [:]
        /// What it was read from, by content (`StatusBranch.contentKey`); nil for nothing applied.
        package var contentKey: String?
        /// The inventory was read from the single `inventory.yaml` of branches written before the shards: the
        /// next record writes all of it in shards and removes that file.
        package var singleInventory = false

        /// Where each shard was read from, by path: the next read of the branch takes the entries of a shard
        /// whose blob is the same from this snapshot instead of parsing it again.
        package var shardIDs: [String: ObjectID] = [:]

        package static let empty = Snapshot(tip: nil, applied: nil, state: .empty)

        /// The inventory, per server, as the status branch writes it. The entries are the applied state's (which
        /// carry their state), not a second copy kept beside them: a daemon holds one snapshot for as long as it
        /// runs, 100,000 entries at 10,000 accounts.
        package var inventory: [String: [InventoryFile.Entry]] {
            get { state.servers.mapValues { $0.map { InventoryFile.Entry($0, state: $0.state) } } }
            set { state.servers = newValue.mapValues { $0.map(\.entry) } }
        }

        /// The number of entries the inventory lists.
        package var managed: Int { state.servers.values.reduce(0) { $0 + $1.count } }
    }

    /// What was applied, as of the branch's tip.
    package func read() throws -> AppliedState { try snapshot().state }

    package func snapshot() throws -> Snapshot {
        guard let tip = try tip() else { return .empty }
        return try snapshot(at: tip)
    }

    /// The ids of what a snapshot is read from: the applied, inventory and serials files and the status folder.
    /// Two tips with the same key hold the same snapshot (a lease commit changes none of them).
    package func contentKey(at tip: ObjectID) throws -> String {
        let parts = [AppliedFile.path, InventoryFile.path, InventoryFile.folder, ZoneSerialsFile.path, "status"]
        let ids = try repository.rootEntryIDs(parts, commit: tip)
        return parts.map { "\($0)=\(ids[$0]?.description ?? "none")" }.joined(separator: " ")
    }

    package func snapshot(at tip: ObjectID) throws -> Snapshot {
        let key = try contentKey(at: tip)
        let cacheName = repository.gitDirectory + "\u{0}" + name
        if var known = SnapshotCache.get(cacheName, key: key) {
            known.tip = tip
            return known
        }
        var read = try parse(at: tip, previous: SnapshotCache.last(cacheName))
        SnapshotCache.parsed.update { $0 += 1 }
        guard read.applied != nil else { return read }
        read.contentKey = key
        SnapshotCache.put(cacheName, key: key, read)
        return read
    }

    /// The inventory at `tip`, per server: its shards (a shard whose blob `previous` read too is taken from
    /// `previous` rather than parsed again), else the single file of older branches; where each shard was read
    /// from; whether it was the single file; whether there was an inventory at all.
    private func inventory(at tip: ObjectID, previous: Snapshot?, label: (String) -> String) throws
        -> (servers: [String: [InventoryEntry]], shardIDs: [String: ObjectID], single: Bool, present: Bool)
    {
        let files = try repository.files(under: InventoryFile.folder, at: tip)
        guard files.isEmpty else {
            // The previous snapshot's entries of the shards that stayed, by shard and server, in their order.
            var kept: [String: [String: [InventoryEntry]]] = [:]
            if let previous {
                let same = Set(files.filter { previous.shardIDs[$0.key] == $0.value }.map(\.key))
                if !same.isEmpty {
                    var shardOf: [String: String] = [:]
                    for (server, entries) in previous.state.servers {
                        for entry in entries {
                            let path =
                                shardOf[entry.account]
                                ?? InventoryFile.shardPath(number: Int(InventoryFile.shard(of: entry.account)))
                            shardOf[entry.account] = path
                            if same.contains(path) { kept[path, default: [:]][server, default: []].append(entry) }
                        }
                    }
                }
            }
            var merged: [String: [InventoryEntry]] = [:]
            for (path, id) in files.sorted(by: { $0.key < $1.key }) {
                guard InventoryFile.isShard(path) else {
                    throw StatusError(
                        file: label(path),
                        message:
                            "a file Baton does not write in \(InventoryFile.folder)/ (it writes only <xx>.yaml shards)",
                        hint: "remove it from the status branch")
                }
                let shard: [String: [InventoryEntry]]
                if previous?.shardIDs[path] == id {
                    shard = kept[path] ?? [:]
                } else {
                    let name = String(path.dropFirst(InventoryFile.folder.count + 1).dropLast(5))
                    shard = try InventoryFile.parse(try repository.blob(id), file: label(path), shard: name)
                        .mapValues { $0.map(\.entry) }
                    SnapshotCache.shardsParsed.update { $0 += 1 }
                }
                for (server, entries) in shard { merged[server, default: []] += entries }
            }
            return (merged, files, false, true)
        }
        guard let bytes = try repository.file(atRoot: InventoryFile.path, commit: tip) else {
            return ([:], [:], false, false)
        }
        let single = bytes.isEmpty ? [:] : try InventoryFile.parse(bytes, file: label(InventoryFile.path))
        return (single.mapValues { $0.map(\.entry) }, [:], true, true)
    }

    private func parse(at tip: ObjectID, previous: Snapshot?) throws -> Snapshot {
        let label = { (path: String) in "\(name):\(path)" }
        guard let appliedBytes = try repository.file(atRoot: AppliedFile.path, commit: tip) else {
            // Only a daemon's lease (or a rejected revision) so far: nothing was applied yet. An inventory without
            // the file that says from which revision is something else.
            if try !inventory(at: tip, previous: nil, label: label).present {
                var empty = Snapshot.empty
                empty.tip = tip
                return empty
            }
            throw StatusError(file: label(AppliedFile.path), message: "the status branch has no \(AppliedFile.path)")
        }
        let applied = try AppliedFile.parse(appliedBytes, file: label(AppliedFile.path))
        let (servers, shardIDs, single, _) = try inventory(at: tip, previous: previous, label: label)
        // `known` holds what the inventory does not say by listing a resource: a state other than `Applied`
        // (100,000 entries of "Applied" would be a second index of the inventory, kept for as long as a daemon
        // runs), and the resources it does not list.
        var known: [ResourceID: String] = [:]
        var listed = Set<ResourceID>()
        var owners: [ResourceID: String] = [:]
        for entries in servers.values {
            for entry in entries {
                listed.insert(entry.id)
                if let state = entry.state { known[entry.id] = state }
            }
        }
        // Status files matter to the plan only for resources no inventory lists (a create that failed):
        // read just those, so a big branch costs a tree listing, not a parse per resource.
        for kind in Kind.allCases {
            for file in try repository.names(in: "status/\(kind.rawValue)", at: tip) where file.hasSuffix(".yaml") {
                let id = ResourceID(kind, String(file.dropLast(5)))
                guard !listed.contains(id), known[id] == nil else { continue }
                let path = ResourceStatusFile.path(of: id)
                guard let bytes = try repository.file(atRoot: path, commit: tip) else { continue }
                let status = try ResourceStatusFile.parse(bytes, file: label(path))
                known[id] = status.state
                owners[id] = status.account
            }
        }
        // The blob ids address the two files' content: hashing them is hashing the applied state, without a
        // pass over a 17 MB inventory.
        var digest = SHA256()
        let ids = try repository.rootEntryIDs(
            [AppliedFile.path, InventoryFile.path, InventoryFile.folder], commit: tip)
        for path in [AppliedFile.path, InventoryFile.path] {
            digest.update(path + "=" + (ids[path]?.description ?? "none") + "\n")
        }
        // Absent from branches written before the shards: their digest is what it was.
        if let folder = ids[InventoryFile.folder] {
            digest.update(InventoryFile.folder + "/=" + folder.description + "\n")
        }
        let state = AppliedState(
            revision: applied.revision, time: applied.time, recipe: applied.recipe, servers: servers, known: known,
            owners: owners,
            digest: "sha256:" + digest.hexDigest())
        if !single {
            // Each shard refuses a second entry of its own; one in two shards (a line moved by hand) shows as fewer
            // indexed entries than listed.
            let listed = servers.values.reduce(0) { $0 + $1.count }
            if state.index.count != listed { throw duplicateAcrossShards(servers, label: label) }
        }
        let serials = try repository.file(atRoot: ZoneSerialsFile.path, commit: tip).map {
            try ZoneSerialsFile.parse($0, file: label(ZoneSerialsFile.path))
        }
        var snapshot = Snapshot(tip: tip, applied: applied, state: state, serials: serials ?? [:])
        snapshot.singleInventory = single
        snapshot.shardIDs = shardIDs
        return snapshot
    }

    /// The error for an entry listed in two shards (rare: found by counting, named by this slower pass).
    private func duplicateAcrossShards(_ servers: [String: [InventoryEntry]], label: (String) -> String)
        -> StatusError
    {
        for (server, entries) in servers.sorted(by: { $0.key < $1.key }) {
            var seen: [ResourceID: String] = [:]
            for entry in entries {
                let shard = InventoryFile.shardPath(of: entry.account)
                if let other = seen[entry.id] {
                    return StatusError(
                        file: label(InventoryFile.folder + "/"),
                        message:
                            "\(PathText.escaped(entry.id.description)) is listed twice on server '\(PathText.escaped(server))', in \(other) and \(shard)",
                        hint:
                            "the inventory is Baton's own: restore the status branch, or adopt the servers again (baton adopt)"
                    )
                }
                seen[entry.id] = shard
            }
        }
        return StatusError(file: label(InventoryFile.folder + "/"), message: "an entry is listed twice")
    }

    /// Commits a run's files on top of `snapshot` (compare-and-swap: a branch that moved meanwhile is an
    /// error the caller retries after reading again). The applied revision becomes a second parent, so it
    /// stays reachable from the branch even when the manifests' history is rewritten.
    package func commit(
        _ files: [String: [UInt8]?], on snapshot: Snapshot, applied revision: ObjectID?, message: String
    )
        throws -> ObjectID
    {
        try StatusBranchWriters.exclusively(self) {
            try commitAlone(files, on: snapshot, applied: revision, message: message)
        }
    }

    private func commitAlone(
        _ files: [String: [UInt8]?], on snapshot: Snapshot, applied revision: ObjectID?, message: String
    ) throws -> ObjectID {
        try checkWritable()
        var tip = snapshot.tip
        // Read from the remote-tracking branch: the local one starts there.
        if let tip, try repository.reference("refs/heads/" + name) == nil {
            try repository.setReference("refs/heads/" + name, to: tip, expected: nil)
        }
        if tip == nil, revision != nil {
            // A root commit of its own first: the branch's first parents are then its own history, and
            // the applied revisions hang off as second parents.
            tip = try repository.commit(
                branch: name, updates: [:], message: "baton: status branch", expectedTip: .some(nil))
        }
        return try repository.commit(
            branch: name, updates: files, message: message, extraParents: revision.map { [$0] } ?? [],
            expectedTip: .some(tip))
    }
}

extension StatusBranch {
    /// What `record` did.
    package struct Recorded: Sendable {
        package var commit: ObjectID
        /// Pushed to the remote (nil: there is none).
        package var pushed: Bool?
        /// How many times the files were made: more than one when the remote had moved and the run was merged
        /// onto its state.
        package var attempts: Int
    }

    /// Commits a run's files and pushes the branch to `remote` when the repository has it. When the push is
    /// refused because the remote moved (another Baton recorded meanwhile), the remote's branch is fetched and
    /// `make` runs again on its state: the run's outcomes are merged onto what the other recorded, not written
    /// over it. `make` gets the snapshot to build on.
    package func record(
        applied revision: ObjectID?, message: String, remote: String = "origin",
        options: RemoteOptions = RemoteOptions(),
        attempts limit: Int = 5, lockPatience: Double = 5, waiting: (String) -> Void = { _ in },
        make: (Snapshot) throws -> [String: [UInt8]?]
    ) throws -> Recorded {
        try StatusBranchWriters.exclusively(self) {
            try recordAlone(
                applied: revision, message: message, remote: remote, options: options, attempts: limit,
                lockPatience: lockPatience, waiting: waiting, make: make)
        }
    }

    private func recordAlone(
        applied revision: ObjectID?, message: String, remote: String, options: RemoteOptions, attempts limit: Int,
        lockPatience: Double, waiting: (String) -> Void, make: (Snapshot) throws -> [String: [UInt8]?]
    ) throws -> Recorded {
        var attempts = 0
        var lockSeen: Date?
        var raced = 0
        while true {
            attempts += 1
            let snapshot = try snapshot()
            let commit: ObjectID
            do {
                commit = try self.commit(try make(snapshot), on: snapshot, applied: revision, message: message)
            } catch let error as GitError where error.isMovedReference && raced < 50 {
                // Another writer of this process or repository (the monitor's states, a lease renewal) committed
                // between the read and this commit: build again on what it wrote, after a moment that keeps two
                // writers from meeting again in lockstep.
                raced += 1
                attempts -= 1
                usleep(UInt32.random(in: 500...5000))
                continue
            } catch let error as GitError where error.isLocked {
                // A fresh ref lock is another writer mid-update (a `git` command, another Baton): it goes within
                // milliseconds, as git's own `core.filesRefLockTimeout` assumes. An old one is a writer that died,
                // which waiting will not mend: the caller explains it.
                let lock = lockFile
                guard let age = lock.age, age < 60 else { throw error }
                let now = Date()
                if lockSeen == nil {
                    lockSeen = now
                    waiting("the status branch \(name) is locked by another writer (\(lock.path)); waiting")
                }
                guard now.timeIntervalSince(lockSeen ?? now) < lockPatience else { throw error }
                attempts -= 1
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            guard try repository.hasRemote(remote) else {
                return Recorded(commit: commit, pushed: nil, attempts: attempts)
            }
            do {
                try repository.push(to: remote, refspecs: ["refs/heads/\(name):refs/heads/\(name)"], options: options)
                return Recorded(commit: commit, pushed: true, attempts: attempts)
            } catch let error as GitError where error.isNonFastForward && attempts < limit {
                try repository.fetch(
                    from: remote, refspecs: ["+refs/heads/\(name):refs/remotes/\(remote)/\(name)"], options: options)
                guard let theirs = try repository.reference("refs/remotes/\(remote)/\(name)") else { throw error }
                // Our commit is dropped; the next attempt builds on theirs.
                try repository.setReference("refs/heads/\(name)", to: theirs, expected: commit)
            }
        }
    }
}
