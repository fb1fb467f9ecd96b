import Foundation
import Glibc
import XCTest

/// Three tenants applied to the test hosts, each trying to reach the others as a hostile tenant would: through
/// nginx (links in its own public folder), through its PHP, and with a shell as its own users. Every attempt is
/// refused, while each tenant's own files are served.
final class TenantIsolationEndToEndTests: XCTestCase {
    var work: URL!
    static let tenants = ["acme", "globex", "initech"]

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("test hosts need root (network and mount namespaces)") }
        XCTAssertEqual(EndToEndTests.system("down"), 0)
        XCTAssertEqual(EndToEndTests.system("up"), 0, "scripts/testhosts up: see \(EndToEndTests.log)")
        work = FileManager.default.temporaryDirectory.appendingPathComponent("baton-tenants-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let work { try? FileManager.default.removeItem(at: work) }
        _ = EndToEndTests.system("down")
    }

    // MARK: - The repository and the hosts

    func tenant(_ t: String, groups: [String] = [], extra: String = "") -> String {
        """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: \(t)}
        spec: {contact: ops@\(t).example, placement: {web: web1, dns: [ns1]}, groups: [\(t)-devs\(groups.map { ", " + $0 }.joined())]}
        ---
        apiVersion: baton/v1
        kind: Domain
        metadata: {name: \(t).example}
        spec:
          account: \(t)
          records:
            - {name: "@", type: A, value: 10.213.0.11}
            - {name: shop, type: A, value: 10.213.0.11}
        ---
        apiVersion: baton/v1
        kind: SystemUser
        metadata: {name: \(t)-dev}
        spec: {account: \(t), home: /home/\(t)/dev, shell: /bin/sh, groups: [\(t), \(t)-devs]}
        ---
        apiVersion: baton/v1
        kind: WebApp
        metadata: {name: \(t)-shop}
        spec: {account: \(t), type: php, publicRoot: public, domains: [shop.\(t).example]\(extra)}

        """
    }

    func write(_ path: String, _ text: String) throws {
        let url = work.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func commit(_ message: String) throws {
        for args in [["add", "-A"], ["commit", "-q", "-m", message]] {
            let result = try EndToEndTests.shell(
                ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"] + args, in: work)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
    }

    func makeRepository(_ tenants: [String: String]) throws {
        XCTAssertEqual(
            try EndToEndTests.shell([EndToEndTests.testhosts, "servers", work.appendingPathComponent("servers").path])
                .status, 0)
        for (name, text) in tenants { try write("accounts/\(name)/\(name).yaml", text) }
        XCTAssertEqual(try EndToEndTests.shell(["git", "init", "-q"], in: work).status, 0)
        try commit("tenants")
    }

    func apply() throws -> BatonProcess.Output {
        try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin"],
            environment: ["BATON_SSH_KEY": EndToEndTests.key])
    }

    /// A command on web1 as `user` (its own rights and group, no other group): what a tenant's shell can do.
    func run(as user: String, _ command: String) throws -> (status: Int32, output: String) {
        let result = try EndToEndTests.shell([
            EndToEndTests.testhosts, "exec", "web1", "setpriv", "--reuid=\(user)", "--regid=\(user)",
            "--clear-groups", "sh", "-c", command,
        ])
        return (result.status, result.stdout + result.stderr)
    }

    func root(_ command: String) throws -> String {
        try EndToEndTests.shell([EndToEndTests.testhosts, "exec", "web1", "sh", "-c", command]).stdout
    }

    /// nginx's answer for a path of a tenant's shop: the status and the body.
    func get(_ tenant: String, _ path: String) throws -> (code: String, body: String) {
        let out = try EndToEndTests.shell([
            "curl", "-s", "-m", "5", "-w", "\n%{http_code}", "-H", "Host: shop.\(tenant).example",
            "http://10.213.0.11\(path)",
        ]).stdout
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n").trimmingCharacters(in: .newlines))
    }

    func waitFor(_ condition: () throws -> Bool) throws -> Bool {
        for _ in 0..<40 {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return false
    }

    // MARK: - Tests

    func testTenantsReachNothingOfEachOtherThroughNginxPHPOrAShell() throws {
        try makeRepository(Dictionary(uniqueKeysWithValues: Self.tenants.map { ($0, tenant($0)) }))
        let first = try apply()
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)

        // Each tenant, as itself, writes a secret beside its web root, a page in it, links in it to its own page,
        // to its neighbour's secret and to /etc/passwd, and a PHP probe.
        for (i, t) in Self.tenants.enumerated() {
            let other = Self.tenants[(i + 1) % Self.tenants.count]
            let probe = """
                <?php
                $r = [];
                $r[] = @file_get_contents('/home/\(other)/webapps/\(other)-shop/config.php') === false ? 'cross:refused' : 'cross:read';
                $r[] = @file_get_contents('/etc/passwd') === false ? 'etc:refused' : 'etc:read';
                $r[] = function_exists('shell_exec') ? 'shell_exec:enabled' : 'shell_exec:disabled';
                session_start(); $_SESSION['n'] = 1;
                $r[] = 'session:' . session_save_path();
                $r[] = 'tmp:' . sys_get_temp_dir();
                echo implode("\\n", $r), "\\n";
                """
            let app = "/home/\(t)/webapps/\(t)-shop"
            let made = try run(
                as: t,
                """
                cd \(app) && echo secret-\(t) > config.php && echo own-\(t) > public/own.txt \
                && ln -s own.txt public/own-link.txt && ln -s \(app)/config.php public/mine.txt \
                && ln -s /home/\(other)/webapps/\(other)-shop/config.php public/steal.txt \
                && ln -s /etc/passwd public/passwd.txt && cat > public/probe.php <<'EOF'
                \(probe)
                EOF
                """)
            XCTAssertEqual(made.status, 0, made.output)
        }
        for (i, t) in Self.tenants.enumerated() {
            let other = Self.tenants[(i + 1) % Self.tenants.count]
            XCTAssertTrue(
                try waitFor { try self.get(t, "/own.txt") == ("200", "own-\(t)") }, "\(t) serves its own page")
            XCTAssertEqual(try get(t, "/own-link.txt").code, "200", "a link of \(t) to its own page")
            // Links that lead out of the public root: to another tenant's file, to the system's, and (same owner)
            // to the tenant's own secret, which nginx cannot read: www-data reads the public root only.
            // nginx answers 404 (try_files finds no file it may open) or 403: never the file.
            for (link, what) in [
                ("/steal.txt", "\(other)'s config.php"), ("/passwd.txt", "/etc/passwd"),
                ("/mine.txt", "its own config.php"),
            ] {
                let answer = try get(t, link)
                XCTAssertTrue(["403", "404"].contains(answer.code), "\(t)'s link to \(what): \(answer)")
                XCTAssertFalse(answer.body.contains("secret-") || answer.body.contains("root:"), answer.body)
            }
            XCTAssertNotEqual(try get(t, "/.php/sessions/").code, "200", "PHP's own folders are not served")

            let probe = try get(t, "/probe.php")
            XCTAssertEqual(probe.code, "200", probe.body)
            let app = "/home/\(t)/webapps/\(t)-shop"
            XCTAssertEqual(
                probe.body.split(separator: "\n").map(String.init),
                [
                    "cross:refused", "etc:refused", "shell_exec:disabled", "session:\(app)/.php/sessions",
                    "tmp:\(app)/.php/tmp",
                ])
            // The session file is the tenant's alone; nobody else reads or lists it.
            XCTAssertEqual(try run(as: t, "ls \(app)/.php/sessions | grep -c ^sess_").output, "1\n")
            XCTAssertNotEqual(try run(as: other, "ls \(app)/.php/sessions").status, 0)
            XCTAssertNotEqual(try run(as: "www-data", "ls \(app)/.php/sessions").status, 0)

            // A shell as the tenant: no other tenant's pool, server block, files, nor the list of homes.
            for path in [
                "/etc/php/8.2/fpm/pool.d/baton-\(other).\(other)-shop.conf",
                "/etc/nginx/sites-enabled/baton-\(other).\(other)-shop.conf",
                "/home/\(other)/webapps/\(other)-shop/config.php",
            ] {
                XCTAssertNotEqual(try run(as: t, "cat \(path)").status, 0, "\(t) reads \(path)")
                XCTAssertNotEqual(try run(as: "\(t)-dev", "cat \(path)").status, 0, "\(t)-dev reads \(path)")
            }
            XCTAssertNotEqual(try run(as: t, "ls /home").status, 0, "\(t) lists /home")
            // nginx's own user reads the public root and nothing beside it.
            XCTAssertEqual(try run(as: "www-data", "cat \(app)/public/own.txt").output, "own-\(t)\n")
            XCTAssertNotEqual(try run(as: "www-data", "cat \(app)/config.php").status, 0)
            // The account's own group is joined; the account's declared group exists and is joined too.
            XCTAssertEqual(
                try root("id -Gn \(t)-dev | tr ' ' '\\n' | sort | tr '\\n' ' '"), "\(t) \(t)-devs ", "\(t)-dev groups")
        }
        XCTAssertEqual(try root("stat -c %a /etc/php/8.2/fpm/pool.d/baton-acme.acme-shop.conf"), "600\n")
        XCTAssertEqual(try root("stat -c %a /etc/nginx/sites-enabled/baton-acme.acme-shop.conf"), "600\n")
    }

    /// Names the server already has and Baton did not make: an account named like a group there (as docker or
    /// ssl-cert would be), and a group an account declares that somebody made by hand. Each operation fails with
    /// its message before useradd or groupadd runs; the other tenants apply.
    func testNamesTheServerHasAndBatonDidNotMakeAreNeverTaken() throws {
        _ = try root("groupadd hostops && groupadd acme-ops")
        try makeRepository([
            "acme": tenant("acme", groups: ["acme-ops"]),
            "globex": tenant("globex"),
            "hostops": tenant("hostops"),
        ])
        let run = try apply()
        XCTAssertEqual(run.status, 1, run.stdout)
        let log = try BatonProcess.run(["logs", "--repo", work.path]).stdout
        XCTAssertTrue(
            log.contains("the group acme-ops exists on this server and Baton did not make it"), log)
        XCTAssertTrue(log.contains("the group hostops exists on this server and Baton did not make it"), log)
        // No user hostops was made (its primary group would have been the group the server had), nobody joined
        // acme-ops, and globex applied whole.
        XCTAssertEqual(try root("getent passwd hostops || echo absent"), "absent\n")
        XCTAssertEqual(try root("getent group acme-ops | cut -d: -f4"), "\n")
        XCTAssertTrue(try root("getent passwd globex-dev").hasPrefix("globex-dev:"))
        XCTAssertTrue(try waitFor { try self.get("globex", "/").code != "000" })
    }

    /// A certificate kept in the tenant's home is read with the app user's rights: a link there to a file the
    /// tenant may not read (the system's shadow file) fails the app's operation and copies nothing.
    func testACertificateInAHomeIsReadWithTheTenantsRights() throws {
        let tls = ", tls: {certificate: /home/initech/tls/shop.pem, key: /home/initech/tls/shop.key}"
        try makeRepository(["initech": tenant("initech", extra: tls), "globex": tenant("globex")])
        // Before the apply that needs it, the folder exists: made as root, then the tenant's.
        _ = try root("mkdir -p /home/initech/tls")
        XCTAssertEqual(try apply().status, 1, "no home yet at the first apply: the certificate cannot be read")
        _ = try root("chown initech:initech /home/initech/tls")
        let made = try run(
            as: "initech",
            "cd /home/initech/tls && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=shop.initech.example -keyout shop.key -out shop.pem 2>/dev/null"
        )
        XCTAssertEqual(made.status, 0, made.output)
        let applied = try apply()
        XCTAssertEqual(applied.status, 0, applied.stdout + applied.stderr)
        XCTAssertEqual(try root("stat -c '%a %U' /var/lib/baton/tls/initech.initech-shop.key"), "600 root\n")
        XCTAssertTrue(
            try waitFor {
                try EndToEndTests.shell([
                    "curl", "-sk", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "--resolve",
                    "shop.initech.example:443:10.213.0.11", "https://shop.initech.example/",
                ]).stdout != "000"
            }, "nginx serves TLS with the copied certificate")

        // The tenant swaps its key for a link to /etc/shadow and asks for the app again (a new name).
        _ = try run(as: "initech", "cd /home/initech/tls && rm shop.key && ln -s /etc/shadow shop.key")
        let before = try root("md5sum < /var/lib/baton/tls/initech.initech-shop.key")
        try write(
            "accounts/initech/initech.yaml",
            tenant("initech", extra: tls).replacingOccurrences(
                of: "domains: [shop.initech.example]", with: "domains: [shop.initech.example, initech.example]"))
        try commit("another name")
        let refused = try apply()
        XCTAssertEqual(refused.status, 1, refused.stdout)
        let log = try BatonProcess.run(["logs", "--repo", work.path]).stdout
        XCTAssertTrue(log.contains("initech cannot read /home/initech/tls/shop.key"), log)
        XCTAssertEqual(try root("md5sum < /var/lib/baton/tls/initech.initech-shop.key"), before, "nothing copied")
        XCTAssertFalse(try root("cat /var/lib/baton/tls/initech.initech-shop.key").contains("root:"))
    }
}
