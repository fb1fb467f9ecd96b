import CGit2
import Foundation

extension GitRepository {
    /// Commits to `branch` (short name, "baton/status" → refs/heads/baton/status) without touching the work tree,
    /// the index or HEAD. The new tree is the branch tip's tree (an empty one when the branch does not exist yet,
    /// making a root commit) with `updates` applied: paths relative to the repository root, folders created as
    /// needed; nil removes that file, and removing a missing file is not an error. Parents: the current tip, if
    /// any, then `extraParents`.
    ///
    /// The ref moves by compare-and-swap against the tip the commit was built on. With `expectedTip` given
    /// (`.some(nil)`: the branch must not exist yet) a branch that is elsewhere, or that moves meanwhile, throws a
    /// `GitError` whose `isMovedReference` is true. Without it, a branch that moves meanwhile gets the same updates
    /// applied again on its new tip: updates are whole file contents, so reapplying them is what was asked.
    /// Returns the new commit.
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package func commit(
        branch: String, updates: [String: [UInt8]?], message: String, extraParents: [ObjectID] = [],
        author: GitSignature = .baton, expectedTip: ObjectID?? = nil
    ) throws -> ObjectID {
        commitLock.lock()
        defer { commitLock.unlock() }
        let refName = "refs/heads/" + branch
        var valid: Int32 = 0
        try GitError.check(git_reference_name_is_valid(&valid, refName), "git_reference_name_is_valid(\(refName))")
        guard valid == 1 else {
            throw GitError(
                code: GIT_EINVALIDSPEC.rawValue, call: "commit(branch: \(branch))", message: "not a valid branch name")
        }
        let changes = try TreeChanges(updates)
        let text = message.hasSuffix("\n") ? message : message + "\n"
        let write = { (repo: OpaquePointer, packing: Packing?) in
            try Self.commit(
                repo, refName: refName, changes: changes, message: text, extraParents: extraParents, author: author,
                expectedTip: expectedTip, packing: packing)
        }
        if changes.count < Self.packThreshold { return try handles.use { try write($0, nil) } }
        return try Self.withPackingHandle(handles.path) { try write($0, $1) }
    }

    /// From this many updates on, a commit's objects go to one new pack instead of a loose file each: 100k loose
    /// objects take seconds to write and hundreds of megabytes of blocks, while a pack per small status update
    /// would pile up packs that nothing here repacks.
    static let packThreshold = 256

    private static func commit(
        _ repo: OpaquePointer, refName: String, changes: TreeChanges, message: String, extraParents: [ObjectID],
        author: GitSignature, expectedTip: ObjectID??, packing: Packing?
    ) throws -> ObjectID {
        // A stale expected tip fails before any blob is written, not after 100k of them.
        if let expected = expectedTip {
            let tip = try reference(repo, refName)
            if expected != tip { throw moved(refName, expected: expected, found: tip) }
        }
        try changes.writeBlobs(repo, into: packing?.memory)
        let attempts = 10
        for attempt in 1...attempts {
            let tip = try reference(repo, refName)
            if let expected = expectedTip, expected != tip {
                throw moved(refName, expected: expected, found: tip)
            }
            let parents = (tip.map { [$0] } ?? []) + extraParents
            let tree = try changes.tree(repo, on: tip)
            let id = try author.withSignature { signature in
                try createCommit(repo, tree: tree, parents: parents, message: message, signature: signature)
            }
            // Objects are on disk before a ref can name them.
            try packing?.pack(id, parents)
            let log = "baton: " + (message.split(separator: "\n").first.map(String.init) ?? "")
            let code = Self.swapReference(repo, refName, to: id, expected: tip, log: log)
            // A held lock says nothing about the tip yet: wait and look again. A moved tip is a conflict only
            // for a caller who named the tip it expected.
            if code == GIT_ELOCKED.rawValue || (lostRace(code) && expectedTip == nil) {
                if attempt < attempts {
                    usleep(UInt32.random(in: 1000...5000) * UInt32(attempt))
                    continue
                }
                // Still locked is not a conflict: the caller may wait for the lock or explain it.
                let locked = code == GIT_ELOCKED.rawValue
                throw GitError(
                    code: locked ? GIT_ELOCKED.rawValue : GIT_EMODIFIED.rawValue, call: "updating \(refName)",
                    message: "other writers kept it \(locked ? "locked" : "moving") for \(attempts) attempts")
            }
            if lostRace(code) {
                throw moved(refName, expected: expectedTip ?? tip, found: try reference(repo, refName))
            }
            try GitError.check(code, "updating \(refName)")
            return id
        }
        // The loop either returns or throws on its last attempt.
        throw moved(refName, expected: nil, found: nil)
    }

