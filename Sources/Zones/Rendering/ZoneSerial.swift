import Foundation

/// Serial numbers are Baton's: `YYYYMMDDnn` from the UTC date, raised only when the zone's content changes.
package enum ZoneSerial {
    /// The first serial of a day: `YYYYMMDD00`.
    package static func base(for date: Date) -> UInt32 {
        // The C library's UTC calendar: a Foundation Calendar costs more than rendering a small zone.
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        return UInt32((Int(t.tm_year) + 1900) * 1_000_000 + (Int(t.tm_mon) + 1) * 10_000 + Int(t.tm_mday) * 100)
    }

    /// The serial to publish. Unchanged content keeps the last serial; changed content takes today's next
    /// number, or the last serial plus one when that is higher: after `YYYYMMDD99` comes the next day's
    /// `...00`, as BIND operators do, and a serial never goes backwards (nor wraps: RFC 1982 arithmetic is
    /// not needed until the year 42949).
    package static func next(last: (serial: UInt32, contentHash: String)?, contentHash: String, date: Date) -> UInt32 {
        let today = base(for: date) + 1
        guard let last else { return today }
        if last.contentHash == contentHash { return last.serial }
        return max(today, last.serial &+ 1)
    }
}

/// Where the last published serial of each zone comes from: the status branch, in a later issue.
package protocol SerialSource: Sendable {
    func serial(for zone: String, contentHash: String) -> UInt32
    /// False for a source that never reads the hash: rendering then skips working it out.
    var needsContentHash: Bool { get }
}

extension SerialSource {
    package var needsContentHash: Bool { true }
}

/// One serial for every zone: for tests and reproducible renderings.
package struct FixedSerial: SerialSource {
    package var value: UInt32

    package init(_ value: UInt32) {
        self.value = value
    }

    package func serial(for zone: String, contentHash: String) -> UInt32 { value }
    package var needsContentHash: Bool { false }
}

/// Today's first serial (`YYYYMMDD01`) for every zone: what `validate` uses, having no history to read.
package struct DateSerial: SerialSource {
    package var date: Date

    package init(date: Date = Date()) {
        self.date = date
    }

    package func serial(for zone: String, contentHash: String) -> UInt32 {
        ZoneSerial.next(last: nil, contentHash: contentHash, date: date)
    }

    /// Without history the serial is the date's first, whatever the content.
    package var needsContentHash: Bool { false }
}
