import Foundation
import Glibc

/// The daemon's state folder, claimed for the life of the process: an exclusive lock on `daemon.lock` (one
/// daemon per folder: two would share a mirror and a name), and the name it holds leases under, kept in
/// `holder` so that a restarted daemon is the same holder. A daemon killed while it held a lease then takes
/// its own lease back at once instead of waiting for it to expire: the lock proves the earlier process is gone.
package struct StateFolder: Sendable {
    package let path: String
    /// The name to hold leases under: the configured one, else the one this folder keeps.
    package let holder: String

    package struct Busy: Error, CustomStringConvertible {
        package var path: String
        package var owner: String
        package var description: String {
            "the state folder \(path) is in use by another baton reconcile (\(owner)): give each daemon its own "
                + "stateDir (--state-dir)"
        }
    }

    /// Claims `path` (made if missing, 0700), or throws `Busy` when a live daemon has it. The lock's descriptor
    /// is kept open until the process ends, which is what releases it, however the process ends.
    package static func claim(_ path: String, holder configured: String?) throws -> StateFolder {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lockPath = path + "/daemon.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let owner = (try? String(contentsOfFile: lockPath, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw Busy(path: path, owner: owner.map { "process \($0)" } ?? "a live process")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if let configured { return StateFolder(path: path, holder: configured) }
        let file = path + "/holder"
        if let kept = try? String(contentsOfFile: file, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !kept.isEmpty
        {
            return StateFolder(path: path, holder: kept)
        }
        // The host name says where it runs; the random part keeps two folders on one host (or two containers
        // with one host name) apart.
        let name = ProcessInfo.processInfo.hostName + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try (name + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return StateFolder(path: path, holder: name)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
