import Foundation
import Logging
import Manifests
import Planning
import ServiceLifecycle
import XCTest

@testable import Daemon

/// The loop's decisions against an engine of the test's own: what it applies, what it holds back, what it
/// records. The real engine, servers and repository are the end-to-end tests' (DaemonEndToEndTests).
final class ReconcilerTests: XCTestCase {
    /// A repository whose tip the test moves, and servers whose operations fail as the test says.
    actor FakeEngine: ReconcileEngine {
        var tip = "r1"
        var invalid: Set<String> = []
        /// Resources whose operation fails every time.
        var failing: Set<ResourceID> = []
        var unreachable: Set<String> = []
        var leaseHolder = true
        /// Per revision, the changes still to apply (what was applied leaves the plan).
        var desired: [String: [Change]] = [:]
        var appliedRevisions: [String] = []
        private(set) var applied: [[Change]] = []
        private(set) var rejected: [String] = []
        private(set) var released = false
        var applyDelay: Swift.Duration = .zero
        /// Revisions whose baton.yaml says `suspend: true`.
        var suspended: Set<String> = []
        /// Resources whose account's maintenance windows are closed.
        var outsideWindow: Set<ResourceID> = []

        func set(tip: String, changes: [Change], invalid: Bool = false) {
            self.tip = tip
            desired[tip] = changes
            if invalid { self.invalid.insert(tip) }
        }
        func setFailing(_ ids: Set<ResourceID>) { failing = ids }
        func setUnreachable(_ servers: Set<String>) { unreachable = servers }
        func setLeaseHolder(_ holds: Bool) { leaseHolder = holds }
        func setApplyDelay(_ delay: Swift.Duration) { applyDelay = delay }
        func suspend(_ revision: String) { suspended.insert(revision) }
        func setOutsideWindow(_ ids: Set<ResourceID>) { outsideWindow = ids }

        /// What the loops did, in order: "round" at each fetch, "drift" at each probe, "rest" after either.
        private(set) var events: [String] = []
        func fetch() async throws -> String {
            events.append("round")
            return tip
        }
        func rest() async { events.append("rest") }
        /// Whether each plan was made as the lease's holder (the servers' journals read).
        private(set) var plannedLeased: [Bool] = []
        func plan(_ revision: String, leased: Bool) async throws -> PlanOutcome {
            plannedLeased.append(leased)
            if invalid.contains(revision) {
                return .invalid([
                    Diagnostic(
                        at: SourceLocation(file: "accounts/acme/x.yaml", mark: Mark(line: 3, column: 5)),
                        rule: "yaml.syntax",
                        message: "broken", hint: "fix it")
                ])
            }
            let changes = desired[revision] ?? []
            return .planned(
                Plan(revision: revision, appliedRevision: nil, appliedDigest: "", changes: changes), sites: [],
                waiting: changes.filter { outsideWindow.contains($0.id) }.map {
                    WaitingChange(
                        change: $0, opens: Date(timeIntervalSince1970: 1_796_781_600),
                        message: "waits for a maintenance window of account acme")
                }, suspended: suspended.contains(revision))
        }
        func apply(_ plan: Plan, changes: [Change], generation: Int?) async throws -> RunOutcome {
            if applyDelay > .zero { try await Task.sleep(for: applyDelay) }
            applied.append(changes)
            var servers: [ServerOutcome] = []
            for server in Set(changes.map(\.server)).sorted() {
                let mine = changes.filter { $0.server == server }
                if unreachable.contains(server) {
                    servers.append(
                        ServerOutcome(
                            server: server, failure: EngineFailure(.unreachable, "connection refused"), failed: [:],
                            applied: []))
                    continue
                }
                let failed = mine.filter { failing.contains($0.id) }
                servers.append(
                    ServerOutcome(
                        server: server, failure: nil,
                        failed: Dictionary(uniqueKeysWithValues: failed.map { ($0.id, "nginx -t failed") }),
                        applied: Set(mine.filter { !failing.contains($0.id) }.map(\.id))))
                // What applied is no longer a change of the revision.
                desired[plan.revision] = (desired[plan.revision] ?? []).filter {
                    !($0.server == server && !failing.contains($0.id) && mine.contains($0))
                }
            }
            return RunOutcome(run: "run\(applied.count)", servers: servers)
        }
        func reject(_ revision: String, diagnostics: [Diagnostic]) async throws { rejected.append(revision) }
        /// What the drift rounds find, in turn; none drifted once they are used up.
        var driftOutcomes: [DriftOutcome] = []
        func setDriftOutcomes(_ outcomes: [DriftOutcome]) { driftOutcomes = outcomes }
        /// How long a drift round's probe takes.
        var driftDelay: Swift.Duration = .zero
        func setDriftDelay(_ delay: Swift.Duration) { driftDelay = delay }
        private(set) var driftsStarted = 0
        /// The lease generation each drift round was given.
        private(set) var driftGenerations: [Int] = []
        /// The drift rounds find the lease lost once the probe is done.
        var driftLosesLease = false
        func setDriftLosesLease(_ loses: Bool) { driftLosesLease = loses }
        var generation = 1
        func setGeneration(_ generation: Int) { self.generation = generation }
        private(set) var driftsInFlight = 0
        private(set) var mostDriftsInFlight = 0
        func drift(generation: Int) async throws -> DriftOutcome {
            events.append("drift")
            driftsStarted += 1
            driftGenerations.append(generation)
            driftsInFlight += 1
            mostDriftsInFlight = max(mostDriftsInFlight, driftsInFlight)
            defer { driftsInFlight -= 1 }
            if driftDelay > .zero { try await Task.sleep(for: driftDelay) }
            if driftLosesLease { throw LeaseLost(generation: generation, now: nil) }
            return driftOutcomes.isEmpty ? DriftOutcome(drifted: [:]) : driftOutcomes.removeFirst()
        }
        func lease() async throws -> Int? { leaseHolder ? generation : nil }
        func releaseLease() async throws { released = true }
    }

