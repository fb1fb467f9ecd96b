import Foundation
import Glibc
import Manifests
import XCTest

/// The whole loop on the project's test hosts (`scripts/testhosts`): apply, then ask BIND with `dig`, the web
/// host with `getent` and nginx with `curl`, change things and apply again.
final class EndToEndTests: XCTestCase {
    var work: URL!
    static let testhosts = BatonProcess.packageRoot.appendingPathComponent("scripts/testhosts").path
    static let key = "/run/baton-testhosts/client_ed25519"

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("test hosts need root (network and mount namespaces)") }
        // Fresh hosts: `up` alone keeps hosts that are up, with whatever an earlier run left on them.
        XCTAssertEqual(Self.system("down"), 0)
        XCTAssertEqual(Self.system("up"), 0, "scripts/testhosts up: see \(Self.log)")
        work = FileManager.default.temporaryDirectory.appendingPathComponent("baton-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let work { try? FileManager.default.removeItem(at: work) }
        _ = Self.system("down")
    }

    static let log = FileManager.default.temporaryDirectory.appendingPathComponent("baton-testhosts.log").path

    /// `scripts/testhosts up|down` through system(3), not Foundation's Process: the daemons it starts outlive
    /// it, and Process's child watching then hangs (the SSH transport's tests met the same with sshd).
    static func system(_ command: String) -> Int32 {
        let status = Glibc.system("\(testhosts) \(command) >>\(log) 2>&1 </dev/null")
        return status == -1 ? -1 : (status >> 8) & 0xFF
    }

    @discardableResult
    static func shell(_ args: [String], in dir: URL? = nil) throws -> BatonProcess.Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let dir { p.currentDirectoryURL = dir }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return BatonProcess.Output(
            status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    func git(_ args: String...) throws {
        let result = try Self.shell(["git", "-c", "user.name=T", "-c", "user.email=t@example.com"] + args, in: work)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func host(_ name: String, _ command: String) throws -> String {
        try Self.shell([Self.testhosts, "exec", name, "sh", "-c", command]).stdout
    }

    func dig(_ server: String, _ name: String, _ type: String) throws -> String {
        try Self.shell(["dig", "+short", "+time=2", "+tries=2", "@\(server)", name, type]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func apply() throws -> BatonProcess.Output {
        try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin"],
            environment: ["BATON_SSH_KEY": Self.key])
    }

    static let hostile = "$(touch /tmp/pwned) `touch /tmp/pwned` '; touch /tmp/pwned; ' EOF"

    func write(_ path: String, _ text: String) throws {
        let url = work.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func manifests(wwwAddress: String, withWebsite: Bool) -> String {
        var text = """
            apiVersion: baton/v1
            kind: Account
            metadata: {name: acme}
            spec: {contact: ops@acme.example, placement: {web: web1, dns: [ns1, ns2]}}
            ---
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: acme.example}
            spec:
              account: acme
              records:
                - {name: "@", type: A, value: 10.213.0.11}
                - {name: www, type: A, value: \(wwwAddress)}
                - {name: shop, type: A, value: 10.213.0.11}
                - {name: "@", type: TXT, value: \(YAMLText.quoted(Self.hostile))}
            ---
            apiVersion: baton/v1
            kind: SystemUser
            metadata: {name: acme-deploy}
            spec:
              account: acme
              home: /home/acme/deploy
              shell: /bin/sh
              authorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGkBaL+FGG24nh5vCAYsPjbVQYh/D1lDdMxl4iqSOkfS deploy"]
            ---
            apiVersion: baton/v1
            kind: WebApp
            metadata: {name: acme-shop}
            spec: {account: acme, type: php, user: acme-deploy, domains: [shop.acme.example]}

            """
        if withWebsite {
            text += """
                ---
                apiVersion: baton/v1
                kind: WebApp
                metadata: {name: acme-www}
                spec: {account: acme, type: static, domains: [acme.example, www.acme.example]}

                """
        }
        return text
    }

    /// acme-www asks for a certificate that does not exist: nginx -t fails.
    static func tlsWithoutCertificate(_ manifests: String) -> String {
        manifests.replacingOccurrences(
            of: "domains: [acme.example, www.acme.example]}",
            with:
                "domains: [acme.example, www.acme.example], tls: {certificate: /etc/letsencrypt/live/acme.example/none.pem, key: /etc/letsencrypt/live/acme.example/none.key}}"
        )
    }

    func serial() throws -> UInt32? {
        let text = try Self.shell(["git", "show", "baton/status:zones.yaml"], in: work).stdout
        guard let range = text.range(of: "serial: ") else { return nil }
        return UInt32(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// The test hosts' servers and the acme account, committed.
    func makeRepository() throws {
        XCTAssertEqual(
            try Self.shell([Self.testhosts, "servers", work.appendingPathComponent("servers").path]).status, 0)
        try write("accounts/acme/acme.yaml", manifests(wwwAddress: "10.213.0.11", withWebsite: true))
        try git("init", "-q")
        try git("add", "-A")
        try git("commit", "-q", "-m", "first")
    }

    func status(_ resource: String) throws -> String {
        try Self.shell(["git", "show", "baton/status:status/\(resource).yaml"], in: work).stdout
    }

    func testAHostKeyThatChangedIsRefusedAndNothingRunsThere() throws {
        try makeRepository()
        // web1's manifest pins ns1's key: the server web1 offers another one.
        let ns1 = try String(contentsOf: work.appendingPathComponent("servers/ns1.yaml"), encoding: .utf8)
        var web1 = try String(contentsOf: work.appendingPathComponent("servers/web1.yaml"), encoding: .utf8)
        let ns1Key = try XCTUnwrap(ns1.split(separator: "\n").first { $0.contains("hostKey:") })
        let web1Key = try XCTUnwrap(web1.split(separator: "\n").first { $0.contains("hostKey:") })
        web1 = web1.replacingOccurrences(of: web1Key, with: ns1Key)
        try write("servers/web1.yaml", web1)
        try git("commit", "-q", "-am", "a wrong key")
        let first = try apply()
        XCTAssertEqual(first.status, 1)
        XCTAssertTrue(first.stdout.contains("web1: 4 ABORTED") && first.stdout.contains("host key"), first.stdout)
        XCTAssertTrue(first.stdout.contains("ns1: 1 SUCCESS"), first.stdout)
        XCTAssertEqual(try host("web1", "getent passwd acme-deploy || echo absent"), "absent\n")
        XCTAssertTrue(try status("SystemUser/acme-deploy").contains("state: Pending"))
        XCTAssertTrue(try status("Domain/acme.example").contains("state: Applied"))

        // The key put right, `baton retry` applies what that run left pending, and only that.
        let run = try XCTUnwrap(
            first.stdout.split(separator: "\n").first { $0.hasPrefix("Run ") }?.split(separator: " ")[1])
        try write("servers/web1.yaml", web1.replacingOccurrences(of: ns1Key, with: web1Key))
        try git("commit", "-q", "-am", "the right key")
        let retry = try BatonProcess.run(
            ["retry", String(run), "--repo", work.path, "--yes"], environment: ["BATON_SSH_KEY": Self.key])
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        XCTAssertTrue(retry.stdout.contains("web1: 4 SUCCESS"), retry.stdout)
        XCTAssertFalse(retry.stdout.contains("ns1:"), retry.stdout)
        XCTAssertTrue(try host("web1", "getent passwd acme-deploy").hasPrefix("acme-deploy:"))
    }

    func testFailedChecksOnTheServerKeepTheOldConfiguration() throws {
        try makeRepository()
        XCTAssertEqual(try apply().status, 0)
        // nginx -t fails (a certificate that does not exist): the old server block stays.
        let before = try host("web1", "cat /etc/nginx/sites-enabled/baton-acme.acme-www.conf")
        XCTAssertFalse(before.isEmpty)
        try write(
            "accounts/acme/acme.yaml",
            Self.tlsWithoutCertificate(manifests(wwwAddress: "10.213.0.11", withWebsite: true)))
        try git("commit", "-q", "-am", "tls without a certificate")
        let failed = try apply()
        XCTAssertEqual(failed.status, 1, failed.stdout)
        XCTAssertEqual(try host("web1", "cat /etc/nginx/sites-enabled/baton-acme.acme-www.conf"), before)
        XCTAssertTrue(try status("WebApp/acme-www").contains("state: Failed"))
        // The inventory still lists the old server block, applied from the earlier revision: drift rebuilds it
        // from that revision and finds it in place.
        let drift = try BatonProcess.run(["drift", "--repo", work.path], environment: ["BATON_SSH_KEY": Self.key])
        XCTAssertEqual(drift.status, 0, drift.stdout + drift.stderr)
        XCTAssertTrue(drift.stdout.contains("web1: no drift"), drift.stdout)
        XCTAssertFalse(drift.stdout.contains("not compared"), drift.stdout)

        // The server's named-checkzone refuses a zone Baton's own checks were told to skip (an MX that names
        // a CNAME): the old zone stays served. A new zone in the same run is checked with it at once, that
        // check fails, and each zone is checked on its own: the new one is served.
        try write(
            "accounts/acme/acme.yaml",
            manifests(wwwAddress: "10.213.0.11", withWebsite: true).replacingOccurrences(
                of: "    - {name: shop, type: A, value: 10.213.0.11}",
                with:
                    "    - {name: shop, type: A, value: 10.213.0.11}\n    - {name: \"@\", type: MX, value: 10 alias}\n    - {name: alias, type: CNAME, value: www}"
            )
                + "\n---\napiVersion: baton/v1\nkind: Domain\nmetadata: {name: acme.net}\nspec:\n  account: acme\n  records:\n    - {name: www, type: A, value: 10.213.0.11}\n"
        )
        try git("commit", "-q", "-am", "MX to a CNAME, and a new zone")
        let refused = try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes", "--zone-checker", "none"], environment: ["BATON_SSH_KEY": Self.key])
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(try status("Domain/acme.example").contains("state: Failed"))
        XCTAssertEqual(try dig("10.213.0.12", "acme.example", "MX"), "")
        XCTAssertEqual(try dig("10.213.0.12", "www.acme.example", "A"), "10.213.0.11")
        XCTAssertTrue(try status("Domain/acme.net").contains("state: Applied"))
        XCTAssertEqual(try dig("10.213.0.12", "www.acme.net", "A"), "10.213.0.11")
    }

    func testOfTwoWebAppsChangedInOneRunOnlyTheOneNginxRejectsFails() throws {
        try makeRepository()
        XCTAssertEqual(try apply().status, 0)
        let www = "cat /etc/nginx/sites-enabled/baton-acme.acme-www.conf"
        let before = try host("web1", www)
        // acme-shop gains a name (fine); acme-www asks for a certificate that does not exist (nginx -t fails).
        try write(
            "accounts/acme/acme.yaml",
            Self.tlsWithoutCertificate(
                manifests(wwwAddress: "10.213.0.11", withWebsite: true).replacingOccurrences(
                    of: "domains: [shop.acme.example]", with: "domains: [shop.acme.example, store.acme.example]")))
        try git("commit", "-q", "-am", "one good change, one bad")
        let run = try apply()
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.stdout.contains("web1: 1 SUCCESS, 1 FAILURE"), run.stdout)
        XCTAssertTrue(try status("WebApp/acme-shop").contains("state: Applied"))
        XCTAssertTrue(try status("WebApp/acme-www").contains("state: Failed"))
        XCTAssertTrue(
            try host("web1", "cat /etc/nginx/sites-enabled/baton-acme.acme-shop.conf").contains("store.acme.example"))
        XCTAssertEqual(try host("web1", www), before, "the old server block is back")
        XCTAssertEqual(try host("web1", "nginx -t -q 2>&1; echo $?"), "0\n")
        XCTAssertEqual(try host("web1", "ls /etc/nginx/sites-enabled/ | grep -c baton-"), "2\n", "no stray files")
        // This run's log by its id: two runs within one second cannot be told apart by `logs` alone.
        let id = try XCTUnwrap(
            run.stdout.split(separator: "\n").first { $0.hasPrefix("Run ") }?.split(separator: " ")[1])
        let logs = try BatonProcess.run(["logs", String(id), "--repo", work.path])
        XCTAssertTrue(
            logs.stdout.contains("none.pem"), "nginx's own message is in the run's log: " + logs.stdout + logs.stderr)
    }

    func testAHostThatIsDownWaitsForTheNextRun() throws {
        try makeRepository()
        // web1's sshd stops: the DNS servers still apply, web1's resources wait.
        let pid = try String(contentsOfFile: "/run/baton-testhosts/hosts/web1/sshd.pid", encoding: .utf8)
        XCTAssertEqual(kill(pid_t(pid.trimmingCharacters(in: .whitespacesAndNewlines))!, SIGTERM), 0)
        Thread.sleep(forTimeInterval: 0.3)
        let first = try apply()
        XCTAssertEqual(first.status, 1)
        XCTAssertTrue(first.stdout.contains("web1: 4 ABORTED"), first.stdout)
        XCTAssertTrue(try status("WebApp/acme-www").contains("state: Pending"))
        XCTAssertTrue(try status("Domain/acme.example").contains("state: Applied"))
        // The host comes back (a new one, with a new key); the next run finishes the job and only that.
        XCTAssertEqual(Self.system("up"), 0)
        XCTAssertEqual(
            try Self.shell([Self.testhosts, "servers", work.appendingPathComponent("servers").path]).status, 0)
        try git("commit", "-q", "-am", "web1 is back")
        let plan = try BatonProcess.run(["plan", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertTrue(plan.stdout.hasSuffix("Plan: 4 to create, 0 to update, 0 to delete.\n"), plan.stdout)
        let second = try apply()
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertTrue(try host("web1", "getent passwd acme-deploy").hasPrefix("acme-deploy:"))
    }

    func testDoctorExplainsEachStep() throws {
        try makeRepository()
        let doctor = { (server: String) in
            try BatonProcess.run(
                ["doctor", server, "--repo", self.work.path], environment: ["BATON_SSH_KEY": Self.key])
        }
        let healthy = try doctor("ns1")
        XCTAssertEqual(healthy.status, 0, healthy.stdout + healthy.stderr)
        XCTAssertTrue(healthy.stdout.contains("ok   tool named-checkzone"), healthy.stdout)
        XCTAssertTrue(healthy.stdout.contains("ok   named: answers rndc"), healthy.stdout)
        let web = try doctor("web1")
        XCTAssertEqual(web.status, 0, web.stdout)
        XCTAssertTrue(web.stdout.contains("ok   nginx configuration"), web.stdout)

        // A port nobody listens on, then a key that is not the server's.
        var web1 = try String(contentsOf: work.appendingPathComponent("servers/web1.yaml"), encoding: .utf8)
        web1 = web1.replacingOccurrences(of: "port: 22", with: "port: 2222")
        try write("servers/web1.yaml", web1)
        try git("commit", "-q", "-am", "wrong port")
        let refused = try doctor("web1")
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stdout.contains("FAIL connection") && refused.stdout.contains("check:"), refused.stdout)
        let ns1 = try String(contentsOf: work.appendingPathComponent("servers/ns1.yaml"), encoding: .utf8)
        let ns1Key = try XCTUnwrap(ns1.split(separator: "\n").first { $0.contains("hostKey:") })
        let web1Key = try XCTUnwrap(web1.split(separator: "\n").first { $0.contains("hostKey:") })
        try write(
            "servers/web1.yaml",
            web1.replacingOccurrences(of: "port: 2222", with: "port: 22").replacingOccurrences(
                of: web1Key, with: ns1Key))
        try git("commit", "-q", "-am", "wrong key")
        let mismatch = try doctor("web1")
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertTrue(mismatch.stdout.contains("host key"), mismatch.stdout)
        XCTAssertEqual(try doctor("web9").status, 3)
    }

    func testAScriptKilledHalfwayByItsDeadlineSaysWhatRan() throws {
        try makeRepository()
        // nginx -t hangs on web1: the server's watchdog kills the script at the deadline.
        _ = try host(
            "web1",
            "mv /usr/sbin/nginx /usr/sbin/nginx.real && printf '#!/bin/sh\\nsleep 60\\n' > /usr/sbin/nginx && chmod 755 /usr/sbin/nginx"
        )
        let started = Date()
        let run = try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin", "--timeout", "4"],
            environment: ["BATON_SSH_KEY": Self.key])
        XCTAssertLessThan(Date().timeIntervalSince(started), 40)
        XCTAssertEqual(run.status, 1)
        // Both web apps staged their files; the run's one nginx -t hung, so neither got its verdict.
        XCTAssertTrue(run.stdout.contains("web1: 2 SUCCESS, 2 TIMEOUT"), run.stdout)
        XCTAssertTrue(try status("SystemUser/acme-deploy").contains("state: Applied"))
        XCTAssertTrue(try status("WebApp/acme-shop").contains("state: Failed"))
        XCTAssertTrue(try status("WebApp/acme-www").contains("state: Failed"))
        // nginx back: the next run finishes the web apps only.
        _ = try host("web1", "mv -f /usr/sbin/nginx.real /usr/sbin/nginx")
        let again = try apply()
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("web1: 2 SUCCESS"), again.stdout)
        // Before anything else, it put back what the killed run had left staged and untested.
        let logs = try BatonProcess.run(["logs", "--repo", work.path])
        XCTAssertTrue(logs.stdout.contains("stopped during its configuration checks"), logs.stdout)
        XCTAssertEqual(
            try host("web1", "ls /var/lib/baton/runs | grep -c run. || true"), "0\n", "no scratch folder left")
    }

    func testADeactivatedAccountIsLockedAndItsSitesAnswer503() throws {
        try makeRepository()
        XCTAssertEqual(try apply().status, 0)
        _ = try host("web1", "echo up > /home/acme/webapps/acme-www/index.html")
        let page = {
            try Self.shell([
                "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: www.acme.example",
                "http://10.213.0.11/",
            ])
            .stdout
        }
        XCTAssertTrue(try waitFor { try page() == "200" })
        let active = manifests(wwwAddress: "10.213.0.11", withWebsite: true)
        try write(
            "accounts/acme/acme.yaml",
            active.replacingOccurrences(
                of: "spec: {contact: ops@acme.example,", with: "spec: {contact: ops@acme.example, active: false,"))
        try git("commit", "-q", "-am", "acme deactivated")
        let off = try apply()
        XCTAssertEqual(off.status, 0, off.stdout + off.stderr)
        XCTAssertTrue(try waitFor { try page() == "503" })
        // Expired: no login at all, keys included (a locked password alone would still let keys in).
        XCTAssertEqual(try host("web1", "getent shadow acme-deploy | cut -d: -f8"), "1\n", "expired")
        XCTAssertEqual(try host("web1", "cat /home/acme/webapps/acme-www/index.html"), "up\n", "nothing deleted")
        try write("accounts/acme/acme.yaml", active)
        try git("commit", "-q", "-am", "acme reactivated")
        XCTAssertEqual(try apply().status, 0)
        XCTAssertTrue(try waitFor { try page() == "200" })
        XCTAssertEqual(try host("web1", "getent shadow acme-deploy | cut -d: -f8"), "\n", "no longer expired")
    }

    /// A user owns its home: links planted there must not lead root anywhere. Keys are written and folders
    /// given their mode with the user's own rights, so a planted link fails the operation and changes nothing
    /// outside the user's reach.
    func testLinksPlantedInAHomeLeadNowhere() throws {
        try makeRepository()
        XCTAssertEqual(try apply().status, 0)
        let etc = try host("web1", "stat -c '%a %U' /etc /etc/passwd")
        // As acme-deploy could: its ~/.ssh becomes a link to /etc, and the main user's webapps folder a link
        // to /etc/nginx (the main user owns /home/acme).
        _ = try host("web1", "rm -rf /home/acme/deploy/.ssh && ln -s /etc /home/acme/deploy/.ssh")
        let keys = manifests(wwwAddress: "10.213.0.11", withWebsite: true).replacingOccurrences(
            of: "D1lDdMxl4iqSOkfS deploy", with: "D1lDdMxl4iqSOkfS deploy-2")
        XCTAssertNotEqual(keys, manifests(wwwAddress: "10.213.0.11", withWebsite: true))
        try write("accounts/acme/acme.yaml", keys)
        try git("commit", "-q", "-am", "deploy's key comment")
        let run = try apply()
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(try status("SystemUser/acme-deploy").contains("state: Failed"))
        XCTAssertEqual(try host("web1", "stat -c '%a %U' /etc /etc/passwd"), etc, "/etc as it was")
        XCTAssertEqual(try host("web1", "ls /etc | grep -c '^authorized_keys' || true"), "0\n")
        XCTAssertEqual(try host("web1", "getent passwd root | cut -d: -f1"), "root\n", "/etc/passwd still readable")
    }

    /// A secondary user without a home of its own shares the main user's: its app's folder lies in the main
    /// user's `webapps/`, made by the main user and given to it.
    func testAnAppOfAUserSharingTheMainHome() throws {
        try makeRepository()
        try write(
            "accounts/acme/team.yaml",
            """
            apiVersion: baton/v1
            kind: SystemUser
            metadata: {name: acme-web}
            spec: {account: acme}
            ---
            apiVersion: baton/v1
            kind: WebApp
            metadata: {name: acme-docs}
            spec: {account: acme, type: static, user: acme-web, domains: [docs.acme.example]}

            """)
        try git("add", "-A")
        try git("commit", "-q", "-m", "a user sharing the main home, with an app")
        let run = try apply()
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(try host("web1", "stat -c '%a %U %G' /home/acme/webapps/acme-docs"), "750 acme-web acme\n")
        _ = try host("web1", "echo docs > /home/acme/webapps/acme-docs/index.html")
        XCTAssertTrue(
            try waitFor {
                try Self.shell(["curl", "-s", "-H", "Host: docs.acme.example", "http://10.213.0.11/"]).stdout
                    == "docs\n"
            })
    }

    func testASecondApplyIsRefusedWhileOneRuns() throws {
        try makeRepository()
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [work.appendingPathComponent(".git/baton-apply.lock").path, "sleep", "5"]
        try holder.run()
        defer { holder.terminate() }
        Thread.sleep(forTimeInterval: 0.3)
        let second = try apply()
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.contains("another baton apply is running on this repository"), second.stderr)
        XCTAssertEqual(try Self.shell(["git", "branch", "--list", "baton/status"], in: work).stdout, "")
    }

    func testApplyServeChangeAndRemove() throws {
        try makeRepository()

        let first = try apply()
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        for server in ["10.213.0.12", "10.213.0.13"] {
            XCTAssertTrue(try waitFor { try self.dig(server, "www.acme.example", "A") == "10.213.0.11" }, server)
            XCTAssertEqual(try dig(server, "acme.example", "TXT"), "\"" + Self.hostile + "\"", server)
            let soa = try dig(server, "acme.example", "SOA").split(separator: " ")
            XCTAssertEqual(soa.count, 7)
            if soa.count == 7 { XCTAssertEqual(UInt32(soa[2]), try serial(), "the serial the status branch says") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/pwned"))
        XCTAssertEqual(try host("ns1", "test -e /tmp/pwned && echo yes || echo no"), "no\n")
        XCTAssertTrue(try host("web1", "getent passwd acme-deploy").hasPrefix("acme-deploy:x:"))
        XCTAssertEqual(try host("web1", "stat -c '%a %U' /home/acme/deploy"), "750 acme-deploy\n")
        XCTAssertTrue(try host("web1", "ls /etc/php/8.2/fpm/pool.d/").contains("baton-acme.acme-shop.conf"))
        _ = try host("web1", "echo served-by-baton > /home/acme/webapps/acme-www/index.html")
        XCTAssertTrue(
            try waitFor {
                try Self.shell(["curl", "-s", "-H", "Host: www.acme.example", "http://10.213.0.11/"]).stdout
                    == "served-by-baton\n"
            })
        // The PHP app runs as a secondary user, in its home under the main user's: nginx passes through both.
        _ = try host("web1", "echo shop-page > /home/acme/deploy/webapps/acme-shop/page.html")
        XCTAssertTrue(
            try waitFor {
                try Self.shell(["curl", "-s", "-H", "Host: shop.acme.example", "http://10.213.0.11/page.html"]).stdout
                    == "shop-page\n"
            })
        let again = try BatonProcess.run(["plan", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(again.status, 0, again.stdout)

        // Read-only drift probes: nothing drifted, then a hand edit on each kind of server.
        let drift = {
            try BatonProcess.run(["drift", "--repo", self.work.path], environment: ["BATON_SSH_KEY": Self.key])
        }
        let clean = try drift()
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        XCTAssertTrue(clean.stdout.contains("web1: no drift"), clean.stdout)
        _ = try host(
            "web1",
            "usermod -s /bin/bash acme-deploy; echo '# edited' >> /etc/nginx/sites-enabled/baton-acme.acme-www.conf")
        _ = try host("ns1", "echo '; edited' >> /var/lib/baton/zones/acme.example.zone")
        let drifted = try drift()
        XCTAssertEqual(drifted.status, 2, drifted.stdout + drifted.stderr)
        XCTAssertTrue(
            drifted.stdout.contains(
                "~ SystemUser/acme-deploy: home and shell: expected /home/acme/deploy:/bin/sh, found /home/acme/deploy:/bin/bash"
            ), drifted.stdout)
        XCTAssertTrue(drifted.stdout.contains("~ WebApp/acme-www: nginx server block"), drifted.stdout)
        XCTAssertTrue(drifted.stdout.contains("~ Domain/acme.example: zone file"), drifted.stdout)
        _ = try host("web1", "usermod -s /bin/sh acme-deploy")

        // One record changes: the serial rises and both servers answer with the new value.
        let before = try XCTUnwrap(try serial())
        try write("accounts/acme/acme.yaml", manifests(wwwAddress: "10.213.0.99", withWebsite: true))
        try git("commit", "-q", "-am", "www moves")
        let second = try apply()
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertGreaterThan(try XCTUnwrap(try serial()), before)
        for server in ["10.213.0.12", "10.213.0.13"] {
            XCTAssertTrue(try waitFor { try self.dig(server, "www.acme.example", "A") == "10.213.0.99" }, server)
        }

        // The web site goes: its server block goes, its folder is archived.
        try write("accounts/acme/acme.yaml", manifests(wwwAddress: "10.213.0.99", withWebsite: false))
        try git("commit", "-q", "-am", "no website")
        let third = try apply()
        XCTAssertEqual(third.status, 0, third.stdout + third.stderr)
        XCTAssertFalse(try host("web1", "ls /etc/nginx/sites-enabled/").contains("baton-acme.acme-www"))
        XCTAssertEqual(try host("web1", "test -e /home/acme/webapps/acme-www && echo yes || echo no"), "no\n")
        XCTAssertTrue(try host("web1", "ls /var/lib/baton/archive/webapps/").contains("acme-www-"))
    }

    /// A drift probe that does not reach its end claims no drift: `sha256sum` on web1 hangs (the probe times out
    /// with the owners, modes and users read), then kills the SSH session it runs in (the connection drops).
    func testADriftProbeThatDoesNotFinishClaimsNoDrift() throws {
        try makeRepository()
        let first = try apply()
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let drift = { (timeout: String) in
            try BatonProcess.run(
                ["drift", "--repo", self.work.path, "--timeout", timeout], environment: ["BATON_SSH_KEY": Self.key])
        }
        let clean = try drift("10m")
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        let checks = try XCTUnwrap(
            clean.stdout.split(separator: "\n").first { $0.hasPrefix("web1: no drift (") }.flatMap {
                Int($0.dropFirst("web1: no drift (".count).prefix { $0.isNumber })
            }, clean.stdout)

        _ = try host(
            "web1",
            "mv /usr/bin/sha256sum /usr/bin/sha256sum.real && printf '#!/bin/sh\\nsleep 30\\nexec /usr/bin/sha256sum.real \"$@\"\\n' > /usr/bin/sha256sum && chmod 755 /usr/bin/sha256sum"
        )
        let started = Date()
        let timedOut = try drift("3s")
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertEqual(timedOut.status, 1, timedOut.stdout + timedOut.stderr)
        XCTAssertFalse(timedOut.stdout.contains("~ "), timedOut.stdout)
        XCTAssertFalse(timedOut.stdout.contains("web1: no drift"), timedOut.stdout)
        XCTAssertTrue(timedOut.stdout.contains("ns1: no drift"), timedOut.stdout)
        let line = try XCTUnwrap(
            timedOut.stdout.split(separator: "\n").first { $0.hasPrefix("web1: ") }, timedOut.stdout)
        XCTAssertTrue(line.hasPrefix("web1: not probed: the drift probe timed out after 3s with "), String(line))
        // The owners, modes and users came before the hashes: some checks were made, not all.
        let made = Int(line.split(separator: " with ").last?.prefix { $0.isNumber } ?? "")
        XCTAssertTrue(line.contains(" of \(checks) checks made; raise the timeout"), String(line))
        XCTAssertGreaterThan(made ?? 0, 0, String(line))
        XCTAssertLessThan(made ?? checks, checks, String(line))

        // The probe's hash now kills the sshd process serving its session.
        _ = try host(
            "web1",
            #"printf '%s\n' '#!/bin/sh' 'p=$$' 'while [ "$p" -gt 1 ]; do' "  p=\$(sed 's/.*) //' /proc/\$p/stat | cut -d' ' -f2)" '  if [ "$(cat /proc/$p/comm)" = sshd ]; then kill -9 "$p"; break; fi' 'done' 'exec /usr/bin/sha256sum.real "$@"' > /usr/bin/sha256sum"#
        )
        let dropped = try drift("10m")
        XCTAssertEqual(dropped.status, 1, dropped.stdout + dropped.stderr)
        XCTAssertFalse(dropped.stdout.contains("~ "), dropped.stdout)
        let cut = try XCTUnwrap(dropped.stdout.split(separator: "\n").first { $0.hasPrefix("web1: ") }, dropped.stdout)
        XCTAssertTrue(cut.hasPrefix("web1: not probed: "), String(cut))
        XCTAssertTrue(cut.contains(" of \(checks) checks made"), String(cut))
        XCTAssertFalse(cut.contains(" \(checks) of \(checks) checks made"), String(cut))

        _ = try host("web1", "mv /usr/bin/sha256sum.real /usr/bin/sha256sum")
        XCTAssertEqual(try drift("10m").status, 0)
    }

    /// A doctor's probe that does not answer is a failure of the connection, never "named is not running".
    func testADoctorProbeThatTimesOutSaysSo() throws {
        try makeRepository()
        _ = try host(
            "ns1",
            "mv /usr/sbin/rndc /usr/sbin/rndc.real && printf '#!/bin/sh\\nsleep 60\\n' > /usr/sbin/rndc && chmod 755 /usr/sbin/rndc"
        )
        let doctor = try BatonProcess.run(
            ["doctor", "ns1", "--repo", work.path], environment: ["BATON_SSH_KEY": Self.key])
        XCTAssertEqual(doctor.status, 1, doctor.stdout + doctor.stderr)
        XCTAssertFalse(doctor.stdout.contains("FAIL named"), doctor.stdout)
        XCTAssertTrue(
            doctor.stdout.contains("FAIL commands: `rndc status >/dev/null` timed out after 20"), doctor.stdout)
    }

    /// DNS transfers and nginx reloads finish a moment after the command that started them.
    func waitFor(_ condition: () throws -> Bool) throws -> Bool {
        for _ in 0..<20 {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return false
    }
}
