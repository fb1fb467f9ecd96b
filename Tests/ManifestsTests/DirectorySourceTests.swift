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
        XCTAssertEqual(try source.manifestPaths(), ["accounts/acme/account.yaml", "accounts/acme/alias.yml"])
        XCTAssertThrowsError(try source.read("accounts/acme/pipe.yaml"), "a FIFO is refused, not waited on")
        let loaded = try ManifestLoader.load(source)
        XCTAssertEqual(loaded.diagnostics.map(\.rule), ["resource.duplicate"], "the in-tree link is read once more")
    }
}
