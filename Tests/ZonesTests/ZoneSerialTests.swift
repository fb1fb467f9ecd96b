import Foundation
import XCTest
import Zones

final class ZoneSerialTests: XCTestCase {
    let day = Date(timeIntervalSince1970: 1_795_478_400)  // 2026-11-24T00:00:00Z

    func testFirstSerialOfTheDay() {
        XCTAssertEqual(ZoneSerial.base(for: day), 2_026_112_400)
        XCTAssertEqual(ZoneSerial.next(last: nil, contentHash: "a", date: day), 2_026_112_401)
    }

    func testUnchangedContentKeepsTheSerial() {
        XCTAssertEqual(ZoneSerial.next(last: (2_026_010_105, "a"), contentHash: "a", date: day), 2_026_010_105)
    }

    func testChangedContentRaisesIt() {
        XCTAssertEqual(ZoneSerial.next(last: (2_026_010_105, "a"), contentHash: "b", date: day), 2_026_112_401)
        XCTAssertEqual(ZoneSerial.next(last: (2_026_112_407, "a"), contentHash: "b", date: day), 2_026_112_408)
    }

    func testTheHundredthChangeOfADayRollsForwardNeverBack() {
        let rolled = ZoneSerial.next(last: (2_026_112_499, "a"), contentHash: "b", date: day)
        XCTAssertEqual(rolled, 2_026_112_500)
        XCTAssertGreaterThan(rolled, 2_026_112_499)
        // A serial from "the future" (a clock that ran ahead) is only ever raised.
        XCTAssertEqual(ZoneSerial.next(last: (2_030_010_101, "a"), contentHash: "b", date: day), 2_030_010_102)
    }

    func testSerialSources() {
        XCTAssertEqual(FixedSerial(7).serial(for: "x", contentHash: "h"), 7)
        XCTAssertEqual(DateSerial(date: day).serial(for: "x", contentHash: "h"), 2_026_112_401)
    }
}
