import Manifests
import Planning

/// The files a run changes on the status branch, from the plan that ran and how each change ended. Pure:
/// the caller commits the result (`StatusBranch.commit`).
package struct StatusRecord: Sendable {
    /// How one change ended.
    package enum Outcome: String, Sendable, Hashable {
        case applied = "Applied"
        case failed = "Failed"
        /// Not run: a dependency failed, or its server could not be reached.
        case pending = "Pending"
    }

    package var revision: String
    package var time: String
    package var run: String

    package init(revision: String, time: String, run: String) {
        self.revision = revision
        self.time = time
        self.run = run
    }

    /// The updated inventory shards, `applied.yaml` and `status/` files. `inventory` is the branch's current
    /// inventory; `rewriteAll` writes every shard (those left empty removed) and removes the single
    /// `inventory.yaml` of older branches: for an inventory read from that file, or one the caller took entries
    /// out of (adopt). `outcomes` is keyed like the plan's changes, and a change without one counts as pending.
    package func files(
        plan: Plan, outcomes: [Planner.Key: Outcome], messages: [Planner.Key: String] = [:],
        inventory current: [String: [InventoryFile.Entry]], rewriteAll: Bool = false,
        applied previous: AppliedFile? = nil
    ) -> [String: [UInt8]?] {
        // Only the shards of the accounts a change touches are read into a table and written again: the
        // changes' accounts, and those the touched resources are listed under now (an account that changed).
        var ids = Set<ResourceID>()
        // Shards by number: every entry of a large inventory is placed, and a path String each would be 100,000
        // allocations a run.
        var shards = Set<UInt8>()
        for change in plan.changes {
            ids.insert(change.id)
            shards.insert(InventoryFile.shard(of: change.account))
            if let from = change.from {
                ids.insert(ResourceID(change.id.kind, from.name))
                shards.insert(InventoryFile.shard(of: from.account))
            }
        }
        for entries in current.values {
            for item in entries where ids.contains(item.entry.id) {
                shards.insert(InventoryFile.shard(of: item.entry.account))
            }
        }
        if rewriteAll { shards = Set(0...UInt8.max) }
        var inventory: [String: [ResourceID: InventoryFile.Entry]] = [:]
        for (server, entries) in current {
            var table: [ResourceID: InventoryFile.Entry] = [:]
            for item in entries {
                guard rewriteAll || shards.contains(InventoryFile.shard(of: item.entry.account)) else { continue }
                table[item.entry.id] = table[item.entry.id] ?? item
            }
            inventory[server] = table
        }
        var touched: [ResourceID: (state: Outcome, message: String, account: String)] = [:]
        var summaries: [String: AppliedFile.ServerSummary] = [:]
        for change in plan.changes {
            let key = Planner.Key(server: change.server, id: change.id)
            let outcome = outcomes[key] ?? .pending
            let server = change.server
            switch (outcome, change.action) {
            case (.applied, .delete):
                inventory[server]?[change.id] = nil
            case (.applied, _):
                if let from = change.from, from.name != change.id.name {
                    inventory[server]?[ResourceID(change.id.kind, from.name)] = nil
                    touched[ResourceID(change.id.kind, from.name)] = (.applied, "", from.account)
                }
                inventory[server, default: [:]][change.id] = InventoryFile.Entry(
                    InventoryEntry(id: change.id, account: change.account, hash: change.hash ?? "", revision: revision))
            case (_, _):
                // What was there stays listed, marked, so that the next plan tries again and says why.
                if var entry = inventory[server]?[change.id] {
                    entry.state = outcome.rawValue
                    inventory[server]?[change.id] = entry
                }
            }
            let previous = touched[change.id]
            // A resource is as good as its worst server.
            let worst = [previous?.state, outcome].compactMap { $0 }.max { rank($0) < rank($1) } ?? outcome
            touched[change.id] = (worst, messages[key] ?? previous?.message ?? "", change.account)
            var summary =
                summaries[server]
                ?? AppliedFile.ServerSummary(
                    revision: revision, time: time, run: run, state: "NOTHING", changes: 0, failed: 0)
            summary.changes += 1
            if outcome != .applied { summary.failed += 1 }
            summary.state = summary.failed > 0 ? "FAILURE" : "SUCCESS"
            summaries[server] = summary
        }
        var files: [String: [UInt8]?] = [:]
        var byShard: [UInt8: [String: [InventoryFile.Entry]]] = [:]
        for (server, table) in inventory {
            for item in table.values {
                byShard[InventoryFile.shard(of: item.entry.account), default: [:]][server, default: []].append(item)
            }
        }
        // A touched shard left with no entry is removed; an older branch's single file goes once its entries
        // are in shards.
        for shard in shards {
            files[InventoryFile.shardPath(number: Int(shard))] =
                byShard[shard].map { Array(InventoryFile.render($0).utf8) } ?? .some(nil)
        }
        if rewriteAll { files[InventoryFile.path] = .some(nil) }
        // Only the touched resources get a status file: look each up per server, rather than index every entry
        // of a large inventory for the few a run changed.
        let servers = inventory.keys.sorted()
        for (id, result) in touched {
            let placed = servers.compactMap { server in inventory[server]?[id].map { (server, $0) } }
            let path = ResourceStatusFile.path(of: id)
            if placed.isEmpty && result.state == .applied {
                files[path] = .some(nil)  // deleted everywhere: nothing left to report
                continue
            }
            let hash = SHA256.hex(placed.map { "\($0.0)=\($0.1.entry.hash)" }.joined(separator: "\n"))
            let state = result.state == .applied ? "Applied" : result.state.rawValue
            let file = ResourceStatusFile(
                id: id, account: result.account, state: state,
                appliedRevision: placed.first(where: { $0.1.state == nil })?.1.entry.revision,
                specHash: "sha256:" + hash,
                servers: placed.map(\.0), lastTransitionTime: time,
                message: result.message)
            files[path] = Array(file.render().utf8)
        }
        var applied = AppliedFile(revision: revision, time: time, run: run, recipe: ResourceStates.recipe)
        applied.servers = (previous?.servers ?? [:]).merging(summaries) { _, new in new }
        files[AppliedFile.path] = Array(applied.render().utf8)
        return files
    }

    func rank(_ outcome: Outcome) -> Int {
        switch outcome {
        case .applied: 0
        case .pending: 1
        case .failed: 2
        }
    }
}
