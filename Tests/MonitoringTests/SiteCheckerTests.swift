import Foundation
import Manifests
import NIOSSL
import TestSupport
import X509
import XCTest

@testable import Monitoring

/// Each way a site fails, against a local server made here (127.0.0.1, `allowPrivate: true`): the failure lands
/// in its class with its explanation.
final class SiteCheckerTests: XCTestCase {
    static func spec(_ url: String, _ change: (inout MonitoredSiteSpec) -> Void = { _ in }) -> MonitoredSiteSpec {
        var spec = MonitoredSiteSpec(account: "acme", url: url)
        spec.allowPrivate = true
        spec.timeout = .seconds(2)
        change(&spec)
        return spec
    }

    func checker(roots: [Certificate] = [], hosts: String = "") throws -> SiteChecker {
        var settings = CheckSettings()
        settings.extraTrustRoots = roots
        return try SiteChecker(resolver: FileResolver(hostsFile: hosts), settings: settings)
    }

    func testUp200EachStepTimed() async throws {
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [], body: "all good") }
        defer { server.stop() }
        let result = try await checker(hosts: "127.0.0.1 site.test").check(
            name: "s", spec: Self.spec("http://site.test:\(server.port)/health"))
        XCTAssertNil(result.failure, CheckReport.text(result))
        XCTAssertEqual(result.status, 200)
        XCTAssertEqual(result.steps.map(\.step), [.dns, .tcp, .http])
        XCTAssertTrue(result.steps.allSatisfy { $0.ok && $0.milliseconds >= 0 })
        XCTAssertEqual(result.ip?.description, "127.0.0.1")
        XCTAssertEqual(server.requests.withLockedValue { $0.first?.uri }, "/health")
    }

    func test503IsHTTPStatus() async throws {
        let server = try TestHTTPServer { _ in .respond(status: 503, headers: [], body: "maintenance") }
        defer { server.stop() }
        let result = try await checker().check(name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .httpStatus)
        XCTAssertTrue(result.failure!.explanation.contains("HTTP 503"), result.failure!.explanation)
        XCTAssertTrue(result.failure!.hint.contains("maintenance"))
    }

    func test401IsAuthRequired() async throws {
        let server = try TestHTTPServer { _ in .respond(status: 401, headers: [("WWW-Authenticate", "Basic")], body: "")
        }
        defer { server.stop() }
        let result = try await checker().check(name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .httpAuthRequired)
        XCTAssertTrue(result.failure!.explanation.contains("401"))
        // A site that declares the login prompt as what it expects is up.
        let expected = try await checker().check(
            name: "s",
            spec: Self.spec("http://127.0.0.1:\(server.port)/") {
                $0.expect.status = [MonitoredSiteSpec.StatusRange(lower: 401, upper: 401)]
            })
        XCTAssertNil(expected.failure)
    }

    func testBodyMismatch() async throws {
        let server = try TestHTTPServer { _ in
            .respond(status: 200, headers: [], body: "Error establishing a database connection")
        }
        defer { server.stop() }
        let result = try await checker().check(
            name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/") { $0.expect.bodyContains = "Welcome" })
        XCTAssertEqual(result.failure?.failureClass, .bodyMismatch)
        XCTAssertTrue(result.failure!.explanation.contains("\"Welcome\""))
    }

    /// The checker reads a page's beginning only: text further on is not found, and the failure says the page was
    /// cut rather than that the text is not there.
    func testTextPastWhatIsReadIsNotFoundAndTheFailureSaysThePageWasCut() async throws {
        let server = try TestHTTPServer { _ in
            .respond(status: 200, headers: [], body: String(repeating: "x", count: 4096) + "Welcome")
        }
        defer { server.stop() }
        var settings = CheckSettings()
        settings.bodyLimit = 1024
        let result = try await SiteChecker(resolver: FileResolver(hostsFile: ""), settings: settings).check(
            name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/") { $0.expect.bodyContains = "Welcome" })
        XCTAssertEqual(result.failure?.failureClass, .bodyMismatch)
        XCTAssertTrue(result.failure!.explanation.contains("The first 1024 bytes"), result.failure!.explanation)
        XCTAssertTrue(result.failure!.explanation.contains("the page is longer"), result.failure!.explanation)
        // A page read whole keeps the plain words.
        let whole = try await checker().check(
            name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/") { $0.expect.bodyContains = "Absent" })
        XCTAssertTrue(
            whole.failure!.explanation.hasPrefix("The page (HTTP 200, 4103 bytes)"), whole.failure!.explanation)
    }

    func testAcceptsAndNeverAnswersIsResponseTimeout() async throws {
        let server = try TestHTTPServer { _ in .never }
        defer { server.stop() }
        let started = Date()
        let result = try await checker().check(
            name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/") { $0.timeout = .seconds(1) })
        XCTAssertEqual(result.failure?.failureClass, .responseTimeout, CheckReport.text(result))
        XCTAssertTrue(result.failure!.explanation.contains("accepted the connection"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertEqual(result.steps.last?.step, .http)
    }

    func testClosesTheConnection() async throws {
        let server = try TestHTTPServer(closeOnAccept: true) { _ in .never }
        defer { server.stop() }
        let result = try await checker().check(name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .connectionClosed, CheckReport.text(result))
        XCTAssertTrue(result.failure!.explanation.contains("127.0.0.1:\(server.port) closed the connection"))
    }

    func testResetsTheConnection() async throws {
        let server = try ResettingListener()
        let result = try await checker().check(
            name: "s", spec: Self.spec("http://127.0.0.1:\(server.listener.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .connectionReset, CheckReport.text(result))
        XCTAssertTrue(result.failure!.explanation.contains("reset the connection"))
    }

    func testConnectThatNeverCompletesIsTCPTimeout() async throws {
        // A listener whose accept queue is full: the kernel drops the SYN, as a dropping firewall does.
        let listener = try FullListener()
        let started = Date()
        let result = try await checker().check(
            name: "s", spec: Self.spec("http://127.0.0.1:\(listener.listener.port)/") { $0.timeout = .seconds(1) })
        XCTAssertEqual(result.failure?.failureClass, .tcpTimeout, CheckReport.text(result))
        XCTAssertTrue(result.failure!.hint.contains("firewall"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testRefused() async throws {
        // A port that was just free: bind, note, close.
        let server = try TestHTTPServer { _ in .never }
        let port = server.port
        server.stop()
        let result = try await checker().check(name: "s", spec: Self.spec("http://127.0.0.1:\(port)/"))
        XCTAssertEqual(result.failure?.failureClass, .tcpRefused)
        XCTAssertTrue(result.failure!.explanation.contains("nothing listens"))
    }

    func testRedirectLoop() async throws {
        let server = try TestHTTPServer { request in
            .respond(status: 302, headers: [("Location", request.uri == "/a" ? "/b" : "/a")], body: "")
        }
        defer { server.stop() }
        let result = try await checker().check(name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/a"))
        XCTAssertEqual(result.failure?.failureClass, .redirectLoop)
        XCTAssertTrue(result.failure!.explanation.contains("circle"))
        XCTAssertEqual(result.chain.count, 2)
    }

    func testEndlessRedirectsAreCut() async throws {
        let server = try TestHTTPServer { request in
            .respond(status: 301, headers: [("Location", request.uri + "x")], body: "")
        }
        defer { server.stop() }
        let result = try await checker().check(name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .redirectLoop)
        XCTAssertEqual(server.requestCount, 11)
    }

    func testNameThatDoesNotResolve() async throws {
        let result = try await checker(hosts: "127.0.0.1 other.test").check(
            name: "s", spec: Self.spec("http://nowhere.test/"))
        XCTAssertEqual(result.failure?.failureClass, .dnsUnresolvable)
        XCTAssertEqual(result.dnsRcode, "NXDOMAIN")
        XCTAssertTrue(result.failure!.explanation.contains("nowhere.test does not exist"))
        XCTAssertEqual(result.steps.map(\.step), [.dns])
    }

    func testSlowResponse() async throws {
        let server = try TestHTTPServer { _ in
            Thread.sleep(forTimeInterval: 1.1)
            return .respond(status: 200, headers: [], body: "ok")
        }
        defer { server.stop() }
        let result = try await checker().check(
            name: "s", spec: Self.spec("http://127.0.0.1:\(server.port)/") { $0.expect.maxLatency = .seconds(1) })
        XCTAssertEqual(result.failure?.failureClass, .slowResponse)
    }

    // MARK: TLS

    func tlsServer(_ pki: TestPKI, names: [String], start: Double, end: Double, serial: String) throws -> TestHTTPServer
    {
        let leaf = try pki.leaf(
            "leaf\(serial)", names: names, start: TestPKI.stamp(days: start), end: TestPKI.stamp(days: end),
            serial: serial)
        return try TestHTTPServer(tls: try TestPKI.serverContext(cert: leaf.cert, key: leaf.key)) { _ in
            .respond(status: 200, headers: [], body: "secure")
        }
    }

    func testTLSValidCertificateIsUpWithDaysLeftAndSerial() async throws {
        let pki = try TestPKI()
        let server = try tlsServer(pki, names: ["site.test"], start: -1, end: 40, serial: "0A1B")
        defer { server.stop() }
        let result = try await checker(roots: [try Certificate(pemEncoded: pki.caPEM)], hosts: "127.0.0.1 site.test")
            .check(name: "s", spec: Self.spec("https://site.test:\(server.port)/"))
        XCTAssertNil(result.failure, CheckReport.text(result))
        XCTAssertEqual(result.steps.map(\.step), [.dns, .tcp, .tls, .http])
        XCTAssertEqual(result.certificate?.serial, "0a:1b")
        XCTAssertEqual(result.certificate?.daysLeft(at: Date()), 39)
        XCTAssertFalse(result.certificateWarning)
    }

    func testTLSExpired() async throws {
        let pki = try TestPKI()
        let server = try tlsServer(pki, names: ["site.test"], start: -60, end: -3, serial: "02")
        defer { server.stop() }
        let result = try await checker(roots: [try Certificate(pemEncoded: pki.caPEM)], hosts: "127.0.0.1 site.test")
            .check(name: "s", spec: Self.spec("https://site.test:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .tlsExpired, CheckReport.text(result))
        XCTAssertTrue(result.failure!.explanation.contains("expired on"))
        XCTAssertEqual(server.requestCount, 0, "no request goes over a connection whose certificate failed")
    }

    func testTLSNotYetValid() async throws {
        let pki = try TestPKI()
        let server = try tlsServer(pki, names: ["site.test"], start: 5, end: 60, serial: "03")
        defer { server.stop() }
        let result = try await checker(roots: [try Certificate(pemEncoded: pki.caPEM)], hosts: "127.0.0.1 site.test")
            .check(name: "s", spec: Self.spec("https://site.test:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .tlsNotYetValid, CheckReport.text(result))
    }

    func testTLSWrongName() async throws {
        let pki = try TestPKI()
        let server = try tlsServer(pki, names: ["other.test", "*.other.test"], start: -1, end: 60, serial: "04")
        defer { server.stop() }
        let result = try await checker(roots: [try Certificate(pemEncoded: pki.caPEM)], hosts: "127.0.0.1 site.test")
            .check(name: "s", spec: Self.spec("https://site.test:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .tlsNameMismatch, CheckReport.text(result))
        XCTAssertTrue(result.failure!.explanation.contains("other.test"))
        XCTAssertTrue(result.failure!.explanation.contains("not for site.test"))
    }

    func testTLSUnknownAuthority() async throws {
        let pki = try TestPKI(name: "Nobody Trusts Me")
        let server = try tlsServer(pki, names: ["site.test"], start: -1, end: 60, serial: "05")
        defer { server.stop() }
        // The checker trusts another CA, not this one.
        let trusted = try TestPKI()
        let result = try await checker(
            roots: [try Certificate(pemEncoded: trusted.caPEM)], hosts: "127.0.0.1 site.test"
        )
        .check(name: "s", spec: Self.spec("https://site.test:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .tlsUntrusted, CheckReport.text(result))
        XCTAssertTrue(result.failure!.explanation.contains("Nobody Trusts Me"))
    }

    func testPlainHTTPOnTLSPortIsHandshakeFailure() async throws {
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [], body: "plain") }
        defer { server.stop() }
        let result = try await checker(hosts: "127.0.0.1 site.test").check(
            name: "s", spec: Self.spec("https://site.test:\(server.port)/"))
        XCTAssertEqual(result.failure?.failureClass, .tlsHandshake, CheckReport.text(result))
    }

    func testCertificateInsideWarnWindowIsFlagged() async throws {
        let pki = try TestPKI()
        let server = try tlsServer(pki, names: ["site.test"], start: -80, end: 5, serial: "06")
        defer { server.stop() }
        let result = try await checker(roots: [try Certificate(pemEncoded: pki.caPEM)], hosts: "127.0.0.1 site.test")
            .check(name: "s", spec: Self.spec("https://site.test:\(server.port)/"))
        XCTAssertNil(result.failure)
        XCTAssertTrue(result.certificateWarning)
    }
}
