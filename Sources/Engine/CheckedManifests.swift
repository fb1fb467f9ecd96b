import Foundation
import Manifests
import Validation

/// Load and validate, the stage `validate`, `plan` and `apply` share: the same diagnostics everywhere.
package struct CheckedManifests {
    package var manifests: ManifestSet
    package var diagnostics: [Diagnostic]
    package var files: Int

    package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    package static func check(
        _ source: some ManifestSource, config: RepositoryConfig, zoneChecker: ZoneCheckerChoice?, zoneCache: Bool,
        parseCache: ParseCache? = nil, timing: (String) -> Void = { _ in }
    ) throws -> CheckedManifests {
        let started = Date()
        let loaded: ManifestLoader.Result
        do {
            loaded = try ManifestLoader.load(source, cache: parseCache)
        } catch let problem as TreeProblem {
            return refused(problem)
        }
        let loadedAt = Date()
        let zoneChecks = try ZoneCheckerChoice.stage(
            zoneChecker, config: config, cache: zoneCache, notice: { EngineNotice.say($0) })
        // The rules and the zone checks read the same manifests and nothing of each other: they overlap (a
        // single large zone is checked on one core while the rules use the others).
        let manifests = loaded.manifests
        let zones = Background { (zoneChecks?.run(manifests) ?? [], Date()) }
        let findings = Validator.validate(loaded.manifests)
        let rulesAt = Date()
        let (zoneFindings, zonesAt) = try zones.value()
        timing(
            "loaded in \(loadedAt.timeIntervalSince(started))s, rules in \(rulesAt.timeIntervalSince(loadedAt))s, zones in \(zonesAt.timeIntervalSince(loadedAt))s (beside the rules)"
        )
        return CheckedManifests(
            manifests: loaded.manifests,
            diagnostics: (loaded.diagnostics + findings + zoneFindings).sorted(by: Diagnostic.reportOrder),
            files: loaded.files)
    }

    /// A tree that breaks `TreeRules`: nothing of it is loaded, and the one diagnostic says why.
    package static func refused(_ problem: TreeProblem) -> CheckedManifests {
        CheckedManifests(manifests: ManifestSet(), diagnostics: [problem.diagnostic], files: 0)
    }
}
