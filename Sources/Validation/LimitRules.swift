import Manifests

/// An account's `limits`: the resources past a limit are each reported where they are declared.
enum LimitRules {
    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        // Positions, not copies of the resources: only an account over a limit needs its resources.
        let domains = positions(index.set.domains) { $0.spec.account }
        let webApps = positions(index.set.webApps) { $0.spec.account }
        let users = positions(index.set.systemUsers) { $0.spec.account }
        for account in index.set.accounts {
            let limits = account.spec.limits
            if let max = limits.domains {
                report(
                    pick(index.set.domains, domains[account.name], over: max), max, account, "domains",
                    "limits.domains", &f)
            }
            if let max = limits.webApps {
                report(
                    pick(index.set.webApps, webApps[account.name], over: max), max, account, "web apps",
                    "limits.web-apps", &f)
            }
            if let max = limits.systemUsers {
                // The main user exists even without a manifest, and counts.
                let secondary = (users[account.name] ?? []).filter { index.set.systemUsers[$0].name != account.name }
                report(
                    pick(index.set.systemUsers, secondary, over: max - 1), max - 1, account,
                    "system users (including the main user)", "limits.system-users", &f, offset: 1)
            }
        }
    }

    /// Each account's resources of one kind, as positions in `items`.
    static func positions<S>(_ items: [Manifest<S>], _ account: (Manifest<S>) -> String) -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for i in items.indices { result[account(items[i]), default: []].append(i) }
        return result
    }

    /// The resources at `positions`, or none when they are within `max` (nothing to report).
    static func pick<S>(_ items: [Manifest<S>], _ positions: [Int]?, over max: Int) -> [Manifest<S>] {
        guard let positions, positions.count > max else { return [] }
        return positions.map { items[$0] }
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
