import Manifests

/// Runs every rule over a loaded repository. Pure: no disk, no network.
public enum Validator {
    public static func validate(_ set: ManifestSet) -> [Diagnostic] {
        let index = RepositoryIndex(set)
        var findings = Findings()
        ServerRules.check(index, &findings)
        AccountRules.check(index, &findings)
        UserRules.check(index, &findings)
        DomainRules.check(index, &findings)
        WebAppRules.check(index, &findings)
        MonitorRules.check(index, &findings)
        TenancyRules.check(index, &findings)
        LimitRules.check(index, &findings)
        return findings.diagnostics
    }

    /// Loads and validates in one go: the diagnostics of both, in report order.
    public static func run(_ source: some ManifestSource) throws -> (ManifestLoader.Result, [Diagnostic]) {
        let loaded = try ManifestLoader.load(source)
        let all = (loaded.diagnostics + validate(loaded.manifests)).sorted(by: Diagnostic.reportOrder)
        return (loaded, all)
    }
}
