import Foundation
import SSHTransport
import TestSupport
import XCTest

final class SSHConnectionTests: SSHTestCase {
    func testRunKeepsStdoutStderrAndExitStatusApart() throws {
        let server = try startServer()
        let connection = try connect(server)
        let result = try connection.run("echo hi; echo err >&2; exit 3", timeout: .seconds(10))
        XCTAssertEqual(text(result.stdout), "hi\n")
        XCTAssertEqual(text(result.stderr), "err\n")
        XCTAssertEqual(result.exitStatus, 3)
        XCTAssertNil(result.exitSignal)
        XCTAssertFalse(result.timedOut)
        XCTAssertNil(result.connectionLost)
        XCTAssertFalse(result.succeeded)

        // The same connection runs the next script.
        let again = try connection.run("printf '%s' \"$0\"; exit 0", timeout: .seconds(10))
        XCTAssertTrue(again.succeeded)
        XCTAssertEqual(text(again.stdout), "sh")
        connection.close()
        XCTAssertFalse(connection.isOpen)
        XCTAssertThrowsError(try connection.run("true", timeout: .seconds(1))) {
            XCTAssertEqual($0 as? SSHError, .connectionClosed(reason: "it was closed"))
        }
    }

    func testScriptsKeepTheirShapeAndHaveNoStdinOfTheirOwnByDefault() throws {
        let server = try startServer()
        let connection = try connect(server)
        // Quotes, a here-document ending on the last line, a function, and a command reading stdin: it must get
        // EOF, not the rest of the script.
        let script = """
            f() { printf '%s|' "$@"; }
            f 'it'"'"'s' "two words" '$HOME'
            cat <<'EOF'
            $not expanded
            EOF
            read -r line || echo "stdin is empty"
            echo "still running"
            cat <<EOF
            last
            EOF
            """
        let result = try connection.run(script, timeout: .seconds(10))
        XCTAssertEqual(
            text(result.stdout), "it's|two words|$HOME|$not expanded\nstdin is empty\nstill running\nlast\n",
            text(result.stderr))
        XCTAssertEqual(result.exitStatus, 0)
    }

    func testALargeScriptIsNotLimitedByTheArgumentSize() throws {
        let server = try startServer()
        let connection = try connect(server)
        // 400 KB of script, beyond Linux's 128 KiB limit for one argument.
        let line = "x=" + String(repeating: "a", count: 1000) + "\n"
        let script = String(repeating: line, count: 400) + "echo ${#x}"
        let result = try connection.run(script, timeout: .seconds(20))
        XCTAssertEqual(text(result.stdout), "1000\n", text(result.stderr))
    }

    /// The shell reads the script as it runs it, one part at a time: holding a run's whole script (and copying
    /// it into every fork) made a first apply of 10,000 accounts grow with the square of its size.
    func testAShellHoldsNotTheWholeOfALargeScript() throws {
        let server = try startServer()
        let connection = try connect(server)
        let filler = String(repeating: "# " + String(repeating: "x", count: 998) + "\n", count: 24_000)
        let script = "x=$(echo forked)\n" + filler + "echo \"$x\"; grep VmRSS /proc/$$/status\n"
        let result = try connection.run(script, timeout: .seconds(60))
        let lines = text(result.stdout).split(separator: "\n")
        XCTAssertEqual(lines.first, "forked", text(result.stderr))
        let rss = try XCTUnwrap(
            Int(lines.last?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? ""))
        XCTAssertLessThan(rss, 16_000, "kB resident for a 24 MB script")
    }

