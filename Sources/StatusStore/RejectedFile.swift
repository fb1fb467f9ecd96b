import Manifests

/// `rejected.yaml`: the last revision the daemon refused to apply because it is not valid, with its errors.
/// `applied.yaml` keeps naming the last good revision; the servers keep its state until a fixed one lands.
package struct RejectedFile: Sendable, Hashable {
    package static let path = "rejected.yaml"
    package static let formatVersion = 1
    /// More errors than this are counted, not listed.
    package static let listed = 100

    package struct Error: Sendable, Hashable {
        package var file: String
        package var line: Int
        package var column: Int
        package var rule: String
        package var message: String

        package init(file: String, line: Int, column: Int, rule: String, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.rule = rule
            self.message = message
        }
    }

    package var revision: String
    package var time: String
    package var errors: [Error]

    package init(revision: String, time: String, errors: [Error]) {
        self.revision = revision
        self.time = time
        self.errors = errors
    }

    package func render() -> String {
        var out = "# Written by Baton: the last revision not applied because it is not valid. Do not edit.\n"
        out += "formatVersion: \(Self.formatVersion)\n"
        out += "revision: \(YAMLText.quoted(revision))\ntime: \(YAMLText.quoted(time))\n"
        out += "errorCount: \(errors.count)\n"
        out += errors.isEmpty ? "errors: []\n" : "errors:\n"
        for e in errors.prefix(Self.listed) {
            out +=
                "  - {file: \(YAMLText.quoted(e.file)), line: \(e.line), column: \(e.column), rule: \(YAMLText.quoted(e.rule)), message: \(YAMLText.quoted(e.message))}\n"
        }
        return out
    }

    package static func parse(_ bytes: [UInt8], file: String = path) throws -> RejectedFile {
        let root = try StatusNode.parse(bytes, file: file)
        try FormatVersion.check(root, supported: formatVersion)
        let errors = try root.optional("errors")?.items().map { item in
            Error(
                file: try item.string("file"), line: try item.required("line").int(),
                column: try item.required("column").int(), rule: try item.string("rule"),
                message: try item.string("message"))
        }
        return RejectedFile(
            revision: try root.string("revision"), time: try root.string("time"), errors: errors ?? [])
    }
}
