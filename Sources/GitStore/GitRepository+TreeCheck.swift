import CGit2
import Concurrency
import Foundation
import Manifests

extension GitRepository {
    /// Refuses a commit whose tree breaks `TreeRules` (an entry git would not check out, two names one file
    /// system would read as one, too deep, too big), throwing the first `TreeProblem` with its path. Trees
    /// already checked are remembered by id, so checking the next revision costs the folders that changed.
    package func checkTree(_ commit: ObjectID) throws {
        try handles.use { repo in
            let root = try Self.tree(repo, commit: commit)
            defer { git_tree_free(root) }
            let id = ObjectID(git_tree_id(root)!.pointee)
            guard checkedTrees[id] == nil else { return }
            var total = 0
            _ = try checkTree(repo, root, id: id, path: "", depth: 0, total: &total)
        }
    }

    /// Checks one tree whose entries are `depth + 1` deep; returns its entry count and height (the parts of its
    /// deepest path below it). `total` counts entries across the whole commit.
    private func checkTree(
        _ repo: OpaquePointer, _ tree: OpaquePointer, id: ObjectID, path: String, depth: Int, total: inout Int
    ) throws -> CheckedTrees.Shape {
        let count = git_tree_entrycount(tree)
        var names: [[UInt8]] = []
        names.reserveCapacity(count)
        for i in 0..<count {
            let name = git_tree_entry_name(git_tree_entry_byindex(tree, i))!
            names.append(
                Array(
                    UnsafeBufferPointer(
                        start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name))))
        }
        try TreeRules.check(folder: path, names: names)
        if count > 0 { try TreeRules.checkDepth(depth + 1, path: TreeRules.join(path, names[0])) }
        total += count
        try TreeRules.checkCount(total, path: Array(path.utf8))
        var shape = CheckedTrees.Shape(entries: count, height: count > 0 ? 1 : 0)
        for i in 0..<count {
            let entry = git_tree_entry_byindex(tree, i)
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { continue }
            let subID = ObjectID(git_tree_entry_id(entry)!.pointee)
            // Names are valid UTF-8 once checked.
            let subPath = String(decoding: TreeRules.join(path, names[i]), as: UTF8.self)
            let sub: CheckedTrees.Shape
            if let known = checkedTrees[subID], depth + 1 + known.height <= TreeRules.maxDepth {
                total += known.entries
                try TreeRules.checkCount(total, path: Array(subPath.utf8))
                sub = known
            } else {
                var subtree: OpaquePointer?
                var oid = subID.oid
                try GitError.check(git_tree_lookup(&subtree, repo, &oid), "git_tree_lookup(\(subPath))")
                defer { git_tree_free(subtree) }
                sub = try checkTree(repo, subtree!, id: subID, path: subPath, depth: depth + 1, total: &total)
            }
            shape.entries += sub.entries
            shape.height = max(shape.height, sub.height + 1)
        }
        checkedTrees[id] = shape
        return shape
    }
}

/// Trees that passed `TreeRules`, by id: a tree's content is its id, so it passes anywhere, only its depth
/// depends on where it sits (kept as its height).
final class CheckedTrees: @unchecked Sendable {
    struct Shape {
        var entries: Int
        var height: Int
    }

    private let shapes = LockedBox<[ObjectID: Shape]>([:])

    subscript(id: ObjectID) -> Shape? {
        get { shapes.update { $0[id] } }
        set {
            shapes.update {
                // A bound on memory for a long-running daemon: forgetting costs one walk again.
                if $0.count > 2_000_000 { $0.removeAll() }
                $0[id] = newValue
            }
        }
    }
}
