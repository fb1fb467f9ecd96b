/// The lease changed hands while a drift round probed the servers: what it found is the holder's to act on.
package struct LeaseLost: Error, Sendable, Hashable, CustomStringConvertible {
    /// The generation the round started under, and the one the lease has now (nil: another daemon holds it).
    package var generation: Int
    package var now: Int?

    package init(generation: Int, now: Int?) {
        self.generation = generation
        self.now = now
    }

    package var description: String {
        "the lease of generation \(generation) was lost during the drift probe"
            + (now.map { " (this daemon holds generation \($0) now)" } ?? " (another daemon holds it)")
            + ": nothing recorded or corrected"
    }
}
