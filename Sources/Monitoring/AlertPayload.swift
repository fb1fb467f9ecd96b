import Foundation
import StatusStore

/// The JSON an alert POSTs (documented in docs/monitoring.md). `version` rises when a field changes meaning.
public struct AlertPayload: Sendable, Hashable, Codable {
    public struct Certificate: Sendable, Hashable, Codable {
        public var serial: String
        public var notAfter: String
        public var daysLeft: Int
    }

    public struct Result: Sendable, Hashable, Codable {
        public var time: String
        public var up: Bool
        public var `class`: String?
        public var status: Int?
        public var ms: Int
    }

    public var version = 1
    /// `down`, `up` or `certificate`.
    public var event: String
    public var site: String
    public var account: String
    public var url: String
    /// The site's state after the event: `down` or `up`.
    public var state: String
    public var `class`: String?
    public var explanation: String
    public var hint: String
    /// When the current state began (RFC 3339, UTC).
    public var since: String?
    /// When the event was decided.
    public var time: String
    public var certificate: Certificate?
    /// Newest last.
    public var lastResults: [Result]

    public init(event: SiteEvent, state: SiteState, now: Date) {
        switch event {
        case .wentDown: self.event = "down"
        case .cameUp: self.event = "up"
        case .certificateWarning: self.event = "certificate"
        }
        site = state.site
        account = state.account
        url = state.url
        self.state = state.health == .down ? "down" : "up"
        `class` = state.failure?.failureClass.rawValue
        switch event {
        case .wentDown:
            explanation = state.failure?.explanation ?? ""
            hint = state.failure?.hint ?? ""
        case .cameUp(let downSince):
            let minutes = downSince.map { Int(now.timeIntervalSince($0) / 60) }
            explanation =
                "\(state.site) answers again" + (minutes.map { " after about \($0) minute(s) down" } ?? "") + "."
            hint = ""
        case .certificateWarning(_, let notAfter):
            let days = Int(notAfter.timeIntervalSince(now) / 86400)
            explanation =
                "The certificate of \(state.url) expires on \(SiteState.timestamp(notAfter)), in \(days) day(s)."
            hint =
                "Renew it before then (`certbot renew`, or check why automatic renewal did not run), then reload the "
                + "web server. This warning is sent once per certificate."
        }
        since = state.since.map(SiteState.timestamp)
        time = SiteState.timestamp(now)
        if case .certificateWarning(let serial, let notAfter) = event {
            certificate = Certificate(
                serial: serial, notAfter: SiteState.timestamp(notAfter),
                daysLeft: Int(notAfter.timeIntervalSince(now) / 86400))
        }
        lastResults = state.results.suffix(5).map {
            Result(time: $0.time, up: $0.up, class: $0.failureClass, status: $0.status, ms: $0.milliseconds)
        }
    }

    public func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(self)) ?? Data())
    }

    /// Slack-compatible: `{"text": "..."}` (Slack, Mattermost, Rocket.Chat and Discord's /slack endpoint).
    public func slack() -> [UInt8] {
        let icon = event == "down" ? ":red_circle:" : event == "up" ? ":large_green_circle:" : ":warning:"
        var text = "\(icon) *\(site)* (\(account)) is \(event == "certificate" ? "up; certificate expiring" : state)"
        if let failureClass = `class`, event == "down" { text += " — `\(failureClass)`" }
        text += "\n\(url)\n\(explanation)"
        if !hint.isEmpty { text += "\n_What to check:_ \(hint)" }
        let body = ["text": text]
        return Array((try? JSONEncoder().encode(body)) ?? Data())
    }
}
