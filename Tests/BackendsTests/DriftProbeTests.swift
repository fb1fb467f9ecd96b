import Backends
import Foundation
import Manifests
import Planning
import XCTest

/// The drift probe run by a real `/bin/sh` with the real `stat`, `sha256sum` and `getent`, on files whose names
/// hold spaces, quotes and newlines.
final class DriftProbeTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("drift 'probe'\n\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    func domain(_ name: String) -> ResourceState {
        ResourceState(
            id: ResourceID(.domain, name), server: "ns1", account: "acme", phase: 3,
            fields: [Field("role", .scalar("primary"))])
    }

    func user(_ name: String, home: String, shell: String, keys: [String]) -> ResourceState {
        ResourceState(
            id: ResourceID(.systemUser, name), server: "web1", account: "acme", phase: 2,
            fields: [
                Field("home", .scalar(home)), Field("shell", .scalar(shell)), Field("main", .scalar("true")),
                Field("authorizedKeys", .list(keys)),
            ])
    }

    /// A probe of zone files in `dir/zones` (`texts` as applied), with the users given.
    func probe(_ texts: [String: String], users: [ResourceState] = []) throws -> DriftProbe {
        var context = ApplyContext(layout: ServerLayout(), manifests: ManifestSet(), zones: texts)
        context.layout.zones = dir.appendingPathComponent("zones").path
        return try DriftProbe(states: texts.keys.sorted().map(domain) + users, context: context)
    }

    func zonePath(_ name: String) -> String { dir.appendingPathComponent("zones/\(name).zone").path }

    func testEachFactIsReadBackByItsOwnPath() throws {
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("zones"), withIntermediateDirectories: true)
        try "as applied\n".write(toFile: zonePath("same.example"), atomically: true, encoding: .utf8)
        try "changed by hand\n".write(toFile: zonePath("edited.example"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: zonePath("folder.example"), withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(zonePath("fifo.example"), 0o600), 0)
        let home = dir.appendingPathComponent("home of\nroot").path
        try FileManager.default.createDirectory(
            atPath: home + "/.ssh", withIntermediateDirectories: true)
        try "ssh-ed25519 AAAA x\n".write(toFile: home + "/.ssh/authorized_keys", atomically: true, encoding: .utf8)
        let texts = [
            "same.example": "as applied\n", "edited.example": "as applied\n", "gone.example": "x\n",
            "folder.example": "x\n", "fifo.example": "x\n",
        ]
        let probe = try probe(
            texts,
            users: [
                user("root", home: home, shell: "/bin/sh", keys: ["ssh-ed25519 AAAA x"]),
                user("nobody-baton-drift", home: "/nowhere", shell: "/bin/sh", keys: []),
            ])
        let run = try TestShell.execute(try probe.script(nonce: "n0nce"), timeout: 20)
        XCTAssertEqual(run.status, 0, run.stderr)
        let observed = probe.observed(stdout: run.stdout, nonce: "n0nce")
        XCTAssertTrue(observed.complete)
        XCTAssertEqual(observed.made, probe.facts.count)
        var found: [String: String] = [:]
        for (fact, value) in zip(probe.facts, observed.values) { found["\(fact.resource) \(fact.what)"] = value }
        let root = try XCTUnwrap(
            String(contentsOfFile: "/etc/passwd", encoding: .utf8).split(separator: "\n").first {
                $0.hasPrefix("root:")
            }
        ).split(separator: ":", omittingEmptySubsequences: false)
        XCTAssertEqual(
            found,
            [
                "Domain/same.example zone file": SHA256.hex(bytes: Array("as applied\n".utf8)),
                "Domain/edited.example zone file": SHA256.hex(bytes: Array("changed by hand\n".utf8)),
                "Domain/gone.example zone file": "missing",
                "Domain/folder.example zone file": "missing",
                "Domain/fifo.example zone file": "missing",
                "SystemUser/root home and shell": "\(root[5]):\(root[6])",
                "SystemUser/root authorized_keys": SHA256.hex(bytes: Array("ssh-ed25519 AAAA x\n".utf8)),
                "SystemUser/nobody-baton-drift home and shell": "missing",
                "SystemUser/nobody-baton-drift authorized_keys": "missing",
            ])
    }

    /// Output cut anywhere (a timeout, a dropped connection) never reads as complete, and what it does say is
    /// what the whole output says: a fact not reached is nil, never "missing" or another value.
    func testOutputCutAnywhereObservesOnlyWhatFinished() throws {
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("zones"), withIntermediateDirectories: true)
        var texts: [String: String] = [:]
        for i in 0..<1_100 {
            texts["z\(i).example"] = "zone \(i)\n"
            if i % 3 != 0 {
                try "zone \(i)\n".write(toFile: zonePath("z\(i).example"), atomically: false, encoding: .utf8)
            }
        }
        let probe = try probe(texts)
        let run = try TestShell.execute(try probe.script(nonce: "cut"), timeout: 60)
        let whole = probe.observed(stdout: run.stdout, nonce: "cut")
        XCTAssertTrue(whole.complete)
        XCTAssertEqual(whole.values.compactMap { $0 }.count, 1_100)
        for (fact, value) in zip(probe.facts, whole.values) {
            let index = Int(fact.resource.name.dropFirst().prefix { $0.isNumber })!
            XCTAssertEqual(value, index % 3 == 0 ? "missing" : fact.expected, fact.resource.description)
        }
        var partial = 0
        for cut in stride(from: 0, to: run.stdout.count, by: max(1, run.stdout.count / 250)) {
            let seen = probe.observed(stdout: Array(run.stdout.prefix(cut)), nonce: "cut")
            XCTAssertFalse(seen.complete, "cut at \(cut)")
            for (value, full) in zip(seen.values, whole.values) where value != nil { XCTAssertEqual(value, full) }
            if seen.made > 0 && seen.made < 1_100 { partial += 1 }
        }
        XCTAssertGreaterThan(partial, 0, "some cut falls between batches")
        XCTAssertFalse(probe.observed(stdout: run.stdout, nonce: "other").complete)
        XCTAssertFalse(probe.compare(stdout: run.stdout, nonce: "other").complete)
    }

    /// The daemon's comparison says what the observation says: what was made, and every fact whose value
    /// differs, whole or cut anywhere.
    func testTheComparisonSaysWhatTheObservationSays() throws {
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("zones"), withIntermediateDirectories: true)
        var texts: [String: String] = [:]
        for i in 0..<1_100 {
            texts["z\(i).example"] = "zone \(i)\n"
            switch i % 4 {
            case 0: break  // missing
            case 1: try "changed \(i)\n".write(toFile: zonePath("z\(i).example"), atomically: false, encoding: .utf8)
            default: try "zone \(i)\n".write(toFile: zonePath("z\(i).example"), atomically: false, encoding: .utf8)
            }
        }
        let probe = try probe(texts)
        let run = try TestShell.execute(try probe.script(nonce: "round2"), timeout: 60)
        let facts = probe.facts
        for cut in stride(from: 0, through: run.stdout.count, by: max(1, run.stdout.count / 100)) + [run.stdout.count] {
            let output = Array(run.stdout.prefix(cut))
            let seen = probe.observed(stdout: output, nonce: "round2")
            let compared = probe.compare(stdout: output, nonce: "round2")
            XCTAssertEqual(compared.complete, seen.complete, "cut at \(cut)")
            XCTAssertEqual(compared.made, seen.made, "cut at \(cut)")
            let differing = seen.values.indices.filter {
                seen.values[$0] != nil && seen.values[$0] != facts[$0].expected
            }
            XCTAssertEqual(compared.differing.map(\.fact), differing, "cut at \(cut)")
            XCTAssertEqual(compared.differing.map(\.found), differing.map { seen.values[$0]! }, "cut at \(cut)")
        }
        let whole = probe.compare(stdout: run.stdout, nonce: "round2")
        XCTAssertTrue(whole.complete)
        XCTAssertEqual(whole.differing.count, 550, "275 missing, 275 changed")
    }

    /// Thousands of facts cost a few processes, not one or more per fact.
    func testFactsAreAskedInBatches() throws {
        var texts: [String: String] = [:]
        for i in 0..<2_000 { texts["z\(i).example"] = "zone \(i)\n" }
        let script = try probe(texts).script(nonce: "n").text
        XCTAssertEqual(script.components(separatedBy: "sha256sum").count - 1, 4, "2,000 files in batches of 500")
    }
}
