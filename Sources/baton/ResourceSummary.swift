import Engine
import Manifests

/// What a repository declares, counted and listed for people.
struct ResourceSummary {
    let set: ManifestSet

    init(_ set: ManifestSet) {
        self.set = set
    }

    var line: String {
        let parts = Kind.allCases.map { kind -> String in
            let n = set.count(of: kind)
            return "\(n) \(kind.rawValue)\(n == 1 ? "" : "s")"
        }
        return "\(set.count) resources (\(parts.joined(separator: ", ")))"
    }

    var table: String {
        var rows: [[String]] = [["KIND", "NAME", "ACCOUNT", "DECLARED AT"]]
        func add<S>(_ items: [Manifest<S>], _ kind: Kind, _ account: (Manifest<S>) -> String) {
            for item in items {
                let at = item.origin.location("metadata.name")
                rows.append([kind.rawValue, item.name, account(item), "\(at.file):\(at.line)"])
            }
        }
        add(set.servers, .server) { _ in "-" }
        add(set.accounts, .account) { $0.name }
        add(set.systemUsers, .systemUser) { $0.spec.account }
        add(set.domains, .domain) { $0.spec.account }
        add(set.webApps, .webApp) { $0.spec.account }
        add(set.monitoredSites, .monitoredSite) { $0.spec.account }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == 3 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
            }
            .joined()
        }.joined(separator: "\n")
    }
}
