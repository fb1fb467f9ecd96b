import Concurrency
import Foundation
import Metrics
import Prometheus

/// The daemon's metrics (docs/daemon.md lists each): made through swift-metrics on a Prometheus registry of its
/// own, which `GET /metrics` renders. Label values are bounded (states, failure kinds, the one revision applied
/// last), so the number of series is too.
package final class DaemonMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    package let factory: PrometheusMetricsFactory
    private let revisionGauge = LockedBox<(revision: String, gauge: Metrics.Gauge)?>(nil)

    package init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
            .seconds(10), .seconds(30), .seconds(60), .seconds(300),
        ]
        self.factory = factory
    }

    package func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self) + (ProcessMetrics.sample().map(ProcessMetrics.render) ?? "")
    }

    func reconcileDuration(_ elapsed: Swift.Duration) {
        Metrics.Timer(label: "baton_reconcile_duration_seconds", factory: factory).recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }

    func run(_ state: String) {
        Metrics.Counter(label: "baton_runs_total", dimensions: [("state", state)], factory: factory).increment()
    }

    func fetchFailed() { Metrics.Counter(label: "baton_fetch_failures_total", factory: factory).increment() }

    func resources(_ counts: [String: Int]) {
        for state in ["Applied", "Pending", "Failed"] {
            Metrics.Gauge(label: "baton_resources", dimensions: [("state", state)], factory: factory).record(
                counts[state] ?? 0)
        }
    }

    func drifted(_ count: Int) { Metrics.Gauge(label: "baton_drifted_resources", factory: factory).record(count) }

    func quarantined(_ count: Int) {
        Metrics.Gauge(label: "baton_quarantined_resources", factory: factory).record(count)
    }

    func gate(waiting: Int, suspended: Bool) {
        Metrics.Gauge(label: "baton_waiting_resources", factory: factory).record(waiting)
        Metrics.Gauge(label: "baton_suspended", factory: factory).record(suspended ? 1 : 0)
    }

    func leaseHeld(_ held: Bool) { Metrics.Gauge(label: "baton_lease_held", factory: factory).record(held ? 1 : 0) }

    /// `baton_applied_revision_info{revision="..."} 1`: one series, the revision applied last (the one before
    /// is removed, so months of revisions do not pile up).
    func applied(_ revision: String) {
        revisionGauge.update { current in
            guard current?.revision != revision else { return }
            current?.gauge.destroy()
            let gauge = Metrics.Gauge(
                label: "baton_applied_revision_info", dimensions: [("revision", revision)], factory: factory)
            gauge.record(1)
            current = (revision, gauge)
        }
    }
}