    static func change(_ kind: Kind, _ name: String, on server: String = "web1", hash: String = "h") -> Change {
        Change(action: .create, id: ResourceID(kind, name), server: server, account: "acme", hash: hash)
    }

    func reconciler(
        _ engine: FakeEngine, quarantineAfter: Int = 3, interval: Swift.Duration = .milliseconds(20),
        driftInterval: Swift.Duration = .seconds(3600)
    ) -> Reconciler {
        Reconciler(
            engine: engine, state: DaemonState(quarantineAfter: quarantineAfter),
            settings: .init(
                interval: interval, driftInterval: driftInterval, driftMode: .report,
                backoff: Backoff(base: .zero, cap: .zero, jitter: 0)),
            logger: Logger(label: "test"))
    }

    /// `r` run as the daemon runs it, in a service group, while `body` goes on; then a graceful shutdown
    /// (SIGTERM), and how long the stop took.
    func serving(_ r: Reconciler, _ body: () async throws -> Void) async throws -> Swift.Duration {
        let group = ServiceGroup(configuration: .init(services: [.init(service: r)], logger: Logger(label: "test")))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            let stopping = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return ContinuousClock.now - stopping
        }
    }

    /// A server whose probe did not finish says nothing about its drift: what its last finished probe found
    /// stays, while another server's clean probe clears its own.
    func testADriftProbeThatFailedKeepsWhatTheLastOneFound() async throws {
        let engine = FakeEngine()
        let shop = ResourceID(.webApp, "shop")
        let zone = ResourceID(.domain, "acme.example")
        await engine.setDriftOutcomes([
            DriftOutcome(drifted: ["web1": [shop], "ns1": [zone]]),
            DriftOutcome(
                drifted: [:],
                unreachable: [
                    "web1": EngineFailure(
                        .timeout, "the drift probe timed out after 2m with 41210 of 70000 checks made")
                ]),
        ])
        let r = reconciler(engine)
        await r.driftRound()
        var drifted = await r.state.drifted
        XCTAssertEqual(drifted, ["web1": [shop], "ns1": [zone]])
        await r.driftRound()
        drifted = await r.state.drifted
        XCTAssertEqual(drifted, ["web1": [shop]])
    }

    /// Whether `condition` holds within `seconds`, asked every 10 ms.
    func eventually(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }

    /// A drift probe of a large server takes tens of seconds: a webhook that comes meanwhile gets its round
    /// within a second, not after the probe; SIGTERM does not wait for the probe (it only reads).
    func testAWebhookRoundStartsWhileADriftProbeRuns() async throws {
        let engine = FakeEngine()
        await engine.setDriftDelay(.seconds(60))
        let r = reconciler(engine, interval: .seconds(3600), driftInterval: .milliseconds(50))
        let stopped = try await serving(r) {
            let probing = await eventually(10) { await engine.driftsStarted == 1 }
            XCTAssertTrue(probing, "a drift round started")
            await engine.set(tip: "r2", changes: [Self.change(.domain, "acme.example", on: "ns1")])
            r.trigger("webhook")
            let applied = await eventually(1) { await engine.applied.count == 1 }
            XCTAssertTrue(applied, "the webhook's round applied while the probe ran")
            let inFlight = await engine.driftsInFlight
            XCTAssertEqual(inFlight, 1, "the probe still runs")
        }
        XCTAssertLessThan(stopped, .seconds(5), "the stop waited for the probe")
        let released = await engine.released
        XCTAssertTrue(released)
        let last = await r.state.lastApplied
        XCTAssertEqual(last, "r2")
    }

    /// Between rounds the engine lets go of what only a round needed: after every reconcile round and every
    /// drift round, before the next one starts.
    func testTheEngineRestsAfterEveryRoundAndEveryDriftRound() async throws {
        let engine = FakeEngine()
        _ = try await serving(reconciler(engine, interval: .milliseconds(20), driftInterval: .milliseconds(30))) {
            let several = await eventually(10) {
                let events = await engine.events
                return events.filter { $0 == "round" }.count >= 3 && events.filter { $0 == "drift" }.count >= 2
            }
            XCTAssertTrue(several)
        }
        let events = await engine.events
        let rounds = events.filter { $0 == "round" }.count
        let drifts = events.filter { $0 == "drift" }.count
        let rests = events.filter { $0 == "rest" }.count
        // One rest for each round that finished; the stop may cut one round of each loop short.
        XCTAssertGreaterThanOrEqual(rests, rounds + drifts - 2, "\(events)")
        XCTAssertLessThanOrEqual(rests, rounds + drifts, "\(events)")
        XCTAssertEqual(events.first, "round")
        XCTAssertEqual(events.dropFirst().first, "rest", "the first round's rest before anything else: \(events)")
    }

    /// Drift rounds never overlap: the next interval starts when a round ends, however long it took.
    func testDriftRoundsComeOneAtATime() async throws {
        let engine = FakeEngine()
        await engine.setDriftDelay(.milliseconds(100))
        _ = try await serving(reconciler(engine, interval: .seconds(3600), driftInterval: .milliseconds(10))) {
            let several = await eventually(10) { await engine.driftsStarted >= 3 }
            XCTAssertTrue(several)
        }
        let most = await engine.mostDriftsInFlight
        XCTAssertEqual(most, 1)
    }

    func testAnInvalidRevisionIsNeverAppliedAndAFixIs() async throws {
        let engine = FakeEngine()
        await engine.set(tip: "good", changes: [Self.change(.domain, "acme.example", on: "ns1")])
        let r = reconciler(engine)
        await r.round("test")
        var ready = await r.state.readiness()
        XCTAssertTrue(ready.ready, ready.reason)
        await engine.set(tip: "bad", changes: [Self.change(.domain, "evil.example", on: "ns1")], invalid: true)
        await r.round("webhook")
        await r.round("interval")
        let applied = await engine.applied
        XCTAssertEqual(applied.flatMap { $0.map(\.id.name) }, ["acme.example"], "nothing of the invalid revision")
        let rejected = await engine.rejected
        XCTAssertEqual(rejected, ["bad"], "recorded once")
        ready = await r.state.readiness()
        XCTAssertFalse(ready.ready)
        XCTAssertTrue(
            ready.reason.contains("revision bad is not valid (1 error(s)); the servers keep good"), ready.reason)
        let json = await r.state.statusJSON()
        let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        XCTAssertEqual((status["lastRejected"] as? [String: Any])?["revision"] as? String, "bad")
        XCTAssertEqual(status["lastAppliedRevision"] as? String, "good")

        await engine.set(tip: "fixed", changes: [Self.change(.domain, "fixed.example", on: "ns1")])
        await r.round("webhook")
        let after = await engine.applied
        XCTAssertEqual(after.last?.map(\.id.name), ["fixed.example"])
        ready = await r.state.readiness()
        XCTAssertTrue(ready.ready)
    }

    func testASuspendedRevisionIsPlannedAndReportedAndNothingApplied() async throws {
        let engine = FakeEngine()
        await engine.set(tip: "r1", changes: [Self.change(.domain, "acme.example", on: "ns1")])
        await engine.suspend("r1")
        let r = reconciler(engine)
        await r.round("interval")
        await r.round("webhook")
        let applied = await engine.applied
        XCTAssertEqual(applied, [])
        let json = await r.state.statusJSON()
        let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        XCTAssertEqual(status["suspended"] as? Bool, true)
        XCTAssertEqual((status["counts"] as? [String: Int])?["Pending"], 1)
        XCTAssertTrue(r.metrics.render().contains("baton_suspended 1"), r.metrics.render())
        let ready = await r.state.readiness()
        XCTAssertTrue(ready.ready, "suspended is not broken")

        await engine.set(tip: "r2", changes: [Self.change(.domain, "acme.example", on: "ns1")])
        await r.round("webhook")
        let after = await engine.applied
        XCTAssertEqual(after.flatMap { $0.map(\.id.name) }, ["acme.example"], "resumed")
        XCTAssertTrue(r.metrics.render().contains("baton_suspended 0"))
    }

    func testChangesOutsideTheirMaintenanceWindowWaitWhileOthersApply() async throws {
        let engine = FakeEngine()
        let waiting = Self.change(.webApp, "shop")
        let ready = Self.change(.domain, "acme.example", on: "ns1")
        await engine.set(tip: "r1", changes: [waiting, ready])
        await engine.setOutsideWindow([waiting.id])
        let r = reconciler(engine)
        await r.round("interval")
        await r.round("interval")
        let applied = await engine.applied
        XCTAssertEqual(applied.flatMap { $0.map(\.id.name) }, ["acme.example"], "once, without the waiting one")
        let json = await r.state.statusJSON()
        let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let listed = try XCTUnwrap(status["waiting"] as? [[String: Any]])
        XCTAssertEqual(listed.map { $0["resource"] as? String }, ["WebApp/shop"])
        XCTAssertEqual(listed.first?["opens"] as? String, "2026-12-09T02:00:00Z")
        let converged = await r.state.lastApplied
        XCTAssertNil(converged, "not converged while a change waits")
        XCTAssertTrue(r.metrics.render().contains("baton_waiting_resources 1"))
        let wake = await r.state.nextWindow()
        XCTAssertEqual(wake, Date(timeIntervalSince1970: 1_796_781_600))

        // The window opens: the change is applied and the revision converges.
        await engine.setOutsideWindow([])
        await r.round("interval")
        let after = await engine.applied
        XCTAssertEqual(after.last?.map(\.id.name), ["shop"])
        let last = await r.state.lastApplied
        XCTAssertEqual(last, "r1")
    }

    func testAResourceThatAlwaysFailsIsQuarantinedWhileOthersApply() async throws {
        let engine = FakeEngine()
        let broken = Self.change(.webApp, "broken")
        await engine.set(tip: "r1", changes: [broken])
        await engine.setFailing([broken.id])
        let r = reconciler(engine, quarantineAfter: 3)
        for _ in 0..<5 { await r.round("interval") }
        let tries = await engine.applied.count
        XCTAssertEqual(tries, 3, "tried until quarantined, then skipped")
        let quarantined = await r.state.quarantine.quarantined
        XCTAssertEqual(quarantined.map(\.resource), ["WebApp/broken"])
        // Another account's change on the same server lands.
        let other = Self.change(.webApp, "globex-www")
        await engine.set(tip: "r2", changes: [broken, other])
        await r.round("webhook")
        let last = await engine.applied.last
        XCTAssertEqual(last?.map(\.id.name), ["globex-www"])
        // A new spec of the broken app is tried again.
        await engine.set(tip: "r3", changes: [Self.change(.webApp, "broken", hash: "h2")])
        await engine.setFailing([])
        await r.round("webhook")
        let fixed = await engine.applied.last
        XCTAssertEqual(fixed?.map(\.id.name), ["broken"])
    }

    func testAnUnreachableServerBacksOffAndOthersGoOn() async throws {
        let engine = FakeEngine()
        await engine.set(
            tip: "r1", changes: [Self.change(.account, "acme"), Self.change(.domain, "a.example", on: "ns1")])
        await engine.setUnreachable(["web1"])
        let r = Reconciler(
            engine: engine, state: DaemonState(quarantineAfter: 5),
            settings: .init(
                interval: .milliseconds(10), driftInterval: .seconds(3600), driftMode: .report,
                backoff: Backoff(base: .seconds(3600), cap: .seconds(3600), jitter: 0)),
            logger: Logger(label: "test"))
        await r.round("start")
        await engine.set(
            tip: "r2", changes: [Self.change(.account, "acme"), Self.change(.domain, "b.example", on: "ns1")])
        await r.round("webhook")
        let runs = await engine.applied
        XCTAssertEqual(runs.map { $0.map(\.id.name).sorted() }, [["a.example", "acme"], ["b.example"]])
        let web1 = await r.state.servers["web1"]
        XCTAssertEqual(web1?.lastFailure?.kind, .unreachable)
        XCTAssertEqual(web1?.failures, 1)
    }

    func testAStandbyDaemonAppliesNothing() async throws {
        let engine = FakeEngine()
        await engine.set(tip: "r1", changes: [Self.change(.account, "acme")])
        await engine.setLeaseHolder(false)
        let r = reconciler(engine)
        await r.round("start")
        let applied = await engine.applied
        XCTAssertEqual(applied.count, 0)
        let standby = await r.state.standby
        XCTAssertTrue(standby)
        await engine.setLeaseHolder(true)
        await r.round("interval")
        let after = await engine.applied
        XCTAssertEqual(after.count, 1, "it takes over once the lease is free")
    }

    /// A standby neither probes the servers for drift nor corrects them: only the holder does, with its lease's
    /// generation; a round that finds the lease lost once its probe is done changes nothing of what is known.
    func testOnlyTheLeaseHolderRunsDriftRounds() async throws {
        let engine = FakeEngine()
        let shop = ResourceID(.webApp, "shop")
        await engine.setDriftOutcomes([DriftOutcome(drifted: ["web1": [shop]])])
        await engine.setLeaseHolder(false)
        let r = reconciler(engine)
        await r.driftRound()
        var started = await engine.driftsStarted
        XCTAssertEqual(started, 0, "a standby probed the servers")
        let standby = await r.state.standby
        XCTAssertTrue(standby)

        await engine.setLeaseHolder(true)
        await engine.setGeneration(4)
        await r.driftRound()
        let generations = await engine.driftGenerations
        XCTAssertEqual(generations, [4], "the holder probes, under its lease's generation")
        var drifted = await r.state.drifted
        XCTAssertEqual(drifted, ["web1": [shop]])

        await engine.setDriftLosesLease(true)
        await r.driftRound()
        started = await engine.driftsStarted
        XCTAssertEqual(started, 2)
        drifted = await r.state.drifted
        XCTAssertEqual(drifted, ["web1": [shop]], "a round whose lease was lost says nothing")
    }

    /// Only the holder reads the servers' journals while it plans (a standby would find the holder's run in
    /// flight there and record it as recovered), and a plan made standing by is not applied: the next round,
    /// as the holder, plans again and applies.
    func testAStandbyPlansWithoutTheServersJournals() async throws {
        let engine = FakeEngine()
        await engine.set(tip: "r1", changes: [Self.change(.account, "acme")])
        await engine.setLeaseHolder(false)
        let r = reconciler(engine)
        await r.round("start")
        await engine.setLeaseHolder(true)
        await r.round("interval")
        let leased = await engine.plannedLeased
        XCTAssertEqual(leased, [false, true])
        let applied = await engine.applied
        XCTAssertEqual(applied.count, 1)
    }

    /// SIGTERM's graceful shutdown: the run in flight finishes and is recorded, no new one starts, the lease is
    /// given up.
    func testAGracefulShutdownFinishesTheRunInFlight() async throws {
        let engine = FakeEngine()
        await engine.set(tip: "r1", changes: [Self.change(.account, "acme")])
        await engine.setApplyDelay(.milliseconds(300))
        _ = try await serving(reconciler(engine)) { try await Task.sleep(for: .milliseconds(100)) }
        let applied = await engine.applied
        XCTAssertEqual(applied.count, 1, "the run in flight finished")
        let released = await engine.released
        XCTAssertTrue(released)
    }

    /// The metrics as a scrape reads them: one series for the revision applied last.
    func testMetricsSayWhatTheLoopDid() async throws {
        let engine = FakeEngine()
        await engine.set(tip: "r1", changes: [Self.change(.account, "acme")])
        let r = reconciler(engine)
        await r.round("start")
        await r.round("interval")
        await engine.set(tip: "r2", changes: [Self.change(.account, "acme", hash: "h2")])
        await r.round("webhook")
        await r.round("interval")
        let text = r.metrics.render()
        for line in [
            #"baton_runs_total{state="success"} 2"#, #"baton_applied_revision_info{revision="r2"} 1"#,
            "baton_lease_held 1", "baton_quarantined_resources 0", #"baton_resources{state="Pending"} 0"#,
        ] {
            XCTAssertTrue(text.contains(line), "\(line) in\n\(text)")
        }
        XCTAssertFalse(text.contains(#"revision="r1""#), text)
        XCTAssertTrue(text.contains("baton_reconcile_duration_seconds_count"), text)
    }

    func testTheDoorbellKeepsOneRingAndTimesOut() async {
        let bell = Doorbell()
        await bell.ring("a")
        await bell.ring("b")
        let first = await bell.wait(for: .seconds(5))
        XCTAssertEqual(first, "a")
        let none = await bell.wait(for: .milliseconds(20))
        XCTAssertNil(none)
        async let waiting = bell.wait(for: .seconds(30))
        try? await Task.sleep(for: .milliseconds(20))
        await bell.ring("webhook")
        let rung = await waiting
        XCTAssertEqual(rung, "webhook")
    }
}
