public struct MonitoredSiteSpec: Sendable, Hashable {
    /// An inclusive range of HTTP status codes; a single code is a range of one.
    public struct StatusRange: Sendable, Hashable {
        public var lower: Int
        public var upper: Int

        public init(lower: Int, upper: Int) {
            self.lower = lower
            self.upper = upper
        }

        public func contains(_ status: Int) -> Bool { (lower...upper).contains(status) }
    }

    public struct Expect: Sendable, Hashable {
        public var status = [StatusRange(lower: 200, upper: 399)]
        public var bodyContains: String?
        public var maxLatency: Duration?

        public init() {}
    }

    /// How an alert's body is written: Baton's JSON payload, or Slack-compatible `{"text": ...}`.
    public enum AlertFormat: String, Sendable, Hashable, CaseIterable {
        case json
        case slack
    }

    /// Where an alert goes: a literal URL (for URLs that hold no secret), or the name of a receiver whose URL
    /// lives in the daemon's configuration, never in git.
    public enum AlertTarget: Sendable, Hashable {
        case webhook(String)
        case receiver(String)
    }

    public struct Alert: Sendable, Hashable {
        public var target: AlertTarget
        public var sendOnResolved = true
        /// Nil: the receiver's own format (from the configuration), else `json`.
        public var format: AlertFormat?

        public init(target: AlertTarget) {
            self.target = target
        }

        public init(webhook: String) {
            self.target = .webhook(webhook)
        }

        public var webhook: String? {
            if case .webhook(let url) = target { return url }
            return nil
        }
    }

    public var account: String
    public var url: String
    public var interval = Duration.seconds(60)
    public var timeout = Duration.seconds(10)
    public var expect = Expect()
    public var tlsWarnBefore = Duration.days(14)
    public var failureThreshold = 3
    public var successThreshold = 2
    public var alerts: [Alert] = []
    /// Checks in the spirit of Gatus, beyond `expect`; all must hold for a check to pass.
    public var conditions: [MonitorCondition] = []
    /// Allows a URL that resolves to a loopback, private, link-local or otherwise non-public address. Off, such
    /// a site is refused (`refusedPrivate`): a manifest must not turn the daemon into a probe of its own network.
    public var allowPrivate = false

    public init(account: String, url: String) {
        self.account = account
        self.url = url
    }
}
