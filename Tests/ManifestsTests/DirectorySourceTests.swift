import Foundation
import Manifests
import XCTest

final class DirectorySourceTests: XCTestCase {
    func testHostileTreesNeitherHangNorEscapeTheRoot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-dir-\(UUID().uuidString)")
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent(
            "baton-out-\(UUID().uuidString).yaml")
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: outside)
        }
        let dir = root.appendingPathComponent("accounts/acme")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let account = "apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\nspec: {contact: ops@acme.example}\n"
        try account.write(to: dir.appendingPathComponent("account.yaml"), atomically: true, encoding: .utf8)
        try account.write(to: outside, atomically: true, encoding: .utf8)
        let fm = FileManager.default
        try fm.createSymbolicLink(
            atPath: dir.appendingPathComponent("zero.yaml").path, withDestinationPath: "/dev/zero")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop").path, withDestinationPath: ".")
        try fm.createSymbolicLink(
            atPath: dir.appendingPathComponent("other.yaml").path, withDestinationPath: outside.path)
        try fm.createSymbolicLink(
            atPath: dir.appendingPathComponent("alias.yml").path, withDestinationPath: "account.yaml")
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("pipe.yaml").path, 0o600), 0)

        let source = try DirectorySource(root: root.path)
        XCTAssertEqual(
            try source.manifestPaths(),
            [
                "accounts/acme/account.yaml", "accounts/acme/alias.yml", "accounts/acme/other.yaml",
                "accounts/acme/zero.yaml",
            ])
        XCTAssertThrowsError(try source.read("accounts/acme/pipe.yaml"), "a FIFO is refused, not waited on")
        let loaded = try ManifestLoader.load(source)
        // The in-tree link is read once more; the links out of the tree are errors at the links, not skipped.
        XCTAssertEqual(
            loaded.diagnostics.map { "\($0.location.file) \($0.rule)" }.sorted(),
            [
                "accounts/acme/alias.yml resource.duplicate", "accounts/acme/other.yaml io.link",
                "accounts/acme/zero.yaml io.link",
            ])
    }

    /// The folder reader holds a folder to the rules a commit of it is held to (TreeCheckTests): the same names
    /// are refused, with their paths.
    func testAFolderIsHeldToTheTreeRules() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-dir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let account = "apiVersion: baton/v1\nkind: Account\nmetadata: {name: acme}\nspec: {contact: ops@acme.example}\n"
        func fresh() throws -> URL {
            try? FileManager.default.removeItem(at: root)
            let dir = root.appendingPathComponent("accounts/acme")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try account.write(to: dir.appendingPathComponent("account.yaml"), atomically: true, encoding: .utf8)
            // The work tree's own repository folder is no content.
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(".git/objects"), withIntermediateDirectories: true)
            return dir
        }
        func create(_ dir: URL, _ name: [UInt8]) {
            let path = Array(dir.path.utf8) + [0x2F] + name + [0]
            let fd = path.withUnsafeBufferPointer {
                open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644)
            }
            XCTAssertGreaterThanOrEqual(fd, 0)
            close(fd)
        }
        let cases: [([[UInt8]], String, [UInt8])] = [
            (
                [Array("caf\u{E9}.yaml".utf8), Array("cafe\u{301}.yaml".utf8)], "tree.collision",
                Array("cafe\u{301}.yaml".utf8)
            ),
            ([Array("Account.yaml".utf8)], "tree.collision", Array("account.yaml".utf8)),
            ([[0xFF, 0x2E, 0x79, 0x61, 0x6D, 0x6C]], "tree.name", [0xFF, 0x2E, 0x79, 0x61, 0x6D, 0x6C]),
            ([Array("a\n::error::b.yaml".utf8)], "tree.name", Array("a\n::error::b.yaml".utf8)),
            ([Array(".GIT".utf8)], "tree.name", Array(".GIT".utf8)),
        ]
        for (names, rule, path) in cases {
            let dir = try fresh()
            for name in names { create(dir, name) }
            XCTAssertThrowsError(try DirectorySource(root: root.path).manifestPaths(), "\(names)") { error in
                let problem = error as? TreeProblem
                XCTAssertEqual(problem?.rule, rule, "\(names)")
                // readdir's order decides which of a colliding pair is named: either is the folder's.
                if rule == "tree.name" { XCTAssertEqual(problem?.path, Array("accounts/acme/".utf8) + path) }
                XCTAssertEqual(problem?.path.starts(with: Array("accounts/acme/".utf8)), true)
            }
        }
        let dir = try fresh()
        create(dir, Array("caf\u{E9}.yaml".utf8))
        XCTAssertEqual(
            try DirectorySource(root: root.path).manifestPaths(),
            ["accounts/acme/account.yaml", "accounts/acme/caf\u{E9}.yaml"])

        var deep = root.appendingPathComponent("accounts/acme")
        for _ in 0..<100 { deep.appendPathComponent("d") }
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try account.write(to: deep.appendingPathComponent("deep.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DirectorySource(root: root.path).manifestPaths()) { error in
            XCTAssertEqual((error as? TreeProblem)?.rule, "tree.depth")
            XCTAssertEqual((error as? TreeProblem)?.path.split(separator: 0x2F).count, TreeRules.maxDepth + 1)
        }
    }
}
