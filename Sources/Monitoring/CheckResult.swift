import Foundation

/// One step of one request (a redirect adds steps of its own), with its time.
package struct StepTiming: Sendable, Hashable, Codable {
    package var step: CheckStep
    package var milliseconds: Double
    package var ok: Bool
    /// What the step found, for a person: the addresses, the certificate, the status.
    package var note: String
    /// 0 for the site's URL, n for the n-th redirect.
    package var hop: Int

    package init(step: CheckStep, milliseconds: Double, ok: Bool, note: String, hop: Int) {
        self.step = step
        self.milliseconds = milliseconds
        self.ok = ok
        self.note = note
        self.hop = hop
    }
}

/// The certificate a TLS server presented.
package struct CertificateInfo: Sendable, Hashable, Codable {
    package var subjectNames: [String]
    package var issuer: String
    /// Hex bytes, `0a:1f:...`: what a TLS warning is sent once for.
    package var serial: String
    package var notBefore: Date
    package var notAfter: Date

    package func daysLeft(at now: Date) -> Int { Int((notAfter.timeIntervalSince(now) / 86400).rounded(.down)) }
}

/// What one check of a site found.
package struct CheckResult: Sendable, Hashable {
    package var site: String
    package var url: String
    package var started: Date
    package var steps: [StepTiming] = []
    package var failure: Failure?
    /// The final response's status, after redirects.
    package var status: Int?
    package var headers: [(name: String, value: String)] = []
    package var body: [UInt8] = []
    /// The page was longer than the checker reads (`CheckSettings.bodyLimit`): `body` is its beginning.
    package var bodyCut = false
    /// The address the final request went to.
    package var ip: IPAddress?
    package var dnsRcode = "NOERROR"
    /// From the start of DNS to the end of the last body, redirects included: what a visitor waits.
    package var totalMilliseconds: Double = 0
    package var certificate: CertificateInfo?
    /// The URLs followed, the first being the site's own.
    package var chain: [String] = []
    /// A certificate warning window was entered (the site is up, the certificate ends within `tls.warnBefore`).
    package var certificateWarning = false

    package var isUp: Bool { failure == nil }

    package init(site: String, url: String, started: Date) {
        self.site = site
        self.url = url
        self.started = started
    }

    package func milliseconds(of step: CheckStep) -> Double {
        steps.filter { $0.step == step }.reduce(0) { $0 + $1.milliseconds }
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    package static func == (a: CheckResult, b: CheckResult) -> Bool {
        a.site == b.site && a.started == b.started && a.steps == b.steps && a.failure == b.failure
            && a.status == b.status
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(site)
        hasher.combine(started)
    }
}
