/// Reading RDATA from the lexer: BIND's `dns_rdata_fromtext` with the token helpers its types share.
///
/// A failing field leaves the lexer where BIND's would be (before the offending token for `RETTOK`, after the
/// last one read otherwise), and the message names the token found there (`near 'X'`, `near eol`), as BIND does.
extension ZoneFileLoader {
    typealias Token = MasterLexer.Token

    struct RData {
        var canonical: [UInt8]
        var written: [UInt8]?
    }

    /// Reads the RDATA of a record of `type` to the end of the line. Reports errors and returns nil for them.
    func readRData(type: UInt16, owner: DNSName, checkReverse: Bool) -> RData? {
        out.removeAll(keepingCapacity: true)
        nameRanges.removeAll(keepingCapacity: true)
        var failure: BindResult? = nil
        do throws(BindResult) {
            try rdataBody(type: type, owner: owner, checkReverse: checkReverse)
            if out.count > 65512 { throw BindResult.noSpace }  // BIND's largest RDATA (MINTSIZ)
        } catch {
            failure = error
        }
        guard finishRData(failure) else { return nil }
        return canonicalForm(type: type)
    }

    /// Reads to the end of the record as BIND's consume loop does: extra tokens are an error, and the first
    /// error is reported with the token found after it. Returns true when the record is good.
    func finishRData(_ failure: BindResult?) -> Bool {
        var result = failure
        var reported = false
        if failure != nil && ctx.lex.quoteError {
            self.error(failure!.text)
            reported = true
        }
        while true {
            let line = ctx.lex.line
            let t: Token
            do throws(BindResult) {
                t = try ctx.lex.next()
            } catch {
                if result == nil { result = error }
                if !reported { self.error(result!.text, line: line) }
                ctx.lex.skipToEOL()
                return false
            }
            if !t.isEOLorEOF {
                if result == nil { result = .extraToken }
                if !reported {
                    self.error(near(t) + result!.text, line: line)
                    reported = true
                }
                continue
            }
            if let r = result, !reported { self.error(near(t) + r.text, line: line) }
            if t.kind == .eof {
                ctx.lex.unget(t)
                // A record ended by the end of the file: BIND warns after the record's own error, if any.
                if !generating && ctx.lex.bytes.last != 0x0A { missingNewline(line: line) }
            }
            return result == nil
        }
    }

    /// BIND's `near 'X': ` part for the token found after an error (nothing for quoted strings and specials).
    func near(_ t: Token) -> String {
        switch t.kind {
        case .eol: return "near eol: "
        case .eof: return "near eof: "
        case .string, .vpair: return "near '\(ZoneFileLoader.string(tokenText(t)))': "
        default: return ""
        }
    }

    /// The stored form: names lower-cased; the written form kept when that changed anything.
    func canonicalForm(type: UInt16) -> RData {
        // BIND compares the names in these types with their case (so `-r` never calls them identical).
        if type == 58 || type == 64 || type == 65 || type == 66 { return RData(canonical: out, written: nil) }
        var changed = false
        var lower = out
        for r in nameRanges {
            var i = r.lowerBound
            while i < r.upperBound {
                let len = Int(lower[i])
                if len == 0 { break }
                for k in (i + 1)...(i + len) where lower[k] >= 0x41 && lower[k] <= 0x5A {
                    lower[k] |= 0x20
                    changed = true
                }
                i += len + 1
            }
        }
        return RData(canonical: lower, written: changed ? out : nil)
    }

    // MARK: - Token helpers

    /// A token of text that must be present (`isc_lex_getmastertoken` for a string or quoted string).
    func rdToken(qstring: Bool = false) throws(BindResult) -> Token {
        let t = try ctx.lex.next(qstring ? [.qstring] : [])
        switch t.kind {
        case .string: return t
        case .qstring where qstring: return t
        case .eol, .eof:
            ctx.lex.unget(t)
            throw .unexpectedEnd
        default:
            ctx.lex.unget(t)
            throw .unexpectedToken
        }
    }

    /// A token, or nil at the end of the line (which is left unread).
    func rdTokenOrEOL(qstring: Bool = false) throws(BindResult) -> Token? {
        let t = try ctx.lex.next(qstring ? [.qstring] : [])
        switch t.kind {
        case .string: return t
        case .qstring where qstring: return t
        case .eol, .eof:
            ctx.lex.unget(t)
            return nil
        default:
            ctx.lex.unget(t)
            throw .unexpectedToken
        }
    }

