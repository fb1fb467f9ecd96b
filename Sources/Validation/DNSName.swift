/// Checks of domain names as DNS and IDNA allow them. Each check returns a problem phrase, or nil.
package enum DNSName {
    package static let maxLength = 253

    /// Letters, digits and inner hyphens, 1 to 63 bytes (either case: owner names may be upper case).
    package static func isLDHLabel(_ label: Substring) -> Bool {
        let b = label.utf8
        guard (1...63).contains(b.count), b.first != UInt8(ascii: "-"), b.last != UInt8(ascii: "-") else {
            return false
        }
        return b.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }

    /// A zone name as written in `metadata.name`: lower case, no trailing dot, at least two labels,
    /// IDN labels in punycode, no wildcard.
    package static func zoneProblem(_ name: String) -> String? {
        if name.hasSuffix(".") { return "it ends with a dot; write zone names without the trailing dot" }
        if name.hasByte("*") { return "a zone name cannot hold a wildcard; wildcards are records (`name: '*'`)" }
        if let problem = hostProblem(name, allowUnderscore: false) { return problem }
        if name.hasUppercaseASCII { return "it has upper-case letters; write domain names in lower case" }
        // The host check leaves no empty label and only ASCII: the labels are what lies between the dots.
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) else {
            return "it has a single label; a domain needs at least a name and a TLD"
        }
        if name.utf8[name.utf8.index(after: dot)...].allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return "its top-level label is numeric"
        }
        return nil
    }

    /// A host name (no trailing dot): labels LDH (underscores where allowed), IDN only as punycode.
    package static func hostProblem(_ name: String, allowUnderscore: Bool) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > maxLength { return "it is \(name.utf8.count) bytes long; names are at most \(maxLength)" }
        if name.utf8.contains(where: { $0 >= 0x80 }) {
            return "it has non-ASCII characters; write internationalised names in punycode (xn--...)"
        }
        // Label by label between the dots (an empty one included), without building an array of them: every
        // name of a large repository passes here, most more than once.
        let utf8 = name.utf8
        var start = utf8.startIndex
        while true {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: ".")) ?? utf8.endIndex
            if let problem = labelProblem(name[start..<end], allowUnderscore: allowUnderscore) { return problem }
            guard end != utf8.endIndex else { return nil }
            start = utf8.index(after: end)
        }
    }

    static func labelProblem(_ label: Substring, allowUnderscore: Bool) -> String? {
        let bytes = label.utf8
        if bytes.isEmpty { return "it has an empty label (two dots in a row, or a leading dot)" }
        if bytes.count > 63 { return "label '\(label.prefix(20))...' is \(bytes.count) bytes; labels are at most 63" }
        // Service labels (`_dmarc`, `_sip`, `_domainkey`) where the record type allows them.
        if allowUnderscore, bytes.first == UInt8(ascii: "_"),
            bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        {
            return nil
        }
        guard isLDHLabel(label) else {
            return "label '\(label)' may hold only letters, digits and inner hyphens"
        }
        if bytes.count >= 4 {
            let third = bytes[bytes.index(bytes.startIndex, offsetBy: 2)]
            let fourth = bytes[bytes.index(bytes.startIndex, offsetBy: 3)]
            if third == UInt8(ascii: "-"), fourth == UInt8(ascii: "-") {
                let lower = label.lowercased()
                guard lower.hasPrefix("xn--") else {
                    return "label '\(label)' has '--' in third and fourth position, which IDNA reserves"
                }
                guard Punycode.decode(String(lower.dropFirst(4))) != nil else {
                    return "label '\(label)' is not valid punycode"
                }
            }
        }
        return nil
    }
}

/// RFC 3492 decoding, enough to prove that an `xn--` label decodes.
enum Punycode {
    static func decode(_ input: String) -> String? {
        let base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700
        var n = 128, i = 0, bias = 72
        var output: [Unicode.Scalar] = []
        var rest = Substring(input)
        if let dash = input.lastIndex(of: "-") {
            output = input[..<dash].unicodeScalars.map { $0 }
            guard output.allSatisfy({ $0.isASCII }) else { return nil }
            rest = input[input.index(after: dash)...]
        }
        var digits = rest.unicodeScalars.makeIterator()
        while true {
            let oldI = i
            var w = 1
            var k = base
            var sawDigit = false
            while true {
                guard let c = digits.next() else {
                    if sawDigit { return nil }
                    return output.isEmpty && input.isEmpty ? nil : String(String.UnicodeScalarView(output))
                }
                sawDigit = true
                let digit: Int
                switch c.value {
                case 97...122: digit = Int(c.value) - 97
                case 48...57: digit = Int(c.value) - 22
                default: return nil
                }
                i += digit * w
                guard i < 1 << 26 else { return nil }
                let t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias)
                if digit < t { break }
                w *= base - t
                k += base
            }
            var delta = oldI == 0 ? (i - oldI) / damp : (i - oldI) / 2
            delta += delta / (output.count + 1)
            var kk = 0
            while delta > ((base - tmin) * tmax) / 2 {
                delta /= base - tmin
                kk += base
            }
            bias = kk + (((base - tmin + 1) * delta) / (delta + skew))
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(n), n >= 128 else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
    }
}
