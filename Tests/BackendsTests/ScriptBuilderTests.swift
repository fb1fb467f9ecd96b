import Backends
import Foundation
import XCTest

/// Scripts run by a real `/bin/sh`: what the shell receives is what Baton meant, byte for byte.
final class ScriptBuilderTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("baton-script-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: scratch)
    }

    func run(_ script: ScriptBuilder) throws -> (status: Int32, stdout: [UInt8]) {
        let result = try TestShell.execute(script, in: scratch)
        return (result.status, result.stdout)
    }

    func testEveryByteButNULReachesTheShellUnchanged() throws {
        let all = (1...255).map { UInt8($0) }
        var script = ScriptBuilder()
        try script.command("printf '%s'", .value(bytes: all))
        let result = try run(script)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, all)
    }

    func testShellMetacharactersStayData() throws {
        let attacks = [
            "$(touch pwned)", "`touch pwned`", "'; touch pwned; '", "\"; touch pwned; \"", "a\ntouch pwned",
            "${IFS}touch${IFS}pwned", "\\'; touch pwned #", "-rf", "*", "~", "a b\tc", "'", "''", "\\", "!!", "%s %n",
            "\u{2028}touch pwned", "EOF\ntouch pwned\nEOF", "_BATON_EOF_\ntouch pwned",
        ]
        for attack in attacks {
            var script = ScriptBuilder()
            try script.command("printf '%s'", .value(attack))
            let result = try run(script)
            XCTAssertEqual(result.status, 0, attack)
            XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), attack)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("pwned").path))
    }

    func testNULIsRefusedNotCut() {
        var script = ScriptBuilder()
        XCTAssertThrowsError(try script.command("echo", .value("a\u{0}b")))
    }

    /// Contents without NUL are one quoted word that the shell's own printf writes (no process per file):
    /// every other byte, quotes, here-document terminators and command substitutions land as they are.
    func testTextFilesAreWrittenByTheShellItselfByteForByte() throws {
        let contents =
            Array((1...255).map { UInt8($0) }) + Array("'\\''_BATON_EOF_\n$(touch pwned)\n`touch pwned`\n%s%n\\".utf8)
        let path = scratch.appendingPathComponent("zone 'x'.conf").path
        var script = ScriptBuilder()
        try script.write(contents, to: path, mode: "0600")
        XCTAssertFalse(script.text.contains("base64"), script.text)
        XCTAssertEqual(try run(script).status, 0)
        XCTAssertEqual(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), contents)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), ["zone 'x'.conf"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("pwned").path))
    }

    /// A write the shell cannot finish fails the command (and so the operation, under `set -e`).
    func testAFailedWriteFails() throws {
        var script = ScriptBuilder()
        script.code("set -e")
        try script.writeScratch(Array("text\n".utf8), to: scratch.appendingPathComponent("no folder/file").path)
        script.code("echo not reached")
        let result = try run(script)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stdout, [])
    }

    func testFilesCarryEveryByteAndLandAtomically() throws {
        let contents =
            (0...255).map { UInt8($0) } + Array("_BATON_EOF_\n$(touch pwned)\n".utf8) + (0...255).map { UInt8($0) }
        var script = ScriptBuilder()
        try script.write(contents, to: scratch.appendingPathComponent("it's a file").path, mode: "0640")
        XCTAssertEqual(try run(script).status, 0)
        let path = scratch.appendingPathComponent("it's a file").path
        XCTAssertEqual(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))), contents)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o640)
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
        XCTAssertEqual(left, ["it's a file"], "no temporary file left")
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("pwned").path))
    }
}
