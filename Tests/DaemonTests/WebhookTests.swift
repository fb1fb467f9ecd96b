import Daemon
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest

/// The webhook endpoints against their documented contract, GitHub's own test vector first.
final class WebhookTests: XCTestCase {
    /// From GitHub's documentation ("Validating webhook deliveries").
    static let secret = "It's a Secret to Everybody"
    static let body = "Hello, World!"
    static let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    func testGitHubsTestVectorIsAcceptedAndAnyChangeRefused() {
        let verifier = WebhookVerifier(secret: Array(Self.secret.utf8))
        XCTAssertTrue(verifier.verifySignature(body: Array(Self.body.utf8), header: Self.signature))
        XCTAssertFalse(verifier.verifySignature(body: Array("Hello, World?".utf8), header: Self.signature))
        XCTAssertFalse(
            WebhookVerifier(secret: Array("It's a Secret to Everybody!".utf8))
                .verifySignature(body: Array(Self.body.utf8), header: Self.signature))
        for header in [
            nil, "", "sha256=", String(Self.signature.dropLast()), Self.signature.uppercased(),
            "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            Self.signature.replacingOccurrences(of: "e17", with: "e18"), Self.signature + "00",
        ] {
            XCTAssertFalse(verifier.verifySignature(body: Array(Self.body.utf8), header: header), header ?? "nil")
        }
        XCTAssertTrue(verifier.verifyToken(Self.secret))
        XCTAssertFalse(verifier.verifyToken(Self.secret + " "))
        XCTAssertFalse(verifier.verifyToken(nil))
    }

    /// Every request the endpoints saw wake the loop, in order.
    final class Triggers: @unchecked Sendable {
        private let lock = NSLock()
        private var reasons: [String] = []
        func add(_ reason: String) { lock.withLock { reasons.append(reason) } }
        var all: [String] { lock.withLock { reasons } }
    }

    func app(_ triggers: Triggers, secret: String? = secret) -> some ApplicationProtocol {
        let http = DaemonHTTP(
            branch: "main", verifier: secret.map { WebhookVerifier(secret: Array($0.utf8)) },
            trigger: { triggers.add($0) }, readiness: { .init(ready: false, reason: "no fetch yet") },
            status: { Array("{}".utf8) }, metrics: { "# nothing\n" })
        return Application(router: http.router())
    }

    static func signed(_ body: String, secret: String = secret) -> String {
        // The same HMAC as GitHub's, made by the verifier's own library through a round trip: the test vector
        // above pins the algorithm; here a body of the test's own needs its signature.
        HMACHex.sha256(key: Array(secret.utf8), body: Array(body.utf8))
    }

    static func post(
        _ client: some TestClientProtocol, _ path: String, _ body: String, _ headers: [HTTPField.Name: String]
    ) async throws -> (HTTPResponse.Status, String) {
        var fields = HTTPFields()
        for (name, value) in headers { fields[name] = value }
        return try await client.execute(
            uri: path, method: .post, headers: fields, body: ByteBuffer(string: body)
        ) { response in (response.status, String(buffer: response.body)) }
    }

    func testGitHubPushesPingsAndForgeries() async throws {
        let triggers = Triggers()
        try await app(triggers).test(.router) { client in
            let sig = HTTPField.Name("X-Hub-Signature-256")!
            let event = HTTPField.Name("X-GitHub-Event")!
            let push = #"{"ref": "refs/heads/main", "after": "abc"}"#
            let other = #"{"ref": "refs/heads/feature"}"#
            var (status, _) = try await Self.post(
                client, "/hooks/github", push, [sig: Self.signed(push), event: "push"])
            XCTAssertEqual(status, .accepted)
            (status, _) = try await Self.post(client, "/hooks/github", "{}", [sig: Self.signed("{}"), event: "ping"])
            XCTAssertEqual(status, .ok)
            (status, _) = try await Self.post(client, "/hooks/github", other, [sig: Self.signed(other), event: "push"])
            XCTAssertEqual(status, .accepted)
            // Forgeries: no signature, another secret's, a body changed after signing.
            (status, _) = try await Self.post(client, "/hooks/github", push, [event: "push"])
            XCTAssertEqual(status, .unauthorized)
            (status, _) = try await Self.post(
                client, "/hooks/github", push, [sig: Self.signed(push, secret: "guess"), event: "push"])
            XCTAssertEqual(status, .unauthorized)
            (status, _) = try await Self.post(
                client, "/hooks/github", push + " ", [sig: Self.signed(push), event: "push"])
            XCTAssertEqual(status, .unauthorized)
            // The test vector itself, as a ping.
            (status, _) = try await Self.post(
                client, "/hooks/github", Self.body, [sig: Self.signature, event: "ping"])
            XCTAssertEqual(status, .ok)
        }
        XCTAssertEqual(triggers.all, ["webhook: push to main"], "only the push to main wakes the loop")
    }

