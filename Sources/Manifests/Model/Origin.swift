/// Where a resource and each of its fields were written, so every rule can point at a line.
package struct Origin: Sendable, Hashable {
    /// The file, relative to the repository root.
    package var file: String
    /// The start of the document.
    package var mark: Mark
    /// Positions of the fields that were written, keyed by path (`metadata.name`, `spec.home`, `spec.domains.1`).
    package var fields: FieldMarks

    package init(file: String, mark: Mark, fields: FieldMarks = FieldMarks()) {
        self.file = file
        self.mark = mark
        self.fields = fields
    }

    /// The position of a field, or of the nearest written parent, or of the document.
    package func location(_ path: String) -> SourceLocation {
        var key = Substring(path)
        while true {
            if let mark = fields[String(key)] { return SourceLocation(file: file, mark: mark) }
            guard let dot = key.lastIndex(of: ".") else { break }
            key = key[..<dot]
        }
        return SourceLocation(file: file, mark: fields["kind"] ?? mark)
    }

    package var document: SourceLocation { SourceLocation(file: file, mark: mark) }
}
