import Foundation
import GitStore
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
        let (status, out) = try run(git: args, in: dir ?? work)
        XCTAssertEqual(status, 0, "git \(args.joined(separator: " "))")
        return out
    }

    /// A git command that may fail: its exit status and output.
    func run(git args: [String], in dir: URL) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        p.arguments =
            ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"] + args
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (
            p.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        )
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