    /// The bootstrap alone, with the machine's `sh`: a script cut short runs nothing, a whole one runs with the
    /// rest of stdin as its own, and neither leaves its file behind.
    func testTheBootstrapRunsOnlyAWholeScriptAndLeavesNoFile() throws {
        let folder = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func bootstrap(_ input: [UInt8]) throws -> (status: Int32, stdout: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", SSHConnection.bootstrap]
            process.environment = ["PATH": "/usr/bin:/bin", "TMPDIR": folder.path]
            let (stdin, stdout) = (Pipe(), Pipe())
            process.standardInput = stdin
            process.standardOutput = stdout
            try process.run()
            stdin.fileHandleForWriting.write(Data(input))
            try stdin.fileHandleForWriting.close()
            let out = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: out, as: UTF8.self))
        }
        let script = Array((SSHConnection.scriptPrefix + "set -e; echo ran; cat; false; echo not here\n").utf8)
        let whole = try bootstrap(Array("\(script.count)\n".utf8) + script + Array("its own stdin".utf8))
        XCTAssertEqual(whole.stdout, "ran\nits own stdin", "set -e holds inside the script")
        XCTAssertEqual(whole.status, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
        let cut = try bootstrap(Array("\(script.count + 10)\n".utf8) + script)
        XCTAssertEqual(cut.stdout, "", "nothing of a script cut short runs")
        XCTAssertEqual(cut.status, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    func testAWrongPinnedHostKeyIsRefusedBeforeAnythingRuns() throws {
        let server = try startServer()
        let other = try SSHTestServer.keygen(root.appendingPathComponent("other-host-key"))
        let marker = root.appendingPathComponent("marker")
        let credentials = SSHCredentials(privateKeyPath: server.clientKey)
        XCTAssertThrowsError(
            try {
                let connection = try SSHConnection.connect(target(server, hostKey: other), credentials: credentials)
                _ = try connection.run("touch '\(marker.path)'", timeout: .seconds(5))
            }()
        ) { error in
            let expected = other.split(separator: " ").prefix(2).joined(separator: " ")
            let offered = server.hostKey.split(separator: " ").prefix(2).joined(separator: " ")
            XCTAssertEqual(error as? SSHError, .hostKeyMismatch(expected: expected, offered: offered))
            XCTAssertTrue("\(error)".contains("expected \(expected), offered \(offered)"), "\(error)")
            XCTAssertFalse((error as? SSHError)?.hint.isEmpty ?? true)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "the command must not have run")
        // The client key was never offered: sshd logged no authentication attempt.
        XCTAssertFalse(server.log.contains("Accepted publickey"), server.log)
        XCTAssertFalse(server.log.contains("Failed publickey"), server.log)
    }

    func testAPinnedKeyThatIsNotAKeyLineIsRefused() throws {
        let server = try startServer()
        XCTAssertThrowsError(
            try SSHConnection.connect(
                target(server, hostKey: "ssh-ed25519 not-base64"),
                credentials: SSHCredentials(privateKeyPath: server.clientKey))
        ) { error in
            guard case .invalidTarget(let reason) = error as? SSHError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("not a key line"), reason)
        }
    }

    func testAnUnauthorisedClientKeyIsRefusedAndNamed() throws {
        let server = try startServer()
        let stranger = root.appendingPathComponent("stranger")
        _ = try SSHTestServer.keygen(stranger)
        XCTAssertThrowsError(
            try SSHConnection.connect(target(server), credentials: SSHCredentials(privateKeyPath: stranger.path))
        ) { error in
            guard case .authenticationFailed(let user, let key, _) = error as? SSHError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(user, server.user)
            XCTAssertEqual(key, stranger.path)
            XCTAssertTrue("\(error)".contains("ssh authentication as \(server.user)"), "\(error)")
        }
    }

    func testAMissingKeyFileIsNamed() throws {
        let server = try startServer()
        let missing = root.appendingPathComponent("nope").path
        XCTAssertThrowsError(
            try SSHConnection.connect(target(server), credentials: SSHCredentials(privateKeyPath: missing))
        ) { error in
            guard case .unusableKey(let path, _) = error as? SSHError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing)
        }
    }

    func testAnECDSAClientKeyAuthenticates() throws {
        let server = try startServer()
        let connection = try SSHConnection.connect(
            target(server), credentials: SSHCredentials(privateKeyPath: server.ecdsaClientKey))
        XCTAssertEqual(text(try connection.run("echo ok", timeout: .seconds(10)).stdout), "ok\n")
    }

    func testAClosedPortIsRefusedFast() throws {
        let port = try LoopbackSocket.freePort()
        let target = SSHTarget(
            host: "127.0.0.1", port: port, user: "nobody", hostKey: try hostKeyLine(), connectTimeout: .seconds(5))
        let (error, elapsed) = measure { () -> Error? in
            do {
                _ = try SSHConnection.connect(target, credentials: SSHCredentials(privateKeyPath: "/dev/null"))
                return nil
            } catch { return error }
        }
        XCTAssertEqual(error as? SSHError, .connectionRefused(endpoint: "127.0.0.1:\(port)"))
        XCTAssertLessThan(elapsed, 0.5)
    }

    func testAServerThatNeverSendsItsBannerTimesOutWithinTheLimit() throws {
        let silent = try SilentListener()
        let target = SSHTarget(
            host: "127.0.0.1", port: silent.port, user: "nobody", hostKey: try hostKeyLine(),
            connectTimeout: .seconds(1))
        let (error, elapsed) = measure { () -> Error? in
            do {
                _ = try SSHConnection.connect(target, credentials: SSHCredentials(privateKeyPath: "/dev/null"))
                return nil
            } catch { return error }
        }
        XCTAssertEqual(
            error as? SSHError,
            .connectTimedOut(endpoint: "127.0.0.1:\(silent.port)", stage: .handshake, timeout: .seconds(1)))
        XCTAssertGreaterThanOrEqual(elapsed, 0.95)
        XCTAssertLessThan(elapsed, 1.5)
    }

    func testAHostThatDropsTheConnectionAttemptTimesOutInTCPConnect() throws {
        let full = try FullListener()
        let target = SSHTarget(
            host: "127.0.0.1", port: full.port, user: "nobody", hostKey: try hostKeyLine(),
            connectTimeout: .milliseconds(800))
        let (error, elapsed) = measure { () -> Error? in
            do {
                _ = try SSHConnection.connect(target, credentials: SSHCredentials(privateKeyPath: "/dev/null"))
                return nil
            } catch { return error }
        }
        guard case .connectTimedOut(_, let stage, _) = error as? SSHError else {
            return XCTFail("\(String(describing: error))")
        }
        // Where the kernel lets the SYN into the queue after all, the banner never comes: the handshake times out.
        XCTAssertTrue([.tcpConnect, .handshake].contains(stage), "\(stage)")
        print("TIMING full accept queue: \(stage.rawValue) timed out after \(String(format: "%.3f", elapsed)) s")
        XCTAssertGreaterThanOrEqual(elapsed, 0.75)
        XCTAssertLessThan(elapsed, 1.3)
    }

    func testAScriptPastItsTimeoutIsReportedAsTimedOut() throws {
        let server = try startServer()
        let connection = try connect(server)
        let (result, elapsed) = try measure {
            try connection.run("echo started; sleep 4; echo finished", timeout: .seconds(1))
        }
        XCTAssertTrue(result.timedOut)
        XCTAssertNil(result.exitStatus)
        XCTAssertEqual(text(result.stdout), "started\n")
        XCTAssertGreaterThanOrEqual(elapsed, 1)
        XCTAssertLessThan(elapsed, 2)
        XCTAssertFalse(connection.isOpen)
        XCTAssertThrowsError(try connection.run("true", timeout: .seconds(1))) { error in
            guard case .connectionClosed(let reason) = error as? SSHError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("timed out"), reason)
        }
    }

    func testMegabytesOnStdoutAndStderrAtOnceDoNotDeadlock() throws {
        let server = try startServer()
        let connection = try connect(server)
        let size = 5 * 1024 * 1024
        let result = try connection.run(
            "head -c \(size) /dev/zero | tr '\\0' o & head -c \(size) /dev/zero | tr '\\0' e >&2; wait",
            timeout: .seconds(60))
        XCTAssertEqual(result.exitStatus, 0)
        XCTAssertEqual(result.stdout.count, size)
        XCTAssertEqual(result.stderr.count, size)
        XCTAssertTrue(result.stdout.allSatisfy { $0 == UInt8(ascii: "o") })
        XCTAssertTrue(result.stderr.allSatisfy { $0 == UInt8(ascii: "e") })
    }

    func testEveryByteOfStdinComesBackUnchanged() throws {
        let server = try startServer()
        let connection = try connect(server)
        let bytes = [UInt8](0...255)
        let result = try connection.run("cat", stdin: bytes, timeout: .seconds(10))
        XCTAssertEqual(result.stdout, bytes)
        XCTAssertEqual(result.exitStatus, 0)

        // Larger than the channel window, read while it is written.
        let large = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        let echoed = try connection.run("cat; echo done >&2", stdin: large, timeout: .seconds(30))
        XCTAssertEqual(echoed.stdout.count, large.count)
        XCTAssertTrue(echoed.stdout == large)
        XCTAssertEqual(text(echoed.stderr), "done\n")
    }

    func testAScriptThatExitsWithoutReadingItsStdinStillFinishes() throws {
        let server = try startServer()
        let connection = try connect(server)
        let result = try connection.run(
            "exit 4", stdin: [UInt8](repeating: 1, count: 8 * 1024 * 1024), timeout: .seconds(20))
        XCTAssertEqual(result.exitStatus, 4)
        XCTAssertFalse(result.timedOut)
    }

    func testASignalledScriptReportsTheSignal() throws {
        let server = try startServer()
        let connection = try connect(server)
        let result = try connection.run("kill -TERM $$; sleep 5", timeout: .seconds(10))
        XCTAssertFalse(result.timedOut)
        // The login shell either execs sh (the signal reaches sshd) or reports 128+15 itself.
        XCTAssertTrue(result.exitSignal == "TERM" || result.exitStatus == 143, "\(result)")
    }

    /// Prints loopback timings for the report: connect + authenticate + `true` + close, and a 5+5 MB transfer.
    func testLoopbackTimings() throws {
        let server = try startServer()
        let credentials = SSHCredentials(privateKeyPath: server.clientKey)
        var roundTrips: [Double] = []
        var reused: [Double] = []
        for _ in 0..<10 {
            let ((), elapsed) = try measure {
                let connection = try SSHConnection.connect(target(server), credentials: credentials)
                XCTAssertEqual(try connection.run("true", timeout: .seconds(10)).exitStatus, 0)
                connection.close()
            }
            roundTrips.append(elapsed)
        }
        var connects: [Double] = []
        for _ in 0..<10 {
            let ((), elapsed) = try measure {
                let connection = try SSHConnection.connect(target(server), credentials: credentials)
                connection.close()
            }
            connects.append(elapsed)
        }
        let connection = try connect(server)
        for _ in 0..<10 {
            reused.append(try measure { try connection.run("true", timeout: .seconds(10)) }.1)
        }
        let bare = try measure { try connection.run("exec /bin/true", timeout: .seconds(10)) }.1
        let size = 5 * 1024 * 1024
        let (big, transfer) = try measure {
            try connection.run("head -c \(size) /dev/zero & head -c \(size) /dev/zero >&2; wait", timeout: .seconds(60))
        }
        XCTAssertEqual(big.stdout.count + big.stderr.count, 2 * size)
        let upload = try measure {
            try connection.upload(
                [UInt8](repeating: 7, count: size), to: root.appendingPathComponent("up").path, mode: 0o644)
        }.1
        func median(_ values: [Double]) -> String {
            String(format: "%.1f ms", values.sorted()[values.count / 2] * 1000)
        }
        print(
            "TIMING connect+auth+close median \(median(connects)); connect+auth+true+close median \(median(roundTrips))"
                + " (min \(median([roundTrips.min() ?? 0])));"
                + " run true on an open connection median \(median(reused)); one more \(median([bare]));"
                + " 5 MB stdout + 5 MB stderr \(String(format: "%.0f ms", transfer * 1000));"
                + " 5 MB upload \(String(format: "%.0f ms", upload * 1000))")
    }

    /// Some host key line, for targets whose handshake never gets that far.
    func hostKeyLine() throws -> String {
        try SSHTestServer.keygen(root.appendingPathComponent("unused-\(UUID().uuidString)"))
    }
}
