/// What decoding one document collects: its diagnostics and the positions of the fields it read.
final class DecodeContext {
    let file: String
    var diagnostics: [Diagnostic] = []
    var fields = FieldMarks()

    init(file: String) {
        self.file = file
        // Room for a manifest's usual fields from the start: growing the list copies it.
        fields.reserveCapacity(12)
    }

    func error(_ mark: Mark, _ rule: String, _ message: String, hint: String) {
        diagnostics.append(.error(at: SourceLocation(file: file, mark: mark), rule: rule, message, hint: hint))
    }

    func origin(_ mark: Mark) -> Origin {
        Origin(file: file, mark: mark, fields: fields.sealed())
    }
}
