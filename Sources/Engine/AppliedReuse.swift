import Foundation
import GitStore
import Manifests
import Planning
import StatusStore

/// The tree diffs of one plan, each computed once.
package final class Deltas {
    package let planned: ObjectID
    package let repository: GitRepository
    package let cache: ParseCache
    private var known: [String: RevisionDelta] = [:]

    package init(planned: ObjectID, repository: GitRepository, cache: ParseCache) {
        self.planned = planned
        self.repository = repository
        self.cache = cache
    }

    package func delta(_ revision: String) throws -> RevisionDelta {
        if let delta = known[revision] { return delta }
        let delta = try RevisionDelta.between(revision, and: planned, repository: repository, cache: cache)
        known[revision] = delta
        return delta
    }
}

/// Accounts whose applied forms need not be built again: every manifest of the account is byte for byte what
/// it was at the revision last applied, no server changed, and the inventory lists exactly the account's
/// resources, all applied from that revision. Their applied forms are then the inventory's (the same inputs
/// give the same hash), so a plan of a big repository builds only what changed. Anything that does not fit
/// is built as usual: reuse is an optimisation, never a different answer.
package enum AppliedReuse {
    package static func accounts(_ applied: AppliedState, manifests: ManifestSet, deltas: Deltas) throws -> Set<String>
    {
        // Hashes made by another recipe cannot stand in for this one's.
        guard applied.recipe == ResourceStates.recipe, let revision = applied.revision,
            let id = try? deltas.repository.resolve(revision),
            deltas.repository.hasCommit(id),
            var candidates = try deltas.delta(revision).unchangedAccounts(now: manifests)
        else { return [] }
        // Per account, the distinct resources the inventory lists, all applied from that revision.
        var ids = Set<ResourceID>()
        var listed: [String: Int] = [:]
        for entry in applied.index.values where candidates.contains(entry.account) {
            if entry.revision != revision || applied.known[entry.id].map({ $0 != "Applied" }) == true {
                candidates.remove(entry.account)
            } else if ids.insert(entry.id).inserted {
                listed[entry.account, default: 0] += 1
            }
        }
        // Every resource of the account must be listed: one that is not (a create that failed, a subdomain
        // merged into its zone) makes the account be built as usual. Listed and declared alike, by count.
        var declared: [String: Int] = [:]
        func add(_ kind: Kind, _ name: String, _ account: String) {
            guard candidates.contains(account) else { return }
            if ids.contains(ResourceID(kind, name)) {
                declared[account, default: 0] += 1
            } else {
                candidates.remove(account)
            }
        }
        for account in manifests.accounts { add(.account, account.name, account.name) }
        for user in manifests.systemUsers { add(.systemUser, user.name, user.spec.account) }
        for domain in manifests.domains { add(.domain, domain.name, domain.spec.account) }
        for app in manifests.webApps { add(.webApp, app.name, app.spec.account) }
        return candidates.filter { declared[$0] == listed[$0] }
    }

    /// The inventory's entries of these accounts, as the digests the planner compares.
    package static func digests(_ applied: AppliedState, accounts: Set<String>) -> [StateDigest] {
        guard !accounts.isEmpty else { return [] }
        return applied.index.compactMap { key, entry in
            accounts.contains(entry.account)
                ? StateDigest(id: entry.id, server: key.server, account: entry.account, phase: 0, hash: entry.hash)
                : nil
        }
    }
}
