import Engine
import Foundation
import Manifests
import Planning
import XCTest

/// Which changes wait for their account's maintenance window, from manifests as they are written.
final class MaintenanceGateTests: XCTestCase {
    func manifests() throws -> ManifestSet {
        let result = try ManifestLoader.load(
            InMemorySource([
                "accounts/acme/account.yaml": """
                apiVersion: baton/v1
                kind: Account
                metadata: {name: acme}
                spec:
                  contact: ops@acme.example
                  maintenance:
                    - {schedule: "0 2 * * sat", duration: 2h}
                    - {schedule: "30 22 * * wed", duration: 30m}

                """,
                "accounts/hooli/account.yaml": """
                apiVersion: baton/v1
                kind: Account
                metadata: {name: hooli}
                spec: {contact: ops@hooli.example}

                """,
            ]))
        XCTAssertEqual(result.diagnostics.map(\.message), [])
        return result.manifests
    }

    func change(_ name: String, account: String) -> Change {
        Change(action: .update, id: ResourceID(.domain, name), server: "ns1", account: account, hash: "h")
    }

    func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func testAChangeWaitsOutsideItsAccountsWindowsOnly() throws {
        let set = try manifests()
        let changes = [
            change("acme.example", account: "acme"), change("hooli.example", account: "hooli"),
            change("gone.example", account: "gone"),
        ]
        // Monday 10:00 UTC: acme's windows are closed; the next is Wednesday 22:30.
        let monday = MaintenanceGate.split(changes, manifests: set, now: at("2026-12-07T10:00:00Z"))
        XCTAssertEqual(monday.ready.map(\.id.name), ["hooli.example", "gone.example"])
        XCTAssertEqual(monday.waiting.map(\.change.id.name), ["acme.example"])
        XCTAssertEqual(monday.waiting.first?.opens, Int64(at("2026-12-09T22:30:00Z").timeIntervalSince1970))
        XCTAssertEqual(
            monday.waiting.first?.message,
            "waits for a maintenance window of account acme (the next opens at 2026-12-09T22:30:00Z; windows: "
                + "'0 2 * * sat' for 2h, '30 22 * * wed' for 30m, UTC)")
        // Saturday 03:59: inside the first window; 04:00: closed again.
        XCTAssertEqual(
            MaintenanceGate.split(changes, manifests: set, now: at("2026-12-12T03:59:59Z")).ready.count, 3)
        XCTAssertEqual(
            MaintenanceGate.split(changes, manifests: set, now: at("2026-12-12T04:00:00Z")).waiting.count, 1)
    }
}
