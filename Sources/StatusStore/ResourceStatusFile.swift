import Manifests
import Planning

/// `status/<kind>/<name>.yaml`: one resource's state for people and `baton status`.
package struct ResourceStatusFile: Sendable, Hashable {
    package static let states = ["Applied", "Failed", "Pending", "Drifted"]

    package var id: ResourceID
    package var account: String
    package var state: String
    package var appliedRevision: String?
    /// The hashes of the resource's applied form on each server, combined: equal specs, equal hashes.
    package var specHash: String
    package var servers: [String]
    package var lastTransitionTime: String
    package var message: String

    package init(
        id: ResourceID, account: String, state: String, appliedRevision: String?, specHash: String,
        servers: [String], lastTransitionTime: String, message: String = ""
    ) {
        self.id = id
        self.account = account
        self.state = state
        self.appliedRevision = appliedRevision
        self.specHash = specHash
        self.servers = servers
        self.lastTransitionTime = lastTransitionTime
        self.message = message
    }

    package static func path(of id: ResourceID) -> String { "status/\(id.kind.rawValue)/\(id.name).yaml" }

    /// The resource a path under `status/` is about; nil for anything else.
    package static func id(ofPath path: String) -> ResourceID? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "status", let kind = Kind(rawValue: String(parts[1])),
            parts[2].hasSuffix(".yaml"), parts[2].count > 5
        else { return nil }
        return ResourceID(kind, String(parts[2].dropLast(5)))
    }

    package func render() -> String {
        var out = "# Written by Baton. Do not edit.\n"
        out += "kind: \(id.kind.rawValue)\nname: \(YAMLText.quoted(id.name))\naccount: \(YAMLText.quoted(account))\n"
        out += "state: \(state)\n"
        out += "appliedRevision: \(appliedRevision.map(YAMLText.quoted) ?? "null")\n"
        out += "specHash: \(YAMLText.quoted(specHash))\n"
        out += "servers: [\(servers.map(YAMLText.quoted).joined(separator: ", "))]\n"
        out += "lastTransitionTime: \(YAMLText.quoted(lastTransitionTime))\nmessage: \(YAMLText.quoted(message))\n"
        return out
    }

    package static func parse(_ bytes: [UInt8], file: String) throws -> ResourceStatusFile {
        let root = try StatusNode.parse(bytes, file: file)
        let kindNode = try root.required("kind")
        guard let kind = Kind(rawValue: try kindNode.string()) else { throw kindNode.fail("unknown kind") }
        let stateNode = try root.required("state")
        let state = try stateNode.string()
        guard states.contains(state) else {
            throw stateNode.fail("unknown state '\(state)' (expected \(states.joined(separator: ", ")))")
        }
        return ResourceStatusFile(
            id: ResourceID(kind, try root.string("name")), account: try root.string("account"), state: state,
            appliedRevision: try root.optional("appliedRevision")?.string(), specHash: try root.string("specHash"),
            servers: try root.required("servers").items().map { try $0.string() },
            lastTransitionTime: try root.string("lastTransitionTime"),
            message: try root.optional("message")?.string() ?? "")
    }
}
