import Foundation
import XCTest

/// A process that plans commit after commit (the daemon) keeps its load, validation and desired forms between
/// plans and redoes only what each commit can reach: its plans must be the plans of a fresh process, for every
/// kind of commit, valid or not.
final class PlanSessionTests: XCTestCase {
    var work: GitWork!
    var commits: [String] = []

    override func setUpWithError() throws {
        work = try GitWork.make()
        let json = try work.plan("--format", "json")
        try work.recordApplied(planJSON: json.stdout)
        commits = [try work.git("rev-parse", "HEAD")]
    }

    override func tearDown() {
        work.remove()
    }

    /// Commits, then plans HEAD in a session that planned every earlier commit first, and in a fresh process.
    /// `reaches`: what the session's debug log must say it redid, when the commit is that local.
    func commitAndCompare(
        _ what: String, reaches: String? = nil, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try work.commit(what)
        let head = try work.git("rev-parse", "HEAD")
        let warm = commits.flatMap { ["--warm-from", $0] }
        let session = try BatonProcess.run(
            [
                "plan", "--repo", work.path, "--zone-checker", "builtin", "--rev", head, "--format", "json",
                "--allow-mass-delete",
            ] + warm,
            environment: ["BATON_DEBUG": "1"])
        if let reaches {
            XCTAssertTrue(session.stderr.contains(reaches), session.stderr, file: file, line: line)
        }
        let fresh = try work.plan(["--rev", head, "--format", "json", "--allow-mass-delete"])
        XCTAssertEqual(session.status, fresh.status, what, file: file, line: line)
        XCTAssertEqual(session.stdout, fresh.stdout, what, file: file, line: line)
        XCTAssertTrue(session.stderr.contains("re-plan:"), session.stderr, file: file, line: line)
        commits.append(head)
    }

    func testEveryKindOfCommitPlansAsInAFreshProcess() throws {
        try work.edit("accounts/acme/domains.yaml", "name: www, type: A", "name: www2, type: A")
        try commitAndCompare("a record renamed", reaches: "rules (accounts(checked: 1, changed: 1))")
        try work.edit("accounts/globex/webapps.yaml", "    - shop.globex.example", "    - www.acme.example")
        try commitAndCompare("another account's name served: invalid")
        try work.edit("accounts/globex/webapps.yaml", "    - www.acme.example", "    - shop.globex.example")
        try commitAndCompare("fixed again")
        // An invalid commit plans nothing; what it changed elsewhere must still reach the next plan.
        try work.edit("accounts/acme/domains.yaml", "name: www2, type: A", "name: www3, type: A")
        try work.edit("accounts/globex/webapps.yaml", "    - shop.globex.example", "    - www.acme.example")
        try commitAndCompare("a record renamed in one account, another account broken")
        try work.edit("accounts/globex/webapps.yaml", "    - www.acme.example", "    - shop.globex.example")
        try commitAndCompare("only the broken account fixed")
        try work.write(
            "accounts/initech/extra.yaml",
            "apiVersion: baton/v1\nkind: Domain\nmetadata: {name: globex.example}\nspec:\n  account: initech\n  records:\n    - {name: www, type: A, value: 192.0.2.9}\n"
        )
        try commitAndCompare("a zone declared twice, in two accounts: invalid")
        try work.git("rm", "-q", "accounts/initech/extra.yaml")
        try commitAndCompare("the second declaration gone")
        // A file outside accounts/ holds zones of two accounts; one zone fails its zone check. A commit that
        // changes the other account must not lose that finding.
        try work.write(
            "dns/shared.yaml",
            """
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: acme-mail.example}
            spec:
              account: acme
              records:
                - {name: "@", type: A, value: 192.0.2.20}
            ---
            apiVersion: baton/v1
            kind: Domain
            metadata: {name: globex-mail.example}
            spec:
              account: globex
              records:
                - {name: "@", type: MX, value: 10 alias}
                - {name: alias, type: CNAME, value: www}
                - {name: www, type: A, value: 192.0.2.21}

            """)
        try commitAndCompare("a shared file; one of its zones fails the zone check")
        try work.edit("accounts/acme/account.yaml", "diskQuota: 20G", "diskQuota: 25G")
        try commitAndCompare("the other account changes")
        let invalid = try work.plan("--format", "json")
        XCTAssertEqual(invalid.status, 1, "the shared file's zone error still stops the plan")
        XCTAssertTrue(invalid.stdout.contains("zone.builtin"), invalid.stdout)
        try work.git("rm", "-q", "dns/shared.yaml")
        try commitAndCompare("the shared file gone")
        try work.git("mv", "accounts/initech/users.yaml", "accounts/initech/people.yaml")
        try commitAndCompare("a file renamed")
        try work.edit("servers/ns1.yaml", "hostname: ns1.hosting.example", "hostname: dns1.hosting.example")
        try commitAndCompare("a server's hostname, in every zone", reaches: "rules (whole)")
        try work.edit("accounts/acme/account.yaml", "diskQuota: 25G", "diskQuota: 30G")
        try commitAndCompare("an account's own field", reaches: "desired forms built for 1 of 3 accounts")
        try work.git("rm", "-q", "-r", "accounts/initech")
        try commitAndCompare("a whole account deleted")
        try work.write(".batonignore", "accounts/globex/monitors.yaml\n")
        try commitAndCompare("ignore rules")
    }
}
