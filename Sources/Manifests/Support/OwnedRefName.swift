/// The refs Baton may write, by name alone: its branches under `refs/heads/baton/` (the status branch, leases to
/// come) and its notes on `refs/notes/baton`. Every ref Baton writes is held to this one rule (and, with the
/// repository at hand, to `GitRepository.ownedRefProblem`), so that a `baton.yaml` in a pushed tree cannot point
/// Baton's commits at the manifests' own branch or at a name other git users rely on.
package enum OwnedRefName {
    package static let branchPrefix = "refs/heads/baton/"
    package static let notes = "refs/notes/baton"

    /// Why Baton may not write the ref `fullName`, nil when the name is its own.
    package static func problem(_ fullName: String) -> String? {
        if fullName == notes { return nil }
        guard fullName.hasPrefix(branchPrefix) else {
            return
                "'\(fullName)' is outside Baton's own refs (\(branchPrefix)…, \(notes)); Baton never writes a branch "
                + "it does not own, such as the one the manifests live on"
        }
        return isRefPath(String(fullName.dropFirst("refs/heads/".count)))
            ? nil : "'\(fullName)' is not a usable branch name"
    }

    /// The full ref of a status branch named in `baton.yaml` (`baton/status` is `refs/heads/baton/status`).
    package static func branch(_ name: String) -> String { "refs/heads/" + name }

    /// A conservative subset of git's rules for a ref's name: ASCII letters, digits, `.`, `_`, `-` between `/`.
    package static func isRefPath(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return !parts.isEmpty
            && parts.allSatisfy { part in
                !part.isEmpty && !part.hasPrefix(".") && !part.hasSuffix(".lock") && !part.contains("..")
                    && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
            }
    }
}
