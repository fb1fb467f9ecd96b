import Manifests
import Planning

/// The inventory: every resource Baton manages, per server, with the hash of what is there and the revision it
/// came from. What a prune may delete, and what the planner compares with.
///
/// It lies in shards, `inventory/<xx>.yaml`, each holding the entries of the accounts whose name hashes to `xx`
/// (`shardPath(of:)`), so that a run rewrites, and the next plan reads again, only the shards of the accounts it
/// touched: at 10,000 accounts the whole of it is 20 MB. Branches written before hold one `inventory.yaml`,
/// read as it is and replaced by the shards at their next record.
package enum InventoryFile {
    /// The single file of branches written before the shards.
    package static let path = "inventory.yaml"
    package static let folder = "inventory"
    package static let formatVersion = 1

    /// Where an account's entries lie: `inventory/` and the low byte of the FNV-1a hash of its name in two
    /// lowercase hex digits. Stable across versions: the layout depends on it.
    package static func shardPath(of account: String) -> String {
        folder + "/" + shardName(of: account) + ".yaml"
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    package static func shardName(of account: String) -> String { shardName(shard(of: account)) }

    static func shardName(_ byte: UInt8) -> String {
        String(decoding: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 15)]], as: UTF8.self)
    }

    /// The path of shard number `index` (0 to 255: the hash's low byte; changing that moves every entry).
    package static func shardPath(number index: Int) -> String {
        folder + "/" + shardName(UInt8(truncatingIfNeeded: index)) + ".yaml"
    }

    static func shard(of account: String) -> UInt8 {
        var hash: UInt32 = 2_166_136_261
        for byte in account.utf8 {
            hash ^= UInt32(byte)
            hash &*= 16_777_619
        }
        return UInt8(truncatingIfNeeded: hash)
    }

    /// Whether `path` is one of the shard files.
    package static func isShard(_ path: String) -> Bool {
        guard path.hasPrefix(folder + "/"), path.hasSuffix(".yaml") else { return false }
        let name = path.utf8.dropFirst(folder.utf8.count + 1).dropLast(5)
        return name.count == 2 && name.allSatisfy { hexDigits.contains($0) }
    }

    package struct Entry: Sendable, Hashable {
        package var entry: InventoryEntry
        /// The resource's last state when it is not `Applied` (an update that failed keeps the old hash).
        package var state: String?

        package init(_ entry: InventoryEntry, state: String? = nil) {
            self.entry = entry
            self.entry.state = state
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

    /// `shard`: the shard's name (`shardName`) when these are a shard file's bytes: an entry of an account that
    /// does not hash to it is refused, since the next record of its own shard would not see it.
    package static func parse(_ bytes: [UInt8], file: String = path, shard: String? = nil) throws -> [String: [Entry]] {
        var scanner = InventoryScanner(bytes, file: file)
        scanner.shard = shard
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
