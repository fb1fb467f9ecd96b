/// One field of a resource as Baton applies it: a scalar, a list, or a secret that is compared by digest and
/// never printed.
package enum FieldValue: Sendable, Hashable {
    case scalar(String)
    case list([String])
    /// A secret's SHA-256: a change is visible, the value is not.
    case sensitive(String)

    /// Appends the text the hash of a resource is made of: unambiguous, one line per field.
    func appendCanonical(to out: inout [UInt8]) {
        switch self {
        case .scalar(let s):
            out += [UInt8(ascii: "s"), UInt8(ascii: ":")]
            Self.appendEscaped(s, to: &out)
        case .list(let items):
            out += [UInt8(ascii: "l"), UInt8(ascii: ":")]
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendEscaped(item, to: &out)
            }
        case .sensitive(let digest):
            out += [UInt8(ascii: "x"), UInt8(ascii: ":")]
            out += digest.utf8
        }
    }

    /// Commas, backslashes and line breaks escaped so that two different values never read the same.
    static func appendEscaped(_ s: String, to out: inout [UInt8]) {
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: ","): out += [UInt8(ascii: "\\"), UInt8(ascii: ",")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            default: out.append(byte)
            }
        }
    }
}

/// A named field of a resource's applied form (`php.version`, `records`).
package struct Field: Sendable, Hashable {
    package var name: String
    package var value: FieldValue

    package init(_ name: String, _ value: FieldValue) {
        self.name = name
        self.value = value
    }
}
