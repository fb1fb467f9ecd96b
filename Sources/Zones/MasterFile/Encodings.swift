/// Address text as `inet_pton` reads it (glibc: no leading zeros in IPv4 parts, one `::`, a trailing dotted quad).
enum IPText {
    static func ipv4(_ s: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(4)
        var value = 0
        var digits = 0
        for c in s {
            if c >= 0x30 && c <= 0x39 {
                if digits > 0 && value == 0 { return nil }  // leading zero
                value = value * 10 + Int(c - 0x30)
                digits += 1
                if value > 255 { return nil }
            } else if c == UInt8(ascii: ".") {
                if digits == 0 || out.count == 3 { return nil }
                out.append(UInt8(value))
                value = 0
                digits = 0
            } else {
                return nil
            }
        }
        if digits == 0 || out.count != 3 { return nil }
        out.append(UInt8(value))
        return out
    }

    static func ipv6(_ s: ArraySlice<UInt8>) -> [UInt8]? {
        var words: [UInt16] = []
        var gap: Int? = nil
        var i = s.startIndex
        let end = s.endIndex
        if i == end { return nil }
        if s[i] == UInt8(ascii: ":") {
            guard i + 1 < end, s[i + 1] == UInt8(ascii: ":") else { return nil }
            gap = 0
            i += 2
            if i == end { return [UInt8](repeating: 0, count: 16) }
        }
        var tail: [UInt8] = []
        while i < end {
            // One group, or a dotted quad at the end.
            var j = i
            var v = 0
            while j < end, let h = hexValue(s[j]) {
                v = v * 16 + h
                j += 1
                if j - i > 4 { return nil }
            }
            if j < end, s[j] == UInt8(ascii: ".") {
                guard let q = ipv4(s[i..<end]), words.count <= 6 else { return nil }
                tail = q
                i = end
                break
            }
            if j == i { return nil }
            words.append(UInt16(v))
            i = j
            if i == end { break }
            guard s[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            if i < end, s[i] == UInt8(ascii: ":") {
                if gap != nil { return nil }
                gap = words.count
                i += 1
                if i == end { break }
            } else if i == end {
                return nil
            }
        }
        let total = words.count * 2 + tail.count
        if let g = gap {
            if total > 14 { return nil }
            let zeros = (16 - total) / 2
            words.insert(contentsOf: [UInt16](repeating: 0, count: zeros), at: g)
        } else if total != 16 {
            return nil
        }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for w in words {
            out.append(UInt8(w >> 8))
            out.append(UInt8(w & 0xFF))
        }
        out.append(contentsOf: tail)
        return out.count == 16 ? out : nil
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        default: return nil
        }
    }

    static func ipv4Text(_ b: ArraySlice<UInt8>) -> String {
        b.map(String.init).joined(separator: ".")
    }

    /// RFC 5952 text for 16 bytes.
    static func ipv6Text(_ b: ArraySlice<UInt8>) -> String {
        let bytes = Array(b)
        var words: [Int] = []
        for k in 0..<8 { words.append(Int(bytes[2 * k]) << 8 | Int(bytes[2 * k + 1])) }
        // IPv4-mapped and compatible forms as inet_ntop writes them.
        if words[0..<5].allSatisfy({ $0 == 0 }) && (words[5] == 0xFFFF || (words[5] == 0 && words[6] != 0)) {
            let prefix = words[5] == 0xFFFF ? "::ffff:" : "::"
            return prefix + ipv4Text(bytes[12..<16][...])
        }
        var bestStart = -1, bestLen = 0, k = 0
        while k < 8 {
            if words[k] == 0 {
                var l = 0
                while k + l < 8 && words[k + l] == 0 { l += 1 }
                if l > bestLen && l >= 2 {
                    bestStart = k
                    bestLen = l
                }
                k += l
            } else {
                k += 1
            }
        }
        let hex = words.map { String($0, radix: 16) }
        if bestStart < 0 { return hex.joined(separator: ":") }
        let head = hex[0..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLen)...].joined(separator: ":")
        let s = head + "::" + tail
        return s
    }
}

/// BIND's base64 reader: `=` padding, no characters after the end, unused bits zero.
struct Base64Decoder {
    var vals: (Int, Int, Int, Int) = (0, 0, 0, 0)
    var digits = 0
    var seenEnd = false
    /// Bytes still expected (-1: any number).
    var length: Int

    init(length: Int) { self.length = length }

    static func value(_ c: UInt8) -> Int? {
        switch c {
        case 0x41...0x5A: return Int(c - 0x41)
        case 0x61...0x7A: return Int(c - 0x61 + 26)
        case 0x30...0x39: return Int(c - 0x30 + 52)
        case 0x2B: return 62
        case 0x2F: return 63
        case 0x3D: return 64
        default: return nil
        }
    }

