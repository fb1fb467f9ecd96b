extension ServerSpec {
    static func decode<Node>(_ r: FieldReader<Node>) -> ServerSpec? {
        let address = r.string("address", required: true)
        let hostKey = r.string("hostKey", required: true)
        guard let address, let hostKey else { return nil }
        var spec = ServerSpec(address: address, hostKey: hostKey)
        spec.hostname = r.string("hostname")
        spec.port = r.int("port", default: 22, in: 1...65535) ?? 22
        spec.user = r.string("user") ?? "root"
        spec.roles = r.list("roles").enumerated().compactMap { index, node in
            FieldReader<Node>.choice(node, field: "spec.roles[\(index)]", context: r.context)
        }
        if let paths = r.object("paths", keys: ManifestSchema.keys(.server, "spec.paths")) {
            spec.paths.zones = paths.string("zones")
            spec.paths.namedConf = paths.string("namedConf")
            spec.paths.nginxSites = paths.string("nginxSites")
            spec.paths.phpFpmPools = paths.string("phpFpmPools")
            spec.paths.homes = paths.string("homes")
            spec.paths.archive = paths.string("archive")
        }
        return spec
    }
}
