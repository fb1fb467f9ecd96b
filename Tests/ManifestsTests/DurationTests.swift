import Manifests
import XCTest

final class DurationTests: XCTestCase {
    func testUnits() {
        XCTAssertEqual(Duration(parsing: "90s")?.seconds, 90)
        XCTAssertEqual(Duration(parsing: "15m")?.seconds, 900)
        XCTAssertEqual(Duration(parsing: "3h")?.seconds, 10_800)
        XCTAssertEqual(Duration(parsing: "2d")?.seconds, 172_800)
        XCTAssertEqual(Duration(parsing: "4w")?.seconds, 2_419_200)
        XCTAssertEqual(Duration(parsing: "3600")?.seconds, 3600)
    }

    func testRefusals() {
        for text in ["", "s", "1.5h", "-3s", "10ms", "1y", "3 h", "99999999999999w", "h1"] {
            XCTAssertNil(Duration(parsing: text), text)
        }
    }

    func testShortestForm() {
        XCTAssertEqual(Duration.seconds(3600).description, "1h")
        XCTAssertEqual(Duration.seconds(90).description, "90s")
        XCTAssertEqual(Duration.days(14).description, "2w")
        XCTAssertEqual(Duration.seconds(0).description, "0s")
    }

    func testByteSizes() {
        XCTAssertEqual(ByteSize.parse("10G"), 10 << 30)
        XCTAssertEqual(ByteSize.parse("500M"), 500 << 20)
        XCTAssertNil(ByteSize.parse("10 GB"))
        XCTAssertNil(ByteSize.parse("G"))
    }
}