    mutating func add(_ c: UInt8, to out: inout [UInt8]) throws(BindResult) {
        if seenEnd { throw .badBase64 }
        guard let v = Base64Decoder.value(c) else { throw .badBase64 }
        switch digits {
        case 0: vals.0 = v
        case 1: vals.1 = v
        case 2: vals.2 = v
        default: vals.3 = v
        }
        digits += 1
        guard digits == 4 else { return }
        if vals.0 == 64 || vals.1 == 64 { throw .badBase64 }
        if vals.2 == 64 && vals.3 != 64 { throw .badBase64 }
        if vals.2 == 64 && (vals.1 & 0xF) != 0 { throw .badBase64 }
        if vals.3 == 64 && (vals.2 & 0x3) != 0 { throw .badBase64 }
        let n = vals.2 == 64 ? 1 : (vals.3 == 64 ? 2 : 3)
        if n != 3 {
            seenEnd = true
            if vals.2 == 64 { vals.2 = 0 }
            if vals.3 == 64 { vals.3 = 0 }
        }
        let b0 = UInt8(truncatingIfNeeded: (vals.0 << 2) | (vals.1 >> 4))
        let b1 = UInt8(truncatingIfNeeded: (vals.1 << 4) | (vals.2 >> 2))
        let b2 = UInt8(truncatingIfNeeded: (vals.2 << 6) | vals.3)
        out.append(b0)
        if n > 1 { out.append(b1) }
        if n > 2 { out.append(b2) }
        if length >= 0 {
            if n > length { throw .badBase64 }
            length -= n
        }
        digits = 0
    }

    func finish() throws(BindResult) {
        if length > 0 { throw .unexpectedEnd }
        if digits != 0 { throw .badBase64 }
    }

    /// A whole base64 string (`isc_base64_decodestring`).
    static func decode(_ s: ArraySlice<UInt8>, into out: inout [UInt8]) throws(BindResult) {
        var d = Base64Decoder(length: -1)
        for c in s where c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D { try d.add(c, to: &out) }
        try d.finish()
    }
}

/// Base32 and base32hex (RFC 4648), with or without padding, unused bits zero.
enum Base32 {
    static func value(_ c: UInt8, hex: Bool) -> Int? {
        var u = c
        if u >= 0x61 && u <= 0x7A { u -= 0x20 }
        if hex {
            switch u {
            case 0x30...0x39: return Int(u - 0x30)
            case 0x41...0x56: return Int(u - 0x41 + 10)
            default: return nil
            }
        }
        switch u {
        case 0x41...0x5A: return Int(u - 0x41)
        case 0x32...0x37: return Int(u - 0x32 + 26)
        default: return nil
        }
    }

    /// Appends the decoded bytes; false when the text is not valid.
    static func decode(_ s: ArraySlice<UInt8>, hexAlphabet: Bool, padding: Bool, into out: inout [UInt8]) -> Bool {
        var group: [Int] = []
        group.reserveCapacity(8)
        var seenPad = false
        var ended = false
        for c in s {
            if ended { return false }
            if c == UInt8(ascii: "=") {
                if !padding { return false }
                seenPad = true
                group.append(32)
            } else {
                if seenPad { return false }
                guard let v = value(c, hex: hexAlphabet) else { return false }
                group.append(v)
            }
            if group.count == 8 {
                guard flush(group, into: &out) else { return false }
                if seenPad { ended = true }
                group.removeAll(keepingCapacity: true)
            }
        }
        if !group.isEmpty {
            if padding { return false }
            while group.count < 8 { group.append(32) }
            guard flush(group, into: &out) else { return false }
        }
        return true
    }

    private static func flush(_ g: [Int], into out: inout [UInt8]) -> Bool {
        // Number of data characters decides the byte count: 2→1, 4→2, 5→3, 7→4, 8→5.
        let n = g.firstIndex(of: 32) ?? 8
        let bytes: Int
        switch n {
        case 8: bytes = 5
        case 7: bytes = 4
        case 5: bytes = 3
        case 4: bytes = 2
        case 2: bytes = 1
        default: return false
        }
        for k in n..<8 where g[k] != 32 { return false }
        var bits: UInt64 = 0
        for k in 0..<8 { bits = bits << 5 | UInt64(g[k] == 32 ? 0 : g[k]) }
        // Unused bits must be zero.
        let used = bytes * 8
        let spare = n * 5 - used
        if spare > 0 {
            let mask = (UInt64(1) << UInt64(spare)) - 1
            if (bits >> UInt64(40 - n * 5)) & mask != 0 { return false }
        }
        for k in 0..<bytes { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(32 - 8 * k))) }
        return true
    }

    static let hexAlphabetChars = Array("0123456789ABCDEFGHIJKLMNOPQRSTUV".utf8)

    static func encodeHex(_ data: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var buffer: UInt64 = 0
        var bits = 0
        for b in data {
            buffer = buffer << 8 | UInt64(b)
            bits += 8
            while bits >= 5 {
                out.append(hexAlphabetChars[Int((buffer >> UInt64(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(hexAlphabetChars[Int((buffer << UInt64(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

enum Base64Text {
    static let chars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ data: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var i = data.startIndex
        while i < data.endIndex {
            let b0 = Int(data[i])
            let b1 = i + 1 < data.endIndex ? Int(data[i + 1]) : -1
            let b2 = i + 2 < data.endIndex ? Int(data[i + 2]) : -1
            out.append(chars[b0 >> 2])
            out.append(chars[((b0 & 3) << 4) | (b1 < 0 ? 0 : b1 >> 4)])
            out.append(b1 < 0 ? 0x3D : chars[((b1 & 15) << 2) | (b2 < 0 ? 0 : b2 >> 6)])
            out.append(b2 < 0 ? 0x3D : chars[b2 & 63])
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

enum HexText {
    static let digits = Array("0123456789ABCDEF".utf8)

    static func encode(_ data: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(data.count * 2)
        for b in data {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
