/// Writing YAML (status files, imported manifests): every string double-quoted with JSON-compatible escapes,
/// so no value can change the shape of the document or be read back as another type, whatever it holds.
package enum YAMLText {
    package static func quoted(_ s: String) -> String {
        // Almost every value (names, hashes, revisions) is printable ASCII with nothing to escape: copied whole.
        // A status branch of 100,000 resources quotes half a million of them per run.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        return escaped(s)
    }

    /// Scalar by scalar: what `quoted` gives for any string.
    static func escaped(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _
            where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
