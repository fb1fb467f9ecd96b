import Foundation
import Manifests
import XCTest

/// `ManifestLoader.load` assembles the set without the table by path that `LoadedFiles` keeps for later updates;
/// both must give the same resources, positions and diagnostics, in the same order.
final class LoadEquivalenceTests: XCTestCase {
    func testALoadIsWhatLoadedFilesAssembles() throws {
        var files: [String: String] = [:]
        for i in 1...40 {
            let account = "a\(i)"
            files["accounts/\(account)/account.yaml"] =
                "apiVersion: baton/v1\nkind: Account\nmetadata:\n  name: \(account)\nspec:\n  contact: x@\(account).example\n"
            files["accounts/\(account)/users.yaml"] =
                "apiVersion: baton/v1\nkind: SystemUser\nmetadata:\n  name: \(account)-dev\nspec:\n  account: \(account)\n"
                + (i % 7 == 0 ? "  colour: blue\n" : "")
                + "---\napiVersion: baton/v1\nkind: SystemUser\nmetadata:\n  name: \(i % 9 == 0 ? "a1-dev" : "\(account)-ci")\n"
                + "spec:\n  account: \(account)\n"
            files["accounts/\(account)/domains.yaml"] =
                i % 11 == 0
                ? "apiVersion: baton/v1\nkind: Domain\nmetadata: {name: broken\n"
                : "apiVersion: baton/v1\nkind: Domain\nmetadata:\n  name: \(account).example\nspec:\n  account: \(account)\n"
                    + "  records:\n    - {name: www, type: A, value: 192.0.2.\(i)}\n    - {name: x, type: AA, value: y}\n"
        }
        files["servers/web1.yaml"] = "apiVersion: baton/v1\nkind: Server\nmetadata:\n  name: web1\nspec:\n  port: x\n"
        let source = InMemorySource(files)
        let loaded = try ManifestLoader.load(source)
        let assembled = try LoadedFiles(source)

        XCTAssertEqual(loaded.manifests, assembled.manifests)
        XCTAssertEqual(loaded.manifests.systemUsers.map(\.origin), assembled.manifests.systemUsers.map(\.origin))
        XCTAssertEqual(loaded.manifests.domains.map(\.origin), assembled.manifests.domains.map(\.origin))
        XCTAssertEqual(loaded.diagnostics, assembled.diagnostics + ManifestLoader.duplicates(in: assembled.manifests))
        XCTAssertEqual(loaded.files, assembled.count)
        XCTAssertEqual(loaded.documents, assembled.documents)
        // The fixture holds every kind of finding the comparison is about.
        let rules = Set(loaded.diagnostics.map(\.rule))
        XCTAssertTrue(
            rules.isSuperset(of: ["schema.unknown-key", "yaml.syntax", "resource.duplicate", "schema.enum"]),
            "\(rules)")
    }
}
