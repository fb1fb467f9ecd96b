import Foundation
import Manifests
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import X509

/// What a checker is set up with, the same for every site.
package struct CheckSettings: Sendable {
    /// Authorities trusted besides the system's (a private CA the operator runs; tests).
    package var extraTrustRoots: [Certificate] = []
    package var userAgent = "Baton-Monitor/\(MonitorVersion.string)"
    /// Bytes of body kept for `bodyContains` and `[BODY]`.
    package var bodyLimit = 1 << 20
    package var maxRedirects = 10

    package init() {}
}

package enum MonitorVersion {
    package static let string = "0.1"
}

/// Runs one check of one site: DNS, the address guard, TCP, TLS and HTTP, each timed, following redirects
/// (each one resolved and guarded again), and classifies the first failure. Everything runs on the event loop
/// group and the thread pool: no thread per site, no blocking call on the cooperative pool.
package struct SiteChecker: Sendable {
    let group: any EventLoopGroup
    let resolver: any NameResolver
    let settings: CheckSettings
    let tls: NIOSSLContext
    let certificates: CertificateCheck

    package init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        resolver: any NameResolver = SystemResolver(),
        settings: CheckSettings = CheckSettings()
    ) throws {
        self.group = group
        self.resolver = resolver
        self.settings = settings
        var configuration = TLSConfiguration.makeClientConfiguration()
        // The custom verification callback replaces BoringSSL's: CertificateCheck judges the chain and says why.
        configuration.certificateVerification = .fullVerification
        self.tls = try NIOSSLContext(configuration: configuration)
        self.certificates = CertificateCheck(
            roots: CertificateStore.systemTrustRoots.appending(contentsOf: settings.extraTrustRoots))
    }

    package func check(_ site: MonitoredSite, now: Date = Date()) async -> CheckResult {
        await check(name: site.name, spec: site.spec, now: now)
    }

    package func check(name: String, spec: MonitoredSiteSpec, now: Date = Date()) async -> CheckResult {
        var result = CheckResult(site: name, url: spec.url, started: now)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = NIODeadline.now() + .seconds(spec.timeout.seconds)
        var url = spec.url
        var hop = 0
        while true {
            result.chain.append(url)
            let outcome = await fetch(url, hop: hop, spec: spec, deadline: deadline, now: now, into: &result)
            guard case .response(let response) = outcome else {
                if case .failed(let failure) = outcome { result.failure = failure }
                break
            }
            let status = Int(response.head.status.code)
            if [301, 302, 303, 307, 308].contains(status), let location = response.head.headers.first(name: "location")
            {
                guard let next = URL(string: location, relativeTo: URL(string: url))?.absoluteURL.absoluteString,
                    let scheme = URLComponents(string: next)?.scheme?.lowercased(),
                    scheme == "http" || scheme == "https"
                else {
                    result.failure = Explain.badRedirect(location)
                    break
                }
                if result.chain.contains(next) {
                    result.failure = Explain.redirectLoop(result.chain + [next], loop: true)
                    break
                }
                if hop >= settings.maxRedirects {
                    result.failure = Explain.redirectLoop(result.chain + [next], loop: false)
                    break
                }
                url = next
                hop += 1
                continue
            }
            result.status = status
            result.headers = response.head.headers.map { ($0.name, $0.value) }
            result.body = response.body
            result.bodyCut = response.truncated
            break
        }
        result.totalMilliseconds = Self.milliseconds(start.duration(to: clock.now))
        if result.failure == nil { result.failure = judge(result, spec: spec) }
        if result.failure == nil, let certificate = result.certificate,
            certificate.notAfter.timeIntervalSince(now) < Double(spec.tlsWarnBefore.seconds)
        {
            result.certificateWarning = true
        }
        return result
    }

    /// The response's judgement against `expect` and the conditions.
    func judge(_ result: CheckResult, spec: MonitoredSiteSpec) -> Failure? {
        guard let status = result.status else { return nil }
        if !spec.expect.status.contains(where: { $0.contains(status) }) {
            // A login prompt the site did not declare as expected has words of its own.
            if status == 401 || status == 407 { return Explain.httpAuthRequired(status) }
            let expected = spec.expect.status.map { $0.lower == $0.upper ? "\($0.lower)" : "\($0.lower)-\($0.upper)" }
            return Explain.httpStatus(
                status, reason: HTTPResponseStatus(statusCode: status).reasonPhrase,
                expected: expected.joined(separator: ", "))
        }
        if let text = spec.expect.bodyContains, !result.body.containsSubsequence(Array(text.utf8)) {
            return Explain.bodyMismatch(text, status: status, bytes: result.body.count, cut: result.bodyCut)
        }
        if let limit = spec.expect.maxLatency, result.totalMilliseconds > Double(limit.seconds * 1000) {
            return Explain.slowResponse(Int64(result.totalMilliseconds), limit: limit.seconds * 1000)
        }
        let failed = spec.conditions.compactMap { condition -> (String, String)? in
            let outcome = ConditionEvaluator.evaluate(condition, on: result)
            return outcome.holds ? nil : (condition.text, outcome.actual)
        }
        return failed.isEmpty ? nil : Explain.conditionFailed(failed.map { (condition: $0.0, actual: $0.1) })
    }

    enum Outcome {
        case response(RawResponse)
        case failed(Failure)
    }

    /// One request: resolve, guard, connect, handshake, ask.
    func fetch(
        _ text: String, hop: Int, spec: MonitoredSiteSpec, deadline: NIODeadline, now: Date,
        into result: inout CheckResult
    ) async -> Outcome {
        let clock = ContinuousClock()
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let rawHost = url.host, !rawHost.isEmpty
        else {
            return .failed(Explain.badRedirect(text))
        }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let secure = scheme == "https"
        let port = url.port ?? (secure ? 443 : 80)

        // DNS
        var t = clock.now
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            switch await resolver.resolve(host) {
            case .success(let found):
                addresses = found
            case .failure(let failure):
                result.dnsRcode = failure.rcode
                result.steps.append(step(.dns, since: t, ok: false, note: failure.rcode, hop: hop))
                switch failure {
                case .noSuchName: return .failed(Explain.dnsNoSuchName(host))
                case .noAddress: return .failed(Explain.dnsNoAddress(host))
                case .noAnswer(let detail): return .failed(Explain.dnsNoAnswer(host, detail: detail))
                }
            }
        }
        result.dnsRcode = "NOERROR"
        let listed = addresses.map(\.description).joined(separator: ", ")
        // The guard judges every address the name has: a name that mixes public and private addresses (DNS
        // rebinding) is refused as a whole.
        if !spec.allowPrivate {
            for address in addresses {
                if let why = AddressPolicy.nonPublicReason(address) {
                    result.steps.append(step(.dns, since: t, ok: false, note: listed, hop: hop))
                    return .failed(
                        Explain.refusedPrivate(host, address: address.description, why: why, redirected: hop > 0))
                }
            }
        }
        result.steps.append(step(.dns, since: t, ok: true, note: listed, hop: hop))

        // TCP: the addresses just judged, in order, never resolved again.
        t = clock.now
        var channel: (any Channel)?
        var handshake: EventLoopPromise<Void>?
        var peer: EventLoopPromise<PeerChain>?
        var response: EventLoopPromise<RawResponse>!
        var lastFailure: Failure?
        for address in addresses.prefix(4) {
            let remaining = deadline - .now()
            guard remaining > .zero else { break }
            let loop = group.next()
            let r = loop.makePromise(of: RawResponse.self)
            let h = secure ? loop.makePromise(of: Void.self) : nil
            let p = secure ? loop.makePromise(of: PeerChain.self) : nil
            let bodyLimit = settings.bodyLimit
            let context = tls
            let sni = IPAddress(host) == nil ? host : nil
            let bootstrap = ClientBootstrap(group: loop)
                .connectTimeout(remaining)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if let p {
                            let handler = try NIOSSLClientHandler(
                                context: context, serverHostname: sni,
                                customVerificationCallback: { certificates, verdict in
                                    p.succeed(PeerChain(certificates: certificates, verdict: verdict))
                                })
                            try sync.addHandler(handler)
                        }
                        try sync.addHTTPClientHandlers()
                        try sync.addHandler(
                            ResponseCollector(handshake: h, peer: p, response: r, deadline: deadline, limit: bodyLimit))
                    }
                }
            do {
                let socket = try SocketAddress(ipAddress: address.description, port: port)
                channel = try await bootstrap.connect(to: socket).get()
                result.ip = address
                response = r
                handshake = h
                peer = p
                break
            } catch {
                r.fail(error)
                h?.fail(error)
                p?.fail(error)
                lastFailure = Self.connectFailure(error, address: address.description, port: port, remaining: remaining)
                if case .tcpTimeout = lastFailure?.failureClass { break }
            }
        }
        guard let channel else {
            let failure =
                lastFailure
                ?? Explain.tcpTimeout(listed, port: port, seconds: Double(spec.timeout.seconds))
            result.steps.append(step(.tcp, since: t, ok: false, note: listed, hop: hop))
            return .failed(failure)
        }
        result.steps.append(step(.tcp, since: t, ok: true, note: "\(result.ip!):\(port)", hop: hop))
        let where_ = "\(result.ip!)"

        // TLS
        if let peer, let handshake {
            t = clock.now
            do {
                let chain = try await peer.futureResult.get()
                let (info, failure) = await certificates.judge(chain.certificates, host: host, now: now)
                if hop == 0 || result.certificate == nil { result.certificate = info }
                if let failure {
                    chain.verdict.succeed(.failed)
                    channel.close(promise: nil)
                    result.steps.append(step(.tls, since: t, ok: false, note: info.map(Self.describe) ?? "", hop: hop))
                    return .failed(failure)
                }
                chain.verdict.succeed(.certificateVerified)
                try await handshake.futureResult.get()
                result.certificate = info
                result.steps.append(step(.tls, since: t, ok: true, note: info.map(Self.describe) ?? "", hop: hop))
            } catch {
                channel.close(promise: nil)
                result.steps.append(step(.tls, since: t, ok: false, note: "", hop: hop))
                return .failed(
                    Self.afterConnect(error, step: .tls, host: host, address: where_, port: port, spec: spec))
            }
        }

        // HTTP
        t = clock.now
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: Self.target(url))
        head.headers.add(name: "Host", value: url.port.map { "\(rawHost):\($0)" } ?? rawHost)
        head.headers.add(name: "User-Agent", value: settings.userAgent)
        head.headers.add(name: "Accept", value: "*/*")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            let answer = try await response.futureResult.get()
            let code = Int(answer.head.status.code)
            result.steps.append(
                step(.http, since: t, ok: true, note: "HTTP \(code), \(answer.body.count) bytes", hop: hop))
            return .response(answer)
        } catch {
            channel.close(promise: nil)
            result.steps.append(step(.http, since: t, ok: false, note: "", hop: hop))
            return .failed(Self.afterConnect(error, step: .http, host: host, address: where_, port: port, spec: spec))
        }
    }

    static func target(_ url: URLComponents) -> String {
        var target = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        if let query = url.percentEncodedQuery { target += "?" + query }
        return target
    }

    static func describe(_ info: CertificateInfo) -> String {
        "certificate for \(info.subjectNames.prefix(3).joined(separator: ", ")), serial \(info.serial), "
            + "valid until \(CertificateCheck.day(info.notAfter))"
    }

    static func connectFailure(_ error: any Error, address: String, port: Int, remaining: TimeAmount) -> Failure {
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return Explain.tcpTimeout(address, port: port, seconds: Double(remaining.nanoseconds) / 1e9)
        }
        switch errno(of: error) {
        case ECONNREFUSED: return Explain.tcpRefused(address, port: port)
        case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN, EADDRNOTAVAIL:
            return Explain.hostUnreachable(address, port: port, detail: "\(error)")
        case ETIMEDOUT: return Explain.tcpTimeout(address, port: port, seconds: Double(remaining.nanoseconds) / 1e9)
        case ECONNRESET: return Explain.connectionReset(address, port: port, during: "while connecting")
        default: return Explain.hostUnreachable(address, port: port, detail: "\(error)")
        }
    }

    static func errno(of error: any Error) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        if let connect = error as? NIOConnectionError {
            return connect.connectionErrors.compactMap { ($0.error as? IOError)?.errnoCode }.first
        }
        return nil
    }

    /// A failure once connected: a timeout, a reset, a close, a TLS error, or a response that is not HTTP.
    static func afterConnect(
        _ error: any Error, step: CheckStep, host: String, address: String, port: Int, spec: MonitoredSiteSpec
    ) -> Failure {
        let seconds = Double(spec.timeout.seconds)
        let during = step == .tls ? "during the TLS handshake" : "before the response was complete"
        var underlying = error
        var phase = step
        if let failure = error as? ConnectionFailure {
            switch failure {
            case .timedOut(let p):
                return p == .tls
                    ? Explain.tlsHandshake(host, detail: "no TLS handshake within \(Explain.format(seconds))")
                    : Explain.responseTimeout(address, port: port, seconds: seconds)
            case .closed(let p, _):
                return p == .tls
                    ? Explain.tlsHandshake(host, detail: "the server closed the connection during the handshake")
                    : Explain.connectionClosed(address, port: port, during: during)
            case .error(let p, let e):
                underlying = e
                phase = p
            }
        }
        if errno(of: underlying) == ECONNRESET {
            return Explain.connectionReset(
                address, port: port, during: phase == .tls ? "during the TLS handshake" : during)
        }
        if underlying is NIOSSLError || underlying is BoringSSLError || phase == .tls {
            return Explain.tlsHandshake(host, detail: "\(underlying)")
        }
        if underlying is HTTPParserError {
            return Explain.badResponse(address, detail: "\(underlying)")
        }
        return Explain.connectionClosed(address, port: port, during: during + " (\(underlying))")
    }

    func step(_ step: CheckStep, since start: ContinuousClock.Instant, ok: Bool, note: String, hop: Int) -> StepTiming {
        StepTiming(
            step: step, milliseconds: Self.milliseconds(start.duration(to: ContinuousClock().now)), ok: ok, note: note,
            hop: hop)
    }

    static func milliseconds(_ d: Swift.Duration) -> Double {
        let (seconds, attoseconds) = d.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
