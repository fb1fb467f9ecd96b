/// A resource state without its fields: what the planner compares for every resource. Fields are built again
/// for the few that change, so a plan of a big repository does not hold every field of every resource.
package struct StateDigest: Sendable, Hashable {
    package var id: ResourceID
    package var server: String
    package var account: String
    package var phase: Int
    package var hash: String

    package init(id: ResourceID, server: String, account: String, phase: Int, hash: String) {
        self.id = id
        self.server = server
        self.account = account
        self.phase = phase
        self.hash = hash
    }
}

extension ResourceState {
    package var digest: StateDigest { StateDigest(id: id, server: server, account: account, phase: phase, hash: hash) }
}
