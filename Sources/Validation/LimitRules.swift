import Manifests

/// An account's `limits`: the resources past a limit are each reported where they are declared.
enum LimitRules {
    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        let domains = Dictionary(grouping: index.set.domains, by: \.spec.account)
        let webApps = Dictionary(grouping: index.set.webApps, by: \.spec.account)
        let users = Dictionary(grouping: index.set.systemUsers, by: \.spec.account)
        for account in index.set.accounts {
            let limits = account.spec.limits
            if let max = limits.domains {
                report(domains[account.name] ?? [], max, account, "domains", "limits.domains", &f)
            }
            if let max = limits.webApps {
                report(webApps[account.name] ?? [], max, account, "web apps", "limits.web-apps", &f)
            }
            if let max = limits.systemUsers {
                // The main user exists even without a manifest, and counts.
                let secondary = (users[account.name] ?? []).filter { $0.name != account.name }
                report(
                    secondary, max - 1, account, "system users (including the main user)", "limits.system-users", &f,
                    offset: 1)
            }
        }
    }

    static func report<S>(
        _ items: [Manifest<S>], _ max: Int, _ account: Account, _ what: String, _ rule: String, _ f: inout Findings,
        offset: Int = 0
    ) {
        guard items.count > max else { return }
        let ordered = items.sorted { $0.origin.location("metadata.name") < $1.origin.location("metadata.name") }
        for (position, item) in ordered.enumerated().dropFirst(Swift.max(0, max)) {
            f.error(
                item.origin, "metadata.name", rule,
                "account '\(account.name)' allows \(max + offset) \(what); '\(item.name)' is number "
                    + "\(position + 1 + offset) of \(items.count + offset)",
                hint: "raise `limits` in \(account.origin.file), or remove resources")
        }
    }
}
