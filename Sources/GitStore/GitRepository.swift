import CGit2
import Concurrency
import Foundation
import Manifests

/// A git repository, working or bare, read and written through libgit2: GitStore is the only Swift that touches
/// libgit2 pointers. libgit2 handles are not for concurrent use, so callers borrow one from a small pool.
package final class GitRepository: @unchecked Sendable {
    package let path: String
    /// The `.git` folder (or the bare repository itself): where Baton keeps its lock.
    package var gitDirectory: String { handles.path }
    /// The folder that was opened, relative to the work tree's root (empty at the root, or for a bare
    /// repository): manifests are read from there, and their paths are relative to it, as on disk.
    package let prefix: String
    let handles: HandlePool
    /// Commits of one process are made one at a time: under load, two writers on different libgit2 handles of
    /// this process both saw their compare-and-swap of the branch succeed and one update was lost
    /// (testConcurrentWritersLoseNoUpdate). Other processes are kept apart by the ref's lock file as before.
    let commitLock = NSLock()
    /// Trees that passed `TreeRules` (`checkTree`).
    let checkedTrees = CheckedTrees()

    /// Opens the repository that holds `path` (a work tree, a folder inside one, or a bare repository).
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package init(path: String) throws {
        GitLibrary.start()
        var handle: OpaquePointer?
        try GitError.check(git_repository_open_ext(&handle, path, 0, nil), "git_repository_open_ext(\(path))")
        let root =
            git_repository_workdir(handle).map { String(cString: $0) } ?? String(cString: git_repository_path(handle))
        self.path = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        handles = HandlePool(path: String(cString: git_repository_path(handle)), first: handle!)
        // The `.git` folder, or a path inside it, means its repository: read from there, the manifests would be
        // git's own files, and an empty tree plans deleting everything.
        prefix =
            Self.isInside(path, String(cString: git_repository_path(handle)))
            ? "" : Self.relativePath(of: path, inside: git_repository_workdir(handle).map { String(cString: $0) })
        isBare = git_repository_is_bare(handle) == 1
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        guard let real = realpath(path, nil), let top = realpath(folder, nil) else { return false }
        defer {
            free(real)
            free(top)
        }
        let (inner, outer) = (String(cString: real), String(cString: top))
        return inner == outer || inner.hasPrefix(outer.hasSuffix("/") ? outer : outer + "/")
    }

    static func relativePath(of path: String, inside workdir: String?) -> String {
        guard let workdir, let real = realpath(path, nil), let top = realpath(workdir, nil) else { return "" }
        defer {
            free(real)
            free(top)
        }
        let (inner, outer) = (String(cString: real), String(cString: top))
        guard inner.hasPrefix(outer + "/") else { return "" }
        return String(inner.dropFirst(outer.count + 1))
    }

    package let isBare: Bool

    /// The commit a revision names: a branch, tag, full or short id, `HEAD~2`.
    /// Lets go of what libgit2 holds for this repository between uses: each open handle's object cache and the
    /// pack windows it mapped (resident memory of a process that reads a large repository once and then waits).
    /// The next use opens the repository again, about a millisecond; a handle in use now goes when it comes back.
    package func release() {
        handles.retire()
    }

    package func resolve(_ revision: String) throws -> ObjectID {
        do {
            return try handles.use { repo in
                var object: OpaquePointer?
                try GitError.check(
                    git_revparse_single(&object, repo, revision + "^{commit}"), "resolving '\(revision)'")
                defer { git_object_free(object) }
                return ObjectID(git_object_id(object)!.pointee)
            }
        } catch let error as GitError where revision.hasPrefix("HEAD") && headIsUnborn {
            // libgit2 says "revspec 'HEAD' not found"; what a newcomer needs to hear is what to do.
            throw GitError(
                code: error.code, call: error.call,
                message: "the repository has no commit yet: commit the manifests first (git add -A && git commit)")
        }
    }

    /// Every manifest of a revision, read from its tree: no checkout, the work tree and index untouched. A tree
    /// that breaks `TreeRules` is refused whole (`TreeProblem`).
    package func source(at revision: String) throws -> RevisionSource {
        let commit = try resolve(revision)
        try checkTree(commit)
        let ignore = try IgnoreList.parse(try file(IgnoreList.fileName, at: commit.description) ?? [])
        let inside = prefix.isEmpty ? "" : prefix + "/"
        var blobs: [String: ObjectID] = [:]
        var links: [String] = []
        var problems: [String: ManifestReadError] = [:]
        try handles.use { repo in
            for (full, id, isLink) in try Self.blobs(repo, commit: commit) where full.hasPrefix(inside) {
                let path = String(full.dropFirst(inside.count))
                guard ManifestPath.isManifest(path), !ignore.matches(path, isDirectory: false),
                    !Self.folders(of: path).contains(where: { ignore.matches($0, isDirectory: true) })
                else { continue }
                if isLink { links.append(path) } else { blobs[path] = id }
            }
            try Self.resolveLinks(repo, commit: commit, inside: inside, links, into: &blobs, problems: &problems)
        }
        return RevisionSource(repository: self, commit: commit, blobs: blobs, problems: problems)
    }

    /// The bytes of one file at a revision, relative to the opened folder, or nil when there is no such file.
    package func file(_ relative: String, at revision: String) throws -> [UInt8]? {
        try file(atRoot: prefix.isEmpty ? relative : prefix + "/" + relative, commit: try resolve(revision))
    }

    package enum ChangeKind: String, Sendable { case added, deleted, modified, renamed }

    package struct Change: Sendable, Hashable {
        package var kind: ChangeKind
        package var path: String
        /// The path before, for a rename.
        package var oldPath: String?

        package init(kind: ChangeKind, path: String, oldPath: String? = nil) {
            self.kind = kind
            self.path = path
            self.oldPath = oldPath
        }
    }

    /// The files that differ between two revisions, renames detected.
    package func changes(from old: String, to new: String) throws -> [Change] {
        let (a, b) = (try resolve(old), try resolve(new))
        return try handles.use { repo in
            let oldTree = try Self.tree(repo, commit: a)
            defer { git_tree_free(oldTree) }
            let newTree = try Self.tree(repo, commit: b)
            defer { git_tree_free(newTree) }
            var diff: OpaquePointer?
            try GitError.check(git_diff_tree_to_tree(&diff, repo, oldTree, newTree, nil), "git_diff_tree_to_tree")
            defer { git_diff_free(diff) }
            var find = git_diff_find_options()
            git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try GitError.check(git_diff_find_similar(diff, &find), "git_diff_find_similar")
            return (0..<git_diff_num_deltas(diff)).compactMap { i in
                guard let delta = git_diff_get_delta(diff, i)?.pointee else { return nil }
                let newPath = String(cString: delta.new_file.path)
                let oldPath = String(cString: delta.old_file.path)
                switch delta.status {
                case GIT_DELTA_ADDED: return Change(kind: .added, path: newPath)
                case GIT_DELTA_DELETED: return Change(kind: .deleted, path: oldPath)
                case GIT_DELTA_RENAMED: return Change(kind: .renamed, path: newPath, oldPath: oldPath)
                default: return Change(kind: .modified, path: newPath)
                }
            }
        }
    }

    /// `a/b/c.yaml` lies in `a` and `a/b`.
    static func folders(of path: String) -> [String] {
        let parts = path.split(separator: "/").dropLast()
        return parts.indices.map { parts[...$0].joined(separator: "/") }
    }

    func read(_ id: ObjectID) throws -> [UInt8] {
        try handles.use { try Self.blob($0, id) }
    }

    static func tree(_ repo: OpaquePointer, commit: ObjectID) throws -> OpaquePointer {
        var c: OpaquePointer?
        var oid = commit.oid
        try GitError.check(git_commit_lookup(&c, repo, &oid), "git_commit_lookup(\(commit))")
        defer { git_commit_free(c) }
        var tree: OpaquePointer?
        try GitError.check(git_commit_tree(&tree, c), "git_commit_tree(\(commit))")
        return tree!
    }

    static func blob(_ repo: OpaquePointer, _ id: ObjectID) throws -> [UInt8] {
        var blob: OpaquePointer?
        var oid = id.oid
        try GitError.check(git_blob_lookup(&blob, repo, &oid), "git_blob_lookup(\(id))")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// Every blob of a commit's tree with its path, and whether it is a symbolic link; hidden folders and files
    /// skipped, as in a work tree.
    static func blobs(_ repo: OpaquePointer, commit: ObjectID) throws -> [(String, ObjectID, Bool)] {
        let tree = try tree(repo, commit: commit)
        defer { git_tree_free(tree) }
        final class Box {
            var found: [(String, ObjectID, Bool)] = []
        }
        let box = Box()
        let payload = Unmanaged.passUnretained(box).toOpaque()
        let code = git_tree_walk(
            tree, GIT_TREEWALK_PRE,
            { root, entry, payload in
                guard let entry, let payload, let namePointer = git_tree_entry_name(entry) else { return 0 }
                let name = String(cString: namePointer)
                // 1 skips a subtree: hidden folders are not part of the repository's manifests.
                if name.hasPrefix(".") { return git_tree_entry_type(entry) == GIT_OBJECT_TREE ? 1 : 0 }
                guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
                let box = Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue()
                let prefix = root.map { String(cString: $0) } ?? ""
                box.found.append(
                    (
                        prefix + name, ObjectID(git_tree_entry_id(entry)!.pointee),
                        git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK
                    ))
                return 0
            }, payload)
        try GitError.check(code, "git_tree_walk")
        return box.found
    }
}

/// libgit2 repository handles, one per concurrent reader, opened as needed and kept for the repository's life.
final class HandlePool: @unchecked Sendable {
    let path: String
    /// The handles not in use, every handle opened (freed with the pool or when retired), and the current
    /// generation: a handle of an older one is freed when it comes back instead of being kept. Each handle's
    /// remotes, by the name or URL they were opened with, go with it.
    private let handles:
        LockedBox<
            (
                idle: [OpaquePointer], all: [OpaquePointer: Int], generation: Int,
                remotes: [OpaquePointer: [String: OpaquePointer]]
            )
        >

    init(path: String, first: OpaquePointer) {
        self.path = path
        handles = LockedBox((idle: [first], all: [first: 0], generation: 0, remotes: [:]))
    }

    deinit {
        let state = handles.current
        for handle in state.all.keys { Self.free(handle, remotes: state.remotes[handle]) }
    }

    private static func free(_ handle: OpaquePointer, remotes: [String: OpaquePointer]?) {
        for remote in (remotes ?? [:]).values { git_remote_free(remote) }
        git_repository_free(handle)
    }

    func use<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var handle = handles.update { $0.idle.popLast() }
        if handle == nil {
            var opened: OpaquePointer?
            try GitError.check(git_repository_open(&opened, path), "git_repository_open(\(path))")
            handle = opened
            handles.update { $0.all[opened!] = $0.generation }
        }
        defer {
            let stale = handles.update { state -> [String: OpaquePointer]?? in
                guard state.all[handle!] == state.generation else {
                    state.all[handle!] = nil
                    return .some(state.remotes.removeValue(forKey: handle!))
                }
                state.idle.append(handle!)
                return .none
            }
            if case .some(let remotes) = stale { Self.free(handle!, remotes: remotes) }
        }
        return try body(handle!)
    }

    /// The remote `key` (a name or a URL) on `handle`, opened once per handle. libgit2 1.5's lookup leaks
    /// PCRE2 match data on every call (its glob over the configuration for `insteadOf`): a daemon that records
    /// and renews its lease every minute lost megabytes an hour to it.
    func remote(on handle: OpaquePointer, _ key: String, open: () throws -> OpaquePointer) rethrows -> OpaquePointer {
        if let kept = handles.update({ $0.remotes[handle]?[key] }) { return kept }
        let opened = try open()
        handles.update { $0.remotes[handle, default: [:]][key] = opened }
        return opened
    }

    /// Every handle is opened again before its next use: the idle ones are freed now, the ones in use when they
    /// come back. What they hold (open packs that were removed, caches, remotes) goes with them.
    func retire() {
        let idle = handles.update { state -> [(OpaquePointer, [String: OpaquePointer]?)] in
            state.generation += 1
            let idle = state.idle.map { ($0, state.remotes.removeValue(forKey: $0)) }
            for handle in state.idle { state.all[handle] = nil }
            state.idle = []
            return idle
        }
        for (handle, remotes) in idle { Self.free(handle, remotes: remotes) }
    }
}
