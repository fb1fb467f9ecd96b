/// RDATA of the less common types, SVCB/HTTPS parameters and RFC 3597 generic data.
extension ZoneFileLoader {
    // MARK: - RFC 3597

    /// `\# length hex`, checked against the type's wire format when BIND knows the type.
    func genericRData(type: UInt16) throws(BindResult) {
        if type == 0 || RRType.isMeta(type) { throw .metaType }
        let (len, _) = try rdNumber()
        if len > 65535 { throw .range }
        var data: [UInt8] = []
        data.reserveCapacity(Int(len))
        var digits = 0
        var high = 0
        while data.count < Int(len) {
            let t = try rdToken()
            for c in tokenText(t) {
                guard let v = IPText.hexValue(c) else { throw .badHex }
                if digits == 0 {
                    high = v
                    digits = 1
                } else {
                    if data.count == Int(len) { throw .noSpace }
                    data.append(UInt8(high << 4 | v))
                    digits = 0
                }
            }
        }
        if digits != 0 { throw .badHex }
        if RRType.isKnown(type) {
            nameRanges = try WireFormat.validate(type: type, data: data)
        }
        out = data
    }

    // MARK: - SVCB and HTTPS

    /// SvcPriority, TargetName and SvcParams with BIND 9.18's checks (known keys, `keyNNNN`, mandatory keys,
    /// `alpn` lists, `no-default-alpn` needing `alpn`, duplicates).
    func rdSVCB() throws(BindResult) {
        let priority = try rdUInt(max: 0xFFFF)
        put16(priority)
        let t = try rdToken(qstring: true)
        let name: DNSName
        switch DNSName.parse(tokenText(t), origin: ctx.origin) {
        case .success(let n): name = n
        case .failure(let e): throw fail(e.result, at: t)
        }
        if priority != 0 { try checkName(name, .host, token: t) }
        let start = out.count
        out.append(contentsOf: name.wire)
        nameRanges.append(start..<out.count)

        var params: [(key: UInt16, value: [UInt8])] = []
        while true {
            let p = try ctx.lex.next([.qvpair])
            switch p.kind {
            case .eol, .eof:
                ctx.lex.unget(p)
                let sorted = try SVCBParams.sort(params)
                for (k, v) in sorted {
                    put16(UInt32(k))
                    put16(UInt32(v.count))
                    out.append(contentsOf: v)
                }
                return
            case .string, .vpair, .qvpair:
                do throws(BindResult) { params.append(try SVCBParams.parse(tokenText(p))) } catch {
                    throw fail(error, at: p)
                }
            default:
                ctx.lex.unget(p)
                throw .unexpectedToken
            }
        }
    }

    // MARK: - Everything else

