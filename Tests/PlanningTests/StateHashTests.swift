import Manifests
import Planning
import XCTest

/// Hashes are stored in every status branch: a change to how they are made must be deliberate (a new
/// inventory `formatVersion`), never a side effect.
final class StateHashTests: XCTestCase {
    func testHashesAreStable() throws {
        let set = try PlanFixtures.load(PlanFixtures.base())
        let hashes = Dictionary(
            ResourceStates.build(set).map { ("\($0.server) \($0.id)", $0.hash) }, uniquingKeysWith: { a, _ in a })
        // SHA-256 of "Account/acme\nhome=s:/home/acme\nactive=s:true\n", as docs/status-branch.md describes.
        XCTAssertEqual(
            hashes["web1 Account/acme"], "sha256:5490ebfa5a49a136276163d80caaae7023b62d2b53d7fe93392cc6b36a8f498b")
        XCTAssertEqual(
            hashes["ns1 Domain/acme.example"], "sha256:441ab72f0d4e57b6087c887f1f2f322701dd2deb3a5bd4836f16a3dc10e81025"
        )
    }

    func testValuesThatReadAlikeHashApart() {
        let a = ResourceState(
            id: ResourceID(.systemUser, "u"), server: "web1", account: "a", phase: 0,
            fields: [Field("groups", .list(["a,b"]))])
        let b = ResourceState(
            id: ResourceID(.systemUser, "u"), server: "web1", account: "a", phase: 0,
            fields: [Field("groups", .list(["a", "b"]))])
        let c = ResourceState(
            id: ResourceID(.systemUser, "u"), server: "web1", account: "a", phase: 0,
            fields: [Field("groups", .scalar("a,b"))])
        XCTAssertEqual(Set([a.hash, b.hash, c.hash]).count, 3)
    }
}
