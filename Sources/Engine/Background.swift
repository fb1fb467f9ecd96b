import Foundation

/// Work started on a thread of its own and collected later: reading the status branch overlaps the single-
/// threaded stretches of loading and validation. A Thread, not a Task: the work blocks on libgit2.
package final class Background<T: Sendable>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    package init(_ work: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            result = Result { try work() }
            done.signal()
        }
        thread.start()
    }

    package func value() throws -> T {
        done.wait()
        done.signal()
        guard let result else { preconditionFailure("signalled before the result was set") }
        return try result.get()
    }
}
