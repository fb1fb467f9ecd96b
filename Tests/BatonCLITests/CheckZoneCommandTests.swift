import Foundation
import XCTest

final class CheckZoneCommandTests: XCTestCase {
    var scratch: URL?

    override func tearDown() {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func zoneFile(_ text: String) throws -> String {
        let dir = try BatonProcess.repository(["example.test.zone": text])
        scratch = dir
        return dir.appendingPathComponent("example.test.zone").path
    }

    static let zone = """
        $ORIGIN example.test.
        $TTL 3600
        @ IN SOA ns1 hostmaster 1 3600 900 604800 300
        @ IN NS ns1
        ns1 IN A 192.0.2.1
        bad_host IN A 192.0.2.2

        """

    func testStrictnessIsTheCallersChoice() throws {
        let file = try zoneFile(Self.zone)
        let standard = try BatonProcess.run([
            "check-zone", file, "--origin", "example.test", "--checker", "named-checkzone",
        ])
        XCTAssertEqual(standard.status, 0, standard.stdout)
        XCTAssertTrue(standard.stdout.contains("bad owner name"), "check-names warns by default: \(standard.stdout)")
        let strict = try BatonProcess.run([
            "check-zone", file, "--origin", "example.test.", "--checker", "named-checkzone", "--strict",
        ])
        XCTAssertEqual(strict.status, 1, strict.stdout)
        XCTAssertTrue(strict.stdout.contains("\(file):6: error:"), strict.stdout)
    }

    func testJSONNamesLinesAndVerdict() throws {
        let file = try zoneFile(Self.zone.replacingOccurrences(of: "192.0.2.2", with: "192.0.2.300"))
        let out = try BatonProcess.run([
            "check-zone", file, "--origin", "example.test", "--checker", "named-checkzone", "--format", "json",
        ])
        XCTAssertEqual(out.status, 1)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(root["loaded"] as? Bool, false)
        XCTAssertEqual(root["formatVersion"] as? Int, 1, "as every document of docs/json-output.md")
        let first = try XCTUnwrap((root["diagnostics"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["line"] as? Int, 6)
        XCTAssertEqual(first["rule"] as? String, "zone.named-checkzone")
    }

    func testMissingFileCannotRun() throws {
        let out = try BatonProcess.run([
            "check-zone", "/nonexistent/zone", "--origin", "example.test", "--checker", "named-checkzone",
        ])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertNotEqual(out.status, 1)
    }
}
