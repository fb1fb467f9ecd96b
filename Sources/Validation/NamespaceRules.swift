import Manifests

/// The names that become system objects on a server (groups, php-fpm pools and sockets, server blocks, copies
/// of certificates: `SystemNames`) are one namespace per kind of object across the whole repository: a name
/// two resources derive would be one file, pool or group on the server, which the second would take over.
/// And a user joins only its own account's groups.
enum NamespaceRules {
    /// One derived name: what it is, and who derives it.
    struct Claim {
        var object: String
        var name: String
        var account: String
        /// The resource that derives the name; its phrase (`WebApp 'shop'`) is written only for a message.
        var kind: Kind
        var resourceName: String
        var origin: Origin
        var path: String

        var resource: String { "\(kind.rawValue) '\(resourceName)'" }
    }

    /// Every name the repository's resources derive, in declaration order.
    static func claims(_ set: ManifestSet) -> [Claim] {
        var claims: [Claim] = []
        for account in set.accounts {
            claims.append(
                Claim(
                    object: "group", name: account.name, account: account.name, kind: .account,
                    resourceName: account.name, origin: account.origin, path: "metadata.name"))
            for (i, group) in account.spec.groups.enumerated() {
                claims.append(
                    Claim(
                        object: "group", name: group, account: account.name, kind: .account,
                        resourceName: account.name, origin: account.origin, path: "spec.groups.\(i)"))
            }
        }
        for app in set.webApps {
            let (account, name) = (app.spec.account, app.name)
            func claim(_ object: String, _ derived: String) {
                claims.append(
                    Claim(
                        object: object, name: derived, account: account, kind: .webApp, resourceName: name,
                        origin: app.origin, path: "metadata.name"))
            }
            claim("nginx server block", SystemNames.serverBlock(account: account, app: name))
            if app.spec.type == .php {
                claim("php-fpm pool", SystemNames.pool(account: account, app: name))
            }
            if app.spec.tls != nil {
                claim("certificate copy", SystemNames.tlsCopy(state: "", account: account, app: name, key: false))
            }
        }
        return claims
    }

    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        // By position: a claim is copied into the table only as its index.
        struct Key: Hashable {
            var object: String
            var name: String
        }
        let all = claims(index.set)
        var first: [Key: Int] = [:]
        first.reserveCapacity(all.count)
        for (n, claim) in all.enumerated() {
            let key = Key(object: claim.object, name: claim.name)
            guard let earlierAt = first[key] else {
                first[key] = n
                continue
            }
            let earlier = all[earlierAt]
            // An account's own name listed again among its groups is the same group, said twice.
            if earlier.account == claim.account, earlier.kind == claim.kind,
                earlier.resourceName == claim.resourceName, claim.object == "group"
            {
                f.error(
                    claim.origin, claim.path, "account.group",
                    "'\(claim.name)' is already a group of account '\(claim.account)'",
                    hint: "list each group once; the main group '\(claim.account)' is the account's without listing")
                continue
            }
            let at = earlier.origin.location(earlier.path)
            f.error(
                claim.origin, claim.path, "tenancy.system-name",
                "the \(claim.object) '\(claim.name)' of \(claim.resource) is also the \(claim.object) of "
                    + "\(earlier.resource) of account '\(earlier.account)' (\(at.file):\(at.line))",
                hint: "names on a server are shared by every account: choose another name (see docs/rules.md)")
        }
        for account in index.set.accounts {
            for (i, group) in account.spec.groups.enumerated() {
                if let problem = groupProblem(group, account: account.name) {
                    f.error(
                        account.origin, "spec.groups.\(i)", "account.group", problem,
                        hint: "name the account's groups `\(account.name)-<purpose>`, e.g. `\(account.name)-developers`"
                    )
                }
            }
        }
        // Most users join no group: their account's groups are not gathered for them.
        for user in index.set.systemUsers where !user.spec.groups.isEmpty {
            let account = user.spec.account
            let own = SystemNames.groups(of: account, declared: index.accounts[account]?.spec.groups ?? [])
            for (i, group) in user.spec.groups.enumerated() where Names.isUserName(group) && !own.contains(group) {
                let message: String
                if Names.isReserved(group) {
                    message = "'\(group)' is a system group: no tenant's user may join it"
                } else if let other = index.accounts.values.first(where: {
                    $0.name != account && SystemNames.groups(of: $0.name, declared: $0.spec.groups).contains(group)
                }) {
                    message = "'\(group)' is a group of account '\(other.name)'"
                } else {
                    message = "'\(group)' is not a group of account '\(account)'"
                }
                f.error(
                    user.origin, "spec.groups.\(i)", "tenancy.group", message,
                    hint:
                        "a user joins only its account's groups: '\(account)' and those the Account lists in `groups:`")
            }
        }
    }

    /// Why `group` cannot be one of `account`'s declared groups, if it cannot.
    static func groupProblem(_ group: String, account: String) -> String? {
        if !Names.isUserName(group) {
            return "group name '\(group)' does not match ^[a-z_][a-z0-9_-]{0,31}$"
        }
        if Names.isReserved(group) { return "'\(group)' is a system group name" }
        if group != account, !SystemNames.isAccountGroup(group, of: account) {
            return "group '\(group)' of account '\(account)' does not start with '\(account)-'"
        }
        return nil
    }
}
