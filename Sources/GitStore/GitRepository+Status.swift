import CGit2
import Foundation

extension GitRepository {
    /// True when HEAD names a branch with no commit yet (a repository just made with `git init`).
    package var headIsUnborn: Bool {
        (try? handles.use { git_repository_head_unborn($0) == 1 }) ?? false
    }

    /// The paths under the opened folder whose work-tree or index content differs from HEAD, untracked files
    /// included and ignored ones not: what a plan of HEAD leaves out. Empty for a bare repository.
    package func uncommittedPaths() throws -> [String] {
        guard !isBare else { return [] }
        let prefix = self.prefix
        return try handles.use { repo in
            var options = git_status_options()
            try GitError.check(
                git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
            options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
            options.flags =
                GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            var list: OpaquePointer?
            try GitError.check(git_status_list_new(&list, repo, &options), "git_status_list_new")
            defer { git_status_list_free(list) }
            var paths: [String] = []
            for i in 0..<git_status_list_entrycount(list) {
                guard let entry = git_status_byindex(list, i)?.pointee else { continue }
                let delta = entry.index_to_workdir ?? entry.head_to_index
                guard let delta, let raw = delta.pointee.new_file.path ?? delta.pointee.old_file.path else { continue }
                let path = String(cString: raw)
                if prefix.isEmpty || path.hasPrefix(prefix + "/") { paths.append(path) }
            }
            return paths
        }
    }
}

extension GitRepository {
    /// A commit of the work tree as it is (HEAD with the uncommitted changes under the opened folder, untracked
    /// files included), written to the object database and named by no ref: nothing a person sees in git moves
    /// (branches, index, work tree), and git's gc collects it later. For `plan --worktree`.
    package func workTreeCommit() throws -> ObjectID {
        let head = try resolve("HEAD")
        let root = path.hasSuffix("/") ? path : path + "/"
        var updates: [String: [UInt8]?] = [:]
        for relative in try uncommittedPaths() {
            updates[relative] = FileManager.default.contents(atPath: root + relative).map { [UInt8]($0) }
        }
        let changes = try TreeChanges(updates)
        return try handles.use { repo in
            try changes.writeBlobs(repo, into: nil)
            let tree = try changes.tree(repo, on: head)
            return try GitSignature.baton.withSignature { signature in
                try Self.createCommit(
                    repo, tree: tree, parents: [head], message: "baton plan --worktree\n", signature: signature)
            }
        }
    }
}
