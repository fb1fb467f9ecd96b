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

    /// The updated `inventory.yaml`, `applied.yaml` and `status/` files. `inventory` is the branch's current
    /// one; `outcomes` is keyed like the plan's changes, and a change without one counts as pending.
    package func files(
        plan: Plan, outcomes: [Planner.Key: Outcome], messages: [Planner.Key: String] = [:],
        inventory current: [String: [InventoryFile.Entry]], applied previous: AppliedFile? = nil
    ) -> [String: [UInt8]?] {
        var inventory: [String: [ResourceID: InventoryFile.Entry]] = [:]
        for (server, entries) in current {
            inventory[server] = Dictionary(entries.map { ($0.entry.id, $0) }, uniquingKeysWith: { a, _ in a })
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
        let flat = inventory.mapValues { Array($0.values) }
        files[InventoryFile.path] = Array(InventoryFile.render(flat).utf8)
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
