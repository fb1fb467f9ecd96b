import Foundation
import Manifests

enum MonitorRules {
    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        for site in index.set.monitoredSites {
            let o = site.origin
            if let problem = urlProblem(site.spec.url) {
                f.error(
                    o, "spec.url", "monitor.url", "url '\(site.spec.url)' \(problem)",
                    hint: "write a full http:// or https:// URL, e.g. https://www.example.com/health")
            }
            for (i, alert) in site.spec.alerts.enumerated() {
                if let webhook = alert.webhook, let problem = urlProblem(webhook) {
                    f.error(
                        o, "spec.alerts.\(i)", "monitor.webhook", "webhook '\(webhook)' \(problem)",
                        hint: "write the webhook's full https:// URL")
                }
            }
            if site.spec.timeout >= site.spec.interval {
                f.error(
                    o, "spec.timeout", "monitor.timeout",
                    "timeout \(site.spec.timeout) is not shorter than the interval \(site.spec.interval)",
                    hint: "make the timeout shorter than the interval, e.g. interval 60s, timeout 10s")
            }
            if site.spec.interval.seconds < 10 {
                f.error(
                    o, "spec.interval", "monitor.interval", "interval \(site.spec.interval) is below the 10s minimum",
                    hint: "check at most every 10s")
            }
        }
    }

    static func urlProblem(_ text: String) -> String? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            return "is not a URL"
        }
        guard scheme == "http" || scheme == "https" else { return "uses '\(scheme):'; only http and https are checked" }
        guard let host = url.host, !host.isEmpty else { return "has no host" }
        if !(IPAddress.isIPv4(host) || IPAddress.isIPv6(withoutBrackets(host))),
            let problem = DNSName.hostProblem(host, allowUnderscore: false)
        {
            return "has an invalid host: \(problem)"
        }
        if url.user != nil || url.password != nil { return "holds credentials; keep secrets out of git" }
        return nil
    }

    /// `host` with every `[` and `]` at either end taken off, as `trimmingCharacters(in: "[]")` does, without a
    /// Foundation character set built for each of 10,000 sites.
    static func withoutBrackets(_ host: String) -> String {
        var scalars = Substring(host).unicodeScalars
        while let first = scalars.first, first == "[" || first == "]" { scalars.removeFirst() }
        while let last = scalars.last, last == "[" || last == "]" { scalars.removeLast() }
        return String(Substring(scalars))
    }
}
