import Foundation
import GitStore
import Manifests
import Metrics
import MetricsTestKit
import NIOConcurrencyHelpers
import StatusStore
import TestSupport
import XCTest

@testable import Monitoring

/// Thresholds, alerts, the alert ledger across a restart, the status branch writer (a real repository) and
/// the schedule, against local servers made here.
final class SchedulerTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-monitor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let result = try GitCLI.run(["init", "-q"], in: root)
        XCTAssertEqual(result.status, 0)
        try "x\n".write(to: root.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        _ = try GitCLI.run(["add", "-A"], in: root)
        _ = try GitCLI.run(["commit", "-q", "-m", "manifests"], in: root)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    /// A site whose server answers with the status the test sets, and a receiver that counts alerts.
    final class Fixture: Sendable {
        let status = NIOLockedValueBox(200)
        let site: TestHTTPServer
        let receiver: TestHTTPServer

        init(receiverStatuses: [Int] = []) throws {
            let status = self.status
            site = try TestHTTPServer { _ in .respond(status: status.withLockedValue { $0 }, headers: [], body: "ok") }
            let queue = NIOLockedValueBox(receiverStatuses)
            receiver = try TestHTTPServer { _ in
                let code = queue.withLockedValue { $0.isEmpty ? 200 : $0.removeFirst() }
                return .respond(status: code, headers: [], body: "")
            }
        }

        func site(
            failure: Int = 3, success: Int = 2, format: MonitoredSiteSpec.AlertFormat? = nil,
            sendOnResolved: Bool = true
        ) -> MonitoredSite {
            var spec = MonitoredSiteSpec(account: "acme", url: "http://127.0.0.1:\(site.port)/")
            spec.allowPrivate = true
            spec.timeout = .seconds(2)
            spec.failureThreshold = failure
            spec.successThreshold = success
            var alert = MonitoredSiteSpec.Alert(webhook: "http://127.0.0.1:\(receiver.port)/hook")
            alert.format = format
            alert.sendOnResolved = sendOnResolved
            spec.alerts = [alert]
            return MonitoredSite(
                name: "acme-site", spec: spec, origin: Origin(file: "x.yaml", mark: Mark(line: 1, column: 1)))
        }

        var alerts: [[String: Any]] {
            receiver.requests.withLockedValue { $0 }.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any]
            }
        }

        func stop() {
            site.stop()
            receiver.stop()
        }
    }

    func scheduler(
        _ f: Fixture, site: MonitoredSite, recorder: MonitorRecorder? = nil, metrics: MonitorMetrics = MonitorMetrics(),
        delivery: AlertDelivery? = nil
    ) throws -> MonitorScheduler {
        var d = delivery ?? AlertDelivery()
        if delivery == nil { d.firstDelay = .milliseconds(10) }
        let sender = AlertSender(
            group: .singletonMultiThreadedEventLoopGroup, receivers: Receivers(), resolver: FileResolver(hostsFile: ""),
            metrics: metrics, delivery: d)
        addTeardownBlock { try? await sender.shutdown() }
        return MonitorScheduler(
            sites: [site], checker: try SiteChecker(resolver: FileResolver(hostsFile: "")), alerts: sender,
            recorder: recorder, metrics: metrics)
    }

    func testFailsTwiceThenRecoversNeverAlertsWithFailureThree() async throws {
        let f = try Fixture()
        defer { f.stop() }
        let site = f.site(failure: 3)
        let s = try scheduler(f, site: site)
        var events: [SiteEvent] = []
        for status in [200, 503, 503, 200, 200, 503, 503, 200] {
            f.status.withLockedValue { $0 = status }
            events += await s.checkNow(site)!.1
        }
        XCTAssertEqual(events, [])
        XCTAssertEqual(f.receiver.requestCount, 0)
        let state = await s.state(of: "acme-site")
        XCTAssertEqual(state?.health, .up)
        XCTAssertEqual(state?.results.count, 8)
    }

    func testDownThenUpAlertsOnceEachWithThePayload() async throws {
        let f = try Fixture()
        defer { f.stop() }
        let site = f.site(failure: 2, success: 2)
        let s = try scheduler(f, site: site)
        for status in [200, 503, 503, 503, 503, 200, 200, 200] {
            f.status.withLockedValue { $0 = status }
            await s.checkNow(site)
        }
        let alerts = f.alerts
        XCTAssertEqual(alerts.map { $0["event"] as? String }, ["down", "up"])
        let down = alerts[0]
        XCTAssertEqual(down["site"] as? String, "acme-site")
        XCTAssertEqual(down["account"] as? String, "acme")
        XCTAssertEqual(down["state"] as? String, "down")
        XCTAssertEqual(down["class"] as? String, "httpStatus")
        XCTAssertTrue((down["explanation"] as? String)?.contains("HTTP 503") ?? false)
        XCTAssertFalse((down["hint"] as? String)?.isEmpty ?? true)
        XCTAssertNotNil(down["since"] as? String)
        XCTAssertEqual((down["lastResults"] as? [Any])?.count, 3)
        XCTAssertEqual(down["version"] as? Int, 1)
        XCTAssertEqual(f.receiver.requests.withLockedValue { $0.first?.method }, "POST")
    }

    func testSendOnResolvedFalseSendsNoUpAlert() async throws {
        let f = try Fixture()
        defer { f.stop() }
        let site = f.site(failure: 1, success: 1, sendOnResolved: false)
        let s = try scheduler(f, site: site)
        for status in [503, 200] {
            f.status.withLockedValue { $0 = status }
            await s.checkNow(site)
        }
        XCTAssertEqual(f.alerts.map { $0["event"] as? String }, ["down"])
    }

    func testSlackFormat() async throws {
        let f = try Fixture()
        defer { f.stop() }
        let site = f.site(failure: 1, format: .slack)
        let s = try scheduler(f, site: site)
        f.status.withLockedValue { $0 = 503 }
        await s.checkNow(site)
        let body = f.receiver.requests.withLockedValue { $0.first?.body } ?? []
        let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        XCTAssertEqual(json?.keys.sorted(), ["text"])
        let text = json?["text"] as? String ?? ""
        XCTAssertTrue(text.contains("*acme-site*") && text.contains("`httpStatus`") && text.contains("HTTP 503"), text)
    }

    func testAlertRetriesWithBackOffThenCountsMetrics() async throws {
        let f = try Fixture(receiverStatuses: [503, 502])
        defer { f.stop() }
        let metrics = TestMetrics()
        let site = f.site(failure: 1)
        let s = try scheduler(f, site: site, metrics: MonitorMetrics(factory: metrics))
        f.status.withLockedValue { $0 = 503 }
        await s.checkNow(site)
        XCTAssertEqual(f.receiver.requestCount, 3, "two refusals, then delivered")
        XCTAssertEqual(try metrics.expectCounter(MonitorMetrics.alerts, [("result", "sent")]).totalValue, 1)
        XCTAssertEqual(
            try metrics.expectGauge(MonitorMetrics.sites, [("state", "down")]).lastValue, 1)
        XCTAssertEqual(try metrics.expectGauge(MonitorMetrics.siteUp, [("site", "acme-site")]).lastValue, 0)
        XCTAssertEqual(try metrics.expectTimer(MonitorMetrics.stepDuration, [("step", "http")]).values.count, 1)
        XCTAssertEqual(try metrics.expectTimer(MonitorMetrics.stepDuration, [("step", "dns")]).values.count, 1)
        XCTAssertEqual(
            try metrics.expectCounter(MonitorMetrics.checks, [("result", "httpStatus")]).totalValue, 1)
    }

    func testAlertThatNeverGetsThroughCountsAsFailed() async throws {
        let f = try Fixture(receiverStatuses: [500, 500, 500, 500])
        defer { f.stop() }
        let metrics = TestMetrics()
        let site = f.site(failure: 1)
        let s = try scheduler(f, site: site, metrics: MonitorMetrics(factory: metrics))
        f.status.withLockedValue { $0 = 503 }
        await s.checkNow(site)
        XCTAssertEqual(f.receiver.requestCount, 4)
        XCTAssertEqual(try metrics.expectCounter(MonitorMetrics.alerts, [("result", "failed")]).totalValue, 1)
    }

    func testReceiverFromTheConfigurationAndItsFormat() async throws {
        let f = try Fixture()
        defer { f.stop() }
        let configuration = """
            receivers:
              ops:
                url: http://127.0.0.1:\(f.receiver.port)/secret-path
                format: slack

            """
        let receivers = Receivers(
            configuration: try DaemonConfiguration.parse(Array(configuration.utf8), file: "baton.yaml"))
        var site = f.site(failure: 1)
        site.spec.alerts = [
            MonitoredSiteSpec.Alert(target: .receiver("ops")), MonitoredSiteSpec.Alert(target: .receiver("nobody")),
        ]
        let metrics = TestMetrics()
        var delivery = AlertDelivery()
        delivery.firstDelay = .milliseconds(10)
        let sender = AlertSender(
            group: .singletonMultiThreadedEventLoopGroup, receivers: receivers, resolver: FileResolver(hostsFile: ""),
            metrics: MonitorMetrics(factory: metrics), delivery: delivery)
        addTeardownBlock { try? await sender.shutdown() }
        let s = MonitorScheduler(
            sites: [site], checker: try SiteChecker(resolver: FileResolver(hostsFile: "")), alerts: sender,
            metrics: MonitorMetrics(factory: metrics))
        f.status.withLockedValue { $0 = 503 }
        await s.checkNow(site)
        let requests = f.receiver.requests.withLockedValue { $0 }
        XCTAssertEqual(requests.map(\.uri), ["/secret-path"])
        XCTAssertTrue(String(decoding: requests.first?.body ?? [], as: UTF8.self).hasPrefix("{\"text\":"))
        XCTAssertEqual(try metrics.expectCounter(MonitorMetrics.alerts, [("result", "failed")]).totalValue, 1)
    }

    func testLiteralWebhookToAPrivateAddressIsRefusedWithoutAllowPrivate() async throws {
        let f = try Fixture()
        defer { f.stop() }
        let sender = AlertSender(
            group: .singletonMultiThreadedEventLoopGroup, receivers: Receivers(), resolver: FileResolver(hostsFile: ""))
        addTeardownBlock { try? await sender.shutdown() }
        let payload = AlertPayload(
            event: .wentDown, state: SiteState(site: "s", account: "acme", url: "https://x/"), now: Date())
        let outcome = await sender.send(
            payload, to: MonitoredSiteSpec.Alert(webhook: "http://127.0.0.1:\(f.receiver.port)/hook"),
            allowPrivate: false)
        guard case .failed(let why) = outcome else { return XCTFail("sent: \(outcome)") }
        XCTAssertTrue(why.contains("refusedPrivate"), why)
        XCTAssertEqual(f.receiver.requestCount, 0)
    }

    func testTLSDaysLeftMetric() {
        let metrics = TestMetrics()
        var result = CheckResult(site: "shop", url: "https://shop.test/", started: Date())
        result.status = 200
        result.certificate = CertificateInfo(
            subjectNames: ["shop.test"], issuer: "CA", serial: "01", notBefore: Date(),
            notAfter: Date().addingTimeInterval(20.5 * 86400))
        MonitorMetrics(factory: metrics).checked(result, health: .up)
        XCTAssertEqual(try metrics.expectGauge(MonitorMetrics.tlsDaysLeft, [("site", "shop")]).lastValue, 20)
    }

    /// The scratch repository's status branch, opened off the test's task (libgit2 blocks).
    func statusBranch() throws -> StatusBranch { StatusBranch(repository: try GitRepository(path: root.path)) }

    func testDownAcrossARestartAlertsOnce() async throws {
        let f = try Fixture()
        defer { f.stop() }
        let site = f.site(failure: 2)
        let branch = try statusBranch()
        let store = StatusBranchMonitorStore(branch: branch)
        do {
            let s = try scheduler(f, site: site, recorder: MonitorRecorder(store: store))
            f.status.withLockedValue { $0 = 503 }
            for _ in 0..<3 { await s.checkNow(site) }
        }
        XCTAssertEqual(f.alerts.count, 1)
        // The daemon restarts: a new scheduler, its states restored from the status branch.
        let saved = try await store.load()
        XCTAssertEqual(saved.map(\.health), [.down])
        XCTAssertEqual(saved.first?.alerted, true)
        let again = try scheduler(f, site: site, recorder: MonitorRecorder(store: store))
        await again.restore(saved)
        for _ in 0..<3 { await again.checkNow(site) }
        XCTAssertEqual(f.alerts.count, 1, "still down after the restart: no second alert")
        // And when it comes back, the up alert follows.
        f.status.withLockedValue { $0 = 200 }
        for _ in 0..<2 { await again.checkNow(site) }
        XCTAssertEqual(f.alerts.map { $0["event"] as? String }, ["down", "up"])
    }

    func testCertificateWarningOncePerSerial() {
        var spec = MonitoredSiteSpec(account: "acme", url: "https://site.test/")
        spec.tlsWarnBefore = .days(14)
        var state = SiteState(site: "s", account: "acme", url: spec.url)
        func result(serial: String) -> CheckResult {
            var r = CheckResult(site: "s", url: spec.url, started: Date())
            r.status = 200
            r.certificate = CertificateInfo(
                subjectNames: ["site.test"], issuer: "CA", serial: serial, notBefore: Date(),
                notAfter: Date().addingTimeInterval(5 * 86400))
            r.certificateWarning = true
            return r
        }
        var warnings: [String] = []
        for serial in ["01", "01", "01", "02", "02"] {
            for event in state.record(result(serial: serial), spec: spec, keep: 5) {
                if case .certificateWarning(let s, _) = event { warnings.append(s) }
            }
        }
        XCTAssertEqual(warnings, ["01", "02"])
        // And the ledger survives the file round trip.
        let restored = SiteState(file: state.file)
        XCTAssertEqual(restored.warnedSerials, ["01", "02"])
        XCTAssertEqual(state.results.count, 5)
    }

    func testRecorderCommitsOnFlipsAndAtMostOncePerPeriodForFigures() async throws {
        let branch = try statusBranch()
        let store = StatusBranchMonitorStore(branch: branch)
        let recorder = MonitorRecorder(store: store, figuresEvery: .milliseconds(300))
        var a = SiteState(site: "a", account: "acme", url: "http://a.test/")
        a.health = .up
        var b = SiteState(site: "b", account: "acme", url: "http://b.test/")
        b.health = .up
        // Many checks with no flip inside one period: no commit.
        for _ in 0..<50 {
            await recorder.note(a, changed: false)
            await recorder.note(b, changed: false)
        }
        var commits = await recorder.commits
        XCTAssertEqual(commits, 0)
        // A flip commits at once, with every pending site.
        b.health = .down
        await recorder.note(b, changed: true)
        commits = await recorder.commits
        XCTAssertEqual(commits, 1)
        XCTAssertEqual(try branch.monitors().map(\.site), ["a", "b"])
        XCTAssertEqual(try branch.monitors().map(\.state), ["up", "down"])
        // Figures after the period: one more commit, not one per check.
        try await Task.sleep(for: .milliseconds(350))
        for _ in 0..<20 { await recorder.note(a, changed: false) }
        commits = await recorder.commits
        XCTAssertEqual(commits, 2)
        let log = try GitCLI.run(["rev-list", "--count", "baton/status"], in: root)
        XCTAssertEqual(log.stdout, "2")
        // `baton status` still reads a branch that holds only monitors as nothing applied.
        XCTAssertNil(try branch.snapshot().applied)
    }

    func testOffsetsAreStableAndSpread() {
        let interval = Swift.Duration.seconds(60)
        XCTAssertEqual(
            MonitorScheduler.offset(site: "acme-site", interval: interval),
            MonitorScheduler.offset(site: "acme-site", interval: interval))
        var buckets = [Int](repeating: 0, count: 10)
        for i in 0..<1000 {
            let offset = MonitorScheduler.offset(site: "site-\(i)", interval: interval)
            XCTAssertLessThan(offset, interval)
            buckets[Int(offset.components.seconds / 6)] += 1
        }
        // 1,000 sites over ten 6-second slices: none empty, none with more than twice its share.
        XCTAssertTrue(buckets.allSatisfy { $0 > 50 && $0 < 200 }, "\(buckets)")
    }

    func testChecksOfOneSiteNeverOverlap() async throws {
        let inFlight = NIOLockedValueBox((now: 0, most: 0))
        let server = try TestHTTPServer { _ in
            inFlight.withLockedValue {
                $0.now += 1; $0.most = max($0.most, $0.now)
            }
            Thread.sleep(forTimeInterval: 0.3)
            inFlight.withLockedValue { $0.now -= 1 }
            return .respond(status: 200, headers: [], body: "ok")
        }
        defer { server.stop() }
        var spec = MonitoredSiteSpec(account: "acme", url: "http://127.0.0.1:\(server.port)/")
        spec.allowPrivate = true
        spec.timeout = .seconds(2)
        let site = MonitoredSite(name: "slow", spec: spec, origin: Origin(file: "x", mark: Mark(line: 1, column: 1)))
        let s = MonitorScheduler(sites: [site], checker: try SiteChecker(resolver: FileResolver(hostsFile: "")))
        async let first = s.checkNow(site)
        try await Task.sleep(for: .milliseconds(50))
        let second = await s.checkNow(site)
        XCTAssertNil(second, "a check while the previous one runs is refused")
        _ = await first
        XCTAssertEqual(inFlight.withLockedValue { $0.most }, 1)
    }
}
