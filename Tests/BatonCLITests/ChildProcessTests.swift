import Foundation
import XCTest

/// Baton stopped by SIGTERM or SIGINT while the real `named-checkzone` works for it: no process and no temporary
/// file outlives it (issue 10, finding 8).
final class ChildProcessTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/named-checkzone") else {
            throw XCTSkip("bind9-utils is not installed")
        }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-children-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        // A zone big enough to keep named-checkzone busy for seconds.
        var text =
            "$TTL 3600\n@ IN SOA ns1.big.example. h.big.example. 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 10.0.0.1\n"
        text.reserveCapacity(40 << 20)
        for i in 0..<1_200_000 { text += "h\(i) IN A 10.\((i >> 16) & 255).\((i >> 8) & 255).\(i & 255)\n" }
        try text.write(to: dir.appendingPathComponent("big.zone"), atomically: false, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        for pid in checkers() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: dir)
    }

    /// The named-checkzone processes reading this test's zone.
    func checkers() -> [pid_t] {
        let zone = dir.appendingPathComponent("big.zone").path
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.compactMap { name in
            guard let pid = pid_t(name),
                let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline")
            else { return nil }
            let args = String(decoding: data, as: UTF8.self)
            return args.contains("named-checkzone") && args.contains(zone) ? pid : nil
        }
    }

    /// Runs Baton, stops it with `signal` once named-checkzone runs (and, with `dumping`, once it has started
    /// writing its temporary dump), and checks what is left.
    func stop(
        _ arguments: [String], with signal: Int32, dumping: Bool = false, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let p = Process()
        p.executableURL = BatonProcess.binary
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": dir.appendingPathComponent("tmp").path])
        { _, new in new }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        var waited = 0
        while checkers().isEmpty && waited < 200 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 1
        }
        XCTAssertFalse(checkers().isEmpty, "named-checkzone started", file: file, line: line)
        let tmp = dir.appendingPathComponent("tmp").path
        let empty = { ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).isEmpty }
        waited = 0
        while dumping && empty() && waited < 600 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 1
        }
        XCTAssertFalse(dumping && empty(), "the dump is being written", file: file, line: line)
        Thread.sleep(forTimeInterval: dumping ? 0.1 : 0.5)
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, file: file, line: line)
        XCTAssertEqual(p.terminationStatus, signal, file: file, line: line)
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(checkers(), [], "named-checkzone outlived Baton", file: file, line: line)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("tmp").path), [],
            "temporary files left", file: file, line: line)
    }

    func testCheckZoneStoppedTakesNamedCheckzoneWithIt() throws {
        let zone = dir.appendingPathComponent("big.zone").path
        for signal in [SIGTERM, SIGINT] {
            try stop(["check-zone", zone, "--origin", "big.example", "--checker", "named-checkzone"], with: signal)
        }
    }

    func testImportStoppedLeavesNoProcessAndNoDump() throws {
        let zone = dir.appendingPathComponent("big.zone").path
        for signal in [SIGTERM, SIGINT] {
            try stop(
                [
                    "import", "zone", zone, "--origin", "big.example", "--account", "acme", "--checker",
                    "named-checkzone",
                ],
                with: signal, dumping: true)
        }
    }
}
