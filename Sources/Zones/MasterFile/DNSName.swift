/// A domain name in uncompressed wire form: length-prefixed labels ending with the root label.
///
/// Names keep the case they were written in; `lowercased()` gives the form that compares, hashes and sorts the
/// way DNS does (the checker keys its tables on it).
package struct DNSName: Hashable, Sendable, Comparable, CustomStringConvertible {
    package internal(set) var wire: [UInt8]

    package static let root = DNSName(uncheckedWire: [0])

    package func hash(into hasher: inout Hasher) {
        wire.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    package static func == (a: DNSName, b: DNSName) -> Bool { a.wire == b.wire }

    init(uncheckedWire: [UInt8]) { self.wire = uncheckedWire }

    /// Reads a name written as in a zone file (`www`, `mail.example.com.`, `@`), relative to `origin`.
    package init?(_ text: String, origin: DNSName = .root) {
        let bytes = Array(text.utf8)
        guard case .success(let name) = DNSName.parse(bytes[...], origin: origin) else { return nil }
        self = name
    }

    /// The number of labels, the root label included.
    package var labelCount: Int {
        var n = 0
        var i = 0
        while i < wire.count {
            let len = Int(wire[i])
            n += 1
            if len == 0 { break }
            i += len + 1
        }
        return n
    }

    package var isRoot: Bool { wire.count == 1 }

    /// `*.example`: the first label is `*`.
    package var isWildcard: Bool { wire.count >= 2 && wire[0] == 1 && wire[1] == UInt8(ascii: "*") }

    /// A `*` label after the first one, as in `foo.*.example` (BIND warns about these).
    package var hasInternalWildcard: Bool {
        var i = Int(wire[0]) + 1
        guard wire[0] != 0 else { return false }
        while i < wire.count, wire[i] != 0 {
            if wire[i] == 1, wire[i + 1] == UInt8(ascii: "*") { return true }
            i += Int(wire[i]) + 1
        }
        return false
    }

    package func lowercased() -> DNSName {
        var w = wire
        var i = 0
        while i < w.count {
            let len = Int(w[i])
            if len == 0 { break }
            var j = i + 1
            let end = i + 1 + len
            while j < end {
                let c = w[j]
                if c >= 0x41 && c <= 0x5A { w[j] = c | 0x20 }
                j += 1
            }
            i = end
        }
        return DNSName(uncheckedWire: w)
    }

    /// The name without its first label; nil for the root.
    package func parent() -> DNSName? {
        guard wire[0] != 0 else { return nil }
        return DNSName(uncheckedWire: Array(wire[(Int(wire[0]) + 1)...]))
    }

    /// The name with `label` (raw bytes) in front.
    func prepending(label: [UInt8]) -> DNSName {
        DNSName(uncheckedWire: [UInt8(label.count)] + label + wire)
    }

    /// The first label's bytes (empty for the root).
    var firstLabel: ArraySlice<UInt8> { wire[1..<(1 + Int(wire[0]))] }

    /// True when this name is `other` or below it. Both names must have the same case treatment.
    package func isSubdomain(of other: DNSName) -> Bool {
        if other.wire.count > wire.count { return false }
        if other.wire.count == wire.count { return other.wire == wire }
        // The suffix must start at a label boundary.
        let start = wire.count - other.wire.count
        var i = 0
        while i < start { i += Int(wire[i]) + 1 }
        guard i == start else { return false }
        var j = 0
        while j < other.wire.count {
            if wire[start + j] != other.wire[j] { return false }
            j += 1
        }
        return true
    }

    /// The labels, each as raw bytes, from the left; the root label is left out.
    var labels: [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        while i < wire.count, wire[i] != 0 {
            let len = Int(wire[i])
            out.append(wire[(i + 1)..<(i + 1 + len)])
            i += len + 1
        }
        return out
    }

    /// DNSSEC canonical order (RFC 4034 §6.1) of lower-cased names.
    package static func < (a: DNSName, b: DNSName) -> Bool {
        let la = a.labels, lb = b.labels
        var i = la.count - 1, j = lb.count - 1
        while i >= 0 && j >= 0 {
            let x = la[i], y = lb[j]
            if x != y { return x.lexicographicallyPrecedes(y) }
            i -= 1
            j -= 1
        }
        return la.count < lb.count
    }

    /// As BIND prints names in messages: no trailing dot (`.` for the root), special characters escaped.
    package var description: String {
        if wire.count <= 1 { return "." }
        var out: [UInt8] = []
        out.reserveCapacity(wire.count + 8)
        var i = 0
        var first = true
        while i < wire.count, wire[i] != 0 {
            if !first { out.append(UInt8(ascii: ".")) }
            first = false
            let len = Int(wire[i])
            for c in wire[(i + 1)..<(i + 1 + len)] { DNSName.appendEscaped(c, to: &out) }
            i += len + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The presentation form with the trailing dot (`www.example.`), as a zone file writes absolute names.
    package var absoluteText: String { isRoot ? "." : description + "." }

    static func appendEscaped(_ c: UInt8, to out: inout [UInt8]) {
        switch c {
        case 0x22, 0x28, 0x29, 0x2E, 0x3B, 0x5C, 0x40, 0x24:  // " ( ) . ; \ @ $
            out.append(UInt8(ascii: "\\"))
            out.append(c)
        case 0x21...0x7E:
            out.append(c)
        default:
            out.append(UInt8(ascii: "\\"))
            out.append(0x30 + c / 100)
            out.append(0x30 + (c / 10) % 10)
            out.append(0x30 + c % 10)
        }
    }

    // MARK: - Reading names

    enum ParseError: Error, Equatable {
        case emptyLabel, labelTooLong, badEscape, unexpectedEnd, noSpace

        var result: BindResult {
            switch self {
            case .emptyLabel: return .emptyLabel
            case .labelTooLong: return .labelTooLong
            case .badEscape: return .badEscape
            case .unexpectedEnd: return .unexpectedEnd
            case .noSpace: return .noSpace
            }
        }
    }

    /// `dns_name_fromtext`: escapes (`\.`, `\DDD`), `@` for the origin, relative names completed with `origin`
    /// (nil origin: the name must be absolute, as the root is then the origin).
    static func parse(_ text: ArraySlice<UInt8>, origin: DNSName?) -> Result<DNSName, ParseError> {
        if text.isEmpty { return .failure(.unexpectedEnd) }
        if text.count == 1, text.first == UInt8(ascii: "@") {
            return .success(origin ?? .root)
        }
        if text.count == 1, text.first == UInt8(ascii: ".") { return .success(.root) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 2 + (origin?.wire.count ?? 0))
        var labelStart = 0
        var count = 0
        var inLabel = false
        var absolute = false
        var i = text.startIndex
        let end = text.endIndex
        while i < end {
            var c = text[i]
            i += 1
            if c == UInt8(ascii: ".") {
                if !inLabel || count == 0 { return .failure(.emptyLabel) }
                out[labelStart] = UInt8(count)
                inLabel = false
                if i == end {
                    absolute = true
                }
                continue
            }
            if !inLabel {
                labelStart = out.count
                out.append(0)
                count = 0
                inLabel = true
            }
            if c == UInt8(ascii: "\\") {
                guard i < end else { return .failure(.unexpectedEnd) }
                c = text[i]
                i += 1
                if c >= 0x30 && c <= 0x39 {
                    var value = Int(c - 0x30)
                    for _ in 0..<2 {
                        guard i < end else { return .failure(.unexpectedEnd) }
                        let d = text[i]
                        guard d >= 0x30 && d <= 0x39 else { return .failure(.badEscape) }
                        value = value * 10 + Int(d - 0x30)
                        i += 1
                    }
                    guard value <= 255 else { return .failure(.badEscape) }
                    c = UInt8(value)
                }
            }
            if count >= 63 { return .failure(.labelTooLong) }
            count += 1
            out.append(c)
            if out.count > 254 { return .failure(.noSpace) }
        }
        if inLabel { out[labelStart] = UInt8(count) }
        if absolute || origin == nil {
            if !absolute && out.isEmpty { return .failure(.unexpectedEnd) }
            out.append(0)
        } else {
            out.append(contentsOf: origin!.wire)
        }
        if out.count > 255 { return .failure(.noSpace) }
        return .success(DNSName(uncheckedWire: out))
    }

    /// Reads one uncompressed name from wire data at `offset`; nil when it is malformed or runs past the end.
    static func fromWire(_ data: ArraySlice<UInt8>, at offset: inout Int) -> DNSName? {
        var out: [UInt8] = []
        var i = offset
        while true {
            guard i < data.endIndex else { return nil }
            let len = Int(data[i])
            if len == 0 {
                out.append(0)
                i += 1
                break
            }
            guard len <= 63, i + 1 + len <= data.endIndex else { return nil }
            out.append(contentsOf: data[i...(i + len)])
            i += len + 1
            if out.count > 254 { return nil }
        }
        offset = i
        return DNSName(uncheckedWire: out)
    }

    // MARK: - Host names and mailboxes (check-names)

    /// `dns_name_ishostname`: every label is letters, digits and inner hyphens (RFC 952/1123). A leading `*`
    /// label is allowed when `wildcard` (owner names).
    func isHostname(wildcard: Bool) -> Bool {
        if wire.count == 1 { return true }
        return labelsAreHostname(from: wildcard && wire[0] == 1 && wire[1] == UInt8(ascii: "*") ? 2 : 0)
    }

    /// `dns_name_ismailbox`: the first label is any printable text, the rest a host name. The rest may be the root
    /// alone: `hostmaster.` (the root zone's contact) and `example.` are mailboxes to BIND.
    func isMailbox() -> Bool {
        if wire.count == 1 { return true }
        let first = Int(wire[0])
        for k in 0..<first {
            let c = wire[1 + k]
            if c < 0x21 || c > 0x7E { return false }
        }
        let i = first + 1
        if i >= wire.count { return false }
        return labelsAreHostname(from: i)
    }

    /// The labels from wire offset `start` on are letters, digits and inner hyphens.
    private func labelsAreHostname(from start: Int) -> Bool {
        var i = start
        while i < wire.count, wire[i] != 0 {
            let len = Int(wire[i])
            for k in 0..<len {
                let c = wire[i + 1 + k]
                if k == 0 || k == len - 1 {
                    if !DNSName.isAlnum(c) { return false }
                } else if !(DNSName.isAlnum(c) || c == UInt8(ascii: "-")) {
                    return false
                }
            }
            i += len + 1
        }
        return true
    }

    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }
}
