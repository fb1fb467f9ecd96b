import Manifests
import XCTest

@testable import Planning

/// A plan of just the accounts that differ from the inventory (`Planner.Scope`, what a plan session makes) is
/// the whole plan, for every kind of change, moves across accounts included.
final class PlannerScopeTests: XCTestCase {
    func testAScopedPlanIsTheWholePlan() throws {
        var base = PlanFixtures.base()
        base["accounts/initech/account.yaml"] = PlanFixtures.account("initech")
        base["accounts/initech/domain.yaml"] = PlanFixtures.domain("initech.example", account: "initech")
        let old = try PlanFixtures.load(base)
        let edits: [(String, (inout [String: String]) -> Void)] = [
            ("nothing", { _ in }),
            (
                "a record",
                {
                    $0["accounts/acme/domain.yaml"] = PlanFixtures.domain(
                        "acme.example", account: "acme", records: "- {name: www, type: A, value: 192.0.2.7}")
                }
            ),
            (
                "a domain moved to another account",
                {
                    $0["accounts/globex/domain.yaml"] = nil
                    $0["accounts/acme/globex.yaml"] = PlanFixtures.domain("globex.example", account: "acme")
                }
            ),
            (
                "a user moved: replaced",
                {
                    $0["accounts/acme/deploy.yaml"] = nil
                    $0["accounts/globex/deploy.yaml"] = PlanFixtures.user("deploy", account: "globex")
                }
            ),
            (
                "a web app renamed in place",
                {
                    $0["accounts/acme/shop.yaml"] = PlanFixtures.webApp(
                        "store", account: "acme", extra: ", path: /home/acme/webapps/shop, domains: [www.acme.example]")
                }
            ),
            (
                "a whole account gone",
                {
                    $0["accounts/initech/account.yaml"] = nil
                    $0["accounts/initech/domain.yaml"] = nil
                }
            ),
            (
                "an account added",
                {
                    $0["accounts/hooli/account.yaml"] = PlanFixtures.account("hooli")
                    $0["accounts/hooli/domain.yaml"] = PlanFixtures.domain("hooli.example", account: "hooli")
                }
            ),
        ]
        for (what, edit) in edits {
            var files = base
            edit(&files)
            let desired = try PlanFixtures.load(files)
            let states = ResourceStates.build(desired)
            let applied = PlanFixtures.applied(old)
            var previous: [Planner.Key: ResourceState] = [:]
            for state in ResourceStates.build(old) { previous[Planner.Key(server: state.server, id: state.id)] = state }
            let input = Planner.Input(
                revision: "r2", states: states, servers: Set(desired.servers.map(\.name)), applied: applied,
                previous: previous)
            let whole = Planner.plan(input)

            // The accounts that differ, worked out as a session does: by digest, and by inventory entry.
            var hashes: [Planner.Key: String] = [:]
            for digest in input.desired { hashes[Planner.Key(server: digest.server, id: digest.id)] = digest.hash }
            var differing = Set<String>()
            for digest in input.desired
            where applied.index[Planner.Key(server: digest.server, id: digest.id)]?.hash != digest.hash {
                differing.insert(digest.account)
            }
            for (key, entry) in applied.index where hashes[key] != entry.hash { differing.insert(entry.account) }
            var scoped = input
            scoped.desired = input.desired.filter { differing.contains($0.account) }
            scoped.scope = Planner.Scope(
                inventory: applied.index.filter { differing.contains($0.value.account) }.map(\.key), desired: hashes,
                unlisted: Planner.Scope.unlisted(applied))
            let part = Planner.plan(scoped)
            XCTAssertEqual(PlanJSON.render(part), PlanJSON.render(whole), what)
            XCTAssertEqual(whole.isEmpty, what == "nothing", what)
            if what == "nothing" { XCTAssertTrue(differing.isEmpty) }
            if what == "a record" { XCTAssertEqual(differing, ["acme"]) }
        }
    }
}
