import Daemon
import TestSupport
import XCTest

final class BackoffQuarantineTests: XCTestCase {
    func testTheDelayDoublesUpToTheCapWithinItsJitter() {
        var random = SplitMix64(seed: 1)
        let backoff = Backoff(base: .seconds(5), cap: .seconds(300), jitter: 0.2)
        XCTAssertEqual(backoff.delay(afterFailures: 0, using: &random), .zero)
        for (failures, plain) in [(1, 5.0), (2, 10.0), (3, 20.0), (6, 160.0), (7, 300.0), (40, 300.0)] {
            var seen: [Double] = []
            for _ in 0..<200 { seen.append(backoff.delay(afterFailures: failures, using: &random).seconds) }
            XCTAssertGreaterThanOrEqual(seen.min()!, plain * 0.8 - 0.001, "\(failures)")
            XCTAssertLessThanOrEqual(seen.max()!, min(plain * 1.2, 300) + 0.001, "\(failures)")
            XCTAssertGreaterThan(Set(seen).count, 50, "jittered, not lockstep")
        }
    }

    func testAResourceIsQuarantinedAfterTheLimitUntilItsSpecChanges() {
        var quarantine = Quarantine(limit: 3)
        let key = Quarantine.Key(server: "web1", resource: "WebApp/shop")
        for _ in 0..<2 { quarantine.failed(key, hash: "h1", reason: "nginx -t") }
        XCTAssertNil(quarantine.isQuarantined(key, hash: "h1"))
        quarantine.failed(key, hash: "h1", reason: "nginx -t failed")
        XCTAssertEqual(quarantine.isQuarantined(key, hash: "h1"), "nginx -t failed")
        XCTAssertEqual(quarantine.quarantined, [key])
        XCTAssertNil(quarantine.isQuarantined(key, hash: "h2"), "a changed spec is tried again")
        quarantine.failed(key, hash: "h2", reason: "again")
        XCTAssertNil(quarantine.isQuarantined(key, hash: "h2"), "the count starts again for the new spec")
        quarantine.release(key)
        XCTAssertEqual(quarantine.quarantined, [])
        for _ in 0..<3 { quarantine.failed(key, hash: "h3", reason: "x") }
        quarantine.succeeded(key)
        XCTAssertNil(quarantine.isQuarantined(key, hash: "h3"))
        for _ in 0..<3 { quarantine.failed(key, hash: "h3", reason: "x") }
        quarantine.keep(only: [])
        XCTAssertEqual(quarantine.quarantined, [], "resources no longer wanted are forgotten")
    }
}
