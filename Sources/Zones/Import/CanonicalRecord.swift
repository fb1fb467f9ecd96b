/// One line of a canonical zone dump (`named-checkzone -D`): absolute owner (in the case it was written), TTL,
/// class, type, RDATA.
package struct CanonicalRecord: Sendable, Hashable {
    package var owner: String
    package var ttl: UInt32
    package var type: String
    package var rdata: String

    package init(owner: String, ttl: UInt32, type: String, rdata: String) {
        self.owner = owner
        self.ttl = ttl
        self.type = type
        self.rdata = rdata
    }

    /// Parses dump lines; lines that are not records (`zone .../IN: loaded serial`, `OK`) are skipped.
    package static func parse(dump: String) -> [CanonicalRecord] {
        dump.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(maxSplits: 4, whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 4, let ttl = UInt32(fields[1]), fields[2] == "IN" else { return nil }
            let rdata = fields.count == 5 ? fields[4].trimmingSpaces() : ""
            return CanonicalRecord(
                owner: String(fields[0]), ttl: ttl, type: String(fields[3]), rdata: rdata)
        }
    }

    /// The records the built-in checker loaded, in the same form as BIND's dump.
    package static func from(_ records: [ZoneRecord]) -> [CanonicalRecord] {
        parse(dump: records.map(\.presentation).joined(separator: "\n"))
    }

    /// The character-strings of TXT-like RDATA, unescaped.
    package static func characterStrings(_ rdata: String) -> [[UInt8]] {
        var strings: [[UInt8]] = []
        var current: [UInt8] = []
        var inQuotes = false
        let bytes = Array(rdata.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                if inQuotes { strings.append(current) }
                current = []
                inQuotes.toggle()
            } else if inQuotes, b == UInt8(ascii: "\\"), i + 1 < bytes.count {
                if i + 3 < bytes.count, bytes[(i + 1)...(i + 3)].allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                    let value = bytes[(i + 1)...(i + 3)].reduce(0) { $0 * 10 + Int($1 - 48) }
                    current.append(UInt8(truncatingIfNeeded: value))
                    i += 3
                } else {
                    current.append(bytes[i + 1])
                    i += 1
                }
            } else if inQuotes {
                current.append(b)
            }
            i += 1
        }
        return strings
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
