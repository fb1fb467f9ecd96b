import Manifests
import Planning

/// `inventory.yaml`: every resource Baton manages, per server, with the hash of what is there and the
/// revision it came from. What a prune may delete, and what the planner compares with.
package enum InventoryFile {
    package static let path = "inventory.yaml"
    package static let formatVersion = 1

    package struct Entry: Sendable, Hashable {
        package var entry: InventoryEntry
        /// The resource's last state when it is not `Applied` (an update that failed keeps the old hash).
        package var state: String?

        package init(_ entry: InventoryEntry, state: String? = nil) {
            self.entry = entry
            self.state = state
        }
    }

    package static func render(_ servers: [String: [Entry]]) -> String {
        var out = "# Written by Baton: every resource it manages, per server. Do not edit.\n"
        out += "formatVersion: \(formatVersion)\nservers:\n"
        for server in servers.keys.sorted() {
            out += "  \(YAMLText.quoted(server)):\n"
            let entries = servers[server]!.sorted { $0.entry.id < $1.entry.id }
            if entries.isEmpty { out += "    []\n" }
            for item in entries {
                let e = item.entry
                out += "    - {kind: \(e.id.kind.rawValue), name: \(YAMLText.quoted(e.id.name)), "
                out += "account: \(YAMLText.quoted(e.account)), hash: \(YAMLText.quoted(e.hash)), "
                out += "revision: \(YAMLText.quoted(e.revision))"
                if let state = item.state { out += ", state: \(YAMLText.quoted(state))" }
                out += "}\n"
            }
        }
        return out
    }

    package static func parse(_ bytes: [UInt8], file: String = path) throws -> [String: [Entry]] {
        var scanner = InventoryScanner(bytes, file: file)
        let (version, servers) = try scanner.scan()
        guard version <= formatVersion else {
            throw StatusError(
                file: file, mark: Mark(line: 1, column: 1),
                message: "formatVersion \(version) is newer than this Baton reads (\(formatVersion))",
                hint: "upgrade Baton to the version that wrote the status branch")
        }
        return servers
    }
}

enum FormatVersion {
    static func check(_ root: StatusNode, supported: Int) throws {
        let node = try root.required("formatVersion")
        let version = try node.int()
        guard version <= supported else {
            throw StatusError(
                file: root.file, mark: node.node.mark,
                message: "formatVersion \(version) is newer than this Baton reads (\(supported))",
                hint: "upgrade Baton to the version that wrote the status branch")
        }
    }
}
