import Manifests

/// What the status branch says was applied: per server, every resource Baton manages there.
package struct AppliedState: Sendable, Hashable {
    /// The last revision applied (in whole or in part); nil before the first apply.
    package var revision: String?
    /// When (RFC 3339, UTC).
    package var time: String?
    /// `ResourceStates.recipe` of the Baton that wrote the hashes; nil when unknown.
    package var recipe: Int?
    package var servers: [String: [InventoryEntry]] {
        didSet { index = Self.index(servers) }
    }
    /// Every inventory entry by server and resource.
    package private(set) var index: AppliedIndex
    /// Resources the status branch knows (`status/<kind>/<name>.yaml`) with their last state, whether or not
    /// they reached a server: a resource removed from git that never did is reported, not deleted. A resource
    /// the inventory lists as applied is not repeated here (`lastState(of:)` answers for both).
    package var known: [ResourceID: String]
    /// The accounts of the resources `known` holds that no inventory lists (theirs are in their entries): what
    /// `baton plan --account` reads to show a notice about one or not.
    package var owners: [ResourceID: String]
    /// SHA-256 of `applied.yaml` and `inventory.yaml` as read: a saved plan records it, and applying that
    /// plan is refused once it has moved.
    package var digest: String

    package init(
        revision: String? = nil, time: String? = nil, recipe: Int? = nil, servers: [String: [InventoryEntry]] = [:],
        known: [ResourceID: String] = [:], owners: [ResourceID: String] = [:],
        digest: String = AppliedState.emptyDigest
    ) {
        self.revision = revision
        self.time = time
        self.recipe = recipe
        self.servers = servers
        index = Self.index(servers)
        self.known = known
        self.owners = owners
        self.digest = digest
    }

    package static let empty = AppliedState()

    static func index(_ servers: [String: [InventoryEntry]]) -> AppliedIndex { AppliedIndex(servers) }
    package static let emptyDigest = "sha256:none"

    /// The resource's last state: from `known`, else `Applied` when a server's inventory lists it.
    package func lastState(of id: ResourceID) -> String? {
        if let state = known[id] { return state }
        return servers.keys.contains { index[Planner.Key(server: $0, id: id)] != nil } ? "Applied" : nil
    }

    /// The distinct revisions the inventory's entries were applied from.
    package var revisions: Set<String> { Set(servers.values.flatMap { $0.map(\.revision) }) }
}
