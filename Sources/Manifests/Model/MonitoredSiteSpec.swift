package struct MonitoredSiteSpec: Sendable, Hashable {
    /// An inclusive range of HTTP status codes; a single code is a range of one.
    package struct StatusRange: Sendable, Hashable {
        package var lower: Int
        package var upper: Int

        package init(lower: Int, upper: Int) {
            self.lower = lower
            self.upper = upper
        }

        package func contains(_ status: Int) -> Bool { (lower...upper).contains(status) }
    }

    package struct Expect: Sendable, Hashable {
        package var status = [StatusRange(lower: 200, upper: 399)]
        package var bodyContains: String?
        package var maxLatency: Duration?

        package init() {}
    }

    /// How an alert's body is written: Baton's JSON payload, or Slack-compatible `{"text": ...}`.
    package enum AlertFormat: String, Sendable, Hashable, CaseIterable {
        case json
        case slack
    }

    /// Where an alert goes: a literal URL (for URLs that hold no secret), or the name of a receiver whose URL
    /// lives in the daemon's configuration, never in git.
    package enum AlertTarget: Sendable, Hashable {
        case webhook(String)
        case receiver(String)
    }

    package struct Alert: Sendable, Hashable {
        package var target: AlertTarget
        package var sendOnResolved = true
        /// Nil: the receiver's own format (from the configuration), else `json`.
        package var format: AlertFormat?

        package init(target: AlertTarget) {
            self.target = target
        }

        package init(webhook: String) {
            self.target = .webhook(webhook)
        }

        package var webhook: String? {
            if case .webhook(let url) = target { return url }
            return nil
        }
    }

    package var account: String
    package var url: String
    package var interval = Duration.seconds(60)
    package var timeout = Duration.seconds(10)
    package var expect = Expect()
    package var tlsWarnBefore = Duration.days(14)
    package var failureThreshold = 3
    package var successThreshold = 2
    package var alerts: [Alert] = []
    /// Checks in the spirit of Gatus, beyond `expect`; all must hold for a check to pass.
    package var conditions: [MonitorCondition] = []
    /// Allows a URL that resolves to a loopback, private, link-local or otherwise non-public address. Off, such
    /// a site is refused (`refusedPrivate`): a manifest must not turn the daemon into a probe of its own network.
    package var allowPrivate = false

    package init(account: String, url: String) {
        self.account = account
        self.url = url
    }
}
