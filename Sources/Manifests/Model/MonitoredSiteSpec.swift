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

    public struct Alert: Sendable, Hashable {
        public var webhook: String
        public var sendOnResolved = true

        public init(webhook: String) {
            self.webhook = webhook
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

    public init(account: String, url: String) {
        self.account = account
        self.url = url
    }
}
