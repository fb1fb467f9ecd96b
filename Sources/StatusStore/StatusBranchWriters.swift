import Concurrency
import Foundation

/// One writer at a time per status branch in this process. A write is a read, a commit and a push: a lease
/// renewal that fetched while a large run was being pushed found the remote behind the local branch, put the
/// local branch back and built on that, and the run's push then sent the old tip (the run was lost). Between
/// processes, the compare-and-swap on the ref and the remote's refusal of a non-fast-forward still decide.
enum StatusBranchWriters {
    /// A lock per repository and branch; a process writes one or two branches, so the table stays that small.
    private static let locks = LockedBox<[String: NSRecursiveLock]>([:])

    static func exclusively<T>(_ branch: StatusBranch, _ body: () throws -> T) rethrows -> T {
        let key = branch.repository.gitDirectory + "\u{0}" + branch.name
        let lock = locks.update { table in
            if let lock = table[key] { return lock }
            let lock = NSRecursiveLock()
            table[key] = lock
            return lock
        }
        return try lock.withLock(body)
    }
}
