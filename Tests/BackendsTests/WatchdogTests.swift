import Backends
import Foundation
import XCTest

/// The run script's watchdog, with a real `/bin/sh` in a session of its own: it goes with its run, however the run
/// ends, and never signals a process group that is not its run's.
final class WatchdogTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-watchdog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        // What a failing run left behind (the old watchdog's sleep), by the session its shell led.
        if let inner = try? String(contentsOf: dir.appendingPathComponent("inner"), encoding: .utf8),
            let sid = Int32(inner.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            _ = try? drive("ps -eo sid=,pid= | awk -v s=\(sid) '$1 == s {print $2}' | xargs -r kill -9")
        }
        try? FileManager.default.removeItem(at: dir)
    }

    /// A run of `operations` shell bodies with a deadline, written to `run.sh`; the first operation writes the
    /// shell's PID to `inner`.
    func writeRun(deadline: Int, _ bodies: [StaticString]) throws {
        var operations: [RunScript.Operation] = []
        for (index, line) in bodies.enumerated() {
            var body = ScriptBuilder()
            if index == 0 { try body.command("echo $$ >", .value(dir.appendingPathComponent("inner").path)) }
            body.code(line)
            operations.append(RunScript.Operation(label: "op\(index)", body: body))
        }
        let script = try RunScript(nonce: "wd", operations: operations, deadline: deadline).render()
        try Data(script.bytes).write(to: dir.appendingPathComponent("run.sh"))
    }

    /// Runs `driver` with `sh -c` (the run's folder as $1) and returns its stdout. Into a file, not a pipe: a
    /// process left behind must not keep the test waiting for the pipe's end.
    func drive(_ driver: String) throws -> String {
        let output = dir.appendingPathComponent("driver.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", driver, "driver", dir.path]
        let handle = try FileHandle(forWritingTo: output)
        p.standardOutput = handle
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// Lists what is left alive of the session the run's shell led (its PID is in `inner`), a second later:
    /// zombies are dead, waiting for whoever adopted them (in a container, not always a prompt reaper).
    static let leftovers =
        "sleep 1; ps -eo sid=,pid=,stat=,args= | awk -v s=\"$(cat \"$1/inner\")\" '$1 == s && $3 !~ /^Z/'"

    func testARunThatEndsLeavesNoProcessBehind() throws {
        try writeRun(deadline: 600, ["true", "true"])
        let left = try drive("setsid -w sh -s < \"$1/run.sh\" > \"$1/out\" 2>&1; " + Self.leftovers)
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("out"), encoding: .utf8).contains("wd DONE"))
        XCTAssertEqual(left, "", "the watchdog (or its sleep) outlived the run")
    }

    func testARunWhoseClientWentAwayLeavesNoProcessBehind() throws {
        // The client is gone: whoever read the markers stops after one byte, and the shell dies of SIGPIPE at
        // its next marker, as under sshd (the signal's default action restored, whatever the test runner set).
        try writeRun(deadline: 600, ["sleep 1", "true"])
        let left = try drive(
            "env --default-signal=PIPE setsid sh -s < \"$1/run.sh\" 2>/dev/null | head -c 1 >/dev/null; "
                + "sleep 1; " + Self.leftovers)
        XCTAssertEqual(left, "", "the watchdog outlived a run whose client went away")
    }

    func testTheWatchdogStillKillsARunPastItsDeadline() throws {
        try writeRun(deadline: 1, ["sleep 30"])
        let started = Date()
        let left = try drive("setsid -w sh -s < \"$1/run.sh\" > \"$1/out\" 2>&1; " + Self.leftovers)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(left, "", "everything of the run is killed at its deadline")
    }

    /// The run's shell is not its group's leader (a login shell that forks) and dies; a process of another
    /// group gets its number (in a PID namespace, by `ns_last_pid`); the watchdog's deadline passes. The decoy
    /// must live.
    func testTheWatchdogNeverSignalsAGroupThatReusedTheNumber() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root for a PID namespace") }
        try writeRun(deadline: 2, ["sleep 6"])
        let driver = """
            setsid sh -c 'sh -s < "$1/run.sh" > /dev/null 2>&1; sleep 0' x "$1" &
            i=0; while [ ! -s "$1/inner" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
            inner=$(cat "$1/inner")
            kill -9 "$inner"
            i=0; while kill -0 "$inner" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
            echo $((inner - 1)) > /proc/sys/kernel/ns_last_pid
            setsid sleep 8 &
            decoy=$!
            [ "$decoy" = "$inner" ] || { echo "no reuse: $decoy is not $inner"; exit 0; }
            sleep 4
            if kill -0 "$decoy" 2>/dev/null; then echo "decoy alive"; else echo "decoy killed"; fi
            """
        try driver.write(to: dir.appendingPathComponent("driver.sh"), atomically: true, encoding: .utf8)
        let result = try drive("unshare --pid --fork --mount-proc sh \"$1/driver.sh\" \"$1\"")
        if result.hasPrefix("no reuse") { throw XCTSkip(result) }
        XCTAssertEqual(result, "decoy alive\n")
    }
}
