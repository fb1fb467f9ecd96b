import Foundation
import StatusStore

/// The JSON an alert POSTs (documented in docs/monitoring.md). `version` rises when a field changes meaning.
package struct AlertPayload: Sendable, Hashable, Codable {
    package struct Certificate: Sendable, Hashable, Codable {
        package var serial: String
        package var notAfter: String
        package var daysLeft: Int
    }

    package struct Result: Sendable, Hashable, Codable {
        package var time: String
        package var up: Bool
        package var `class`: String?
        package var status: Int?
        package var ms: Int
    }

    package var version = 1
    /// `down`, `up` or `certificate`.
    package var event: String
    package var site: String
    package var account: String
    package var url: String
    /// The site's state after the event: `down` or `up`.
    package var state: String
    package var `class`: String?
    package var explanation: String
    package var hint: String
    /// When the current state began (RFC 3339, UTC).
    package var since: String?
    /// When the event was decided.
    package var time: String
    package var certificate: Certificate?
    /// Newest last.
    package var lastResults: [Result]

    package init(event: SiteEvent, state: SiteState, now: Date) {
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

    package func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(self)) ?? Data())
    }

    /// Slack-compatible: `{"text": "..."}` (Slack, Mattermost, Rocket.Chat and Discord's /slack endpoint).
    package func slack() -> [UInt8] {
        let icon = event == "down" ? ":red_circle:" : event == "up" ? ":large_green_circle:" : ":warning:"
        var text = "\(icon) *\(site)* (\(account)) is \(event == "certificate" ? "up; certificate expiring" : state)"
        if let failureClass = `class`, event == "down" { text += " — `\(failureClass)`" }
        text += "\n\(url)\n\(explanation)"
        if !hint.isEmpty { text += "\n_What to check:_ \(hint)" }
        let body = ["text": text]
        return Array((try? JSONEncoder().encode(body)) ?? Data())
    }
}
