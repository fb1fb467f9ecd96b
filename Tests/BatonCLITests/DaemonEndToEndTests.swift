import Crypto
import Foundation
import Glibc
import TestSupport
import XCTest

/// `baton reconcile` following a bare repository (file://), applying to the test hosts: webhooks and intervals
/// wake it, an invalid revision changes nothing and is said so, a fix applies, a resource that always fails is
/// quarantined while another account's change lands, SIGTERM ends it cleanly.
final class DaemonEndToEndTests: XCTestCase {
    var root: URL!
    var daemon: Process?
    var port = 0
    static let secret = "daemon-test-secret"

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("test hosts need root (network and mount namespaces)") }
        XCTAssertEqual(EndToEndTests.system("down"), 0)
        XCTAssertEqual(EndToEndTests.system("up"), 0, "scripts/testhosts up: see \(EndToEndTests.log)")
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("work"), withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let daemon, daemon.isRunning {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        if let root { try? FileManager.default.removeItem(at: root) }
        _ = EndToEndTests.system("down")
    }

    var work: URL { root.appendingPathComponent("work") }
    var remote: URL { root.appendingPathComponent("remote.git") }

    func git(_ args: String..., in dir: URL? = nil) throws {
        let result = try EndToEndTests.shell(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"] + args, in: dir ?? work)
        XCTAssertEqual(result.status, 0, "git \(args.joined(separator: " ")): \(result.stderr)")
    }

    func write(_ path: String, _ text: String) throws {
        let url = work.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func account(_ name: String, records: [String], extra: String = "") -> String {
        """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: \(name)}
        spec: {contact: ops@\(name).example, placement: {web: web1, dns: [ns1, ns2]}}
        ---
        apiVersion: baton/v1
        kind: Domain
        metadata: {name: \(name).example}
        spec:
          account: \(name)
          records:
        \(records.map { "    - \($0)" }.joined(separator: "\n"))
        \(extra)
        """
    }

    /// Commits the work tree and pushes it to the bare remote the daemon follows.
    func push(_ message: String) throws {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        try git("push", "-q", remote.path, "HEAD:main")
    }

    func head() throws -> String {
        try EndToEndTests.shell(["git", "rev-parse", "HEAD"], in: work).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    func startDaemon(_ extra: [String] = []) throws {
        port = try LoopbackSocket.freePort()
        let secretFile = root.appendingPathComponent("secret")
        try (Self.secret + "\n").write(to: secretFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = BatonProcess.binary
        process.arguments =
            [
                "reconcile", "--repo", "file://" + remote.path, "--state-dir",
                root.appendingPathComponent("state").path,
                "--listen", "127.0.0.1:\(port)", "--interval", "3s", "--webhook-secret-file", secretFile.path,
                "--identity", EndToEndTests.key, "--log-format", "json", "--quarantine-after", "2",
            ] + extra
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        let errors = root.appendingPathComponent("daemon.log")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        daemon = process
    }

    var daemonLog: String {
        (try? String(contentsOf: root.appendingPathComponent("daemon.log"), encoding: .utf8)) ?? ""
    }

    func http(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) throws -> (
        code: Int, body: String
    ) {
        var args = ["curl", "-s", "-m", "5", "-o", "-", "-w", "\n%{http_code}", "-X", method]
        for (name, value) in headers { args += ["-H", "\(name): \(value)"] }
        if let body { args += ["--data-binary", body] }
        let out = try EndToEndTests.shell(args + ["http://127.0.0.1:\(port)\(path)"]).stdout
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    func webhook() throws -> Int {
        let body = #"{"ref": "refs/heads/main"}"#
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(body.utf8), using: SymmetricKey(data: Array(Self.secret.utf8)))
        let signature = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        return try http(
            "POST", "/hooks/github", body: body, headers: ["X-Hub-Signature-256": signature, "X-GitHub-Event": "push"]
        ).code
    }

    func status() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(try http("GET", "/status").body.utf8)) as? [String: Any]) ?? [:]
    }

    func dig(_ name: String, server: String = "10.213.0.12") throws -> String {
        try EndToEndTests.shell(["dig", "+short", "+time=1", "+tries=1", "@\(server)", name, "A"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `condition` for up to `seconds`.
    func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return try condition()
    }

    func testTheDaemonFollowsPushesRefusesInvalidRevisionsAndQuarantines() throws {
        XCTAssertEqual(
            try EndToEndTests.shell([EndToEndTests.testhosts, "servers", work.appendingPathComponent("servers").path])
                .status, 0)
        try write("accounts/acme/acme.yaml", account("acme", records: [#"{name: www, type: A, value: 10.213.0.11}"#]))
        try git("init", "-q", "-b", "main")
        try git("init", "-q", "--bare", remote.path, in: root)
        try push("first")
        try startDaemon()

        // The first revision is applied without a webhook; the daemon is ready.
        XCTAssertTrue(try eventually(30) { try self.dig("www.acme.example") == "10.213.0.11" }, daemonLog)
        XCTAssertTrue(try eventually(10) { try self.http("GET", "/readyz").code == 200 }, daemonLog)
        XCTAssertEqual(try http("GET", "/healthz").code, 200)

        // A webhook after a push: served within seconds (the interval alone is 3 s; the webhook is sooner).
        try write(
            "accounts/acme/acme.yaml",
            account(
                "acme",
                records: [#"{name: www, type: A, value: 10.213.0.11}"#, #"{name: hook, type: A, value: 10.213.0.51}"#]))
        try push("a record, announced")
        XCTAssertEqual(try webhook(), 202)
        XCTAssertTrue(try eventually(20) { try self.dig("hook.acme.example") == "10.213.0.51" }, daemonLog)

        // An invalid revision: nothing applied, its errors recorded, /readyz and /status say so.
        try write(
            "accounts/acme/acme.yaml",
            account(
                "acme",
                records: [
                    #"{name: www, type: A, value: 10.213.0.11}"#, #"{name: hook, type: A, value: 10.213.0.51}"#,
                    #"{name: bad, type: A, value: 300.1.2.3}"#, #"{name: also, type: A, value: 10.213.0.52}"#,
                ]))
        try push("an invalid record")
        let invalid = try head()
        XCTAssertEqual(try webhook(), 202)
        XCTAssertTrue(try eventually(20) { try self.http("GET", "/readyz").code == 503 }, daemonLog)
        let rejected = try status()["lastRejected"] as? [String: Any]
        XCTAssertEqual(rejected?["revision"] as? String, invalid)
        XCTAssertTrue(
            ((rejected?["errors"] as? [String]) ?? []).contains { $0.contains("record.a") },
            "\(String(describing: rejected))")
        XCTAssertEqual(try dig("also.acme.example"), "", "nothing of the invalid revision applied")
        XCTAssertTrue(
            try EndToEndTests.shell(["git", "--git-dir", remote.path, "show", "baton/status:rejected.yaml"]).stdout
                .contains(invalid))

        // The fix applies; ready again. Then a push without a webhook lands by the interval alone.
        try write(
            "accounts/acme/acme.yaml",
            account(
                "acme",
                records: [
                    #"{name: www, type: A, value: 10.213.0.11}"#, #"{name: hook, type: A, value: 10.213.0.51}"#,
                    #"{name: also, type: A, value: 10.213.0.52}"#,
                ]))
        try push("fixed")
        XCTAssertEqual(try webhook(), 202)
        XCTAssertTrue(try eventually(20) { try self.dig("also.acme.example") == "10.213.0.52" }, daemonLog)
        XCTAssertTrue(try eventually(10) { try self.http("GET", "/readyz").code == 200 })

        // A web app nginx -t always refuses (a certificate that does not exist): quarantined after two tries,
        // while another account's change on the same server lands.
        try write(
            "accounts/acme/web.yaml",
            """
            apiVersion: baton/v1
            kind: WebApp
            metadata: {name: acme-broken}
            spec:
              account: acme
              type: static
              domains: [www.acme.example]
              tls: {certificate: /etc/letsencrypt/live/acme.example/none.pem, key: /etc/letsencrypt/live/acme.example/none.key}

            """)
        try push("a web app nginx refuses")
        XCTAssertEqual(try webhook(), 202)
        XCTAssertTrue(
            try eventually(60) {
                ((try self.status()["quarantined"] as? [[String: String]]) ?? []).contains {
                    $0["resource"] == "WebApp/acme-broken"
                }
            }, daemonLog)
        try write(
            "accounts/globex/globex.yaml", account("globex", records: [#"{name: www, type: A, value: 10.213.0.61}"#]))
        try push("another account")
        XCTAssertEqual(try webhook(), 202)
        XCTAssertTrue(try eventually(60) { try self.dig("www.globex.example") == "10.213.0.61" }, daemonLog)

        // The daemon's own record: the runs are baton apply's, readable by baton status and logs.
        let metrics = try http("GET", "/metrics").body
        XCTAssertTrue(metrics.contains(#"baton_runs_total{state="success"}"#), metrics)
        XCTAssertTrue(metrics.contains("baton_quarantined_resources 1"), metrics)

        // SIGTERM: a clean stop.
        daemon?.terminate()
        daemon?.waitUntilExit()
        XCTAssertEqual(daemon?.terminationStatus, 0, daemonLog)
        XCTAssertTrue(daemonLog.split(separator: "\n").allSatisfy { $0.hasPrefix("{") }, "JSON lines: \(daemonLog)")
    }
}
