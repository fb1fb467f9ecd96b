import Concurrency
import Foundation

/// The tools Baton runs (named-checkzone, named-checkconf) and the temporary files they write, so that they end
/// with Baton however it ends: Foundation starts each child in a process group of its own, which a terminal's
/// ^C or a service manager's SIGTERM to Baton does not reach, and a dump of a large zone is hundreds of MB.
package enum ChildProcesses {
    struct Registry {
        var processes: [Int32: Int] = [:]
        var paths: [String: Int] = [:]
    }

    static let registry = LockedBox(Registry())

    /// Runs `body` with `process` counted as Baton's child until it returns; `process` must be running.
    static func track<T>(_ process: Process, _ body: () throws -> T) rethrows -> T {
        let pid = process.processIdentifier
        registry.update { $0.processes[pid, default: 0] += 1 }
        defer { registry.update { $0.processes[pid] = nil } }
        return try body()
    }

    /// Runs `body` with `path` (a temporary file or folder) removed if Baton is stopped meanwhile, and removes it
    /// after.
    static func temporary<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        registry.update { $0.paths[path, default: 0] += 1 }
        defer {
            registry.update { $0.paths[path] = nil }
            try? FileManager.default.removeItem(atPath: path)
        }
        return try body()
    }

    /// The write end of the pipe the signal handler tells the stopping thread on (write is async-signal-safe).
    nonisolated(unsafe) static var signalPipe: Int32 = -1

    /// SIGTERM, SIGINT and SIGHUP stop the children, remove the temporary files, then end Baton by the same
    /// signal (its exit status says which). Called once, at start. A handler and a thread, not a dispatch
    /// source: on Linux those read signals through signalfd, which never sees one whose disposition is ignore.
    package static func stopWithBaton() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        signalPipe = fds[1]
        let reader = fds[0]
        let thread = Thread {
            var signo: UInt8 = 0
            while read(reader, &signo, 1) != 1 {}
            stopAll()
            signal(Int32(signo), SIG_DFL)
            raise(Int32(signo))
        }
        thread.start()
        for signo in [SIGTERM, SIGINT, SIGHUP] {
            signal(signo) { signo in
                var byte = UInt8(truncatingIfNeeded: signo)
                _ = write(ChildProcesses.signalPipe, &byte, 1)
            }
        }
    }

    static func stopAll() {
        let (pids, paths) = registry.update { (Array($0.processes.keys), Array($0.paths.keys)) }
        for pid in pids { kill(pid, SIGKILL) }
        for pid in pids {
            var status: Int32 = 0
            // Reaped here, so that the file a child was writing is closed before it is removed.
            _ = waitpid(pid, &status, 0)
        }
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }
}
