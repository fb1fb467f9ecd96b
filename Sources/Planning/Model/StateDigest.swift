/// A resource state without its fields: what the planner compares for every resource. Fields are built again
/// for the few that change, so a plan of a big repository does not hold every field of every resource.
public struct StateDigest: Sendable, Hashable {
    public var id: ResourceID
    public var server: String
    public var account: String
    public var phase: Int
    public var hash: String

    public init(id: ResourceID, server: String, account: String, phase: Int, hash: String) {
        self.id = id
        self.server = server
        self.account = account
        self.phase = phase
        self.hash = hash
    }
}

extension ResourceState {
    public var digest: StateDigest { StateDigest(id: id, server: server, account: account, phase: phase, hash: hash) }
}
