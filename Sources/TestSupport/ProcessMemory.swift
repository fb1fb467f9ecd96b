import Foundation

/// This process's memory as the kernel counts it, for tests that hold a long-running path's heap flat.
package enum ProcessMemory {
    /// Anonymous resident memory, in bytes: the heap, not the files mapped.
    package static func anonymous() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}
