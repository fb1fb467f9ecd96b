/// A span of time written `90s`, `15m`, `3h`, `2d` or `4w` (a bare number is seconds).
package struct Duration: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var seconds: Int64

    package init(seconds: Int64) {
        self.seconds = seconds
    }

    package static func seconds(_ n: Int64) -> Duration { Duration(seconds: n) }
    package static func minutes(_ n: Int64) -> Duration { Duration(seconds: n * 60) }
    package static func hours(_ n: Int64) -> Duration { Duration(seconds: n * 3600) }
    package static func days(_ n: Int64) -> Duration { Duration(seconds: n * 86400) }
    package static func weeks(_ n: Int64) -> Duration { Duration(seconds: n * 604_800) }

    /// Parses `90s`, `15m`, `3h`, `2d`, `4w` or `3600`; nil for anything else (including overflow).
    package init?(parsing text: String) {
        var digits = Substring(text)
        var unit: Int64 = 1
        if let last = text.last, !last.isNumber {
            switch last {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604_800
            default: return nil
            }
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let n = Int64(digits)
        else { return nil }
        let (value, overflow) = n.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        seconds = value
    }

    /// The shortest exact form: `3600` seconds prints `1h`.
    package var description: String {
        for (unit, suffix) in [(Int64(604_800), "w"), (86400, "d"), (3600, "h"), (60, "m")]
        where seconds != 0 && seconds % unit == 0 {
            return "\(seconds / unit)\(suffix)"
        }
        return "\(seconds)s"
    }

    package static func < (a: Duration, b: Duration) -> Bool { a.seconds < b.seconds }
}
