/// `$GENERATE range lhs [ttl] [class] type rhs`, as BIND 9.18 expands it.
extension ZoneFileLoader {
    func generateDirective(line: Int) {
        guard let rangeTok = requiredToken() else { return }
        let range = Array(tokenText(rangeTok))
        guard let lhsTok = requiredToken() else { return }
        let lhs = Array(tokenText(lhsTok))
        var rdclass: UInt16 = 0
        var explicitTTL = false
        guard var tok = requiredToken() else { return }
        if let c = RRClass.value(tokenText(tok)) {
            rdclass = c
            guard let t = requiredToken() else { return }
            tok = t
        }
        if let v = TTLText.parse(tokenText(tok)) {
            ttl = limitTTL(v, line: line)
            ttlKnown = true
            explicitTTL = true
            guard let t = requiredToken() else { return }
            tok = t
        }
        if rdclass == 0, let c = RRClass.value(tokenText(tok)) {
            rdclass = c
            guard let t = requiredToken() else { return }
            tok = t
        }
        let gtype = Array(tokenText(tok))
        guard let rhsTok = requiredToken([.qstring]) else { return }
        let rhs = Array(tokenText(rhsTok))
        if !ttlKnown && !defaultTTLKnown {
            error("no TTL specified", line: line)
            ttl = 0
        } else if !explicitTTL && defaultTTLKnown {
            ttl = defaultTTL
        }
        if rdclass != 0 && rdclass != 1 {
            error("class '\(RRClass.name(rdclass))' != zone class 'IN'", line: line)
            skipLine()
            return
        }
        generate(range: range, lhs: lhs, type: gtype, rhs: rhs, line: line)
        expectEOL()
    }

    func generate(range: [UInt8], lhs: [UInt8], type gtype: [UInt8], rhs: [UInt8], line: Int) {
        let rangeText = ZoneFileLoader.string(range[...])
        guard let (start, stop, step) = ZoneFileLoader.generateRange(range) else {
            error("$GENERATE: invalid range '\(rangeText)'", line: line)
            return
        }
        guard let type = RRType.value(gtype[...]) else {
            error("$GENERATE: unknown RR type '\(ZoneFileLoader.string(gtype[...]))'", line: line)
            return
        }
        if RRType.isMeta(type) {
            error("$GENERATE: meta RR type '\(ZoneFileLoader.string(gtype[...]))'", line: line)
            return
        }
        var i = start
        while i <= stop && !stopped {
            let owner: DNSName
            let rdataText: [UInt8]
            do throws(BindResult) {
                let l = try ZoneFileLoader.genname(lhs, Int(i))
                rdataText = try ZoneFileLoader.genname(rhs, Int(i))
                switch DNSName.parse(l[...], origin: ctx.origin) {
                case .success(let n): owner = n
                case .failure(let e): throw e.result
                }
            } catch {
                self.error("$GENERATE: \(error.text)", line: line)
                return
            }
            let lower = owner.lowercased()
            if !lower.isSubdomain(of: zone) {
                warning("ignoring out-of-zone data (\(owner))", line: line)
            } else {
                // The right-hand side is read as RDATA on its own, without check-names or check-mx.
                let saved = ctx.lex
                let savedOptions = options
                let mark = messages.count
                ctx.lex = MasterLexer(bytes: rdataText)
                options.checkNames = nil
                options.checkMX = nil
                generating = true
                let rdata = readRData(type: type, owner: owner, checkReverse: false)
                generating = false
                ctx.lex = saved
                options = savedOptions
                guard let rdata else {
                    let detail = messages[mark...].map(\.text).first ?? "syntax error"
                    messages.removeSubrange(mark...)
                    error("$GENERATE: \(detail)", line: line)
                    return
                }
                if type == RRType.soa && lower != zone {
                    error("SOA record not at top of zone (\(owner))", line: line, owner: owner, type: type)
                } else {
                    append(
                        ZoneRecord(
                            owner: lower, ttl: ttl, type: type, rdata: rdata.canonical, rdataAsWritten: rdata.written,
                            writtenOwner: owner.wire == lower.wire ? nil : owner, file: ctx.file, line: line))
                }
            }
            if i > UInt32.max - step { break }
            i += step
        }
    }

    /// `start-stop[/step]` as BIND's `sscanf("%u-%u/%u")` reads it: each number is C's `strtoul` cut to 32 bits
    /// (so 4294967296 is 0 and -4294967295 is 1), then start, stop and step must be at most 2^31-1, start at most
    /// stop and the step at least 1.
    static func generateRange(_ r: [UInt8]) -> (UInt32, UInt32, UInt32)? {
        var i = 0
        func number() -> UInt32? {
            guard let v = strtoul(r, &i) else { return nil }
            let cut = UInt32(truncatingIfNeeded: v)
            return cut > 0x7FFF_FFFF ? nil : cut
        }
        guard let start = number(), i < r.count, r[i] == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let stop = number() else { return nil }
        var step: UInt32 = 1
        if i < r.count, r[i] == UInt8(ascii: "/") {
            i += 1
            guard let s = number(), s >= 1 else { return nil }
            step = s
        }
        guard start <= stop else { return nil }
        return (start, stop, step)
    }