    /// Where a large commit's objects go before they are packed.
    struct Packing {
        /// The in-memory store new objects go to.
        var memory: UnsafeMutablePointer<git_odb_backend>
        /// Packs what a commit adds over its parents into one new pack file.
        var pack: (ObjectID, [ObjectID]) throws -> Void
    }

    /// A repository handle of its own whose object writes land in memory, with the means to pack them. The handle
    /// is not pooled: its object database keeps the in-memory store for as long as it lives.
    static func withPackingHandle<T>(_ gitDirectory: String, _ body: (OpaquePointer, Packing) throws -> T) throws -> T {
        var repo: OpaquePointer?
        try GitError.check(git_repository_open(&repo, gitDirectory), "git_repository_open(\(gitDirectory))")
        defer { git_repository_free(repo) }
        var odb: OpaquePointer?
        try GitError.check(git_repository_odb(&odb, repo), "git_repository_odb")
        defer { git_odb_free(odb) }
        var memory: UnsafeMutablePointer<git_odb_backend>?
        try GitError.check(git_mempack_new(&memory), "git_mempack_new")
        // Above the loose and pack backends (priority 1 and 2): new objects are written here, and read back from here.
        let added = git_odb_add_backend(odb, memory, 1000)
        if added < 0 { memory?.pointee.free?(memory) }
        try GitError.check(added, "git_odb_add_backend")
        let handle = repo!
        return try body(
            handle,
            Packing(memory: memory!) { commit, parents in
                var walk: OpaquePointer?
                try GitError.check(git_revwalk_new(&walk, handle), "git_revwalk_new")
                defer { git_revwalk_free(walk) }
                var id = commit.oid
                try GitError.check(git_revwalk_push(walk, &id), "git_revwalk_push")
                for parent in parents {
                    var oid = parent.oid
                    try GitError.check(git_revwalk_hide(walk, &oid), "git_revwalk_hide(\(parent))")
                }
                var builder: OpaquePointer?
                try GitError.check(git_packbuilder_new(&builder, handle), "git_packbuilder_new")
                defer { git_packbuilder_free(builder) }
                _ = git_packbuilder_set_threads(builder, 0)
                // Hidden parents make everything they reach uninteresting: the pack holds only what this commit adds.
                try GitError.check(git_packbuilder_insert_walk(builder, walk), "git_packbuilder_insert_walk")
                var pack = git_buf()
                defer { git_buf_dispose(&pack) }
                try GitError.check(git_packbuilder_write_buf(&pack, builder), "git_packbuilder_write_buf")
                try writePack(odb!, pack)
            })
    }

    /// Indexes a pack into the object database in one piece: fed object by object, as `git_packbuilder_write`
    /// does, libgit2's indexer maps the growing file anew for every object, which doubles the time of 100k.
    private static func writePack(_ odb: OpaquePointer, _ pack: git_buf) throws {
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try GitError.check(git_odb_write_pack(&writer, odb, nil, nil), "git_odb_write_pack")
        guard let writer, let append = writer.pointee.append, let commit = writer.pointee.commit else {
            throw GitError(code: GIT_ERROR.rawValue, call: "git_odb_write_pack", message: "no pack writer")
        }
        defer { writer.pointee.free?(writer) }
        var progress = git_indexer_progress()
        try GitError.check(append(writer, pack.ptr, pack.size, &progress), "indexing the new pack")
        try GitError.check(commit(writer, &progress), "indexing the new pack")
    }

    /// The ref update codes that mean another writer got there first: the old value did not match, or the ref was
    /// created or deleted meanwhile.
    static func lostRace(_ code: Int32) -> Bool {
        [GIT_EMODIFIED.rawValue, GIT_EEXISTS.rawValue, GIT_ENOTFOUND.rawValue].contains(code)
    }

