import GitStore
import Manifests

/// How the manifests of an earlier revision differ from the planned ones, from a tree diff: the files that
/// changed, and the earlier versions of those files, parsed. Enough to rebuild the earlier manifest set, and
/// to know which accounts did not change at all.
struct RevisionDelta {
    /// Paths (relative to the opened folder) whose content differs now / differed then.
    var changedNow: Set<String> = []
    var changedThen: Set<String> = []
    /// The earlier versions of `changedThen`, parsed.
    var then = ManifestSet()
    /// The ignore rules changed: the earlier revision was read whole, into `whole`.
    var whole: ManifestSet?

    static func between(
        _ revision: String, and planned: ObjectID, repository: GitRepository, cache: ParseCache
    ) throws -> RevisionDelta {
        var delta = RevisionDelta()
        let inside = repository.prefix.isEmpty ? "" : repository.prefix + "/"
        for change in try repository.changes(from: revision, to: planned.description) {
            guard change.path.hasPrefix(inside) || (change.oldPath ?? "").hasPrefix(inside) else { continue }
            let now = String(change.path.dropFirst(inside.count))
            // Ignore rules changed: which files are manifests differs, so read that revision whole.
            if now == IgnoreList.fileName || change.oldPath == inside + IgnoreList.fileName {
                delta.whole = try ManifestLoader.load(try repository.source(at: revision), cache: cache).manifests
                return delta
            }
            switch change.kind {
            case .added: delta.changedNow.insert(now)
            case .deleted: delta.changedThen.insert(now)
            case .modified:
                delta.changedNow.insert(now)
                delta.changedThen.insert(now)
            case .renamed:
                delta.changedNow.insert(now)
                delta.changedThen.insert(String((change.oldPath ?? change.path).dropFirst(inside.count)))
            }
        }
        delta.then =
            try ManifestLoader.load(try repository.source(at: revision, only: delta.changedThen), cache: cache)
            .manifests
        return delta
    }

    /// The earlier revision's manifests, given the planned ones.
    func manifestsThen(from now: ManifestSet) -> ManifestSet {
        if let whole { return whole }
        var old = now.filter { !changedNow.contains($0.file) }
        old.append(contentsOf: then)
        return old
    }

    /// The accounts none of whose manifests changed, or nil when the change may touch every account (the ignore
    /// rules or a Server changed: servers' names and addresses are part of zones).
    func unchangedAccounts(now: ManifestSet) -> Set<String>? {
        guard whole == nil, then.servers.isEmpty else { return nil }
        let touchedNow = now.filter { changedNow.contains($0.file) }
        guard touchedNow.servers.isEmpty else { return nil }
        var touched = Set<String>()
        for set in [touchedNow, then] {
            touched.formUnion(set.accounts.map(\.name))
            touched.formUnion(set.systemUsers.map(\.spec.account))
            touched.formUnion(set.domains.map(\.spec.account))
            touched.formUnion(set.webApps.map(\.spec.account))
            touched.formUnion(set.monitoredSites.map(\.spec.account))
        }
        return Set(now.accounts.map(\.name)).subtracting(touched)
    }
}
