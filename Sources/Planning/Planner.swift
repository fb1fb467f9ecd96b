import Manifests

/// The planner: a pure function from what git asks for and what was applied to the changes that get there.
package enum Planner {
    /// A resource on a server.
    package struct Key: Sendable, Hashable {
        package var server: String
        package var id: ResourceID

        package init(server: String, id: ResourceID) {
            self.server = server
            self.id = id
        }
    }

    package struct Input: Sendable {
        /// The revision planned.
        package var revision: String
        /// Every desired resource state, as a digest.
        package var desired: [StateDigest]
        /// The whole states of the desired resources that differ from the inventory (`Planner.changed`): their
        /// fields for creates and diffs. A missing one plans the change without fields.
        package var details: [Key: ResourceState]
        /// The servers the manifests declare: inventory entries of a server no longer declared cannot be
        /// reached, so they are reported, not deleted.
        package var servers: Set<String>
        package var applied: AppliedState
        /// The applied form of resources as of the revision each was last applied from, for field-level diffs
        /// and for deletes; a missing key means that revision could not be read.
        package var previous: [Key: ResourceState]
        package var safety: SafetyPolicy
        package var allowMassDelete: Bool
        /// Plan only these servers (`--server`); nil means all.
        package var only: Set<String>?
        /// Set when `desired` holds only some accounts' resources: see `Scope`.
        package var scope: Scope?

        package init(
            revision: String, desired: [StateDigest], details: [Key: ResourceState], servers: Set<String>,
            applied: AppliedState,
            previous: [Key: ResourceState] = [:], safety: SafetyPolicy = SafetyPolicy(), allowMassDelete: Bool = false,
            only: Set<String>? = nil
        ) {
            self.revision = revision
            self.desired = desired
            self.details = details
            self.servers = servers
            self.applied = applied
            self.previous = previous
            self.safety = safety
            self.allowMassDelete = allowMassDelete
            self.only = only
        }
    }

    /// A plan of the accounts that differ from the inventory, for a caller that knows which they are (a
    /// session that plans revision after revision): `desired` then lists those accounts' resources only, and
    /// every other account's resources are taken to match the inventory exactly. The plan is the whole one.
    package struct Scope: Sendable {
        /// The inventory entries of the accounts planned: the only ones that may be deleted.
        package var inventory: [Key]
        /// Every desired resource's hash, of every account: an entry still asked for elsewhere is no delete.
        package var desired: [Key: String]
        /// Resources with a last state but in no server's inventory.
        package var unlisted: Set<ResourceID>

        package init(inventory: [Key], desired: [Key: String], unlisted: Set<ResourceID>) {
            self.inventory = inventory
            self.desired = desired
            self.unlisted = unlisted
        }

        /// What `unlisted` holds for an applied state.
        package static func unlisted(_ applied: AppliedState) -> Set<ResourceID> {
            let managed = Set(applied.index.keys.map(\.id))
            return Set(applied.known.keys.filter { !managed.contains($0) })
        }
    }

    /// The desired resources whose whole state the plan needs: those the inventory lacks or holds otherwise.
    package static func changed(desired: [StateDigest], applied: AppliedState) -> Set<Key> {
        var changed = Set<Key>()
        for state in desired {
            let key = Key(server: state.server, id: state.id)
            if applied.index[key]?.hash != state.hash { changed.insert(key) }
        }
        return changed
    }

    /// The inventory entries whose previous applied form the planner will need: those that change or go.
    /// Callers load just these from their revisions before calling `plan`.
    package static func needed(desired: [StateDigest], applied: AppliedState) -> [String: Set<Key>] {
        var hashes: [Key: String] = [:]
        hashes.reserveCapacity(desired.count)
        for state in desired { hashes[Key(server: state.server, id: state.id)] = state.hash }
        var needed: [String: Set<Key>] = [:]
        for (server, entries) in applied.servers {
            for entry in entries where hashes[Key(server: server, id: entry.id)] != entry.hash {
                needed[entry.revision, default: []].insert(Key(server: server, id: entry.id))
            }
        }
        return needed
    }

    package static func plan(_ input: Input) -> Plan {
        func included(_ server: String) -> Bool { input.only?.contains(server) ?? true }
        let inventory = input.applied.index
        var desiredKeys = Set<Key>()
        desiredKeys.reserveCapacity(input.desired.count)
        var creates: [StateDigest] = []
        var changes: [Change] = []
        var notices: [Plan.Notice] = []
        var phases: [ResourceID: Int] = [:]
        for state in input.desired {
            let key = Key(server: state.server, id: state.id)
            guard desiredKeys.insert(key).inserted, included(state.server) else { continue }
            guard let entry = inventory[key] else {
                creates.append(state)
                phases[state.id] = state.phase
                continue
            }
            guard entry.hash != state.hash else { continue }
            phases[state.id] = state.phase
            changes.append(
                change(
                    to: state, details: input.details[key], from: entry, previous: input.previous[key],
                    applied: input.applied))
        }

        // What the inventory holds and git no longer asks for: deletes, or a move when a create on the same
        // server takes its place.
        var deletes: [InventoryEntry: String] = [:]
        func gone(_ key: Key, _ entry: InventoryEntry) {
            if input.servers.contains(key.server) {
                deletes[entry] = key.server
            } else {
                notices.append(
                    Plan.Notice(
                        reason: .serverGone, id: entry.id,
                        message:
                            "\(entry.id) on \(key.server) is left as it is: the Server \(key.server) is no longer declared, so Baton cannot reach it",
                        account: entry.account))
            }
        }
        if let scope = input.scope {
            for key in scope.inventory where scope.desired[key] == nil && included(key.server) {
                if let entry = inventory[key] { gone(key, entry) }
            }
        } else {
            for (key, entry) in inventory where !desiredKeys.contains(key) && included(key.server) { gone(key, entry) }
        }
        for state in creates {
            let details = input.details[Key(server: state.server, id: state.id)]
            if let details, let (entry, old) = renamed(details, among: deletes, previous: input.previous) {
                deletes[entry] = nil
                var move = change(to: state, details: details, from: entry, previous: old, applied: input.applied)
                move.action = .move
                move.from = Change.Origin(name: entry.id.name, account: entry.account, owner: old.scalar("user"))
                changes.append(move)
            } else {
                changes.append(
                    Change(
                        action: .create, id: state.id, server: state.server, account: state.account,
                        fields: details?.fields.map { FieldChange(field: $0.name, old: nil, new: $0.value) } ?? [],
                        hash: state.hash, lastState: lastState(state.id, input.applied)))
            }
        }
        for (entry, server) in deletes {
            let old = input.previous[Key(server: server, id: entry.id)]
            if let old { phases[entry.id] = phases[entry.id] ?? old.phase }
            changes.append(
                Change(
                    action: .delete, id: entry.id, server: server, account: entry.account,
                    fields: old?.fields.map { FieldChange(field: $0.name, old: $0.value, new: nil) } ?? [],
                    oldHash: entry.hash, lastState: lastState(entry.id, input.applied),
                    previousUnknown: old == nil))
        }

        // Removed from git, never applied: nothing of it is on a server, so nothing is deleted.
        let unlisted = input.scope?.unlisted ?? Scope.unlisted(input.applied)
        let asked = unlisted.isEmpty ? [] : Set(input.desired.lazy.map(\.id).filter { unlisted.contains($0) })
        for id in unlisted.sorted() where !asked.contains(id) {
            notices.append(
                Plan.Notice(
                    reason: .notInInventory, id: id,
                    message:
                        "\(id) was removed from git but no server's inventory lists it (last state: \(input.applied.known[id] ?? "unknown")): nothing to delete",
                    account: input.applied.owners[id]))
        }

        let ordered = order(changes, phases: phases)
        return Plan(
            revision: input.revision, appliedRevision: input.applied.revision, appliedDigest: input.applied.digest,
            changes: ordered, notices: notices,
            refusals: input.allowMassDelete ? [] : refusals(ordered, applied: input.applied, safety: input.safety))
    }

    /// Fields whose change cannot be made in place: the resource is deleted and created again.
    static let replacing: [Kind: Set<String>] = [
        .systemUser: ["account", "main"],
        .domain: ["role"],
    ]

    /// Fields that name the owner: a change of these alone is a move, which cleans up the old place.
    static let owning: [Kind: Set<String>] = [
        .domain: ["account"],
        .webApp: ["account", "user"],
    ]

    static func change(
        to state: StateDigest, details: ResourceState?, from entry: InventoryEntry, previous: ResourceState?,
        applied: AppliedState
    ) -> Change {
        var result = Change(
            action: .update, id: state.id, server: state.server, account: state.account, hash: state.hash,
            oldHash: entry.hash, lastState: lastState(state.id, applied), previousUnknown: previous == nil)
        guard let previous, let details else { return result }
        result.fields = diff(previous.fields, details.fields, replacing: replacing[state.id.kind] ?? [])
        let changed = Set(result.fields.map(\.field))
        if result.fields.contains(where: \.forcesReplacement) {
            result.action = .replace
        } else if !changed.isDisjoint(with: owning[state.id.kind] ?? []) {
            result.action = .move
            result.from = Change.Origin(
                name: entry.id.name, account: previous.account, owner: previous.scalar("user"))
        }
        return result
    }

    static func diff(_ old: [Field], _ new: [Field], replacing: Set<String>) -> [FieldChange] {
        let before = Dictionary(old.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        var names = new.map(\.name)
        names += old.map(\.name).filter { after[$0] == nil }
        return names.compactMap { name in
            guard before[name] != after[name] else { return nil }
            return FieldChange(
                field: name, old: before[name], new: after[name], forcesReplacement: replacing.contains(name))
        }
    }

    /// A web app created on a server where one of another name is deleted, in the same directory: renamed in
    /// place, so the backend moves its pool and server block instead of archiving the files.
    static func renamed(
        _ state: ResourceState, among deletes: [InventoryEntry: String], previous: [Key: ResourceState]
    ) -> (InventoryEntry, ResourceState)? {
        guard state.id.kind == .webApp, let path = state.scalar("path") else { return nil }
        for (entry, server) in deletes.sorted(by: { $0.key.id < $1.key.id })
        where server == state.server && entry.id.kind == .webApp {
            if let old = previous[Key(server: server, id: entry.id)], old.scalar("path") == path {
                return (entry, old)
            }
        }
        return nil
    }

    static func lastState(_ id: ResourceID, _ applied: AppliedState) -> String? {
        guard let state = applied.known[id], state != "Applied" else { return nil }
        return state
    }

    /// Per server, deletes first and in reverse applying order (web apps before the users and zones they
    /// need), then everything else in applying order; by account, then phase, then name. Accounts are
    /// independent of each other, so grouping by account keeps every dependency in order.
    static func order(_ changes: [Change], phases: [ResourceID: Int]) -> [Change] {
        changes.sorted { a, b in
            if a.server != b.server { return a.server < b.server }
            let (da, db) = (a.action == .delete, b.action == .delete)
            if da != db { return da }
            if a.account != b.account { return a.account < b.account }
            let (pa, pb) = (phases[a.id] ?? 0, phases[b.id] ?? 0)
            if pa != pb { return da ? pa > pb : pa < pb }
            return a.id < b.id
        }
    }

    static func refusals(_ changes: [Change], applied: AppliedState, safety: SafetyPolicy) -> [Plan.Refusal] {
        let destructive = changes.filter(\.action.isDestructive)
        guard destructive.count >= safety.minimum else { return [] }
        let perServer = Dictionary(grouping: destructive, by: \.server)
        return perServer.keys.sorted().compactMap { server in
            let count = perServer[server]!.count
            let managed = applied.servers[server]?.count ?? 0
            guard Double(count) * 100 > safety.threshold * Double(managed) else { return nil }
            return Plan.Refusal(server: server, destructive: count, managed: managed, threshold: safety.threshold)
        }
    }
}

extension Planner.Input {
    /// Everything in whole: for small sets and tests.
    package init(
        revision: String, states: [ResourceState], servers: Set<String>, applied: AppliedState,
        previous: [Planner.Key: ResourceState] = [:], safety: SafetyPolicy = SafetyPolicy(),
        allowMassDelete: Bool = false,
        only: Set<String>? = nil
    ) {
        self.init(
            revision: revision, desired: states.map(\.digest),
            details: Dictionary(
                states.map { (Planner.Key(server: $0.server, id: $0.id), $0) }, uniquingKeysWith: { a, _ in a }),
            servers: servers, applied: applied, previous: previous, safety: safety, allowMassDelete: allowMassDelete,
            only: only)
    }
}
