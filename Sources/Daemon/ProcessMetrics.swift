import CMalloc
import Foundation
import GitStore

/// The process's own figures, read when `/metrics` is scraped: what a daemon that runs for months is watched by
/// (memory that only grows, CPU at rest, descriptors that leak). The `process_*` names and meanings are those of
/// Prometheus's client libraries, so the dashboards made for them work; the `baton_*` ones say where resident
/// memory goes (glibc's heap in use and free, libgit2's object cache).
package enum ProcessMetrics {
    package struct Sample: Sendable, Equatable {
        package var cpuSeconds: Double
        package var startTimeSeconds: Double
        package var residentBytes: Int
        package var anonymousBytes: Int
        package var virtualBytes: Int
        package var threads: Int
        package var openDescriptors: Int
        package var heapInUseBytes: Int
        package var heapFreeBytes: Int
        package var gitObjectCacheBytes: Int
    }

    /// Reads `/proc/self`; nil where it cannot be read (not Linux, or a restricted `/proc`).
    package static func sample() -> Sample? {
        guard let stat = read("/proc/self/stat"), let status = read("/proc/self/status"),
            let boot = read("/proc/stat")
        else { return nil }
        // The command name, in parentheses, may hold spaces: the fields are counted from after its end.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3 of proc(5), so field k is fields[k - 3].
        func field(_ k: Int) -> Double? { k - 3 < fields.count ? Double(fields[k - 3]) : nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard let utime = field(14), let stime = field(15), let threads = field(20), let start = field(22),
            let bootTime = boot.split(separator: "\n").first(where: { $0.hasPrefix("btime ") })
                .flatMap({ Double($0.dropFirst(6)) })
        else { return nil }
        func kilobytes(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "") ?? 0)
                * 1024
        }
        let heap = mallinfo2()
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        return Sample(
            cpuSeconds: (utime + stime) / ticks, startTimeSeconds: bootTime + start / ticks,
            residentBytes: kilobytes("VmRSS"), anonymousBytes: kilobytes("RssAnon"), virtualBytes: kilobytes("VmSize"),
            threads: Int(threads), openDescriptors: descriptors,
            heapInUseBytes: Int(heap.uordblks) + Int(heap.hblkhd), heapFreeBytes: Int(heap.fordblks),
            gitObjectCacheBytes: GitLibrary.cachedMemory.current)
    }

    /// The sample in Prometheus's text format.
    package static func render(_ s: Sample) -> String {
        let rows: [(String, String, String, String)] = [
            ("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.", text(s.cpuSeconds)),
            (
                "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                text(s.startTimeSeconds)
            ),
            ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "\(s.residentBytes)"),
            ("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", "\(s.virtualBytes)"),
            ("process_open_fds", "gauge", "Number of open file descriptors.", "\(s.openDescriptors)"),
            ("process_threads", "gauge", "Number of OS threads in the process.", "\(s.threads)"),
            (
                "baton_process_anonymous_memory_bytes", "gauge",
                "Resident memory not backed by a file (the heap, stacks), in bytes.", "\(s.anonymousBytes)"
            ),
            (
                "baton_heap_in_use_bytes", "gauge", "Bytes the allocator has handed out and not had back.",
                "\(s.heapInUseBytes)"
            ),
            (
                "baton_heap_free_bytes", "gauge", "Bytes free inside the allocator's arenas (kept from the system).",
                "\(s.heapFreeBytes)"
            ),
            (
                "baton_git_object_cache_bytes", "gauge", "Bytes held by libgit2's object cache.",
                "\(s.gitObjectCacheBytes)"
            ),
        ]
        var out = ""
        for (name, type, help, value) in rows {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        return out
    }

    private static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