    func rdOtherType(_ type: UInt16) throws(BindResult) {
        switch type {
        case RRType.null, 100, 101, 102, 103, 54:
            let t = try rdToken(qstring: true)
            throw fail(type == RRType.null ? .syntax : .unknown, at: t)
        case RRType.wks: try rdWKS()
        case RRType.hinfo:
            try rdCharString()
            try rdCharString()
        case RRType.minfo, RRType.rp:
            try rdName(.mailbox)
            try rdName(type == RRType.rp ? .none : .mailbox)
        case RRType.afsdb, RRType.rt:
            try rdU16()
            try rdName(.host)
        case RRType.kx, 107:  // KX LP
            try rdU16()
            try rdName()
        case RRType.px:
            try rdU16()
            try rdName()
            try rdName()
        case 58:  // TALINK
            try rdName()
            try rdName()
        case 19:  // X25
            let t = try rdToken(qstring: true)
            let s = tokenText(t)
            if s.count < 4 { throw fail(.syntax, at: t) }
            for c in s where !(c >= 0x30 && c <= 0x39) { throw fail(.range, at: t) }
            do throws(BindResult) { try charString(s) } catch { throw fail(error, at: t) }
        case 20:  // ISDN
            try rdCharString()
            if let t = try rdTokenOrEOL(qstring: true) {
                do throws(BindResult) { try charString(tokenText(t)) } catch { throw fail(error, at: t) }
            }
        case 22: try rdNSAP()
        case RRType.sig, RRType.rrsig: try rdSIG(checkLabels: type == RRType.rrsig)
        case 27:  // GPOS
            for _ in 0..<3 { try rdCharString() }
        case 29: try rdLOC()
        case RRType.nxt:
            try rdName()
            var bits = [UInt8](repeating: 0, count: 16)
            var maxType = -1
            while let t = try rdTokenOrEOL() {
                guard let v = RRType.value(tokenText(t)), v <= 127 else { throw fail(.unknown, at: t) }
                bits[Int(v) / 8] |= 0x80 >> UInt8(v % 8)
                maxType = max(maxType, Int(v))
            }
            if maxType >= 0 { out.append(contentsOf: bits[0...(maxType / 8)]) }
        case 31, 32: try rdHex(length: -2)  // EID NIMLOC
        case 34: try rdATMA()
        case 37:  // CERT
            put16(try rdMnemonic(ZoneFileLoader.certTypes, max: 0xFFFF))
            try rdU16()
            put8(try rdMnemonic(ZoneFileLoader.secAlgorithms, max: 255))
            try rdBase64(length: -2)
        case RRType.a6: try rdA6()
        case 40:  // SINK
            try rdU8()
            try rdU8()
            try rdU8()
            try rdBase64(length: -1)
        case 42: try rdAPL()
        case 45: try rdIPSECKEY()
        case RRType.nsec:
            try rdName()
            try rdTypeBitmap(allowEmpty: false)
        case 49: try rdBase64(length: -2)  // DHCID
        case RRType.nsec3, RRType.nsec3param: try rdNSEC3(type)
        case 55: try rdHIP()
        case 61: try rdBase64(length: -2)  // OPENPGPKEY
        case 62:  // CSYNC
            try rdU32()
            try rdU16()
            try rdTypeBitmap()
        case 63:  // ZONEMD
            try rdU32()
            try rdU8()
            let alg = try rdUInt(max: 255)
            put8(alg)
            let before = out.count
            try rdHex(length: alg == 1 ? 48 : alg == 2 ? 64 : -2)
            if out.count - before < 12 { throw .unexpectedEnd }
        case 66:  // DSYNC
            let t = try rdToken()
            guard let rr = RRType.value(tokenText(t)) else { throw fail(.unknown, at: t) }
            put16(UInt32(rr))
            put8(try rdMnemonic([("NOTIFY", 1)], max: 255))
            try rdU16()
            try rdName()
        case 67, 68: try rdBase64(length: -2)  // HHIT BRID
        case 104, 106:  // NID L64
            try rdU16()
            try rdLocator64()
        case 105:  // L32
            try rdU16()
            try rdIPv4()
        case 108, 109: try rdEUI(type == 108 ? 6 : 8)
        case 256:  // URI
            try rdU16()
            try rdU16()
            let t = try rdToken(qstring: true)
            guard t.kind == .qstring else { throw fail(.syntax, at: t) }
            do throws(BindResult) { try multiText(tokenText(t)) } catch { throw fail(error, at: t) }
        case 259: try rdDOA()
        case 260: try rdAMTRELAY()
        case 65533:  // KEYDATA
            try rdTime()
            try rdTime()
            try rdTime()
            try rdKey(type: RRType.dnskey)
        default:
            // A type BIND has no text form for.
            let t = try rdToken(qstring: true)
            throw fail(.unknown, at: t)
        }
    }

    static let services: [String: UInt16] = [
        "echo": 7, "discard": 9, "daytime": 13, "ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25,
        "time": 37, "whois": 43, "domain": 53, "tftp": 69, "gopher": 70, "finger": 79, "http": 80, "www": 80,
        "kerberos": 88, "pop3": 110, "sunrpc": 111, "auth": 113, "nntp": 119, "ntp": 123, "imap": 143, "imap2": 143,
        "snmp": 161, "ldap": 389, "https": 443, "submission": 587, "ldaps": 636, "imaps": 993, "pop3s": 995,
    ]

