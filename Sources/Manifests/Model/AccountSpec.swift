public struct AccountSpec: Sendable, Hashable {
    public struct Placement: Sendable, Hashable {
        public var web: String?
        /// The first server is the DNS primary, the others are secondaries.
        public var dns: [String] = []

        public init() {}
    }

    public struct Limits: Sendable, Hashable {
        public var domains: Int?
        public var webApps: Int?
        public var systemUsers: Int?
        /// Bytes; written `500M`, `10G`.
        public var diskQuota: Int64?

        public init() {}
    }

    public var contact: String
    public var active = true
    public var placement = Placement()
    public var limits = Limits()
    /// Groups of the account's own, beside its main group (named like the account): the only groups its users
    /// may join besides that one. Each is named `<account>-<purpose>`.
    public var groups: [String] = []
    /// When the account's changes may be applied (UTC); none: at any time.
    public var maintenance: [MaintenanceWindow] = []

    public init(contact: String) {
        self.contact = contact
    }
}
