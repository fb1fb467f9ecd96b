import Foundation
import TestSupport
import XCTest

/// The run's helper (docs/apply.md, "Few processes in a user's tree") on the test hosts: tenants applied with it,
/// and tenants of the same shape applied after perl is taken off web1 and ns1 (so every operation runs its own
/// commands, and makes its own users): both end the same, name for name.
extension TenantIsolationEndToEndTests {
    /// `tenant(_:)` (an account on web1 and ns1 with a declared group and a zone, a developer in a home of its own,
    /// a PHP web app), with a main user that has a key, and a static web app.
    func helperTenant(_ t: String, key: String) -> String {
        tenant(t) + "---\napiVersion: baton/v1\nkind: SystemUser\nmetadata: {name: \(t)}\n"
            + "spec: {account: \(t), main: true, shell: /bin/sh, authorizedKeys: [\"\(key)\"]}\n"
            + WebAppFixtures.site(t)
    }

    /// What a tenant is on the hosts, with its name written T: its home (every path's owner, group, mode, type,
    /// ACL, and the files' contents), its pool and server block, its zone (but the SOA line) and stanza.
    func tenantState(_ t: String) throws -> String {
        let web = try root(
            """
            cd /home && find \(t) -printf '%p %u %g %m %y\\n' | sort && getfacl -R -p \(t) 2>/dev/null | grep -v '^#' \
            && find \(t) -type f | sort | xargs cat \
            && for f in /etc/nginx/sites-enabled/*\(t)* /etc/php/*/fpm/pool.d/*\(t)*; do stat -c '%n %U %G %a' "$f"; cat "$f"; done
            """)
        let dns = try EndToEndTests.shell([
            EndToEndTests.testhosts, "exec", "ns1", "sh", "-c",
            "cd /var/lib/baton && stat -c '%n %U %G %a' zones/\(t).example.zone named/\(t).example.conf && grep -v SOA zones/\(t).example.zone && cat named/\(t).example.conf",
        ]).stdout
        return (web + dns).replacingOccurrences(of: t, with: "T")
    }

    /// What the servers said on stderr in a run's log (not the scripts, which hold every message they may say).
    func stderrSections(_ log: String) -> String {
        var out: [Substring] = []
        var inside = false
        for line in log.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("--- ") || line.hasPrefix("=== ") {
                inside = line == "--- stderr"
            } else if inside {
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }

    func testTheRunHelperLeavesOnTheHostsWhatOneCommandEachLeaves() throws {
        let key = try tenantKey()
        let helped = ["hlpa", "hlpb", "hlpc"]
        try makeRepository(Dictionary(uniqueKeysWithValues: helped.map { ($0, helperTenant($0, key: key.line)) }))
        let first = try apply()
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let firstLog = try stderrSections(BatonProcess.run(["logs", "--repo", work.path]).stdout)
        XCTAssertFalse(firstLog.contains("helper"), firstLog)
        XCTAssertFalse(firstLog.contains("no perl here"), firstLog)
        // The same shapes under other names, with no perl on the servers.
        for host in ["web1", "ns1"] {
            XCTAssertEqual(
                try EndToEndTests.shell([
                    EndToEndTests.testhosts, "exec", host, "mv", "/usr/bin/perl", "/usr/bin/perl.off",
                ])
                .status, 0)
        }
        let alone = ["onea", "oneb", "onec"]
        for t in alone { try write("accounts/\(t)/\(t).yaml", helperTenant(t, key: key.line)) }
        try commit("the same tenants, one command each")
        let second = try apply()
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let secondLog = try stderrSections(BatonProcess.run(["logs", "--repo", work.path]).stdout)
        XCTAssertTrue(secondLog.contains("no perl here"), secondLog)
        for (a, b) in zip(helped, alone) {
            let (withHelper, without) = (try tenantState(a), try tenantState(b))
            XCTAssertTrue(withHelper.contains("user:www-data:r-x"), withHelper)
            XCTAssertTrue(withHelper.contains("authorized_keys"), withHelper)
            XCTAssertEqual(withHelper, without)
        }
        XCTAssertEqual(try login("hlpa", key: key.path).stdout, "hlpa\n")
    }
}
