/// One problem found in the manifests: where, which rule, what is wrong and how to fix it.
package struct Diagnostic: Sendable, Hashable {
    package enum Severity: String, Sendable, Hashable, Comparable {
        case error
        case warning

        package static func < (a: Severity, b: Severity) -> Bool {
            a == .error && b == .warning
        }
    }

    package var location: SourceLocation
    package var severity: Severity
    /// A stable identifier such as `home.dot-component`; documented in docs/rules.md.
    package var rule: String
    package var message: String
    package var hint: String

    package init(
        _ severity: Severity = .error, at location: SourceLocation, rule: String, message: String, hint: String
    ) {
        self.location = location
        self.severity = severity
        self.rule = rule
        self.message = message
        self.hint = hint
    }

    package static func error(at location: SourceLocation, rule: String, _ message: String, hint: String) -> Diagnostic
    {
        Diagnostic(.error, at: location, rule: rule, message: message, hint: hint)
    }

    /// The order of every report: by file, then line, then column, then rule.
    package static func reportOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.location != b.location { return a.location < b.location }
        if a.severity != b.severity { return a.severity < b.severity }
        return (a.rule, a.message) < (b.rule, b.message)
    }
}
