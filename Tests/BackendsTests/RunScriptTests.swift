import Backends
import Foundation
import XCTest

/// Run scripts executed by a real `/bin/sh`, their markers read back.
final class RunScriptTests: XCTestCase {
    func shell(_ script: ScriptBuilder, timeout: Int? = nil) throws -> (stdout: [UInt8], stderr: String) {
        try TestShell.run(script, timeout: timeout)
    }

    func body(_ lines: StaticString...) -> ScriptBuilder {
        var script = ScriptBuilder()
        for line in lines { script.code(line) }
        return script
    }

    func testOperationsFailIndependentlyAndDependantsAreNotRun() throws {
        let run = RunScript(
            nonce: "n0nce",
            operations: [
                .init(label: "Account/acme", body: body("true")),
                .init(label: "SystemUser/deploy", body: body("echo doing", "false", "echo not reached")),
                .init(label: "WebApp/shop", dependsOn: [1], body: body("echo should not run")),
                .init(label: "Domain/acme.example", body: body("cat", "echo '@@BATON n0nce 3 END 0'")),
                .init(label: "WebApp/blog", dependsOn: [0, 3], body: body("exit 4")),
            ])
        let (stdout, stderr) = try shell(try run.render())
        let report = RunReport.parse(stdout: stdout, nonce: "n0nce", count: 5, timedOut: false)
        XCTAssertTrue(report.finished)
        XCTAssertEqual(report.operations.map(\.state), [.success, .failure, .aborted, .success, .failure])
        XCTAssertEqual(report.operations.map(\.exitStatus), [0, 1, nil, 0, 4])
        XCTAssertTrue(stderr.contains("doing"))
        XCTAssertFalse(stderr.contains("not reached"))
        XCTAssertFalse(stderr.contains("should not run"))
        // `cat` read /dev/null, not the rest of the script; the fake marker went to stderr.
        XCTAssertTrue(stderr.contains("@@BATON n0nce 3 END 0"))
    }

    func testATimeoutSaysWhichOperationsRan() throws {
        let run = RunScript(
            nonce: "abc",
            operations: [
                .init(label: "one", body: body("true")),
                .init(label: "two", body: body("sleep 5")),
                .init(label: "three", body: body("true")),
            ])
        let (stdout, _) = try shell(try run.render(), timeout: 1)
        let report = RunReport.parse(stdout: stdout, nonce: "abc", count: 3, timedOut: true)
        XCTAssertFalse(report.finished)
        XCTAssertEqual(report.operations.map(\.state), [.success, .timeout, .aborted])
    }

    func testNoMarkersAtAllIsAnError() {
        let report = RunReport.parse(stdout: Array("sh: not found\n".utf8), nonce: "x", count: 2, timedOut: false)
        XCTAssertEqual(report.operations.map(\.state), [.error, .error])
    }
}

final class RunScriptDeadlineTests: XCTestCase {
    func testTheServerKillsAScriptPastItsDeadline() throws {
        var slow = ScriptBuilder()
        slow.code("sleep 30")
        var fast = ScriptBuilder()
        fast.code("true")
        let script = try RunScript(
            nonce: "dl", operations: [.init(label: "fast", body: fast), .init(label: "slow", body: slow)], deadline: 1
        ).render()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["-w", "/bin/sh", "-s"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let started = Date()
        try process.run()
        input.fileHandleForWriting.write(Data(script.bytes))
        try input.fileHandleForWriting.close()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "killed by its watchdog, not after 30 s")
        let report = RunReport.parse(stdout: [UInt8](stdout), nonce: "dl", count: 2, timedOut: true)
        XCTAssertEqual(report.operations.map(\.state), [.success, .timeout])
    }
}
