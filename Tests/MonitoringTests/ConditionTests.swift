import Foundation
import Manifests
import XCTest

@testable import Monitoring

/// Every operator and placeholder, evaluated on a result, and the parser's refusals.
final class ConditionTests: XCTestCase {
    func parse(_ text: String) throws -> MonitorCondition {
        switch MonitorConditionParser.parse(text) {
        case .success(let c): return c
        case .failure(let p): throw XCTSkip("unexpected parse failure for \(text): \(p.message)")
        }
    }

    func problem(_ text: String) -> MonitorConditionParser.Problem? {
        if case .failure(let p) = MonitorConditionParser.parse(text) { return p }
        return nil
    }

    var result: CheckResult {
        var r = CheckResult(site: "s", url: "https://site.test/", started: Date(timeIntervalSince1970: 1_800_000_000))
        r.status = 200
        r.totalMilliseconds = 420
        r.body = Array(#"{"status":"ok","items":[{"name":"a","count":3}],"up":true,"load":0.5}"#.utf8)
        r.headers = [("Content-Type", "application/json; charset=utf-8"), ("X-Cache", "HIT")]
        r.ip = IPAddress("192.0.2.10")
        r.dnsRcode = "NOERROR"
        r.certificate = CertificateInfo(
            subjectNames: ["site.test"], issuer: "CA", serial: "01", notBefore: r.started,
            notAfter: r.started.addingTimeInterval(30 * 86400))
        return r
    }

    func holds(_ text: String) throws -> Bool {
        ConditionEvaluator.evaluate(try parse(text), on: result).holds
    }

    func testEveryOperator() throws {
        XCTAssertTrue(try holds("[STATUS] == 200"))
        XCTAssertFalse(try holds("[STATUS] == 201"))
        XCTAssertTrue(try holds("[STATUS] != 500"))
        XCTAssertFalse(try holds("[STATUS] != 200"))
        XCTAssertTrue(try holds("[STATUS] < 300"))
        XCTAssertFalse(try holds("[STATUS] < 200"))
        XCTAssertTrue(try holds("[STATUS] <= 200"))
        XCTAssertFalse(try holds("[STATUS] <= 199"))
        XCTAssertTrue(try holds("[STATUS] > 199"))
        XCTAssertFalse(try holds("[STATUS] > 200"))
        XCTAssertTrue(try holds("[STATUS] >= 200"))
        XCTAssertFalse(try holds("[STATUS] >= 201"))
        XCTAssertTrue(try holds("[STATUS] == pat(2*)"))
        XCTAssertFalse(try holds("[STATUS] == pat(3*)"))
        XCTAssertTrue(try holds("[STATUS] == any(200, 204)"))
        XCTAssertFalse(try holds("[STATUS] == any(301, 302)"))
        XCTAssertTrue(try holds("[STATUS] != any(500, 503)"))
        XCTAssertTrue(try holds("300 > [STATUS]"), "a literal on the left mirrors the operator")
    }

    func testEveryPlaceholder() throws {
        XCTAssertTrue(try holds("[RESPONSE_TIME] < 500ms"))
        XCTAssertFalse(try holds("[RESPONSE_TIME] < 400ms"))
        XCTAssertTrue(try holds("[RESPONSE_TIME] <= 1s"))
        XCTAssertTrue(try holds("[BODY] == pat(*\"ok\"*)"))
        XCTAssertFalse(try holds("[BODY] == pat(*error*)"))
        XCTAssertTrue(try holds("[BODY].status == ok"))
        XCTAssertFalse(try holds("[BODY].status == down"))
        XCTAssertTrue(try holds("[BODY].items[0].name == a"))
        XCTAssertTrue(try holds("[BODY].items[0].count > 2"))
        XCTAssertFalse(try holds("[BODY].items[0].count > 3"))
        XCTAssertTrue(try holds("[BODY].up == true"))
        XCTAssertTrue(try holds("[BODY].load < 0.75"))
        XCTAssertFalse(try holds("[BODY].missing == ok"), "a missing field equals nothing")
        XCTAssertTrue(try holds("[BODY].missing != ok"))
        XCTAssertTrue(try holds("[HEADER:content-type] == pat(application/json*)"))
        XCTAssertTrue(try holds("[HEADER:X-Cache] == HIT"))
        XCTAssertFalse(try holds("[HEADER:X-Nope] == HIT"))
        XCTAssertTrue(try holds("[CERTIFICATE_EXPIRATION] > 14d"))
        XCTAssertFalse(try holds("[CERTIFICATE_EXPIRATION] > 31d"))
        XCTAssertTrue(try holds("[CERTIFICATE_EXPIRATION] >= 4w"))
        XCTAssertTrue(try holds("[IP] == 192.0.2.10"))
        XCTAssertTrue(try holds("[IP] == pat(192.0.2.*)"))
        XCTAssertFalse(try holds("[IP] == 192.0.2.11"))
        XCTAssertTrue(try holds("[DNS_RCODE] == NOERROR"))
        XCTAssertFalse(try holds("[DNS_RCODE] == NXDOMAIN"))
        XCTAssertTrue(try holds("[DNS_RCODE] == any(NOERROR, NXDOMAIN)"))
    }

    func testFailedConditionExplainsTheValue() throws {
        var spec = MonitoredSiteSpec(account: "a", url: "https://site.test/")
        spec.conditions = [try parse("[BODY].status == down"), try parse("[STATUS] == 200")]
        let failure = try SiteChecker(resolver: FileResolver(hostsFile: "")).judge(result, spec: spec)
        XCTAssertEqual(failure?.failureClass, .conditionFailed)
        XCTAssertEqual(
            failure?.explanation, "Condition '[BODY].status == down' does not hold (the value is \"ok\").")
    }

    func testRefusals() {
        let cases: [(String, String)] = [
            ("[RESPONSE_TIME] < 500", "compares a duration ([RESPONSE_TIME]) with the number 500"),
            ("[CERTIFICATE_EXPIRATION] > 14", "compares a duration"),
            ("[STATUS] == 200ms", "compares a number ([STATUS]) with the duration 200ms"),
            ("[STATUS] == ok", "is not a number"),
            ("[STATUS]", "has no comparison operator"),
            ("[STATSU] == 200", "did you mean [STATUS]?"),
            ("[BODY].items[x] == 1", "is not a JSON path"),
            ("[HEADER:] == x", "does not name a header"),
            ("[BODY] < abc", "needs a number"),
            ("[STATUS] < pat(2*)", "compares with == or !="),
            ("[STATUS] == any()", "needs values"),
            ("[DNS_RCODE] == NXDOMIAN", "did you mean NXDOMAIN?"),
            ("[DNS_RCODE] < NOERROR", "compares with == or !="),
            ("[IP] > 10", "compares with == or !="),
            ("[STATUS] == 200 == 200", "second operator"),
            ("", "empty"),
            ("[STATUS] ==", "nothing on one side"),
            ("[RESPONSE_TIME] < 5y", "is not a duration"),
            ("[IP].x == 1", "unexpected text after the placeholder"),
        ]
        for (text, expected) in cases {
            let p = problem(text)
            XCTAssertNotNil(p, "'\(text)' must not parse")
            XCTAssertTrue(p?.message.contains(expected) ?? false, "'\(text)': \(p?.message ?? "")")
            XCTAssertFalse(p?.hint.isEmpty ?? true)
        }
    }

    func testGlob() {
        XCTAssertTrue(ConditionEvaluator.glob("a*c", "abbbc"))
        XCTAssertTrue(ConditionEvaluator.glob("*", ""))
        XCTAssertFalse(ConditionEvaluator.glob("a*c", "abcd"))
        XCTAssertTrue(ConditionEvaluator.glob("*b*", "abc"))
    }
}
