import Foundation
import HTTPTypes
import Hummingbird

/// The daemon's HTTP endpoints (docs/daemon.md): webhooks that wake the reconcile loop, health, readiness,
/// metrics and status. What they report comes from the closures, so this layer holds no state of its own.
package struct DaemonHTTP: Sendable {
    package struct Readiness: Sendable, Equatable {
        package var ready: Bool
        package var reason: String

        package init(ready: Bool, reason: String) {
            self.ready = ready
            self.reason = reason
        }
    }

    /// The branch the daemon follows: a push to any other wakes nothing.
    package var branch: String
    /// Nil: no secret is configured, and every webhook is refused (401) rather than trusted.
    package var verifier: WebhookVerifier?
    /// Called for a verified push to `branch`, with a reason for the log: wakes the loop.
    package var trigger: @Sendable (String) -> Void
    package var readiness: @Sendable () async -> Readiness
    /// `GET /status`: a JSON document.
    package var status: @Sendable () async -> [UInt8]
    /// `GET /metrics`: Prometheus text.
    package var metrics: @Sendable () async -> String

    package init(
        branch: String, verifier: WebhookVerifier?, trigger: @escaping @Sendable (String) -> Void,
        readiness: @escaping @Sendable () async -> Readiness, status: @escaping @Sendable () async -> [UInt8],
        metrics: @escaping @Sendable () async -> String
    ) {
        self.branch = branch
        self.verifier = verifier
        self.trigger = trigger
        self.readiness = readiness
        self.status = status
        self.metrics = metrics
    }

    package func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/hooks/github") { request, _ in
            try await self.hook(request) { verifier, body, headers in
                guard verifier.verifySignature(body: body, header: headers[.hubSignature]) else { return nil }
                return WebhookEvent.github(event: headers[.githubEvent], body: body)
            }
        }
        router.post("/hooks/gitlab") { request, _ in
            try await self.hook(request) { verifier, body, headers in
                guard verifier.verifyToken(headers[.gitlabToken]) else { return nil }
                return WebhookEvent.gitlab(event: headers[.gitlabEvent], body: body)
            }
        }
        router.post("/hooks/generic") { request, _ in
            try await self.hook(request) { verifier, body, headers in
                guard verifier.verifySignature(body: body, header: headers[.hubSignature]) else { return nil }
                // A generic hook need not say which branch moved: then it is taken as the followed one.
                return .push(branch: WebhookEvent.pushedBranch(body: body) ?? self.branch)
            }
        }
        router.get("/healthz") { _, _ in Self.text(.ok, "ok\n") }
        router.get("/readyz") { _, _ in
            let state = await self.readiness()
            return Self.text(state.ready ? .ok : .serviceUnavailable, state.reason + "\n")
        }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: await self.metrics())))
        }
        router.get("/status") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: await self.status())))
        }
        return router
    }

    /// A webhook: the body read up to the limit (413 past it), verified (401), then acted on.
    func hook(
        _ request: Request, _ interpret: (WebhookVerifier, [UInt8], HTTPFields) -> WebhookEvent?
    ) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: WebhookVerifier.maxBody)
        let body = Array(buffer.readableBytesView)
        guard let verifier, let event = interpret(verifier, body, request.headers) else {
            return Self.text(.unauthorized, "signature or token missing or wrong\n")
        }
        switch event {
        case .ping:
            return Self.text(.ok, "pong\n")
        case .push(let pushed) where pushed == branch:
            trigger("webhook: push to \(pushed)")
            return Self.text(.accepted, "fetching \(pushed)\n")
        case .push(let pushed):
            return Self.text(.accepted, "ignored: a push to \(pushed), not \(branch)\n")
        case .other(let what):
            return Self.text(.accepted, "ignored: \(what)\n")
        }
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension HTTPField.Name {
    static let hubSignature = Self("X-Hub-Signature-256")!
    static let githubEvent = Self("X-GitHub-Event")!
    static let gitlabToken = Self("X-Gitlab-Token")!
    static let gitlabEvent = Self("X-Gitlab-Event")!
}
