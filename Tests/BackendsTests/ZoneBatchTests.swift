import Foundation
import TestSupport
import XCTest

@testable import Backends

/// The run's zones checked at once (`ZoneBatch`: one `named-checkconf -z`) against one `named-checkzone` per zone
/// with the operation's own checks, both this machine's BIND: the batch passes only when every zone in it passes
/// named-checkzone, so an operation that reads the batch's verdict never takes a zone named-checkzone refuses.
final class ZoneBatchTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        for tool in ["/usr/bin/named-checkzone", "/usr/bin/named-checkconf"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is missing (package bind9-utils)")
        }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-zones-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    /// A zone as Baton renders one (tab-separated), with `records` after its SOA, NS and the name server's address.
    func zone(_ origin: String, _ records: [String]) -> String {
        let head = [
            "$ORIGIN \(origin).", "$TTL 3600",
            "@\tIN\tSOA\tns1.\(origin). hostmaster.\(origin). 1 86400 7200 2419200 3600",
            "@\tIN\tNS\tns1.\(origin).", "ns1\tIN\tA\t192.0.2.1",
        ]
        return (head + records).joined(separator: "\n") + "\n"
    }

    /// Records that named-checkzone with the operation's checks refuses, or takes, each kind once.
    let cases: [[String]] = [
        ["www\tIN\tA\t192.0.2.2"],
        ["mail\tIN\tCNAME\twww", "www\tIN\tA\t192.0.2.2", "@\tIN\tMX\t10 mail"],
        ["@\tIN\tMX\t10 mail"],
        ["@\tIN\tMX\t10 192.0.2.3."],
        ["@\tIN\tNS\t192.0.2.4."],
        ["@\tIN\tNS\t2001:db8::53."],
        ["@\tIN\tNS\tns2"],
        ["_sip._tcp\tIN\tSRV\t0 5 5060 sip", "sip\tIN\tCNAME\twww", "www\tIN\tA\t192.0.2.2"],
        ["a_b\tIN\tA\t192.0.2.5"],
        ["@\tIN\tMX\t10 a_b.other.example."],
        ["x\tIN\tCNAME\twww", "x\tIN\tA\t192.0.2.6", "www\tIN\tA\t192.0.2.2"],
        ["www.other.example.\tIN\tA\t192.0.2.7"],
        ["sub\tIN\tNS\tns.sub"],
        ["*\tIN\tA\t192.0.2.9"],
        ["@\tIN\tNS\tns_x.elsewhere.example."],
        ["x\tIN\tTXT\t\"a"],
        ["@\tIN\tCNAME\twww", "www\tIN\tA\t192.0.2.2"],
        ["_sip._tcp\tIN\tSRV\t0 5 5060 _bad.elsewhere.example."],
        ["@\tIN\tMX\t10 mail.elsewhere.example."],
    ]

    func checkzone(_ origin: String, _ text: String) throws -> Bool {
        let file = dir.appendingPathComponent("\(origin).single")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let flags = ["-q", "-i", "local", "-k", "fail", "-n", "fail", "-m", "fail", "-M", "fail", "-S", "fail"]
        return try ProcessRunner.run("/usr/bin/named-checkzone", flags + ["--", origin, file.path]).status == 0
    }

    /// The batch's step run by a real shell with a scratch folder of its own: whether it gave its verdict.
    func batchPasses(_ batch: ZoneBatch) throws -> Bool {
        let run = dir.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        var script = ScriptBuilder()
        try script.assign("baton_run", run.path)
        script.code("(")
        script.append(try XCTUnwrap(batch.prepare()))
        script.code(")")
        _ = try TestShell.run(script)
        return FileManager.default.fileExists(atPath: run.appendingPathComponent("zones/ok").path)
    }

    func testTheBatchPassesOnlyWhenNamedCheckzonePassesEveryZone() throws {
        let good: [(index: Int, origin: String, text: String)] = [
            (1, "good-a.example", zone("good-a.example", cases[0])), (2, "good-b.example", zone("good-b.example", [])),
        ]
        XCTAssertTrue(try batchPasses(ZoneBatch(zones: good)), "zones that pass, pass together")
        var refused = 0
        for (n, records) in cases.enumerated() {
            let origin = "case\(n).example"
            let text = zone(origin, records)
            let single = try checkzone(origin, text)
            if !single { refused += 1 }
            if ZoneBatch.namesAnAddress(text) {
                XCTAssertFalse(single, "only zones named-checkzone refuses are left out: \(records)")
                continue
            }
            let together = try batchPasses(ZoneBatch(zones: good + [(3, origin, text)]))
            XCTAssertEqual(together, single, "\(records): named-checkzone \(single), the batch \(together)")
        }
        XCTAssertGreaterThan(refused, 10, "the cases try the checks")
    }

    /// A zone whose NS target reads as an address is left to named-checkzone (named.conf has no such check).
    func testWhatIsLeftToTheOperations() {
        XCTAssertTrue(ZoneBatch.namesAnAddress(zone("a.example", ["@\tIN\tNS\t192.0.2.4."])))
        XCTAssertTrue(ZoneBatch.namesAnAddress(zone("a.example", ["@\tIN\tNS\t2001:db8::53."])))
        XCTAssertFalse(ZoneBatch.namesAnAddress(zone("a.example", ["@\tIN\tA\t192.0.2.4"])))
    }
}
