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

    struct Row {
        var kind: String
        var name: String
        var account: String?
        var file: String
        var line: Int
    }

    var rows: [Row] {
        var rows: [Row] = []
        func add<S>(_ items: [Manifest<S>], _ kind: Kind, _ account: (Manifest<S>) -> String?) {
            for item in items {
                let at = item.origin.location("metadata.name")
                rows.append(
                    Row(kind: kind.rawValue, name: item.name, account: account(item), file: at.file, line: at.line))
            }
        }
        add(set.servers, .server) { _ in nil }
        add(set.accounts, .account) { $0.name }
        add(set.systemUsers, .systemUser) { $0.spec.account }
        add(set.domains, .domain) { $0.spec.account }
        add(set.webApps, .webApp) { $0.spec.account }
        add(set.monitoredSites, .monitoredSite) { $0.spec.account }
        return rows
    }

    var table: String {
        let cells =
            [["KIND", "NAME", "ACCOUNT", "DECLARED AT"]]
            + rows.map { [$0.kind, $0.name, $0.account ?? "-", "\($0.file):\($0.line)"] }
        let widths = (0..<4).map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            row.enumerated().map { i, cell in
                i == 3 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
            }
            .joined()
        }.joined(separator: "\n")
    }
}
