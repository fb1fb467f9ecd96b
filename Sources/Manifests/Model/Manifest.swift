/// One declared resource: its name, labels and typed spec, plus where it was written.
/// Equality ignores the origin: two manifests are the same when they ask for the same thing.
package struct Manifest<Spec: Sendable & Hashable>: Sendable, Hashable {
    package var name: String
    package var labels: [String: String]
    package var spec: Spec
    package var origin: Origin

    package init(name: String, labels: [String: String] = [:], spec: Spec, origin: Origin) {
        self.name = name
        self.labels = labels
        self.spec = spec
        self.origin = origin
    }

    package static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.labels == b.labels && a.spec == b.spec
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(spec)
    }
}

extension Array {
    /// Each name's first position: a table by name that copies no resource (a copy retains every string it holds).
    package func positionsByName<Spec>() -> [String: Int] where Element == Manifest<Spec> {
        var positions: [String: Int] = Dictionary(minimumCapacity: count)
        // Through the buffer: this code is not specialized for `Spec`, and the array's subscript handed it a copy
        // of each element (every string retained and released) to read its name.
        withUnsafeBufferPointer { items in
            for i in items.indices where positions[items[i].name] == nil { positions[items[i].name] = i }
        }
        return positions
    }
}

package typealias Server = Manifest<ServerSpec>
package typealias Account = Manifest<AccountSpec>
package typealias SystemUser = Manifest<SystemUserSpec>
package typealias Domain = Manifest<DomainSpec>
package typealias WebApp = Manifest<WebAppSpec>
package typealias MonitoredSite = Manifest<MonitoredSiteSpec>
