import Foundation
import XCTest

@testable import Zones

/// A message's severity does not depend on the checker that gives it (issue 15, item 2). named-checkzone prints no
/// severity, only whether the zone loaded, so its reader weighs each message by the level BIND logs it at; the
/// built-in checker knows the level. Each zone here puts one of BIND's warnings beside an error, where a reader
/// that called every message of a zone that did not load an error would be wrong. Real named-checkzone; skipped
/// where bind9-utils is not installed.
final class CheckerSeverityTests: XCTestCase {
    static let head = "$TTL 300\n@ IN SOA ns1 h 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"
    /// An error at load time, and one after loading (an MX target without addresses, fatal with `-m fail`).
    static let bad = "bad IN A 300.1.1.1\n"
    static let noMail = "www IN MX 10 nowhere\n"

    /// The zone's text and a piece of the warning both checkers must give (with the options that fail the zone).
    static let cases: [(text: String, warning: String)] = [
        ("@ IN SOA ns1 h 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n" + bad, "no TTL specified"),
        (head + "www 400 IN A 192.0.2.2\n IN A 192.0.2.3\n" + bad, "TTL set to prior TTL"),
        ("$TTL 2147483648\n" + head.dropFirst("$TTL 300\n".count) + bad, "> MAXTTL"),
        (head + "bad_name IN A 192.0.2.4\n" + bad, "bad owner name (check-names)"),
        (head + "www.example.org. IN A 192.0.2.5\n" + bad, "ignoring out-of-zone data"),
        (head + "$ORIGIN sub.example.com.\n IN A 192.0.2.6\n" + bad, "record with inherited owner"),
        (head + "mx IN MX 10 192.0.2.7\n" + bad, "MX is an address"),
        (head + "sub IN NS 192.0.2.8\n" + bad, "appears to be an address"),
        (head + "a.*.w IN A 192.0.2.9\n" + bad, "non-terminal wildcard"),
        (head + "spf IN SPF \"v=spf1 -all\"\n" + noMail, "found type SPF record but no SPF TXT record"),
        (head + "@ IN NSEC3PARAM 1 0 200 -\n" + noMail, "excessive NSEC3PARAM iterations"),
        (head + "sub IN NS ns.sub\n" + noMail, "has no REQUIRED GLUE"),
        (head + "www IN A 192.0.2.2\n" + bad + "last IN A 192.0.2.3", "file does not end with newline"),
        (head + bad + "$ORIGIN example.com.", "file does not end with newline"),
    ]

    struct Said: Hashable, CustomStringConvertible {
        var line: Int?
        var text: String
        var description: String { "\(line.map(String.init) ?? "-"): \(text)" }
    }

    /// The same over BIND's own test zones (the conformance corpus, where it is beside the checkout): every message
    /// both checkers give at one line has one severity.
    func testTheConformanceCorpusHasOneSeverityAMessage() throws {
        guard let named = NamedCheckzone.find() else { throw XCTSkip("named-checkzone is not installed") }
        let corpus = ConformanceTests.corpus
        guard FileManager.default.fileExists(atPath: corpus.path) else { throw XCTSkip("no conformance corpus") }
        // Both read `zones/FILE` from the corpus folder, so that `$INCLUDE "zones/inherit.db"` resolves for both.
        let here = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(corpus.path))
        defer { FileManager.default.changeCurrentDirectoryPath(here) }
        var compared = 0
        for row in try ConformanceTests.rows() where row.flags == "-i local" && !row.file.hasSuffix(".raw") {
            let path = "zones/" + row.file
            let checker = BuiltinZoneChecker(baseDirectory: corpus.path)
            let ours = checker.check(path: path, origin: row.origin, options: .standard)
            let bind = try named.check(path: path, origin: row.origin, options: .standard)
            let theirs = Dictionary(
                bind.messages.map { (Said(line: $0.line, text: String($0.plainText)), $0.severity) }
            ) { a, _ in a }
            for message in ours.messages {
                guard let other = theirs[Said(line: message.line, text: String(message.plainText))] else { continue }
                compared += 1
                XCTAssertEqual(message.severity, other, "\(row.file): \(message.line ?? 0): \(message.text)")
            }
        }
        XCTAssertGreaterThan(compared, 50, "messages both checkers give")
    }

    func testASeverityIsTheSameWhicheverCheckerGivesIt() throws {
        guard let named = NamedCheckzone.find() else { throw XCTSkip("named-checkzone is not installed") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-severity-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (n, c) in Self.cases.enumerated() {
            let path = folder.appendingPathComponent("z\(n).db").path
            try c.text.write(toFile: path, atomically: true, encoding: .utf8)
            var seen = false
            for options in [ZoneCheckOptions.standard, .strict] {
                let ours = BuiltinZoneChecker().check(path: path, origin: "example.com", options: options)
                let bind = try named.check(path: path, origin: "example.com", options: options)
                XCTAssertEqual(ours.loaded, bind.loaded, "\(c.warning): \(bind.messages.map(\.text))")
                let severities = { (report: ZoneCheckReport) in
                    Dictionary(
                        report.messages.map { (Said(line: $0.line, text: String($0.plainText)), [$0.severity]) },
                        uniquingKeysWith: +)
                }
                let (mine, theirs) = (severities(ours), severities(bind))
                for (said, severity) in mine {
                    guard let other = theirs[said] else { continue }
                    XCTAssertEqual(severity, other, "case \(n) (\(c.warning)), \(options): \(said)")
                }
                let warned = { (report: ZoneCheckReport) in
                    report.messages.contains { $0.text.contains(c.warning) && $0.severity == .warning }
                }
                if !bind.loaded && warned(ours) && warned(bind) { seen = true }
            }
            XCTAssertTrue(seen, "case \(n): both checkers warn '\(c.warning)' in a zone that does not load")
        }
    }
}
