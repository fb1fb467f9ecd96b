import Manifests

/// What the status branch says was applied: per server, every resource Baton manages there.
public struct AppliedState: Sendable, Hashable {
    /// The last revision applied (in whole or in part); nil before the first apply.
    public var revision: String?
    /// When (RFC 3339, UTC).
    public var time: String?
    public var servers: [String: [InventoryEntry]]
    /// Resources the status branch knows (`status/<kind>/<name>.yaml`) with their last state, whether or not
    /// they reached a server: a resource removed from git that never did is reported, not deleted.
    public var known: [ResourceID: String]
    /// SHA-256 of `applied.yaml` and `inventory.yaml` as read: a saved plan records it, and applying that
    /// plan is refused once it has moved.
    public var digest: String

    public init(
        revision: String? = nil, time: String? = nil, servers: [String: [InventoryEntry]] = [:],
        known: [ResourceID: String] = [:], digest: String = AppliedState.emptyDigest
    ) {
        self.revision = revision
        self.time = time
        self.servers = servers
        self.known = known
        self.digest = digest
    }

    public static let empty = AppliedState()
    public static let emptyDigest = "sha256:none"

    /// The distinct revisions the inventory's entries were applied from.
    public var revisions: Set<String> { Set(servers.values.flatMap { $0.map(\.revision) }) }
}
