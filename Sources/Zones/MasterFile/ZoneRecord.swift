/// One resource record read from a master file.
package struct ZoneRecord: Sendable, Hashable {
    /// Absolute and lower-cased.
    package var owner: DNSName
    /// The owner as written, when it had upper-case letters (nil otherwise): BIND keeps that case, and so
    /// does import.
    package var writtenOwner: DNSName?
    package var ttl: UInt32
    /// Always IN (1): BIND refuses records of another class in an IN zone.
    package var rrClass: UInt16
    package var type: UInt16
    /// RDATA in wire form with the names it embeds lower-cased, so that records that DNS treats as the same
    /// compare equal.
    package var rdata: [UInt8]
    /// The RDATA as written, when a name in it had upper-case letters (nil otherwise).
    package var rdataAsWritten: [UInt8]?
    /// The file the record was read from (an included file's own path) and its line.
    package var file: String
    package var line: Int

    package var typeName: String { RRType.name(type) }
    package var className: String { RRClass.name(rrClass) }

    /// For RRSIG and SIG, the type covered; 0 for other types.
    package var covers: UInt16 {
        guard type == RRType.rrsig || type == RRType.sig, rdata.count >= 2 else { return 0 }
        return UInt16(rdata[0]) << 8 | UInt16(rdata[1])
    }

    /// The RDATA in zone-file form (see `RDataFormatter`).
    package var rdataText: String { RDataFormatter.text(type: type, rdata: rdataAsWritten ?? rdata) }

    /// The record as one zone-file line with absolute names.
    package var presentation: String {
        "\((writtenOwner ?? owner).absoluteText) \(ttl) \(className) \(typeName) \(rdataText)"
    }

    package init(
        owner: DNSName, ttl: UInt32, rrClass: UInt16 = 1, type: UInt16, rdata: [UInt8],
        rdataAsWritten: [UInt8]? = nil, writtenOwner: DNSName? = nil, file: String, line: Int
    ) {
        self.owner = owner
        self.writtenOwner = writtenOwner
        self.ttl = ttl
        self.rrClass = rrClass
        self.type = type
        self.rdata = rdata
        self.rdataAsWritten = rdataAsWritten
        self.file = file
        self.line = line
    }
}
