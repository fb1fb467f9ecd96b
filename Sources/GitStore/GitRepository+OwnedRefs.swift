import CGit2
import Manifests

extension GitRepository {
    /// Why Baton may not write the ref `fullName` here, nil when it may: the name must be Baton's own
    /// (`OwnedRefName`), not the branch checked out, and no name that makes another ref ambiguous to git users (a
    /// remote called `baton` whose `refs/remotes/baton/…` the branch would shadow, a tag of the same name).
    /// `applying` is the revision as the user named it (`--rev`): a branch Baton writes is never the one applied.
    package func ownedRefProblem(_ fullName: String, applying: String? = nil) -> String? {
        if let problem = OwnedRefName.problem(fullName) { return problem }
        guard fullName.hasPrefix("refs/heads/") else { return nil }
        let short = String(fullName.dropFirst("refs/heads/".count))
        if let head = headBranch, head == fullName {
            return "'\(short)' is the branch checked out here: Baton never commits to the branch it applies"
        }
        if let applying, applying == short || applying == fullName {
            return "'\(short)' is the revision being applied: Baton never commits to the branch it applies"
        }
        let first = String(short.prefix { $0 != "/" })
        if (try? hasRemote(first)) == true {
            return "'\(short)' would shadow the remote-tracking refs/remotes/\(short) of the remote '\(first)'"
        }
        for other in ["refs/\(short)", "refs/tags/\(short)", "refs/remotes/\(short)"]
        where (try? reference(other)) != nil {
            return "'\(short)' would make \(other) ambiguous"
        }
        return nil
    }

    /// Throws `GitError` when `ownedRefProblem` finds one: the check before every write of a ref Baton owns.
    package func checkOwnedRef(_ fullName: String, applying: String? = nil) throws {
        guard let problem = ownedRefProblem(fullName, applying: applying) else { return }
        throw GitError(code: GIT_EINVALIDSPEC.rawValue, call: "writing \(fullName)", message: problem)
    }

    /// The full name of the branch HEAD points at (born or not), nil when HEAD is detached or missing.
    package var headBranch: String? {
        try? handles.use { repo -> String? in
            var head: OpaquePointer?
            guard git_reference_lookup(&head, repo, "HEAD") == 0 else { return nil }
            defer { git_reference_free(head) }
            guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC else { return nil }
            return git_reference_symbolic_target(head).map { String(cString: $0) }
        }
    }
}
