package struct AccountSpec: Sendable, Hashable {
    package struct Placement: Sendable, Hashable {
        package var web: String?
        /// The first server is the DNS primary, the others are secondaries.
        package var dns: [String] = []

        package init() {}
    }

    package struct Limits: Sendable, Hashable {
        package var domains: Int?
        package var webApps: Int?
        package var systemUsers: Int?
        /// Bytes; written `500M`, `10G`.
        package var diskQuota: Int64?

        package init() {}
    }

    package var contact: String
    package var active = true
    package var placement = Placement()
    package var limits = Limits()
    /// Groups of the account's own, beside its main group (named like the account): the only groups its users
    /// may join besides that one. Each is named `<account>-<purpose>`.
    package var groups: [String] = []
    /// When the account's changes may be applied (UTC); none: at any time.
    package var maintenance: [MaintenanceWindow] = []

    package init(contact: String) {
        self.contact = contact
    }
}
