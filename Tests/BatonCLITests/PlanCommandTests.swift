import Foundation
import XCTest

/// `baton plan` on real repositories against status branches built by hand.
final class PlanCommandTests: XCTestCase {
    var work: GitWork!

    override func setUpWithError() throws {
        work = try GitWork.make()
    }

    override func tearDown() {
        work.remove()
    }

    /// Plans HEAD and records it as applied; returns the JSON plan.
    @discardableResult
    func applyByHand(except: Set<String> = [], statusFiles: [String: String] = [:]) throws -> String {
        let json = try work.plan("--format", "json")
        XCTAssertEqual(json.status, 2, json.stderr)
        try work.recordApplied(planJSON: json.stdout, except: except, statusFiles: statusFiles)
        return json.stdout
    }

    func testExitCodesFromNothingAppliedToNoChanges() throws {
        let first = try work.plan()
        XCTAssertEqual(first.status, 2, first.stderr)
        XCTAssertTrue(first.stdout.contains("(nothing applied yet)"), first.stdout)
        XCTAssertTrue(first.stdout.hasSuffix("Plan: 21 to create, 0 to update, 0 to delete.\n"), first.stdout)
        XCTAssertFalse(first.stdout.contains("\u{1B}["), "no colour off a terminal")

        try applyByHand()
        let second = try work.plan()
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertTrue(second.stdout.contains("No changes"), second.stdout)

        // An uncommitted change is not part of the revision.
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 203.0.113.41")
        XCTAssertEqual(try work.plan().status, 0)

        try work.commit("move sip")
        let third = try work.plan()
        XCTAssertEqual(third.status, 2)
        XCTAssertTrue(third.stdout.contains("~ Domain globex.example"), third.stdout)
        XCTAssertTrue(third.stdout.contains("- \"sip.globex.example. 7200 IN A 203.0.113.40\""), third.stdout)
        XCTAssertTrue(third.stdout.contains("+ \"sip.globex.example. 7200 IN A 203.0.113.41\""), third.stdout)
        XCTAssertTrue(third.stdout.hasSuffix("Plan: 0 to create, 1 to update, 0 to delete.\n"), third.stdout)
        // The revision before is still planned as it was: no changes against what was applied.
        XCTAssertEqual(try work.plan("--rev", "HEAD~1").status, 0)
    }

