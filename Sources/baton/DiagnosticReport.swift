import Engine
import Foundation
import Manifests

/// Renders diagnostics in the three formats of the CLI contract.
struct DiagnosticReport {
    let diagnostics: [Diagnostic]
    let color: Bool

    /// `FILE:LINE:COL: error: MESSAGE [rule-id]`, then the hint indented.
    func text() -> String {
        var out = ""
        for d in diagnostics {
            let severity =
                color
                ? (d.severity == .error ? "\u{1B}[1;31merror\u{1B}[0m" : "\u{1B}[1;33mwarning\u{1B}[0m")
                : d.severity.rawValue
            // Quoted user text may hold control characters: one diagnostic stays one line, and no escape
            // sequence reaches the terminal.
            out +=
                "\(Self.printable(d.location.file)):\(d.location.line):\(d.location.column): \(severity): "
                + "\(Self.printable(d.message)) [\(d.rule)]\n"
            out += "    hint: \(Self.printable(d.hint))\n"
        }
        return out
    }

    static func printable(_ s: String) -> String {
        // C1 controls too: U+009B is a CSI to some terminals.
        let control = { (c: Unicode.Scalar) in c.properties.generalCategory == .control }
        guard s.unicodeScalars.contains(where: control) else { return s }
        return s.unicodeScalars.map { control($0) ? $0.escaped(asASCII: true) : String($0) }.joined()
    }

    var objects: [[String: Any]] {
        diagnostics.map { d -> [String: Any] in
            [
                "file": d.location.file, "line": d.location.line, "column": d.location.column,
                "severity": d.severity.rawValue, "rule": d.rule, "message": d.message, "hint": d.hint,
            ]
        }
    }

    func json() -> String {
        let data = try! JSONSerialization.data(
            withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// GitHub workflow commands: properties and message escaped as the runner expects.
    func github() -> String {
        diagnostics.map { d in
            let command = d.severity == .error ? "error" : "warning"
            let properties = [
                "file=\(escapeProperty(d.location.file))", "line=\(d.location.line)", "col=\(d.location.column)",
                "title=\(escapeProperty(d.rule))",
            ].joined(separator: ",")
            return "::\(command) \(properties)::\(escapeData("\(d.message) [\(d.rule)]\nhint: \(d.hint)"))\n"
        }.joined()
    }

    private func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    private func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
