/// A point in time an operation must finish by, on the monotonic clock so wall-clock jumps neither cut an
/// operation short nor stretch it.
struct Deadline {
    let instant: ContinuousClock.Instant

    init(after duration: Duration) {
        instant = ContinuousClock.now.advanced(by: duration)
    }

    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// What is left, rounded up to whole milliseconds for poll(2), so a wait never ends just before the deadline
    /// and costs one more round of polling for nothing.
    var pollMilliseconds: Int32 {
        let left = ContinuousClock.now.duration(to: instant)
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}

extension Deadline {
    /// What is left, never negative: the timeout of a step that has to finish by this deadline.
    var remaining: Duration {
        max(.zero, ContinuousClock.now.duration(to: instant))
    }
}
