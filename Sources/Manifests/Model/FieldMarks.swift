/// Where each field of one document was written, by path (`metadata.name`, `spec.home`, `spec.domains.1`).
///
/// A list of (parent, key) entries rather than a dictionary of joined paths: a document records a dozen, and a
/// dictionary per document (90,000 of them at 10,000 accounts) built a string and a hash for every field, when
/// only diagnostics ever ask. A document with many fields (a long list) gets a table by path once it is complete.
package struct FieldMarks: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        /// The path of the mapping or list that holds the field, "" at the top.
        var parent: String
        /// The field's key, or a list item's index written out.
        var key: String
        var mark: Mark

        /// Whether `path` names this entry, without building the entry's path.
        func names(_ path: String) -> Bool {
            var rest = Substring(path).utf8
            if !parent.isEmpty {
                guard rest.starts(with: parent.utf8) else { return false }
                rest = rest.dropFirst(parent.utf8.count)
                guard rest.first == UInt8(ascii: ".") else { return false }
                rest = rest.dropFirst()
            }
            return rest.elementsEqual(key.utf8)
        }

        var path: String { parent.isEmpty ? key : parent + "." + key }
    }

    private var entries: [Entry] = []
    /// Entry positions by path, built by `sealed()` for documents with many fields.
    private var table: [String: Int]?

    /// Past this many entries, lookups go through a table.
    static let tableThreshold = 32

    package init() {}

    package var isEmpty: Bool { entries.isEmpty }

    /// Records a field's position; a later record of the same path wins, as an assignment would.
    package mutating func record(_ parent: String, _ key: String, _ mark: Mark) {
        table = nil
        entries.append(Entry(parent: parent, key: key, mark: mark))
    }

    package mutating func record(_ parent: String, index: Int, _ mark: Mark) {
        table = nil
        // The index as text: an entry smaller by a field, for a string that fits in place (no allocation).
        entries.append(Entry(parent: parent, key: String(index), mark: mark))
    }

    /// Forgets every record of `path`.
    package mutating func remove(_ path: String) {
        table = nil
        entries.removeAll { $0.names(path) }
    }

    mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    /// The marks with a table by path when there are many of them, for lookups that stay fast.
    package func sealed() -> FieldMarks {
        guard entries.count > Self.tableThreshold, table == nil else { return self }
        var copy = self
        var table: [String: Int] = Dictionary(minimumCapacity: entries.count)
        for (i, entry) in entries.enumerated() { table[entry.path] = i }
        copy.table = table
        return copy
    }

    package subscript(path: String) -> Mark? {
        if let table { return table[path].map { entries[$0].mark } }
        for entry in entries.reversed() where entry.names(path) { return entry.mark }
        return nil
    }

    package static func == (a: FieldMarks, b: FieldMarks) -> Bool { a.entries == b.entries }

    package func hash(into hasher: inout Hasher) { hasher.combine(entries) }
}
