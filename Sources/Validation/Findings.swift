import Manifests

/// Collects the diagnostics of a validation run; rules report against a resource's origin and a field path.
struct Findings {
    private(set) var diagnostics: [Diagnostic] = []

    mutating func error(_ origin: Origin, _ path: String, _ rule: String, _ message: String, hint: String) {
        diagnostics.append(.error(at: origin.location(path), rule: rule, message, hint: hint))
    }

    mutating func error(at location: SourceLocation, _ rule: String, _ message: String, hint: String) {
        diagnostics.append(.error(at: location, rule: rule, message, hint: hint))
    }

    mutating func warning(_ origin: Origin, _ path: String, _ rule: String, _ message: String, hint: String) {
        diagnostics.append(Diagnostic(.warning, at: origin.location(path), rule: rule, message: message, hint: hint))
    }
}

extension Origin {
    /// The position of a record's field: records carry their own marks.
    func location(of record: DNSRecord, _ field: KeyPath<DNSRecord.Marks, Mark>) -> SourceLocation {
        SourceLocation(file: file, mark: record.marks[keyPath: field])
    }
}
