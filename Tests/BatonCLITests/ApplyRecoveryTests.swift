import Foundation
import Glibc
import TestSupport
import XCTest

/// What happened on a server is never lost (issue 10): a run whose record was lost is recovered from the server's
/// journal, served serials only rise, no Baton process outlives its run, and a key-only user can log in.
extension EndToEndTests {
    func servedSerial(_ server: String) throws -> UInt32? {
        let soa = try dig(server, "acme.example", "SOA").split(separator: " ")
        return soa.count == 7 ? UInt32(soa[2]) : nil
    }

    /// The run files on the status branch marked recovered.
    func recoveredRuns() throws -> [String] {
        let names = try Self.shell(["git", "ls-tree", "--name-only", "baton/status", "runs/"], in: work).stdout
            .split(separator: "\n").filter { $0.hasSuffix(".yaml") }
        return try names.filter { name in
            try Self.shell(["git", "show", "baton/status:\(name)"], in: work).stdout.contains("recovered: {from:")
        }.map(String.init)
    }

    func changeZone(_ address: String, _ message: String) throws {
        try write("accounts/acme/acme.yaml", manifests(wwwAddress: address, withWebsite: true))
        try git("commit", "-q", "-am", message)
    }

    /// After a run whose record was lost, another change of the zone: the served serial rises past the lost
    /// run's, the secondary transfers it, and the lost run is on the status branch as recovered.
    func assertTheNextChangeRecoversAndServes(after lost: UInt32, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        try changeZone("10.213.0.77", "www moves again")
        let next = try apply()
        XCTAssertEqual(next.status, 0, next.stdout + next.stderr, file: file, line: line)
        XCTAssertTrue(next.stderr.contains("recorded from the servers' journals"), next.stderr, file: file, line: line)
        XCTAssertGreaterThan(try XCTUnwrap(try servedSerial("10.213.0.12")), lost, file: file, line: line)
        XCTAssertTrue(
            try waitFor { try self.dig("10.213.0.13", "www.acme.example", "A") == "10.213.0.77" }, "the secondary",
            file: file, line: line)
        XCTAssertEqual(try servedSerial("10.213.0.13"), try servedSerial("10.213.0.12"), file: file, line: line)
        XCTAssertEqual(try serial(), try servedSerial("10.213.0.12"), "recorded as served", file: file, line: line)
        XCTAssertEqual(try recoveredRuns().count, 1, file: file, line: line)
        let plan = try BatonProcess.run(["plan", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(plan.status, 0, plan.stdout, file: file, line: line)
    }

    func testAnApplyKilledBeforeItsRecordIsRecoveredByTheNext() throws {
        try makeRepository()
        XCTAssertEqual(try apply().status, 0)
        let recorded = try XCTUnwrap(try serial())
        try changeZone("10.213.0.99", "www moves")
        // A fresh ref lock (another writer mid-update) holds the client between the servers' end and its record,
        // where it is killed.
        let lock = work.appendingPathComponent(".git/refs/heads/baton/status.lock")
        XCTAssertTrue(FileManager.default.createFile(atPath: lock.path, contents: nil))
        let errors = work.appendingPathComponent("../apply-killed.err")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        let client = Process()
        client.executableURL = BatonProcess.binary
        client.arguments = ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin"]
        client.environment = ProcessInfo.processInfo.environment.merging(["BATON_SSH_KEY": Self.key]) { _, new in new }
        client.standardOutput = FileHandle.nullDevice
        client.standardError = try FileHandle(forWritingTo: errors)
        try client.run()
        var waiting = false
        for _ in 0..<600 where client.isRunning && !waiting {
            waiting = (try? String(contentsOf: errors, encoding: .utf8))?.contains("locked by another writer") == true
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTAssertTrue(client.isRunning && waiting, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
        kill(client.processIdentifier, SIGKILL)
        client.waitUntilExit()
        XCTAssertEqual(client.terminationReason, .uncaughtSignal)
        try FileManager.default.removeItem(at: lock)
        XCTAssertEqual(try serial(), recorded, "nothing recorded")
        let lost = try XCTUnwrap(try servedSerial("10.213.0.12"))
        XCTAssertGreaterThan(lost, recorded, "the server applied the change")
        try assertTheNextChangeRecoversAndServes(after: lost)
        // The run recovered says what it did, and its journal goes from the server once recorded.
        let run = try Self.shell(["git", "show", "baton/status:\(try recoveredRuns()[0])"], in: work).stdout
        XCTAssertTrue(run.contains("resource: \"Domain/acme.example\", action: update, state: SUCCESS"), run)
        XCTAssertEqual(try host("ns1", "ls /var/lib/baton/journal | wc -l"), "1\n", "only the last run's")
    }

    func testALeftoverRefLockIsNamedAndTheRunRecordedOnceItGoes() throws {
        try makeRepository()
        XCTAssertEqual(try apply().status, 0)
        let recorded = try XCTUnwrap(try serial())
        let lock = work.appendingPathComponent(".git/refs/heads/baton/status.lock")
        XCTAssertTrue(FileManager.default.createFile(atPath: lock.path, contents: nil))
        let twoHoursAgo = Date().addingTimeInterval(-7300)
        try FileManager.default.setAttributes([.modificationDate: twoHoursAgo], ofItemAtPath: lock.path)
        try changeZone("10.213.0.99", "www moves")
        let blocked = try apply()
        XCTAssertEqual(blocked.status, 1)
        XCTAssertTrue(blocked.stdout.contains("ns1: 1 SUCCESS"), blocked.stdout)
        XCTAssertTrue(blocked.stderr.contains("is not recorded"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains(lock.path + " exists, made 2 h ago"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("rm " + lock.path), blocked.stderr)
        XCTAssertEqual(try serial(), recorded)
        let lost = try XCTUnwrap(try servedSerial("10.213.0.12"))
        // Still there: the next apply records nothing either, and says so before it changes anything.
        try changeZone("10.213.0.98", "www moves twice")
        let still = try apply()
        XCTAssertEqual(still.status, 1)
        XCTAssertTrue(still.stderr.contains("nothing applied"), still.stderr)
        XCTAssertEqual(try servedSerial("10.213.0.12"), lost)
        try FileManager.default.removeItem(at: lock)
        try assertTheNextChangeRecoversAndServes(after: lost)
    }

    /// The client is killed at seeded random moments of 20 applies; the last run ends; no Baton process is left
    /// on any server, and the status branch agrees with the servers.
    func testApplicationsKilledAtRandomLeaveNoProcessAndLoseNothing() throws {
        try makeRepository()
        var random = SplitMix64(seed: 10)
        let started = Date()
        for round in 0..<20 {
            try changeZone("10.213.0.\(100 + round)", "round \(round)")
            if round % 4 == 3 {
                XCTAssertEqual(try apply().status, 0, "round \(round)")
                continue
            }
            let p = Process()
            p.executableURL = BatonProcess.binary
            p.arguments = ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin"]
            p.environment = ProcessInfo.processInfo.environment.merging(["BATON_SSH_KEY": Self.key]) { _, new in new }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: Double(random.next() % 2000) / 1000)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            // Killed while committing: git's own lock stays, and the message says to remove it, as here.
            try? FileManager.default.removeItem(at: work.appendingPathComponent(".git/refs/heads/baton/status.lock"))
        }
        let last = try apply()
        XCTAssertEqual(last.status, 0, last.stdout + last.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 300, "bounded")
        for name in ["web1", "ns1", "ns2"] {
            let left = try Self.shell([
                "sh", "-c",
                "for p in $(ip netns pids bth-\(name)); do tr '\\0' ' ' < /proc/$p/cmdline; echo; done"
                    + " | grep -E 'IFS= read|flock|sleep' || true",
            ]).stdout
            XCTAssertEqual(left, "", "Baton processes left on \(name)")
        }
        XCTAssertEqual(try servedSerial("10.213.0.12"), try serial())
        XCTAssertTrue(try waitFor { try self.dig("10.213.0.13", "www.acme.example", "A") == "10.213.0.119" })
        let plan = try BatonProcess.run(["plan", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(plan.status, 0, plan.stdout)
    }

    /// sshd without PAM (the test hosts' `UsePAM no`) reads `!` as a locked account and refuses even keys.
    func testAKeyOnlyMainUserLogsInAndADeactivatedOneCannot() throws {
        let key = work.appendingPathComponent("acme_key").path
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        XCTAssertEqual(try Self.shell(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key]).status, 0)
        let pub = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        try makeRepository()
        let main = """
            ---
            apiVersion: baton/v1
            kind: SystemUser
            metadata: {name: acme}
            spec: {account: acme, main: true, shell: /bin/sh, authorizedKeys: ["\(pub)"]}

            """
        let active = manifests(wwwAddress: "10.213.0.11", withWebsite: true) + main
        try write("accounts/acme/acme.yaml", active)
        try git("commit", "-q", "-am", "acme logs in")
        XCTAssertEqual(try apply().status, 0)
        let login = {
            try Self.shell([
                "ssh", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=/run/baton-testhosts/known_hosts", "-o", "GSSAPIAuthentication=no",
                "-o", "ConnectTimeout=5", "acme@10.213.0.11", "id", "-un",
            ])
        }
        let ok = try login()
        XCTAssertEqual(ok.stdout, "acme\n", ok.stderr)
        XCTAssertEqual(try host("web1", "getent shadow acme | cut -d: -f2"), "*\n", "no password, not locked")
        try write(
            "accounts/acme/acme.yaml",
            active.replacingOccurrences(
                of: "spec: {contact: ops@acme.example,", with: "spec: {contact: ops@acme.example, active: false,"))
        try git("commit", "-q", "-am", "acme deactivated")
        XCTAssertEqual(try apply().status, 0)
        let refused = try login()
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(refused.stdout, "")
        try write("accounts/acme/acme.yaml", active)
        try git("commit", "-q", "-am", "acme back")
        XCTAssertEqual(try apply().status, 0)
        XCTAssertEqual(try login().stdout, "acme\n", "active again")
    }
}
