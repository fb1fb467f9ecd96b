import Foundation
import XCTest

/// Configuration Baton cannot read or decode is an error at the file, never skipped (issue 10, findings 4, 5, 10).
final class ConfigurationReadTests: XCTestCase {
    var work: GitWork!

    override func setUpWithError() throws {
        work = try GitWork.make()
    }

    override func tearDown() {
        work.remove()
    }

    /// `.batonignore` hides the globex account; a Latin-1 `é` in a comment must not make it hide nothing.
    func writeLatin1Ignore() throws {
        let bytes = Array("# caf".utf8) + [0xE9] + Array(" accounts\naccounts/globex/\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: work.path + "/.batonignore"))
    }

    func testABatonignoreThatIsNotUTF8IsAnErrorAtTheFile() throws {
        try writeLatin1Ignore()
        let folder = try BatonProcess.run(["validate", work.path])
        XCTAssertEqual(folder.status, 3, folder.stdout + folder.stderr)
        XCTAssertTrue(
            folder.stderr.contains(".batonignore:1:6: error: not UTF-8 text: byte 0xe9 [config.encoding]"),
            folder.stderr)
        XCTAssertFalse(folder.stdout.contains("valid"), folder.stdout)
        try work.git("add", "-A")
        try work.git("commit", "-q", "-m", "ignore")
        let revision = try BatonProcess.run(["validate", work.path, "--rev", "HEAD"])
        XCTAssertEqual(revision.status, 3, revision.stdout + revision.stderr)
        XCTAssertTrue(revision.stderr.contains(".batonignore:1:6"), revision.stderr)
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 1, plan.stdout + plan.stderr)
        XCTAssertTrue(plan.stderr.contains(".batonignore:1:6"), plan.stderr)
        XCTAssertFalse(plan.stdout.contains("to create"), "no plan from a half-read repository")
    }

    /// `maxTTL: 60` in a baton.yaml Baton may not read: the zones would be checked with the defaults.
    func testABatonYAMLThatCannotBeReadIsAnErrorAtTheFile() throws {
        let config = work.path + "/baton.yaml"
        try "zoneCheck: {maxTTL: 60}\n".write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(config, 0o600), 0)
        // The repository readable by everyone, the file by root alone; Baton runs as nobody.
        XCTAssertEqual(chmod(work.root.path, 0o755), 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        p.arguments = [
            "--reuid=65534", "--regid=65534", "--clear-groups", BatonProcess.binary.path, "validate", work.path,
            "--zone-checker", "builtin", "--no-cache",
        ]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 3, stderr)
        XCTAssertTrue(
            stderr.contains("baton.yaml:1:1: error: cannot read the file: Permission denied [config.read]"), stderr)
        // Not a file at all: the same.
        try FileManager.default.removeItem(atPath: config)
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: false)
        let folder = try BatonProcess.run(["validate", work.path])
        XCTAssertEqual(folder.status, 3, folder.stderr)
        XCTAssertTrue(folder.stderr.contains("baton.yaml:1:1: error: cannot read the file: not a regular file"))
    }

    func testInvalidUTF8IsReportedWithItsOwnBytes() throws {
        let file = work.path + "/accounts/globex/bad.yaml"
        try Data(Array("# a\nx: \"".utf8) + [0xC0, 0xAF] + Array("\"\n".utf8)).write(to: URL(fileURLWithPath: file))
        let out = try BatonProcess.run(["validate", work.path], environment: ["NO_COLOR": "1"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stdout.contains("accounts/globex/bad.yaml:2:5: error:"), out.stdout)
        XCTAssertTrue(out.stdout.contains("(bytes 0xc0 0xaf) [yaml.syntax]"), out.stdout)
        XCTAssertFalse(out.stdout.contains("0xff"), out.stdout)
    }
}
