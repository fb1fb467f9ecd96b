import Apply
import Backends
import Foundation
import Manifests
import Planning
import SSHTransport
import XCTest
import Zones

/// The executor's waves and failure mapping, in-process: each server's "connection" is a shell of the test's
/// own that answers the script's markers as the test says. The real transport is SSHConnectionTests' and the
/// end-to-end tests'.
final class ExecutorTests: XCTestCase {
    /// What a fake server does with the script it is sent.
    enum Behaviour: Sendable {
        case succeed(seconds: Double)
        /// The connection breaks after `after` operations ended well, the next one started.
        case loseConnection(after: Int)
        /// The deadline passes while the operation after `after` runs.
        case timeOut(after: Int)
        /// The connection is not made.
        case refuse(SSHError)
    }

    final class Timeline: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [String: (start: Date, end: Date)] = [:]
        func record(_ server: String, _ start: Date, _ end: Date) { lock.withLock { events[server] = (start, end) } }
        subscript(server: String) -> (start: Date, end: Date)? { lock.withLock { events[server] } }
    }

    final class FakeShell: RemoteShell {
        let server: String
        let behaviour: Behaviour
        let timeline: Timeline
        init(server: String, behaviour: Behaviour, timeline: Timeline) {
            self.server = server
            self.behaviour = behaviour
            self.timeline = timeline
        }

        func run(_ script: String, stdin: [UInt8]?, timeout: Swift.Duration) throws -> SSHResult {
            let start = Date()
            let marker = try XCTUnwrap(script.firstMatch(of: /@@BATON ([a-z0-9]+) RECEIVED ([0-9]+)/))
            let (nonce, count) = (String(marker.1), Int(marker.2)!)
            var lines = ["@@BATON \(nonce) RECEIVED \(count)"]
            func ops(_ n: Int) {
                for i in 0..<n { lines += ["@@BATON \(nonce) \(i) STARTED", "@@BATON \(nonce) \(i) END 0"] }
            }
            var result = SSHResult(exitStatus: 0)
            switch behaviour {
            case .succeed(let seconds):
                Thread.sleep(forTimeInterval: seconds)
                ops(count)
                lines += ["@@BATON \(nonce) DONE"]
            case .loseConnection(let after):
                ops(after)
                lines += ["@@BATON \(nonce) \(after) STARTED"]
                result = SSHResult(exitStatus: nil, connectionLost: "connection reset by peer")
            case .timeOut(let after):
                ops(after)
                lines += ["@@BATON \(nonce) \(after) STARTED"]
                result = SSHResult(exitStatus: nil, timedOut: true)
            case .refuse: XCTFail("not connected")
            }
            result.stdout = Array((lines.joined(separator: "\n") + "\n").utf8)
            timeline.record(server, start, Date())
            return result
        }
        func close() {}
    }

    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvF1lG0Yx4fzZ2sS8nJ7ggcK3vQ3Fh3Jq0q2Zt5Yb7w"

    /// web1 with acme's account and user, ns1 its primary zone, ns2 the secondary.
    func runs() throws -> [ServerRun] {
        func server(_ name: String, _ address: String, _ role: String) -> String {
            "apiVersion: baton/v1\nkind: Server\nmetadata: {name: \(name)}\nspec: {address: \(address), "
                + "hostname: \(name).test.baton, hostKey: \"\(Self.key)\", roles: [\(role)]}\n"
        }
        let set = try ManifestLoader.load(
            InMemorySource([
                "servers/web1.yaml": server("web1", "10.213.0.11", "web"),
                "servers/ns1.yaml": server("ns1", "10.213.0.12", "dns-primary"),
                "servers/ns2.yaml": server("ns2", "10.213.0.13", "dns-secondary"),
                "accounts/acme.yaml": """
                apiVersion: baton/v1
                kind: Account
                metadata: {name: acme}
                spec: {contact: ops@acme.example, placement: {web: web1, dns: [ns1, ns2]}}
                ---
                apiVersion: baton/v1
                kind: Domain
                metadata: {name: acme.example}
                spec: {account: acme, records: [{name: www, type: A, value: 10.213.0.11}]}
                ---
                apiVersion: baton/v1
                kind: SystemUser
                metadata: {name: acme-dev}
                spec: {account: acme, home: /home/acme/dev}
                ---
                apiVersion: baton/v1
                kind: SystemUser
                metadata: {name: acme-ops}
                spec: {account: acme, home: /home/acme/ops}

                """,
            ])
        ).manifests
        let states = ResourceStates.build(set)
        let plan = Planner.plan(
            Planner.Input(revision: "r1", states: states, servers: Set(set.servers.map(\.name)), applied: .empty))
        let byKey = Dictionary(states.map { ("\($0.server) \($0.id)", $0) }, uniquingKeysWith: { a, _ in a })
        let zones = Dictionary(
            ZoneInput.zones(of: set).map { ($0.origin, ZoneRenderer.render($0, serial: 2_026_120_701).text) },
            uniquingKeysWith: { a, _ in a })
        return Dictionary(grouping: plan.changes, by: \.server).keys.sorted().map { name in
            let spec = set.servers.first { $0.name == name }!.spec
            return ServerRun(
                server: name,
                target: SSHTarget(host: spec.address, port: spec.port, user: spec.user, hostKey: spec.hostKey),
                steps: plan.changes.filter { $0.server == name }.map {
                    Step(change: $0, desired: byKey["\($0.server) \($0.id)"], previous: nil)
                },
                context: ApplyContext(layout: ServerLayout(), manifests: set, zones: zones))
        }
    }

    func execute(_ behaviours: [String: Behaviour], timeline: Timeline = Timeline()) throws -> [String: ServerResult] {
        let connector = RemoteConnector { target, _ in
            let name = ["10.213.0.11": "web1", "10.213.0.12": "ns1", "10.213.0.13": "ns2"][target.host]!
            let behaviour = behaviours[name] ?? .succeed(seconds: 0)
            if case .refuse(let error) = behaviour { throw error }
            return FakeShell(server: name, behaviour: behaviour, timeline: timeline)
        }
        let results = Executor.run(
            try runs(), credentials: SSHCredentials(privateKeyPath: "/nonexistent"), parallel: 3, connector: connector)
        return Dictionary(uniqueKeysWithValues: results.map { ($0.server, $0) })
    }

    func testASecondaryWaitsForThePrimaryAndNotForTheWebServer() throws {
        let timeline = Timeline()
        let results = try execute(
            ["web1": .succeed(seconds: 1.0), "ns1": .succeed(seconds: 0.3), "ns2": .succeed(seconds: 0)],
            timeline: timeline)
        XCTAssertEqual(results.keys.sorted(), ["ns1", "ns2", "web1"])
        for result in results.values {
            XCTAssertTrue(result.states.allSatisfy { $0 == .success }, "\(result.server): \(result.states)")
            XCTAssertNil(result.failureKind)
        }
        let (web1, ns1, ns2) = try (XCTUnwrap(timeline["web1"]), XCTUnwrap(timeline["ns1"]), XCTUnwrap(timeline["ns2"]))
        XCTAssertGreaterThanOrEqual(ns2.start, ns1.end, "the secondary's first transfer finds the zone loaded")
        XCTAssertLessThan(ns2.end, web1.end, "and does not wait for the web server")
    }

    func testTransportFailuresArriveTyped() throws {
        let cases: [(SSHError, ServerFailure.Kind)] = [
            (.hostKeyMismatch(expected: "ssh-ed25519 AAAA", offered: "ssh-ed25519 BBBB"), .hostKeyRefused),
            (.connectionRefused(endpoint: "10.213.0.11:22"), .unreachable),
            (.connectTimedOut(endpoint: "10.213.0.11:22", stage: .tcpConnect, timeout: .seconds(10)), .unreachable),
            (.connectTimedOut(endpoint: "10.213.0.11:22", stage: .handshake, timeout: .seconds(10)), .timeout),
            (.authenticationFailed(user: "root", key: "k", reason: "refused"), .authentication),
            (.handshakeFailed(endpoint: "10.213.0.11:22", reason: "no common kex"), .other),
        ]
        for (error, kind) in cases {
            let web1 = try XCTUnwrap(try execute(["web1": .refuse(error)])["web1"])
            XCTAssertEqual(web1.failureKind, kind, "\(error)")
            XCTAssertTrue(web1.failure?.contains(error.description) == true, web1.failure ?? "")
            XCTAssertTrue(web1.states.allSatisfy { $0 == .aborted }, "nothing ran: \(web1.states)")
        }
    }

    func testALostConnectionAndADeadlineSayWhichOperationsRan() throws {
        let results = try execute(["web1": .loseConnection(after: 1), "ns1": .timeOut(after: 0)])
        let web1 = try XCTUnwrap(results["web1"])
        XCTAssertEqual(web1.states.count, 3)
        XCTAssertEqual(web1.failureKind, .connectionLost)
        XCTAssertEqual(web1.states.first, .success)
        XCTAssertEqual(web1.states.dropFirst().first, .error, "started, outcome unknown")
        XCTAssertTrue(web1.states.dropFirst(2).allSatisfy { $0 == .aborted }, "\(web1.states)")
        let ns1 = try XCTUnwrap(results["ns1"])
        XCTAssertNil(ns1.failureKind, "the script ran; its deadline is in the states")
        XCTAssertEqual(ns1.states.first, .timeout)
    }
}