    /// `RETTOK`: fail with the lexer back at the start of `t`.
    func fail(_ r: BindResult, at t: Token) -> BindResult {
        ctx.lex.unget(t)
        return r
    }

    /// A decimal number token (`isc_tokentype_number`).
    func rdNumber() throws(BindResult) -> (UInt32, Token) {
        let t = try ctx.lex.next()
        switch t.kind {
        case .eol, .eof:
            ctx.lex.unget(t)
            throw .unexpectedEnd
        case .string:
            break
        default:
            ctx.lex.unget(t)
            throw .badNumber
        }
        let s = tokenText(t)
        guard let first = s.first, first >= 0x30 && first <= 0x39 else { throw fail(.badNumber, at: t) }
        var v: UInt64 = 0
        for c in s {
            guard c >= 0x30 && c <= 0x39 else { throw fail(.badNumber, at: t) }
            v = v * 10 + UInt64(c - 0x30)
            if v > 0xFFFF_FFFF { throw fail(.range, at: t) }
        }
        return (UInt32(v), t)
    }

    func rdUInt(max: UInt32) throws(BindResult) -> UInt32 {
        let (v, t) = try rdNumber()
        if v > max { throw fail(.range, at: t) }
        return v
    }

    func put8(_ v: UInt32) { out.append(UInt8(truncatingIfNeeded: v)) }
    func put16(_ v: UInt32) {
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v))
    }
    func put32(_ v: UInt32) {
        out.append(UInt8(truncatingIfNeeded: v >> 24))
        out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v))
    }

    func rdU8() throws(BindResult) { put8(try rdUInt(max: 0xFF)) }
    func rdU16() throws(BindResult) { put16(try rdUInt(max: 0xFFFF)) }
    func rdU32() throws(BindResult) { put32(try rdUInt(max: 0xFFFF_FFFF)) }

    enum NameCheck { case none, host, mailbox }

    /// A domain name relative to the origin, with the check-names rule for its field.
    @discardableResult
    func rdName(_ check: NameCheck = .none, qstring: Bool = false, token: Token? = nil) throws(BindResult) -> DNSName {
        let t: Token
        if let token { t = token } else { t = try rdToken(qstring: qstring) }
        let name: DNSName
        switch DNSName.parse(tokenText(t), origin: ctx.origin) {
        case .success(let n): name = n
        case .failure(let e): throw fail(e.result, at: t)
        }
        try checkName(name, check, token: t)
        let start = out.count
        out.append(contentsOf: name.wire)
        nameRanges.append(start..<out.count)
        return name
    }

    func checkName(_ name: DNSName, _ check: NameCheck, token t: Token) throws(BindResult) {
        guard check != .none, let failing = options.checkNames else { return }
        let ok = check == .host ? name.isHostname(wildcard: false) : name.isMailbox()
        if ok { return }
        if failing { throw fail(.badName, at: t) }
        warning("warning: \(name): bad name (check-names)")
    }

    /// One character-string (`txt_fromtext`): escapes `\X` and `\DDD`, at most 255 bytes.
    func charString(_ s: ArraySlice<UInt8>, limit: Int = 255) throws(BindResult) {
        let lengthAt = out.count
        out.append(0)
        var n = 0
        var i = s.startIndex
        while i < s.endIndex {
            let c = try Self.unescapedByte(s, &i)
            if n >= limit { throw .syntax }
            out.append(c)
            n += 1
        }
        out[lengthAt] = UInt8(n)
    }

    /// Text without a length byte and without a length limit (`multitxt_fromtext`).
    func multiText(_ s: ArraySlice<UInt8>) throws(BindResult) {
        try SVCBParams.multiText(s, into: &out)
    }

    /// The byte at `i`, with `\X` and `\DDD` escapes resolved; `i` moves past it.
    static func unescapedByte(_ s: ArraySlice<UInt8>, _ i: inout Int) throws(BindResult) -> UInt8 {
        var c = s[i]
        i += 1
        guard c == 0x5C else { return c }
        guard i < s.endIndex else { throw .syntax }
        c = s[i]
        i += 1
        guard c >= 0x30 && c <= 0x39 else { return c }
        var v = Int(c - 0x30)
        for _ in 0..<2 {
            guard i < s.endIndex, s[i] >= 0x30 && s[i] <= 0x39 else { throw .syntax }
            v = v * 10 + Int(s[i] - 0x30)
            i += 1
        }
        guard v <= 255 else { throw .syntax }
        return UInt8(v)
    }

    /// A character-string field read from its own token (quoted or not).
    func rdCharString() throws(BindResult) {
        let t = try rdToken(qstring: true)
        do throws(BindResult) { try charString(tokenText(t)) } catch { throw fail(error, at: t) }
    }

    /// `isc_hex_tobuffer`: hex digits over one or more tokens. `length` > 0: exactly that many bytes;
    /// -1: any number up to the end of the line; -2: at least one.
    func rdHex(length: Int) throws(BindResult) {
        var remaining = length
        var digits = 0
        var high = 0
        let before = out.count
        var last: Token? = nil
        while remaining != 0 {
            let t: Token
            if length > 0 {
                t = try rdToken()
            } else {
                guard let x = try rdTokenOrEOL() else { break }
                t = x
            }
            last = t
            for c in tokenText(t) {
                guard let v = IPText.hexValue(c) else { throw .badHex }
                if digits == 0 {
                    high = v
                    digits = 1
                } else {
                    out.append(UInt8(high << 4 | v))
                    digits = 0
                    if remaining >= 0 {
                        if remaining == 0 { throw .badHex }
                        remaining -= 1
                    }
                }
            }
        }
        _ = last
        if remaining > 0 { throw .unexpectedEnd }
        if digits != 0 { throw .badHex }
        if length == -2 && out.count == before { throw .unexpectedEnd }
    }

    /// `isc_base64_tobuffer`, with the same `length` convention as `rdHex`.
    func rdBase64(length: Int) throws(BindResult) {
        var d = Base64Decoder(length: length)
        let before = out.count
        while !d.seenEnd && d.length != 0 {
            let t: Token
            if length > 0 {
                t = try rdToken()
            } else {
                guard let x = try rdTokenOrEOL() else { break }
                t = x
            }
            for c in tokenText(t) { try d.add(c, to: &out) }
        }
        try d.finish()
        if length == -2 && out.count == before { throw .unexpectedEnd }
    }

    /// `dns_mnemonic_fromtext`: a number up to `max`, or a mnemonic from `table` (any case).
    func rdMnemonic(_ table: [(String, UInt32)], max: UInt32) throws(BindResult) -> UInt32 {
        let t = try rdToken()
        let s = tokenText(t)
        if let first = s.first, first >= 0x30 && first <= 0x39 {
            var v: UInt64 = 0
            var allDigits = true
            for c in s {
                guard c >= 0x30 && c <= 0x39 else {
                    allDigits = false
                    break
                }
                v = v * 10 + UInt64(c - 0x30)
                if v > 0xFFFF_FFFF { break }
            }
            if allDigits {
                if v > UInt64(max) { throw fail(.range, at: t) }
                return UInt32(v)
            }
        }
        let upper = ZoneFileLoader.string(s).uppercased()
        for (name, value) in table where name == upper { return value }
        throw fail(.unknown, at: t)
    }

    static let secAlgorithms: [(String, UInt32)] = [
        ("RSAMD5", 1), ("DH", 2), ("DSA", 3), ("ECC", 4), ("RSASHA1", 5), ("NSEC3DSA", 6), ("NSEC3RSASHA1", 7),
        ("RSASHA256", 8), ("RSASHA512", 10), ("ECCGOST", 12), ("ECDSAP256SHA256", 13), ("ECDSAP384SHA384", 14),
        ("ED25519", 15), ("ED448", 16), ("INDIRECT", 252), ("PRIVATEDNS", 253), ("PRIVATEOID", 254),
    ]
    static let dsDigests: [(String, UInt32)] = [
        ("SHA-1", 1), ("SHA1", 1), ("SHA-256", 2), ("SHA256", 2), ("GOST", 3), ("SHA-384", 4), ("SHA384", 4),
    ]
    static let secProtocols: [(String, UInt32)] = [
        ("NONE", 0), ("TLS", 1), ("EMAIL", 2), ("DNSSEC", 3), ("IPSEC", 4), ("ALL", 255),
    ]
    static let certTypes: [(String, UInt32)] = [
        ("PKIX", 1), ("SPKI", 2), ("PGP", 3), ("IPKIX", 4), ("ISPKI", 5), ("IPGP", 6), ("ACPKIX", 7),
        ("IACPKIX", 8), ("URI", 253), ("OID", 254),
    ]

    /// `dns_keyflags_fromtext`: a number, or flag names joined with `|`.
    func rdKeyFlags() throws(BindResult) -> UInt32 {
        let t = try rdToken()
        let s = tokenText(t)
        if let first = s.first, first >= 0x30 && first <= 0x39 {
            var v: UInt64 = 0
            for c in s {
                guard c >= 0x30 && c <= 0x39 else { throw fail(.unknown, at: t) }
                v = v * 10 + UInt64(c - 0x30)
                if v > 0xFFFF_FFFF { break }
            }
            if v > 0xFFFF { throw fail(.range, at: t) }
            return UInt32(v)
        }
        let names: [String: UInt32] = [
            "NOCONF": 0x4000, "NOAUTH": 0x8000, "NOKEY": 0xC000, "FLAG2": 0x2000, "EXTEND": 0x1000,
            "FLAG4": 0x0800, "FLAG5": 0x0400, "USER": 0x0000, "ZONE": 0x0100, "HOST": 0x0200, "NTYP3": 0x0300,
            "FLAG8": 0x0080, "FLAG9": 0x0040, "FLAG10": 0x0020, "FLAG11": 0x0010, "SIG0": 0x0000, "SIG1": 0x0001,
            "SIG2": 0x0002, "SIG3": 0x0003, "SIG4": 0x0004, "SIG5": 0x0005, "SIG6": 0x0006, "SIG7": 0x0007,
            "SIG8": 0x0008, "SIG9": 0x0009, "SIG10": 0x000A, "SIG11": 0x000B, "SIG12": 0x000C, "SIG13": 0x000D,
            "SIG14": 0x000E, "SIG15": 0x000F, "KSK": 0x0001, "REVOKE": 0x0080,
        ]
        var value: UInt32 = 0
        for part in ZoneFileLoader.string(s).uppercased().split(separator: "|", omittingEmptySubsequences: false) {
            guard let v = names[String(part)] else { throw fail(.unknown, at: t) }
            value |= v
        }
        return value
    }

    /// A type bitmap (NSEC, NSEC3, CSYNC): type mnemonics to the end of the line.
    func rdTypeBitmap(allowEmpty: Bool = true) throws(BindResult) {
        var types: [UInt16] = []
        while let t = try rdTokenOrEOL() {
            guard let v = RRType.value(tokenText(t)) else { throw fail(.unknown, at: t) }
            types.append(v)
        }
        if types.isEmpty && !allowEmpty { throw .formErr }
        ZoneFileLoader.appendBitmap(types, to: &out)
    }

    static func appendBitmap(_ types: [UInt16], to out: inout [UInt8]) {
        let sorted = Set(types).sorted()
        var i = 0
        while i < sorted.count {
            let window = sorted[i] >> 8
            var bits = [UInt8](repeating: 0, count: 32)
            var maxOctet = 0
            while i < sorted.count, sorted[i] >> 8 == window {
                let low = Int(sorted[i] & 0xFF)
                bits[low / 8] |= 0x80 >> UInt8(low % 8)
                maxOctet = max(maxOctet, low / 8)
                i += 1
            }
            out.append(UInt8(window))
            out.append(UInt8(maxOctet + 1))
            out.append(contentsOf: bits[0...maxOctet])
        }
    }

    /// RRSIG times: up to ten characters are seconds, otherwise `YYYYMMDDHHMMSS` (`dns_time32_fromtext`).
    func rdTime() throws(BindResult) {
        let t = try rdToken()
        let s = Array(tokenText(t))
        if s.count <= 10 && s.first != UInt8(ascii: "-") && s.first != UInt8(ascii: "+") {
            guard !s.isEmpty, s.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw fail(.syntax, at: t) }
            var v: UInt64 = 0
            for c in s { v = v * 10 + UInt64(c - 0x30) }
            if v > 0xFFFF_FFFF { throw fail(.range, at: t) }
            put32(UInt32(v))
            return
        }
        guard s.count == 14, s.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw fail(.syntax, at: t) }
        func num(_ a: Int, _ n: Int) -> Int { s[a..<(a + n)].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        let year = num(0, 4), month = num(4, 2), day = num(6, 2)
        let hour = num(8, 2), minute = num(10, 2), second = num(12, 2)
        func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        let mdays = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), day >= 1, day <= mdays[month - 1], hour <= 23, minute <= 59, second <= 60
        else { throw fail(.range, at: t) }
        // Seconds since 1970 (negative before), kept to 32 bits as BIND does.
        var days = 0
        if year >= 1970 {
            for y in 1970..<year { days += isLeap(y) ? 366 : 365 }
        } else {
            for y in year..<1970 { days -= isLeap(y) ? 366 : 365 }
        }
        for m in 0..<(month - 1) { days += mdays[m] }
        days += day - 1
        let secs = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second)
        put32(UInt32(truncatingIfNeeded: secs))
    }

    // MARK: - The types

    func rdataBody(type: UInt16, owner: DNSName, checkReverse: Bool) throws(BindResult) {
        // RFC 3597: `\# length hex` for any type.
        let first = try ctx.lex.next([.qstring])
        if first.isText, tokenText(first).elementsEqual([0x5C, 0x23]) {
            try genericRData(type: type)
            return
        }
        ctx.lex.unget(first)
        switch type {
        case RRType.a: try rdIPv4()
        case RRType.aaaa:
            let t = try rdToken()
            guard let b = IPText.ipv6(tokenText(t)) else { throw fail(.badIPv6, at: t) }
            out.append(contentsOf: b)
        case RRType.ns: try rdName(.host)
        case RRType.cname, RRType.dname, 7, 8, 9, RRType.md, RRType.mf, 23: try rdName()
        case RRType.ptr: try rdName(checkReverse ? .host : .none)
        case RRType.soa:
            try rdName(.host)
            try rdName(.mailbox)
            try rdU32()
            for _ in 0..<4 {
                let t = try rdToken()
                guard let v = TTLText.parse(tokenText(t)) else { throw fail(.syntax, at: t) }
                put32(v)
            }
        case RRType.mx: try rdMX()
        case RRType.txt, RRType.spf, 56, 258, 261, 262:  // TXT SPF NINFO AVC RESINFO WALLET
            var n = 0
            while let t = try rdTokenOrEOL(qstring: true) {
                do throws(BindResult) { try charString(tokenText(t)) } catch { throw fail(error, at: t) }
                n += 1
            }
            if n == 0 { throw .unexpectedEnd }
        case RRType.srv:
            try rdU16()
            try rdU16()
            try rdU16()
            try rdName(.host)
        case RRType.caa: try rdCAA()
        case RRType.ds, RRType.cds, RRType.ta, RRType.dlv: try rdDS()
        case RRType.dnskey, RRType.cdnskey, RRType.key, 57: try rdKey(type: type)
        case 52, 53:  // TLSA SMIMEA
            try rdU8()
            try rdU8()
            try rdU8()
            try rdHex(length: -2)
        case 44:  // SSHFP
            try rdU8()
            let fp = try rdUInt(max: 0xFF)
            put8(fp)
            // BIND 9.18 reads any other digest type's fingerprint as optional (`isc_hex_tobuffer(..., -1)`).
            try rdHex(length: fp == 1 ? 20 : fp == 2 ? 32 : -1)
        case RRType.naptr: try rdNAPTR()
        case RRType.svcb, RRType.https: try rdSVCB()
        default: try rdOtherType(type)
        }
    }

    func rdIPv4() throws(BindResult) {
        let t = try rdToken()
        guard let b = IPText.ipv4(tokenText(t)) else { throw fail(.badDottedQuad, at: t) }
        out.append(contentsOf: b)
    }

    func rdMX() throws(BindResult) {
        try rdU16()
        let t = try rdToken()
        if let failing = options.checkMX {
            var s = tokenText(t)
            if s.last == UInt8(ascii: "."), s.count > 1 { s = s.dropLast() }
            if s.count < 64, IPText.ipv4(s) != nil || IPText.ipv6(s) != nil {
                if failing { throw fail(.mxIsAddress, at: t) }
                warning("warning: '\(ZoneFileLoader.string(tokenText(t)))': MX is an address")
            }
        }
        try rdName(.host, token: t)
    }

    func rdCAA() throws(BindResult) {
        try rdU8()
        let t = try rdToken()
        let tag = tokenText(t)
        for c in tag where !DNSName.isAlnum(c) { throw fail(.syntax, at: t) }
        guard !tag.isEmpty, tag.count <= 255 else { throw fail(.syntax, at: t) }
        out.append(UInt8(tag.count))
        out.append(contentsOf: tag)
        let v = try rdToken(qstring: true)
        do throws(BindResult) { try multiText(tokenText(v)) } catch { throw fail(error, at: v) }
    }

    func rdDS() throws(BindResult) {
        try rdU16()
        put8(try rdMnemonic(ZoneFileLoader.secAlgorithms, max: 255))
        let digest = try rdMnemonic(ZoneFileLoader.dsDigests, max: 255)
        put8(digest)
        switch digest {
        case 1: try rdHex(length: 20)
        case 2: try rdHex(length: 32)
        case 4: try rdHex(length: 48)
        default: try rdHex(length: -2)
        }
    }

    func rdKey(type: UInt16) throws(BindResult) {
        let before = ctx.lex.mark
        let flags = try rdKeyFlags()
        if type == 57 && flags != 0 {
            ctx.lex.reset(to: before)
            throw .formErr
        }
        put16(flags)
        put8(try rdMnemonic(ZoneFileLoader.secProtocols, max: 255))
        let alg = try rdMnemonic(ZoneFileLoader.secAlgorithms, max: 255)
        put8(alg)
        if type == RRType.key && (flags & 0xC000) == 0xC000 { return }
        try rdBase64(length: -2)
    }

    func rdNAPTR() throws(BindResult) {
        try rdU16()
        try rdU16()
        try rdCharString()  // flags
        try rdCharString()  // services
        let r = try rdToken(qstring: true)
        let regexStart = out.count
        do throws(BindResult) { try charString(tokenText(r)) } catch { throw fail(error, at: r) }
        if !ZoneFileLoader.validRegex(out[regexStart...]) { throw fail(.syntax, at: r) }
        try rdName()
    }

    /// `txt_valid_regex`: empty, or `<d>regex<d>replacement<d>flags` with flags `i` and back-references that
    /// the regex's groups can fill.
    static func validRegex(_ field: ArraySlice<UInt8>) -> Bool {
        var b = Array(field)
        let len = Int(b.removeFirst())
        if len == 0 { return true }
        let delim = b[0]
        if (delim >= 0x30 && delim <= 0x39) || delim == 0x5C || delim == UInt8(ascii: "i") { return false }
        var regex: [UInt8] = []
        var replace = false, flags = false
        var maxRef = 0
        var i = 1
        while i < b.count {
            let c = b[i]
            i += 1
            if c == 0 { return false }
            if c == delim && !replace {
                replace = true
                continue
            } else if c == delim && !flags {
                flags = true
                continue
            } else if c == delim {
                return false
            }
            if flags {
                if c == UInt8(ascii: "i") { continue }
                return false
            }
            if !replace { regex.append(c) }
            if c == 0x5C {
                guard i < b.count else { return false }
                let e = b[i]
                i += 1
                if e == 0 { return false }
                if replace {
                    if e == 0x30 { return false }
                    if e >= 0x31 && e <= 0x39 { maxRef = max(maxRef, Int(e - 0x30)) }
                } else {
                    regex.append(e)
                }
            }
        }
        if !flags { return false }
        // Count the regex's groups and make sure its parentheses balance.
        var depth = 0, groups = 0, k = 0
        var inBracket = false
        while k < regex.count {
            let c = regex[k]
            if c == 0x5C {
                k += 2
                continue
            }
            if inBracket {
                if c == UInt8(ascii: "]") { inBracket = false }
            } else if c == UInt8(ascii: "[") {
                inBracket = true
                if k + 1 < regex.count, regex[k + 1] == UInt8(ascii: "]") { k += 1 }
            } else if c == UInt8(ascii: "(") {
                depth += 1
                groups += 1
            } else if c == UInt8(ascii: ")") {
                depth -= 1
                if depth < 0 { return false }
            }
            k += 1
        }
        if depth != 0 || inBracket { return false }
        return maxRef <= groups
    }
}
