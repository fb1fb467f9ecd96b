import Foundation
import Manifests
import StatusStore

/// Up or down, as the thresholds decide; `unknown` until the first decision.
package enum SiteHealth: String, Sendable, Hashable, Codable {
    case unknown
    case up
    case down
}

/// What the state machine decided from one result, for the alerts and the status branch.
package enum SiteEvent: Sendable, Hashable {
    /// `failure` checks in a row failed: the site is down.
    case wentDown
    /// `success` checks in a row passed after a reported down period.
    case cameUp(downSince: Date?)
    /// The certificate entered its warning window: once per serial.
    case certificateWarning(serial: String, notAfter: Date)
}

/// One site's state between checks: the thresholds' counters, the alert ledger and the last results (bounded).
/// A value: the scheduler owns it, the status branch keeps it (`MonitorFile`), a restart restores it.
package struct SiteState: Sendable, Hashable {
    package var site: String
    package var account: String
    package var url: String
    package var health: SiteHealth = .unknown
    package var since: Date?
    package var failure: Failure?
    package var consecutiveFailures = 0
    package var consecutiveSuccesses = 0
    /// A down alert went out for the current down period: a restart must not send it again.
    package var alerted = false
    /// Serials a TLS warning went out for (the newest few).
    package var warnedSerials: [String] = []
    package var certificate: CertificateInfo?
    /// Newest last, at most `keep`.
    package var results: [MonitorFile.Result] = []

    package static let keptSerials = 8

    package init(site: String, account: String, url: String) {
        self.site = site
        self.account = account
        self.url = url
    }

    /// Counts the result against the thresholds and says what changed. `keep` bounds the results kept.
    package mutating func record(_ result: CheckResult, spec: MonitoredSiteSpec, keep: Int) -> [SiteEvent] {
        var events: [SiteEvent] = []
        results.append(
            MonitorFile.Result(
                time: Self.timestamp(result.started), up: result.isUp,
                failureClass: result.failure?.failureClass.rawValue, status: result.status,
                milliseconds: Int(result.totalMilliseconds.rounded())))
        if results.count > keep { results.removeFirst(results.count - keep) }
        if let certificate = result.certificate { self.certificate = certificate }
        if result.isUp {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            switch health {
            case .unknown:
                // Nothing was reported: the first pass is enough to call it up.
                health = .up
                since = result.started
                failure = nil
            case .down where consecutiveSuccesses >= spec.successThreshold:
                let downSince = since
                let wasAlerted = alerted
                health = .up
                since = result.started
                failure = nil
                alerted = false
                if wasAlerted { events.append(.cameUp(downSince: downSince)) }
            case .up, .down:
                break
            }
            if result.certificateWarning, let certificate = result.certificate,
                !warnedSerials.contains(certificate.serial)
            {
                warnedSerials.append(certificate.serial)
                if warnedSerials.count > Self.keptSerials { warnedSerials.removeFirst() }
                events.append(.certificateWarning(serial: certificate.serial, notAfter: certificate.notAfter))
            }
        } else {
            consecutiveFailures += 1
            consecutiveSuccesses = 0
            if health == .down {
                // Still down: the newest explanation replaces the old one, the period and its alert stay.
                failure = result.failure
            } else if consecutiveFailures >= spec.failureThreshold {
                health = .down
                since = result.started
                failure = result.failure
                events.append(.wentDown)
            }
        }
        return events
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

extension SiteState {
    /// The state as the status branch keeps it.
    package var file: MonitorFile {
        var f = MonitorFile(site: site, account: account, url: url, state: health.rawValue)
        f.since = since.map(Self.timestamp)
        f.failureClass = failure?.failureClass.rawValue
        f.explanation = failure?.explanation ?? ""
        f.hint = failure?.hint ?? ""
        f.consecutiveFailures = consecutiveFailures
        f.consecutiveSuccesses = consecutiveSuccesses
        f.alerted = alerted
        f.warnedSerials = warnedSerials
        f.certificateSerial = certificate?.serial
        f.certificateNotAfter = certificate.map { Self.timestamp($0.notAfter) }
        f.results = results
        return f
    }

    /// A state restored from the status branch.
    package init(file f: MonitorFile) {
        self.init(site: f.site, account: f.account, url: f.url)
        health = SiteHealth(rawValue: f.state) ?? .unknown
        since = Self.date(f.since)
        if let name = f.failureClass, let failureClass = FailureClass(rawValue: name) {
            failure = Failure(failureClass, explanation: f.explanation, hint: f.hint)
        }
        consecutiveFailures = f.consecutiveFailures
        consecutiveSuccesses = f.consecutiveSuccesses
        alerted = f.alerted
        warnedSerials = f.warnedSerials
        if let serial = f.certificateSerial, let notAfter = Self.date(f.certificateNotAfter) {
            certificate = CertificateInfo(
                subjectNames: [], issuer: "", serial: serial, notBefore: notAfter, notAfter: notAfter)
        }
        results = f.results
    }
}
