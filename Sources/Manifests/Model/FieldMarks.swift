/// Where each field of one document was written, by path (`metadata.name`, `spec.home`, `spec.domains.1`).
///
/// Only diagnostics ask, yet every loaded document keeps its marks for as long as the set is kept: a daemon holds
/// 90,000 documents' at 10,000 accounts. So they lie in one byte buffer per document, entry after entry, instead
/// of a list of (parent, key) string pairs (a list of 40-byte entries and a heap string for every path longer
/// than 15 bytes: 50 MB at that size, against about 15 now):
///
///     parent   varint: 0 = the previous entry's parent, else its length + 1, then its bytes
///     key      varint length, then its bytes (an index written out)
///     line     varint
///     column   varint
///
/// A lookup matches `parent.key` against the path without building either. A document with many fields (a long
/// list) gets, once complete, a table of (hash of the path, entry offset) sorted by hash, so a lookup stays fast.
package struct FieldMarks: Sendable, Hashable {
    private var bytes: [UInt8] = []
    /// The last entry's parent, where its bytes lie: the next entry of the same parent refers to it.
    private var parentStart = 0
    private var parentCount = -1
    private var count = 0
    /// Every entry by the hash of its path (then by offset), built by `sealed()` for documents with many fields.
    private var table: [TableRow]?

    struct TableRow: Sendable, Hashable, Comparable {
        var hash: UInt32
        var entry: UInt32
        var parentStart: UInt32
        var parentCount: UInt32

        static func < (a: TableRow, b: TableRow) -> Bool { (a.hash, a.entry) < (b.hash, b.entry) }
    }

    /// Past this many entries, lookups go through a table.
    static let tableThreshold = 32

    package init() {}

    package var isEmpty: Bool { count == 0 }

    /// Records a field's position; a later record of the same path wins, as an assignment would.
    package mutating func record(_ parent: String, _ key: String, _ mark: Mark) {
        var parent = parent
        var key = key
        parent.withUTF8 { p in key.withUTF8 { k in append(parent: p, key: k, mark) } }
    }

    package mutating func record(_ parent: String, index: Int, _ mark: Mark) {
        // An index fits in a small string: written out without an allocation.
        record(parent, String(index), mark)
    }

    private mutating func append(parent: UnsafeBufferPointer<UInt8>, key: UnsafeBufferPointer<UInt8>, _ mark: Mark) {
        table = nil
        count += 1
        if parentCount == parent.count, bytes[parentStart..<parentStart + parentCount].elementsEqual(parent) {
            bytes.append(0)
        } else {
            Self.putVarint(UInt64(parent.count) + 1, into: &bytes)
            parentStart = bytes.count
            parentCount = parent.count
            bytes.append(contentsOf: parent)
        }
        Self.putVarint(UInt64(key.count), into: &bytes)
        bytes.append(contentsOf: key)
        Self.putVarint(UInt64(UInt32(bitPattern: mark.line)), into: &bytes)
        Self.putVarint(UInt64(UInt32(bitPattern: mark.column)), into: &bytes)
    }

    /// Forgets every record of `path`.
    package mutating func remove(_ path: String) {
        var kept = FieldMarks()
        for entry in entries() where !entry.names(path, in: bytes) {
            kept.record(entry.parentText(in: bytes), entry.keyText(in: bytes), entry.mark)
        }
        self = kept
    }

    mutating func reserveCapacity(_ n: Int) { bytes.reserveCapacity(n * 12) }

    /// The marks as kept: the buffer no larger than its entries, and a table by path when there are many of them.
    package func sealed() -> FieldMarks {
        var copy = self
        copy.bytes = Array(unsafeUninitializedCapacity: bytes.count) { buffer, initialised in
            _ = buffer.initialize(from: bytes)
            initialised = bytes.count
        }
        if count > Self.tableThreshold, table == nil {
            var table: [TableRow] = []
            table.reserveCapacity(count)
            for entry in entries() {
                table.append(
                    TableRow(
                        hash: entry.pathHash(in: bytes), entry: UInt32(entry.start),
                        parentStart: UInt32(entry.parent.lowerBound), parentCount: UInt32(entry.parent.count)))
            }
            table.sort()
            copy.table = table
        }
        return copy
    }

    package subscript(path: String) -> Mark? {
        if let table {
            let hash = Self.hash(path.utf8)
            // The last entry of this hash and path: a later record wins, and offsets grow with the order.
            var low = 0
            var high = table.count
            while low < high {
                let mid = (low + high) / 2
                if table[mid].hash <= hash { low = mid + 1 } else { high = mid }
            }
            var i = low - 1
            while i >= 0, table[i].hash == hash {
                let row = table[i]
                let parent = Int(row.parentStart)..<Int(row.parentStart + row.parentCount)
                let entry = Entry(at: Int(row.entry), in: bytes, parent: parent)
                if entry.names(path, in: bytes) { return entry.mark }
                i -= 1
            }
            return nil
        }
        var found: Mark?
        for entry in entries() where entry.names(path, in: bytes) { found = entry.mark }
        return found
    }

    package static func == (a: FieldMarks, b: FieldMarks) -> Bool { a.bytes == b.bytes }

    package func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    // MARK: Reading the buffer

    struct Entry {
        var start: Int
        var parent: Range<Int>
        var key: Range<Int>
        var mark: Mark
        var end: Int

        /// Decodes the entry at `start`; `previous` is the parent in force there, for an entry that refers to it.
        init(at start: Int, in bytes: [UInt8], parent previous: Range<Int>) {
            self.start = start
            var at = start
            let code = FieldMarks.varint(bytes, &at)
            if code == 0 {
                parent = previous
            } else {
                parent = at..<at + Int(code - 1)
                at = parent.upperBound
            }
            let keyCount = Int(FieldMarks.varint(bytes, &at))
            key = at..<at + keyCount
            at += keyCount
            let line = Int32(bitPattern: UInt32(truncatingIfNeeded: FieldMarks.varint(bytes, &at)))
            let column = Int32(bitPattern: UInt32(truncatingIfNeeded: FieldMarks.varint(bytes, &at)))
            mark = Mark(line: Int(line), column: Int(column))
            end = at
        }

        /// Whether `path` is `parent.key` (or `key` at the top).
        func names(_ path: String, in bytes: [UInt8]) -> Bool {
            var path = path
            return path.withUTF8 { p in
                var at = 0
                if !parent.isEmpty {
                    guard p.count > parent.count, p[parent.count] == UInt8(ascii: "."),
                        bytes[parent].elementsEqual(p[0..<parent.count])
                    else { return false }
                    at = parent.count + 1
                }
                return p.count - at == key.count && bytes[key].elementsEqual(p[at...])
            }
        }

        func pathHash(in bytes: [UInt8]) -> UInt32 {
            var h = FieldMarks.hashSeed
            if !parent.isEmpty {
                for byte in bytes[parent] { h = FieldMarks.mix(h, byte) }
                h = FieldMarks.mix(h, UInt8(ascii: "."))
            }
            for byte in bytes[key] { h = FieldMarks.mix(h, byte) }
            return h
        }

        func parentText(in bytes: [UInt8]) -> String { String(decoding: bytes[parent], as: UTF8.self) }
        func keyText(in bytes: [UInt8]) -> String { String(decoding: bytes[key], as: UTF8.self) }
    }

    /// Every entry, in the order recorded.
    func entries() -> [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(count)
        var at = 0
        var parent = 0..<0
        while at < bytes.count {
            let entry = Entry(at: at, in: bytes, parent: parent)
            out.append(entry)
            parent = entry.parent
            at = entry.end
        }
        return out
    }

    static let hashSeed: UInt32 = 2_166_136_261

    static func mix(_ h: UInt32, _ byte: UInt8) -> UInt32 { (h ^ UInt32(byte)) &* 16_777_619 }

    static func hash(_ path: String.UTF8View) -> UInt32 { path.reduce(hashSeed, mix) }

    static func putVarint(_ value: UInt64, into bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    static func varint(_ bytes: [UInt8], _ at: inout Int) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[at]
            at += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}
