import Manifests
import Planning
import XCTest

/// The applied state's index answers as a dictionary of every entry by server and resource would (a later
/// entry of the same key winning), without holding the entries a second time.
final class AppliedIndexTests: XCTestCase {
    func testTheIndexAgreesWithADictionaryOnRandomInventories() {
        var generator = SystemRandomNumberGenerator()
        let kinds: [Kind] = [.account, .domain, .systemUser, .webApp]
        for round in 0..<100 {
            var servers: [String: [InventoryEntry]] = [:]
            var reference: [Planner.Key: InventoryEntry] = [:]
            for server in ["web1", "web2", "ns1", "ns2"].filter({ _ in Bool.random(using: &generator) }) {
                // Few names, so that keys repeat within a server and across servers.
                let n = Int.random(in: 0...(round % 10 == 0 ? 3_000 : 60), using: &generator)
                var list: [InventoryEntry] = []
                for i in 0..<n {
                    let id = ResourceID(
                        kinds.randomElement(using: &generator)!, "r\(Int.random(in: 0...(n + 5), using: &generator))")
                    let entry = InventoryEntry(id: id, account: "a\(i % 7)", hash: "h\(i)", revision: "rev\(round)")
                    list.append(entry)
                    reference[Planner.Key(server: server, id: id)] = entry
                }
                servers[server] = list
            }
            let state = AppliedState(servers: servers)
            XCTAssertEqual(state.index.count, reference.count, "round \(round)")
            XCTAssertEqual(state.index.isEmpty, reference.isEmpty)
            var seen: [Planner.Key: InventoryEntry] = [:]
            for (key, entry) in state.index {
                XCTAssertNil(seen[key], "each key once: \(key)")
                seen[key] = entry
            }
            XCTAssertEqual(seen, reference, "round \(round)")
            XCTAssertEqual(Set(state.index.keys), Set(reference.keys))
            XCTAssertEqual(state.index.values.count, reference.count)
            for (key, entry) in reference { XCTAssertEqual(state.index[key], entry) }
            for server in ["web1", "web9"] {
                for kind in kinds {
                    let key = Planner.Key(server: server, id: ResourceID(kind, "absent"))
                    XCTAssertNil(state.index[key])
                }
            }
        }
    }

    func testTheIndexFollowsTheServersWhenTheyChange() {
        var state = AppliedState()
        XCTAssertNil(state.index[Planner.Key(server: "web1", id: ResourceID(.account, "acme"))])
        let acme = InventoryEntry(id: ResourceID(.account, "acme"), account: "acme", hash: "h1", revision: "r1")
        state.servers["web1"] = [acme]
        XCTAssertEqual(state.index[Planner.Key(server: "web1", id: acme.id)], acme)
        state.servers["web1"] = []
        XCTAssertNil(state.index[Planner.Key(server: "web1", id: acme.id)])
        XCTAssertEqual(state.index.count, 0)
    }
}
