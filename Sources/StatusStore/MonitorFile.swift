import GitStore
import Manifests

/// `monitors/<site>.yaml`: a monitored site's state, the facts behind it and its alert ledger, so that a daemon
/// that restarts picks up where it stopped (a site already reported down is not reported again).
package struct MonitorFile: Sendable, Hashable {
    package static let formatVersion = 1
    package static let states = ["unknown", "up", "down"]

    /// One check, in brief.
    package struct Result: Sendable, Hashable {
        package var time: String
        package var up: Bool
        package var failureClass: String?
        package var status: Int?
        package var milliseconds: Int

        package init(time: String, up: Bool, failureClass: String?, status: Int?, milliseconds: Int) {
            self.time = time
            self.up = up
            self.failureClass = failureClass
            self.status = status
            self.milliseconds = milliseconds
        }
    }

    package var site: String
    package var account: String
    package var url: String
    package var state: String
    /// When the state began (RFC 3339, UTC).
    package var since: String?
    package var failureClass: String?
    package var explanation: String = ""
    package var hint: String = ""
    package var consecutiveFailures = 0
    package var consecutiveSuccesses = 0
    /// A down alert went out for the current down period.
    package var alerted = false
    /// Certificates (by serial) a TLS warning was sent for.
    package var warnedSerials: [String] = []
    package var certificateSerial: String?
    package var certificateNotAfter: String?
    /// Newest last.
    package var results: [Result] = []

    package init(site: String, account: String, url: String, state: String) {
        self.site = site
        self.account = account
        self.url = url
        self.state = state
    }

    package static func path(of site: String) -> String { "monitors/\(site).yaml" }

    package func render() -> String {
        let q = YAMLText.quoted
        var out = "# Written by Baton: the last checks of a monitored site. Do not edit.\n"
        out += "formatVersion: \(Self.formatVersion)\n"
        out += "site: \(q(site))\naccount: \(q(account))\nurl: \(q(url))\nstate: \(state)\n"
        out += "since: \(since.map(q) ?? "null")\n"
        out += "class: \(failureClass.map(q) ?? "null")\n"
        out += "explanation: \(q(explanation))\nhint: \(q(hint))\n"
        out += "consecutiveFailures: \(consecutiveFailures)\nconsecutiveSuccesses: \(consecutiveSuccesses)\n"
        out += "alerted: \(alerted)\n"
        out += "warnedSerials: [\(warnedSerials.map(q).joined(separator: ", "))]\n"
        out += "certificate: "
        if let certificateSerial {
            out += "{serial: \(q(certificateSerial)), notAfter: \(certificateNotAfter.map(q) ?? "null")}\n"
        } else {
            out += "null\n"
        }
        out += results.isEmpty ? "results: []\n" : "results:\n"
        for r in results {
            out +=
                "  - {time: \(q(r.time)), up: \(r.up), class: \(r.failureClass.map(q) ?? "null"), "
                + "status: \(r.status.map(String.init) ?? "null"), ms: \(r.milliseconds)}\n"
        }
        return out
    }

    package static func parse(_ bytes: [UInt8], file: String) throws -> MonitorFile {
        let root = try StatusNode.parse(bytes, file: file)
        try FormatVersion.check(root, supported: formatVersion)
        let stateNode = try root.required("state")
        let state = try stateNode.string()
        guard states.contains(state) else {
            throw stateNode.fail("unknown state '\(state)' (expected \(states.joined(separator: ", ")))")
        }
        var f = MonitorFile(
            site: try root.string("site"), account: try root.string("account"), url: try root.string("url"),
            state: state)
        f.since = try root.optional("since")?.string()
        f.failureClass = try root.optional("class")?.string()
        f.explanation = try root.optional("explanation")?.string() ?? ""
        f.hint = try root.optional("hint")?.string() ?? ""
        f.consecutiveFailures = try root.optional("consecutiveFailures")?.int() ?? 0
        f.consecutiveSuccesses = try root.optional("consecutiveSuccesses")?.int() ?? 0
        f.alerted = try root.optional("alerted")?.string() == "true"
        f.warnedSerials = try root.optional("warnedSerials")?.items().map { try $0.string() } ?? []
        if let certificate = try root.optional("certificate") {
            f.certificateSerial = try certificate.string("serial")
            f.certificateNotAfter = try certificate.optional("notAfter")?.string()
        }
        for item in try root.optional("results")?.items() ?? [] {
            f.results.append(
                Result(
                    time: try item.string("time"), up: try item.string("up") == "true",
                    failureClass: try item.optional("class")?.string(), status: try item.optional("status")?.int(),
                    milliseconds: try item.optional("ms")?.int() ?? 0))
        }
        return f
    }
}

extension StatusBranch {
    /// Every monitored site's file at the branch's tip; an empty list when there is no branch or no monitor.
    package func monitors() throws -> [MonitorFile] {
        guard let tip = try tip() else { return [] }
        var files: [MonitorFile] = []
        for name in try repository.names(in: "monitors", at: tip).sorted() where name.hasSuffix(".yaml") {
            let path = "monitors/\(name)"
            guard let bytes = try repository.file(atRoot: path, commit: tip) else { continue }
            files.append(try MonitorFile.parse(bytes, file: "\(self.name):\(path)"))
        }
        return files
    }

    /// Commits monitor files (nil deletes one) on the branch's tip, pushing where there is a remote. A branch
    /// that so far holds only monitors reads as nothing applied (see `snapshot`).
    @discardableResult
    package func recordMonitors(
        _ files: [String: MonitorFile?], message: String, options: RemoteOptions = RemoteOptions()
    )
        throws -> Recorded
    {
        try record(applied: nil, message: message, options: options) { _ in
            files.reduce(into: [String: [UInt8]?]()) { out, item in
                out[MonitorFile.path(of: item.key)] = item.value.map { Array($0.render().utf8) }
            }
        }
    }
}
