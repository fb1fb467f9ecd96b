import Daemon
import Foundation
import Logging
import XCTest

final class JSONLogHandlerTests: XCTestCase {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    func testOneObjectALineWithUTCTime() throws {
        let lines = Lines()
        var logger = Logger(label: "baton.reconcile") { JSONLogHandler(label: $0, write: { lines.add($0) }) }
        logger[metadataKey: "holder"] = "a"
        logger.info("run 1 \"quoted\"\nnext", metadata: ["revision": "abc"])
        logger.debug("not at info")
        XCTAssertEqual(lines.all.count, 1)
        let line = try XCTUnwrap(lines.all.first)
        XCTAssertTrue(line.hasSuffix("}\n") && !line.dropLast().contains("\n"), line)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        XCTAssertEqual(object["message"], "run 1 \"quoted\"\nnext")
        XCTAssertEqual(object["level"], "info")
        XCTAssertEqual(object["revision"], "abc")
        XCTAssertEqual(object["holder"], "a")
        XCTAssertEqual(object["label"], "baton.reconcile")
        let time = try XCTUnwrap(object["time"])
        XCTAssertTrue(time.hasSuffix("Z"), time)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        XCTAssertNotNil(formatter.date(from: time))
    }
}
