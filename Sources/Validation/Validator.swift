import Dispatch
import Manifests

/// Runs every rule over a loaded repository. Pure: no disk, no network.
package enum Validator {
    /// `accountNames`: the whole repository's, when `set` is a part of it (suggestions name any account).
    package static func validate(_ set: ManifestSet, accountNames: [String]? = nil) -> [Diagnostic] {
        let index = RepositoryIndex(set, accountNames: accountNames)
        // Rule groups read the index and write only their own findings, so they run on all cores;
        // the per-domain checks, the largest share, are split in shards.
        let shards = 8
        var groups: [@Sendable (inout Findings) -> Void] = [
            { ServerRules.check(index, &$0) }, { AccountRules.check(index, &$0) },
            { UserRules.check(index, &$0) }, { WebAppRules.check(index, &$0) },
            { MonitorRules.check(index, &$0) }, { TenancyRules.check(index, &$0) },
            { LimitRules.check(index, &$0) }, { DomainRules.checkCNAMEExclusivity(index, &$0) },
            { NamespaceRules.check(index, &$0) },
        ]
        for shard in 0..<shards {
            groups.append { DomainRules.check(index, shard: shard, of: shards, &$0) }
        }
        let tasks = groups
        let results = Slots<[Diagnostic]>(count: tasks.count)
        DispatchQueue.concurrentPerform(iterations: tasks.count) { i in
            var findings = Findings()
            tasks[i](&findings)
            results.set(i, findings.diagnostics)
        }
        return results.values().flatMap { $0 }
    }

    /// Loads and validates in one go: the diagnostics of both, in report order.
    package static func run(_ source: some ManifestSource) throws -> (ManifestLoader.Result, [Diagnostic]) {
        let loaded = try ManifestLoader.load(source)
        let all = (loaded.diagnostics + validate(loaded.manifests)).sorted(by: Diagnostic.reportOrder)
        return (loaded, all)
    }
}
