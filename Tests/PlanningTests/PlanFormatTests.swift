import Manifests
import Planning
import XCTest

final class PlanFormatTests: XCTestCase {
    func changedPlan() throws -> Plan {
        var files = PlanFixtures.base()
        let old = try PlanFixtures.load(files)
        files["accounts/acme/shop.yaml"] = PlanFixtures.webApp(
            "shop", account: "acme", extra: ", user: deploy, domains: [www.acme.example]")
        files["accounts/acme/deploy.yaml"] = PlanFixtures.user(
            "deploy", account: "acme", extra: ", passwordHash: \"$6$salt$abcdefghijklmnopqrstuv\"")
        files["accounts/globex/domain.yaml"] = nil
        files["accounts/initech/account.yaml"] = PlanFixtures.account("initech")
        return PlanFixtures.plan(try PlanFixtures.load(files), from: old)
    }

    func testJSONRoundTripsAndIsStable() throws {
        let plan = try changedPlan()
        let json = PlanJSON.render(plan)
        XCTAssertEqual(try PlanJSON.parse(Array(json.utf8)), plan)
        XCTAssertEqual(PlanJSON.render(try PlanJSON.parse(Array(json.utf8))), json)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["formatVersion"] as? Int, 1)
        XCTAssertEqual((object["summary"] as? [String: Int])?["delete"], 2)
        XCTAssertFalse(json.contains("$6$salt"))
    }

    func testJSONRefusesOtherVersionsAndGarbage() {
        XCTAssertThrowsError(try PlanJSON.parse(Array(#"{"formatVersion": 99}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("99"))
        }
        XCTAssertThrowsError(try PlanJSON.parse(Array("not json".utf8)))
    }

    func testTextGroupsByServerAndAccount() throws {
        let text = PlanText.render(try changedPlan(), color: false)
        let expected = [
            "ns1", "  account globex", "    - Domain globex.example", "ns2", "  account globex",
            "    - Domain globex.example", "web1", "  account acme", "    ~ SystemUser deploy",
            "    -> WebApp shop (from user acme)", "  account initech", "    + Account initech",
            "Plan: 1 to create, 1 to update, 1 to move, 2 to delete.",
        ]
        var position = text.startIndex
        for line in expected {
            guard let found = text.range(of: line + "\n", range: position..<text.endIndex) else {
                return XCTFail("missing or out of order: \(line)\n\(text)")
            }
            position = found.upperBound
        }
        XCTAssertFalse(text.contains("\u{1B}["))
        XCTAssertTrue(PlanText.render(try changedPlan(), color: true).contains("\u{1B}[32m+ Account initech"))
    }

    func testMarkdownFitsAComment() throws {
        let plan = try changedPlan()
        let full = PlanMarkdown.render(plan, fullPlanHint: "see the log")
        XCTAssertTrue(full.hasPrefix("### Baton plan: 1 to create, 1 to update, 1 to move, 2 to delete"), full)
        XCTAssertTrue(full.contains("```diff\n+ Account initech\n    home: \"/home/initech\"\n"), full)
        let short = PlanMarkdown.render(plan, fullPlanHint: "see the log", limit: 200)
        XCTAssertTrue(short.contains("too long for a comment: see the log"), short)
        XCTAssertTrue(short.contains("| web1 | acme | 0 | 1 | 1 | 0 | 0 |"), short)
        XCTAssertFalse(short.contains("```"))
    }

    func testValuesCannotBreakTheFormats() throws {
        var files = PlanFixtures.base()
        files["accounts/acme/domain.yaml"] = PlanFixtures.domain(
            "acme.example", account: "acme", records: "- {name: \"@\", type: TXT, value: \"a```\\nb\"}")
        let plan = PlanFixtures.plan(try PlanFixtures.load(files), from: nil)
        let markdown = PlanMarkdown.render(plan, fullPlanHint: "")
        XCTAssertEqual(markdown.components(separatedBy: "```").count % 2, 1, "every fence closed")
        XCTAssertFalse(PlanText.render(plan, color: false).contains("a```\nb"))
    }
}
