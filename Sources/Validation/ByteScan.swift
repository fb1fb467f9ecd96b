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

extension StringProtocol where SubSequence == Substring {
    /// `split(separator:maxSplits:omittingEmptySubsequences:)` by one ASCII character other than CR and LF, by
    /// bytes when the text is ASCII: each of its Characters is then one byte, except CR LF, which the separator
    /// is never part of, so the pieces are the same. Other text is split by Characters, as before. The rules
    /// split hundreds of thousands of names and values, and walking Characters cost more than the checks.
    func splitByByte(
        _ separator: Unicode.Scalar, maxSplits: Int = .max, omittingEmptySubsequences: Bool = true
    ) -> [Substring] {
        precondition(separator.isASCII && separator != "\r" && separator != "\n")
        let byte = UInt8(ascii: separator)
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return split(
                separator: Character(separator), maxSplits: maxSplits,
                omittingEmptySubsequences: omittingEmptySubsequences)
        }
        return Substring(self).utf8.split(
            separator: byte, maxSplits: maxSplits, omittingEmptySubsequences: omittingEmptySubsequences
        ).map { Substring($0) }
    }
}
