/// A record type by its mnemonic. The nine a hosting user writes most are checked field by field by the
/// record rules; the others are written as in a zone file and checked by the zone checkers.
package struct RecordType: RawRepresentable, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    package let rawValue: String

    package init?(rawValue: String) {
        guard Self.known.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ name: String) {
        rawValue = name
    }

    package var description: String { rawValue }

    package static let A = RecordType("A")
    package static let AAAA = RecordType("AAAA")
    package static let CNAME = RecordType("CNAME")
    package static let MX = RecordType("MX")
    package static let NS = RecordType("NS")
    package static let TXT = RecordType("TXT")
    package static let SRV = RecordType("SRV")
    package static let CAA = RecordType("CAA")
    package static let PTR = RecordType("PTR")
    package static let SPF = RecordType("SPF")
    package static let DNAME = RecordType("DNAME")

    /// The types whose values the record rules parse (`record.a`, `record.mx`, ...).
    package static let validated: [RecordType] = [.A, .AAAA, .CNAME, .MX, .NS, .TXT, .SRV, .CAA, .PTR]

    /// Data types a zone may hold. Not here: SOA (Baton writes it from `soa:`), and the DNSSEC signature
    /// types RRSIG, NSEC, NSEC3 and NSEC3PARAM, which the signer adds; obsolete and meta types.
    package static let allCases: [RecordType] =
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

package struct DNSRecord: Sendable, Hashable {
    /// Relative to the zone; `@` is the apex.
    package var name: String
    package var type: RecordType
    package var ttl: Duration?
    package var value: String
    /// TXT and SPF data given as a list: the character-strings exactly as written (each at most 255 bytes),
    /// where their boundaries matter. `value` then holds them joined.
    package var strings: [String]?
    /// Where the record's `name`, `type` and `value` were written: records are many, so they carry their own.
    package var marks: Marks

    package struct Marks: Sendable, Hashable {
        package var item: Mark
        package var name: Mark
        package var type: Mark
        package var ttl: Mark
        package var value: Mark

        package init(item: Mark, name: Mark, type: Mark, ttl: Mark, value: Mark) {
            self.item = item
            self.name = name
            self.type = type
            self.ttl = ttl
            self.value = value
        }
    }

    package init(name: String, type: RecordType, ttl: Duration? = nil, value: String, marks: Marks) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.value = value
        self.marks = marks
    }

    package static func == (a: DNSRecord, b: DNSRecord) -> Bool {
        a.name == b.name && a.type == b.type && a.ttl == b.ttl && a.value == b.value && a.strings == b.strings
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(type)
        hasher.combine(value)
    }
}

package struct DomainSpec: Sendable, Hashable {
    package struct SOA: Sendable, Hashable {
        /// An email address; `nil` means `hostmaster@<domain>`.
        package var rname: String?
        package var refresh = Duration.days(1)
        package var retry = Duration.hours(2)
        package var expire = Duration.weeks(4)
        package var minimum = Duration.hours(1)

        package init() {}
    }

    package var account: String
    package var ttl = Duration.hours(1)
    package var soa = SOA()
    package var records: [DNSRecord] = []

    package init(account: String) {
        self.account = account
    }
}
