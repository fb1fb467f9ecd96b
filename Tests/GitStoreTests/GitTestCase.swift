import Foundation
import GitStore
import TestSupport
import XCTest

/// Real repositories, made with the git CLI in a scratch folder: the base of the GitStore test cases.
class GitTestCase: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    var work: URL { root.appendingPathComponent("work") }

    @discardableResult
    func git(_ args: String..., in dir: URL? = nil) throws -> String {
        let result = try GitCLI.run(args, in: dir ?? work)
        XCTAssertEqual(result.status, 0, "git \(args.joined(separator: " "))")
        return result.stdout
    }

    func write(_ path: String, _ text: String, in dir: URL? = nil) throws {
        let url = (dir ?? work).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    static func account(_ name: String, contact: String = "ops@example.com") -> String {
        "apiVersion: baton/v1\nkind: Account\nmetadata: {name: \(name)}\nspec: {contact: \(contact)}\n"
    }

    func makeRepository() throws {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try git("init", "-q")
        try write("accounts/acme/account.yaml", Self.account("acme"))
        try write(".github/workflow.yaml", "on: push\n")
        try write("README.md", "not a manifest\n")
        try git("add", "-A")
        try git("commit", "-q", "-m", "first")
        try git("tag", "v1")
        try write("accounts/globex/account.yaml", Self.account("globex"))
        try git("add", "-A")
        try git("commit", "-q", "-m", "second")
    }

    /// An empty bare repository beside the work tree, as a remote.
    @discardableResult
    func makeBare(_ name: String) throws -> URL {
        let url = root.appendingPathComponent(name)
        try git("init", "-q", "--bare", url.path, in: root)
        return url
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
