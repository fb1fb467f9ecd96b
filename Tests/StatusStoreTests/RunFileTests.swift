import Planning
import StatusStore
import XCTest

final class RunFileTests: XCTestCase {
    func testOldRunsRotateOutOfTheTree() {
        let run = RunFile(id: "0300", revision: "r", time: "t", summary: "s", operations: [], servers: [])
        let existing = (0..<RunFile.keep + 5).flatMap { i in
            let id = String(format: "%04d", i)
            return ["\(id).yaml", "\(id).log"]
        }
        let files = run.files(existing: existing)
        XCTAssertNotNil(files["runs/0300.yaml"] ?? nil)
        let removed = files.filter { $0.value == nil }.keys.filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(
            removed, (0..<6).map { String(format: "runs/%04d.yaml", $0) }, "the new run and the last 199 stay")
    }
}
