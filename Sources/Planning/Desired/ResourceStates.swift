import Dispatch
import Manifests
import Zones

/// Turns loaded manifests into what each server should hold: one `ResourceState` per resource and server.
/// Servers are connection targets, not resources; monitored sites are checked by the daemon, not applied.
package enum ResourceStates {
    /// The version of how applied forms are made. A change to any of them changes hashes, so the status branch
    /// records it and applied forms are reused from the inventory only when it is the same. Raise it with
    /// every change to the fields below.
    package static let recipe = 4

    /// Applying order of kinds (deletes run in reverse).
    package enum Phase {
        package static let account = 0
        package static let mainUser = 1
        package static let user = 2
        package static let zone = 3
        package static let webApp = 4
    }

    /// Every resource state of a manifest set; `only` limits the work to some resources (the planner
    /// rebuilds just the changed ones from a previous revision).
    package static func build(_ set: ManifestSet, only: Set<ResourceID>? = nil) -> [ResourceState] {
        Builder(set).states(only: only)
    }

    /// Builds the states of one manifest set, as digests for all or in full for some, sharing the lookups.
    package struct Builder: Sendable {
        let set: ManifestSet
        let zones: [ZoneInput]
        let context: Context

        package init(_ set: ManifestSet) {
            self.set = set
            zones = ZoneInput.zones(of: set)
            context = Context(set, zones: zones)
        }

        package func states(only: Set<ResourceID>? = nil) -> [ResourceState] {
            run(only: only) { $0 }.flatMap { $0 }
        }

        package func digests(skippingAccounts skipped: Set<String> = []) -> [StateDigest] {
            run(only: nil, skipping: skipped) { $0.map(\.digest) }.flatMap { $0 }
        }

        /// Cuts the work in chunks over every core; each chunk's states go through `keep` before they are kept.
        func run<T: Sendable>(
            only: Set<ResourceID>?, skipping skipped: Set<String> = [], keep: @Sendable ([ResourceState]) -> [T]
        ) -> [[T]] {
            let all = only == nil && skipped.isEmpty
            func wanted(_ kind: Kind, _ name: String, _ account: String) -> Bool {
                !skipped.contains(account) && (only?.contains(ResourceID(kind, name)) ?? true)
            }
            let accounts = all ? set.accounts : set.accounts.filter { wanted(.account, $0.name, $0.name) }
            let users = all ? set.systemUsers : set.systemUsers.filter { wanted(.systemUser, $0.name, $0.spec.account) }
            let zoneInputs = all ? zones : zones.filter { wanted(.domain, $0.origin, $0.domain.spec.account) }
            let apps = all ? set.webApps : set.webApps.filter { wanted(.webApp, $0.name, $0.spec.account) }
            let total = accounts.count + users.count + zoneInputs.count + apps.count
            let chunk = 512
            let chunks = (total + chunk - 1) / chunk
            let slots = Slots<[T]>(count: chunks)
            let context = self.context
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var out: [ResourceState] = []
                for i in c * chunk..<min(total, (c + 1) * chunk) {
                    var j = i
                    if j < accounts.count {
                        out += context.account(accounts[j])
                        continue
                    }
                    j -= accounts.count
                    if j < users.count {
                        out += context.user(users[j])
                        continue
                    }
                    j -= users.count
                    if j < zoneInputs.count {
                        out += context.zone(zoneInputs[j])
                        continue
                    }
                    j -= zoneInputs.count
                    out += context.webApp(apps[j])
                }
                slots.set(c, keep(out))
            }
            return slots.values()
        }
    }

    struct Context: Sendable {
        let servers: [String: Server]
        let accounts: [String: Account]
        let users: [String: SystemUser]
        /// Every Domain's name to the zone it is served in (itself, or the zone it merged into).
        let zones: [String: String]

        init(_ set: ManifestSet, zones inputs: [ZoneInput]) {
            servers = Dictionary(set.servers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            accounts = Dictionary(set.accounts.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            users = Dictionary(set.systemUsers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            var zones: [String: String] = [:]
            for zone in inputs {
                zones[zone.origin] = zone.origin
                for member in zone.subdomains { zones[member.name] = zone.origin }
            }
            self.zones = zones
        }

        func webServer(of account: String) -> String? { accounts[account]?.spec.placement.web }

        func home(ofUser name: String, account: String) -> String {
            if let user = users[name], let home = user.spec.home { return home }
            if let user = users[name], !user.spec.main { return "/home/\(user.spec.account)" }
            return "/home/\(name)"
        }

        func account(_ account: Account) -> [ResourceState] {
            guard let server = account.spec.placement.web else { return [] }
            var fields = [
                Field("home", .scalar("/home/\(account.name)")),
                Field("active", .scalar(String(account.spec.active))),
            ]
            if let quota = account.spec.limits.diskQuota { fields.append(Field("diskQuota", .scalar(String(quota)))) }
            // Only when there are any: accounts without declared groups keep the form they were applied with.
            if !account.spec.groups.isEmpty { fields.append(Field("groups", .list(account.spec.groups.sorted()))) }
            return [
                ResourceState(
                    id: ResourceID(.account, account.name), server: server, account: account.name,
                    phase: Phase.account, fields: fields)
            ]
        }

        func user(_ user: SystemUser) -> [ResourceState] {
            let spec = user.spec
            guard let server = webServer(of: spec.account) else { return [] }
            var fields = [
                Field("account", .scalar(spec.account)),
                Field("main", .scalar(String(spec.main))),
                Field("home", .scalar(home(ofUser: user.name, account: spec.account))),
                Field("shell", .scalar(spec.shell)),
                Field("groups", .list(spec.groups.sorted())),
                Field("authorizedKeys", .list(spec.authorizedKeys.sorted())),
            ]
            if let hash = spec.passwordHash { fields.append(Field("passwordHash", .sensitive(SHA256.hex(hash)))) }
            // A deactivated account locks all its users, whatever each one says.
            let accountActive = accounts[spec.account]?.spec.active ?? true
            fields += [
                Field("active", .scalar(String(spec.active && accountActive))),
                Field("purge", .scalar(String(spec.purge))),
            ]
            return [
                ResourceState(
                    id: ResourceID(.systemUser, user.name), server: server, account: spec.account,
                    phase: spec.main ? Phase.mainUser : Phase.user, fields: fields,
                    dependsOn: [ResourceID(.account, spec.account)])
            ]
        }

        /// A zone goes to its account's DNS primary, with the records, and to each secondary, which only needs
        /// to know where to transfer it from.
        func zone(_ zone: ZoneInput) -> [ResourceState] {
            let account = zone.domain.spec.account
            let placement = accounts[account]?.spec.placement.dns ?? []
            guard let primary = placement.first else { return [] }
            let secondaries = Array(placement.dropFirst())
            let address = { (name: String) in self.servers[name]?.spec.address ?? name }
            let id = ResourceID(.domain, zone.origin)
            let dependsOn = [ResourceID(.account, account)]
            var states = [
                ResourceState(
                    id: id, server: primary, account: account, phase: Phase.zone,
                    fields: [
                        Field("account", .scalar(account)),
                        Field("role", .scalar("primary")),
                        Field("secondaries", .list(secondaries.map(address))),
                        Field("subdomains", .list(zone.subdomains.map(\.name).sorted())),
                        Field("records", .list(ZoneRenderer.canonicalLines(zone))),
                    ], dependsOn: dependsOn)
            ]
            for secondary in secondaries where secondary != primary {
                states.append(
                    ResourceState(
                        id: id, server: secondary, account: account, phase: Phase.zone,
                        fields: [
                            Field("account", .scalar(account)),
                            Field("role", .scalar("secondary")),
                            Field("primary", .scalar(address(primary))),
                        ], dependsOn: dependsOn))
            }
            return states
        }

        /// 2: names carry the account (`SystemNames`); open_basedir, PHP's own temporary folders, disabled
        /// functions, symbolic links refused by nginx, www-data reading the public root only.
        static let webAppTemplate = "2"

        func webApp(_ app: WebApp) -> [ResourceState] {
            let spec = app.spec
            guard let server = webServer(of: spec.account) else { return [] }
            let user = spec.user ?? spec.account
            let path = spec.path ?? home(ofUser: user, account: spec.account) + "/webapps/" + app.name
            var fields = [
                Field("account", .scalar(spec.account)),
                Field("user", .scalar(user)),
                Field("type", .scalar(spec.type.rawValue)),
                Field("path", .scalar(path)),
            ]
            if let root = spec.publicRoot { fields.append(Field("publicRoot", .scalar(root))) }
            // A PHP app without a `php:` block runs with the defaults.
            if let php = spec.php ?? (spec.type == .php ? WebAppSpec.PHP() : nil) {
                fields += [
                    Field("php.version", .scalar(php.version)),
                    Field("php.processes", .scalar(String(php.processes))),
                    Field("php.timeout", .scalar(String(php.timeout.seconds))),
                    Field("php.ini", .list(php.ini.map { "\($0.key)=\($0.value)" })),
                ]
            }
            fields.append(Field("domains", .list(spec.domains.map { $0.lowercased() }.sorted())))
            // A deactivated account's web apps answer 503; their files stay.
            fields.append(Field("active", .scalar(String(accounts[spec.account]?.spec.active ?? true))))
            // The version of the files Baton writes for an app (their names, the pool's and the server block's
            // confinement): raised when they change, so that the next plan updates every app already applied.
            fields.append(Field("template", .scalar(Self.webAppTemplate)))
            if let tls = spec.tls {
                fields += [Field("tls.certificate", .scalar(tls.certificate)), Field("tls.key", .scalar(tls.key))]
            }
            var dependsOn = [ResourceID(.account, spec.account)]
            if users[user] != nil { dependsOn.append(ResourceID(.systemUser, user)) }
            for name in spec.domains {
                if let zone = zone(containing: name.lowercased()) { dependsOn.append(ResourceID(.domain, zone)) }
            }
            return [
                ResourceState(
                    id: ResourceID(.webApp, app.name), server: server, account: spec.account, phase: Phase.webApp,
                    fields: fields, dependsOn: dependsOn)
            ]
        }

        /// The zone that serves a name: the nearest Domain above it, or the zone that Domain merged into.
        func zone(containing fqdn: String) -> String? {
            var candidate = Substring(fqdn)
            while true {
                if let zone = zones[String(candidate)] { return zone }
                guard let dot = candidate.firstIndex(of: ".") else { return nil }
                candidate = candidate[candidate.index(after: dot)...]
            }
        }
    }
}
