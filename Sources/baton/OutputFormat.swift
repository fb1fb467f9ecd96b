import ArgumentParser
import Engine
import Foundation

enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, github
}

/// `--format` of the commands that print a report for people or for scripts.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The JSON documents of `show`, `status`, `logs`, `drift` and `doctor` (docs/json-output.md): one object, its
/// `formatVersion` first among equals, keys sorted so that output diffs stay small.
enum JSONReport {
    static let formatVersion = 1

    static func text(_ object: [String: Any]) -> String {
        var document = object
        document["formatVersion"] = formatVersion
        let data = try! JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func print(_ object: [String: Any]) {
        Swift.print(text(object))
    }
}
