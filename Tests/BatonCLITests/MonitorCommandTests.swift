import Foundation
import XCTest

/// `baton monitor check` and `baton monitor status`, run as users run them, against a local HTTP server.
final class MonitorCommandTests: XCTestCase {
    /// python3's http.server on 127.0.0.1, on a port it picks; stopped by the caller.
    final class PythonServer {
        let process = Process()
        let port: Int

        init(directory: URL) throws {
            try "hello from acme\n".write(
                to: directory.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", "-u", "-c",
                """
                import http.server, functools, sys
                h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
                s = http.server.HTTPServer(("127.0.0.1", 0), h)
                print(s.server_address[1], flush=True)
                s.serve_forever()
                """, directory.path,
            ]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                guard !chunk.isEmpty else { break }
                line += chunk
            }
            guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            else { throw GitWork.GitFailure(description: "python3 http.server did not start") }
            self.port = port
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func site(port: Int, extra: String = "") -> String {
        """
        apiVersion: baton/v1
        kind: MonitoredSite
        metadata:
          name: acme-local
        spec:
          account: acme
          url: http://127.0.0.1:\(port)/
          timeout: 2s
          allowPrivate: true
          expect:
            bodyContains: hello
        \(extra)
        """
    }

    func testCheckExplainsEachStepAndExitsByState() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        let server = try PythonServer(directory: work.root)
        var stopped = false
        defer { if !stopped { server.stop() } }
        try site(port: server.port).write(
            toFile: work.path + "/accounts/acme/local.yaml", atomically: true, encoding: .utf8)
        try work.git("add", "-A")
        try work.git("commit", "-q", "-m", "monitor")

        let up = try BatonProcess.run(["monitor", "check", "acme-local", "--repo", work.path])
        XCTAssertEqual(up.status, 0, up.stdout + up.stderr)
        for expected in ["ok   dns", "ok   tcp", "127.0.0.1:\(server.port)", "ok   http", "HTTP 200", "UP HTTP 200"] {
            XCTAssertTrue(up.stdout.contains(expected), "missing '\(expected)' in:\n\(up.stdout)")
        }
        XCTAssertTrue(up.stdout.contains(" ms"), up.stdout)

        let json = try BatonProcess.run(["monitor", "check", "acme-local", "--repo", work.path, "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["up"] as? Bool, true)
        XCTAssertEqual(object["formatVersion"] as? Int, 1)
        XCTAssertEqual((object["steps"] as? [[String: Any]])?.map { $0["step"] as? String }, ["dns", "tcp", "http"])

        server.stop()
        stopped = true
        let down = try BatonProcess.run(["monitor", "check", "acme-local", "--repo", work.path])
        XCTAssertEqual(down.status, 1, down.stdout + down.stderr)
        XCTAssertTrue(down.stdout.contains("FAIL tcp"), down.stdout)
        XCTAssertTrue(down.stdout.contains("DOWN [tcpRefused]"), down.stdout)
        XCTAssertTrue(down.stdout.contains("nothing listens"), down.stdout)
        XCTAssertTrue(down.stdout.contains("  hint: "), down.stdout)

        let missing = try BatonProcess.run(["monitor", "check", "nope", "--repo", work.path])
        XCTAssertEqual(missing.status, 3)
        XCTAssertTrue(missing.stderr.contains("no MonitoredSite 'nope'"), missing.stderr)
    }

    func testRunChecksOnScheduleAndLeavesTheStateOnTheStatusBranch() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        let server = try PythonServer(directory: work.root)
        defer { server.stop() }
        try site(port: server.port).replacingOccurrences(of: "  timeout: 2s", with: "  timeout: 2s\n  interval: 10s")
            .write(toFile: work.path + "/accounts/acme/local.yaml", atomically: true, encoding: .utf8)
        // The example's own monitors name public hosts: `run` checks every site, and a test sends nothing
        // beyond loopback, so they go.
        for account in ["acme", "globex", "initech"] {
            try? FileManager.default.removeItem(atPath: work.path + "/accounts/\(account)/monitors.yaml")
        }
        try work.git("add", "-A")
        try work.git("commit", "-q", "-m", "monitor")
        let starts = work.root.appendingPathComponent("starts.tsv").path
        // Eleven seconds: every site (interval 10s, each at its own offset) is checked at least once.
        let run = try BatonProcess.run(["monitor", "run", "--repo", work.path, "--for", "11s", "--start-log", starts])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("status commit(s)"), run.stdout)
        let logged = try String(contentsOfFile: starts, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(logged.contains { $0.hasPrefix("acme-local\t") }, logged.joined(separator: "\n"))
        // No flip (unknown to up is none): the one commit is the flush of the latest figures when it stopped.
        XCTAssertEqual(try work.git("rev-list", "--count", "baton/status"), "1")
        let status = try BatonProcess.run(["monitor", "status", "--repo", work.path])
        XCTAssertEqual(status.status, 0, status.stdout + status.stderr)
        XCTAssertTrue(status.stdout.contains("acme-local (acme): up since "), status.stdout)
        XCTAssertTrue(status.stdout.contains("passed in"), status.stdout)
    }

