import Manifests
import Validation
import Zones

/// Which checker checks rendered zones (`--zone-checker`).
package enum ZoneCheckerChoice: String, CaseIterable, Sendable {
    case builtin
    case namedCheckzone = "named-checkzone"
    case both
    case none

    /// The zone-check stage for a repository, with its `baton.yaml` settings and cache.
    package static func stage(
        _ choice: ZoneCheckerChoice?, config: RepositoryConfig, cache: Bool, notice: (String) -> Void
    ) throws -> ZoneChecks? {
        let named = NamedCheckzone.find()
        let resolved: ZoneCheckerChoice
        if let choice {
            resolved = choice
        } else if named != nil {
            resolved = .both
        } else {
            notice("baton: named-checkzone not found (install bind9-utils); zones are checked by the built-in checker")
            resolved = .builtin
        }
        var checkers: [any ZoneTextChecker] = []
        if resolved == .builtin || resolved == .both { checkers.append(BuiltinZoneChecker()) }
        if resolved == .namedCheckzone || resolved == .both {
            guard let named else {
                throw UsageError("named-checkzone is not installed (Debian: apt-get install bind9-utils)")
            }
            checkers.append(named)
        }
        guard !checkers.isEmpty else { return nil }
        // `named-checkzone -v` is a process: asked only when it checks zones (its version keys its results).
        let usesNamed = resolved == .namedCheckzone || resolved == .both
        return ZoneChecks(
            checkers: checkers, options: config.zoneCheckOptions,
            cache: cache
                ? ZoneCheckCache(
                    directory: ZoneCheckCache.defaultDirectory(),
                    tag:
                        "baton \(EngineInfo.version); \(usesNamed ? named?.version ?? "no named-checkzone" : "no named-checkzone")"
                )
                : nil)
    }
}
