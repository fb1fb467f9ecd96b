/// Record types as BIND 9.18 knows them: mnemonics, `TYPEnnn`, and the attributes the loader and checker use.
package enum RRType {
    package static let a: UInt16 = 1, ns: UInt16 = 2, md: UInt16 = 3, mf: UInt16 = 4, cname: UInt16 = 5
    package static let soa: UInt16 = 6, null: UInt16 = 10, wks: UInt16 = 11, ptr: UInt16 = 12, hinfo: UInt16 = 13
    package static let minfo: UInt16 = 14, mx: UInt16 = 15, txt: UInt16 = 16, rp: UInt16 = 17, afsdb: UInt16 = 18
    package static let rt: UInt16 = 21, sig: UInt16 = 24, key: UInt16 = 25, px: UInt16 = 26, aaaa: UInt16 = 28
    package static let nxt: UInt16 = 30, srv: UInt16 = 33, naptr: UInt16 = 35, kx: UInt16 = 36, a6: UInt16 = 38
    package static let dname: UInt16 = 39, opt: UInt16 = 41, ds: UInt16 = 43, rrsig: UInt16 = 46
    package static let nsec: UInt16 = 47, dnskey: UInt16 = 48, nsec3: UInt16 = 50, nsec3param: UInt16 = 51
    package static let cds: UInt16 = 59, cdnskey: UInt16 = 60, svcb: UInt16 = 64, https: UInt16 = 65
    package static let spf: UInt16 = 99, tkey: UInt16 = 249, tsig: UInt16 = 250, caa: UInt16 = 257
    package static let ta: UInt16 = 32768, dlv: UInt16 = 32769

    /// Every mnemonic BIND 9.18.49 reads, with its number.
    static let table: [(String, UInt16)] = [
        ("A", 1), ("NS", 2), ("MD", 3), ("MF", 4), ("CNAME", 5), ("SOA", 6), ("MB", 7), ("MG", 8), ("MR", 9),
        ("NULL", 10), ("WKS", 11), ("PTR", 12), ("HINFO", 13), ("MINFO", 14), ("MX", 15), ("TXT", 16), ("RP", 17),
        ("AFSDB", 18), ("X25", 19), ("ISDN", 20), ("RT", 21), ("NSAP", 22), ("NSAP-PTR", 23), ("SIG", 24),
        ("KEY", 25), ("PX", 26), ("GPOS", 27), ("AAAA", 28), ("LOC", 29), ("NXT", 30), ("EID", 31),
        ("NIMLOC", 32), ("SRV", 33), ("ATMA", 34), ("NAPTR", 35), ("KX", 36), ("CERT", 37), ("A6", 38),
        ("DNAME", 39), ("SINK", 40), ("OPT", 41), ("APL", 42), ("DS", 43), ("SSHFP", 44), ("IPSECKEY", 45),
        ("RRSIG", 46), ("NSEC", 47), ("DNSKEY", 48), ("DHCID", 49), ("NSEC3", 50), ("NSEC3PARAM", 51),
        ("TLSA", 52), ("SMIMEA", 53), ("HIP", 55), ("NINFO", 56), ("RKEY", 57), ("TALINK", 58), ("CDS", 59),
        ("CDNSKEY", 60), ("OPENPGPKEY", 61), ("CSYNC", 62), ("ZONEMD", 63), ("SVCB", 64), ("HTTPS", 65),
        ("DSYNC", 66), ("HHIT", 67), ("BRID", 68), ("SPF", 99), ("UINFO", 100), ("UID", 101), ("GID", 102),
        ("UNSPEC", 103), ("NID", 104), ("L32", 105), ("L64", 106), ("LP", 107), ("EUI48", 108), ("EUI64", 109),
        ("TKEY", 249), ("TSIG", 250), ("IXFR", 251), ("AXFR", 252), ("MAILB", 253), ("MAILA", 254), ("ANY", 255),
        ("URI", 256), ("CAA", 257), ("AVC", 258), ("DOA", 259), ("AMTRELAY", 260), ("RESINFO", 261),
        ("WALLET", 262), ("TA", 32768), ("DLV", 32769), ("KEYDATA", 65533),
    ]

    private static let byName: [PackedName: UInt16] = {
        var d: [PackedName: UInt16] = [:]
        for (name, value) in table { d[PackedName(Array(name.utf8)[...])!] = value }
        return d
    }()

    private static let byValue: [UInt16: String] = {
        var d: [UInt16: String] = [:]
        for (name, value) in table where value != 65533 { d[value] = name }
        return d
    }()

    /// The mnemonic BIND prints (`TYPEnnn` for numbers it has no name for).
    package static func name(_ type: UInt16) -> String { byValue[type] ?? "TYPE\(type)" }

    /// `dns_rdatatype_fromtext`: a mnemonic (any case) or `TYPEnnn`.
    package static func value(_ text: String) -> UInt16? { value(Array(text.utf8)[...]) }

    static func value(_ text: ArraySlice<UInt8>) -> UInt16? {
        if let key = PackedName(text), let v = byName[key] { return v }
        return numbered(text, prefix: "TYPE")
    }

    /// `TYPEnnn` / `CLASSnnn` with at most five digits and a value below 65536.
    static func numbered(_ text: ArraySlice<UInt8>, prefix: StaticString) -> UInt16? {
        let p = prefix.utf8Start
        let plen = prefix.utf8CodeUnitCount
        guard text.count > plen, text.count < plen + 6 else { return nil }
        var i = text.startIndex
        for k in 0..<plen {
            if text[i] | 0x20 != p[k] | 0x20 { return nil }
            i += 1
        }
        var v = 0
        while i < text.endIndex {
            let c = text[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
            i += 1
        }
        return v <= 0xFFFF ? UInt16(v) : nil
    }

    /// `dns_rdatatype_ismeta`: OPT and 128-255 (TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY...).
    static func isMeta(_ t: UInt16) -> Bool { t == 41 || (t >= 128 && t <= 255) }

    /// Types whose RRset holds a single record.
    static func isSingleton(_ t: UInt16) -> Bool { t == cname || t == soa || t == dname }

    /// Types BIND has a number for (so RFC 3597 data is checked against the type's wire format).
    static func isKnown(_ t: UInt16) -> Bool { byValue[t] != nil }

    /// Types whose embedded names compare without regard to case when BIND merges identical records (RFC 4034
    /// §6.2 and BIND's compare methods). Other types compare byte for byte, so two records that differ only in the
    /// case of a name are both kept, and `-r` reports them as semantically identical.
    static func namesCompareCaseInsensitively(_ t: UInt16) -> Bool {
        switch t {
        case 2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15, 17, 18, 21, 24, 26, 30, 33, 35, 36, 38, 39, 46: return true
        default: return false
        }
    }
}

/// Classes: IN, CH, HS, NONE, ANY and `CLASSnnn`.
enum RRClass {
    static func value(_ text: ArraySlice<UInt8>) -> UInt16? {
        switch text.count {
        case 2:
            let a = text[text.startIndex] | 0x20, b = text[text.startIndex + 1] | 0x20
            if a == 0x69 && b == 0x6E { return 1 }  // in
            if a == 0x63 && b == 0x68 { return 3 }  // ch
            if a == 0x68 && b == 0x73 { return 4 }  // hs
            return nil
        case 3, 4, 5, 6:
            var s = ""
            for c in text { s.unicodeScalars.append(Unicode.Scalar(c | 0x20)) }
            switch s {
            case "any": return 255
            case "none": return 254
            case "chaos": return 3
            case "hesiod": return 4
            default: break
            }
        default: break
        }
        return RRType.numbered(text, prefix: "CLASS")
    }

    static func name(_ c: UInt16) -> String {
        switch c {
        case 1: return "IN"
        case 3: return "CH"
        case 4: return "HS"
        case 254: return "NONE"
        case 255: return "ANY"
        default: return "CLASS\(c)"
        }
    }
}

/// Up to 16 bytes of a mnemonic, upper-cased, as a dictionary key that needs no allocation.
struct PackedName: Hashable {
    var a: UInt64 = 0
    var b: UInt64 = 0

    init?(_ text: ArraySlice<UInt8>) {
        guard !text.isEmpty, text.count <= 16 else { return nil }
        var k = 0
        for c in text {
            var u = c
            if u >= 0x61 && u <= 0x7A { u -= 0x20 }
            if k < 8 { a |= UInt64(u) << (8 * UInt64(k)) } else { b |= UInt64(u) << (8 * UInt64(k - 8)) }
            k += 1
        }
    }
}

/// `dns_ttl_fromtext`: a number, or numbers each followed by a unit (`1w2d3h4m5s`, any case).
enum TTLText {
    static func parse(_ text: ArraySlice<UInt8>) -> UInt32? {
        guard !text.isEmpty, text.count < 64 else { return nil }
        var total: UInt64 = 0
        var i = text.startIndex
        while i < text.endIndex {
            var n: UInt64 = 0
            let digitsStart = i
            while i < text.endIndex, text[i] >= 0x30 && text[i] <= 0x39 {
                n = n * 10 + UInt64(text[i] - 0x30)
                if n > 0xFFFF_FFFF { return nil }
                i += 1
            }
            if i == digitsStart { return nil }
            if i == text.endIndex {
                // A bare number only when it is the whole text.
                guard digitsStart == text.startIndex else { return nil }
                total = n
                break
            }
            let unit: UInt64
            switch text[i] | 0x20 {
            case 0x77: unit = 604_800  // w
            case 0x64: unit = 86_400  // d
            case 0x68: unit = 3_600  // h
            case 0x6D: unit = 60  // m
            case 0x73: unit = 1  // s
            default: return nil
            }
            total += n * unit
            i += 1
        }
        guard total <= 0xFFFF_FFFF else { return nil }
        return UInt32(total)
    }
}
