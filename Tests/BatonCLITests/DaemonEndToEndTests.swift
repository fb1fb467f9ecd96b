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
    /// Further daemons of a test, stopped at its end.
    var others: [Process] = []
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
        for process in others + [daemon].compactMap({ $0 }) where process.isRunning {
            process.terminate()
            process.waitUntilExit()
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
        (daemon, port) = try launch(name: "daemon", extra, interval: "30s")
    }

    /// A daemon with its own state folder (`state-STATE`, by default its name), port and log (`NAME.log`).
    func launch(name: String, state: String? = nil, _ extra: [String], interval: String = "3s") throws -> (Process, Int)
    {
        let port = try LoopbackSocket.freePort()
        let secretFile = root.appendingPathComponent("secret")
        try (Self.secret + "\n").write(to: secretFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = BatonProcess.binary
        process.arguments =
            [
                "reconcile", "--repo", "file://" + remote.path, "--state-dir",
                root.appendingPathComponent("state-\(state ?? name)").path,
                "--listen", "127.0.0.1:\(port)", "--interval", interval, "--webhook-secret-file", secretFile.path,
                "--identity", EndToEndTests.key, "--log-format", "json", "--quarantine-after", "2",
            ] + extra
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        let errors = root.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        return (process, port)
    }

    var daemonLog: String {
        (try? String(contentsOf: root.appendingPathComponent("daemon.log"), encoding: .utf8)) ?? ""
    }

    func http(
        _ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:], port: Int? = nil
    ) throws -> (code: Int, body: String) {
        let port = port ?? self.port
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

    func status(port: Int? = nil) throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(try http("GET", "/status", port: port).body.utf8))
            as? [String: Any]) ?? [:]
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
        try seed()
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
        // The interval is 30 s here: only the webhook brings it this soon.
        XCTAssertTrue(try eventually(10) { try self.dig("hook.acme.example") == "10.213.0.51" }, daemonLog)

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

        // The fix applies; ready again.
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

    /// The repository with the test hosts' servers and account acme, pushed to the bare remote.
    func seed() throws {
        XCTAssertEqual(
            try EndToEndTests.shell([EndToEndTests.testhosts, "servers", work.appendingPathComponent("servers").path])
                .status, 0)
        try write("accounts/acme/acme.yaml", account("acme", records: [#"{name: www, type: A, value: 10.213.0.11}"#]))
        try git("init", "-q", "-b", "main")
        try git("init", "-q", "--bare", remote.path, in: root)
        try push("first")
    }

    /// The runs the status branch holds: (start, end) of each, from `time` and the servers' `seconds`.
    func recordedRuns() throws -> [(id: String, start: Date, end: Date, generation: Int?)] {
        let names = try EndToEndTests.shell(
            ["git", "--git-dir", remote.path, "ls-tree", "--name-only", "baton/status", "runs/"]
        ).stdout.split(separator: "\n").filter { $0.hasSuffix(".yaml") }
        let formatter = ISO8601DateFormatter()
        return try names.compactMap { name in
            let text = try EndToEndTests.shell(["git", "--git-dir", remote.path, "show", "baton/status:\(name)"]).stdout
            func value(_ key: String) -> String? {
                text.split(separator: "\n").first { $0.hasPrefix(key + ": ") }.map {
                    String($0.dropFirst(key.count + 2)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
            guard let time = value("time").flatMap(formatter.date) else { return nil }
            let seconds =
                text.split(separator: "\n").compactMap { line -> Double? in
                    guard let range = line.range(of: "seconds: ") else { return nil }
                    return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." })
                }.max() ?? 0
            return (String(name), time, time.addingTimeInterval(seconds), value("generation").flatMap { Int($0) })
        }
    }

    /// Two daemons on the same repository and servers: one applies, the other stands by; SIGKILL the holder and
    /// the other takes over within the lease and an interval. No two runs overlap.
    func testTwoDaemonsOneHolderAndATakeover() throws {
        try seed()
        let args = ["--interval", "1s", "--lease-duration", "6s"]
        let (a, portA) = try launch(name: "a", args + ["--holder", "daemon-a"])
        others.append(a)
        XCTAssertTrue(try eventually(30) { try self.dig("www.acme.example") == "10.213.0.11" })
        let (b, portB) = try launch(name: "b", args + ["--holder", "daemon-b"])
        others.append(b)
        XCTAssertTrue(
            try eventually(15) { ((try? self.status(port: portB))?["standby"] as? Bool) == true },
            "b stands by while a holds the lease")
        XCTAssertEqual(try status(port: portA)["standby"] as? Bool, false)
        try write(
            "accounts/acme/acme.yaml",
            account(
                "acme",
                records: [#"{name: www, type: A, value: 10.213.0.11}"#, #"{name: two, type: A, value: 10.213.0.71}"#]))
        try push("while both run, and no webhook: the interval (1 s) alone")
        XCTAssertTrue(try eventually(20) { try self.dig("two.acme.example") == "10.213.0.71" })
        XCTAssertEqual(try status(port: portB)["standby"] as? Bool, true, "b applied nothing")

        // The holder dies without a word: b takes over once its lease (6 s) expired, within an interval.
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        try write(
            "accounts/acme/acme.yaml",
            account(
                "acme",
                records: [
                    #"{name: www, type: A, value: 10.213.0.11}"#, #"{name: two, type: A, value: 10.213.0.71}"#,
                    #"{name: three, type: A, value: 10.213.0.72}"#,
                ]))
        try push("after a died")
        let killed = Date()
        XCTAssertTrue(try eventually(30) { try self.dig("three.acme.example") == "10.213.0.72" })
        XCTAssertLessThan(Date().timeIntervalSince(killed), 6 + 1 + 15, "lease, interval, and the run itself")
        XCTAssertEqual(try status(port: portB)["standby"] as? Bool, false)

        let runs = try recordedRuns().sorted { $0.start < $1.start }
        XCTAssertGreaterThanOrEqual(runs.count, 3)
        for (earlier, later) in zip(runs, runs.dropFirst()) {
            XCTAssertLessThanOrEqual(
                earlier.end, later.start.addingTimeInterval(1), "\(earlier.id) and \(later.id) overlap")
        }
        XCTAssertGreaterThan(runs.last?.generation ?? 0, runs.first?.generation ?? 0, "the takeover's generation")
    }

    /// SIGKILL in the middle of an apply, the DNS servers done and web1 in the middle of an operation, then a
    /// restart on the same state folder: it takes its lease back at once, records what the servers' journals
    /// hold, applies only what remains, and leaves nothing to plan.
    func testADaemonKilledMidApplyConvergesAfterARestart() throws {
        try seed()
        (daemon, port) = try launch(name: "daemon", [], interval: "1s")
        XCTAssertTrue(try eventually(30) { try self.dig("www.acme.example") == "10.213.0.11" }, daemonLog)
        let web1 = { (command: String) in
            try EndToEndTests.shell([EndToEndTests.testhosts, "exec", "web1", "sh", "-c", command]).stdout
        }
        XCTAssertTrue(try eventually(30) { try web1("getent passwd acme") != "" })
        // The account files' lock (lckpwdf's, /etc/.pwd.lock) held here: web1's run waits for it in the middle,
        // where it makes its new users.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: EndToEndTests.testhosts)
        holder.arguments = [
            "exec", "web1", "python3", "-c",
            "import fcntl, os, time\nf = open('/etc/.pwd.lock', 'a')\nfcntl.lockf(f, fcntl.LOCK_EX)\n"
                + "open('/tmp/held', 'w').close()\nwhile not os.path.exists('/tmp/release'): time.sleep(0.1)\n",
        ]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        others.append(holder)
        XCTAssertTrue(try eventually(10) { try web1("test -e /tmp/held && echo held") == "held\n" })

        try write(
            "accounts/acme/acme.yaml",
            account(
                "acme",
                records: [#"{name: www, type: A, value: 10.213.0.11}"#, #"{name: mid, type: A, value: 10.213.0.81}"#]))
        try write(
            "accounts/beta/account.yaml",
            """
            apiVersion: baton/v1
            kind: Account
            metadata: {name: beta}
            spec: {contact: ops@beta.example, placement: {web: web1, dns: [ns1, ns2]}}

            """)
        try push("a record on ns1 and ns2, an account on web1")
        XCTAssertEqual(try webhook(), 202)
        XCTAssertTrue(
            try eventually(30) {
                try self.dig("mid.acme.example") == "10.213.0.81"
                    && self.dig("mid.acme.example", server: "10.213.0.13") == "10.213.0.81"
            }, daemonLog)
        // The run's batch of new users (perl, docs/apply.md), or a useradd, waits for the lock.
        XCTAssertTrue(
            try eventually(10) { try web1("pgrep -x perl || pgrep -x useradd") != "" }, "web1's users wait")
        XCTAssertEqual(try web1("getent passwd beta"), "")
        let before = try recordedRuns().count
        kill(try XCTUnwrap(daemon).processIdentifier, SIGKILL)
        daemon?.waitUntilExit()
        XCTAssertEqual(try recordedRuns().count, before, "the killed run recorded nothing")
        _ = try web1("touch /tmp/release")
        holder.waitUntilExit()

        (daemon, port) = try launch(name: "restarted", state: "daemon", [], interval: "1s")
        let log = {
            (try? String(contentsOf: self.root.appendingPathComponent("restarted.log"), encoding: .utf8)) ?? ""
        }
        // Well within the lease's 60 s: the same holder takes it back.
        XCTAssertTrue(try eventually(30) { try web1("getent passwd beta").hasPrefix("beta:") }, log())
        let pushed = try head()
        XCTAssertTrue(
            try eventually(30) {
                let status = try self.status()
                return (status["counts"] as? [String: Int])?["Pending"] == 0
                    && status["lastAppliedRevision"] as? String == pushed
            }, ((try? http("GET", "/status").body) ?? "") + log())
        daemon?.terminate()
        daemon?.waitUntilExit()

        // The interrupted run is on the status branch as recovered; ns1's zone was written once.
        let runs = try EndToEndTests.shell(
            ["git", "--git-dir", remote.path, "grep", "-l", "recovered: {from:", "baton/status", "--", "runs/"]
        ).stdout
        // One file per server whose journal held the killed run (`runs/ID.yaml`, then `-SERVER` for the second
        // and later), ns1's update among them.
        let recovered = runs.split(separator: "\n").map { String($0.dropFirst("baton/status:".count)) }
        XCTAssertEqual(
            Set(recovered.map { $0.dropFirst(5).dropLast(5).split(separator: "-").prefix(2).joined(separator: "-") })
                .count, 1, runs)
        let texts = try recovered.map {
            try EndToEndTests.shell(["git", "--git-dir", remote.path, "show", "baton/status:\($0)"]).stdout
        }
        XCTAssertTrue(
            texts.contains {
                $0.contains(#"{server: "ns1", resource: "Domain/acme.example", action: update, state: SUCCESS"#)
            },
            texts.joined())
        let applied = try EndToEndTests.shell(
            ["git", "--git-dir", remote.path, "grep", "-h", "Domain/acme.example", "baton/status", "--", "runs/"]
        ).stdout
        XCTAssertEqual(
            applied.split(separator: "\n").filter { $0.contains("action: update") && $0.contains("ns1") }.count, 1,
            applied)
        let clone = root.appendingPathComponent("clone")
        try git("clone", "-q", "-b", "main", remote.path, clone.path, in: root)
        let plan = try BatonProcess.run(["plan", "--repo", clone.path, "--zone-checker", "builtin"])
        XCTAssertEqual(plan.status, 0, plan.stdout + plan.stderr)
        XCTAssertTrue(plan.stdout.contains("No changes"), plan.stdout)
    }

    /// `baton suspend`, pushed: the daemon plans the next commit and reports it, and applies nothing until
    /// `baton resume` is pushed.
    func testASuspendedRepositoryIsPlannedAndNotAppliedUntilResumed() throws {
        try seed()
        (daemon, port) = try launch(name: "daemon", [], interval: "1s")
        XCTAssertTrue(try eventually(30) { try self.dig("www.acme.example") == "10.213.0.11" }, daemonLog)
        try git("config", "user.name", "Ada Ops")
        try git("config", "user.email", "ada@example.com")
        let suspend = try BatonProcess.run(["suspend", "--repo", work.path, "-m", "hands off"])
        XCTAssertEqual(suspend.status, 0, suspend.stderr)
        try write(
            "accounts/acme/acme.yaml",
            account(
                "acme",
                records: [#"{name: www, type: A, value: 10.213.0.11}"#, #"{name: held, type: A, value: 10.213.0.91}"#]))
        try push("a record while suspended")
        XCTAssertEqual(try webhook(), 202)
        XCTAssertTrue(
            try eventually(20) {
                let status = try self.status()
                return status["suspended"] as? Bool == true
                    && (status["counts"] as? [String: Int])?["Pending"] == 1
            }, daemonLog)
        XCTAssertTrue(try http("GET", "/metrics").body.contains("baton_suspended 1"))
        Thread.sleep(forTimeInterval: 3)
        XCTAssertEqual(try dig("held.acme.example"), "", "nothing applied while suspended")
        XCTAssertTrue(daemonLog.contains("suspended by baton.yaml"), daemonLog)

        let resume = try BatonProcess.run(["resume", "--repo", work.path, "--push"])
        XCTAssertEqual(resume.status, 1, "no origin to push to: the commit is made, the push says why")
        try git("push", "-q", remote.path, "HEAD:main")
        XCTAssertEqual(try webhook(), 202)
        XCTAssertTrue(try eventually(30) { try self.dig("held.acme.example") == "10.213.0.91" }, daemonLog)
        XCTAssertEqual(try status()["suspended"] as? Bool, false)
    }

    /// A home's mode changed by hand: `report` records it Drifted and counts it; `correct` puts it back.
    func testDriftIsReportedThenCorrected() throws {
        try seed()
        let (reporter, reportPort) = try launch(name: "report", ["--drift-interval", "2s", "--drift", "report"])
        others.append(reporter)
        XCTAssertTrue(try eventually(30) { try self.dig("www.acme.example") == "10.213.0.11" })
        _ = try EndToEndTests.shell([EndToEndTests.testhosts, "exec", "web1", "chmod", "0755", "/home/acme"])
        XCTAssertTrue(
            try eventually(20) {
                (((try? self.status(port: reportPort))?["drifted"] as? [String: [String]])?["web1"] ?? []).contains(
                    "Account/acme")
            })
        XCTAssertTrue(
            try eventually(10) {
                try self.http("GET", "/metrics", port: reportPort).body.contains("baton_drifted_resources 1")
            })
        XCTAssertTrue(
            try eventually(10) {
                try EndToEndTests.shell([
                    "git", "--git-dir", remote.path, "show", "baton/status:status/Account/acme.yaml",
                ])
                .stdout.contains("state: Drifted")
            })
        XCTAssertEqual(
            try EndToEndTests.shell([EndToEndTests.testhosts, "exec", "web1", "stat", "-c", "%a", "/home/acme"]).stdout,
            "755\n", "report changes nothing")
        reporter.terminate()
        reporter.waitUntilExit()

        let (corrector, _) = try launch(name: "correct", ["--drift-interval", "2s", "--drift", "correct"])
        others.append(corrector)
        XCTAssertTrue(
            try eventually(30) {
                try EndToEndTests.shell([EndToEndTests.testhosts, "exec", "web1", "stat", "-c", "%a", "/home/acme"])
                    .stdout == "750\n"
            }, (try? String(contentsOf: root.appendingPathComponent("correct.log"), encoding: .utf8)) ?? "")
        // Every run is a daemon's, the correction too: each recorded with its lease's generation.
        func runs() throws -> [String: String] {
            let names = try EndToEndTests.shell([
                "git", "--git-dir", remote.path, "ls-tree", "--name-only", "baton/status", "runs/",
            ]).stdout.split(separator: "\n").filter { $0.hasSuffix(".yaml") }
            var texts: [String: String] = [:]
            for name in names {
                texts[String(name)] =
                    try EndToEndTests.shell(["git", "--git-dir", remote.path, "show", "baton/status:\(name)"]).stdout
            }
            return texts
        }
        XCTAssertTrue(try eventually(20) { try runs().count >= 2 }, "the first apply's run and the correction's")
        for (name, text) in try runs() {
            XCTAssertTrue(text.contains("\ngeneration: "), "\(name):\n\(text)")
        }
    }

    /// Two daemons whose `server:` lists are disjoint: both hold a lease, both apply, each to its own servers.
    func testDisjointServerListsApplySideBySide() throws {
        try seed()
        let (web, webPort) = try launch(name: "web", ["--server", "web1", "--holder", "web-daemon"], interval: "1s")
        let (dns, dnsPort) = try launch(
            name: "dns", ["--server", "ns1", "--server", "ns2", "--holder", "dns-daemon"], interval: "1s")
        others += [web, dns]
        let dnsLog = { (try? String(contentsOf: self.root.appendingPathComponent("dns.log"), encoding: .utf8)) ?? "" }
        XCTAssertTrue(
            try eventually(30) { try self.dig("www.acme.example") == "10.213.0.11" }, "the DNS daemon: " + dnsLog())
        XCTAssertTrue(
            try eventually(30) {
                try EndToEndTests.shell([EndToEndTests.testhosts, "exec", "web1", "getent", "passwd", "acme"]).stdout
                    .hasPrefix("acme:")
            }, "the web daemon")
        for port in [webPort, dnsPort] {
            XCTAssertTrue(try eventually(10) { ((try? self.status(port: port))?["standby"] as? Bool) == false })
        }
        let leases = try EndToEndTests.shell(
            ["git", "--git-dir", remote.path, "ls-tree", "--name-only", "baton/status", "leases/"]
        ).stdout
        XCTAssertEqual(leases, "leases/ns1+ns2.yaml\nleases/web1.yaml\n")
    }

    /// The daemon hosts the monitor: the sites of the revision it follows are checked on their schedule, counted
    /// in its metrics, and written to monitors/ on the status branch at its stop.
    func testTheDaemonChecksMonitoredSites() throws {
        let site = try LoopbackSocket.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = ["-m", "http.server", "--bind", "127.0.0.1", String(site)]
        server.currentDirectoryURL = root
        server.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        server.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        others.append(server)
        try seed()
        try write(
            "accounts/acme/monitor.yaml",
            """
            apiVersion: baton/v1
            kind: MonitoredSite
            metadata: {name: acme-local}
            spec: {account: acme, url: "http://127.0.0.1:\(site)/", interval: 10s, timeout: 5s, allowPrivate: true}

            """)
        try push("a monitored site")
        try startDaemon()
        XCTAssertTrue(
            try eventually(30) {
                try self.http("GET", "/metrics").body.contains(#"baton_monitor_sites{state="up"} 1"#)
            }, ((try? http("GET", "/metrics").body) ?? "") + daemonLog)
        daemon?.terminate()
        daemon?.waitUntilExit()
        XCTAssertEqual(daemon?.terminationStatus, 0, daemonLog)
        let monitors = try EndToEndTests.shell(
            ["git", "--git-dir", remote.path, "show", "baton/status:monitors/acme-local.yaml"]
        ).stdout
        XCTAssertTrue(monitors.contains("acme-local"), monitors + daemonLog)
    }
}