    func rdWKS() throws(BindResult) {
        try rdIPv4()
        let pt = try rdToken()
        let ptext = ZoneFileLoader.string(tokenText(pt)).lowercased()
        var proto: UInt32
        if let v = UInt32(ptext), v <= 255 {
            proto = v
        } else if ptext == "tcp" {
            proto = 6
        } else if ptext == "udp" {
            proto = 17
        } else {
            throw fail(.unknownProtocol, at: pt)
        }
        put8(proto)
        var bits = [UInt8](repeating: 0, count: 8192)
        var maxPort = -1
        while let t = try rdTokenOrEOL() {
            let s = ZoneFileLoader.string(tokenText(t)).lowercased()
            let port: Int
            if let v = Int(s), v >= 0, v <= 65535 {
                port = v
            } else if let v = ZoneFileLoader.services[s] {
                port = Int(v)
            } else {
                throw fail(.badNumber, at: t)
            }
            bits[port / 8] |= 0x80 >> UInt8(port % 8)
            maxPort = max(maxPort, port)
        }
        if maxPort >= 0 { out.append(contentsOf: bits[0...(maxPort / 8)]) }
        proto = 0
    }

    func rdNSAP() throws(BindResult) {
        let t = try rdToken()
        let s = tokenText(t)
        if s.count < 2 { throw fail(.unexpectedEnd, at: t) }
        guard s.first == 0x30, s[s.startIndex + 1] | 0x20 == 0x78 else { throw fail(.syntax, at: t) }
        var digits = 0
        var c = 0
        let before = out.count
        for ch in s.dropFirst(2) {
            if ch == UInt8(ascii: ".") { continue }
            guard let v = IPText.hexValue(ch) else { throw fail(.syntax, at: t) }
            c = c << 4 | v
            digits += 1
            if digits == 2 {
                out.append(UInt8(c & 0xFF))
                digits = 0
                c = 0
            }
        }
        if digits != 0 || out.count == before { throw fail(.unexpectedEnd, at: t) }
    }

    /// SIG and RRSIG. An RRSIG's signer has no more labels than its labels field counts (BIND 9.18 refuses
    /// the signer token as out of range).
    func rdSIG(checkLabels: Bool) throws(BindResult) {
        let t = try rdToken()
        guard let covered = RRType.value(tokenText(t)) else { throw fail(.unknown, at: t) }
        put16(UInt32(covered))
        put8(try rdMnemonic(ZoneFileLoader.secAlgorithms, max: 255))
        let labels = try rdUInt(max: 0xFF)
        put8(labels)
        try rdU32()  // original TTL
        try rdTime()
        try rdTime()
        try rdU16()
        let signerToken = try rdToken()
        let signer = try rdName(token: signerToken)
        if checkLabels && signer.labels.count > Int(labels) { throw fail(.range, at: signerToken) }
        try rdBase64(length: -2)
    }

    func rdATMA() throws(BindResult) {
        let t = try rdToken()
        let s = tokenText(t)
        guard let first = s.first else { throw fail(.unexpectedEnd, at: t) }
        if first == UInt8(ascii: "+") {
            out.append(1)
            for c in s.dropFirst() {
                if c == UInt8(ascii: ".") { continue }
                guard c >= 0x30 && c <= 0x39 else { throw fail(.syntax, at: t) }
                out.append(c)
            }
            return
        }
        out.append(0)
        var digits = 0, v = 0
        for c in s {
            if c == UInt8(ascii: ".") { continue }
            guard let h = IPText.hexValue(c) else { throw fail(.syntax, at: t) }
            v = v << 4 | h
            digits += 1
            if digits == 2 {
                out.append(UInt8(v & 0xFF))
                digits = 0
                v = 0
            }
        }
        if digits != 0 { throw fail(.syntax, at: t) }
    }

    func rdA6() throws(BindResult) {
        let prefixLen = try rdUInt(max: 128)
        put8(prefixLen)
        if prefixLen < 128 {
            let t = try rdToken()
            guard var addr = IPText.ipv6(tokenText(t)) else { throw fail(.badIPv6, at: t) }
            let skip = Int(prefixLen) / 8
            if prefixLen % 8 != 0 { addr[skip] &= 0xFF >> UInt8(prefixLen % 8) }
            out.append(contentsOf: addr[skip...])
        }
        if prefixLen > 0 { try rdName(.host) }
    }

