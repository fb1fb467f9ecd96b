import Manifests
import Planning
import XCTest

final class PlannerTests: XCTestCase {
    func testNothingAppliedCreatesEverythingInDependencyOrder() throws {
        let plan = PlanFixtures.plan(try PlanFixtures.load(PlanFixtures.base()), from: nil)
        XCTAssertEqual(
            plan.lines,
            [
                "ns1 create Domain/acme.example", "ns1 create Domain/globex.example",
                "ns2 create Domain/acme.example", "ns2 create Domain/globex.example",
                "web1 create Account/acme", "web1 create SystemUser/deploy", "web1 create WebApp/shop",
                "web1 create Account/globex",
            ])
        XCTAssertEqual(plan.summary, "Plan: 8 to create, 0 to update, 0 to delete.")
        XCTAssertNil(plan.appliedRevision)
    }

    func testTheSameStateIsNoChange() throws {
        let set = try PlanFixtures.load(PlanFixtures.base())
        let plan = PlanFixtures.plan(set, from: set)
        XCTAssertEqual(plan.lines, [])
        XCTAssertEqual(plan.summary, "Plan: 0 to create, 0 to update, 0 to delete.")
    }

    func testOrderQuotingCommentsAndFilesAreNoChange() throws {
        let old = try PlanFixtures.load(
            PlanFixtures.base().merging([
                "accounts/acme/domain.yaml": PlanFixtures.domain(
                    "acme.example", account: "acme",
                    records: "- {name: www, type: A, value: 192.0.2.1}\n- {name: \"@\", type: TXT, value: hello}")
            ]) { $1 })
        var files = PlanFixtures.base()
        files["accounts/acme/domain.yaml"] = nil
        files["accounts/acme/zones/renamed.yaml"] = """
            # a comment, keys in another order, other quoting, records reordered
            kind: Domain
            apiVersion: "baton/v1"
            metadata: {name: 'acme.example'}
            spec:
              records:
                - {value: "hello", type: TXT, name: "@"}
                - {type: "A", name: 'www', value: '192.0.2.1'}
              account: "acme"
            """
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(plan.lines, [])
    }

    func testUpdateShowsFieldsWithSecretsHidden() throws {
        let old = try PlanFixtures.load(PlanFixtures.base())
        var files = PlanFixtures.base()
        files["accounts/acme/shop.yaml"] = PlanFixtures.webApp(
            "shop", account: "acme", extra: ", domains: [www.acme.example, acme.example], php: {version: \"8.3\"}")
        files["accounts/acme/deploy.yaml"] = PlanFixtures.user(
            "deploy", account: "acme", extra: ", passwordHash: \"$6$salt$abcdefghijklmnopqrstuv\"")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(plan.lines, ["web1 update SystemUser/deploy", "web1 update WebApp/shop"])
        let user = plan.changes[0]
        XCTAssertEqual(user.fields.map(\.field), ["passwordHash"])
        guard case .sensitive? = user.fields[0].new else { return XCTFail("a password hash is sensitive") }
        let text = PlanText.render(plan, color: false)
        XCTAssertTrue(text.contains("passwordHash: (sensitive)"), text)
        XCTAssertFalse(text.contains("$6$salt"), text)
        let app = plan.changes[1]
        // A PHP app without `php:` had the defaults: only the version changes.
        XCTAssertEqual(app.fields.map(\.field), ["php.version", "domains"])
        XCTAssertTrue(text.contains("php.version: \"8.2\" -> \"8.3\""), text)
        XCTAssertTrue(text.contains("  + \"acme.example\""), text)
        XCTAssertTrue(text.hasSuffix("Plan: 0 to create, 2 to update, 0 to delete.\n"), text)
    }

