import Manifests
import Planning

/// `status/<kind>/<name>.yaml`: one resource's state for people and `baton status`.
public struct ResourceStatusFile: Sendable, Hashable {
    public static let states = ["Applied", "Failed", "Pending", "Drifted"]

    public var id: ResourceID
    public var account: String
    public var state: String
    public var appliedRevision: String?
    /// The hashes of the resource's applied form on each server, combined: equal specs, equal hashes.
    public var specHash: String
    public var servers: [String]
    public var lastTransitionTime: String
    public var message: String

    public init(
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

    public static func path(of id: ResourceID) -> String { "status/\(id.kind.rawValue)/\(id.name).yaml" }

    /// The resource a path under `status/` is about; nil for anything else.
    public static func id(ofPath path: String) -> ResourceID? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "status", let kind = Kind(rawValue: String(parts[1])),
            parts[2].hasSuffix(".yaml"), parts[2].count > 5
        else { return nil }
        return ResourceID(kind, String(parts[2].dropLast(5)))
    }

    public func render() -> String {
        var out = "# Written by Baton. Do not edit.\n"
        out += "kind: \(id.kind.rawValue)\nname: \(YAMLText.quoted(id.name))\naccount: \(YAMLText.quoted(account))\n"
        out += "state: \(state)\n"
        out += "appliedRevision: \(appliedRevision.map(YAMLText.quoted) ?? "null")\n"
        out += "specHash: \(YAMLText.quoted(specHash))\n"
        out += "servers: [\(servers.map(YAMLText.quoted).joined(separator: ", "))]\n"
        out += "lastTransitionTime: \(YAMLText.quoted(lastTransitionTime))\nmessage: \(YAMLText.quoted(message))\n"
        return out
    }

    public static func parse(_ bytes: [UInt8], file: String) throws -> ResourceStatusFile {
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
