/// The field names each kind accepts, by object path. The decoder reads exactly these keys (anything else is
/// an unknown key), and a test checks that `schemas/*.schema.json` declares the same names.
package enum ManifestSchema {
    package static let envelope = ["apiVersion", "kind", "metadata", "spec"]
    package static let metadata = ["name", "labels"]

    /// Object paths (`spec`, `spec.soa`, `spec.records[]`) to the keys allowed there.
    package static func objects(of kind: Kind) -> [String: [String]] {
        switch kind {
        case .server:
            return [
                "spec": ["address", "hostname", "port", "user", "hostKey", "roles", "paths"],
                "spec.paths": ["zones", "namedConf", "nginxSites", "phpFpmPools", "homes", "archive"],
            ]
        case .account:
            return [
                "spec": ["contact", "active", "placement", "limits", "groups", "maintenance"],
                "spec.maintenance[]": ["schedule", "duration"],
                "spec.placement": ["web", "dns"],
                "spec.limits": ["domains", "webApps", "systemUsers", "diskQuota"],
            ]
        case .systemUser:
            return [
                "spec": [
                    "account", "main", "home", "shell", "groups", "authorizedKeys", "passwordHash", "active", "purge",
                ]
            ]
        case .domain:
            return [
                "spec": ["account", "ttl", "soa", "records"],
                "spec.soa": ["rname", "refresh", "retry", "expire", "minimum"],
                "spec.records[]": ["name", "type", "ttl", "value"],
            ]
        case .webApp:
            return [
                "spec": ["account", "type", "user", "path", "publicRoot", "php", "domains", "tls"],
                "spec.php": ["version", "processes", "timeout", "ini"],
                "spec.tls": ["certificate", "key"],
            ]
        case .monitoredSite:
            return [
                "spec": [
                    "account", "url", "interval", "timeout", "expect", "conditions", "tls", "thresholds", "alerts",
                    "allowPrivate",
                ],
                "spec.expect": ["status", "bodyContains", "maxLatency"],
                "spec.tls": ["warnBefore"],
                "spec.thresholds": ["failure", "success"],
                "spec.alerts[]": ["webhook", "receiver", "format", "sendOnResolved"],
            ]
        }
    }

    static func keys(_ kind: Kind, _ path: String) -> [String] {
        for entry in table[slot(kind)] where entry.path == path { return entry.keys }
        return []
    }

    /// Built once: every document asks for its keys, and `objects(of:)` builds its dictionary anew each call. By
    /// position rather than by hash: a kind has at most five paths, and hashing two keys a lookup cost more.
    private static let table: [[(path: String, keys: [String])]] = Kind.allCases.sorted { slot($0) < slot($1) }.map {
        objects(of: $0).map { (path: $0.key, keys: $0.value) }
    }

    private static func slot(_ kind: Kind) -> Int {
        switch kind {
        case .server: 0
        case .account: 1
        case .systemUser: 2
        case .domain: 3
        case .webApp: 4
        case .monitoredSite: 5
        }
    }
}
