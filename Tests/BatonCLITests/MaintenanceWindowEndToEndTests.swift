import Foundation
import XCTest

/// An account's maintenance windows hold `baton apply` back on the test hosts: its changes are recorded
/// Pending with the next window, other accounts' go ahead, and `--ignore-maintenance-windows` applies them.
extension EndToEndTests {
    func testChangesOutsideTheirWindowWaitAndAreRecordedPending() throws {
        try makeRepository()
        XCTAssertEqual(try apply().status, 0)
        // acme may change only on February the 29th at midnight; hooli at any time.
        let acme = manifests(wwwAddress: "10.213.0.66", withWebsite: true).replacingOccurrences(
            of: "spec: {contact: ops@acme.example, placement: {web: web1, dns: [ns1, ns2]}}",
            with:
                "spec: {contact: ops@acme.example, placement: {web: web1, dns: [ns1, ns2]}, "
                + "maintenance: [{schedule: \"0 0 29 2 *\", duration: 1m}]}")
        XCTAssertTrue(acme.contains("maintenance:"))
        try write("accounts/acme/acme.yaml", acme)
        try write(
            "accounts/hooli/hooli.yaml",
            """
            apiVersion: baton/v1
            kind: Account
            metadata: {name: hooli}
            spec: {contact: ops@hooli.example, placement: {dns: [ns1, ns2]}}
            ---
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: hooli.example}
            spec: {account: hooli, records: [{name: www, type: A, value: 10.213.0.67}]}

            """)
        try git("add", "-A")
        try git("commit", "-q", "-m", "acme moves www; hooli arrives")
        let held = try apply()
        XCTAssertEqual(held.status, 0, held.stdout + held.stderr)
        XCTAssertTrue(
            held.stderr.contains("waits for a maintenance window of account acme (the next opens at 2028-02-29"),
            held.stderr)
        XCTAssertTrue(try waitFor { try self.dig("10.213.0.12", "www.hooli.example", "A") == "10.213.0.67" })
        XCTAssertEqual(try dig("10.213.0.12", "www.acme.example", "A"), "10.213.0.11", "acme's change waits")
        let status = try Self.shell(["git", "show", "baton/status:status/Domain/acme.example.yaml"], in: work).stdout
        XCTAssertTrue(status.contains("state: Pending"), status)
        XCTAssertTrue(status.contains("waits for a maintenance window of account acme"), status)

        let forced = try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin", "--ignore-maintenance-windows"],
            environment: ["BATON_SSH_KEY": Self.key])
        XCTAssertEqual(forced.status, 0, forced.stdout + forced.stderr)
        XCTAssertTrue(try waitFor { try self.dig("10.213.0.12", "www.acme.example", "A") == "10.213.0.66" })
        let plan = try BatonProcess.run(["plan", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(plan.status, 0, plan.stdout)
    }
}