    func rdAPL() throws(BindResult) {
        while let t = try rdTokenOrEOL() {
            var s = tokenText(t)
            var negate = false
            if s.first == UInt8(ascii: "!") {
                negate = true
                s = s.dropFirst()
            }
            guard let colon = s.firstIndex(of: UInt8(ascii: ":")), let slash = s.firstIndex(of: UInt8(ascii: "/")),
                colon < slash, let afi = UInt32(ZoneFileLoader.string(s[s.startIndex..<colon])),
                let prefix = UInt32(ZoneFileLoader.string(s[(slash + 1)...]))
            else { throw fail(.syntax, at: t) }
            let addrText = s[(colon + 1)..<slash]
            var addr: [UInt8]
            switch afi {
            case 1:
                guard let a = IPText.ipv4(addrText) else { throw fail(.badDottedQuad, at: t) }
                guard prefix <= 32 else { throw fail(.range, at: t) }
                addr = a
            case 2:
                guard let a = IPText.ipv6(addrText) else { throw fail(.badIPv6, at: t) }
                guard prefix <= 128 else { throw fail(.range, at: t) }
                addr = a
            default:
                throw fail(.notImplemented, at: t)
            }
            while let last = addr.last, last == 0 { addr.removeLast() }
            put16(afi)
            put8(prefix)
            put8(UInt32(addr.count) | (negate ? 0x80 : 0))
            out.append(contentsOf: addr)
        }
    }

    func rdIPSECKEY() throws(BindResult) {
        try rdU8()
        let gwType = try rdUInt(max: 3)
        put8(gwType)
        try rdU8()
        if gwType < 3 { try rdGateway(gwType) } else { try rdName() }
        try rdBase64(length: -2)
    }

    func rdNSEC3(_ type: UInt16) throws(BindResult) {
        let alg = try rdUInt(max: 255)
        put8(alg)
        try rdU8()
        try rdU16()
        let st = try rdToken()
        let salt = tokenText(st)
        if salt.elementsEqual([UInt8(ascii: "-")]) {
            out.append(0)
        } else {
            let at = out.count
            out.append(0)
            if salt.count % 2 != 0 { throw .badHex }
            var i = salt.startIndex
            while i < salt.endIndex {
                guard let h = IPText.hexValue(salt[i]), let l = IPText.hexValue(salt[i + 1]) else { throw .badHex }
                out.append(UInt8(h << 4 | l))
                i += 2
            }
            if out.count - at - 1 > 255 { throw fail(.range, at: st) }
            out[at] = UInt8(out.count - at - 1)
        }
        if type == RRType.nsec3param { return }
        let ht = try rdToken()
        var hash: [UInt8] = []
        guard Base32.decode(tokenText(ht), hexAlphabet: true, padding: false, into: &hash), !hash.isEmpty else {
            throw fail(.badBase32, at: ht)
        }
        if hash.count > 255 || (alg == 1 && hash.count != 20) { throw fail(.range, at: ht) }
        out.append(UInt8(hash.count))
        out.append(contentsOf: hash)
        try rdTypeBitmap()
    }

    func rdHIP() throws(BindResult) {
        let algAt = out.count
        out.append(0)  // HIT length
        try rdU8()  // PK algorithm
        out.append(0)
        out.append(0)  // PK length
        let ht = try rdToken()
        let hitStart = out.count
        let hs = tokenText(ht)
        if hs.count % 2 != 0 { throw fail(.badHex, at: ht) }
        var i = hs.startIndex
        while i < hs.endIndex {
            guard let h = IPText.hexValue(hs[i]), let l = IPText.hexValue(hs[i + 1]) else {
                throw fail(.badHex, at: ht)
            }
            out.append(UInt8(h << 4 | l))
            i += 2
        }
        let hitLen = out.count - hitStart
        if hitLen == 0 || hitLen > 255 { throw fail(.range, at: ht) }
        out[algAt] = UInt8(hitLen)
        let kt = try rdToken()
        let keyStart = out.count
        do throws(BindResult) { try Base64Decoder.decode(tokenText(kt), into: &out) } catch {
            throw fail(error, at: kt)
        }
        let keyLen = out.count - keyStart
        if keyLen == 0 || keyLen > 65535 { throw fail(.range, at: kt) }
        out[algAt + 2] = UInt8(keyLen >> 8)
        out[algAt + 3] = UInt8(keyLen & 0xFF)
        while let t = try rdTokenOrEOL() { try rdName(token: t) }
    }

