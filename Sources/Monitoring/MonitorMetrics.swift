import CoreMetrics

/// The metrics the monitor emits through swift-metrics; the daemon's `/metrics` exposes them (swift-prometheus).
/// Built on an explicit factory so that tests and the daemon each choose theirs without a global bootstrap.
package struct MonitorMetrics: Sendable {
    let factory: any MetricsFactory

    package init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    package static let sites = "baton_monitor_sites"
    package static let siteUp = "baton_monitor_site_up"
    package static let stepDuration = "baton_monitor_step_duration"
    package static let tlsDaysLeft = "baton_monitor_tls_days_left"
    package static let alerts = "baton_monitor_alerts_total"
    package static let checks = "baton_monitor_checks_total"

    /// How many sites are in each state.
    package func sites(up: Int, down: Int, unknown: Int) {
        for (state, count) in [("up", up), ("down", down), ("unknown", unknown)] {
            Gauge(label: Self.sites, dimensions: [("state", state)], factory: factory).record(count)
        }
    }

    package func checked(_ result: CheckResult, health: SiteHealth) {
        for step in CheckStep.allCases where result.steps.contains(where: { $0.step == step }) {
            Timer(label: Self.stepDuration, dimensions: [("step", step.rawValue)], factory: factory)
                .recordNanoseconds(Int64(result.milliseconds(of: step) * 1_000_000))
        }
        Counter(
            label: Self.checks, dimensions: [("result", result.failure?.failureClass.rawValue ?? "up")],
            factory: factory
        ).increment()
        Gauge(label: Self.siteUp, dimensions: [("site", result.site)], factory: factory)
            .record(health == .down ? 0 : 1)
        if let certificate = result.certificate {
            Gauge(label: Self.tlsDaysLeft, dimensions: [("site", result.site)], factory: factory)
                .record(certificate.daysLeft(at: result.started))
        }
    }

    package func alert(sent: Bool) {
        Counter(label: Self.alerts, dimensions: [("result", sent ? "sent" : "failed")], factory: factory).increment()
    }
}
