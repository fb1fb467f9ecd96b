import Foundation
import XCTest

/// `baton status` and `baton logs` read the status branch only.
final class StatusCommandTests: XCTestCase {
    func testStatusAndLogs() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        let none = try BatonProcess.run(["status", "--repo", work.path])
        XCTAssertEqual(none.status, 0)
        XCTAssertTrue(none.stdout.contains("Nothing applied yet"), none.stdout)

        let plan = try work.plan("--format", "json")
        try work.recordApplied(planJSON: plan.stdout)
        let clean = try BatonProcess.run(["status", "--repo", work.path])
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        XCTAssertTrue(clean.stdout.contains("Managed: 21 resource(s) on 2 server(s)."), clean.stdout)

        let inventory = try work.inventory()
        var lines = inventory.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try XCTUnwrap(lines.firstIndex { $0.contains("name: \"acme-shop\"") })
        lines[index] = String(lines[index].dropLast()) + ", state: \"Failed\"}"
        try work.commitStatus([
            "applied.yaml": try work.git("show", "baton/status:applied.yaml") + "\n",
            "inventory.yaml": lines.joined(separator: "\n") + "\n",
            "runs/20261202T000000-abc.log": "=== web1\n--- stderr\nnginx: bad\n",
        ])
        let failed = try BatonProcess.run(["status", "--repo", work.path])
        XCTAssertEqual(failed.status, 2, failed.stdout + failed.stderr)
        XCTAssertTrue(failed.stdout.contains("Failed: WebApp/acme-shop"), failed.stdout)
        let logs = try BatonProcess.run(["logs", "--repo", work.path])
        XCTAssertEqual(logs.status, 0, logs.stderr)
        XCTAssertTrue(logs.stdout.contains("nginx: bad"), logs.stdout)
        XCTAssertEqual(try BatonProcess.run(["logs", "no-such-run", "--repo", work.path]).status, 1)
    }
}
