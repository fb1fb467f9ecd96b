import Foundation
import XCTest

/// Reusing the inventory's applied forms for unchanged accounts is an optimisation: for every kind of edit,
/// the plan is the one made by building everything.
final class PlanReuseTests: XCTestCase {
    var work: GitWork!

    override func setUpWithError() throws {
        work = try GitWork.make()
        let json = try work.plan("--format", "json")
        try work.recordApplied(planJSON: json.stdout)
    }

    override func tearDown() {
        work.remove()
    }

    func assertSamePlan(_ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let reused = try work.plan("--format", "json")
        let built = try work.plan("--format", "json", "--no-reuse")
        XCTAssertEqual(reused.status, built.status, what, file: file, line: line)
        XCTAssertEqual(reused.stdout, built.stdout, what, file: file, line: line)
    }

    func testEveryKindOfEditPlansAsIfBuiltWhole() throws {
        try assertSamePlan("nothing changed")
        let debug = try BatonProcess.run(
            ["plan", "--repo", work.path, "--zone-checker", "none"], environment: ["BATON_DEBUG": "1"])
        XCTAssertTrue(debug.stderr.contains("applied forms reused for 3 of 3 accounts"), debug.stderr)
        try work.edit("servers/ns1.yaml", "hostname: ns1.hosting.example", "hostname: dns1.hosting.example")
        try work.commit("server renamed")
        try assertSamePlan("a server's hostname is in every zone")
        try work.edit("accounts/acme/account.yaml", "diskQuota: 20G", "diskQuota: 30G")
        try work.commit("quota")
        try assertSamePlan("an account's own field")
        try work.write(
            "accounts/globex/sub.yaml",
            "apiVersion: baton/v1\nkind: Domain\nmetadata: {name: lab.globex.example}\nspec:\n  account: globex\n  records:\n    - {name: www, type: A, value: 192.0.2.9}\n"
        )
        try work.commit("a subdomain merged into its parent's zone")
        try assertSamePlan("subdomain")
        try work.git("mv", "accounts/initech/users.yaml", "accounts/initech/people.yaml")
        try work.commit("rename only")
        try assertSamePlan("rename")
        try work.edit("accounts/globex/users.yaml", "shell: /usr/bin/rssh", "shell: /bin/sh")
        try work.commit("a user's shell")
        try assertSamePlan("shell")
        // Applied in part: some entries from an older revision, one create missing.
        let json = try work.plan("--format", "json", "--allow-mass-delete").stdout
        try work.recordApplied(planJSON: json, except: ["SystemUser/globex-web"])
        try assertSamePlan("inventory without one resource")
        try work.edit("accounts/acme/domains.yaml", "value: 198.51.100.25}", "value: 198.51.100.26}")
        try work.commit("one record")
        try assertSamePlan("a record, with entries of two revisions")
        try work.write(".batonignore", "accounts/initech/\n")
        try work.commit("ignore a whole account")
        try assertSamePlan("ignore rules")
    }
}
