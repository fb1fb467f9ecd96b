import Foundation
import XCTest

/// How BIND learns of a run's zones (docs/apply.md, the finish step): a zone whose stanza stayed is reloaded by
/// name, without gathering the include file and reconfiguring BIND (seconds at 20,000 zones); a new or removed
/// zone reconfigures it; a zone BIND lost is loaded again when its reload by name fails.
extension EndToEndTests {
    func extraDomain(_ address: String) -> String {
        """
        apiVersion: baton/v1
        kind: Domain
        metadata: {name: extra.example}
        spec:
          account: acme
          records:
            - {name: www, type: A, value: \(address)}

        """
    }

    /// The include file's inode and modification time: a gathering writes a new file and moves it in place.
    func includeFile() throws -> String {
        try host("ns1", "stat -c '%i %Y' /etc/bind/named.conf.baton")
    }

    func testAZoneWhoseStanzaStaysIsReloadedAloneAndNewRemovedOrLostZonesReconfigureBIND() throws {
        try makeRepository()
        let first = try apply()
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertTrue(try waitFor { try self.dig("10.213.0.12", "www.acme.example", "A") == "10.213.0.11" })
        let gathered = try includeFile()
        XCTAssertFalse(gathered.isEmpty)

        // A record changes: the zone is reloaded by name, the include file stays as it was, both servers answer.
        try write("accounts/acme/acme.yaml", manifests(wwwAddress: "10.213.0.77", withWebsite: true))
        try git("commit", "-q", "-am", "www moves")
        let changed = try apply()
        XCTAssertEqual(changed.status, 0, changed.stdout + changed.stderr)
        for server in ["10.213.0.12", "10.213.0.13"] {
            XCTAssertTrue(try waitFor { try self.dig(server, "www.acme.example", "A") == "10.213.0.77" }, server)
        }
        XCTAssertEqual(try includeFile(), gathered, "no stanza changed: the include file is not gathered again")

        // A new zone: gathered, reconfigured, served by the primary and transferred by the secondary.
        try write("accounts/acme/extra.yaml", extraDomain("10.213.0.44"))
        try git("add", "-A")
        try git("commit", "-q", "-m", "extra zone")
        let added = try apply()
        XCTAssertEqual(added.status, 0, added.stdout + added.stderr)
        for server in ["10.213.0.12", "10.213.0.13"] {
            XCTAssertTrue(try waitFor { try self.dig(server, "www.extra.example", "A") == "10.213.0.44" }, server)
        }
        XCTAssertNotEqual(try includeFile(), gathered)
        XCTAssertEqual(try dig("10.213.0.12", "www.acme.example", "A"), "10.213.0.77", "the other zone stays served")

        // BIND loses a zone behind Baton's back (its include file emptied, reconfigured by hand): the next change
        // of that zone finds the reload by name refused, gathers the include file again and loads it.
        _ = try host("ns1", ": > /etc/bind/named.conf.baton && rndc reconfig")
        XCTAssertTrue(try waitFor { try self.dig("10.213.0.12", "www.acme.example", "A").isEmpty })
        try write("accounts/acme/acme.yaml", manifests(wwwAddress: "10.213.0.78", withWebsite: true))
        try git("commit", "-q", "-am", "www moves again")
        let lost = try apply()
        XCTAssertEqual(lost.status, 0, lost.stdout + lost.stderr)
        XCTAssertTrue(try waitFor { try self.dig("10.213.0.12", "www.acme.example", "A") == "10.213.0.78" })
        XCTAssertTrue(
            try waitFor { try self.dig("10.213.0.12", "www.extra.example", "A") == "10.213.0.44" },
            "gathered again: the other zone is back too")

        // The zone goes: reconfigured, no longer served.
        try FileManager.default.removeItem(at: work.appendingPathComponent("accounts/acme/extra.yaml"))
        try git("commit", "-q", "-am", "no extra zone")
        let removed = try apply()
        XCTAssertEqual(removed.status, 0, removed.stdout + removed.stderr)
        XCTAssertTrue(try waitFor { try self.dig("10.213.0.12", "www.extra.example", "A").isEmpty })
        XCTAssertEqual(try dig("10.213.0.12", "www.acme.example", "A"), "10.213.0.78")
    }
}
