import Foundation

/// A value behind a lock: the project's one type for state that threads share outside an actor (the SSH pool's
/// progress, libgit2's handle pool, the parse cache, the daemon's few shared flags). Hold the lock only for the
/// body: never block on I/O inside it.
package final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    /// Reads or changes the value under the lock; returns what `body` returns.
    @discardableResult
    package func update<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    /// A copy of the value.
    package var current: Value { update { $0 } }
}