    func testRecordChangeUpdatesThePrimaryOnly() throws {
        let old = try PlanFixtures.load(PlanFixtures.base())
        var files = PlanFixtures.base()
        files["accounts/globex/domain.yaml"] = PlanFixtures.domain(
            "globex.example", account: "globex", records: "- {name: www, type: A, value: 192.0.2.99}")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(plan.lines, ["ns1 update Domain/globex.example"])
        let records = try XCTUnwrap(plan.changes.first?.fields.first)
        XCTAssertEqual(records.field, "records")
        let text = PlanText.render(plan, color: false)
        XCTAssertTrue(text.contains("- \"www.globex.example. 3600 IN A 192.0.2.1\""), text)
        XCTAssertTrue(text.contains("+ \"www.globex.example. 3600 IN A 192.0.2.99\""), text)
    }

    func testDeletesOnlyWhatTheInventoryListsInReverseOrder() throws {
        let old = try PlanFixtures.load(PlanFixtures.base())
        var files = PlanFixtures.base()
        files["accounts/acme/shop.yaml"] = nil
        files["accounts/acme/deploy.yaml"] = nil
        files["accounts/acme/new.yaml"] = PlanFixtures.user("newbie", account: "acme")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(
            plan.lines,
            ["web1 delete WebApp/shop", "web1 delete SystemUser/deploy", "web1 create SystemUser/newbie"])

        // The same removal when the inventory never listed the web app: reported, not deleted.
        var applied = PlanFixtures.applied(old)
        applied.servers["web1"]?.removeAll { $0.id == ResourceID(.webApp, "shop") }
        applied.known[ResourceID(.webApp, "shop")] = "Failed"
        applied.owners[ResourceID(.webApp, "shop")] = "acme"
        let unlisted = PlanFixtures.plan(try PlanFixtures.load(files), from: old, applied: applied)
        XCTAssertEqual(
            unlisted.lines, ["web1 delete SystemUser/deploy", "web1 create SystemUser/newbie"])
        XCTAssertEqual(unlisted.notices.map(\.reason), [.notInInventory])
        XCTAssertEqual(unlisted.notices.first?.id, ResourceID(.webApp, "shop"))
        XCTAssertEqual(unlisted.notices.first?.account, "acme", "its status file's account, for plan --account")
    }

    func testWebAppMovedToAnotherUserIsOneMove() throws {
        var files = PlanFixtures.base()
        let old = try PlanFixtures.load(files)
        files["accounts/acme/shop.yaml"] = PlanFixtures.webApp(
            "shop", account: "acme", extra: ", user: deploy, domains: [www.acme.example]")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(plan.lines, ["web1 move WebApp/shop"])
        let move = plan.changes[0]
        XCTAssertEqual(move.from?.owner, "acme")
        // A secondary user's home is the main user's: the directory stays, the pool and owner move.
        XCTAssertEqual(move.fields.map(\.field), ["user"])
        XCTAssertTrue(PlanText.render(plan, color: false).contains("-> WebApp shop (from user acme)"))
    }

    func testWebAppRenamedInPlaceIsOneMove() throws {
        var files = PlanFixtures.base()
        files["accounts/acme/shop.yaml"] = PlanFixtures.webApp("shop", account: "acme", extra: ", path: /home/acme/www")
        let old = try PlanFixtures.load(files)
        files["accounts/acme/shop.yaml"] = PlanFixtures.webApp(
            "store", account: "acme", extra: ", path: /home/acme/www")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(plan.lines, ["web1 move WebApp/store"])
        XCTAssertEqual(plan.changes[0].from?.name, "shop")
    }

    func testDomainMovedToAnotherAccountIsOneMovePerServer() throws {
        var files = PlanFixtures.base()
        let old = try PlanFixtures.load(files)
        files["accounts/globex/domain.yaml"] = nil
        files["accounts/acme/globex.yaml"] = PlanFixtures.domain("globex.example", account: "acme")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(plan.lines, ["ns1 move Domain/globex.example", "ns2 move Domain/globex.example"])
        XCTAssertEqual(plan.changes.map { $0.from?.account }, ["globex", "globex"])
    }

