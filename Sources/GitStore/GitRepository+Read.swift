import CGit2

extension GitRepository {
    /// The commit a full reference name points to (e.g. "refs/heads/baton/status",
    /// "refs/remotes/origin/baton/status"), nil when the ref does not exist.
    public func reference(_ fullName: String) throws -> ObjectID? {
        try handles.use { try Self.reference($0, fullName) }
    }

    /// True for a shallow clone (git_repository_is_shallow).
    public var isShallow: Bool {
        (try? handles.use { git_repository_is_shallow($0) == 1 }) ?? false
    }

    /// Whether the object database holds this commit.
    public func hasCommit(_ id: ObjectID) -> Bool {
        (try? handles.use { repo in
            var odb: OpaquePointer?
            guard git_repository_odb(&odb, repo) == 0 else { return false }
            defer { git_odb_free(odb) }
            var oid = id.oid
            var size = 0
            var type = GIT_OBJECT_INVALID
            // The header alone: a commit's type without inflating it, and a miss costs no parse.
            guard git_odb_read_header(&size, &type, odb, &oid) == 0 else { return false }
            return type == GIT_OBJECT_COMMIT
        }) ?? false
    }

    /// Every blob under `folder` (recursive) of a commit's tree, paths relative to the repository root (not the
    /// opened prefix); empty when the folder does not exist. `folder` "" means the whole tree. Hidden entries are
    /// kept: this is storage, not the manifests.
    public func files(under folder: String, at commit: ObjectID) throws -> [String: ObjectID] {
        let folder = folder.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return try handles.use { repo in
            let root = try Self.tree(repo, commit: commit)
            defer { git_tree_free(root) }
            var tree = root
            var subtree: OpaquePointer?
            defer { if let subtree { git_tree_free(subtree) } }
            if !folder.isEmpty {
                var entry: OpaquePointer?
                let code = git_tree_entry_bypath(&entry, root, folder)
                if code == GIT_ENOTFOUND.rawValue { return [:] }
                try GitError.check(code, "git_tree_entry_bypath(\(folder))")
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [:] }
                try GitError.check(
                    git_tree_lookup(&subtree, repo, git_tree_entry_id(entry)), "git_tree_lookup(\(folder))")
                tree = subtree!
            }
            final class Box {
                var found: [String: ObjectID] = [:]
                let prefix: String
                init(prefix: String) { self.prefix = prefix }
            }
            let box = Box(prefix: folder.isEmpty ? "" : folder + "/")
            let code = git_tree_walk(
                tree, GIT_TREEWALK_PRE,
                { root, entry, payload in
                    guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_BLOB,
                        let name = git_tree_entry_name(entry)
                    else { return 0 }
                    let box = Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue()
                    let inner = root.map { String(cString: $0) } ?? ""
                    box.found[box.prefix + inner + String(cString: name)] = ObjectID(git_tree_entry_id(entry)!.pointee)
                    return 0
                }, Unmanaged.passUnretained(box).toOpaque())
            try withExtendedLifetime(box) { try GitError.check(code, "git_tree_walk") }
            return box.found
        }
    }

    /// One file at a commit, path relative to the repository root (ignores prefix); nil when absent.
    public func file(atRoot path: String, commit: ObjectID) throws -> [UInt8]? {
        try handles.use { repo in
            let tree = try Self.tree(repo, commit: commit)
            defer { git_tree_free(tree) }
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, tree, path)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try GitError.check(code, "git_tree_entry_bypath(\(path))")
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
            return try Self.blob(repo, ObjectID(git_tree_entry_id(entry)!.pointee))
        }
    }

    /// A blob's bytes.
    public func blob(_ id: ObjectID) throws -> [UInt8] {
        try read(id)
    }

    /// The commit a ref names, symbolic refs followed and tags peeled; nil when there is no such ref.
    static func reference(_ repo: OpaquePointer, _ fullName: String) throws -> ObjectID? {
        var ref: OpaquePointer?
        let code = git_reference_lookup(&ref, repo, fullName)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(code, "git_reference_lookup(\(fullName))")
        defer { git_reference_free(ref) }
        var object: OpaquePointer?
        let peeled = git_reference_peel(&object, ref, GIT_OBJECT_COMMIT)
        // A symbolic ref to an unborn branch (HEAD of a new repository) points at no commit yet.
        if peeled == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(peeled, "git_reference_peel(\(fullName))")
        defer { git_object_free(object) }
        return ObjectID(git_object_id(object)!.pointee)
    }
}