    func testCheckRefusesAPrivateAddressWithoutAllowPrivate() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        // Nothing needs to listen: the guard refuses before any connection.
        try site(port: 9).replacingOccurrences(of: "  allowPrivate: true\n", with: "").write(
            toFile: work.path + "/accounts/acme/local.yaml", atomically: true, encoding: .utf8)
        try work.git("add", "-A")
        try work.git("commit", "-q", "-m", "monitor")
        let out = try BatonProcess.run(["monitor", "check", "acme-local", "--repo", work.path])
        XCTAssertEqual(out.status, 1, out.stdout + out.stderr)
        XCTAssertTrue(out.stdout.contains("DOWN [refusedPrivate]"), out.stdout)
        XCTAssertFalse(out.stdout.contains(" tcp "), out.stdout)
    }

    func testStatusReadsMonitorsFromTheStatusBranch() throws {
        let work = try GitWork.make()
        defer { work.remove() }
        let empty = try BatonProcess.run(["monitor", "status", "--repo", work.path])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stdout.contains("No monitored site has been checked yet."), empty.stdout)

        // A status branch holding two monitor files, made with the git CLI.
        try work.git("checkout", "-q", "--orphan", "baton/status")
        try work.git("rm", "-rq", "--cached", ".")
        let file = { (site: String, state: String, cls: String) in
            """
            formatVersion: 1
            site: \(site)
            account: acme
            url: "https://\(site).example/"
            state: \(state)
            since: "2026-12-01T10:00:00Z"
            class: \(cls)
            explanation: "The server answered HTTP 503 Service Unavailable; expected 200-399."
            hint: "The application failed."
            consecutiveFailures: 4
            consecutiveSuccesses: 0
            alerted: true
            warnedSerials: []
            certificate: null
            results:
              - {time: "2026-12-01T10:05:00Z", up: false, class: httpStatus, status: 503, ms: 42}

            """
        }
        try FileManager.default.createDirectory(atPath: work.path + "/monitors", withIntermediateDirectories: true)
        try file("shop", "down", "httpStatus").write(
            toFile: work.path + "/monitors/shop.yaml", atomically: true, encoding: .utf8)
        try file("www", "up", "null").replacingOccurrences(of: "up: false", with: "up: true").write(
            toFile: work.path + "/monitors/www.yaml", atomically: true, encoding: .utf8)
        try work.git("add", "monitors")
        try work.git("commit", "-q", "-m", "monitors")
        try work.git("checkout", "-q", "-f", "main")

        let out = try BatonProcess.run(["monitor", "status", "--repo", work.path])
        XCTAssertEqual(out.status, 1, out.stdout + out.stderr)
        XCTAssertTrue(out.stdout.contains("shop (acme): down since 2026-12-01T10:00:00Z"), out.stdout)
        XCTAssertTrue(out.stdout.contains("[httpStatus] The server answered HTTP 503"), out.stdout)
        XCTAssertTrue(out.stdout.contains("www (acme): up"), out.stdout)
        XCTAssertTrue(out.stdout.contains("2 site(s): 1 up, 1 down."), out.stdout)
        // `baton status` still reads a branch with only monitors on it as nothing applied.
        let status = try BatonProcess.run(["status", "--repo", work.path])
        XCTAssertEqual(status.status, 0, status.stdout + status.stderr)
    }
}
