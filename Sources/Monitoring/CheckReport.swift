import Foundation
import StatusStore

/// A check and the monitors/ files in words, for `baton monitor check` and `baton monitor status`.
package enum CheckReport {
    package static func text(_ result: CheckResult) -> String {
        var out = "\(result.site): \(result.url)\n"
        for step in result.steps {
            let mark = step.ok ? "ok  " : "FAIL"
            let hop = step.hop > 0 ? " (redirect \(step.hop))" : ""
            let ms = String(format: "%8.1f ms", step.milliseconds)
            out +=
                "  \(mark) \(step.step.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0))\(ms)  \(step.note)\(hop)\n"
        }
        if result.chain.count > 1 { out += "  redirects: \(result.chain.joined(separator: " → "))\n" }
        if let failure = result.failure {
            out += "DOWN [\(failure.failureClass.rawValue)] \(failure.explanation)\n"
            out += "  hint: \(failure.hint)\n"
            if !failure.detail.isEmpty { out += "  detail: \(failure.detail)\n" }
        } else {
            out += "UP HTTP \(result.status ?? 0) in \(Int(result.totalMilliseconds.rounded())) ms"
            if let certificate = result.certificate {
                out += ", certificate \(certificate.daysLeft(at: result.started)) day(s) left"
                if result.certificateWarning { out += " (inside tls.warnBefore: renew it)" }
            }
            out += "\n"
        }
        return out
    }

    package static func json(_ result: CheckResult) -> String {
        struct Out: Encodable {
            /// As every `--format json` document of Baton's (docs/json-output.md).
            var formatVersion = 1
            var site: String
            var url: String
            var up: Bool
            var `class`: String?
            var explanation: String?
            var hint: String?
            var status: Int?
            var ip: String?
            var totalMs: Double
            var steps: [StepTiming]
            var certificate: CertificateInfo?
            var redirects: [String]
        }
        let out = Out(
            site: result.site, url: result.url, up: result.isUp, class: result.failure?.failureClass.rawValue,
            explanation: result.failure?.explanation, hint: result.failure?.hint, status: result.status,
            ip: result.ip?.description, totalMs: result.totalMilliseconds, steps: result.steps,
            certificate: result.certificate, redirects: result.chain)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(out)) ?? Data(), as: UTF8.self)
    }

    package static func status(_ files: [MonitorFile]) -> String {
        guard !files.isEmpty else { return "No monitored site has been checked yet.\n" }
        var out = ""
        for f in files {
            out += "\(f.site) (\(f.account)): \(f.state)"
            if let since = f.since { out += " since \(since)" }
            if let last = f.results.last {
                out += ", last check \(last.time) \(last.up ? "passed" : "failed") in \(last.milliseconds) ms"
            }
            out += "\n"
            if f.state == "down" || f.results.last?.up == false, let failureClass = f.failureClass {
                out += "  [\(failureClass)] \(f.explanation)\n"
                if !f.hint.isEmpty { out += "  hint: \(f.hint)\n" }
            }
        }
        let down = files.filter { $0.state == "down" }.count
        out += "\(files.count) site(s): \(files.filter { $0.state == "up" }.count) up, \(down) down.\n"
        return out
    }
}
