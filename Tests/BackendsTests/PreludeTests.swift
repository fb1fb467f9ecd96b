import Backends
import Foundation
import XCTest

/// Prelude functions against stand-in commands on PATH that record how they were called.
final class PreludeTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-prelude-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: dir)
    }

    func fake(_ name: String, _ body: String) throws {
        let path = dir.appendingPathComponent(name).path
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o755), 0)
    }

    /// What `usermod` was asked, after `baton_unlock USER [expiry]` on a user whose shadow entry is `shadow`.
    func unlock(_ shadow: String, expiryOnly: Bool) throws -> String {
        try fake("getent", "echo '\(shadow)'")
        try fake("usermod", "echo \"$*\" >> \(dir.path)/usermod.log")
        var script = Prelude.script()
        try script.assign("PATH", dir.path + ":/usr/bin:/bin")
        script.code(expiryOnly ? "baton_unlock bob expiry" : "baton_unlock bob")
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("usermod.log"))
        _ = try TestShell.run(script)
        return (try? String(contentsOfFile: dir.appendingPathComponent("usermod.log").path, encoding: .utf8)) ?? ""
    }

    func testADeactivatedUserIsUnlockedAndUnexpired() throws {
        XCTAssertEqual(try unlock("bob:!$6$salt$hash:19000:0:99999:7::1:", expiryOnly: false), "-U -e  -- bob\n")
    }

    /// A manifest's hash that starts with `!` locks the password on purpose: reactivating clears the expiry only.
    func testALockedHashStaysLocked() throws {
        XCTAssertEqual(try unlock("bob:!$6$salt$hash:19000:0:99999:7::1:", expiryOnly: true), "-e  -- bob\n")
        XCTAssertEqual(try unlock("bob:!$6$salt$hash:19000:0:99999:7:::", expiryOnly: true), "", "nothing to undo")
    }
}
