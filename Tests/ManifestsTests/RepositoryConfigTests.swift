import Manifests
import XCTest

final class RepositoryConfigTests: XCTestCase {
    func testZoneCheckSettingsAreReadAndChecked() throws {
        let good = try RepositoryConfig.parse(Array("zoneCheck:\n  checkNames: warn\n  maxTTL: 86400\n".utf8))
        XCTAssertEqual(good.zoneCheck, ["checkNames": "warn", "maxTTL": "86400"])
        XCTAssertEqual(try RepositoryConfig.parse([]).zoneCheck, [:])
        XCTAssertThrowsError(try RepositoryConfig.parse(Array("zoneCheck:\n  checkNames: fial\n".utf8))) { error in
            XCTAssertTrue("\(error)".contains("baton.yaml:2:15"), "\(error)")
            XCTAssertTrue("\(error)".contains("[config.value]"), "\(error)")
        }
        XCTAssertThrowsError(try RepositoryConfig.parse(Array("zoneCheck: {maxTTL: 10m}\n".utf8)))
        XCTAssertThrowsError(try RepositoryConfig.parse(Array("zonecheck: {}\n".utf8))) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'zoneCheck'"), "\(error)")
        }
    }

    func testTheStatusBranchStaysInBatonsOwnBranches() throws {
        XCTAssertEqual(try RepositoryConfig.parse([]).statusBranch, "baton/status")
        XCTAssertEqual(
            try RepositoryConfig.parse(Array("statusBranch: baton/production\n".utf8)).statusBranch, "baton/production")
        for name in ["main", "origin/main", "refs/heads/baton/x", "baton", "baton/../main", "baton/x.lock", "batons/x"]
        {
            XCTAssertThrowsError(try RepositoryConfig.parse(Array("statusBranch: \(name)\n".utf8)), name) { error in
                XCTAssertTrue("\(error)".contains("baton.yaml:1:15"), "\(error)")
                XCTAssertTrue("\(error)".contains("[config.value]"), "\(error)")
                XCTAssertTrue("\(error)".contains("baton/"), "\(error)")
            }
        }
    }
}
