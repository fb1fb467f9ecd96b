import CGit2

extension GitRepository {
    /// The paths of every file (blob or link) that differs between two commits: added, deleted or modified, a
    /// rename counting as both its names. Folders whose tree ids are equal are skipped whole, so the cost is
    /// that of the folders on the way to what changed: what a process that follows a repository needs after
    /// each commit (libgit2's tree diff walks every entry of both trees).
    package func changedFiles(from old: ObjectID, to new: ObjectID) throws -> Set<String> {
        try handles.use { repo in
            let a = try Self.tree(repo, commit: old)
            defer { git_tree_free(a) }
            let b = try Self.tree(repo, commit: new)
            defer { git_tree_free(b) }
            var changed = Set<String>()
            try Self.compare(repo, a, b, prefix: "", into: &changed)
            return changed
        }
    }

    private struct Entry {
        var id: git_oid
        var isTree: Bool
    }

    private static func entries(_ tree: OpaquePointer?) -> [String: Entry] {
        guard let tree else { return [:] }
        let count = git_tree_entrycount(tree)
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(count)
        for i in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, i), let name = git_tree_entry_name(entry) else { continue }
            // Submodules (commits) are not files of this repository.
            let type = git_tree_entry_type(entry)
            guard type == GIT_OBJECT_TREE || type == GIT_OBJECT_BLOB else { continue }
            entries[String(cString: name)] = Entry(
                id: git_tree_entry_id(entry)!.pointee, isTree: type == GIT_OBJECT_TREE)
        }
        return entries
    }

    private static func compare(
        _ repo: OpaquePointer, _ a: OpaquePointer?, _ b: OpaquePointer?, prefix: String, into changed: inout Set<String>
    ) throws {
        let (old, new) = (entries(a), entries(b))
        for name in Set(old.keys).union(new.keys) {
            let (x, y) = (old[name], new[name])
            if let x, let y, x.isTree == y.isTree, ObjectID(x.id) == ObjectID(y.id) { continue }
            let path = prefix + name
            // A side that is a blob is one changed file; a side that is a folder is compared with the other's.
            if x?.isTree == false || y?.isTree == false { changed.insert(path) }
            if x?.isTree == true || y?.isTree == true {
                let sub = { (entry: Entry?) throws -> OpaquePointer? in
                    guard var entry, entry.isTree else { return nil }
                    var tree: OpaquePointer?
                    try GitError.check(git_tree_lookup(&tree, repo, &entry.id), "git_tree_lookup(\(path))")
                    return tree
                }
                let (ta, tb) = (try sub(x), try sub(y))
                defer {
                    git_tree_free(ta)
                    git_tree_free(tb)
                }
                try compare(repo, ta, tb, prefix: path + "/", into: &changed)
            }
        }
    }
}
