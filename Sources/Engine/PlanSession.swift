import Foundation
import GitStore
import Manifests
import Planning
import StatusStore
import Validation

/// What a process that plans revision after revision keeps from one plan to the next (the daemon, and
/// `plan --warm-from` for the benchmark): the loaded files, the validation and zone findings, the status
/// branch as read, each account's desired forms, and the whole states the last plans needed. The next plan
/// redoes only what a commit's changed files can reach. A plan made in a session is the plan made without
/// one (`PlanSessionTests`): everything kept is keyed by what it was computed from.
package final class PlanSession {
    package init() {}

    /// The last revision checked, and what checking it left.
    package struct Checked {
        var commit: ObjectID
        var config: [UInt8]
        var zoneChecker: ZoneCheckerChoice?
        var zoneChecks: ZoneChecks?
        var loaded: LoadedFiles
        var validator: IncrementalValidator
        var zoneFindings: [String: [Diagnostic]]
        /// A checker could not run last time: check every zone again.
        var zonesToRecheck = false
    }

    private(set) var checked: Checked?
    /// The accounts whose files changed since `forms` were built (over every check since, an invalid revision's
    /// included); nil when anything may have (a first check, a Server or `baton.yaml` changed).
    private(set) var changedAccounts: Set<String>?
    package var status: StatusBranch.Snapshot?
    /// Each account's desired digests as of the last plan.
    package var forms: [String: [StateDigest]] = [:]
    /// Desired whole states of resources that differed from the inventory, by key; valid while their account
    /// is unchanged.
    package var details: [Planner.Key: ResourceState] = [:]
    /// Applied forms as of an inventory entry's revision, valid while the entry has that revision and hash.
    package var previous: [Planner.Key: (revision: String, hash: String, state: ResourceState)] = [:]

    /// Load, validate and check zones for `commit`, from the last check's results where files did not change.
    package func check(
        _ repository: GitRepository, commit: ObjectID, config: [UInt8], repositoryConfig: RepositoryConfig,
        zoneChecker: ZoneCheckerChoice?, zoneCache: Bool, timing: (String) -> Void
    ) throws -> CheckedManifests {
        let started = Date()
        if var kept = checked, kept.config == config, kept.zoneChecker == zoneChecker,
            let paths = try changedPaths(repository, from: kept.commit, to: commit)
        {
            // Owned alone while it changes, so the kept files and findings change in place, uncopied.
            checked = nil
            let before = kept.loaded.manifests(in: paths)
            try kept.loaded.update(changed: paths, from: repository.source(at: commit.description, only: paths))
            let loadedAt = Date()
            kept.validator.update(to: kept.loaded, changedFiles: paths, before: before)
            let rulesAt = Date()
            let changed = kept.validator.changedAccounts
            changedAccounts = changed.flatMap { changed in changedAccounts.map { $0.union(changed) } }
            if let changed, !kept.zonesToRecheck {
                // Zone findings depend on the zone, its account and the servers only. The files they point at
                // are checked again whole: every zone in them, of whichever account.
                var accounts = changed
                var files = paths.union(kept.validator.files(of: changed))
                while true {
                    let owners = Set(kept.loaded.manifests(in: files).domains.map(\.spec.account))
                    if owners.isSubset(of: accounts) { break }
                    accounts.formUnion(owners)
                    files.formUnion(kept.validator.files(of: owners))
                }
                for file in files { kept.zoneFindings[file] = nil }
                let part = kept.loaded.manifests(in: files, accounts: accounts)
                for (file, findings) in Self.byFile(kept.zoneChecks?.run(part) ?? []) {
                    kept.zoneFindings[file] = findings
                }
            } else {
                kept.zoneFindings = Self.byFile(kept.zoneChecks?.run(kept.loaded.manifests) ?? [])
            }
            // A checker that could not run says nothing lasting: those zones are checked again next time.
            kept.zonesToRecheck = kept.zoneFindings.values.contains {
                $0.contains { $0.rule == ZoneChecks.unavailable }
            }
            kept.commit = commit
            checked = kept
            timing(
                "session: \(paths.count) files changed, loaded in \(loadedAt.timeIntervalSince(started))s, rules (\(kept.validator.scope)) in \(rulesAt.timeIntervalSince(loadedAt))s, zones in \(Date().timeIntervalSince(rulesAt))s"
            )
        } else {
            let zoneChecks = try ZoneCheckerChoice.stage(
                zoneChecker, config: repositoryConfig, cache: zoneCache, notice: { EngineNotice.say($0) })
            let loaded = try LoadedFiles(repository.source(at: commit.description))
            let findings = Self.byFile(zoneChecks?.run(loaded.manifests) ?? [])
            checked = Checked(
                commit: commit, config: config, zoneChecker: zoneChecker, zoneChecks: zoneChecks, loaded: loaded,
                validator: IncrementalValidator(loaded), zoneFindings: findings,
                zonesToRecheck: findings.values.contains { $0.contains { $0.rule == ZoneChecks.unavailable } })
            changedAccounts = nil
        }
        let kept = checked!
        let diagnostics = kept.loaded.diagnostics + kept.validator.diagnostics + kept.zoneFindings.values.joined()
        return CheckedManifests(
            manifests: kept.loaded.manifests, diagnostics: diagnostics.sorted(by: Diagnostic.reportOrder),
            files: kept.loaded.count)
    }

    /// The revision checked last and its manifests (whatever its diagnostics): for a caller that needs that
    /// revision's manifests again, as the daemon's drift round does.
    package var lastChecked: (revision: String, manifests: ManifestSet)? {
        checked.map { ($0.commit.description, $0.loaded.manifests) }
    }

    /// Every server, and the resources of these accounts, from the kept files alone (no pass over the whole
    /// set): what building a few accounts' applied forms needs.
    package func part(accounts: Set<String>) -> ManifestSet? {
        guard let checked else { return nil }
        return checked.loaded.manifests(in: checked.validator.files(of: accounts), accounts: accounts)
    }

    /// The manifest paths (relative to the opened folder) that differ between two commits; nil when the
    /// ignore rules changed, since then which files are manifests changed too.
    private func changedPaths(_ repository: GitRepository, from old: ObjectID, to new: ObjectID) throws -> Set<String>?
    {
        let inside = repository.prefix.isEmpty ? "" : repository.prefix + "/"
        var paths = Set<String>()
        for path in try repository.changedFiles(from: old, to: new) where path.hasPrefix(inside) {
            let relative = String(path.dropFirst(inside.count))
            if relative == IgnoreList.fileName { return nil }
            paths.insert(relative)
        }
        return paths
    }

    package static func byFile(_ diagnostics: [Diagnostic]) -> [String: [Diagnostic]] {
        Dictionary(grouping: diagnostics, by: \.location.file)
    }

    /// Every desired resource's hash, kept with `forms`.
    private(set) var desired: [Planner.Key: String] = [:]

    /// The inventory of one status branch tip, by account, and the accounts that differ from it.
    package struct InventoryIndex {
        /// The snapshot's `contentKey` (its tip when it has none): a lease commit moves the tip, not the content.
        var source: String
        var digest: String
        var byAccount: [String: [Planner.Key]]
        var unlisted: Set<ResourceID>
        var differing: Set<String>
    }
    private(set) var inventory: InventoryIndex?

    /// Takes in what a whole plan computed.
    package func start(
        desired digests: [StateDigest], details: [Planner.Key: ResourceState],
        previous: [Planner.Key: ResourceState], snapshot: StatusBranch.Snapshot
    ) {
        forms = Dictionary(grouping: digests, by: \.account)
        desired = [:]
        desired.reserveCapacity(digests.count)
        for digest in digests { desired[Planner.Key(server: digest.server, id: digest.id)] = digest.hash }
        self.details = details
        self.previous = [:]
        for (key, state) in previous {
            if let entry = snapshot.state.index[key] { self.previous[key] = (entry.revision, entry.hash, state) }
        }
        inventory = nil
        changedAccounts = []
        _ = differing(snapshot, changed: [])
    }

    /// Lets the kept desired states go (after a run: a first apply's plan has every resource's, the records of its
    /// zones included); the next plan builds again only those that still differ from the inventory.
    package func forgetDetails() {
        details = [:]
    }

    /// The forms are current again: every account in `changedAccounts` was built anew.
    package func formsBuilt() {
        changedAccounts = []
    }

    /// Puts these accounts' new digests in place of their old ones.
    package func replaceForms(of accounts: Set<String>, with fresh: [StateDigest]) {
        for account in accounts {
            for digest in forms[account] ?? [] { desired[Planner.Key(server: digest.server, id: digest.id)] = nil }
            forms[account] = nil
        }
        for (account, digests) in Dictionary(grouping: fresh, by: \.account) {
            forms[account] = digests
            for digest in digests { desired[Planner.Key(server: digest.server, id: digest.id)] = digest.hash }
        }
    }

    /// The accounts whose desired forms differ from the inventory: a resource to create or update, or an entry
    /// no longer asked for. Worked out again for `changed` accounts, or for all when the branch moved.
    package func differing(_ snapshot: StatusBranch.Snapshot, changed: Set<String>) -> Set<String> {
        let applied = snapshot.state
        let source = snapshot.contentKey ?? snapshot.tip?.description ?? "none"
        if var index = inventory, index.source == source, index.digest == applied.digest {
            for account in changed {
                if differs(account, applied, index) {
                    index.differing.insert(account)
                } else {
                    index.differing.remove(account)
                }
            }
            inventory = index
            return index.differing
        }
        var byAccount: [String: [Planner.Key]] = [:]
        for (key, entry) in applied.index { byAccount[entry.account, default: []].append(key) }
        var index = InventoryIndex(
            source: source, digest: applied.digest, byAccount: byAccount,
            unlisted: Planner.Scope.unlisted(applied), differing: [])
        index.differing = Set(forms.keys).union(byAccount.keys).filter { differs($0, applied, index) }
        inventory = index
        return index.differing
    }

    private func differs(_ account: String, _ applied: AppliedState, _ index: InventoryIndex) -> Bool {
        for digest in forms[account] ?? []
        where applied.index[Planner.Key(server: digest.server, id: digest.id)]?.hash != digest.hash {
            return true
        }
        for key in index.byAccount[account] ?? [] where desired[key] != applied.index[key]?.hash {
            return true
        }
        return false
    }

    /// The status branch, read again only when its tip moved.
    package func snapshot(_ branch: StatusBranch) throws -> StatusBranch.Snapshot {
        let tip = try branch.tip()
        if let status, status.tip == tip { return status }
        let snapshot = try branch.snapshot()
        status = snapshot
        return snapshot
    }
}
