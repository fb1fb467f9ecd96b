import Foundation
import Manifests

/// Runs every monitored site on its interval: one loop per site (a task, not a thread), started at a stable
/// offset within the interval so that a thousand sites do not fire at once, and never overlapping itself (a
/// check that outlasts the interval skips rounds). Owns the sites' states; the daemon hosts it.
package actor MonitorScheduler {
    let checker: SiteChecker
    let alerts: AlertSender?
    let recorder: MonitorRecorder?
    let metrics: MonitorMetrics
    /// Results kept per site in memory and in its file.
    package let keep: Int
    private var sites: [String: MonitoredSite]
    private var states: [String: SiteState] = [:]
    private var running: Set<String> = []
    /// Called as each check starts: for the benchmark and for tests of the schedule.
    private let onStart: (@Sendable (String, ContinuousClock.Instant) -> Void)?

    package init(
        sites: [MonitoredSite], checker: SiteChecker, alerts: AlertSender? = nil, recorder: MonitorRecorder? = nil,
        metrics: MonitorMetrics = MonitorMetrics(), keep: Int = 20,
        onStart: (@Sendable (String, ContinuousClock.Instant) -> Void)? = nil
    ) {
        self.checker = checker
        self.alerts = alerts
        self.recorder = recorder
        self.metrics = metrics
        self.keep = max(1, keep)
        self.sites = Dictionary(sites.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.onStart = onStart
    }

    /// Takes up states saved before a restart (from `MonitorStateStore.load`) for sites that still exist.
    package func restore(_ saved: [SiteState]) {
        for state in saved where sites[state.site] != nil { states[state.site] = state }
    }

    /// New manifests: states of sites that remain are kept. Call `run` again to schedule the new set.
    package func update(sites new: [MonitoredSite]) {
        sites = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        states = states.filter { sites[$0.key] != nil }
    }

    package func state(of site: String) -> SiteState? { states[site] }
    package func allStates() -> [SiteState] { states.values.sorted { $0.site < $1.site } }

    /// Where in its interval a site's checks start: a hash of its name, the same on every run and machine.
    package nonisolated static func offset(site: String, interval: Swift.Duration) -> Swift.Duration {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in site.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let ms = max(1, interval.components.seconds * 1000)
        return .milliseconds(Int64(hash % UInt64(ms)))
    }

    /// Runs until the task is cancelled.
    package func run() async {
        let start = ContinuousClock.now
        let current = Array(sites.values)
        await withTaskGroup(of: Void.self) { group in
            for site in current {
                group.addTask { await self.loop(site, start: start) }
            }
        }
    }

    private nonisolated func loop(_ site: MonitoredSite, start: ContinuousClock.Instant) async {
        let interval = Swift.Duration.seconds(site.spec.interval.seconds)
        var next = start + Self.offset(site: site.name, interval: interval)
        while !Task.isCancelled {
            do { try await Task.sleep(until: next, clock: .continuous) } catch { return }
            _ = await checkNow(site)
            next += interval
            let now = ContinuousClock.now
            while next < now { next += interval }
        }
    }

    /// One check of a site now, counted like a scheduled one. Refuses (nil) while the site's previous check
    /// still runs: checks of one site never overlap.
    @discardableResult
    package func checkNow(_ site: MonitoredSite) async -> (CheckResult, [SiteEvent])? {
        guard running.insert(site.name).inserted else { return nil }
        defer { running.remove(site.name) }
        onStart?(site.name, .now)
        let result = await checker.check(site)
        let events = await process(site, result)
        return (result, events)
    }

    /// Counts a result against the site's thresholds, sends the alerts it calls for and notes the state.
    package func process(_ site: MonitoredSite, _ result: CheckResult) async -> [SiteEvent] {
        var state = states[site.name] ?? SiteState(site: site.name, account: site.spec.account, url: site.spec.url)
        state.url = site.spec.url
        let events = state.record(result, spec: site.spec, keep: keep)
        if events.contains(.wentDown), !site.spec.alerts.isEmpty { state.alerted = true }
        states[site.name] = state
        metrics.checked(result, health: state.health)
        let counts = Dictionary(grouping: states.values, by: \.health).mapValues(\.count)
        metrics.sites(
            up: counts[.up] ?? 0, down: counts[.down] ?? 0,
            unknown: sites.count - (counts[.up] ?? 0) - (counts[.down] ?? 0))
        let flipped = !events.isEmpty
        await recorder?.note(state, changed: flipped)
        if let alerts, flipped {
            for event in events {
                let payload = AlertPayload(event: event, state: state, now: result.started)
                for alert in site.spec.alerts {
                    if case .cameUp = event, !alert.sendOnResolved { continue }
                    _ = await alerts.send(payload, to: alert, allowPrivate: site.spec.allowPrivate)
                }
            }
        }
        return events
    }
}
