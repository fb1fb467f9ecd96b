import Foundation
import Logging
import Manifests
import Monitoring
import ServiceLifecycle
import StatusStore

/// The monitored sites' checks inside the daemon (docs/monitoring.md): the sites of the last valid revision,
/// run by the monitor on its schedule; started again when a revision changes the sites; flushed to the status
/// branch at a graceful stop. Only while this daemon holds the lease.
package final class MonitorService: Service, Sendable {
    let state: DaemonState
    let branch: @Sendable () -> StatusBranch?
    let receivers: Receivers
    let metrics: MonitorMetrics
    let logger: Logger

    package init(
        state: DaemonState, branch: @escaping @Sendable () -> StatusBranch?, receivers: Receivers,
        metrics: MonitorMetrics, logger: Logger
    ) {
        self.state = state
        self.branch = branch
        self.receivers = receivers
        self.metrics = metrics
        self.logger = logger
    }

    package func run() async throws {
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            var current: [MonitoredSite] = []
            var running: Task<Void, Never>?
            while !stopping.isSet {
                // Only the lease's holder checks: two daemons on one repository alert once.
                let sites = await state.leaseGeneration != nil ? state.monitoredSites : []
                if sites != current {
                    running?.cancel()
                    await running?.value
                    current = sites
                    running = nil
                    if !sites.isEmpty {
                        var runner = MonitorRunner(sites: sites, branch: branch())
                        runner.receivers = receivers
                        runner.metrics = metrics
                        let job = runner
                        logger.info("monitoring \(sites.count) site(s)")
                        let logger = self.logger
                        running = Task {
                            do {
                                let summary = try await job.run(for: nil)
                                if let error = summary.lastError {
                                    logger.error("monitors/ was not written: \(error)")
                                }
                            } catch {
                                logger.error("the monitor stopped: \(error)")
                            }
                        }
                    }
                }
                try? await Task.sleep(for: .seconds(2))
            }
            // Cancelled, the runner writes the sites' latest figures before it ends.
            running?.cancel()
            await running?.value
        } onGracefulShutdown: {
            stopping.set()
        }
    }
}
