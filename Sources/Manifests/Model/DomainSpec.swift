public enum RecordType: String, Sendable, Hashable, CaseIterable {
    case A, AAAA, CNAME, MX, NS, TXT, SRV, CAA, PTR
}

public struct DNSRecord: Sendable, Hashable {
    /// Relative to the zone; `@` is the apex.
    public var name: String
    public var type: RecordType
    public var ttl: Duration?
    public var value: String
    /// Where the record's `name`, `type` and `value` were written: records are many, so they carry their own.
    public var marks: Marks

    public struct Marks: Sendable, Hashable {
        public var item: Mark
        public var name: Mark
        public var type: Mark
        public var ttl: Mark
        public var value: Mark

        public init(item: Mark, name: Mark, type: Mark, ttl: Mark, value: Mark) {
            self.item = item
            self.name = name
            self.type = type
            self.ttl = ttl
            self.value = value
        }
    }

    public init(name: String, type: RecordType, ttl: Duration? = nil, value: String, marks: Marks) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.value = value
        self.marks = marks
    }

    public static func == (a: DNSRecord, b: DNSRecord) -> Bool {
        a.name == b.name && a.type == b.type && a.ttl == b.ttl && a.value == b.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(type)
        hasher.combine(value)
    }
}

public struct DomainSpec: Sendable, Hashable {
    public struct SOA: Sendable, Hashable {
        /// An email address; `nil` means `hostmaster@<domain>`.
        public var rname: String?
        public var refresh = Duration.days(1)
        public var retry = Duration.hours(2)
        public var expire = Duration.weeks(4)
        public var minimum = Duration.hours(1)

        public init() {}
    }

    public var account: String
    public var ttl = Duration.hours(1)
    public var soa = SOA()
    public var records: [DNSRecord] = []

    public init(account: String) {
        self.account = account
    }
}
