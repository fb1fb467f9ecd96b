import Foundation
import Manifests
import TestSupport
import XCTest

/// A folder's files are decoded as soon as their folder is listed (`DirectorySource.manifestPaths(visiting:)`),
/// where they were decoded after the whole tree was listed and sorted. Held here to that order of work, on
/// generated trees: the same paths in the same order, the same resources with every position, the same
/// diagnostics, and the same refusal of a tree `TreeRules` refuses.
final class ListingLoadEquivalenceTests: XCTestCase {
    /// Names whose sorting as paths differs from their sorting as names (`a1-x/f` sorts before `a1/f`), upper case,
    /// non-ASCII, hidden ones, and names that are no manifests.
    static let names = ["a1", "a1-x", "a1.x", "a10", "A1", "b", "é", "z_", ".hidden", "a1.yaml", "x.yml", "y.txt"]

    func testVisitingWhileListingLoadsWhatListingFirstLoads() throws {
        var random = SplitMix64(seed: 12)
        var refused = 0
        for round in 0..<25 {
            let root = try Self.tree(&random, round: round)
            defer { try? FileManager.default.removeItem(at: root) }
            let source = try DirectorySource(root: root.path)
            let listed: [String]
            do {
                listed = try source.manifestPaths()
            } catch let problem as TreeProblem {
                // Two names that are one file elsewhere (`a1`, `A1`): refused alike, whichever way it is loaded.
                XCTAssertThrowsError(try ManifestLoader.load(source)) { XCTAssertEqual($0 as? TreeProblem, problem) }
                refused += 1
                continue
            }

            let (paths, results) = try source.manifestPaths(visiting: { $0 + "!" })
            XCTAssertEqual(paths, listed, "round \(round)")
            XCTAssertEqual(results, paths.map { $0 + "!" }, "round \(round)")

            let visited = try ManifestLoader.load(source)
            // A parse cache takes the earlier path: every path listed and sorted, then decoded in that order.
            let listedFirst = try ManifestLoader.load(source, cache: ParseCache())
            XCTAssertEqual(visited.manifests, listedFirst.manifests, "round \(round)")
            for (a, b) in zip(visited.manifests.domains, listedFirst.manifests.domains) {
                XCTAssertEqual(a.origin, b.origin, "round \(round)")
            }
            XCTAssertEqual(visited.diagnostics, listedFirst.diagnostics, "round \(round)")
            XCTAssertEqual(visited.files, listedFirst.files)
            XCTAssertEqual(visited.documents, listedFirst.documents)
            let assembled = try LoadedFiles(source)
            XCTAssertEqual(visited.manifests, assembled.manifests, "round \(round)")
            XCTAssertGreaterThan(visited.files, 0)
        }
        XCTAssertLessThan(refused, 8, "most trees load")
    }

    func testATreeRefusedAfterSomeFilesWereVisitedIsRefusedTheSame() throws {
        var random = SplitMix64(seed: 7)
        let root = try Self.tree(&random, round: 3)
        defer { try? FileManager.default.removeItem(at: root) }
        // Two names that are one file on macOS and Windows, two levels down: the levels above are visited first.
        let deep = root.appendingPathComponent("accounts/a1/deeper")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        for name in ["Same.yaml", "same.yaml"] {
            try "kind: Account\n".write(to: deep.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let source = try DirectorySource(root: root.path)
        var listed: TreeProblem?
        XCTAssertThrowsError(try source.manifestPaths()) { listed = $0 as? TreeProblem }
        XCTAssertNotNil(listed)
        XCTAssertThrowsError(try ManifestLoader.load(source)) { XCTAssertEqual($0 as? TreeProblem, listed) }
        XCTAssertThrowsError(try source.manifestPaths(visiting: { $0 })) {
            XCTAssertEqual($0 as? TreeProblem, listed)
        }
    }

    /// A tree of accounts with manifests (valid, misspelt, broken YAML, duplicates) at several depths.
    static func tree(_ random: inout SplitMix64, round: Int) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-listing-\(UUID().uuidString)")
        let fm = FileManager.default
        func write(_ text: String, _ path: String) throws {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try write(
            "apiVersion: baton/v1\nkind: Server\nmetadata:\n  name: web1\nspec:\n  address: 192.0.2.1\n",
            "servers/web1.yaml")
        for n in 0..<Int.random(in: 3...12, using: &random) {
            let tenant = names.randomElement(using: &random)!
            let folder = "accounts/\(tenant)\(n % 3 == 0 ? "" : String(n))"
            let name = "\(tenant)\(n)"
            let domain =
                "apiVersion: baton/v1\nkind: Domain\nmetadata:\n  name: \(name).example\nspec:\n  account: \(name)\n"
                + "  records:\n    - {name: www, type: A, value: 192.0.2.\(n)}\n"
            let account =
                "apiVersion: baton/v1\nkind: Account\nmetadata:\n  name: \(name)\nspec:\n  contact: x@y.example\n"
                + (Bool.random(using: &random) ? "  colour: blue\n" : "")
            try write(account, "\(folder)/account.yaml")
            try write(domain + "---\n" + domain, "\(folder)/\(names.randomElement(using: &random)!).yaml")
            try write(Bool.random(using: &random) ? "kind: [\n" : domain, "\(folder)/sub/\(name).yml")
            try write(account, "\(folder)/\(names.randomElement(using: &random)!)/deeper/z.yaml")
            try write("not a manifest", "\(folder)/notes.txt")
        }
        try write("apiVersion: baton/v1\nkind: Account\n", ".hidden/a.yaml")
        return root
    }
}