    func testBodiesOverOneMebibyteAreRefused() async throws {
        let triggers = Triggers()
        try await app(triggers).test(.router) { client in
            let big = String(repeating: "x", count: 2 << 20)
            let (status, _) = try await Self.post(
                client, "/hooks/github", big, [HTTPField.Name("X-Hub-Signature-256")!: Self.signed(big)])
            XCTAssertEqual(status, .contentTooLarge)
            let (exact, _) = try await Self.post(
                client, "/hooks/generic", String(repeating: "y", count: WebhookVerifier.maxBody),
                [HTTPField.Name("X-Hub-Signature-256")!: "sha256=00"])
            XCTAssertEqual(exact, .unauthorized, "1 MiB exactly is read, then judged by its signature")
        }
        XCTAssertEqual(triggers.all, [])
    }

    func testGitLabAndGenericHooks() async throws {
        let triggers = Triggers()
        try await app(triggers).test(.router) { client in
            let token = HTTPField.Name("X-Gitlab-Token")!
            let event = HTTPField.Name("X-Gitlab-Event")!
            let push = #"{"object_kind": "push", "ref": "refs/heads/main"}"#
            var (status, _) = try await Self.post(
                client, "/hooks/gitlab", push, [token: Self.secret, event: "Push Hook"])
            XCTAssertEqual(status, .accepted)
            (status, _) = try await Self.post(client, "/hooks/gitlab", push, [token: "wrong", event: "Push Hook"])
            XCTAssertEqual(status, .unauthorized)
            (status, _) = try await Self.post(client, "/hooks/gitlab", push, [event: "Push Hook"])
            XCTAssertEqual(status, .unauthorized)
            let sig = HTTPField.Name("X-Hub-Signature-256")!
            (status, _) = try await Self.post(client, "/hooks/generic", "", [sig: Self.signed("")])
            XCTAssertEqual(status, .accepted)
            (status, _) = try await Self.post(client, "/hooks/generic", "", [sig: Self.signed("x")])
            XCTAssertEqual(status, .unauthorized)
        }
        XCTAssertEqual(triggers.all, ["webhook: push to main", "webhook: push to main"])
    }

    func testWithoutASecretEveryHookIsRefused() async throws {
        let triggers = Triggers()
        try await app(triggers, secret: nil).test(.router) { client in
            let (status, _) = try await Self.post(
                client, "/hooks/github", Self.body,
                [HTTPField.Name("X-Hub-Signature-256")!: Self.signature, HTTPField.Name("X-GitHub-Event")!: "push"])
            XCTAssertEqual(status, .unauthorized)
        }
        XCTAssertEqual(triggers.all, [])
    }

    func testHealthReadinessStatusAndMetrics() async throws {
        try await app(Triggers()).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { XCTAssertEqual($0.status, .ok) }
            try await client.execute(uri: "/readyz", method: .get) {
                XCTAssertEqual($0.status, .serviceUnavailable)
                XCTAssertEqual(String(buffer: $0.body), "no fetch yet\n")
            }
            try await client.execute(uri: "/status", method: .get) {
                XCTAssertEqual($0.headers[.contentType], "application/json")
            }
            try await client.execute(uri: "/metrics", method: .get) {
                XCTAssertEqual($0.headers[.contentType], "text/plain; version=0.0.4; charset=utf-8")
            }
        }
    }
}
