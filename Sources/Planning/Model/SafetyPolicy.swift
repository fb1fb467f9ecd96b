/// The mass-delete guard: a plan that deletes or replaces more than `threshold` percent of a server's
/// managed resources, when it deletes at least `minimum` resources in all, is refused without
/// `--allow-mass-delete`. Configured in `baton.yaml` under `safety:`.
package struct SafetyPolicy: Sendable, Hashable {
    package var threshold: Double
    package var minimum: Int

    package init(threshold: Double = 25, minimum: Int = 10) {
        self.threshold = threshold
        self.minimum = minimum
    }
}