    /// C's `strtoul` on 64 bits from `i`: leading blanks, a sign, decimal digits; ULONG_MAX when the digits
    /// overflow, the negation modulo 2^64 for a minus sign. Nil when no digit follows.
    static func strtoul(_ s: [UInt8], _ i: inout Int) -> UInt64? {
        while i < s.count, s[i] == 0x20 || (s[i] >= 0x09 && s[i] <= 0x0D) { i += 1 }
        var negative = false
        if i < s.count, s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+") {
            negative = s[i] == UInt8(ascii: "-")
            i += 1
        }
        let digits = i
        var v: UInt64 = 0
        var overflow = false
        while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(s[i] - 0x30))
            overflow = overflow || o1 || o2
            v = a
            i += 1
        }
        if i == digits { return nil }
        if overflow { return UInt64.max }
        return negative ? 0 &- v : v
    }

    /// C's `strtol` on 64 bits (LONG_MAX or LONG_MIN when the digits overflow) cut to a 32-bit `int`, as BIND's
    /// `sscanf("%d")` stores it: an offset of 4294967295 is -1.
    static func strtolInt32(_ s: [UInt8], _ i: inout Int) -> Int32? {
        var j = i
        while j < s.count, s[j] == 0x20 || (s[j] >= 0x09 && s[j] <= 0x0D) { j += 1 }
        let negative = j < s.count && s[j] == UInt8(ascii: "-")
        var unsigned = i
        guard strtoul(s, &unsigned) != nil else { return nil }
        // The magnitude again, without strtoul's wrap of a minus sign.
        if j < s.count, s[j] == UInt8(ascii: "-") || s[j] == UInt8(ascii: "+") { j += 1 }
        var magnitude: UInt64 = 0
        var overflow = false
        while j < unsigned {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(s[j] - 0x30))
            overflow = overflow || o1 || o2
            magnitude = a
            j += 1
        }
        i = unsigned
        let value: Int64
        if negative {
            value =
                overflow || magnitude > UInt64(Int64.max) + 1 ? Int64.min : Int64(truncatingIfNeeded: 0 &- magnitude)
        } else {
            value = overflow || magnitude > UInt64(Int64.max) ? Int64.max : Int64(magnitude)
        }
        return Int32(truncatingIfNeeded: value)
    }

    /// `genname`: `$` is the iterator, `${offset,width,base}` formats it (`d`, `o`, `x`, `X`, and `n`/`N` for
    /// reversed nibbles), `$$` is a dollar sign.
    static func genname(_ s: [UInt8], _ it: Int) throws(BindResult) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: "$") {
                i += 1
                if i < s.count && s[i] == UInt8(ascii: "$") {
                    out.append(c)
                    i += 1
                    continue
                }
                var delta = 0
                var width = 0
                var mode: UInt8 = UInt8(ascii: "d")
                if i < s.count && s[i] == UInt8(ascii: "{") {
                    var j = i + 1
                    guard let d = ZoneFileLoader.strtolInt32(s, &j), j < s.count else { throw .syntax }
                    delta = Int(d)
                    if s[j] == UInt8(ascii: "}") {
                        // ${offset}
                    } else if s[j] == UInt8(ascii: ",") {
                        j += 1
                        guard let w = ZoneFileLoader.strtoul(s, &j), j < s.count else { throw .syntax }
                        width = Int(UInt32(truncatingIfNeeded: w))
                        if s[j] == UInt8(ascii: "}") {
                            // ${offset,width}
                        } else if s[j] == UInt8(ascii: ",") {
                            j += 1
                            guard j + 1 < s.count, "doxXnN".utf8.contains(s[j]), s[j + 1] == UInt8(ascii: "}") else {
                                throw .syntax
                            }
                            mode = s[j]
                        } else {
                            throw .syntax
                        }
                    } else {
                        throw .syntax
                    }
                    if width >= 128 { throw .noSpace }
                    while i < s.count {
                        let b = s[i]
                        i += 1
                        if b == UInt8(ascii: "}") { break }
                    }
                }
                // The offset is a 32-bit int (an offset of 4294967295 is -1): the sum must stay one.
                if (delta > 0 && it > Int(Int32.max) - delta) || (delta < 0 && it < Int(Int32.min) - delta) {
                    throw .range
                }
                let value = Int32(truncatingIfNeeded: it + delta)
                let text: [UInt8]
                switch mode {
                case UInt8(ascii: "n"), UInt8(ascii: "N"):
                    text = nibbles(UInt32(bitPattern: value), width: width, upper: mode == UInt8(ascii: "N"))
                case UInt8(ascii: "o"):
                    text = pad(Array(String(UInt32(bitPattern: value), radix: 8).utf8), width)
                case UInt8(ascii: "x"):
                    text = pad(Array(String(UInt32(bitPattern: value), radix: 16).utf8), width)
                case UInt8(ascii: "X"):
                    text = pad(Array(String(UInt32(bitPattern: value), radix: 16, uppercase: true).utf8), width)
                default:
                    if value < 0 {
                        text = [UInt8(ascii: "-")] + pad(Array(String(-Int(value)).utf8), max(width - 1, 0))
                    } else {
                        text = pad(Array(String(value).utf8), width)
                    }
                }
                if text.count >= 128 { throw .noSpace }
                out.append(contentsOf: text)
            } else if c == UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                if i < s.count {
                    out.append(s[i])
                    i += 1
                }
            } else {
                out.append(c)
                i += 1
            }
        }
        if out.count >= 2048 { throw .noSpace }
        return out
    }

    static func pad(_ digits: [UInt8], _ width: Int) -> [UInt8] {
        digits.count >= width ? digits : [UInt8](repeating: UInt8(ascii: "0"), count: width - digits.count) + digits
    }

    static func nibbles(_ v: UInt32, width w: Int, upper: Bool) -> [UInt8] {
        let hex = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var value = v
        var width = w
        var out: [UInt8] = []
        repeat {
            out.append(hex[Int(value & 0xF)])
            value >>= 4
            if width > 0 { width -= 1 }
            if width > 0 || value != 0 {
                out.append(UInt8(ascii: "."))
                if width > 0 { width -= 1 }
            }
        } while value != 0 || width > 0
        return out
    }
}
