import GitStore
import Manifests

/// How the manifests of an earlier revision differ from the planned ones, from a tree diff: the files that
/// changed, and the earlier versions of those files, parsed. Enough to rebuild the earlier manifest set, and
/// to know which accounts did not change at all.
package struct RevisionDelta {
    /// Paths (relative to the opened folder) whose content differs between the two revisions; a path one side
    /// lacks (added, deleted, either name of a rename) is just not read there.
    package var changed: Set<String> = []
    /// The earlier versions of `changed`, parsed.
    package var then = ManifestSet()
    /// The ignore rules changed: the earlier revision was read whole, into `whole`.
    package var whole: ManifestSet?

    package static func between(
        _ revision: String, and planned: ObjectID, repository: GitRepository, cache: ParseCache
    ) throws -> RevisionDelta {
        var delta = RevisionDelta()
        let inside = repository.prefix.isEmpty ? "" : repository.prefix + "/"
        for path in try repository.changedFiles(from: repository.resolve(revision), to: planned)
        where path.hasPrefix(inside) {
            let relative = String(path.dropFirst(inside.count))
            // Ignore rules changed: which files are manifests differs, so read that revision whole.
            if relative == IgnoreList.fileName {
                delta.whole = try ManifestLoader.load(try repository.source(at: revision), cache: cache).manifests
                return delta
            }
            delta.changed.insert(relative)
        }
        delta.then =
            try ManifestLoader.load(try repository.source(at: revision, only: delta.changed), cache: cache)
            .manifests
        return delta
    }

    /// The earlier revision's manifests, given the planned ones.
    package func manifestsThen(from now: ManifestSet) -> ManifestSet {
        if let whole { return whole }
        var old = now.filter { !changed.contains($0.file) }
        old.append(contentsOf: then)
        return old
    }

    /// The earlier revision's servers and resources of `accounts`, given the planned ones of the same (`now`,
    /// with every server); nil when `now` cannot stand for them.
    package func manifestsThen(accounts: Set<String>, now: ManifestSet?) -> ManifestSet? {
        guard let now else { return nil }
        if let whole { return whole.within(accounts: accounts) }
        var old = now.filter { !changed.contains($0.file) }
        old.append(contentsOf: then.within(accounts: accounts))
        return old
    }

    /// The accounts none of whose manifests changed, or nil when the change may touch every account (the ignore
    /// rules or a Server changed: servers' names and addresses are part of zones).
    package func unchangedAccounts(now: ManifestSet) -> Set<String>? {
        guard whole == nil, then.servers.isEmpty else { return nil }
        let touchedNow = now.filter { changed.contains($0.file) }
        guard touchedNow.servers.isEmpty else { return nil }
        let touched = touchedNow.owningAccounts.union(then.owningAccounts)
        return Set(now.accounts.map(\.name)).subtracting(touched)
    }
}
