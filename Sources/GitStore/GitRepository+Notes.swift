import CGit2

extension GitRepository {
    /// The note text on a commit under a notes ref ("refs/notes/baton"), nil when there is none.
    package func note(on commit: ObjectID, ref: String = "refs/notes/baton") throws -> String? {
        try handles.use { repo in
            var note: OpaquePointer?
            var oid = commit.oid
            let code = git_note_read(&note, repo, ref, &oid)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try GitError.check(code, "git_note_read(\(ref), \(commit))")
            defer { git_note_free(note) }
            return git_note_message(note).map { String(cString: $0) } ?? ""
        }
    }

    /// Adds or replaces the note on a commit.
    package func setNote(
        _ text: String, on commit: ObjectID, ref: String = "refs/notes/baton", author: GitSignature = .baton
    ) throws {
        try checkOwnedRef(ref)
        try handles.use { repo in
            try author.withSignature { signature in
                var oid = commit.oid
                var created = git_oid()
                // The notes ref moves by compare-and-swap on its tip; another writer's note in between is kept
                // by writing ours on top of it.
                for attempt in 1...8 {
                    let code = git_note_create(&created, repo, ref, signature, signature, &oid, text, 1)
                    if code == GIT_EMODIFIED.rawValue && attempt < 8 { continue }
                    try GitError.check(code, "git_note_create(\(ref), \(commit))")
                    return
                }
            }
        }
    }
}