    func testFilesRenamedReorderedAndReformattedPlanNothing() throws {
        try applyByHand()
        try work.git("mv", "accounts/acme/users.yaml", "accounts/acme/people.yaml")
        try work.edit("accounts/globex/domains.yaml", "    - {name: mx1, type: A, value: 203.0.113.25}\n", "")
        try work.edit(
            "accounts/globex/domains.yaml", "    - {name: sip, type: A, value: 203.0.113.40}\n",
            "    - {name: sip, type: A, value: 203.0.113.40}\n    # moved here\n    - {value: \"203.0.113.25\", type: A, name: 'mx1'}\n"
        )
        try work.commit("tidy")
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 0, plan.stdout)
    }

    func testAFileRenamedAndChangedShowsTheFieldsThatChanged() throws {
        try applyByHand()
        try work.git("mv", "accounts/globex/webapps.yaml", "accounts/globex/sites.yaml")
        try work.edit("accounts/globex/sites.yaml", "processes: 4", "processes: 6")
        try work.write("accounts/globex/notes.yaml", "# nothing here yet\n")
        try work.commit("rename and change")
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(
            plan.stdout.contains("~ WebApp globex-shop\n        php.processes: 4 -> 6\n"), plan.stdout)
        XCTAssertTrue(plan.stdout.hasSuffix("Plan: 0 to create, 1 to update, 0 to delete.\n"), plan.stdout)
    }

    /// A Domain of acme's, and its status file when its create failed (no inventory lists it).
    static let extraDomain =
        "apiVersion: baton/v1\nkind: Domain\nmetadata: {name: extra.example}\nspec:\n  account: acme\n  records:\n    - {name: www, type: A, value: 192.0.2.7}\n"
    static let extraFailed = [
        "status/Domain/extra.example.yaml":
            "kind: Domain\nname: \"extra.example\"\naccount: \"acme\"\nstate: Failed\nappliedRevision: null\nspecHash: \"x\"\nservers: []\nlastTransitionTime: \"t\"\nmessage: \"\"\n"
    ]

    func testDeletesOnlyWhatTheInventoryLists() throws {
        try work.write("accounts/acme/extra.yaml", Self.extraDomain)
        try work.commit("extra")
        try applyByHand()
        try work.git("rm", "-q", "accounts/acme/extra.yaml")
        try work.commit("no extra")
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(plan.stdout.contains("- Domain extra.example"), plan.stdout)
        XCTAssertTrue(plan.stdout.hasSuffix("Plan: 0 to create, 0 to update, 1 to delete.\n"), plan.stdout)

        // The same, when the domain's create had failed: reported, not deleted.
        try work.git("branch", "-q", "-D", "baton/status")
        try work.git("checkout", "-q", "HEAD~1")
        try applyByHand(
            except: ["Domain/extra.example"],
            statusFiles: Self.extraFailed)
        try work.git("checkout", "-q", "main")
        let unlisted = try work.plan()
        XCTAssertEqual(unlisted.status, 0, unlisted.stdout)
        XCTAssertTrue(
            unlisted.stdout.contains("Domain/extra.example was removed from git but no server's inventory lists it"),
            unlisted.stdout)
    }

    /// `--account` and `--kind` filter what the plan says is left as it is as they filter its changes, in every
    /// format: a notice of another account or kind is not shown (nor its heading, when none is left).
    func testTheFiltersApplyToWhatIsNotChangedToo() throws {
        try work.write("accounts/acme/extra.yaml", Self.extraDomain)
        try work.commit("extra")
        try applyByHand(
            except: ["Domain/extra.example"],
            statusFiles: Self.extraFailed)
        try work.git("rm", "-q", "accounts/acme/extra.yaml")
        try work.commit("no extra")
        let notice = "extra.example was removed from git but no server's inventory lists it"
        for (filters, shown) in [
            ([], true), (["--account", "acme"], true), (["--account", "globex"], false),
            (["--account", "globex", "--account", "acme"], true), (["--kind", "Domain"], true),
            (["--kind", "WebApp"], false), (["--account", "acme", "--kind", "WebApp"], false),
            (["--account", "globex", "--kind", "Domain"], false),
        ] {
            for format in ["text", "json", "markdown"] {
                let plan = try work.plan(filters + ["--format", format])
                XCTAssertEqual(plan.status, 0, "\(filters) \(format): \(plan.stderr)")
                XCTAssertEqual(plan.stdout.contains(notice), shown, "\(filters) \(format):\n\(plan.stdout)")
                XCTAssertEqual(
                    plan.stdout.contains("Not changed"), format != "json" && shown,
                    "\(filters) \(format):\n\(plan.stdout)")
            }
        }
    }

    func testMovingAWebAppToAnotherUserIsOneMove() throws {
        try applyByHand()
        try work.edit(
            "accounts/globex/webapps.yaml", "  account: globex\n  type: php\n  publicRoot: web/htdocs",
            "  account: globex\n  type: php\n  user: globex-web\n  publicRoot: web/htdocs")
        try work.commit("shop to globex-web")
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(plan.stdout.contains("-> WebApp globex-shop (from user globex)"), plan.stdout)
        XCTAssertTrue(
            plan.stdout.contains(
                "path: \"/home/globex/webapps/globex-shop\" -> \"/home/globex/sites/webapps/globex-shop\""),
            plan.stdout)
        XCTAssertTrue(plan.stdout.hasSuffix("Plan: 0 to create, 0 to update, 1 to move, 0 to delete.\n"), plan.stdout)
        let json = try work.plan("--format", "json")
        XCTAssertTrue(json.stdout.contains("\"action\" : \"move\""), json.stdout)
    }

    func testMassDeleteGuard() throws {
        try applyByHand()
        for account in ["globex", "initech"] {
            try work.git("rm", "-rq", "accounts/\(account)")
        }
        try work.commit("two accounts leave")
        let refused = try work.plan()
        XCTAssertEqual(refused.status, 1)
        // Said once, in one wording: in the text plan, or on stderr beside a JSON document (issue 15).
        let said = "Refused: web1: the plan deletes or replaces 10 of 17"
        XCTAssertEqual(refused.stdout.components(separatedBy: said).count, 2, refused.stdout)
        XCTAssertTrue(refused.stdout.contains("run again with --allow-mass-delete"), refused.stdout)
        XCTAssertFalse(refused.stderr.contains("10 of 17"), refused.stderr)
        let json = try work.plan("--format", "json")
        XCTAssertEqual(json.status, 1)
        XCTAssertEqual(json.stderr.components(separatedBy: said).count, 2, json.stderr)
        // A pull-request comment says it in the same words as the terminal (Markdown escapes aside).
        let markdown = try work.plan("--format", "markdown")
        XCTAssertEqual(markdown.status, 1)
        XCTAssertEqual(markdown.stdout.components(separatedBy: "> " + said).count, 2, markdown.stdout)
        XCTAssertTrue(
            markdown.stdout.contains("; review the deletes and run again with --allow-mass-delete\n"), markdown.stdout)
        XCTAssertEqual(markdown.stderr.components(separatedBy: said).count, 2, markdown.stderr)
        let allowed = try work.plan("--allow-mass-delete")
        XCTAssertEqual(allowed.status, 2, allowed.stderr)
        XCTAssertTrue(allowed.stdout.hasSuffix("Plan: 0 to create, 0 to update, 12 to delete.\n"), allowed.stdout)
        // baton.yaml raises the threshold.
        try work.write("baton.yaml", "safety:\n  deleteThreshold: 70%\n")
        try work.commit("threshold")
        XCTAssertEqual(try work.plan().status, 2)
    }

    func testSavedPlanRecordsRevisionAndAppliedState() throws {
        try applyByHand()
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 203.0.113.41")
        try work.commit("sip")
        let out = work.root.appendingPathComponent("plan.json").path
        let plan = try work.plan("--out", out, "--format", "markdown")
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(plan.stdout.hasPrefix("### Baton plan: 0 to create, 1 to update, 0 to delete"), plan.stdout)
        let saved = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        XCTAssertEqual(saved["revision"] as? String, try work.git("rev-parse", "HEAD"))
        XCTAssertEqual(saved["appliedRevision"] as? String, try work.git("rev-parse", "HEAD~1"))
        let digest = try XCTUnwrap(saved["appliedStateDigest"] as? String)
        XCTAssertTrue(digest.hasPrefix("sha256:") && digest.count == 71, digest)
    }

    func testErrorsExitOne() throws {
        let notRepo = try BatonProcess.run(["plan", "--repo", work.root.path])
        XCTAssertEqual(notRepo.status, 1)
        XCTAssertTrue(notRepo.stderr.contains("is not a git repository"), notRepo.stderr)

        let badRev = try work.plan("--rev", "no-such-branch")
        XCTAssertEqual(badRev.status, 1)
        XCTAssertTrue(badRev.stderr.contains("revision 'no-such-branch' does not exist"), badRev.stderr)

        try work.commitStatus(["applied.yaml": "formatVersion: 1\nrevision: [\n", "inventory.yaml": ""])
        let corrupt = try work.plan()
        XCTAssertEqual(corrupt.status, 1)
        XCTAssertTrue(corrupt.stderr.contains("baton/status:applied.yaml:"), corrupt.stderr)
        XCTAssertTrue(corrupt.stderr.contains("[status.format]"), corrupt.stderr)
        XCTAssertFalse(corrupt.stderr.contains("Fatal error"), corrupt.stderr)

        try work.edit("accounts/acme/account.yaml", "contact: it@acme.example", "contact: not-an-email")
        try work.commit("bad contact")
        let invalid = try work.plan()
        XCTAssertEqual(invalid.status, 1)
        XCTAssertTrue(invalid.stdout.contains("accounts/acme/account.yaml:"), invalid.stdout)
        XCTAssertTrue(invalid.stderr.contains("not valid: nothing planned"), invalid.stderr)

        let unknownServer = try work.plan("--rev", "HEAD~1", "--server", "web9")
        XCTAssertEqual(unknownServer.status, 1)
    }

    func testAShallowCloneWithoutTheAppliedRevisionIsAClearError() throws {
        try applyByHand()
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 203.0.113.41")
        try work.commit("sip")
        let clone = work.root.appendingPathComponent("shallow").path
        try work.git(
            "clone", "-q", "--depth", "1", "--no-single-branch", "file://" + work.path, clone, in: work.root.path)
        let plan = try BatonProcess.run(["plan", "--repo", clone, "--zone-checker", "builtin"])
        XCTAssertEqual(plan.status, 1, plan.stdout)
        XCTAssertTrue(plan.stderr.contains("shallow clone"), plan.stderr)
        XCTAssertTrue(plan.stderr.contains("--unshallow"), plan.stderr)
    }

    func testMergesAndAForcePushedHistory() throws {
        try applyByHand()
        // A feature branch merged with a merge commit.
        try work.git("checkout", "-q", "-b", "feature")
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 203.0.113.41")
        try work.commit("sip")
        try work.git("checkout", "-q", "main")
        try work.edit("accounts/acme/account.yaml", "contact: it@acme.example", "contact: ops@acme.example")
        try work.commit("contact only: nothing on a server")
        try work.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
        let merged = try work.plan()
        XCTAssertEqual(merged.status, 2)
        XCTAssertTrue(merged.stdout.hasSuffix("Plan: 0 to create, 1 to update, 0 to delete.\n"), merged.stdout)

        // The applied revision rewritten away and collected (Baton's own status commits keep it reachable; this
        // branch was written by hand): the status branch cannot be trusted, and adopt is the repair.
        let applied = try work.git("rev-parse", "HEAD~1")
        try work.recordApplied(planJSON: try work.plan("--format", "json").stdout)
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.41", "value: 203.0.113.42")
        try work.commit("sip again")
        let rewritten = try work.git("commit-tree", "HEAD^{tree}", "-m", "rewritten")
        try work.git("reset", "-q", "--hard", rewritten)
        try work.git("branch", "-q", "-D", "feature")
        try work.git("reflog", "expire", "--expire=now", "--all")
        try work.git("gc", "-q", "--prune=now")
        XCTAssertFalse(applied.isEmpty)
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 1, plan.stderr)
        XCTAssertTrue(plan.stderr.contains("no such commit"), plan.stderr)
        XCTAssertTrue(plan.stderr.contains("baton adopt"), plan.stderr)
    }

    /// An entry whose own revision was collected (an older status branch written by hand) is still planned,
    /// its field diff marked unknown: only deletes need the revision to vouch for them.
    func testAnEntryFromACollectedRevisionIsPlannedWithUnknownFields() throws {
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 203.0.113.41")
        try work.commit("sip")
        let json = try work.plan("--format", "json")
        try work.recordApplied(planJSON: json.stdout)
        let old = try work.git("rev-parse", "HEAD")
        let rewritten = try work.git("commit-tree", "HEAD^{tree}", "-m", "rewritten")
        try work.git("reset", "-q", "--hard", rewritten)
        try work.git("reflog", "expire", "--expire=now", "--all")
        try work.git("gc", "-q", "--prune=now")
        XCTAssertThrowsError(try work.git("cat-file", "-e", old))
        // applied.yaml names a revision that exists; the entries still name the collected one.
        let inventory = try work.inventory()
        try work.commitStatus([
            "applied.yaml":
                "formatVersion: 1\nrevision: \"\(rewritten)\"\ntime: \"2026-12-02T10:00:00Z\"\nrun: \"x\"\nservers: {}\n",
            "inventory.yaml": inventory,
        ])
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.41", "value: 203.0.113.42")
        try work.commit("sip again")
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 2, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("field changes unknown"), plan.stdout)
    }

    func testFetchesTheStatusBranchFromABareRemote() throws {
        try applyByHand()
        let bare = work.root.appendingPathComponent("remote.git").path
        try work.git("clone", "-q", "--bare", work.path, bare, in: work.root.path)
        let clone = work.root.appendingPathComponent("clone").path
        try work.git("clone", "-q", "--single-branch", "--branch", "main", "file://" + bare, clone, in: work.root.path)
        XCTAssertEqual(
            try BatonProcess.run(["plan", "--repo", clone, "--zone-checker", "none"]).status, 2,
            "without the status branch everything is new")
        let fetched = try BatonProcess.run(["plan", "--repo", clone, "--zone-checker", "none", "--fetch"])
        XCTAssertEqual(fetched.status, 0, fetched.stdout + fetched.stderr)
        // A bare repository plans too.
        XCTAssertEqual(try BatonProcess.run(["plan", "--repo", bare, "--zone-checker", "none"]).status, 0)
    }
}

final class AdoptCommandTests: XCTestCase {
    func testAdoptRecordsWithoutServersAndThenThereIsNothingToPlan() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        let adopt = try BatonProcess.run(["adopt", "--repo", work.path, "--zone-checker", "none"])
        XCTAssertEqual(adopt.status, 0, adopt.stderr)
        XCTAssertTrue(adopt.stdout.contains("Plan: 21 to create"), adopt.stdout)
        XCTAssertEqual(try work.plan().status, 0)
        let again = try BatonProcess.run(["adopt", "--repo", work.path, "--zone-checker", "none"])
        XCTAssertTrue(again.stdout.contains("Nothing to record"), again.stdout)
        // The applied revision hangs off the status branch as a second parent.
        XCTAssertEqual(try work.git("rev-parse", "baton/status^2"), try work.git("rev-parse", "HEAD"))
    }
}
