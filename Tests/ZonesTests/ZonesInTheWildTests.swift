import Foundation
import XCTest

@testable import Zones

/// Issue 12, "Zones in the wild": what real zone files showed, each checked against the `named-checkzone` on this
/// machine where the finding is about agreeing with BIND.
final class ZonesInTheWildTests: XCTestCase {
    static let head = "$TTL 300\n@ SOA ns1 hostmaster 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\n"

    var scratch: URL?

    override func tearDown() {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func named() throws -> NamedCheckzone {
        try XCTUnwrap(NamedCheckzone.find(), "named-checkzone is required: apt-get install bind9-utils")
    }

    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-wild-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        scratch = dir
        return dir
    }

    func builtin(_ text: String, origin: String = "example", flags: String = "-i local") -> ZoneCheckReport {
        BuiltinZoneChecker().check(
            text: text, origin: origin, options: ZoneCheckOptions(flags: flags), fileName: "zone.db")
    }

    /// Both checkers on the same text: their load verdicts.
    func verdicts(_ text: String, origin: String = "example", flags: String = "-i local") throws -> (
        bind: ZoneCheckReport, builtin: ZoneCheckReport
    ) {
        let options = ZoneCheckOptions(flags: flags)
        let bind = try named().check(text: text, origin: origin, options: options, fileName: "zone.db")
        return (bind, builtin(text, origin: origin, flags: flags))
    }

    func assertAgree(
        _ text: String, origin: String = "example", flags: String = "-i local", loads: Bool,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let (bind, ours) = try verdicts(text, origin: origin, flags: flags)
        XCTAssertEqual(bind.loaded, loads, "BIND: \(bind.messages.map(\.text))", file: file, line: line)
        XCTAssertEqual(ours.loaded, loads, "builtin: \(ours.messages.map(\.text))", file: file, line: line)
    }

    // MARK: - 1. A one-label SOA RNAME

    func testAOneLabelRNAMEIsAMailboxInStrictMode() throws {
        let strict = "-i local -k fail -n fail -m fail -M fail -S fail"
        let zone = "$TTL 300\n@ SOA ns1 example. 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\n"
        try assertAgree(zone, flags: strict, loads: true)
        let root =
            ". 86400 IN SOA a.root-servers.net. hostmaster. 1 2 3 4 5\n. 86400 IN NS a.root-servers.net.\n"
            + "a.root-servers.net. 86400 IN A 198.41.0.4\n"
        try assertAgree(root, origin: ".", flags: strict, loads: true)
        // What stays refused: a first label with a space is no mailbox.
        try assertAgree(
            "$TTL 300\n@ SOA ns1 bad\\032x.example. 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\n", flags: strict,
            loads: false)
    }

    func testTheDefaultModeSaysNothingOfAOneLabelRNAMEAndSaysWarningOnce() throws {
        let good = builtin("$TTL 300\n@ SOA ns1 example. 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\n")
        XCTAssertEqual(good.messages, [])
        let bad = "$TTL 300\n@ SOA ns1 bad\\032x.example. 1 3600 900 604800 300\n@ NS ns1\nns1 A 192.0.2.1\n"
        let (bind, ours) = try verdicts(bad)
        for report in [bind, ours] {
            let m = try XCTUnwrap(report.messages.first { $0.text.contains("bad name (check-names)") })
            XCTAssertEqual(m.severity, .warning)
            XCTAssertEqual(m.plainText, "bad\\032x.example: bad name (check-names)")
        }
    }

    // MARK: - 6. The severity of a message that fails the zone

