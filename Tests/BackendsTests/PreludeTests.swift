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

    /// `baton_guard` against this machine's real user and group databases (getent) and a register in a
    /// temporary folder: what each call (`guard` or `ours`, then its words after NAMES) answers, and what the
    /// register holds after them.
    func guardCalls(_ calls: [(ScriptBuilder.Word, [String])]) throws -> (results: [String], register: [String: String])
    {
        let names = dir.appendingPathComponent("names")
        for kind in ["user", "group"] {
            try FileManager.default.createDirectory(
                at: names.appendingPathComponent(kind), withIntermediateDirectories: true)
        }
        var script = Prelude.script()
        for (function, words) in calls {
            try script.command(
                ["if", function, .value(names.path)] + words.map { .value($0) } + ["; then echo yes; else echo no; fi"])
        }
        let output = try TestShell.run(script)
        var register: [String: String] = [:]
        for kind in ["user", "group"] {
            let folder = names.appendingPathComponent(kind)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                register["\(kind)/\(name)"] = try String(
                    contentsOf: folder.appendingPathComponent(name), encoding: .utf8
                ).trimmingCharacters(in: .newlines)
            }
        }
        return (String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").map(String.init), register)
    }

    /// A group the system has (root's, on every machine) is never taken for an account; a free name is, and
    /// from then on is that account's and no other's.
    func testTheGuardRefusesSystemNamesAndOtherAccountsNames() throws {
        let (results, register) = try guardCalls([
            ("baton_guard", ["group", "root", "root", "new"]),
            ("baton_guard", ["user", "daemon", "daemon", "new"]),
            ("baton_guard", ["group", "bzq-acme", "bzq-acme", "new"]),
            ("baton_guard", ["group", "bzq-acme", "bzq-globex", "new"]),
            ("baton_guard", ["group", "bzq-acme", "bzq-globex", "adopt"]),
            ("baton_guard", ["group", "bzq-acme", "bzq-acme", "new"]),
            ("baton_ours", ["group", "bzq-acme", "bzq-acme"]),
            ("baton_ours", ["group", "bzq-acme", "bzq-globex"]),
            ("baton_ours", ["group", "root", "root"]),
            ("baton_guard", ["user", "bzq-old", "bzq-old", "adopt"]),
        ])
        XCTAssertEqual(results, ["no", "no", "yes", "no", "no", "yes", "yes", "no", "no", "yes"])
        XCTAssertEqual(register, ["group/bzq-acme": "bzq-acme", "user/bzq-old": "bzq-old"])
    }
}
