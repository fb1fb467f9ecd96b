import AsyncHTTPClient
import Foundation
import Manifests
import NIOCore
import NIOHTTP1

/// How hard to try: a receiver that is down for a minute should still get the alert.
package struct AlertDelivery: Sendable {
    package var attempts = 4
    /// Doubled after each failed attempt: 2 s, 4 s, 8 s.
    package var firstDelay: Swift.Duration = .seconds(2)
    package var timeout: Int64 = 10

    package init() {}
}

/// What became of one alert to one receiver.
package enum AlertOutcome: Sendable, Hashable {
    case sent(attempts: Int)
    case failed(String)
}

/// Sends alerts as a JSON POST (or Slack-compatible text) with retries and back-off, through AsyncHTTPClient.
package final class AlertSender: Sendable {
    let client: HTTPClient
    let receivers: Receivers
    let resolver: any NameResolver
    let metrics: MonitorMetrics
    let delivery: AlertDelivery

    package init(
        group: any EventLoopGroup, receivers: Receivers, resolver: any NameResolver = SystemResolver(),
        metrics: MonitorMetrics = MonitorMetrics(), delivery: AlertDelivery = AlertDelivery()
    ) {
        var configuration = HTTPClient.Configuration()
        // A webhook that redirects could send the payload anywhere: follow none.
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(delivery.timeout), read: .seconds(delivery.timeout))
        self.client = HTTPClient(eventLoopGroup: group, configuration: configuration)
        self.receivers = receivers
        self.resolver = resolver
        self.metrics = metrics
        self.delivery = delivery
    }

    package func shutdown() async throws {
        try await client.shutdown()
    }

    /// Sends `payload` to the alert's receiver. A literal webhook of a manifest passes the same address guard as
    /// the site (a tenant must not aim the daemon at its own network); receivers from the configuration are the
    /// operator's and are trusted.
    package func send(_ payload: AlertPayload, to alert: MonitoredSiteSpec.Alert, allowPrivate: Bool) async
        -> AlertOutcome
    {
        let url: String
        var format = alert.format ?? .json
        switch alert.target {
        case .receiver(let name):
            guard let receiver = receivers.byName[name] else {
                metrics.alert(sent: false)
                return .failed("no receiver '\(name)' in the daemon's configuration")
            }
            url = receiver.url
            if alert.format == nil { format = receiver.format }
        case .webhook(let literal):
            url = literal
            if !allowPrivate, let refusal = await guardWebhook(literal) {
                metrics.alert(sent: false)
                return .failed(refusal)
            }
        }
        let body = format == .slack ? payload.slack() : payload.json()
        var delay = delivery.firstDelay
        var last = ""
        for attempt in 1...max(1, delivery.attempts) {
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "Baton-Monitor/\(MonitorVersion.string)")
                request.body = .bytes(ByteBuffer(bytes: body))
                let response = try await client.execute(request, timeout: .seconds(delivery.timeout))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) {
                    metrics.alert(sent: true)
                    return .sent(attempts: attempt)
                }
                last = "HTTP \(response.status.code)"
                // A 4xx other than 408/429 will not change by retrying.
                if (400..<500).contains(response.status.code), ![408, 429].contains(response.status.code) { break }
            } catch {
                last = "\(error)"
            }
            if attempt < delivery.attempts {
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
        metrics.alert(sent: false)
        return .failed(last)
    }

    func guardWebhook(_ url: String) async -> String? {
        guard let host = URLComponents(string: url)?.host else { return "webhook '\(url)' has no host" }
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            guard case .success(let found) = await resolver.resolve(host) else {
                return "webhook host \(host) does not resolve"
            }
            addresses = found
        }
        for address in addresses {
            if let why = AddressPolicy.nonPublicReason(address) {
                return
                    "webhook host \(host) resolves to \(address), \(why) (refusedPrivate; the site may set allowPrivate)"
            }
        }
        return nil
    }
}
