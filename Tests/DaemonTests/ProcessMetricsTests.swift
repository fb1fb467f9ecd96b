import Daemon
import Foundation
import XCTest

/// The process's own metrics as a scraper reads them: Prometheus text with HELP and TYPE, values that move with
/// what the process does.
final class ProcessMetricsTests: XCTestCase {
    /// Every sample line of the rendered text, by metric name.
    private func scrape() -> [String: Double] {
        var values: [String: Double] = [:]
        for line in DaemonMetrics().render().split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            values[String(parts[0])] = value
        }
        return values
    }

    func testTheProcessFiguresAreScrapedWithTheirTypesAndMoveWithTheProcess() throws {
        let text = DaemonMetrics().render()
        for (name, type) in [
            ("process_cpu_seconds_total", "counter"), ("process_resident_memory_bytes", "gauge"),
            ("process_start_time_seconds", "gauge"), ("process_open_fds", "gauge"), ("process_threads", "gauge"),
            ("baton_process_anonymous_memory_bytes", "gauge"), ("baton_heap_in_use_bytes", "gauge"),
            ("baton_heap_free_bytes", "gauge"), ("baton_git_object_cache_bytes", "gauge"),
        ] {
            XCTAssertTrue(text.contains("# TYPE \(name) \(type)\n"), "\(name) as a \(type) in:\n\(text)")
            XCTAssertTrue(text.contains("# HELP \(name) "), name)
        }

        let before = scrape()
        // CPU: at least what getrusage says was spent before the scrape.
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let spent = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(before["process_cpu_seconds_total"]), spent - 0.01)
        // Started before now, and not before the machine did.
        let start = try XCTUnwrap(before["process_start_time_seconds"])
        XCTAssertLessThanOrEqual(start, Date().timeIntervalSince1970)
        XCTAssertGreaterThan(start, Date().timeIntervalSince1970 - ProcessInfo.processInfo.systemUptime - 1)

        // An open file is one more descriptor; 64 MiB allocated and touched is more resident memory and more heap.
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/stat"))
        let size = 64 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        block.initializeMemory(as: UInt8.self, repeating: 1, count: size)
        let during = scrape()
        block.deallocate()
        try handle.close()
        XCTAssertEqual(during["process_open_fds"], before["process_open_fds"].map { $0 + 1 })
        XCTAssertGreaterThanOrEqual(
            try XCTUnwrap(during["baton_heap_in_use_bytes"]) - before["baton_heap_in_use_bytes"]!, Double(size))
        XCTAssertGreaterThanOrEqual(
            try XCTUnwrap(during["process_resident_memory_bytes"]) - before["process_resident_memory_bytes"]!,
            Double(size / 2))
        XCTAssertGreaterThanOrEqual(
            try XCTUnwrap(during["baton_process_anonymous_memory_bytes"]), Double(size))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(during["process_threads"]), 1)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(during["baton_git_object_cache_bytes"]), 0)
    }
}
