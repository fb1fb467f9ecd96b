/// A record type by its mnemonic. The nine a hosting user writes most are checked field by field by the
/// record rules; the others are written as in a zone file and checked by the zone checkers.
public struct RecordType: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    public let rawValue: String

    public init?(rawValue: String) {
        guard Self.known.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ name: String) {
        rawValue = name
    }

    public var description: String { rawValue }

    public static let A = RecordType("A")
    public static let AAAA = RecordType("AAAA")
    public static let CNAME = RecordType("CNAME")
    public static let MX = RecordType("MX")
    public static let NS = RecordType("NS")
    public static let TXT = RecordType("TXT")
    public static let SRV = RecordType("SRV")
    public static let CAA = RecordType("CAA")
    public static let PTR = RecordType("PTR")
    public static let SPF = RecordType("SPF")
    public static let DNAME = RecordType("DNAME")

    /// The types whose values the record rules parse (`record.a`, `record.mx`, ...).
    public static let validated: [RecordType] = [.A, .AAAA, .CNAME, .MX, .NS, .TXT, .SRV, .CAA, .PTR]

    /// Data types a zone may hold. Not here: SOA (Baton writes it from `soa:`), and the DNSSEC signature
    /// types RRSIG, NSEC, NSEC3 and NSEC3PARAM, which the signer adds; obsolete and meta types.
    public static let allCases: [RecordType] =
        validated
        + [
            "SPF", "DNAME", "DS", "DNSKEY", "CDS", "CDNSKEY", "TLSA", "SMIMEA", "SSHFP", "HTTPS", "SVCB", "NAPTR",
            "HINFO", "LOC", "RP", "URI", "CERT", "OPENPGPKEY", "DHCID", "IPSECKEY", "KX", "AFSDB", "ZONEMD", "CSYNC",
            "HIP", "EUI48", "EUI64", "RESINFO", "WALLET", "AMTRELAY", "APL", "L32", "L64", "LP", "NID", "TA", "KEY",
            "NSAP", "X25", "ISDN", "RT", "PX", "GPOS", "MINFO", "WKS", "AVC", "DOA", "NINFO", "RKEY", "TALINK", "SINK",
            "ATMA", "EID", "NIMLOC",
        ].map(RecordType.init)

    static let known = Set(allCases.map(\.rawValue))
}

public struct DNSRecord: Sendable, Hashable {
    /// Relative to the zone; `@` is the apex.
    public var name: String
    public var type: RecordType
    public var ttl: Duration?
    public var value: String
    /// TXT and SPF data given as a list: the character-strings exactly as written (each at most 255 bytes),
    /// where their boundaries matter. `value` then holds them joined.
    public var strings: [String]?
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
        a.name == b.name && a.type == b.type && a.ttl == b.ttl && a.value == b.value && a.strings == b.strings
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
