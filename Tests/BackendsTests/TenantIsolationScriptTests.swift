import Backends
import Foundation
import Manifests
import Planning
import XCTest

/// What one account's names can never reach on a server: another account's pool, socket or server block.
final class TenantIsolationScriptTests: XCTestCase {
    static let server =
        "apiVersion: baton/v1\nkind: Server\nmetadata: {name: web1}\nspec: {address: 10.213.0.11, hostKey: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvF1lG0Yx4fzZ2sS8nJ7ggcK3vQ3Fh3Jq0q2Zt5Yb7w\", roles: [web]}\n"

    func account(_ name: String) -> String {
        "apiVersion: baton/v1\nkind: Account\nmetadata: {name: \(name)}\nspec: {contact: ops@example.com, placement: {web: web1}}\n"
    }

    func user(_ name: String, of account: String) -> String {
        "apiVersion: baton/v1\nkind: SystemUser\nmetadata: {name: \(name)}\nspec: {account: \(account), home: /home/\(account)/\(name)}\n"
    }

    func app(_ name: String, of account: String, user: String) -> String {
        "apiVersion: baton/v1\nkind: WebApp\nmetadata: {name: \(name)}\nspec: {account: \(account), type: php, user: \(user)}\n"
    }

    /// The files a web server's script stages (`baton_stage TEMPORARY TARGET DAEMON`): their targets.
    func stagedTargets(_ files: [String: String]) throws -> [String] {
        let set = try ManifestLoader.load(InMemorySource(files)).manifests
        let states = ResourceStates.build(set)
        let plan = Planner.plan(
            Planner.Input(revision: "r1", states: states, servers: ["web1"], applied: .empty))
        let byKey = Dictionary(states.map { ("\($0.server) \($0.id)", $0) }, uniquingKeysWith: { a, _ in a })
        let steps = plan.changes.map { Step(change: $0, desired: byKey["\($0.server) \($0.id)"], previous: nil) }
        let script = try Backend.script(
            steps, context: ApplyContext(layout: ServerLayout(), manifests: set), nonce: "t"
        ).script.text
        let pattern = try NSRegularExpression(pattern: "baton_stage '[^']*' '([^']*)' '[^']*'")
        return pattern.matches(in: script, range: NSRange(script.startIndex..., in: script)).map {
            String(script[Range($0.range(at: 1), in: script)!])
        }
    }

    /// The issue's own case: user `globex-globex` of acme with app `shop`, user `globex` of globex with app
    /// `globex-shop`. Both gave the pool `globex-globex-shop`, one file and one socket.
    func testTwoAccountsNamesNeverDeriveOnePool() throws {
        let targets = try stagedTargets([
            "servers.yaml": Self.server,
            "acme.yaml": account("acme") + "---\n" + user("globex-globex", of: "acme") + "---\n"
                + app("shop", of: "acme", user: "globex-globex"),
            "globex.yaml": account("globex") + "---\n" + app("globex-shop", of: "globex", user: "globex"),
        ])
        XCTAssertEqual(
            targets.sorted(),
            [
                "/etc/nginx/sites-enabled/baton-acme.shop.conf",
                "/etc/nginx/sites-enabled/baton-globex.globex-shop.conf",
                "/etc/php/8.2/fpm/pool.d/baton-acme.shop.conf", "/etc/php/8.2/fpm/pool.d/baton-globex.globex-shop.conf",
            ])
        XCTAssertNotEqual(
            SystemNames.socket(account: "acme", app: "shop", version: "8.2"),
            SystemNames.socket(account: "globex", app: "globex-shop", version: "8.2"))
    }

    /// Every (account, app) pair of names made of the same few words, joined every way the name patterns allow:
    /// no two pairs derive one pool, socket, server block or certificate copy.
    func testDerivedNamesSplitBackOneWay() {
        let words = ["acme", "web", "shop", "acme-web", "web-shop", "acme-web-shop", "a", "a-", "_a", "acme_web"]
        var seen: [String: (String, String)] = [:]
        for account in words {
            for app in words where !app.hasPrefix("_") {
                for derived in [
                    "pool " + SystemNames.pool(account: account, app: app),
                    "socket " + SystemNames.socket(account: account, app: app, version: "8.2"),
                    "block " + SystemNames.serverBlock(account: account, app: app),
                    "tls " + SystemNames.tlsCopy(state: "/var/lib/baton", account: account, app: app, key: true),
                ] {
                    if let other = seen[derived] {
                        XCTFail("\(derived): (\(account), \(app)) and \(other)")
                    }
                    seen[derived] = (account, app)
                }
            }
        }
        XCTAssertGreaterThan(seen.count, 200)
    }

    /// The pool confines PHP to the app's tree, with its own temporary folders, and keeps the functions that
    /// run programs off; an app's own `disable_functions` adds to the list, never removes from it.
    func testThePoolConfinesPHP() throws {
        let text = try WebAppBackend.poolText(
            ResourceState(
                id: ResourceID(.webApp, "shop"), server: "web1", account: "acme", phase: 4,
                fields: [
                    Field("path", .scalar("/home/acme/webapps/shop")),
                    Field("php.ini", .list(["disable_functions=mail, exec", "memory_limit=256M"])),
                ]),
            account: "acme", app: "shop", user: "acme", socket: "/run/php/baton-acme.shop-php8.2.sock")
        for line in [
            "[acme.shop]", "php_admin_value[open_basedir] = /home/acme/webapps/shop/",
            "php_admin_value[sys_temp_dir] = /home/acme/webapps/shop/.php/tmp",
            "php_admin_value[upload_tmp_dir] = /home/acme/webapps/shop/.php/uploads",
            "php_admin_value[session.save_path] = /home/acme/webapps/shop/.php/sessions",
            "env[TMPDIR] = /home/acme/webapps/shop/.php/tmp", "php_admin_value[memory_limit] = 256M",
        ] {
            XCTAssertTrue(text.split(separator: "\n").contains(Substring(line)), "\(line) in\n\(text)")
        }
        let disabled = text.split(separator: "\n").first { $0.hasPrefix("php_admin_value[disable_functions] = ") }
        let list = Set(
            disabled?.split(separator: "=").last?.trimmingCharacters(in: .whitespaces)
                .split(separator: ",").map(String.init) ?? [])
        XCTAssertTrue(list.isSuperset(of: WebAppBackend.disabledFunctions), text)
        XCTAssertTrue(list.contains("mail"), text)
        XCTAssertEqual(text.components(separatedBy: "disable_functions").count, 2, "one line: \(text)")
    }
}
