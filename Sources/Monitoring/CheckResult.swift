import Foundation

/// One step of one request (a redirect adds steps of its own), with its time.
public struct StepTiming: Sendable, Hashable, Codable {
    public var step: CheckStep
    public var milliseconds: Double
    public var ok: Bool
    /// What the step found, for a person: the addresses, the certificate, the status.
    public var note: String
    /// 0 for the site's URL, n for the n-th redirect.
    public var hop: Int

    public init(step: CheckStep, milliseconds: Double, ok: Bool, note: String, hop: Int) {
        self.step = step
        self.milliseconds = milliseconds
        self.ok = ok
        self.note = note
        self.hop = hop
    }
}

/// The certificate a TLS server presented.
public struct CertificateInfo: Sendable, Hashable, Codable {
    public var subjectNames: [String]
    public var issuer: String
    /// Hex bytes, `0a:1f:...`: what a TLS warning is sent once for.
    public var serial: String
    public var notBefore: Date
    public var notAfter: Date

    public func daysLeft(at now: Date) -> Int { Int((notAfter.timeIntervalSince(now) / 86400).rounded(.down)) }
}

/// What one check of a site found.
public struct CheckResult: Sendable, Hashable {
    public var site: String
    public var url: String
    public var started: Date
    public var steps: [StepTiming] = []
    public var failure: Failure?
    /// The final response's status, after redirects.
    public var status: Int?
    public var headers: [(name: String, value: String)] = []
    public var body: [UInt8] = []
    /// The address the final request went to.
    public var ip: IPAddress?
    public var dnsRcode = "NOERROR"
    /// From the start of DNS to the end of the last body, redirects included: what a visitor waits.
    public var totalMilliseconds: Double = 0
    public var certificate: CertificateInfo?
    /// The URLs followed, the first being the site's own.
    public var chain: [String] = []
    /// A certificate warning window was entered (the site is up, the certificate ends within `tls.warnBefore`).
    public var certificateWarning = false

    public var isUp: Bool { failure == nil }

    public init(site: String, url: String, started: Date) {
        self.site = site
        self.url = url
        self.started = started
    }

    public func milliseconds(of step: CheckStep) -> Double {
        steps.filter { $0.step == step }.reduce(0) { $0 + $1.milliseconds }
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func == (a: CheckResult, b: CheckResult) -> Bool {
        a.site == b.site && a.started == b.started && a.steps == b.steps && a.failure == b.failure
            && a.status == b.status
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(site)
        hasher.combine(started)
    }
}
