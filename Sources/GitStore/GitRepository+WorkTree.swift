import CGit2
import Foundation

extension GitRepository {
    /// A commit of one file on the checked-out branch, as `git commit` of that file alone would make it: by the
    /// person git's configuration names (user.name, user.email), with the work tree's copy and the index entry
    /// of that file updated to match, and nothing else staged or changed taken along. Refused when the file
    /// has changes that are not committed (they would be lost or taken in unseen), when HEAD is detached, and in
    /// a bare repository.
    package func commitWorkTreeFile(_ path: String, contents: [UInt8], message: String) throws -> (
        branch: String, commit: ObjectID
    ) {
        let (workdir, branch, author) = try handles.use { repo in
            guard let workdir = git_repository_workdir(repo).map({ String(cString: $0) }) else {
                throw GitError(
                    code: GIT_EBAREREPO.rawValue, call: "commit \(path)",
                    message: "the repository has no work tree (a bare repository); commit where it is checked out")
            }
            var flags: UInt32 = 0
            let status = git_status_file(&flags, repo, path)
            if status == 0, flags != 0 {
                throw GitError(
                    code: GIT_EUNCOMMITTED.rawValue, call: "commit \(path)",
                    message:
                        "\(path) has changes that are not committed; commit or discard them first (git diff \(path))")
            } else if status != 0, status != GIT_ENOTFOUND.rawValue {
                try GitError.check(status, "git_status_file(\(path))")
            }
            var head: OpaquePointer?
            try GitError.check(git_repository_head(&head, repo), "git_repository_head")
            defer { git_reference_free(head) }
            guard git_reference_is_branch(head) == 1, let name = git_reference_shorthand(head) else {
                throw GitError(
                    code: GIT_EINVALIDSPEC.rawValue, call: "commit \(path)",
                    message: "HEAD is detached; check out the branch to commit on")
            }
            let branch = String(cString: name)
            var signature: UnsafeMutablePointer<git_signature>?
            try GitError.check(
                git_signature_default(&signature, repo),
                "git_signature_default (set git config user.name and user.email)")
            let author = GitSignature(
                name: String(cString: signature!.pointee.name), email: String(cString: signature!.pointee.email))
            git_signature_free(signature)
            return (workdir, branch, author)
        }
        let tip = try reference("refs/heads/" + branch)
        let id = try commit(
            branch: branch, updates: [path: contents], message: message, author: author, expectedTip: .some(tip))
        try Data(contents).write(to: URL(fileURLWithPath: workdir + path), options: .atomic)
        try handles.use { repo in
            var index: OpaquePointer?
            try GitError.check(git_repository_index(&index, repo), "git_repository_index")
            defer { git_index_free(index) }
            try GitError.check(git_index_add_bypath(index, path), "git_index_add_bypath(\(path))")
            try GitError.check(git_index_write(index), "git_index_write")
        }
        return (branch, id)
    }
}
