import Foundation
import Manifests
import XCTest
import Zones

/// Issue 12, "Zones in the wild": `check-zone`, `import zone` and `render zone` as a new user runs them.
final class ZonesInTheWildCommandTests: XCTestCase {
    var scratch: [URL] = []

    override func tearDown() {
        for url in scratch { try? FileManager.default.removeItem(at: url) }
    }

    func repository(_ files: [String: String]) throws -> URL {
        let dir = try BatonProcess.repository(files)
        scratch.append(dir)
        return dir
    }

    static let account = """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: acme}
        spec: {contact: ops@acme.example, placement: {dns: [ns1]}}

        """

    static let server = """
        apiVersion: baton/v1
        kind: Server
        metadata: {name: ns1}
        spec:
          address: 10.213.0.12
          hostname: ns1.hosting.example.
          hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFNS/Dav2vGNFaDygsvWvTvJ1qGiZJrJxlSVH7qM7je5
          roles: [dns-primary]

        """

    // MARK: - 1. The severity said once

    func testCheckZoneSaysWarningOnce() throws {
        let dir = try repository([
            "z": "$TTL 300\n@ SOA ns1 bad\\032x.example. 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\n"
        ])
        for checker in ["builtin", "named-checkzone"] {
            let run = try BatonProcess.run([
                "check-zone", dir.appendingPathComponent("z").path, "--origin", "example", "--checker", checker,
            ])
            XCTAssertEqual(run.status, 0, run.stdout)
            XCTAssertTrue(run.stdout.contains(":2: warning: bad\\032x.example: bad name (check-names)"), run.stdout)
            XCTAssertFalse(run.stdout.contains("warning: warning"), run.stdout)
        }
    }

