/// What wakes the reconcile loop: a webhook (or a signal) rings; otherwise the wait ends at its timeout. Rings
/// that come while the loop works are kept as one (the next round fetches once, whatever their number), so the
/// doorbell holds at most one reason and one waiter.
actor Doorbell {
    private var pending: String?
    private var waiter: (generation: Int, continuation: CheckedContinuation<String?, Never>)?
    private var timer: Task<Void, Never>?
    private var generation = 0

    func ring(_ reason: String) {
        if let waiter {
            self.waiter = nil
            timer?.cancel()
            waiter.continuation.resume(returning: reason)
        } else if pending == nil {
            pending = reason
        }
    }

    /// The reason of a ring, or nil when `timeout` passed first.
    func wait(for timeout: Duration) async -> String? {
        if let reason = pending {
            pending = nil
            return reason
        }
        generation += 1
        let current = generation
        return await withCheckedContinuation { continuation in
            waiter = (current, continuation)
            timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expire(current)
            }
        }
    }

    private func expire(_ generation: Int) {
        guard let waiter, waiter.generation == generation else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: nil)
    }
}
