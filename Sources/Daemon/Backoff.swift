/// How long a server waits after failed runs before the daemon tries the same revision again: doubling from
/// `base` up to `cap`, each delay moved by up to `jitter` of itself either way so that servers that failed
/// together (a network outage) are not retried in lockstep.
package struct Backoff: Sendable, Hashable {
    package var base: Duration
    package var cap: Duration
    /// 0 to 1.
    package var jitter: Double

    package init(base: Duration = .seconds(5), cap: Duration = .seconds(600), jitter: Double = 0.2) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The wait after `failures` failures in a row (none for 0).
    package func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> Duration {
        guard failures > 0 else { return .zero }
        let doubled = base.seconds * pow2(min(failures - 1, 30))
        let plain = min(doubled, cap.seconds)
        let spread = plain * jitter * Double.random(in: -1...1, using: &random)
        return .milliseconds(Int64(max(0, min(plain + spread, cap.seconds)) * 1000))
    }

    private func pow2(_ n: Int) -> Double { Double(1 << n) }
}

extension Duration {
    /// Seconds as a Double.
    package var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
