import Foundation

/// One `baton apply` at a time per repository: an exclusive `flock` on a file in the git folder, held for the
/// process's life. The kernel drops it when the process ends, however it ends.
package struct ApplyLock {
    package let descriptor: Int32

    package static func acquire(in gitDirectory: String, wait: Bool) throws -> ApplyLock {
        let path = (gitDirectory as NSString).appendingPathComponent("baton-apply.lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PlanFailure("cannot open the apply lock \(path): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
            close(fd)
            throw PlanFailure(
                "another baton apply is running on this repository\(holder.map { $0.isEmpty ? "" : " (process \($0))" } ?? ""); wait for it, or pass --wait"
            )
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return ApplyLock(descriptor: fd)
    }
}
