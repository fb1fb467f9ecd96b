import Foundation

/// `baton.yaml` at the repository root: settings for Baton itself, not a manifest.
package struct RepositoryConfig: Sendable, Hashable {
    package static let fileName = "baton.yaml"
    package static let zoneCheckKeys = [
        "checkNames", "nsAddress", "mxAddress", "mxCNAME", "srvCNAME", "duplicateRecords", "spf", "wildcard",
        "integrity", "maxTTL",
    ]

    /// Overrides of the zone checks (`zoneCheck:`), as written: `checkNames: warn`, `maxTTL: 86400`.
    package var zoneCheck: [String: String] = [:]
    /// The mass-delete guard (`safety:`): refuse a plan that deletes or replaces more than `deleteThreshold`
    /// percent of a server's managed resources when it deletes at least `deleteMinimum` in all.
    package var deleteThreshold: Double = 25
    package var deleteMinimum = 10
    /// The branch Baton records what it applied on (`statusBranch:`).
    package var statusBranch = "baton/status"
    /// `suspend: true`: the daemon still fetches, validates, plans and reports, and applies nothing
    /// (`baton suspend` and `baton resume` commit this).
    package var suspend = false

    package init() {}

    /// No file means the defaults; a file that cannot be read, or is not valid, stops the run with its positions.
    package static func load(root: String) throws -> RepositoryConfig {
        guard let bytes = try ConfigFile.read(root + "/" + fileName, name: fileName) else { return RepositoryConfig() }
        return try parse(bytes)
    }

    package static func parse(_ bytes: [UInt8]) throws -> RepositoryConfig {
        let parsed = YAMLReader.read(bytes)
        let context = DecodeContext(file: fileName)
        var config = RepositoryConfig()
        for problem in parsed.problems {
            context.error(problem.mark, problem.rule, problem.message, hint: problem.hint)
        }
        if let root = parsed.documents.first?.root,
            let top = FieldReader(
                root, path: "", keys: ["zoneCheck", "safety", "statusBranch", "suspend"], context: context,
                what: fileName)
        {
            config.suspend = top.bool("suspend", default: false)
            parseSafety(top, into: &config, context: context)
            if let branch = top.string("statusBranch") {
                if OwnedRefName.problem(OwnedRefName.branch(branch)) == nil {
                    config.statusBranch = branch
                } else if let mark = top.node("statusBranch")?.mark {
                    context.error(
                        mark, "config.value",
                        OwnedRefName.isRefPath(branch)
                            ? "statusBranch '\(branch)' is outside Baton's own branches (baton/…): Baton commits only "
                                + "to branches it owns, never to the manifests' branch or a name that shadows another"
                            : "statusBranch '\(branch)' is not a usable branch name",
                        hint:
                            "name a branch under baton/, e.g. baton/status (letters, digits, '.', '_', '-' between '/')"
                    )
                }
            }
            if let zone = top.object("zoneCheck", keys: zoneCheckKeys) {
                parseZoneCheck(zone, into: &config, context: context)
            }
        }
        if let first = context.diagnostics.first {
            throw SourceError(
                "\(first.location.file):\(first.location.line):\(first.location.column): \(first.message) [\(first.rule)]; \(first.hint)"
            )
        }
        return config
    }

    static func parseZoneCheck(
        _ zone: FieldReader<YAMLNode>, into config: inout RepositoryConfig, context: DecodeContext
    ) {
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

    static func parseSafety(_ top: FieldReader<YAMLNode>, into config: inout RepositoryConfig, context: DecodeContext) {
        guard let safety = top.object("safety", keys: ["deleteThreshold", "deleteMinimum"]) else { return }
        if let text = safety.string("deleteThreshold") {
            let number = text.hasSuffix("%") ? String(text.dropLast()) : text
            if let value = Double(number), (0...100).contains(value) {
                config.deleteThreshold = value
            } else if let mark = safety.node("deleteThreshold")?.mark {
                context.error(
                    mark, "config.value", "safety.deleteThreshold is '\(text)'",
                    hint: "write a percentage from 0 to 100, e.g. 25%")
            }
        }
        if let text = safety.string("deleteMinimum") {
            if let value = Int(text), value >= 0 {
                config.deleteMinimum = value
            } else if let mark = safety.node("deleteMinimum")?.mark {
                context.error(
                    mark, "config.value", "safety.deleteMinimum is '\(text)'",
                    hint: "write a whole number of resources, e.g. 10")
            }
        }
    }

}
