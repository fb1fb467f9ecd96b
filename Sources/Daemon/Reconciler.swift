import Concurrency
import Foundation
import Logging
import Manifests
import Metrics
import Planning
import ServiceLifecycle

/// The reconcile loop (docs/daemon.md): every interval, and at once when a webhook rings, fetch; plan a new
/// revision (or one with work left); apply what the back-off and the quarantine let through, under the lease;
/// every drift interval, probe the servers and report or correct, beside the rounds. One round of each at a time;
/// a graceful shutdown (SIGTERM) lets the round in flight finish and record, then ends the loop.
package final class Reconciler: Service, Sendable {
    package struct Settings: Sendable {
        package var interval: Swift.Duration
        package var driftInterval: Swift.Duration
        package var driftMode: DaemonConfiguration.DriftMode
        package var backoff: Backoff
        /// How often the lease is renewed while a run goes on (a third of its duration).
        package var leaseRenewal: Swift.Duration

        package init(
            interval: Swift.Duration, driftInterval: Swift.Duration, driftMode: DaemonConfiguration.DriftMode,
            backoff: Backoff = Backoff(), leaseRenewal: Swift.Duration = .seconds(20)
        ) {
            self.interval = interval
            self.driftInterval = driftInterval
            self.driftMode = driftMode
            self.backoff = backoff
            self.leaseRenewal = leaseRenewal
        }
    }

    package let engine: any ReconcileEngine
    package let state: DaemonState
    package let metrics: DaemonMetrics
    private let settingsBox: LockedBox<Settings>
    var settings: Settings { settingsBox.current }
    let logger: Logger
    private let doorbell = Doorbell()

    package init(
        engine: any ReconcileEngine, state: DaemonState, settings: Settings, logger: Logger,
        metrics: DaemonMetrics = DaemonMetrics()
    ) {
        self.engine = engine
        self.state = state
        self.settingsBox = LockedBox(settings)
        self.logger = logger
        self.metrics = metrics
    }

    /// New settings (SIGHUP read the configuration again): the next wait uses them.
    package func reload(_ settings: Settings) {
        settingsBox.update { $0 = settings }
        trigger("configuration reloaded")
    }

    /// Wakes the loop (a webhook, `baton` telling it to look now).
    package func trigger(_ reason: String) {
        let doorbell = self.doorbell
        Task { await doorbell.ring(reason) }
    }

    package func run() async throws {
        let stopping = StopFlag()
        let doorbell = self.doorbell
        await withGracefulShutdownHandler {
            await self.loop(stopping)
        } onGracefulShutdown: {
            stopping.set()
            Task { await doorbell.ring("shutdown") }
        }
        do { try await engine.releaseLease() } catch { logger.warning("the lease was not released: \(error)") }
        logger.info("stopped")
    }

    /// The reconcile rounds, and beside them the drift rounds: a probe of a large server takes tens of seconds,
    /// and a webhook that comes meanwhile starts its round at once. The drift rounds end with the loop (a probe in
    /// flight is left to end on its own; a correction in flight is applied and recorded first).
    func loop(_ stopping: StopFlag) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.driftLoop(stopping) }
            await reconcileLoop(stopping)
            group.cancelAll()
        }
    }

    func reconcileLoop(_ stopping: StopFlag) async {
        let clock = ContinuousClock()
        var reason = "start"
        while !stopping.isSet {
            await round(reason)
            await engine.rest()
            if stopping.isSet { break }
            var wait = settings.interval
            if let retry = await state.nextRetry(), retry - clock.now < wait { wait = max(retry - clock.now, .zero) }
            if let opens = await state.nextWindow() {
                // A window opens on a whole minute: the round after it starts then, not up to an interval later.
                let due = Swift.Duration.milliseconds(Int64(max(0, opens.timeIntervalSinceNow) * 1000) + 500)
                if due < wait { wait = due }
            }
            reason = await doorbell.wait(for: wait) ?? "interval"
        }
    }

    /// A drift round every drift interval, one at a time: the next interval starts when a round ends.
    func driftLoop(_ stopping: StopFlag) async {
        while !stopping.isSet {
            do { try await Task.sleep(for: settings.driftInterval) } catch { return }
            if stopping.isSet || Task.isCancelled { return }
            await driftRound()
            await engine.rest()
        }
    }

    /// One round: fetch, plan, apply what may be applied.
    func round(_ reason: String) async {
        let started = ContinuousClock.now
        defer { metrics.reconcileDuration(ContinuousClock.now - started) }
        let revision: String
        var timings: [String: Swift.Duration] = [:]
        do {
            revision = try await engine.fetch()
            timings["fetch"] = ContinuousClock.now - started
            await state.fetched(revision)
        } catch {
            metrics.fetchFailed()
            await state.fetchFailed("\(error)")
            logger.error("fetch failed: \(error)", metadata: ["reason": "\(reason)"])
            return
        }
        // The lease before the plan too: only its holder reads the servers' journals while planning.
        let leased = (await lease() ?? nil) != nil
        let outcome: PlanOutcome
        let planning = ContinuousClock.now
        do {
            outcome = try await engine.plan(revision, leased: leased)
            timings["plan"] = ContinuousClock.now - planning
        } catch {
            logger.error("plan failed: \(error)", metadata: ["revision": "\(revision)"])
            return
        }
        switch outcome {
        case .invalid(let diagnostics):
            let known = await state.rejected?.revision == revision
            await state.reject(revision, diagnostics: diagnostics)
            guard !known else { return }
            logger.warning(
                "revision is not valid: nothing applied",
                metadata: ["revision": "\(revision)", "errors": "\(diagnostics.count)"])
            do { try await engine.reject(revision, diagnostics: diagnostics) } catch {
                logger.error("the rejection was not recorded: \(error)")
            }
        case .planned(let plan, let sites, let waiting, let suspended):
            await state.planned(revision, pending: plan.changes.count)
            await state.monitor(sites)
            if await state.gate(waiting: waiting, suspended: suspended) {
                logger.info(
                    suspended
                        ? "suspended by baton.yaml: validating and reporting, applying nothing"
                        : "resumed: applying again",
                    metadata: ["revision": "\(revision)"])
            }
            metrics.gate(waiting: waiting.count, suspended: suspended)
            // Held and renewed every round, idle or not, so that the holder stays the holder; a plan made standing
            // by (its journals unread) is not applied: the next round plans again as the holder.
            guard let generation = await lease() ?? nil, leased else { return }
            guard !plan.changes.isEmpty else {
                if await state.lastApplied != revision {
                    logger.info("converged", metadata: ["revision": "\(revision)"])
                }
                await state.converged(revision)
                metrics.applied(revision)
                metrics.resources(await state.resourceStates)
                return
            }
            guard !suspended else { return }
            await apply(plan, revision: revision, generation: generation, waiting: waiting, timings: timings)
            metrics.resources(await state.resourceStates)
        }
    }

    /// Takes or renews the lease (a commit only when a third of it is gone); the generation, or nil standing by.
    func lease() async -> Int?? {
        let generation: Int?
        do { generation = try await engine.lease() } catch {
            logger.error("the lease could not be read or taken: \(error)")
            return .none
        }
        let wasStandby = await state.standby
        await state.lease(generation)
        metrics.leaseHeld(generation != nil)
        if generation == nil, !wasStandby { logger.info("standing by: another daemon holds the lease") }
        if generation != nil, wasStandby { logger.info("took the lease", metadata: ["generation": "\(generation!)"]) }
        return .some(generation)
    }

    func apply(
        _ plan: Plan, revision: String, generation: Int, waiting: [WaitingChange] = [],
        timings: [String: Swift.Duration] = [:]
    ) async {
        let later = Set(waiting.map { Planner.Key(server: $0.change.server, id: $0.change.id) })
        var (changes, held) = await state.runnable(
            plan.changes.filter { !later.contains(Planner.Key(server: $0.server, id: $0.id)) }, now: .now)
        held += later.count
        guard !changes.isEmpty else { return }
        let outcome: RunOutcome
        do {
            outcome = try await renewingLease("a run") {
                try await self.engine.apply(plan, changes: changes, generation: generation)
            }
        } catch {
            logger.error("the run failed: \(error)", metadata: ["revision": "\(revision)"])
            return
        }
        await state.ran(outcome, changes: changes, backoff: settings.backoff, now: .now)
        let failed = outcome.servers.contains { $0.failure != nil || !$0.failed.isEmpty }
        metrics.run(failed ? "failure" : "success")
        metrics.quarantined(await state.quarantine.quarantined.count)
        var metadata: Logger.Metadata = [
            "revision": "\(revision)", "changes": "\(changes.count)", "held": "\(held)",
            "failed": "\(outcome.servers.map { $0.failed.count }.reduce(0, +))",
        ]
        for (part, duration) in timings.merging(outcome.timings, uniquingKeysWith: { a, _ in a }) {
            metadata[part + "Seconds"] = "\(Self.seconds(duration))"
        }
        logger.info("run \(outcome.run)", metadata: metadata)
        if !failed, held == 0 {
            await state.converged(revision)
            metrics.applied(revision)
        }
    }

    /// Seconds to the millisecond, as the run's log line gives them.
    static func seconds(_ duration: Swift.Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return String(format: "%.3f", Double(milliseconds) / 1000)
    }

    /// `body` while the lease is renewed beside it: a run or a probe longer than the lease must not let another
    /// daemon in. `what` names it in the log when the lease is lost meanwhile.
    func renewingLease<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        let (engine, renewal, logger) = (self.engine, settings.leaseRenewal, self.logger)
        let renewing = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: renewal)
                if Task.isCancelled { break }
                if (try? await engine.lease()) == nil { logger.error("the lease was lost while \(what) went on") }
            }
        }
        defer { renewing.cancel() }
        return try await body()
    }

    /// One drift round, by the lease's holder only: a standby neither probes the servers (the holder does, and
    /// twice the SSH sessions would find nothing more) nor corrects them (a correction is a run, and runs are the
    /// holder's alone).
    func driftRound() async {
        guard let generation = await lease() ?? nil else { return }
        do {
            let outcome = try await renewingLease("a drift round") {
                try await self.engine.drift(generation: generation)
            }
            for (server, failure) in outcome.unreachable.sorted(by: { $0.key < $1.key }) {
                logger.error("the drift probe of \(server) failed: \(failure)")
            }
            let before = await state.drifted
            await state.drift(outcome)
            let count = outcome.drifted.values.map(\.count).reduce(0, +)
            metrics.drifted(count)
            if outcome.drifted != before {
                logger.info("drift: \(count) resource(s) drifted", metadata: ["mode": "\(settings.driftMode)"])
            }
        } catch is CancellationError {
            return  // the daemon stops
        } catch let lost as LeaseLost {
            logger.warning("\(lost)")
        } catch {
            logger.error("the drift probe failed: \(error)")
        }
    }
}

/// Set once by the shutdown handler, read by the loop.
struct StopFlag: Sendable {
    private let box = LockedBox(false)
    func set() { box.update { $0 = true } }
    var isSet: Bool { box.current }
}
