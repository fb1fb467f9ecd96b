import Glibc

/// A cron schedule of five fields, in UTC: minute (0-59), hour (0-23), day of the month (1-31), month (1-12 or
/// `jan`-`dec`), day of the week (0-7, Sunday as 0 or 7, or `sun`-`sat`). Each field is `*`, a number, a range
/// `a-b`, a step `*/n` or `a-b/n`, or a comma-separated list of those, as in crontab(5). As there, when both day
/// fields are restricted, a day matches when either does.
package struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    package let description: String
    let minutes: UInt64
    let hours: UInt64
    let days: UInt64
    let months: UInt64
    let weekdays: UInt64
    let daysRestricted: Bool
    let weekdaysRestricted: Bool

    /// Why a text is not a schedule, in words that say what to write.
    package struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        package var description: String
    }

    package init(parsing text: String) throws {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw Problem(
                description:
                    "has \(fields.count) field\(fields.count == 1 ? "" : "s"); a schedule has five: minute hour "
                    + "day-of-month month day-of-week")
        }
        let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        minutes = try Self.field(fields[0], "minute", 0...59, names: [], base: 0)
        hours = try Self.field(fields[1], "hour", 0...23, names: [], base: 0)
        days = try Self.field(fields[2], "day of the month", 1...31, names: [], base: 1)
        months = try Self.field(fields[3], "month", 1...12, names: monthNames, base: 1)
        var weekdays = try Self.field(fields[4], "day of the week", 0...7, names: dayNames, base: 0)
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(1 << 7) }
        self.weekdays = weekdays
        daysRestricted = !fields[2].hasPrefix("*")
        weekdaysRestricted = !fields[4].hasPrefix("*")
        description = fields.joined(separator: " ")
    }

    static func field(_ text: Substring, _ name: String, _ range: ClosedRange<Int>, names: [String], base: Int) throws
        -> UInt64
    {
        var bits: UInt64 = 0
        func value(_ word: Substring) throws -> Int {
            if let index = names.firstIndex(of: word.lowercased()) { return index + base }
            guard !word.isEmpty, word.count <= 2, word.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(word),
                range.contains(n)
            else {
                throw Problem(
                    description:
                        "its \(name) field has '\(word)', not a number from \(range.lowerBound) to \(range.upperBound)"
                        + (names.isEmpty ? "" : " or a name (\(names.first!)...\(names.last!))"))
            }
            return n
        }
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw Problem(description: "its \(name) field has '\(part)'") }
            var step = 1
            if pieces.count == 2 {
                guard let n = Int(pieces[1]), n >= 1, n <= range.upperBound + 1 else {
                    throw Problem(description: "its \(name) field has the step '\(pieces[1])', not a number above 0")
                }
                step = n
            }
            let low: Int
            let high: Int
            if pieces[0] == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = pieces[0].firstIndex(of: "-") {
                low = try value(pieces[0][..<dash])
                high = try value(pieces[0][pieces[0].index(after: dash)...])
                guard low <= high else {
                    throw Problem(description: "its \(name) field has the range '\(pieces[0])', which runs backwards")
                }
            } else {
                low = try value(pieces[0])
                // `5/15` is crontab's "from 5, every 15".
                high = pieces.count == 2 ? range.upperBound : low
            }
            for n in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(n) }
        }
        return bits
    }

    /// Whether the schedule fires at the minute holding `time` (seconds since the epoch, UTC).
    package func matches(_ time: Int64) -> Bool {
        let t = Self.calendar(time)
        return minutes.has(t.minute) && hours.has(t.hour) && months.has(t.month) && dayMatches(t)
    }

    func dayMatches(_ t: (minute: Int, hour: Int, day: Int, month: Int, weekday: Int)) -> Bool {
        let day = days.has(t.day)
        let weekday = weekdays.has(t.weekday)
        if daysRestricted && weekdaysRestricted { return day || weekday }
        return day && weekday
    }

    /// The first minute strictly after `time` at which the schedule fires (seconds since the epoch), or nil
    /// when none comes within eight years (`0 0 30 2 *`, February the 30th).
    package func next(after time: Int64) -> Int64? {
        var t = (time / 60 + 1) * 60
        let limit = time + 8 * 366 * 86400
        while t <= limit {
            let c = Self.calendar(t)
            if !months.has(c.month) || !dayMatches(c) {
                t = (t / 86400 + 1) * 86400
            } else if !hours.has(c.hour) {
                t = (t / 3600 + 1) * 3600
            } else if !minutes.has(c.minute) {
                t += 60
            } else {
                return t
            }
        }
        return nil
    }

    static func calendar(_ time: Int64) -> (minute: Int, hour: Int, day: Int, month: Int, weekday: Int) {
        var seconds = time_t(time)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (Int(parts.tm_min), Int(parts.tm_hour), Int(parts.tm_mday), Int(parts.tm_mon) + 1, Int(parts.tm_wday))
    }
}

extension UInt64 {
    fileprivate func has(_ n: Int) -> Bool { self & (1 << UInt64(n)) != 0 }
}
