/// One declared resource: its name, labels and typed spec, plus where it was written.
/// Equality ignores the origin: two manifests are the same when they ask for the same thing.
public struct Manifest<Spec: Sendable & Hashable>: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    public var spec: Spec
    public var origin: Origin

    public init(name: String, labels: [String: String] = [:], spec: Spec, origin: Origin) {
        self.name = name
        self.labels = labels
        self.spec = spec
        self.origin = origin
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.labels == b.labels && a.spec == b.spec
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(spec)
    }
}

extension Array {
    /// Each name's first position: a table by name that copies no resource (a copy retains every string it holds).
    public func positionsByName<Spec>() -> [String: Int] where Element == Manifest<Spec> {
        var positions: [String: Int] = Dictionary(minimumCapacity: count)
        for i in indices where positions[self[i].name] == nil { positions[self[i].name] = i }
        return positions
    }
}

public typealias Server = Manifest<ServerSpec>
public typealias Account = Manifest<AccountSpec>
public typealias SystemUser = Manifest<SystemUserSpec>
public typealias Domain = Manifest<DomainSpec>
public typealias WebApp = Manifest<WebAppSpec>
public typealias MonitoredSite = Manifest<MonitoredSiteSpec>
