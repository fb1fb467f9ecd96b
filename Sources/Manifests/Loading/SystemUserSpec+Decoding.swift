extension SystemUserSpec {
    static func decode<Node>(_ r: FieldReader<Node>) -> SystemUserSpec? {
        guard let account = r.string("account", required: true) else { return nil }
        var spec = SystemUserSpec(account: account)
        spec.main = r.bool("main", default: false)
        spec.home = r.string("home")
        spec.shell = r.string("shell") ?? spec.shell
        spec.groups = r.stringList("groups")
        spec.authorizedKeys = r.stringList("authorizedKeys")
        spec.passwordHash = r.string("passwordHash")
        spec.active = r.bool("active", default: true)
        spec.purge = r.bool("purge", default: false)
        return spec
    }
}