    func testAnMXTargetWithoutAddressFailsAStrictZoneInBothCheckers() throws {
        let zone = Self.head + "@ MX 10 mail\n"
        let (bind, ours) = try verdicts(zone, flags: "-i local -m fail")
        XCTAssertFalse(bind.loaded)
        XCTAssertFalse(ours.loaded)
        for report in [bind, ours] {
            let m = try XCTUnwrap(report.messages.first { $0.text.contains("has no address records") }, "\(report)")
            XCTAssertEqual(m.severity, .error, "\(report)")
            XCTAssertEqual(m.owner, "example")
            XCTAssertEqual(m.type, "MX")
        }
        // Without -m fail the same message is a warning in both, and the zone loads.
        let (bindWarn, oursWarn) = try verdicts(zone, flags: "-i local")
        XCTAssertTrue(bindWarn.loaded && oursWarn.loaded)
        XCTAssertEqual(bindWarn.messages.map(\.severity), oursWarn.messages.map(\.severity))
    }

    /// Every failed zone of a small set has an error to show in BIND's report, each as severe as the built-in
    /// checker's: none is left to "the zone did not load, and said no more".
    func testAFailedZoneAlwaysHasItsErrorInBothReports() throws {
        let cases = [
            ("-i local -m fail", "@ MX 10 mail\n"),
            ("-i local -M fail", "@ MX 10 alias\nalias CNAME ns1\n"),
            ("-i local -S fail", "_sip._tcp SRV 0 0 5060 alias\nalias CNAME ns1\n"),
            ("-i local -r fail", "x A 192.0.2.1\nx A 192.0.2.1\n"),
            ("-i local -k fail", "a_b A 192.0.2.1\n"),
            ("-i local -n fail", "sub NS 192.0.2.1\n"),
            ("-i local", "@ NS missing\n"),
        ]
        for (flags, body) in cases {
            let (bind, ours) = try verdicts(Self.head + body, flags: flags)
            XCTAssertEqual(bind.loaded, ours.loaded, "\(flags) \(body)")
            if bind.loaded { continue }
            let bindErrors = bind.messages.filter { $0.severity == .error }
            XCTAssertFalse(bindErrors.isEmpty, "\(flags) \(body): \(bind.messages)")
            let oursErrors = Set(ours.messages.filter { $0.severity == .error }.map(\.plainText))
            for e in bindErrors where !e.text.contains("near ") {
                XCTAssertTrue(
                    oursErrors.contains(e.plainText) || oursErrors.contains { e.plainText.hasSuffix($0) },
                    "\(flags) \(body): BIND's error '\(e.text)' is no error of the built-in checker: \(oursErrors)")
            }
        }
    }

    // MARK: - 7. One large RRset

    static func oneOwner(_ n: Int) -> String {
        var text = head
        text.reserveCapacity(n * 24)
        for i in 0..<n { text += "big A 10.\(i >> 16).\((i >> 8) & 255).\(i & 255)\n" }
        return text
    }

    func testTheRRsetSizeLimitIsBINDs() throws {
        // 10,918 A records make a slab of 65,508 bytes; one more is past BIND's 65,512.
        try assertAgree(Self.oneOwner(10_918), loads: true)
        try assertAgree(Self.oneOwner(10_919), loads: false)
        XCTAssertTrue(builtin(Self.oneOwner(10_919)).messages.contains { $0.text.hasSuffix("ran out of space") })
        // Records merged as identical take no room: 20,000 lines of 10 addresses load.
        var repeated = Self.head
        for i in 0..<20_000 { repeated += "big A 10.0.0.\(i % 10)\n" }
        try assertAgree(repeated, loads: true)
    }

