import Foundation
import Manifests
import Planning

/// Reads `inventory.yaml` line by line in exactly the shape `InventoryFile.render` writes. A big repository's
/// inventory holds hundreds of thousands of entries: a general YAML tree of it would cost seconds and pass
/// the reader's node limit, and since only Baton writes the file, any other shape is corruption, reported
/// with its line and column.
struct InventoryScanner {
    let bytes: [UInt8]
    let file: String
    var position = 0
    var line = 1
    var lineStart = 0
    /// Revisions and accounts repeat across entries: one string each, shared.
    var interned: [String: String] = [:]
    /// The shard these bytes are (`InventoryFile.shardName`), when they are one: every entry's account must hash
    /// to it. Accounts repeat, so each is checked once.
    var shard: String?
    var inShard: Set<String> = []

    init(_ bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    func fail(_ message: String, at offset: Int? = nil) -> StatusError {
        StatusError(
            file: file, mark: Mark(line: line, column: (offset ?? position) - lineStart + 1),
            message: message + " (expected the layout Baton writes: see docs/status-branch.md)")
    }

    mutating func scan() throws -> (version: Int, servers: [String: [InventoryFile.Entry]]) {
        var version: Int?
        var servers: [String: [InventoryFile.Entry]] = [:]
        var server: String?
        var sawServers = false
        // Baton writes one entry per resource and server: a second one is not Baton's (corruption, or a forged
        // line repeated to cost time), whichever of the two would win.
        var seen: [String: Set<ResourceID>] = [:]
        while position < bytes.count {
            let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            defer {
                position = end + 1
                line += 1
                lineStart = position
            }
            let text = bytes[position..<end]
            if text.isEmpty || text.first == UInt8(ascii: "#") { continue }
            if text.starts(with: Array("formatVersion: ".utf8)) {
                position += 15
                guard let number = Int(String(decoding: bytes[position..<end], as: UTF8.self)) else {
                    throw fail("formatVersion is not a whole number")
                }
                version = number
            } else if Array(text) == Array("servers:".utf8) || Array(text) == Array("servers: {}".utf8) {
                sawServers = true
            } else if text.starts(with: Array("  \"".utf8)) {
                guard sawServers else { throw fail("a server before 'servers:'") }
                position += 2
                let name = try quoted()
                guard position + 1 == end, bytes[position] == UInt8(ascii: ":") else {
                    throw fail("expected ':' after the server's name")
                }
                server = name
                servers[name] = servers[name] ?? []
            } else if Array(text) == Array("    []".utf8) {
                guard server != nil else { throw fail("a list outside a server") }
            } else if text.starts(with: Array("    - {".utf8)) {
                guard let current = server else { throw fail("an entry outside a server") }
                position += 7
                let start = position
                let item = try entry(end: end)
                guard seen[current, default: []].insert(item.entry.id).inserted else {
                    throw fail(
                        "a second entry for \(PathText.escaped(item.entry.id.description)) on server '\(PathText.escaped(current))'",
                        at: start)
                }
                servers[current]!.append(item)
            } else {
                throw fail("unexpected line")
            }
        }
        guard let version else { throw StatusError(file: file, message: "missing key 'formatVersion'") }
        guard sawServers else { throw StatusError(file: file, message: "missing key 'servers'") }
        return (version, servers)
    }

    /// `kind: Account, name: "a", account: "a", hash: "h", revision: "r"[, state: "s"]}` up to `end`, keys in
    /// that order.
    mutating func entry(end: Int) throws -> InventoryFile.Entry {
        try expect("kind: ", end: end)
        let kindStart = position
        while position < end, bytes[position] != UInt8(ascii: ",") { position += 1 }
        let kindName = String(decoding: bytes[kindStart..<position], as: UTF8.self)
        guard let kind = Kind(rawValue: kindName) else { throw fail("unknown kind '\(kindName)'", at: kindStart) }
        try expect(", name: ", end: end)
        let name = try quoted()
        try expect(", account: ", end: end)
        let accountStart = position
        let account = intern(try quoted())
        if let shard, !inShard.contains(account) {
            let home = InventoryFile.shardName(of: account)
            guard home == shard else {
                throw fail(
                    "an entry of account '\(PathText.escaped(account))' in the shard of other accounts (it belongs in \(InventoryFile.folder)/\(home).yaml)",
                    at: accountStart)
            }
            inShard.insert(account)
        }
        try expect(", hash: ", end: end)
        let hash = try quoted()
        try expect(", revision: ", end: end)
        let revision = intern(try quoted())
        var state: String?
        if position < end, bytes[position] == UInt8(ascii: ",") {
            try expect(", state: ", end: end)
            state = try quoted()
        }
        try expect("}", end: end)
        guard position == end else { throw fail("unexpected text after '}'") }
        return InventoryFile.Entry(
            InventoryEntry(id: ResourceID(kind, name), account: account, hash: hash, revision: revision), state: state)
    }

    mutating func intern(_ s: String) -> String {
        if let known = interned[s] { return known }
        interned[s] = s
        return s
    }

    mutating func expect(_ literal: StaticString, end: Int) throws {
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { expected in
            position + count <= end && bytes[position..<position + count].elementsEqual(expected)
        }
        guard matches else {
            let key = "\(literal)".trimmingCharacters(in: CharacterSet(charactersIn: ", :"))
            throw fail(key == "}" ? "expected '}' or ', state: '" : "missing key '\(key)' (or keys out of order)")
        }
        position += count
    }

    /// A double-quoted string as `YAMLText.quoted` writes it, the position left after the closing quote.
    mutating func quoted() throws -> String {
        let start = position
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw fail("expected a double-quoted string")
        }
        position += 1
        // Most values hold no escape: one scan, one String.
        var scan = position
        while scan < bytes.count, bytes[scan] != UInt8(ascii: "\""), bytes[scan] != UInt8(ascii: "\\"),
            bytes[scan] != 0x0A
        {
            scan += 1
        }
        if scan < bytes.count, bytes[scan] == UInt8(ascii: "\"") {
            defer { position = scan + 1 }
            return String(decoding: bytes[position..<scan], as: UTF8.self)
        }
        var out: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\n"):
                throw fail("unterminated string", at: start)
            case UInt8(ascii: "\\"):
                guard position + 1 < bytes.count else { throw fail("unterminated string", at: start) }
                let escape = bytes[position + 1]
                position += 2
                switch escape {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                        let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(value)
                    else { throw fail("bad \\u escape", at: position - 2) }
                    out += Array(String(Character(scalar)).utf8)
                    position += 4
                default: throw fail("unknown escape '\\\(Character(Unicode.Scalar(escape)))'", at: position - 2)
                }
            default:
                out.append(byte)
                position += 1
            }
        }
        throw fail("unterminated string", at: start)
    }
}
