/// One resource that Baton applied to one server: what a prune may delete, and the hash of what is there.
package struct InventoryEntry: Sendable, Hashable {
    package var id: ResourceID
    package var account: String
    /// The hash of the resource's applied form (`ResourceState.hash`) when it was last applied successfully.
    package var hash: String
    /// The manifests' revision it was last applied from: the planner reloads it there for field-level diffs.
    package var revision: String
    /// The resource's last state when it is not `Applied` (an update that failed keeps the old hash), as the
    /// status branch's inventory records it; nil when applied.
    package var state: String?

    package init(id: ResourceID, account: String, hash: String, revision: String, state: String? = nil) {
        self.id = id
        self.account = account
        self.hash = hash
        self.revision = revision
        self.state = state
    }
}
