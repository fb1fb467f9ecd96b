import Manifests

extension RepositoryConfig {
    /// The strict checks `validate` uses, relaxed or tightened by `baton.yaml`'s `zoneCheck:`.
    package var zoneCheckOptions: ZoneCheckOptions {
        var options = ZoneCheckOptions.strict
        func mode(_ key: String) -> ZoneCheckOptions.Mode? { zoneCheck[key].flatMap(ZoneCheckOptions.Mode.init) }
        options.checkNames = mode("checkNames") ?? options.checkNames
        options.nsAddress = mode("nsAddress") ?? options.nsAddress
        options.mxAddress = mode("mxAddress") ?? options.mxAddress
        options.mxCNAME = mode("mxCNAME") ?? options.mxCNAME
        options.srvCNAME = mode("srvCNAME") ?? options.srvCNAME
        options.duplicateRecords = mode("duplicateRecords") ?? options.duplicateRecords
        options.spf = mode("spf") ?? options.spf
        options.wildcard = mode("wildcard") ?? options.wildcard
        options.integrity = zoneCheck["integrity"].flatMap(ZoneCheckOptions.Integrity.init) ?? options.integrity
        options.maxTTL = zoneCheck["maxTTL"].flatMap(UInt32.init) ?? options.maxTTL
        return options
    }
}