    func rdLocator64() throws(BindResult) {
        let t = try rdToken()
        let parts = tokenText(t).split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw fail(.syntax, at: t) }
        for p in parts {
            guard !p.isEmpty, p.count <= 4 else { throw fail(.syntax, at: t) }
            var v = 0
            for c in p {
                guard let h = IPText.hexValue(c) else { throw fail(.syntax, at: t) }
                v = v << 4 | h
            }
            put16(UInt32(v))
        }
    }

    /// EUI48/EUI64 as BIND 9.18 reads them (`sscanf("%2x-...")`: leading zeros optional, trailing text ignored).
    func rdEUI(_ n: Int) throws(BindResult) {
        let t = try rdToken()
        let s = Array(tokenText(t))
        var i = 0
        var bytes: [UInt8] = []
        for k in 0..<n {
            if k > 0 {
                guard i < s.count, s[i] == UInt8(ascii: "-") else { throw .badEUI }
                i += 1
            }
            var v = 0, d = 0
            while d < 2, i < s.count, let h = IPText.hexValue(s[i]) {
                v = v << 4 | h
                d += 1
                i += 1
            }
            guard d > 0 else { throw .badEUI }
            bytes.append(UInt8(v))
        }
        out.append(contentsOf: bytes)
    }

    func rdDOA() throws(BindResult) {
        try rdU32()
        try rdU32()
        try rdU8()
        try rdCharString()
        let t = try rdToken()
        if tokenText(t).elementsEqual([UInt8(ascii: "-")]) { return }
        ctx.lex.unget(t)
        try rdBase64(length: -2)
    }

    /// The gateway or relay of IPSECKEY and AMTRELAY: 0 none (`.`), 1 an IPv4 address, 2 an IPv6 address.
    func rdGateway(_ type: UInt32) throws(BindResult) {
        switch type {
        case 0:
            let t = try rdToken()
            guard tokenText(t).elementsEqual([UInt8(ascii: ".")]) else { throw fail(.syntax, at: t) }
        case 1: try rdIPv4()
        default:
            let t = try rdToken()
            guard let b = IPText.ipv6(tokenText(t)) else { throw fail(.badIPv6, at: t) }
            out.append(contentsOf: b)
        }
    }

    func rdAMTRELAY() throws(BindResult) {
        try rdU8()
        let d = try rdUInt(max: 1)
        let type = try rdUInt(max: 0x7F)
        put8(d << 7 | type)
        switch type {
        case 0, 1, 2: try rdGateway(type)
        case 3: try rdName()
        default: try rdHex(length: -1)
        }
    }

    // MARK: - LOC (RFC 1876)

    func rdLOC() throws(BindResult) {
        func coordinate(maxDegrees: Int, positive: UInt8, negative: UInt8) throws(BindResult) -> UInt32 {
            let dt = try rdToken()
            guard let deg = Int(ZoneFileLoader.string(tokenText(dt))), deg >= 0 else { throw fail(.badNumber, at: dt) }
            if deg > maxDegrees { throw fail(.range, at: dt) }
            var minutes = 0
            var millis = 0
            var t = try rdToken()
            func isHemisphere(_ t: Token) -> UInt8? {
                let s = tokenText(t)
                guard s.count == 1 else { return nil }
                let c = s.first! & 0xDF
                return c == positive || c == negative ? c : nil
            }
            if isHemisphere(t) == nil {
                guard let m = Int(ZoneFileLoader.string(tokenText(t))), m >= 0 else { throw fail(.badNumber, at: t) }
                if m > 59 || (deg == maxDegrees && m != 0) { throw fail(.range, at: t) }
                minutes = m
                t = try rdToken()
                if isHemisphere(t) == nil {
                    guard let sec = ZoneFileLoader.decimal(tokenText(t), maxFraction: 3), sec.whole <= 59 else {
                        throw fail(.range, at: t)
                    }
                    if deg == maxDegrees && (sec.whole != 0 || sec.fraction != 0) { throw fail(.range, at: t) }
                    millis = sec.whole * 1000 + sec.fraction
                    t = try rdToken()
                }
            }
            guard let h = isHemisphere(t) else { throw fail(.syntax, at: t) }
            let value = ((deg * 60 + minutes) * 60) * 1000 + millis
            return h == positive ? UInt32(0x8000_0000) + UInt32(value) : UInt32(0x8000_0000) - UInt32(value)
        }
        let lat = try coordinate(maxDegrees: 90, positive: UInt8(ascii: "N"), negative: UInt8(ascii: "S"))
        let lon = try coordinate(maxDegrees: 180, positive: UInt8(ascii: "E"), negative: UInt8(ascii: "W"))
        // Altitude in metres, optionally negative, with an optional `m`.
        let at = try rdToken()
        var atext = tokenText(at)
        if (atext.last ?? 0) | 0x20 == UInt8(ascii: "m") { atext = atext.dropLast() }
        var negative = false
        if atext.first == UInt8(ascii: "-") {
            negative = true
            atext = atext.dropFirst()
        }
        guard let alt = ZoneFileLoader.decimal(atext, maxFraction: 2) else { throw fail(.syntax, at: at) }
        let cm = Int64(alt.whole) * 100 + Int64(alt.fraction)
        let altitude = negative ? 10_000_000 - cm : 10_000_000 + cm
        guard altitude >= 0, altitude <= 0xFFFF_FFFF else { throw fail(.range, at: at) }
        // Size and precisions: optional, in metres.
        var sizes: [UInt8] = [0x12, 0x16, 0x13]  // 1m, 10000m, 10m
        for k in 0..<3 {
            guard let t = try rdTokenOrEOL() else { break }
            var s = tokenText(t)
            if (s.last ?? 0) | 0x20 == UInt8(ascii: "m") { s = s.dropLast() }
            guard let v = ZoneFileLoader.decimal(s, maxFraction: 2) else { throw fail(.syntax, at: t) }
            var cmv = Int64(v.whole) * 100 + Int64(v.fraction)
            var exp: UInt8 = 0
            while cmv >= 10 && exp < 9 {
                if cmv % 10 != 0 && cmv >= 100 { break }
                cmv /= 10
                exp += 1
            }
            if cmv > 9 { throw fail(.range, at: t) }
            sizes[k] = UInt8(cmv) << 4 | exp
        }
        out.append(0)
        out.append(contentsOf: sizes)
        put32(lat)
        put32(lon)
        put32(UInt32(altitude))
    }

    /// `123.45` as whole and fractional parts (the fraction scaled to `maxFraction` digits).
    static func decimal(_ s: ArraySlice<UInt8>, maxFraction: Int) -> (whole: Int, fraction: Int)? {
        guard !s.isEmpty else { return nil }
        var whole = 0, fraction = 0, fdigits = 0
        var inFraction = false
        var any = false
        for c in s {
            if c == UInt8(ascii: ".") {
                if inFraction { return nil }
                inFraction = true
                continue
            }
            guard c >= 0x30 && c <= 0x39 else { return nil }
            any = true
            if inFraction {
                guard fdigits < maxFraction else { return nil }
                fraction = fraction * 10 + Int(c - 0x30)
                fdigits += 1
            } else {
                whole = whole * 10 + Int(c - 0x30)
                if whole > 100_000_000 { return nil }
            }
        }
        guard any else { return nil }
        while fdigits < maxFraction {
            fraction *= 10
            fdigits += 1
        }
        return (whole, fraction)
    }
}

