import Manifests

/// `zones.yaml`: the serial each zone was last applied with, and the hash of its content then. The next serial
/// rises only when the content changes (`ZoneSerial.next`).
package enum ZoneSerialsFile {
    package static let path = "zones.yaml"
    package static let formatVersion = 1

    package struct Entry: Sendable, Hashable {
        package var serial: UInt32
        package var contentHash: String

        package init(serial: UInt32, contentHash: String) {
            self.serial = serial
            self.contentHash = contentHash
        }
    }

    package static func render(_ zones: [String: Entry]) -> String {
        var out = "# Written by Baton: the serial each zone was last applied with. Do not edit.\n"
        out += "formatVersion: \(formatVersion)\n" + (zones.isEmpty ? "zones: {}\n" : "zones:\n")
        for origin in zones.keys.sorted() {
            let entry = zones[origin]!
            out +=
                "  \(YAMLText.quoted(origin)): {serial: \(entry.serial), hash: \(YAMLText.quoted(entry.contentHash))}\n"
        }
        return out
    }

    package static func parse(_ bytes: [UInt8], file: String = path) throws -> [String: Entry] {
        let root = try StatusNode.parse(bytes, file: file)
        try FormatVersion.check(root, supported: formatVersion)
        var zones: [String: Entry] = [:]
        for (origin, node) in try root.optional("zones")?.pairs() ?? [] {
            let serialNode = try node.required("serial")
            guard let serial = UInt32(try serialNode.string()) else {
                throw serialNode.fail("a serial is a whole number below 2^32")
            }
            zones[origin] = Entry(serial: serial, contentHash: try node.string("hash"))
        }
        return zones
    }
}
