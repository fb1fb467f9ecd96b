import Backends
import Foundation
import XCTest

/// Staged files and their late verdicts, run by a real `/bin/sh` against a stand-in daemon whose `-t` fails
/// while any `.conf` file of its folder says BROKEN (as `nginx -t` reads every server block).
final class StagedChecksTests: XCTestCase {
    var dir: URL!
    var conf: String { dir.appendingPathComponent("conf").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-staged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("conf"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("other"), withIntermediateDirectories: true)
        for (name, folder) in [("daemon", "conf"), ("otherd", "other")] {
            let path = dir.appendingPathComponent(name).path
            try """
            #!/bin/sh
            [ "$1" = -t ] || exit 64
            if grep -l BROKEN \(dir.appendingPathComponent(folder).path)/*.conf; then echo 'emerg: BROKEN found'; exit 3; fi
            exit 0
            """.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertEqual(chmod(path, 0o755), 0)
        }
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: dir)
    }

    var daemon: String { dir.appendingPathComponent("daemon").path }
    var otherDaemon: String { dir.appendingPathComponent("otherd").path }

    /// An operation that writes `text` to `conf/NAME` through staging (for `daemon`, or another one).
    func staging(_ name: String, _ text: String, folder: String = "conf", daemon: String? = nil) throws
        -> ScriptBuilder
    {
        var body = ScriptBuilder()
        let target = dir.appendingPathComponent(folder).appendingPathComponent(name).path
        try body.stage(Array(text.utf8), as: target, testedBy: daemon ?? self.daemon)
        return body
    }

    func run(_ operations: [RunScript.Operation], scratch: String? = nil) throws -> (report: RunReport, stderr: String)
    {
        var script = Prelude.script()
        script.append(try RunScript(nonce: "st4ge", operations: operations, scratch: scratch).render())
        let (stdout, stderr) = try TestShell.run(script)
        return (RunReport.parse(stdout: stdout, nonce: "st4ge", count: operations.count, timedOut: false), stderr)
    }

    func read(_ name: String, folder: String = "conf") -> String? {
        try? String(
            contentsOfFile: dir.appendingPathComponent(folder).appendingPathComponent(name).path, encoding: .utf8)
    }

    func testOnlyTheOperationWhoseFileTheDaemonRejectsFails() throws {
        try "old b\n".write(toFile: conf + "/b.conf", atomically: true, encoding: .utf8)
        var plain = ScriptBuilder()
        plain.code("true")
        let (report, stderr) = try run([
            .init(label: "WebApp/a", body: try staging("a.conf", "new a\n")),
            .init(label: "WebApp/b", body: try staging("b.conf", "BROKEN b\n")),
            .init(label: "WebApp/c", body: try staging("c.conf", "new c\n")),
            .init(label: "WebApp/d", body: try staging("d.conf", "new d\n")),
            // Dependants wait for their dependency's verdict: a checkpoint runs before them.
            .init(label: "after b", dependsOn: [1], body: plain),
            .init(label: "after a", dependsOn: [0], body: plain),
        ])
        XCTAssertEqual(report.operations.map(\.state), [.success, .failure, .success, .success, .aborted, .success])
        XCTAssertEqual(report.operations[1].exitStatus, 3, "the daemon's own exit status")
        XCTAssertEqual(read("a.conf"), "new a\n")
        XCTAssertEqual(read("b.conf"), "old b\n", "the old file is back")
        XCTAssertEqual(read("c.conf"), "new c\n")
        XCTAssertEqual(read("d.conf"), "new d\n")
        XCTAssertTrue(stderr.contains("emerg: BROKEN found"), stderr)
        XCTAssertTrue(stderr.contains("rejected the configuration of operation 1"), stderr)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: conf).sorted(),
            [
                "a.conf", "b.conf", "c.conf", "d.conf",
            ])
    }

    /// Killed after staging and before the check (the server's watchdog): the file stays in place untested and
    /// its operation has no verdict. The next run on the server puts it back before anything else.
    func testWhatAKilledRunLeftStagedIsPutBackByTheNext() throws {
        try "old a\n".write(toFile: conf + "/a.conf", atomically: true, encoding: .utf8)
        let runs = dir.appendingPathComponent("runs").path
        var killed = ScriptBuilder()
        killed.code("kill -9 $$")
        let (first, _) = try run(
            [.init(label: "WebApp/a", body: try staging("a.conf", "new a\n")), .init(label: "dies", body: killed)],
            scratch: runs)
        XCTAssertFalse(first.finished)
        XCTAssertEqual(read("a.conf"), "new a\n", "staged, never tested")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: runs).filter { $0.hasPrefix("run.") }.count, 1,
            "its scratch folder")

        var plain = ScriptBuilder()
        plain.code("true")
        let (next, stderr) = try run([.init(label: "anything", body: plain)], scratch: runs)
        XCTAssertEqual(next.operations.map(\.state), [.success])
        XCTAssertEqual(read("a.conf"), "old a\n", "put back")
        XCTAssertTrue(stderr.contains("stopped during its configuration checks"), stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runs), ["lock"], "both scratch folders gone")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: conf), ["a.conf"])
    }

    /// Two runs on one server take turns: the second starts once the first let go of the server's lock, so
    /// its recovery never takes a live run's staged files for a dead one's.
    func testOneRunAtATimeOnAServer() throws {
        let runs = dir.appendingPathComponent("runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        let held = dir.appendingPathComponent("held").path
        let released = dir.appendingPathComponent("released").path
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = [
            "-c", "exec 9> \"$1/lock\"; flock 9; : > \"$2\"; sleep 1; : > \"$3\"", "holder", runs.path, held, released,
        ]
        try holder.run()
        defer { holder.waitUntilExit() }
        while !FileManager.default.fileExists(atPath: held) { Thread.sleep(forTimeInterval: 0.02) }
        var check = ScriptBuilder()
        try check.command("[ -e", .value(released), "]")
        let (report, stderr) = try run([.init(label: "after the other run", body: check)], scratch: runs.path)
        XCTAssertEqual(report.operations.map(\.state), [.success], "it ran only once the other run was done: " + stderr)
    }

    /// A rename removes the old file and stages the new one: a rejected rename keeps the old file (and drops the
    /// new), an accepted one in the same run loses its old file, through the bisection.
    func testARejectedRenameKeepsItsOldFileAndAnAcceptedOneDoesNot() throws {
        try "old x\n".write(toFile: conf + "/x.conf", atomically: true, encoding: .utf8)
        try "old y\n".write(toFile: conf + "/y.conf", atomically: true, encoding: .utf8)
        var bad = ScriptBuilder()
        try bad.stageRemoval(of: conf + "/x.conf", testedBy: daemon)
        try bad.stage(Array("BROKEN x2\n".utf8), as: conf + "/x2.conf", testedBy: daemon)
        var good = ScriptBuilder()
        try good.stageRemoval(of: conf + "/y.conf", testedBy: daemon)
        try good.stage(Array("new y2\n".utf8), as: conf + "/y2.conf", testedBy: daemon)
        let (report, _) = try run([.init(label: "rename x", body: bad), .init(label: "rename y", body: good)])
        XCTAssertEqual(report.operations.map(\.state), [.failure, .success])
        XCTAssertEqual(read("x.conf"), "old x\n", "the rejected rename's old file is back")
        XCTAssertNil(read("x2.conf"))
        XCTAssertNil(read("y.conf"), "the accepted rename's old file is gone")
        XCTAssertEqual(read("y2.conf"), "new y2\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: conf).sorted(), ["x.conf", "y2.conf"])
    }

    func testTwoBrokenFilesAmongManyAreBothFound() throws {
        let names = (0..<9).map { "f\($0).conf" }
        let (report, _) = try run(
            try names.enumerated().map { index, name in
                .init(label: name, body: try staging(name, index == 2 || index == 7 ? "BROKEN\n" : "ok\n"))
            })
        XCTAssertEqual(
            report.operations.map(\.state), (0..<9).map { $0 == 2 || $0 == 7 ? .failure : .success })
        XCTAssertNil(read("f2.conf"), "a new file the daemon rejects is removed")
        XCTAssertEqual(read("f3.conf"), "ok\n")
    }

    func testAConfigurationBrokenBeforeTheRunFailsEveryStagedOperation() throws {
        try "BROKEN by hand\n".write(toFile: conf + "/z.conf", atomically: true, encoding: .utf8)
        let (report, stderr) = try run([
            .init(label: "a", body: try staging("a.conf", "new a\n")),
            .init(label: "b", body: try staging("b.conf", "new b\n")),
        ])
        XCTAssertEqual(report.operations.map(\.state), [.failure, .failure])
        XCTAssertNil(read("a.conf"))
        XCTAssertTrue(stderr.contains("fails without this run's files too"), stderr)
    }

    func testAnOperationRejectedByOneDaemonPutsBackItsFilesOfTheOther() throws {
        try "old pool\n".write(toFile: dir.path + "/other/p.conf", atomically: true, encoding: .utf8)
        var both = try staging("p.conf", "new pool\n", folder: "other", daemon: otherDaemon)
        both.append(try staging("x.conf", "BROKEN\n"))
        let (report, _) = try run([
            .init(label: "both", body: both),
            .init(label: "fine", body: try staging("q.conf", "new q\n", folder: "other", daemon: otherDaemon)),
        ])
        XCTAssertEqual(report.operations.map(\.state), [.failure, .success])
        XCTAssertEqual(read("p.conf", folder: "other"), "old pool\n")
        XCTAssertNil(read("x.conf"))
        XCTAssertEqual(read("q.conf", folder: "other"), "new q\n")
    }

    func testAnOperationThatFailsAfterStagingPutsItsFileBackAtOnce() throws {
        try "old a\n".write(toFile: conf + "/a.conf", atomically: true, encoding: .utf8)
        var body = try staging("a.conf", "new a\n")
        body.code("exit 5")
        let (report, _) = try run([.init(label: "a", body: body)])
        XCTAssertEqual(report.operations.map(\.state), [.failure])
        XCTAssertEqual(report.operations.map(\.exitStatus), [5])
        XCTAssertEqual(read("a.conf"), "old a\n")
    }

    func testADeferredOperationWithoutItsVerdictDidNotFinish() {
        let stdout = Array(
            """
            @@BATON n RECEIVED 3
            @@BATON n 0 STARTED
            @@BATON n 0 END 0 DEFERRED
            @@BATON n 1 STARTED
            @@BATON n 1 END 0
            @@BATON n 1 VERDICT 1
            @@BATON n 2 STARTED
            @@BATON n 2 END 0 DEFERRED

            """.utf8)
        let killed = RunReport.parse(stdout: stdout, nonce: "n", count: 3, timedOut: true)
        XCTAssertEqual(
            killed.operations.map(\.state), [.timeout, .success, .timeout], "a verdict only for the waiting")
        let late = RunReport.parse(
            stdout: stdout + Array("@@BATON n 2 VERDICT 0\n@@BATON n 0 VERDICT 2\n@@BATON n DONE\n".utf8), nonce: "n",
            count: 3, timedOut: false)
        XCTAssertEqual(late.operations.map(\.state), [.failure, .success, .success])
        XCTAssertEqual(late.operations.map(\.exitStatus), [2, 0, 0])
    }

    func testStagingRefusesNamesTheListCannotHold() {
        var s = ScriptBuilder()
        XCTAssertThrowsError(try s.stage([], as: "/a\nb", testedBy: "nginx"))
        XCTAssertThrowsError(try s.stage([], as: "/a", testedBy: "nginx; rm"))
        XCTAssertFalse(s.stagesFiles)
    }
}