/// SvcParams of SVCB and HTTPS, as BIND 9.18 reads and checks them.
enum SVCBParams {
    enum Encoding { case text, port, ipv4s, ipv6s, base64, empty, alpn, keylist, dohpath }

    static let registry: [(name: String, key: UInt16, encoding: Encoding)] = [
        ("mandatory", 0, .keylist), ("alpn", 1, .alpn), ("no-default-alpn", 2, .empty), ("port", 3, .port),
        ("ipv4hint", 4, .ipv4s), ("ech", 5, .base64), ("ipv6hint", 6, .ipv6s), ("dohpath", 7, .dohpath),
    ]

    static func encoding(of key: UInt16) -> Encoding? { registry.first { $0.key == key }?.encoding }

    /// One `key=value` (or `key`) parameter.
    static func parse(_ text: ArraySlice<UInt8>) throws(BindResult) -> (key: UInt16, value: [UInt8]) {
        for entry in registry {
            let name = Array(entry.name.utf8)
            guard text.count >= name.count, text.prefix(name.count).elementsEqual(name) else { continue }
            var rest = text.dropFirst(name.count)
            if let c = rest.first {
                guard c == UInt8(ascii: "=") else { continue }
                rest = rest.dropFirst()
            }
            var value: [UInt8] = []
            switch entry.encoding {
            case .text, .dohpath: try multiText(rest, into: &value)
            case .alpn: try alpn(rest, into: &value)
            case .port:
                guard let f = rest.first, f >= 0x30 && f <= 0x39 else { throw .syntax }
                var v = 0
                for c in rest {
                    guard c >= 0x30 && c <= 0x39 else { throw .syntax }
                    v = v * 10 + Int(c - 0x30)
                    if v > 0xFFFF { throw .range }
                }
                value = [UInt8(v >> 8), UInt8(v & 0xFF)]
            case .ipv4s, .ipv6s:
                for part in rest.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    guard let a = entry.encoding == .ipv4s ? IPText.ipv4(part) : IPText.ipv6(part) else {
                        throw .syntax
                    }
                    value.append(contentsOf: a)
                }
            case .base64: try Base64Decoder.decode(rest, into: &value)
            case .empty: if !rest.isEmpty { throw .syntax }
            case .keylist:
                if rest.isEmpty { throw .syntax }
                var keys: [UInt16] = []
                var r = rest
                while !r.isEmpty { keys.append(try key(&r, separator: UInt8(ascii: ","))) }
                keys.sort()
                for k in 1..<max(keys.count, 1) where keys[k] == keys[k - 1] { throw .syntax }
                for k in keys { value += [UInt8(k >> 8), UInt8(k & 0xFF)] }
            }
            if entry.encoding == .dohpath { try validate(key: entry.key, value: value) }
            return (entry.key, value)
        }
        var r = text
        let k = try key(&r, separator: UInt8(ascii: "="))
        var value: [UInt8] = []
        if !r.isEmpty { try multiText(r, into: &value) }
        try validate(key: k, value: value)
        return (k, value)
    }

    /// A key name (`alpn`, any case) or `keyNNNN`, and the separator after it.
    static func key(_ r: inout ArraySlice<UInt8>, separator: UInt8) throws(BindResult) -> UInt16 {
        var value: UInt16? = nil
        for entry in registry {
            let name = Array(entry.name.utf8)
            guard r.count >= name.count else { continue }
            var same = true
            for (a, b) in zip(r.prefix(name.count), name) where a | 0x20 != b | 0x20 { same = false }
            guard same else { continue }
            if r.count > name.count && r[r.startIndex + name.count] != separator { continue }
            r = r.dropFirst(name.count)
            value = entry.key
            break
        }
        if value == nil {
            guard r.starts(with: "key".utf8) else { throw .syntax }
            r = r.dropFirst(3)
            guard let f = r.first, f != UInt8(ascii: "-"), f != UInt8(ascii: "+") else { throw .syntax }
            if r.count > 1 && f == UInt8(ascii: "0") && r[r.startIndex + 1] != separator { throw .syntax }
            var v = 0
            var n = 0
            while let c = r.first, c >= 0x30 && c <= 0x39 {
                v = v * 10 + Int(c - 0x30)
                if v > 0xFFFFF { v = 0xFFFFF }
                n += 1
                r = r.dropFirst()
            }
            if n == 0 { throw .syntax }
            if let c = r.first, c != separator { throw .syntax }
            if v > 0xFFFF { throw .range }
            value = UInt16(v)
        }
        if separator == UInt8(ascii: ",") && r.count == 1 { throw .syntax }
        if !r.isEmpty { r = r.dropFirst() }
        return value!
    }

    static func multiText(_ s: ArraySlice<UInt8>, into out: inout [UInt8]) throws(BindResult) {
        var i = s.startIndex
        while i < s.endIndex { out.append(try ZoneFileLoader.unescapedByte(s, &i)) }
    }

    /// `alpn=h2,h3` with two levels of escapes: `\,` at the second level keeps a comma in an ALPN id.
    static func alpn(_ s: ArraySlice<UInt8>, into out: inout [UInt8]) throws(BindResult) {
        var i = s.startIndex
        repeat {
            let at = out.count
            out.append(0)
            var n = 0
            var escape = false, commaEscape = false, seenComma = false
            while i < s.endIndex {
                var c = s[i]
                i += 1
                if escape && c >= 0x30 && c <= 0x39 {
                    var v = Int(c - 0x30)
                    for _ in 0..<2 {
                        guard i < s.endIndex, s[i] >= 0x30 && s[i] <= 0x39 else { throw .syntax }
                        v = v * 10 + Int(s[i] - 0x30)
                        i += 1
                    }
                    guard v <= 255 else { throw .syntax }
                    c = UInt8(v)
                } else if !escape && c == 0x5C {
                    escape = true
                    continue
                }
                escape = false
                if !commaEscape && c == UInt8(ascii: ",") {
                    seenComma = true
                    break
                }
                if !commaEscape && c == 0x5C {
                    commaEscape = true
                    continue
                }
                commaEscape = false
                if n >= 255 { throw .syntax }
                out.append(c)
                n += 1
            }
            if escape || commaEscape { throw .syntax }
            if n == 0 { throw .syntax }
            if seenComma && i == s.endIndex { throw .syntax }
            out[at] = UInt8(n)
        } while i < s.endIndex
    }

    /// `svcb_validate`: the wire form of a value for its key.
    static func validate(key: UInt16, value: [UInt8]) throws(BindResult) {
        guard let enc = encoding(of: key) else { return }
        switch enc {
        case .port: if value.count != 2 { throw .formErr }
        case .ipv4s: if value.isEmpty || value.count % 4 != 0 { throw .formErr }
        case .ipv6s: if value.isEmpty || value.count % 16 != 0 { throw .formErr }
        case .alpn:
            if value.isEmpty { throw .formErr }
            var i = 0
            while i < value.count {
                let l = Int(value[i]) + 1
                if l == 1 || i + l > value.count { throw .formErr }
                i += l
            }
        case .keylist:
            if value.isEmpty || value.count % 2 != 0 { throw .formErr }
            var i = 0
            while i + 4 <= value.count {
                if value[i] > value[i + 2] || (value[i] == value[i + 2] && value[i + 1] >= value[i + 3]) {
                    throw .formErr
                }
                i += 2
            }
        case .dohpath:
            if value.count < 7 || value[0] != UInt8(ascii: "/") { throw .formErr }
            if String(validating: value, as: UTF8.self) == nil { throw .formErr }
            let pattern = Array("{?dns}".utf8)
            var found = false
            if value.count >= pattern.count {
                for k in 0...(value.count - pattern.count) where value[k..<(k + pattern.count)].elementsEqual(pattern) {
                    found = true
                    break
                }
            }
            if !found { throw .formErr }
        case .empty: if !value.isEmpty { throw .formErr }
        case .text, .base64: break
        }
    }

    /// `svcsortkeys`: orders the parameters by key and checks duplicates, `mandatory` and `no-default-alpn`.
    static func sort(_ params: [(key: UInt16, value: [UInt8])]) throws(BindResult) -> [(key: UInt16, value: [UInt8])] {
        if params.isEmpty { return [] }
        var remaining = params
        var sorted: [(key: UInt16, value: [UInt8])] = []
        var mandatory: [UInt16] = []
        var mankey: UInt16 = 0
        var haveALPN = false
        while true {
            if remaining.count == 1 {
                let key1 = remaining[0].key
                if mankey != 0 {
                    if key1 != mankey || !mandatory.isEmpty { throw .inconsistentRR }
                } else if key1 == 0 {
                    throw .disallowed
                } else if key1 == 2 && !haveALPN {
                    throw .disallowed
                }
                sorted.append(remaining[0])
                return sorted
            }
            var best = 0
            for k in 1..<remaining.count {
                if remaining[k].key == remaining[best].key { throw .duplicate }
                if remaining[k].key < remaining[best].key { best = k }
            }
            let p = remaining.remove(at: best)
            let key1 = p.key
            if key1 == 1 {
                haveALPN = true
            } else if key1 == 2 && !haveALPN {
                throw .disallowed
            }
            if mankey != 0 {
                if key1 > mankey { throw .inconsistentRR }
                if key1 == mankey { mankey = mandatory.isEmpty ? 0 : mandatory.removeFirst() }
            }
            if key1 == 0 {
                var keys: [UInt16] = []
                var i = 0
                while i + 1 < p.value.count {
                    keys.append(UInt16(p.value[i]) << 8 | UInt16(p.value[i + 1]))
                    i += 2
                }
                guard let first = keys.first else { throw .syntax }
                if first == 0 { throw .disallowed }
                mankey = first
                mandatory = Array(keys.dropFirst())
            }
            sorted.append(p)
        }
    }
}