    static func moved(_ refName: String, expected: ObjectID?, found: ObjectID?) -> GitError {
        GitError(
            code: GIT_EMODIFIED.rawValue, call: "updating \(refName)",
            message:
                "the branch moved: expected \(expected?.description ?? "no branch"), found \(found?.description ?? "no branch")"
        )
    }

    static func createCommit(
        _ repo: OpaquePointer, tree: ObjectID, parents: [ObjectID], message: String,
        signature: UnsafeMutablePointer<git_signature>
    ) throws -> ObjectID {
        var treeObject: OpaquePointer?
        var treeID = tree.oid
        try GitError.check(git_tree_lookup(&treeObject, repo, &treeID), "git_tree_lookup(\(tree))")
        defer { git_tree_free(treeObject) }
        var commits: [OpaquePointer?] = []
        defer { commits.forEach { git_commit_free($0) } }
        for parent in parents {
            var commit: OpaquePointer?
            var oid = parent.oid
            try GitError.check(git_commit_lookup(&commit, repo, &oid), "git_commit_lookup(\(parent))")
            commits.append(commit)
        }
        var id = git_oid()
        try GitError.check(
            git_commit_create(&id, repo, nil, signature, signature, nil, message, treeObject, commits.count, &commits),
            "git_commit_create")
        return ObjectID(id)
    }
}

/// A commit's file updates, validated and in the byte order `git_tree_create_updated` sorts them into: given
/// presorted, its sorted insert appends instead of shifting, which keeps 100k updates linear.
final class TreeChanges {
    private struct Change {
        var path: UnsafeMutablePointer<CChar>
        var bytes: [UInt8]?
        var blob = git_oid()
    }

    private var changes: [Change] = []

    var count: Int { changes.count }

    init(_ updates: [String: [UInt8]?]) throws {
        for path in updates.keys {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.isEmpty, !path.utf8.contains(0),
                parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.lowercased() != ".git" })
            else {
                throw GitError(
                    code: GIT_EINVALIDSPEC.rawValue, call: "commit",
                    message: "'\(path)' is not a file path relative to the repository root")
            }
        }
        changes.reserveCapacity(updates.count)
        for (path, bytes) in updates {
            changes.append(Change(path: strdup(path)!, bytes: bytes))
        }
        changes.sort { strcmp($0.path, $1.path) < 0 }
    }

    deinit {
        for change in changes { free(change.path) }
    }

    /// Writes every new file's blob, through the repository's object database or, given one, straight into an
    /// in-memory store: the database would first look each new blob up on disk, rescanning the pack folder on
    /// every miss, which is most of the cost of 100k blobs.
    func writeBlobs(_ repo: OpaquePointer, into memory: UnsafeMutablePointer<git_odb_backend>?) throws {
        for i in changes.indices {
            guard let bytes = changes[i].bytes else { continue }
            let code = bytes.withUnsafeBytes { buffer in
                guard let memory, let write = memory.pointee.write else {
                    return git_blob_create_from_buffer(&changes[i].blob, repo, buffer.baseAddress, buffer.count)
                }
                let hashed = git_odb_hash(&changes[i].blob, buffer.baseAddress, buffer.count, GIT_OBJECT_BLOB)
                guard hashed == 0 else { return hashed }
                return write(memory, &changes[i].blob, buffer.baseAddress, buffer.count, GIT_OBJECT_BLOB)
            }
            try GitError.check(code, "writing the blob of \(String(cString: changes[i].path))")
        }
    }

    /// The tree `base`'s tree becomes (an empty tree's when there is no base).
    func tree(_ repo: OpaquePointer, on base: ObjectID?) throws -> ObjectID {
        var baseline: OpaquePointer?
        if let base { baseline = try GitRepository.tree(repo, commit: base) }
        defer { git_tree_free(baseline) }
        var updates: [git_tree_update] = []
        updates.reserveCapacity(changes.count)
        for change in changes {
            if change.bytes != nil {
                updates.append(
                    git_tree_update(
                        action: GIT_TREE_UPDATE_UPSERT, id: change.blob, filemode: GIT_FILEMODE_BLOB,
                        path: change.path))
            } else if try Self.holdsFile(baseline, change.path) {
                updates.append(
                    git_tree_update(
                        action: GIT_TREE_UPDATE_REMOVE, id: git_oid(), filemode: GIT_FILEMODE_BLOB, path: change.path))
            }
        }
        var id = git_oid()
        try GitError.check(
            git_tree_create_updated(&id, repo, baseline, updates.count, &updates), "git_tree_create_updated")
        return ObjectID(id)
    }

    /// libgit2 fails a removal of what is not there, where the caller wants nothing to happen; a folder is refused,
    /// since removing a file path is not meant to take everything under it.
    private static func holdsFile(_ tree: OpaquePointer?, _ path: UnsafeMutablePointer<CChar>) throws -> Bool {
        guard let tree else { return false }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return false }
        try GitError.check(code, "git_tree_entry_bypath(\(String(cString: path)))")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) != GIT_OBJECT_TREE else {
            throw GitError(
                code: GIT_EINVALIDSPEC.rawValue, call: "commit",
                message: "'\(String(cString: path))' is a folder: only files are removed")
        }
        return true
    }
}

