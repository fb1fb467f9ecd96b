import Foundation
import Manifests
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import StatusStore

/// The monitor as the daemon will host it, runnable in the foreground: restores the sites' states from the status
/// branch, runs the scheduler, sends alerts, writes `monitors/` and flushes when it stops.
package struct MonitorRunner: Sendable {
    package struct Summary: Sendable {
        package var checks: Int
        package var commits: Int
        package var lastError: String?
        /// Each check's start: the site and the seconds since the run began.
        package var starts: [(site: String, seconds: Double)]
    }

    package var sites: [MonitoredSite]
    package var branch: StatusBranch?
    package var receivers = Receivers()
    package var figuresEvery: Swift.Duration = .seconds(600)
    package var settings = CheckSettings()
    /// Where the monitor's metrics go: the daemon's Prometheus registry, or the global factory.
    package var metrics = MonitorMetrics()

    package init(sites: [MonitoredSite], branch: StatusBranch?) {
        self.sites = sites
        self.branch = branch
    }

    /// Runs for `duration`, or until the task is cancelled when nil.
    package func run(for duration: Swift.Duration?) async throws -> Summary {
        let origin = ContinuousClock.now
        let starts = NIOLockedValueBox<[(String, Double)]>([])
        let group = MultiThreadedEventLoopGroup.singleton
        let store = branch.map { StatusBranchMonitorStore(branch: $0) }
        let recorder = store.map { MonitorRecorder(store: $0, figuresEvery: figuresEvery) }
        let alerts = AlertSender(group: group, receivers: receivers, metrics: metrics)
        let scheduler = MonitorScheduler(
            sites: sites, checker: try SiteChecker(group: group, settings: settings), alerts: alerts,
            recorder: recorder, metrics: metrics,
            onStart: { site, instant in
                let seconds = SiteChecker.milliseconds(origin.duration(to: instant)) / 1000
                starts.withLockedValue { $0.append((site, seconds)) }
            })
        if let store { await scheduler.restore(try await store.load()) }
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await scheduler.run() }
            if let duration {
                tasks.addTask { try? await Task.sleep(for: duration) }
                await tasks.next()
                tasks.cancelAll()
            }
        }
        // Stopped by cancellation (the daemon's shutdown): the last figures are written by a task of their own,
        // which the cancellation does not reach.
        await Task { await recorder?.flush() }.value
        try? await alerts.shutdown()
        let recorded = starts.withLockedValue { $0 }
        return Summary(
            checks: recorded.count, commits: await recorder?.commits ?? 0, lastError: await recorder?.lastError,
            starts: recorded.map { (site: $0.0, seconds: $0.1) })
    }
}
