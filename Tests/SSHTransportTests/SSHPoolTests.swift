import Foundation
import SSHTransport
import TestSupport
import XCTest

final class SSHPoolTests: SSHTestCase {
    func testForEachRunsServersInParallel() throws {
        let server = try startServer()
        let targets = (0..<4).map { _ in target(server) }
        let credentials = SSHCredentials(privateKeyPath: server.clientKey)

        // The serial cost of one server, to compare with.
        let (_, single) = try measure {
            let connection = try SSHConnection.connect(targets[0], credentials: credentials)
            _ = try connection.run("sleep 1", timeout: .seconds(10))
        }
        let (results, elapsed) = measure {
            SSHPool.forEach(Array(targets.enumerated()), parallel: 8) { index, target -> Result<String, Error> in
                Result {
                    let connection = try SSHConnection.connect(target, credentials: credentials)
                    let result = try connection.run("sleep 1; echo \(index)", timeout: .seconds(10))
                    return String(decoding: result.stdout, as: UTF8.self)
                }
            }
        }
        XCTAssertEqual(try results.map { try $0.get() }, ["0\n", "1\n", "2\n", "3\n"])
        print(
            "TIMING forEach 4 x (connect + sleep 1): \(String(format: "%.2f", elapsed)) s; one alone \(String(format: "%.2f", single)) s"
        )
        XCTAssertLessThan(elapsed, 4 * single * 0.6, "parallel \(elapsed) s, serial would be \(4 * single) s")
    }

    func testParallelismIsBounded() throws {
        let running = Counter()
        let outputs = SSHPool.forEach(Array(0..<12), parallel: 3) { item -> Int in
            running.change(+1)
            usleep(50_000)
            running.change(-1)
            return item * 2
        }
        XCTAssertEqual(outputs, (0..<12).map { $0 * 2 })
        XCTAssertEqual(running.peak, 3)
    }

    func testConnectEachFromAsyncCodeReportsEachServer() async throws {
        let server = try startServer()
        let credentials = SSHCredentials(privateKeyPath: server.clientKey)
        let closed = SSHTarget(
            host: "127.0.0.1", port: try LoopbackSocket.freePort(), user: server.user, hostKey: server.hostKey)
        let start = ContinuousClock.now
        let results = await SSHPool.connectEach([target(server), closed, target(server)], credentials: credentials) {
            connection in
            try connection.run("sleep 1; echo ok", timeout: .seconds(10)).stdout
        }
        let elapsed = seconds(start.duration(to: .now))
        XCTAssertEqual(try results[0].get(), Array("ok\n".utf8))
        XCTAssertEqual(try results[2].get(), Array("ok\n".utf8))
        XCTAssertThrowsError(try results[1].get()) {
            XCTAssertEqual($0 as? SSHError, .connectionRefused(endpoint: closed.endpoint))
        }
        XCTAssertLessThan(elapsed, 1.9)
    }
}

/// Counts the work items running at once and remembers the most.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0

    func change(_ delta: Int) {
        lock.lock()
        defer { lock.unlock() }
        current += delta
        peak = max(peak, current)
    }
}
