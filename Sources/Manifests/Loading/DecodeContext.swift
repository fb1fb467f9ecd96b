/// What decoding one document collects: its diagnostics and the positions of the fields it read.
final class DecodeContext {
    let file: String
    let kind: Kind?
    var diagnostics: [Diagnostic] = []
    var fields: [String: Mark] = [:]

    init(file: String, kind: Kind? = nil) {
        self.file = file
        self.kind = kind
    }

    func error(_ mark: Mark, _ rule: String, _ message: String, hint: String) {
        diagnostics.append(.error(at: SourceLocation(file: file, mark: mark), rule: rule, message, hint: hint))
    }

    func origin(_ mark: Mark) -> Origin {
        Origin(file: file, mark: mark, fields: fields)
    }
}