    func testOneOwnersRecordsCostLinearTime() {
        func seconds(_ n: Int) -> Double {
            let text = Self.oneOwner(n)
            let start = Date()
            _ = builtin(text, flags: "-i local -r warn")
            return Date().timeIntervalSince(start)
        }
        _ = seconds(1_000)
        let small = seconds(2_000)
        let large = seconds(8_000)
        // Four times the records: a quadratic checker takes 16 times as long.
        XCTAssertLessThan(large, max(small, 0.01) * 8, "2,000 records: \(small) s, 8,000: \(large) s")
        let start = Date()
        let refused = builtin(Self.oneOwner(40_000))
        XCTAssertFalse(refused.loaded)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "40,000 records at one owner are refused at once")
    }

    // MARK: - 9. Special files

    func testDevicesAreRefusedAtOnce() throws {
        let start = Date()
        let report = BuiltinZoneChecker().check(path: "/dev/zero", origin: "example", options: .standard)
        XCTAssertFalse(report.loaded)
        XCTAssertEqual(report.messages.map(\.text), ["/dev/zero: not a regular file"])
        let dir = try folder()
        let zone = dir.appendingPathComponent("z.db")
        try (Self.head + "$INCLUDE /dev/zero\n").write(to: zone, atomically: true, encoding: .utf8)
        let included = BuiltinZoneChecker().check(path: zone.path, origin: "example", options: .standard)
        XCTAssertFalse(included.loaded)
        XCTAssertTrue(included.messages.contains { $0.text == "/dev/zero: not a regular file" && $0.line == 5 })
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testAPipeIsStillReadToItsEnd() throws {
        let dir = try folder()
        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let text = Self.head + "www A 192.0.2.10\n"
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            close(fd)
        }
        writer.start()
        let report = BuiltinZoneChecker().check(path: fifo, origin: "example", options: .standard)
        XCTAssertTrue(report.loaded, "\(report.messages)")
    }

    func testWhatAZoneReadsIsBoundedWithItsIncludes() throws {
        let dir = try folder()
        // Each include is under the bound, the two together are over it.
        let records = String(repeating: "www A 192.0.2.10\n", count: 40_000)
        for name in ["a.db", "b.db"] {
            try records.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let zone = dir.appendingPathComponent("z.db")
        try (Self.head + "$INCLUDE \(dir.path)/a.db\n$INCLUDE \(dir.path)/b.db\n").write(
            to: zone, atomically: true, encoding: .utf8)
        var checker = BuiltinZoneChecker()
        checker.readLimit = 1 << 20
        let report = checker.check(path: zone.path, origin: "example", options: .standard)
        XCTAssertFalse(report.loaded)
        XCTAssertTrue(report.messages.contains { $0.text.contains("file too large") && $0.line == 6 }, "\(report)")
        checker.readLimit = 2 << 20
        XCTAssertTrue(checker.check(path: zone.path, origin: "example", options: .standard).loaded)
        XCTAssertEqual(ZoneFileLoader.maxFileSize, 512 << 20, "the default bound")
    }

    // MARK: - 10. $GENERATE and $INCLUDE edges

    /// The records each checker loads for `$GENERATE` lines whose numbers wrap or pass 2^32-1.
    func testGenerateNumbersAreReadAsBINDReadsThem() throws {
        let named = try named()
        let dir = try folder()
        let lines = [
            "$GENERATE 1-2 h${4294967295} A 10.0.0.1", "$GENERATE 1-2 h${4294967296} A 10.0.0.1",
            "$GENERATE 1-2 h${99999999999} A 10.0.0.1", "$GENERATE 1-2 h${-2147483648} A 10.0.0.1",
            "$GENERATE 1-2 h${-2147483649} A 10.0.0.1", "$GENERATE 1-2 h${2147483646} A 10.0.0.1",
            "$GENERATE 0-0 h${-1} A 10.0.0.1", "$GENERATE 4294967296-4294967297 h$ A 10.0.0.1",
            "$GENERATE 8589934593-8589934594 h$ A 10.0.0.1", "$GENERATE 2147483648-2147483648 h$ A 10.0.0.1",
            "$GENERATE 4294967295-4294967295 h$ A 10.0.0.1", "$GENERATE 0-1/4294967296 h$ A 10.0.0.1",
            "$GENERATE 0-1/2147483647 h$ A 10.0.0.1", "$GENERATE 18446744073709551617-1 h$ A 10.0.0.1",
            "$GENERATE -4294967295-2 h$ A 10.0.0.1", "$GENERATE 1-2 h${0,4294967299} A 10.0.0.1",
        ]
        for line in lines {
            let file = dir.appendingPathComponent("g.db").path
            try (Self.head + line + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let bind = try named.dump(path: file, origin: "example")
            let ours = BuiltinZoneChecker().analyze(path: file, origin: "example", options: .loadOnly)
            XCTAssertEqual(bind.report.loaded, ours.report.loaded, "\(line): \(ours.report.messages.map(\.text))")
            guard bind.report.loaded else { continue }
            let bindNames = Set(bind.records.filter { $0.owner.hasPrefix("h") }.map(\.owner))
            let ourNames = Set(CanonicalRecord.from(ours.records).filter { $0.owner.hasPrefix("h") }.map(\.owner))
            XCTAssertEqual(ourNames, bindNames, line)
        }
    }

    func testIncludesNestDeeperThan32() throws {
        let dir = try folder()
        let depth = 100
        for i in 1...depth {
            let next = i < depth ? "$INCLUDE \(dir.path)/i\(i + 1).db\n" : ""
            try "h\(i) A 10.0.0.1\n\(next)".write(
                to: dir.appendingPathComponent("i\(i).db"), atomically: true, encoding: .utf8)
        }
        let zone = dir.appendingPathComponent("z.db")
        try (Self.head + "$INCLUDE \(dir.path)/i1.db\n").write(to: zone, atomically: true, encoding: .utf8)
        let bind = try named().check(path: zone.path, origin: "example", options: .standard)
        let ours = BuiltinZoneChecker().analyze(path: zone.path, origin: "example", options: .standard)
        XCTAssertTrue(bind.loaded)
        XCTAssertTrue(ours.report.loaded, "\(ours.report.messages.map(\.text))")
        XCTAssertEqual(ours.records.filter { $0.owner.description.hasPrefix("h") }.count, depth)
        // A loop is still a loop.
        try "$INCLUDE \(zone.path)\n".write(
            to: dir.appendingPathComponent("i\(depth).db"), atomically: true, encoding: .utf8)
        XCTAssertFalse(BuiltinZoneChecker().check(path: zone.path, origin: "example", options: .standard).loaded)
    }

    // MARK: - 12. Lenient where BIND is not

    func testADirectiveOnTheLastLineWithoutANewlineFailsAsInBIND() throws {
        for last in ["$TTL 600", "$ORIGIN example.", "$GENERATE 1-2 h$ A 10.0.0.1", "$DATE 20200101000000"] {
            try assertAgree(Self.head + last, loads: false)
            XCTAssertTrue(builtin(Self.head + last).messages.contains { $0.text == "extra input text" }, last)
        }
        // A record or an $INCLUDE there still loads (with BIND's warning).
        try assertAgree(Self.head + "x A 10.0.0.1", loads: true)
        // The same directives with their newline load.
        try assertAgree(Self.head + "$TTL 600\n", loads: true)
    }

    func testAnRRSIGSignerHasNoMoreLabelsThanItsLabelsField() throws {
        let sig = "x RRSIG A 8 %d 300 20300101000000 20200101000000 1234 %@ AAAA\n"
        try assertAgree(Self.head + String(format: sig, 3, "a.b.example."), loads: true)
        try assertAgree(Self.head + String(format: sig, 2, "a.b.example."), loads: false)
        try assertAgree(Self.head + String(format: sig, 1, "*.example."), loads: false)
        try assertAgree(Self.head + String(format: sig, 0, "."), loads: true)
        // SIG is not held to it.
        try assertAgree(
            Self.head + String(format: sig.replacingOccurrences(of: "RRSIG", with: "SIG"), 1, "a.b.example."),
            loads: true)
        let refused = builtin(Self.head + String(format: sig, 2, "a.b.example."))
        XCTAssertTrue(refused.messages.contains { $0.text == "near 'a.b.example.': out of range" }, "\(refused)")
    }
}