    /// `check-zone` reads its plain arguments itself (start-up time); every other form goes to ArgumentParser and
    /// gives the same result.
    func testCheckZoneArgumentsReadEitherWayAlike() throws {
        let dir = try repository([
            "z":
                "$TTL 300\n@ SOA ns1 hostmaster 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\nbad_host A 192.0.2.2\n"
        ])
        let file = dir.appendingPathComponent("z").path
        for (fast, slow) in [
            (
                ["check-zone", file, "--origin", "example", "--checker", "builtin"],
                ["check-zone", "--origin=example", "--checker=builtin", file]
            ),
            (
                ["check-zone", "--strict", file, "--origin", "example", "--checker", "builtin", "--format", "json"],
                ["check-zone", file, "--origin=example", "--strict", "--checker=builtin", "--format=json"]
            ),
        ] {
            let a = try BatonProcess.run(fast)
            let b = try BatonProcess.run(slow)
            XCTAssertEqual(a.status, b.status, "\(fast)")
            XCTAssertEqual(a.stdout, b.stdout)
            XCTAssertEqual(a.stderr, b.stderr)
        }
        let strict = try BatonProcess.run([
            "check-zone", file, "--origin", "example", "--checker", "builtin", "--strict",
        ])
        XCTAssertEqual(strict.status, 1, strict.stdout)
        let missing = try BatonProcess.run(["check-zone", file])
        XCTAssertEqual(missing.status, 64, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("--origin"), missing.stderr)
        let help = try BatonProcess.run(["check-zone", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--strict"), help.stdout)
    }

    // MARK: - 9. Special files

    func testCheckZoneRefusesADeviceAtOnce() throws {
        let dir = try repository([
            "z": "$TTL 300\n@ SOA ns1 hostmaster 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\n$INCLUDE /dev/zero\n"
        ])
        for checker in ["builtin", "named-checkzone"] {
            let start = Date()
            let device = try BatonProcess.run(["check-zone", "/dev/zero", "--origin", "example", "--checker", checker])
            XCTAssertEqual(device.status, 3, device.stderr)
            XCTAssertTrue(device.stderr.contains("/dev/zero: not a regular file"), device.stderr)
            let included = try BatonProcess.run([
                "check-zone", dir.appendingPathComponent("z").path, "--origin", "example", "--checker", checker,
            ])
            XCTAssertEqual(included.status, 1, included.stdout + included.stderr)
            XCTAssertTrue(
                (included.stdout + included.stderr).contains(":5: error: /dev/zero: not a regular file"),
                included.stdout + included.stderr)
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, checker)
        }
        let imported = try BatonProcess.run(["import", "zone", "/dev/zero", "--origin", "example"])
        XCTAssertEqual(imported.status, 3, imported.stderr)
    }

    // MARK: - 2. The root zone

    func testBothLoadersTreatTheRootZoneAlike() throws {
        let dir = try repository([
            "root.zone": """
            . 86400 IN SOA a.root-servers.net. hostmaster. 1 1800 900 604800 86400
            . 86400 IN NS a.root-servers.net.
            a.root-servers.net. 86400 IN A 198.41.0.4

            """
        ])
        let file = dir.appendingPathComponent("root.zone").path
        var outputs: [String] = []
        for checker in ["builtin", "named-checkzone"] {
            let run = try BatonProcess.run(["import", "zone", file, "--origin", ".", "--checker", checker])
            XCTAssertEqual(run.status, 1, "\(checker): \(run.stderr)")
            XCTAssertFalse(run.stderr.contains("not a loadable zone"), "\(checker) loads it: \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("zone '.'"), "\(checker): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("[name.domain]"), "\(checker): \(run.stderr)")
            outputs.append(run.stderr)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        // check-zone of the root zone works with both.
        for checker in ["builtin", "named-checkzone"] {
            let run = try BatonProcess.run(["check-zone", file, "--origin", ".", "--checker", checker, "--strict"])
            XCTAssertEqual(run.status, 0, "\(checker): \(run.stdout)")
        }
    }

    // MARK: - 3. and 4. What import changes it says, and what it writes validates

    static let debianZone = """
        $TTL 604800
        @ 86400 IN SOA localhost. root.localhost. 1 604800 86400 2419200 604800
        @ IN NS ns1.hosting.example.
        OTHER IN A 192.0.2.1
        www IN CNAME OTHER.acme.example.
        @ IN MX 10 Mail.Acme.Example.
        Mail IN A 192.0.2.2
        *._tcp IN SRV 0 0 5060 Mail
        *._udp IN SRV 0 0 5060 www
        tricky\\032name IN TXT "x"
        ip IN CNAME 192.0.2.1.

        """

    func testImportKeepsCaseAnnouncesTheSOATTLAndWritesWhatValidates() throws {
        for checker in ["builtin", "named-checkzone"] {
            let dir = try repository([
                "old/acme.example.zone": Self.debianZone, "accounts/acme/account.yaml": Self.account,
                "servers/ns1.yaml": Self.server,
            ])
            let out = dir.appendingPathComponent("accounts/acme/acme.example.yaml").path
            let run = try BatonProcess.run([
                "import", "zone", dir.appendingPathComponent("old/acme.example.zone").path, "--origin", "acme.example",
                "--account", "acme", "--out", out, "--checker", checker,
            ])
            XCTAssertEqual(run.status, 0, "\(checker): \(run.stderr)")
            let yaml = try String(contentsOfFile: out, encoding: .utf8)
            XCTAssertTrue(yaml.contains("{name: \"OTHER\", type: A, value: \"192.0.2.1\"}"), yaml)
            XCTAssertTrue(yaml.contains("{name: \"www\", type: CNAME, value: \"OTHER\"}"), yaml)
            XCTAssertTrue(yaml.contains("{name: \"@\", type: MX, value: \"10 Mail\"}"), yaml)
            XCTAssertTrue(yaml.contains("rname: \"root@localhost\""), yaml)
            XCTAssertTrue(yaml.contains("{name: \"*._tcp\", type: SRV"), yaml)
            XCTAssertTrue(run.stderr.contains("notice: SOA TTL 86400 is not imported"), run.stderr)
            // What the rules refuse is left out, each with its notice.
            XCTAssertTrue(
                run.stderr.contains("tricky\\032name.acme.example. TXT skipped: validate would refuse it"), run.stderr)
            XCTAssertTrue(run.stderr.contains("ip.acme.example. CNAME skipped: validate would refuse it"), run.stderr)
            // So is what validate's zone check refuses: an SRV target that is a CNAME.
            XCTAssertTrue(run.stderr.contains("*._udp.acme.example. SRV skipped: validate would refuse it"), run.stderr)
            XCTAssertFalse(yaml.contains("tricky"), yaml)
            let validate = try BatonProcess.run(["validate", dir.path, "--zone-checker", "both"])
            XCTAssertEqual(validate.status, 0, "\(checker): \(validate.stdout)")
        }
    }

    /// What the zone checks refuse is left out too, and the rest of the zone is kept.
    func testImportLeavesOutWhatTheZoneChecksRefuse() throws {
        let dir = try repository([
            "z": "$TTL 300\n@ SOA ns1.hosting.example. hostmaster 1 3600 900 604800 300\n@ NS ns1.hosting.example.\n"
                + "@ A 192.0.2.10\n@ MX 10 mail\nmail A 192.0.2.25\n@ MX 20 nowhere\n",
            "accounts/acme/account.yaml": Self.account, "servers/ns1.yaml": Self.server,
        ])
        let out = dir.appendingPathComponent("accounts/acme/acme.example.yaml").path
        let run = try BatonProcess.run([
            "import", "zone", dir.appendingPathComponent("z").path, "--origin", "acme.example", "--account", "acme",
            "--out", out, "--checker", "builtin",
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("acme.example. MX skipped: validate would refuse it"), run.stderr)
        XCTAssertTrue(run.stderr.contains("has no address records"), run.stderr)
        let yaml = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(yaml.contains("10 mail"), yaml)
        XCTAssertFalse(yaml.contains("nowhere"), yaml)
        let validate = try BatonProcess.run(["validate", dir.path, "--zone-checker", "both"])
        XCTAssertEqual(validate.status, 0, validate.stdout)
    }

    // MARK: - 13. render zone

    func testRenderZonePrintsWhatApplyWouldWrite() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        let origin = "acme.example"
        let input = try XCTUnwrap(
            ZoneInput.zones(of: try ManifestLoader.load(try DirectorySource(root: work.path)).manifests).first {
                $0.origin == origin
            })
        let hash = ZoneRenderer.contentHash(input)
        // No history: today's first serial.
        let fresh = try BatonProcess.run(["render", "zone", origin, work.path])
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        let today = ZoneSerial.next(last: nil, contentHash: hash, date: Date())
        XCTAssertEqual(fresh.stdout, ZoneRenderer.render(input, serial: today).text)
        // A status branch that recorded this content keeps its serial; another content takes the next one.
        for (recorded, expected) in [(hash, UInt32(4_000_000_000)), ("stale", UInt32(4_000_000_001))] {
            try recordSerial(work, origin: origin, serial: 4_000_000_000, hash: recorded)
            for args in [[work.path], [work.path, "--rev", "HEAD"]] {
                let run = try BatonProcess.run(["render", "zone", origin] + args)
                XCTAssertEqual(run.status, 0, run.stderr)
                XCTAssertEqual(run.stdout, ZoneRenderer.render(input, serial: expected).text, "\(args)")
            }
        }
        // The rendering is a zone named-checkzone loads.
        let file = work.root.appendingPathComponent("rendered.zone")
        try fresh.stdout.write(to: file, atomically: true, encoding: .utf8)
        let check = try BatonProcess.run([
            "check-zone", file.path, "--origin", origin, "--checker", "named-checkzone", "--strict",
        ])
        XCTAssertEqual(check.status, 0, check.stdout)
        // A merged subdomain names its zone; an unknown name is refused.
        let missing = try BatonProcess.run(["render", "zone", "nothing.example", work.path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no Domain named 'nothing.example'"), missing.stderr)
    }

    /// An orphan `baton/status` whose `zones.yaml` records one serial.
    func recordSerial(_ work: GitWork, origin: String, serial: UInt32, hash: String) throws {
        let file = work.root.appendingPathComponent("zones.yaml")
        try "formatVersion: 1\nzones:\n  \"\(origin)\": {serial: \(serial), hash: \"\(hash)\"}\n".write(
            to: file, atomically: true, encoding: .utf8)
        let blob = try work.git("hash-object", "-w", file.path)
        let index = work.root.appendingPathComponent("status-index").path
        try? FileManager.default.removeItem(atPath: index)
        let env = ["GIT_INDEX_FILE": index]
        try work.git(["update-index", "--add", "--cacheinfo", "100644,\(blob),zones.yaml"], environment: env)
        let tree = try work.git(["write-tree"], environment: env)
        let commit = try work.git("commit-tree", tree, "-m", "status")
        try work.git("update-ref", "refs/heads/baton/status", commit)
    }
}