    func testUserMovedToAnotherAccountIsReplaced() throws {
        var files = PlanFixtures.base()
        let old = try PlanFixtures.load(files)
        files["accounts/acme/deploy.yaml"] = nil
        files["accounts/globex/deploy.yaml"] = PlanFixtures.user("deploy", account: "globex")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(plan.lines, ["web1 replace SystemUser/deploy"])
        XCTAssertEqual(plan.changes[0].fields.filter(\.forcesReplacement).map(\.field), ["account"])
        XCTAssertTrue(PlanText.render(plan, color: false).contains("-/+ SystemUser deploy"))
    }

    func testMassDeleteGuard() throws {
        var files = PlanFixtures.base()
        for i in 0..<12 { files["accounts/acme/u\(i).yaml"] = PlanFixtures.user("u\(i)", account: "acme") }
        let old = try PlanFixtures.load(files)
        for i in 0..<12 { files["accounts/acme/u\(i).yaml"] = nil }
        let desired = try PlanFixtures.load(files)
        // 12 of web1's 16 resources go: over 25%, and at least 10 in all.
        let refused = PlanFixtures.plan(desired, from: old)
        XCTAssertEqual(refused.count(.delete), 12)
        XCTAssertEqual(refused.refusals.map(\.server), ["web1"])
        XCTAssertEqual(refused.refusals.first?.managed, 16)
        XCTAssertTrue(PlanText.render(refused, color: false).contains("--allow-mass-delete"))
        XCTAssertEqual(PlanFixtures.plan(desired, from: old, allowMassDelete: true).refusals, [])
        XCTAssertEqual(PlanFixtures.plan(desired, from: old, safety: SafetyPolicy(threshold: 80)).refusals, [])
        XCTAssertEqual(
            PlanFixtures.plan(desired, from: old, safety: SafetyPolicy(threshold: 25, minimum: 13)).refusals, [])
    }

    func testAServerNoLongerDeclaredIsReportedNotDeleted() throws {
        let old = try PlanFixtures.load(PlanFixtures.base())
        var files = PlanFixtures.base()
        files["servers/servers.yaml"] = PlanFixtures.servers.replacing(
            "---\napiVersion: baton/v1\nkind: Server\nmetadata: {name: ns2}",
            with: "---\napiVersion: baton/v1\nkind: Server\nmetadata: {name: ns3}")
        files["accounts/acme/account.yaml"] = PlanFixtures.account("acme").replacing("ns2", with: "ns3")
        files["accounts/globex/account.yaml"] = PlanFixtures.account("globex").replacing("ns2", with: "ns3")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: old)
        XCTAssertEqual(
            plan.lines.filter { !$0.hasPrefix("ns3 create") && !$0.hasPrefix("ns1 update") }, [])
        XCTAssertEqual(plan.notices.filter { $0.reason == .serverGone }.count, 2)
        XCTAssertEqual(
            plan.notices.filter { $0.reason == .serverGone }.map { "\($0.id) \($0.account ?? "none")" }.sorted(),
            (PlanFixtures.applied(old).servers["ns2"] ?? []).map { "\($0.id) \($0.account)" }.sorted(),
            "each its inventory entry's account, for plan --account")
    }

    func testUnknownPreviousRevisionStillPlansTheUpdate() throws {
        let old = try PlanFixtures.load(PlanFixtures.base())
        var files = PlanFixtures.base()
        files["accounts/acme/shop.yaml"] = PlanFixtures.webApp("shop", account: "acme")
        let desired = try PlanFixtures.load(files)
        let plan = Planner.plan(
            Planner.Input(
                revision: "r2", states: ResourceStates.build(desired), servers: ["web1", "ns1", "ns2"],
                applied: PlanFixtures.applied(old)))
        XCTAssertEqual(plan.lines, ["web1 update WebApp/shop"])
        XCTAssertTrue(plan.changes[0].previousUnknown)
        XCTAssertTrue(PlanText.render(plan, color: false).contains("field changes unknown"))
    }

    func testServerFilter() throws {
        let plan = PlanFixtures.plan(try PlanFixtures.load(PlanFixtures.base()), from: nil, only: ["ns2"])
        XCTAssertEqual(plan.lines, ["ns2 create Domain/acme.example", "ns2 create Domain/globex.example"])
    }
}
