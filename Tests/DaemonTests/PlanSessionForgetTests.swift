import Engine
import Foundation
import Logging
import Planning
import TestSupport
import XCTest

/// The daemon lets its plan session's desired states go after each run (a first apply's plan holds every
/// resource's, zone records included). The plans that follow are the plans a fresh process makes.
final class PlanSessionForgetTests: XCTestCase {
    func testAPlanAfterTheSessionForgotItsDesiredStatesIsTheFreshPlan() throws {
        let copy = try HostingCopy("forget")
        defer { copy.remove() }
        let work = copy.work
        func git(_ args: [String]) throws -> String {
            let result = try GitCLI.run(["-c", "user.name=t", "-c", "user.email=t@example.com"] + args, in: work)
            XCTAssertEqual(result.status, 0, "git \(args)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try git(["init", "-q", "-b", "main"])
        _ = try git(["add", "-A"])
        _ = try git(["commit", "-q", "-m", "hosting"])
        let logger = Logger(label: "test")
        let session = PlanSession()
        func plan(_ rev: String, in session: PlanSession?) throws -> String {
            let planned = try Planned.make(
                repo: work.path, rev: rev, fetch: false, zoneChecker: nil, zoneCache: false, allowMassDelete: true,
                servers: [], logger: logger, session: session)
            XCTAssertNil(planned.invalid, "examples/hosting is valid")
            return PlanJSON.render(planned.plan)
        }
        let first = try plan(try git(["rev-parse", "HEAD"]), in: session)
        XCTAssertTrue(first.contains("\"create\""), "nothing applied: everything to create")
        session.forgetDetails()
        // Commits that change a zone's records and a web app: the session builds their desired states anew.
        let domains = try XCTUnwrap(
            FileManager.default.enumerator(atPath: work.path)?.compactMap { $0 as? String }.first {
                $0.hasSuffix(".yaml")
                    && (try? String(contentsOfFile: work.path + "/" + $0, encoding: .utf8))?
                        .contains("kind: Domain") == true
            })
        let path = work.path + "/" + domains
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try git(["commit", "-q", "-am", "a blank line"])
        let head = try git(["rev-parse", "HEAD"])
        XCTAssertEqual(try plan(head, in: session), try plan(head, in: nil))
        session.forgetDetails()
        XCTAssertEqual(try plan(head, in: session), try plan(head, in: nil), "the same revision again")
    }
}
