import Foundation

/// `baton.yaml` at the repository root: settings for Baton itself, not a manifest.
public struct RepositoryConfig: Sendable, Hashable {
    public static let fileName = "baton.yaml"
    public static let zoneCheckKeys = [
        "checkNames", "nsAddress", "mxAddress", "mxCNAME", "srvCNAME", "duplicateRecords", "spf", "wildcard",
        "integrity", "maxTTL",
    ]

    /// Overrides of the zone checks (`zoneCheck:`), as written: `checkNames: warn`, `maxTTL: 86400`.
    public var zoneCheck: [String: String] = [:]

    public init() {}

    /// No file means the defaults; a file that is not valid stops the run with its positions.
    public static func load(root: String) throws -> RepositoryConfig {
        let path = root + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { return RepositoryConfig() }
        return try parse([UInt8](data))
    }

    public static func parse(_ bytes: [UInt8]) throws -> RepositoryConfig {
        let parsed = YAMLReader.read(bytes)
        let context = DecodeContext(file: fileName)
        var config = RepositoryConfig()
        for problem in parsed.problems {
            context.error(problem.mark, problem.rule, problem.message, hint: problem.hint)
        }
        if let root = parsed.documents.first?.root,
            let top = FieldReader(root, path: "", keys: ["zoneCheck"], context: context, what: fileName),
            let zone = top.object("zoneCheck", keys: zoneCheckKeys)
        {
            for key in zoneCheckKeys {
                guard let value = zone.string(key) else { continue }
                let allowed: [String]
                switch key {
                case "integrity": allowed = ["full", "full-sibling", "local", "local-sibling", "none"]
                case "maxTTL": allowed = []
                case "wildcard", "spf": allowed = ["warn", "ignore"]
                default: allowed = ["fail", "warn", "ignore"]
                }
                let valid = allowed.isEmpty ? UInt32(value) != nil : allowed.contains(value)
                if !valid, let mark = zone.node(key)?.mark {
                    context.error(
                        mark, "config.value", "zoneCheck.\(key) is '\(value)'",
                        hint: allowed.isEmpty
                            ? "write a whole number of seconds, e.g. 86400"
                            : "use one of: \(allowed.joined(separator: ", "))")
                }
                config.zoneCheck[key] = value
            }
        }
        if let first = context.diagnostics.first {
            throw SourceError(
                "\(first.location.file):\(first.location.line):\(first.location.column): \(first.message) [\(first.rule)]; \(first.hint)"
            )
        }
        return config
    }
}
