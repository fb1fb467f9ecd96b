import Manifests

/// What one resource is on one server once applied: the fields a backend writes there, resolved (default
/// paths filled in, zones merged), in a canonical order, and their hash. Two revisions that ask a server for
/// the same thing give the same hash, whatever the files, key order, comments or quoting.
package struct ResourceState: Sendable, Hashable {
    package var id: ResourceID
    package var server: String
    package var account: String
    /// Applying order of kinds: accounts, main users, users, zones, web apps.
    package var phase: Int
    package var fields: [Field]
    /// Resources that must exist before this one (on any server).
    package var dependsOn: [ResourceID]
    package private(set) var hash: String

    package init(
        id: ResourceID, server: String, account: String, phase: Int, fields: [Field], dependsOn: [ResourceID] = []
    ) {
        self.id = id
        self.server = server
        self.account = account
        self.phase = phase
        self.fields = fields
        self.dependsOn = dependsOn
        hash = Self.hash(id: id, fields: fields)
    }

    package func value(_ name: String) -> FieldValue? { fields.first { $0.name == name }?.value }

    package func scalar(_ name: String) -> String? {
        if case .scalar(let s)? = value(name) { return s }
        return nil
    }

    static func hash(id: ResourceID, fields: [Field]) -> String {
        var text = [UInt8]()
        text.reserveCapacity(512)
        text += id.description.utf8
        text.append(0x0A)
        for field in fields {
            text += field.name.utf8
            text.append(UInt8(ascii: "="))
            field.value.appendCanonical(to: &text)
            text.append(0x0A)
        }
        return "sha256:" + SHA256.hex(bytes: text)
    }
}
