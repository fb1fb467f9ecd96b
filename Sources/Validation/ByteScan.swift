extension StringProtocol {
    /// A byte search: the checks run over hundreds of thousands of values, and Foundation's
    /// `contains(_:)` for strings is a locale-aware search, far slower than this.
    func hasByte(_ ascii: Unicode.Scalar) -> Bool {
        utf8.contains(UInt8(ascii: ascii))
    }

    func hasBytePair(_ ascii: Unicode.Scalar) -> Bool {
        let byte = UInt8(ascii: ascii)
        var previous: UInt8 = 0
        for c in utf8 {
            if c == byte, previous == byte { return true }
            previous = c
        }
        return false
    }

    var hasUppercaseASCII: Bool {
        utf8.contains { $0 >= 65 && $0 <= 90 }
    }
}
