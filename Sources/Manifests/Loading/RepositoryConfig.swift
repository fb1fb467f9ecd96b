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
                if let value = zone.string(key) { config.zoneCheck[key] = value }
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
