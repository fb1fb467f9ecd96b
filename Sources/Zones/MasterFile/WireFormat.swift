/// Checks RDATA in wire form against its type's format, as BIND's `dns_rdata_fromwire` does for RFC 3597
/// `\# len hex` data of a type it knows. Returns where the RDATA holds domain names.
enum WireFormat {
    private struct Cursor {
        let d: [UInt8]
        var i = 0
        var names: [Range<Int>] = []

        var remaining: Int { d.count - i }

        mutating func take(_ n: Int) throws(BindResult) {
            if remaining < n { throw .unexpectedEnd }
            i += n
        }
        mutating func u8() throws(BindResult) -> Int {
            if remaining < 1 { throw .unexpectedEnd }
            i += 1
            return Int(d[i - 1])
        }
        mutating func u16() throws(BindResult) -> Int {
            if remaining < 2 { throw .unexpectedEnd }
            i += 2
            return Int(d[i - 2]) << 8 | Int(d[i - 1])
        }
        mutating func name() throws(BindResult) {
            let start = i
            var total = 0
            while true {
                if remaining < 1 { throw .unexpectedEnd }
                let len = Int(d[i])
                if len & 0xC0 != 0 { throw .formErr }  // no compression in RDATA given as text
                i += 1
                total += len + 1
                if total > 255 { throw .formErr }
                if len == 0 { break }
                try take(len)
            }
            names.append(start..<i)
        }
        mutating func charString() throws(BindResult) { try take(try u8()) }
        mutating func rest(min: Int) throws(BindResult) {
            if remaining < min { throw .unexpectedEnd }
            i = d.count
        }
        mutating func bitmap() throws(BindResult) {
            var lastWindow = -1
            while remaining > 0 {
                let window = try u8()
                let len = try u8()
                if window <= lastWindow || len < 1 || len > 32 { throw .formErr }
                if remaining < len { throw .unexpectedEnd }
                if d[i + len - 1] == 0 { throw .formErr }
                i += len
                lastWindow = window
            }
        }
    }

    static func validate(type: UInt16, data: [UInt8]) throws(BindResult) -> [Range<Int>] {
        var c = Cursor(d: data)
        switch type {
        case 1: try c.take(4)
        case 28: try c.take(16)
        case 2, 3, 4, 5, 7, 8, 9, 12, 23, 39: try c.name()
        case 6:
            try c.name()
            try c.name()
            try c.take(20)
        case 10, 100, 101, 102, 103, 65533: c.i = data.count
        case 11:
            try c.take(5)
            if c.remaining > 8192 { throw .formErr }
            c.i = data.count
        case 13, 27:
            try c.charString()
            try c.charString()
            if type == 27 { try c.charString() }
        case 14, 17, 58:
            try c.name()
            try c.name()
        case 15, 18, 21, 36, 107:
            try c.take(2)
            try c.name()
        case 16, 99, 56, 258, 261, 262:
            if c.remaining == 0 { throw .unexpectedEnd }
            while c.remaining > 0 { try c.charString() }
        case 19: try c.charString()
        case 20:
            try c.charString()
            if c.remaining > 0 { try c.charString() }
        case 22, 31, 32, 49, 61, 67, 68: try c.rest(min: 1)
        case 24, 46:
            try c.take(18)
            try c.name()
            try c.rest(min: type == 46 ? 1 : 0)
        case 25, 48, 60, 57:
            try c.take(4)
            c.i = data.count
        case 26:
            try c.take(2)
            try c.name()
            try c.name()
        case 29:
            if c.remaining < 1 { throw .unexpectedEnd }
            if data[0] != 0 { c.i = data.count } else { try c.take(16) }
        case 30:
            try c.name()
            c.i = data.count
        case 33:
            try c.take(6)
            try c.name()
        case 34:
            try c.take(1)
            try c.rest(min: 1)
        case 35:
            try c.take(4)
            try c.charString()
            try c.charString()
            let at = c.i
            try c.charString()
            if !ZoneFileLoader.validRegex(data[at..<c.i]) { throw .syntax }
            try c.name()
        case 37:
            try c.take(5)
            c.i = data.count
        case 38:
            let prefix = try c.u8()
            if prefix > 128 { throw .range }
            try c.take(16 - prefix / 8)
            if prefix > 0 { try c.name() }
        case 40:
            try c.take(3)
            c.i = data.count
        case 42:
            while c.remaining > 0 {
                try c.take(3)
                let len = try c.u8() & 0x7F
                try c.take(len)
            }
        case 43, 59, 32768, 32769:
            try c.take(3)
            let digest = try c.u8()
            switch digest {
            case 1: try c.take(20)
            case 2: try c.take(32)
            case 4: try c.take(48)
            default: try c.rest(min: 1)
            }
        case 44:
            try c.take(1)
            let fp = try c.u8()
            try c.take(fp == 1 ? 20 : fp == 2 ? 32 : 1)
            c.i = data.count
        case 45:
            try c.take(1)
            let gw = try c.u8()
            try c.take(1)
            switch gw {
            case 0: break
            case 1: try c.take(4)
            case 2: try c.take(16)
            case 3: try c.name()
            default: throw .formErr
            }
            c.i = data.count
        case 47:
            try c.name()
            try c.bitmap()
        case 50:
            let alg = try c.u8()
            try c.take(3)
            try c.charString()
            let hash = try c.u8()
            if hash < 1 || (alg == 1 && hash != 20) { throw .formErr }
            try c.take(hash)
            try c.bitmap()
        case 51:
            try c.take(4)
            try c.charString()
        case 52, 53:
            try c.take(3)
            try c.rest(min: 1)
        case 55:
            let hitLen = try c.u8()
            try c.take(1)
            let keyLen = try c.u16()
            if hitLen == 0 || keyLen == 0 { throw .formErr }
            try c.take(hitLen + keyLen)
            while c.remaining > 0 { try c.name() }
        case 62:
            try c.take(6)
            try c.bitmap()
        case 63:
            try c.take(5)
            let alg = try c.u8()
            try c.take(alg == 1 ? 48 : alg == 2 ? 64 : 12)
            c.i = data.count
        case 64, 65:
            try c.take(2)
            try c.name()
            var last = -1
            while c.remaining > 0 {
                let key = try c.u16()
                let len = try c.u16()
                if key <= last { throw .formErr }
                if c.remaining < len { throw .unexpectedEnd }
                try SVCBParams.validate(key: UInt16(key), value: Array(data[c.i..<(c.i + len)]))
                c.i += len
                last = key
            }
        case 66:
            try c.take(5)
            try c.name()
        case 104, 106: try c.take(10)
        case 105: try c.take(6)
        case 108: try c.take(6)
        case 109: try c.take(8)
        case 256:
            try c.take(4)
            try c.rest(min: 1)
        case 257:
            try c.take(1)
            let tagLen = try c.u8()
            if tagLen == 0 { throw .formErr }
            for k in 0..<tagLen where c.i + k < data.count && !DNSName.isAlnum(data[c.i + k]) { throw .formErr }
            try c.take(tagLen)
            c.i = data.count
        case 259:
            try c.take(9)
            try c.charString()
            c.i = data.count
        case 260:
            try c.take(1)
            let type = try c.u8() & 0x7F
            switch type {
            case 0: break
            case 1: try c.take(4)
            case 2: try c.take(16)
            case 3: try c.name()
            default: c.i = data.count
            }
        default:
            c.i = data.count
        }
        if c.remaining > 0 { throw .extraData }
        return c.names
    }
}
