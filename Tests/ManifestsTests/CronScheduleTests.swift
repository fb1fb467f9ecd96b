import Foundation
import Manifests
import XCTest

/// Cron schedules and maintenance windows in UTC, checked against a minute-by-minute reading of the calendar.
final class CronScheduleTests: XCTestCase {
    /// 2026-12-07T10:00:00Z, a Monday.
    let monday: Int64 = 1_796_637_600

    func utc(_ text: String) -> Int64 {
        Int64(ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970)
    }

    func testNextFiresWhereTheCalendarSays() throws {
        XCTAssertEqual(Date(timeIntervalSince1970: TimeInterval(monday)).description, "2026-12-07 10:00:00 +0000")
        let cases: [(String, String)] = [
            ("0 2 * * sat", "2026-12-12T02:00:00Z"),
            ("*/15 * * * *", "2026-12-07T10:15:00Z"),
            ("30 9-17/4 * * mon-fri", "2026-12-07T13:30:00Z"),
            ("0 0 1 jan *", "2027-01-01T00:00:00Z"),
            ("0 3 * * 7", "2026-12-13T03:00:00Z"),
            ("0 3 * * 0", "2026-12-13T03:00:00Z"),
            ("0 0 29 2 *", "2028-02-29T00:00:00Z"),
            // Both day fields restricted: either matches (the 15th, or a Friday).
            ("0 12 15 * fri", "2026-12-11T12:00:00Z"),
            ("5,10 10 7 12 *", "2026-12-07T10:05:00Z"),
        ]
        for (text, expected) in cases {
            let schedule = try CronSchedule(parsing: text)
            XCTAssertEqual(schedule.next(after: monday), utc(expected), text)
        }
        XCTAssertNil(try CronSchedule(parsing: "0 0 30 2 *").next(after: monday), "February the 30th never comes")
    }

    /// `next` against a plain minute-by-minute scan, over schedules made from a fixed seed.
    func testNextAgreesWithAMinuteByMinuteScan() throws {
        var seed: UInt64 = 42
        func random(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        func field(_ low: Int, _ high: Int) -> String {
            switch random(5) {
            case 0: return "*"
            case 1: return "\(low + random(high - low + 1))"
            case 2:
                let a = low + random(high - low + 1)
                return "\(a)-\(a + random(high - a + 1))"
            case 3: return "*/\(1 + random(high - low + 1))"
            default: return "\(low + random(high - low + 1)),\(low + random(high - low + 1))"
            }
        }
        for _ in 0..<60 {
            let text = [field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6)].joined(separator: " ")
            let schedule = try CronSchedule(parsing: text)
            let start = monday + Int64(random(100_000)) * 60
            var t = start + 60
            var expected: Int64?
            while t < start + 400 * 86400 {
                if schedule.matches(t) {
                    expected = t
                    break
                }
                t += 60
            }
            if let expected { XCTAssertEqual(schedule.next(after: start), expected, text) }
        }
    }

    func testBadSchedulesSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("0 2 * *", "has 4 fields"),
            ("0 24 * * *", "its hour field has '24'"),
            ("60 * * * *", "its minute field has '60'"),
            ("0 0 * foo *", "its month field has 'foo'"),
            ("0 0 * * 8", "its day of the week field has '8'"),
            ("0 0 * * 5-1", "runs backwards"),
            ("*/0 * * * *", "the step '0'"),
            ("0 0 ,1 * *", "its day of the month field has ''"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try CronSchedule(parsing: text), text) {
                XCTAssertTrue("\($0)".contains(expected), "\(text): \($0)")
            }
        }
    }

    func testAWindowIsOpenForItsDurationFromEachFiring() throws {
        let window = MaintenanceWindow(schedule: try CronSchedule(parsing: "0 2 * * sat"), duration: .hours(2))
        let opens = utc("2026-12-12T02:00:00Z")
        XCTAssertFalse(window.isOpen(at: opens - 1))
        XCTAssertTrue(window.isOpen(at: opens))
        XCTAssertTrue(window.isOpen(at: opens + 7199))
        XCTAssertFalse(window.isOpen(at: opens + 7200))
        XCTAssertFalse(window.isOpen(at: monday))
        XCTAssertEqual(window.nextOpening(after: monday), opens)
        // A window longer than the time between firings is always open.
        let always = MaintenanceWindow(schedule: try CronSchedule(parsing: "0 * * * *"), duration: .hours(2))
        XCTAssertTrue(always.isOpen(at: monday + 1234))
    }
}
