import Concurrency
import Foundation

/// Runs per-server work side by side, each piece on a thread of its own, at most `parallel` at once; the outputs
/// come back in the order of the items.
///
/// Threads, not tasks: a libssh2 call blocks its thread for as long as the server and the network take, and
/// Swift's cooperative pool has only one thread per core. Blocking those would stall every other task in the
/// process (the platform probe measured four parallel `sleep 1` commands: 2.6 s in a task group on two cores,
/// 1.6 s on threads).
package enum SSHPool {
    package static let defaultParallelism = 8

    /// Calls `work` for every item on pool threads and waits for all of them, blocking the calling thread.
    @available(*, noasync, message: "blocks the calling thread; use the async overload")
    package static func forEach<Item: Sendable, Output: Sendable>(
        _ items: [Item], parallel: Int = defaultParallelism, _ work: @escaping @Sendable (Item) -> Output
    ) -> [Output] {
        let done = DispatchSemaphore(value: 0)
        let outputs = LockedBox<[Output]>([])
        start(items, parallel: parallel, work) { finished in
            outputs.update { $0 = finished }
            done.signal()
        }
        done.wait()
        return outputs.current
    }

    /// Calls `work` for every item on pool threads; the calling task is suspended, no thread of the cooperative
    /// pool waits.
    package static func forEach<Item: Sendable, Output: Sendable>(
        _ items: [Item], parallel: Int = defaultParallelism, _ work: @escaping @Sendable (Item) -> Output
    ) async -> [Output] {
        await withCheckedContinuation { continuation in
            start(items, parallel: parallel, work) { continuation.resume(returning: $0) }
        }
    }

    /// One connection per target: connects, hands the connection to `work`, closes it. Failures to connect and
    /// errors `work` throws come back as that target's result.
    @available(*, noasync, message: "blocks the calling thread; use the async overload")
    package static func connectEach<Output: Sendable>(
        _ targets: [SSHTarget], credentials: SSHCredentials, parallel: Int = defaultParallelism,
        _ work: @escaping @Sendable (SSHConnection) throws -> Output
    ) -> [Result<Output, any Error>] {
        forEach(targets, parallel: parallel) { connected($0, credentials, work) }
    }

    /// One connection per target, as the blocking overload, without holding a thread of the cooperative pool.
    package static func connectEach<Output: Sendable>(
        _ targets: [SSHTarget], credentials: SSHCredentials, parallel: Int = defaultParallelism,
        _ work: @escaping @Sendable (SSHConnection) throws -> Output
    ) async -> [Result<Output, any Error>] {
        await forEach(targets, parallel: parallel) { connected($0, credentials, work) }
    }

    private static func connected<Output>(
        _ target: SSHTarget, _ credentials: SSHCredentials, _ work: (SSHConnection) throws -> Output
    ) -> Result<Output, any Error> {
        Result {
            let connection = try SSHConnection.connect(target, credentials: credentials)
            defer { connection.close() }
            return try work(connection)
        }
    }

    /// Starts up to `parallel` threads that take the next item until none is left; the last one to finish hands
    /// all outputs to `completion`.
    private static func start<Item: Sendable, Output: Sendable>(
        _ items: [Item], parallel: Int, _ work: @escaping @Sendable (Item) -> Output,
        completion: @escaping @Sendable ([Output]) -> Void
    ) {
        guard !items.isEmpty else { return completion([]) }
        let progress = LockedBox(Progress<Output>(count: items.count))
        for worker in 0..<max(1, min(parallel, items.count)) {
            let thread = Thread {
                while let index = progress.update({ $0.take() }) {
                    let output = work(items[index])
                    if let outputs = progress.update({ $0.finish(index, output) }) { completion(outputs) }
                }
            }
            thread.name = "ssh-pool-\(worker)"
            thread.start()
        }
    }

    private struct Progress<Output> {
        private var next = 0
        private var remaining: Int
        private var slots: [Output?]

        init(count: Int) {
            remaining = count
            slots = Array(repeating: nil, count: count)
        }

        mutating func take() -> Int? {
            guard next < slots.count else { return nil }
            defer { next += 1 }
            return next
        }

        /// All outputs in order once the last item finished, else nil.
        mutating func finish(_ index: Int, _ output: Output) -> [Output]? {
            slots[index] = output
            remaining -= 1
            guard remaining == 0 else { return nil }
            // Not compactMap: an Output that is itself optional may legitimately be nil.
            return slots.indices.map { index in
                switch slots[index] {
                case .some(let value): return value
                case .none: preconditionFailure("item \(index) finished without an output")
                }
            }
        }
    }
}
