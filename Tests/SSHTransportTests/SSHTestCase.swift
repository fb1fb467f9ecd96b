import Foundation
import SSHTransport
import TestSupport
import XCTest

/// A scratch folder and, on demand, a real sshd on 127.0.0.1: the base of the SSHTransport test cases.
class SSHTestCase: XCTestCase {
    var root: URL!
    var server: SSHTestServer?

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-ssh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        server?.stop()
        server = nil
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    func startServer() throws -> SSHTestServer {
        let started = try SSHTestServer.start(folder: root.appendingPathComponent("sshd"), skip: { XCTSkip($0) })
        server = started
        return started
    }

    func target(_ server: SSHTestServer, hostKey: String? = nil, timeout: Duration = .seconds(10)) -> SSHTarget {
        SSHTarget(
            host: "127.0.0.1", port: server.port, user: server.user, hostKey: hostKey ?? server.hostKey,
            connectTimeout: timeout)
    }

    func connect(_ server: SSHTestServer) throws -> SSHConnection {
        try SSHConnection.connect(target(server), credentials: SSHCredentials(privateKeyPath: server.clientKey))
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// How long `body` takes, in seconds.
    func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try body()
        return (value, seconds(start.duration(to: .now)))
    }
}
