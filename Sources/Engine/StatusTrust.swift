import GitStore
import Manifests
import Planning
import StatusStore

/// The status branch is read from the repository, which whoever can push writes: it is checked before the plan
/// trusts it to say what is on the servers. Its applied revision must exist here; a delete (or replace) is planned
/// only for an inventory entry whose revision exists and declared that resource on that server.
package enum StatusTrust {
    /// What the checks found without stopping: notices for the reader, and what a repair (adopt) drops.
    package struct Findings {
        var notices: [String] = []
        var distrusted: [String] = []
    }

    package static func repair(_ branch: String) -> String {
        "run `baton adopt` to record what the servers hold as of a revision (it drops the entries it cannot trust), "
            + "or restore the branch from an earlier commit (git log \(branch)); nothing was planned or applied"
    }

    /// Checks the applied revision against the repository and the revision planned. When `repairing` (adopt),
    /// what fails is dropped from the snapshot and reported instead of stopping.
    package static func checkApplied(
        _ snapshot: inout StatusBranch.Snapshot, branch: String, planned: ObjectID, repository: GitRepository,
        repairing: Bool
    ) throws -> Findings {
        var findings = Findings()
        guard let applied = snapshot.applied else { return findings }
        let exists = { (revision: String) -> ObjectID? in
            guard let id = try? repository.resolve(revision), id.description == revision, repository.hasCommit(id)
            else { return nil }
            return id
        }
        if let id = exists(applied.revision) {
            let isAncestor = (try? repository.isAncestor(id, of: planned)) ?? false
            if id != planned && !isAncestor {
                findings.notices.append(
                    "the revision planned (\(planned.description.prefix(12))) does not descend from the one last "
                        + "applied (\(id.description.prefix(12))): the plan goes back or sideways (a revert, another "
                        + "branch, a rewritten history), and undoes what that revision brought")
            }
            return findings
        }
        let found =
            "\(branch) says \(PathText.escaped(applied.revision)) was applied last, and this repository has no such "
            + "commit: the status branch belongs to another repository, or was written by hand"
        if repository.isShallow {
            throw PlanFailure(
                "\(found). This is a shallow clone: fetch the whole history (git fetch --unshallow, or fetch-depth: 0 "
                    + "in actions/checkout) and the status branch")
        }
        guard repairing else { throw PlanFailure("\(found); \(repair(branch))") }
        // Adopt records the revision as applied: entries from revisions this repository never had are dropped, so
        // that what they say is recorded again from the revision adopted.
        var kept: [String: [InventoryFile.Entry]] = [:]
        var dropped = 0
        var known: [String: Bool] = [:]
        for (server, entries) in snapshot.inventory {
            kept[server] = entries.filter { item in
                let ok = known[item.entry.revision] ?? (exists(item.entry.revision) != nil)
                known[item.entry.revision] = ok
                if !ok { dropped += 1 }
                return ok
            }
        }
        snapshot.inventory = kept
        findings.distrusted.append(
            "\(found): \(dropped) inventory entries from revisions not in this repository are dropped")
        return findings
    }

    /// Refuses a plan whose deletes (and replaces) rest on inventory entries no revision here vouches for: the
    /// entry's revision must exist and declare the resource on that server (`previous` holds the applied forms
    /// rebuilt from those revisions). When `repairing`, the entries are named and left to adopt to drop.
    package static func checkDeletes(
        _ plan: Plan, previous: [Planner.Key: ResourceState], applied: AppliedState, branch: String,
        repairing: Bool
    ) throws -> [String] {
        let forged = plan.changes.filter { change in
            change.action.isDestructive && previous[Planner.Key(server: change.server, id: change.id)] == nil
        }
        guard !forged.isEmpty else { return [] }
        let named =
            forged.prefix(5).map { change -> String in
                let revision = applied.index[Planner.Key(server: change.server, id: change.id)]?.revision ?? "?"
                return "\(PathText.escaped(change.id.description)) on \(PathText.escaped(change.server)) (revision "
                    + "\(PathText.escaped(String(revision.prefix(12)))))"
            }.joined(separator: ", ") + (forged.count > 5 ? " and \(forged.count - 5) more" : "")
        let found =
            "the inventory of \(branch) lists \(named), which no revision in this repository declared there "
            + "(the revision is missing or does not hold the resource): no delete is planned from such an entry"
        guard repairing else { throw PlanFailure("\(found); \(repair(branch))") }
        return ["\(found); adopt drops the entries"]
    }
}
