import Foundation
import XCTest

@testable import Zones

/// The built-in checker against BIND 9.18's verdicts on its own test zones (`../shared/conformance/checkzone`).
///
/// Every row of `verdicts.tsv` is checked with that row's origin and flags, the zone file read as
/// `zones/<file>` from the corpus folder (so `$INCLUDE "zones/inherit.db"` resolves as it did for BIND). The
/// built-in checker's loaded/not loaded is compared with BIND's exit status. The rows where they differ are listed,
/// each with a reason, in `conformance-disagreements.tsv`; the test fails when that list goes stale either way.
final class ConformanceTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/checkzone")
    static let disagreementsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("conformance-disagreements.tsv")

    /// The types whose RDATA the built-in checker reads field by field (issue 3, item 1).
    static let strictTypes: Set<String> = [
        "A", "AAAA", "CNAME", "DNAME", "MX", "NS", "TXT", "SPF", "SRV", "CAA", "PTR", "SOA", "DS", "CDS", "DNSKEY",
        "CDNSKEY", "TLSA", "SSHFP", "HTTPS", "SVCB", "NAPTR",
    ]

    struct Row {
        var file: String
        var origin: String
        var flags: String
        var exitCode: Int
        var firstError: String
        var firstWarning: String
        var source: String
        var key: String { "\(file)\t\(flags)" }

        var group: String {
            if file.hasPrefix("main/") { return "main-branch files" }
            if source.contains("checkconf") { return "checkconf files" }
            if source.contains("testdata/master") { return "master data" }
            return "bind-9.18 checkzone files"
        }
    }

    static func rows() throws -> [Row] {
        let tsv = try String(contentsOf: corpus.appendingPathComponent("verdicts.tsv"), encoding: .utf8)
        var rows: [Row] = []
        for line in tsv.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 9, let exit = Int(c[3]) else { continue }
            rows.append(
                Row(
                    file: c[0], origin: c[1], flags: c[2], exitCode: exit, firstError: c[5], firstWarning: c[6],
                    source: c[8]))
        }
        return rows
    }

    /// BIND's first line in the shape of a `ZoneMessage`: `FILE:LINE: TEXT`, or `TEXT` for zone-level lines.
    static func normalise(_ line: String) -> String {
        var s = Substring(line)
        for prefix in ["dns_master_load: ", "dns_rdata_fromtext: "] where s.hasPrefix(prefix) {
            s = s.dropFirst(prefix.count)
        }
        if s.hasPrefix("zone "), let colon = s.range(of: "/IN: ") { return String(s[colon.upperBound...]) }
        if s.hasPrefix("$GENERATE: ") {
            let rest = s.dropFirst("$GENERATE: ".count)
            if let r = rest.range(of: ": ") { return "\(rest[..<r.lowerBound]): $GENERATE: \(rest[r.upperBound...])" }
        }
        return String(s)
    }

    static func format(_ m: ZoneMessage?) -> String {
        guard let m else { return "" }
        if let file = m.file, let line = m.line { return "\(file):\(line): \(m.text)" }
        return m.text
    }

    static func listedDisagreements() throws -> [String: String] {
        let text = try String(contentsOf: disagreementsFile, encoding: .utf8)
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 3 else { continue }
            out["\(c[0])\t\(c[1])"] = c[2]
        }
        return out
    }

    func testBuiltinCheckerAgreesWithBIND() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus.path) else {
            throw XCTSkip("the conformance corpus is not at \(Self.corpus.path)")
        }
        let rows = try Self.rows()
        let listed = try Self.listedDisagreements()
        let checker = BuiltinZoneChecker(baseDirectory: Self.corpus.path)
        var checker2 = checker
        // RRSIG expiry is judged at a fixed time so that the corpus gives the same messages every year.
        checker2.now = 1_767_225_600  // 2026-01-01

        var total = 0, agreed = 0, skipped: [String] = []
        var perGroup: [String: (rows: Int, agreed: Int)] = [:]
        var strictRows = 0, strictAgreed = 0
        var unexpected: [String] = []
        var stale: [String] = []
        var sameFirstMessage = 0
        var otherFirstMessage: [String] = []
        for row in rows {
            if row.flags.contains("-f raw") {
                skipped.append(
                    "\(row.file) (\(row.flags)): BIND's raw format, which the built-in checker does not read")
                continue
            }
            let options = ZoneCheckOptions(flags: row.flags)
            let analysis = checker2.analyze(path: "zones/\(row.file)", origin: row.origin, options: options)
            let agrees = analysis.report.loaded == (row.exitCode == 0)
            total += 1
            perGroup[row.group, default: (0, 0)].rows += 1
            if agrees {
                agreed += 1
                perGroup[row.group]!.agreed += 1
            }
            var types = Set(analysis.records.map(\.typeName))
            types.formUnion(analysis.report.messages.compactMap(\.type))
            if !types.isEmpty && types.isSubset(of: Self.strictTypes) {
                strictRows += 1
                if agrees { strictAgreed += 1 }
            }
            // The first thing BIND says (its first error for a rejected zone) against the built-in checker's.
            let bind = Self.normalise(row.exitCode == 0 ? row.firstWarning : row.firstError)
            let mine = Self.format(
                analysis.report.messages.first { row.exitCode == 0 || $0.severity == .error })
            if bind == mine {
                sameFirstMessage += 1
            } else {
                otherFirstMessage.append("\(row.file) [\(row.flags)]: BIND '\(bind)', builtin '\(mine)'")
            }
            let isListed = listed[row.key] != nil
            if !agrees && !isListed {
                let first = analysis.report.messages.first { $0.severity == .error }?.text ?? "no error"
                unexpected.append(
                    "\(row.file) [\(row.flags)]: BIND exit \(row.exitCode), builtin loaded=\(analysis.report.loaded) (\(first))"
                )
            }
            if agrees && isListed { stale.append("\(row.file) [\(row.flags)] now agrees: remove it from the list") }
        }
        let percent = total == 0 ? 0 : Double(agreed) * 100 / Double(total)
        print("conformance: \(agreed) of \(total) rows agree with BIND 9.18 (\(String(format: "%.1f", percent))%)")
        for group in perGroup.keys.sorted() {
            let g = perGroup[group]!
            print("  \(group): \(g.agreed) of \(g.rows)")
        }
        print("  rows whose types are all in the strict list: \(strictAgreed) of \(strictRows)")
        print(
            "  rows whose first message is BIND's, word for word and at the same line: \(sameFirstMessage) of \(total)")
        for o in otherFirstMessage { print("    \(o)") }
        for s in skipped { print("  skipped: \(s)") }
        XCTAssertEqual(unexpected, [], "rows that disagree and are not listed in conformance-disagreements.tsv")
        XCTAssertEqual(stale, [], "rows listed in conformance-disagreements.tsv that agree now")
        XCTAssertGreaterThanOrEqual(percent, 95)
        XCTAssertEqual(strictAgreed, strictRows)
        XCTAssertGreaterThanOrEqual(Double(sameFirstMessage) / Double(max(total, 1)), 0.95)
    }
}
