import Backends
import Foundation
import Planning
import XCTest

/// The server's journal of a run, written by a real `/bin/sh` running the run script in a scratch folder, and read
/// back as the next run reads it.
final class ServerJournalTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func header(_ count: Int) -> ServerJournal.Header {
        ServerJournal.Header(
            run: "20261207101500-3f1c2b7d", revision: String(repeating: "3f1c2b7d", count: 5), server: "ns1",
            time: "2026-12-07T10:15:00Z", nonce: "n0nce",
            operations: (0..<count).map {
                ServerJournal.Operation(
                    action: .update, resource: ResourceID(.domain, "zone\($0).example"), account: "acme",
                    hash: "sha256:\($0)", from: $0 == 1 ? Change.Origin(name: "old", account: "acme") : nil)
            }, zones: ["zone0.example": "sha256:abc"])
    }

    /// Runs `bodies` as the operations of a run with a journal in `dir/journal`, and returns the journal read back.
    func run(_ bodies: [ScriptBuilder], forget: [String] = []) throws -> ServerJournal.Entry {
        var script = Prelude.script()
        script.append(
            try RunScript(
                nonce: "n0nce",
                operations: bodies.enumerated().map { .init(label: "op\($0.offset)", body: $0.element) },
                scratch: dir.appendingPathComponent("runs").path,
                journal: ServerJournal.Writing(
                    folder: dir.appendingPathComponent("journal").path, header: header(bodies.count), forget: forget)
            ).render())
        _ = try TestShell.run(script)
        let text = try String(
            contentsOf: dir.appendingPathComponent("journal/20261207101500-3f1c2b7d"), encoding: .utf8)
        return try ServerJournal.parse(text)
    }

    func body(_ line: StaticString) -> ScriptBuilder {
        var body = ScriptBuilder()
        body.code(line)
        return body
    }

    func testTheJournalHoldsTheHeaderAndEveryOutcome() throws {
        let entry = try run([body("true"), body("false"), body("true")])
        XCTAssertEqual(entry.header, header(3))
        XCTAssertEqual(entry.report.operations.map(\.state), [.success, .failure, .success])
        XCTAssertEqual(entry.report.operations.map(\.exitStatus), [0, 1, 0])
        XCTAssertTrue(entry.report.finished)
        let mode =
            try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("journal").path)[
                .posixPermissions] as? Int
        XCTAssertEqual(mode, 0o700, "root's alone")
    }

    /// The shell killed in the middle (its deadline, the machine): what ran is on disk.
    func testAKilledRunLeavesWhatItDidInTheJournal() throws {
        let entry = try run([body("true"), body("kill -9 $$"), body("true")])
        XCTAssertEqual(entry.report.operations.map(\.state), [.success, .error, .aborted])
        XCTAssertFalse(entry.report.finished)
    }

    func testTheNextRunRemovesTheJournalsItIsToldAreRecorded() throws {
        let journal = dir.appendingPathComponent("journal")
        try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: true)
        for name in ["20261201000000-aaaa", "20261202000000-bbbb"] {
            try "x".write(to: journal.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        _ = try run([body("true")], forget: ["20261201000000-aaaa"])
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: journal.path).sorted(),
            ["20261202000000-bbbb", "20261207101500-3f1c2b7d"])
    }

    func testTheReadScriptListsEveryJournal() throws {
        _ = try run([body("true")])
        var script = try ServerJournal.readScript(
            folder: dir.appendingPathComponent("journal").path, runs: dir.appendingPathComponent("runs").path,
            tag: "t4g")
        script.code("true")
        let files = try XCTUnwrap(ServerJournal.split(try TestShell.run(script).stdout, tag: "t4g"))
        XCTAssertEqual(files.map(\.name), ["20261207101500-3f1c2b7d"])
        XCTAssertEqual(try ServerJournal.parse(files[0].text).report.operations.map(\.state), [.success])
    }

    /// A listing cut short (a timeout, a broken connection) is no listing: cut anywhere before its end marker, it
    /// reads as nil, never as fewer journals or a shorter one. Whole, it gives each journal's text as it is.
    func testAJournalListingCutShortIsNotTakenForAWholeOne() throws {
        let texts = ["20261201000000-aaaa": "one\ntwo\n\n", "20261202000000-bbbb": "no newline at the end"]
        let output = try listing(texts, tag: "t4g")
        let files = try XCTUnwrap(ServerJournal.split(output, tag: "t4g"))
        XCTAssertEqual(files.map(\.name), texts.keys.sorted())
        XCTAssertEqual(files[0].text, "one\ntwo\n\n")
        XCTAssertEqual(files[1].text, "no newline at the end\n")
        for cut in 0..<(output.count - 1) {
            XCTAssertNil(ServerJournal.split(Array(output.prefix(cut)), tag: "t4g"), "cut at \(cut)")
        }
        let none = try ServerJournal.readScript(
            folder: dir.appendingPathComponent("nothing").path, runs: dir.path, tag: "t4g")
        XCTAssertEqual(ServerJournal.split(try TestShell.run(none).stdout, tag: "t4g")?.count, 0)
    }

    /// A journal cut short by a killed run may lack its last newline: the next journal's header still starts a
    /// line of its own, and neither is lost.
    func testAJournalWithoutItsLastNewlineDoesNotSwallowTheNext() throws {
        let texts = [
            "20261201000000-aaaa": "cut short", "20261202000000-bbbb": "two\n", "20261203000000-cccc": "three\n\n",
        ]
        let files = try XCTUnwrap(ServerJournal.split(try listing(texts, tag: "t5g"), tag: "t5g"))
        XCTAssertEqual(files.map(\.name), texts.keys.sorted())
        XCTAssertEqual(files.map(\.text), ["cut short\n", "two\n", "three\n\n"])
    }

    /// The read script's output over a journal folder holding `texts` (file name to content).
    func listing(_ texts: [String: String], tag: String) throws -> [UInt8] {
        let journal = dir.appendingPathComponent("journal")
        try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: true)
        for (name, text) in texts {
            try text.write(to: journal.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("runs"), withIntermediateDirectories: true)
        let script = try ServerJournal.readScript(
            folder: journal.path, runs: dir.appendingPathComponent("runs").path, tag: tag)
        return try TestShell.run(script).stdout
    }

    func testAValueThatWouldShiftAFieldIsRefused() {
        var bad = header(1)
        bad.operations[0].account = "acme x"
        XCTAssertThrowsError(try bad.text())
        bad = header(1)
        bad.server = "ns1\nop 0 delete Account/victim"
        XCTAssertThrowsError(try bad.text())
    }

    /// The zone file on the server has a higher serial than the one the client planned (a run whose record was
    /// lost): the candidate is written one above it, and the serial is reported.
    func testAZoneSerialRisesAboveTheServedOne() throws {
        let live = dir.appendingPathComponent("live.zone")
        let candidate = dir.appendingPathComponent("candidate.zone")
        let zone = { (serial: Int) in
            "$ORIGIN acme.example.\n$TTL 3600\n@\tIN\tSOA\tns1.test. hostmaster.acme.example. \(serial) 86400 7200 2419200 3600\n@\tIN\tNS\tns1.test.\n"
        }
        func raise(live liveSerial: Int?, planned: Int) throws -> (text: String, output: String) {
            try? FileManager.default.removeItem(at: live)
            if let liveSerial { try zone(liveSerial).write(to: live, atomically: true, encoding: .utf8) }
            try zone(planned).write(to: candidate, atomically: true, encoding: .utf8)
            var script = Prelude.script()
            script.code("baton_nonce=n0nce; baton_journal=/dev/null")
            script.code("baton_mark() { printf '%s\\n' \"$*\"; }")
            try script.command(
                "baton_zone_serial", .value(live.path), .value(candidate.path), .number(3), .number(planned),
                .value("acme.example"))
            let output = String(decoding: try TestShell.run(script).stdout, as: UTF8.self)
            return (try String(contentsOf: candidate, encoding: .utf8), output)
        }
        let ahead = try raise(live: 2_026_120_702, planned: 2_026_120_702)
        XCTAssertEqual(ahead.text, zone(2_026_120_703))
        XCTAssertEqual(ahead.output, "@@BATON n0nce SERIAL acme.example 2026120703\n")
        XCTAssertEqual(try raise(live: 2_026_120_705, planned: 2_026_120_702).text, zone(2_026_120_706))
        let behind = try raise(live: 2_026_120_601, planned: 2_026_120_702)
        XCTAssertEqual(behind.text, zone(2_026_120_702), "a planned serial above the live one stays")
        XCTAssertEqual(behind.output, "@@BATON n0nce SERIAL acme.example 2026120702\n")
        XCTAssertEqual(try raise(live: nil, planned: 2_026_120_702).text, zone(2_026_120_702))
    }
}
