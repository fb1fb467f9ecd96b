/// RDATA in zone-file form: names absolute (with their trailing dot), strings quoted. Types without a text form
/// here are written in RFC 3597 form (`\# 4 C0000201`), which BIND reads for any type.
package enum RDataFormatter {
    package static func text(type: UInt16, rdata: [UInt8]) -> String {
        var r = Reader(d: rdata)
        if let s = try? format(type: type, &r), r.i == rdata.count { return s }
        return generic(rdata)
    }

    package static func generic(_ rdata: [UInt8]) -> String {
        rdata.isEmpty ? "\\# 0" : "\\# \(rdata.count) \(HexText.encode(rdata[...]))"
    }

    struct Bad: Error {}

    struct Reader {
        let d: [UInt8]
        var i = 0
        mutating func u8() throws -> Int {
            guard i < d.count else { throw Bad() }
            i += 1
            return Int(d[i - 1])
        }
        mutating func u16() throws -> Int { try u8() << 8 | u8() }
        mutating func u32() throws -> UInt32 { UInt32(try u16()) << 16 | UInt32(try u16()) }
        mutating func bytes(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, i + n <= d.count else { throw Bad() }
            i += n
            return d[(i - n)..<i]
        }
        mutating func rest() -> ArraySlice<UInt8> {
            defer { i = d.count }
            return d[i...]
        }
        mutating func name() throws -> String {
            guard let n = DNSName.fromWire(d[...], at: &i) else { throw Bad() }
            return n.absoluteText
        }
        mutating func string() throws -> String { RDataFormatter.quote(try bytes(try u8())) }
    }

    static func quote(_ s: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = [0x22]
        for c in s {
            switch c {
            case 0x22, 0x5C:
                out.append(0x5C)
                out.append(c)
            case 0x20...0x7E:
                out.append(c)
            default:
                out.append(0x5C)
                out.append(0x30 + c / 100)
                out.append(0x30 + (c / 10) % 10)
                out.append(0x30 + c % 10)
            }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    static func format(type: UInt16, _ r: inout Reader) throws -> String {
        switch type {
        case 1: return IPText.ipv4Text(try r.bytes(4))
        case 28: return IPText.ipv6Text(try r.bytes(16))
        case 2, 3, 4, 5, 7, 8, 9, 12, 23, 39: return try r.name()
        case 6:
            let m = try r.name(), n = try r.name()
            return "\(m) \(n) \(try r.u32()) \(try r.u32()) \(try r.u32()) \(try r.u32()) \(try r.u32())"
        case 15, 18, 21, 36, 107: return "\(try r.u16()) \(try r.name())"
        case 16, 99:
            var parts: [String] = []
            while r.i < r.d.count { parts.append(try r.string()) }
            guard !parts.isEmpty else { throw Bad() }
            return parts.joined(separator: " ")
        case 13: return "\(try r.string()) \(try r.string())"
        case 14, 17, 58: return "\(try r.name()) \(try r.name())"
        case 33: return "\(try r.u16()) \(try r.u16()) \(try r.u16()) \(try r.name())"
        case 257:
            let flags = try r.u8()
            let tag = String(decoding: try r.bytes(try r.u8()), as: UTF8.self)
            return "\(flags) \(tag) \(quote(r.rest()))"
        case 43, 59, 32768, 32769:
            return "\(try r.u16()) \(try r.u8()) \(try r.u8()) \(HexText.encode(r.rest()))"
        case 48, 60, 25:
            let flags = try r.u16(), proto = try r.u8(), alg = try r.u8()
            let key = r.rest()
            return key.isEmpty ? "\(flags) \(proto) \(alg)" : "\(flags) \(proto) \(alg) \(Base64Text.encode(key))"
        case 52, 53: return "\(try r.u8()) \(try r.u8()) \(try r.u8()) \(HexText.encode(r.rest()))"
        case 44: return "\(try r.u8()) \(try r.u8()) \(HexText.encode(r.rest()))"
        case 35:
            let order = try r.u16(), pref = try r.u16()
            return "\(order) \(pref) \(try r.string()) \(try r.string()) \(try r.string()) \(try r.name())"
        case 64, 65: return try svcb(&r)
        case 51:
            let alg = try r.u8(), flags = try r.u8(), it = try r.u16()
            let salt = try r.bytes(try r.u8())
            return "\(alg) \(flags) \(it) \(salt.isEmpty ? "-" : HexText.encode(salt))"
        default: throw Bad()
        }
    }

    static func svcb(_ r: inout Reader) throws -> String {
        var s = "\(try r.u16()) \(try r.name())"
        while r.i < r.d.count {
            let key = UInt16(try r.u16())
            let value = try r.bytes(try r.u16())
            let name = SVCBParams.registry.first { $0.key == key && $0.key != 7 }
            s += " " + (name?.name ?? "key\(key)")
            if value.isEmpty { continue }
            switch name?.encoding {
            case .port?: s += "=\(Int(value[value.startIndex]) << 8 | Int(value[value.startIndex + 1]))"
            case .ipv4s?:
                s +=
                    "="
                    + stride(from: value.startIndex, to: value.endIndex, by: 4).map {
                        IPText.ipv4Text(value[$0..<($0 + 4)])
                    }.joined(separator: ",")
            case .ipv6s?:
                s +=
                    "="
                    + stride(from: value.startIndex, to: value.endIndex, by: 16).map {
                        IPText.ipv6Text(value[$0..<($0 + 16)])
                    }.joined(separator: ",")
            case .base64?: s += "=" + Base64Text.encode(value)
            case .keylist?:
                s +=
                    "="
                    + stride(from: value.startIndex, to: value.endIndex, by: 2).map { k -> String in
                        let v = UInt16(value[k]) << 8 | UInt16(value[k + 1])
                        return SVCBParams.registry.first { $0.key == v && v != 7 }?.name ?? "key\(v)"
                    }.joined(separator: ",")
            case .alpn?:
                var ids: [String] = []
                var k = value.startIndex
                while k < value.endIndex {
                    let l = Int(value[k])
                    let id = value[(k + 1)..<min(k + 1 + l, value.endIndex)]
                    var esc = ""
                    for c in id {
                        if c == UInt8(ascii: ",") || c == 0x5C { esc += "\\\\" }
                        esc +=
                            c >= 0x20 && c <= 0x7E && c != 0x22 ? String(UnicodeScalar(c)) : "\\" + String(format3(c))
                    }
                    ids.append(esc)
                    k += 1 + l
                }
                s += "=\"" + ids.joined(separator: ",") + "\""
            default:
                s += "=" + quote(value)
            }
        }
        return s
    }

    static func format3(_ c: UInt8) -> String {
        let s = String(c)
        return String(repeating: "0", count: 3 - s.count) + s
    }
}
