import Manifests
import Planning

/// What a backend may read besides the change: the server's layout, the desired manifests (for values the
/// applied form keeps only as digests, such as a password hash), and the rendered zones with their serials.
package struct ApplyContext: Sendable {
    package var layout: ServerLayout
    package var users: [String: SystemUser]
    package var zones: [String: String]
    package var serverAddresses: [String: String]

    package init(
        layout: ServerLayout, manifests: ManifestSet, zones: [String: String] = [:]
    ) {
        self.layout = layout
        users = Dictionary(manifests.systemUsers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.zones = zones
        serverAddresses = Dictionary(
            manifests.servers.map { ($0.name, $0.spec.address) }, uniquingKeysWith: { a, _ in a })
    }
}

/// A change with the applied forms it goes between.
package struct Step: Sendable {
    package var change: Change
    /// The applied form after the change (nil for a delete).
    package var desired: ResourceState?
    /// The applied form before (nil for a create, or when the revision last applied is gone).
    package var previous: ResourceState?

    package init(change: Change, desired: ResourceState?, previous: ResourceState?) {
        self.change = change
        self.desired = desired
        self.previous = previous
    }

    func scalar(_ name: String) -> String? { desired?.scalar(name) ?? previous?.scalar(name) }

    func list(_ name: String) -> [String] {
        if case .list(let items)? = (desired ?? previous)?.value(name) { return items }
        return []
    }
}

package struct BackendError: Error, CustomStringConvertible {
    package var description: String
}
