import Manifests

/// The plan: every change per server in applying order, plus what the reviewer must know. A value: it can be
/// printed, saved, hashed, and applied later exactly as reviewed.
package struct Plan: Sendable, Hashable {
    package static let formatVersion = 1

    /// The revision planned (full id) and the applied state it was planned against.
    package var revision: String
    package var appliedRevision: String?
    package var appliedDigest: String
    /// Changes in applying order: for each server, dependencies first and deletes in reverse.
    package var changes: [Change]
    package var notices: [Notice]
    /// Servers whose share of deletes trips the mass-delete guard; empty when allowed or under it.
    package var refusals: [Refusal]

    package init(
        revision: String, appliedRevision: String?, appliedDigest: String, changes: [Change],
        notices: [Notice] = [], refusals: [Refusal] = []
    ) {
        self.revision = revision
        self.appliedRevision = appliedRevision
        self.appliedDigest = appliedDigest
        self.changes = changes
        self.notices = notices
        self.refusals = refusals
    }

    package var isEmpty: Bool { changes.isEmpty }

    package var servers: [String] {
        var seen = Set<String>()
        return changes.map(\.server).filter { seen.insert($0).inserted }
    }

    package func changes(on server: String) -> [Change] { changes.filter { $0.server == server } }

    /// A server's changes grouped by account for reading, accounts in order of first change, each group in
    /// applying order.
    package func accounts(on server: String) -> [(account: String, changes: [Change])] {
        var groups: [(account: String, changes: [Change])] = []
        var index: [String: Int] = [:]
        for change in changes(on: server) {
            if let i = index[change.account] {
                groups[i].changes.append(change)
            } else {
                index[change.account] = groups.count
                groups.append((change.account, [change]))
            }
        }
        return groups
    }

    package func count(_ action: Action) -> Int { changes.count { $0.action == action } }

    /// `Plan: 3 to create, 1 to update, 0 to delete.`; moves and replaces are named when there are any.
    package var summary: String {
        var parts = ["\(count(.create)) to create", "\(count(.update)) to update"]
        if count(.move) > 0 { parts.append("\(count(.move)) to move") }
        if count(.replace) > 0 { parts.append("\(count(.replace)) to replace") }
        parts.append("\(count(.delete)) to delete")
        return "Plan: " + parts.joined(separator: ", ") + "."
    }

    /// Something the plan does not do, and why.
    package struct Notice: Sendable, Hashable {
        package enum Reason: String, Sendable, Hashable, Codable {
            /// Removed from git, but the inventory does not list it: Baton never created it, so it is not deleted.
            case notInInventory
            /// Listed in the inventory of a server that is no longer declared.
            case serverGone
        }

        package var reason: Reason
        package var id: ResourceID
        package var message: String
        /// The resource's account, when the status branch says it (`baton plan --account` shows the notice).
        package var account: String?

        package init(reason: Reason, id: ResourceID, message: String, account: String? = nil) {
            self.reason = reason
            self.id = id
            self.message = message
            self.account = account
        }
    }

    package struct Refusal: Sendable, Hashable {
        package var server: String
        package var destructive: Int
        package var managed: Int
        package var threshold: Double

        package init(server: String, destructive: Int, managed: Int, threshold: Double) {
            self.server = server
            self.destructive = destructive
            self.managed = managed
            self.threshold = threshold
        }

        package var message: String {
            let share = managed == 0 ? 100 : Double(destructive) * 100 / Double(managed)
            return "\(server): the plan deletes or replaces \(destructive) of \(managed) managed resources "
                + "(\(Int(share.rounded()))%, over the \(threshold.formatted)% threshold)"
        }
    }
}

extension Double {
    var formatted: String { self == rounded() ? String(Int(self)) : String(self) }
}
