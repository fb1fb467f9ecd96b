import Foundation
import XCTest

@testable import Monitoring

/// docs/monitoring.md lists every failure class, placeholder, operator and metric the code has.
final class MonitoringDocsTests: XCTestCase {
    static let doc: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/monitoring.md"), encoding: .utf8)) ?? ""
    }()

    func testEveryClassHasARowWithExplanationAndHint() {
        for failureClass in FailureClass.allCases {
            let row = Self.doc.split(separator: "\n").first { $0.hasPrefix("| `\(failureClass.rawValue)` |") }
            XCTAssertNotNil(row, "docs/monitoring.md has no row for \(failureClass.rawValue)")
            XCTAssertTrue(row?.contains("| \(failureClass.step.rawValue) |") ?? false, "\(failureClass): its step")
            XCTAssertGreaterThanOrEqual(row?.split(separator: "|").count ?? 0, 4)
        }
    }

    func testEveryPlaceholderOperatorAndMetric() {
        for name in [
            "[STATUS]", "[RESPONSE_TIME]", "[BODY]", "[HEADER:name]", "[CERTIFICATE_EXPIRATION]", "[IP]", "[DNS_RCODE]",
        ] {
            XCTAssertTrue(Self.doc.contains("`\(name)`"), name)
        }
        for op in ["==", "!=", "<", "<=", ">", ">=", "pat(...)", "any(a, b, ...)"] {
            XCTAssertTrue(Self.doc.contains("`\(op)`"), op)
        }
        for metric in [
            MonitorMetrics.sites, MonitorMetrics.siteUp, MonitorMetrics.stepDuration, MonitorMetrics.tlsDaysLeft,
            MonitorMetrics.checks, MonitorMetrics.alerts,
        ] {
            XCTAssertTrue(Self.doc.contains("`\(metric)`"), metric)
        }
    }
}
