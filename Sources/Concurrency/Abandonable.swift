/// Work that a cancelled caller stops waiting for: `body` runs in a task of its own and the caller awaits its
/// result, unless the caller is cancelled first, which then throws `CancellationError` at once while `body`
/// runs on to its end and its result is dropped. For blocking work that cannot be interrupted and that may be
/// left behind safely (a read-only probe over SSH: libssh2 cannot cut a command short), so that a daemon asked to
/// stop does not wait minutes for it.
package enum Abandonable {
    private enum Waiter<T: Sendable> {
        case notYet
        case waiting(CheckedContinuation<T, any Error>)
        case cancelled
        case done
    }

    package static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let waiter = LockedBox<Waiter<T>>(.notYet)
        // The one continuation, taken once: by the result or by the cancellation, whichever comes first.
        let take = { @Sendable (next: Waiter<T>) -> CheckedContinuation<T, any Error>? in
            waiter.update { state in
                defer { state = next }
                if case .waiting(let continuation) = state { return continuation }
                return nil
            }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let cancelled = waiter.update { state -> Bool in
                    if case .cancelled = state { return true }
                    state = .waiting(continuation)
                    return false
                }
                if cancelled { return continuation.resume(throwing: CancellationError()) }
                Task {
                    do {
                        let value = try await body()
                        take(.done)?.resume(returning: value)
                    } catch {
                        take(.done)?.resume(throwing: error)
                    }
                }
            }
        } onCancel: {
            take(.cancelled)?.resume(throwing: CancellationError())
        }
    }
}
