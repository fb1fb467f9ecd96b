extension WebAppSpec {
    static func decode<Node>(_ r: FieldReader<Node>) -> WebAppSpec? {
        let account = r.string("account", required: true)
        let type = r.choice("type", required: true, as: WebAppType.self)
        guard let account, let type else { return nil }
        var spec = WebAppSpec(account: account, type: type)
        spec.user = r.string("user")
        spec.path = r.string("path")
        spec.publicRoot = r.string("publicRoot")
        spec.domains = r.stringList("domains")
        if let php = r.object("php", keys: ManifestSchema.keys(.webApp, "spec.php")) {
            var settings = PHP()
            settings.version = php.string("version") ?? settings.version
            settings.processes = php.int("processes", default: settings.processes, in: 1...256) ?? settings.processes
            settings.timeout = php.duration("timeout", default: settings.timeout)
            settings.ini = php.stringPairs("ini").map { IniSetting(key: $0.key, value: $0.value) }
            spec.php = settings
        }
        if let tls = r.object("tls", keys: ManifestSchema.keys(.webApp, "spec.tls")) {
            let certificate = tls.string("certificate", required: true)
            let key = tls.string("key", required: true)
            if let certificate, let key { spec.tls = TLS(certificate: certificate, key: key) }
        }
        return spec
    }
}