extension GitRepository {
    /// Points a reference at a commit, compare-and-swap: `expected` is where it must point now (nil: it must
    /// not exist). Used to drop a local commit that a remote refused, in favour of the remote's tip.
    package func setReference(_ fullName: String, to id: ObjectID, expected: ObjectID?) throws {
        try handles.use { repo in
            let code = Self.swapReference(repo, fullName, to: id, expected: expected, log: "baton: reset")
            try GitError.check(code, "updating \(fullName)")
        }
    }

    /// Points `name` at `id` if it is at `expected` now (nil: if it does not exist), checked under the ref's lock:
    /// `GIT_EMODIFIED` otherwise. libgit2's create without force looks for the ref before it takes the lock, so
    /// two writers creating one ref at once both succeeded, the last one's commit replacing the first's (two
    /// daemons both took a free lease: 7 races in 150); an expected id of zeros is compared under the lock.
    static func swapReference(
        _ repo: OpaquePointer, _ name: String, to id: ObjectID, expected: ObjectID?, log: String
    ) -> Int32 {
        var ref: OpaquePointer?
        var newID = id.oid
        var old = expected?.oid ?? git_oid()
        let code = git_reference_create_matching(&ref, repo, name, &newID, 1, &old, log)
        git_reference_free(ref)
        return code
    }

    /// Removes a reference; one that is not there is no error.
    package func deleteReference(_ fullName: String) throws {
        try handles.use { repo in
            let code = git_reference_remove(repo, fullName)
            guard code != GIT_ENOTFOUND.rawValue else { return }
            try GitError.check(code, "removing \(fullName)")
        }
    }

    /// The path of a remote that is a repository on this machine (a `file://` URL or a path), by its name or as
    /// the URL itself; nil for any other remote. A configuration that cannot be read is an error: taking the
    /// remote for another kind would push through libgit2's local transport, which moves refs by force.
    func localRemotePath(_ remote: String) throws -> String? {
        let url = remote.hasPrefix("file://") || remote.hasPrefix("/") ? remote : try remoteURL(remote)
        guard let url else { return nil }
        if url.hasPrefix("file://") { return String(url.dropFirst("file://".count)) }
        return url.hasPrefix("/") ? url : nil
    }

    /// Whether the repository has a remote of this name: the configuration's `remote.NAME.url`, read rather than
    /// the remote looked up (libgit2 1.5's lookup leaks on every call, `HandlePool.remote`). A configuration that
    /// cannot be read is an error, never "no remote": a lease or a run's record would then stay local and be taken
    /// as pushed.
    package func hasRemote(_ name: String) throws -> Bool { try remoteURL(name) != nil }

    /// The configuration's `remote.NAME.url`, nil when the name is not a valid remote name or has none.
    func remoteURL(_ name: String) throws -> String? {
        var valid: Int32 = 0
        guard git_remote_name_is_valid(&valid, name) == 0, valid == 1 else { return nil }
        return try handles.use { repo -> String? in
            var config: OpaquePointer?
            try GitError.check(git_repository_config_snapshot(&config, repo), "reading the configuration")
            defer { git_config_free(config) }
            var entry: UnsafeMutablePointer<git_config_entry>?
            defer { git_config_entry_free(entry) }
            let code = git_config_get_entry(&entry, config, "remote.\(name).url")
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try GitError.check(code, "reading remote.\(name).url")
            return entry.map { String(cString: $0.pointee.value) }
        }
    }
}
