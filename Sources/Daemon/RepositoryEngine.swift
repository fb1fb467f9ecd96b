import Apply
import CMalloc
import Concurrency
import Engine
import Foundation
import GitStore
import Logging
import Manifests
import NIOPosix
import Planning
import SSHTransport
import StatusStore

/// The engine the daemon runs: the repository (a local one, or a bare mirror of a remote one in `stateDir`), the
/// plan session kept across revisions, the status branch, the lease. Every call does its libgit2 and libssh2
/// work on NIO's blocking thread pool, never on Swift's cooperative threads, one call at a time (the session has
/// a single owner).
package final class RepositoryEngine: ReconcileEngine, @unchecked Sendable {
    let configuration: DaemonConfiguration
    let logger: Logger
    /// The repository as opened: the local path, or the mirror's.
    let path: String
    let isRemote: Bool
    let holder: String
    let repository: GitRepository
    /// Owned by the one call that runs at a time (`serial`).
    private let session = PlanSession()
    private var planned: Planned?
    /// The last plan's `suspend:`, kept after its plan is let go (drift corrections wait while it is set).
    private var suspended = false
    /// What the servers' journals said at the last plan: files to forget, servers not to run on.
    private var recovery = JournalRecovery()
    /// The changes the last plan held back for maintenance windows: recorded Pending, with why, by the next run.
    private var waiting: [MaintenanceGate.Waiting] = []
    /// How long the last plan spent reading the servers' journals (reported with the run).
    private var recovered = Swift.Duration.zero
    /// The drift round's probes as last prepared (`prepareDrift`); let go when a run changes the status branch.
    private var driftPreparation: DriftCheck.Preparation?
    /// Drift preparations built (what keeping them saves is seen in tests by this count).
    let driftPreparations = LockedBox(0)
    /// Runs the drift probes; nil: over SSH.
    let prober: DriftProber?
    private let serial = NSLock()
    /// The lease as last taken: renewed only when a third of it is gone, so an idle daemon writes a lease commit
    /// every `leaseDuration / 3`, not every round. Its own lock: a renewal runs while an apply holds `serial`.
    private let held = LockedBox<LeaseFile?>(nil)
    private let leasing = NSLock()

    package init(
        configuration: DaemonConfiguration, holder: String, logger: Logger, prober: DriftProber? = nil
    ) throws {
        guard let repo = configuration.repo else {
            throw EngineFailure(.other, "no repository: set repo in the configuration or pass --repo")
        }
        self.configuration = configuration
        self.logger = logger
        self.holder = holder
        self.prober = prober
        isRemote = Self.isURL(repo)
        if isRemote {
            path = configuration.stateDir + "/mirror.git"
            try FileManager.default.createDirectory(
                atPath: configuration.stateDir, withIntermediateDirectories: true)
            repository = try GitRepository.mirror(at: path, of: repo)
        } else {
            path = repo
            do { repository = try GitRepository(path: repo) } catch {
                throw EngineFailure(.other, Planned.notARepository(repo, error))
            }
        }
    }

    /// `file://…`, `ssh://…` and scp-like `user@host:path` are remote; anything else is a local path.
    static func isURL(_ text: String) -> Bool {
        if text.hasPrefix("file://") || text.hasPrefix("ssh://") { return true }
        guard let colon = text.firstIndex(of: ":"), !text.hasPrefix("/") else { return false }
        return text[..<colon].contains("@")
    }

    /// `body` on the blocking pool, alone.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive { [serial] in
            try serial.withLock { try body() }
        }
    }

    package func fetch() async throws -> String {
        let (repository, isRemote, branch, logger) = (self.repository, self.isRemote, configuration.branch, logger)
        return try await blocking {
            if isRemote {
                do {
                    try repository.fetch(
                        from: "origin", refspecs: ["+refs/heads/\(branch):refs/heads/\(branch)"],
                        options: RemoteConfiguration.options())
                } catch {
                    throw EngineFailure(.fetch, "\(error)")
                }
                // A pack per fetch, each held open, and loose objects from every status commit: the small packs and
                // the loose objects folded past 20 packs or 1,000 objects, as `git gc --auto` does (geometrically:
                // the large first pack stays as it is).
                do {
                    let folded = try repository.compactPacks(ifMoreThan: 20)
                    if folded > 0 { logger.info("folded \(folded) packs of the mirror and its loose objects into one") }
                } catch {
                    logger.warning("the mirror's packs could not be folded: \(error)")
                }
            }
            do { return try repository.resolve("refs/heads/" + branch).description } catch {
                throw EngineFailure(.invalidRevision, "the branch \(branch) does not exist: \(error)")
            }
        }
    }

    /// Between rounds the daemon holds its plan session and the status snapshot, nothing else: libgit2's object
    /// caches and mapped pack windows (at 10,000 accounts some 25 MB of objects and 45 MB of packs after a first
    /// apply) go, and so does the heap that the round freed.
    package func rest() async {
        try? await blocking { [repository] in
            repository.release()
            malloc_trim(0)
        }
    }

    package func plan(_ revision: String, leased: Bool) async throws -> PlanOutcome {
        try await blocking { [self] in
            let make = {
                do {
                    return try Planned.make(
                        repo: self.path, rev: revision, fetch: self.isRemote, zoneChecker: nil, zoneCache: true,
                        allowMassDelete: false, servers: self.configuration.server, logger: self.logger,
                        session: self.session, opened: self.repository)
                } catch let failure as PlanFailure {
                    throw EngineFailure(.statusBranchInvalid, failure.description)
                }
            }
            var planned = try make()
            if let invalid = planned.invalid { return .invalid(invalid) }
            let recovering = ContinuousClock.now
            // Runs the servers did that the status branch does not hold (a daemon killed before its record) are
            // recorded first, from the servers' journals; then the revision is planned against them. By the holder
            // of the lease only: a standby would read the journal of the holder's run in flight as one to recover.
            recovery = JournalRecovery()
            if leased, !planned.plan.changes.isEmpty, let credentials = try? credentials() {
                recovery = try JournalRecovery.recover(
                    ApplyRun.targets(planned), planned: planned, repo: path, opened: repository,
                    credentials: credentials)
                if !recovery.recovered.isEmpty {
                    logger.warning(
                        "recorded from the servers' journals: \(recovery.recovered.joined(separator: ", "))")
                    planned = try make()
                }
            }
            recovered = ContinuousClock.now - recovering
            if !planned.plan.refusals.isEmpty {
                // A mass delete is for a person to allow (`baton apply --allow-mass-delete`), never automatic.
                let location = SourceLocation(file: RepositoryConfig.fileName, mark: Mark(line: 1, column: 1))
                return .invalid(
                    planned.plan.refusals.map {
                        Diagnostic(
                            at: location, rule: "plan.mass-delete",
                            message:
                                "the plan deletes \($0.destructive) of \($0.managed) resources on \($0.server), over the threshold",
                            hint: "review it with baton plan, then apply it with baton apply --allow-mass-delete")
                    })
            }
            self.planned = planned
            suspended = planned.suspended
            let gate = MaintenanceGate.split(planned.plan.changes, manifests: planned.manifests, now: Date())
            waiting = gate.waiting
            return .planned(
                planned.plan, sites: planned.manifests.monitoredSites,
                waiting: gate.waiting.map {
                    WaitingChange(
                        change: $0.change, opens: $0.opens.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                        message: $0.message)
                }, suspended: planned.suspended)
        }
    }

    package func reject(_ revision: String, diagnostics: [Diagnostic]) async throws {
        let file = RejectedFile(
            revision: revision, time: ISO8601DateFormatter().string(from: Date()),
            errors: diagnostics.map {
                RejectedFile.Error(
                    file: $0.location.file, line: $0.location.line, column: $0.location.column, rule: $0.rule,
                    message: $0.message)
            })
        try await blocking { [self] in
            let branch = try statusBranch()
            _ = try branch.record(
                applied: nil, message: "baton reconcile: \(revision.prefix(12)) is not valid",
                options: RemoteConfiguration.options()
            ) { _ in [RejectedFile.path: Array(file.render().utf8)] }
        }
    }

    package func apply(_ plan: Plan, changes: [Change], generation: Int?) async throws -> RunOutcome {
        try await blocking { [self] in
            guard let planned, planned.plan.revision == plan.revision else {
                throw EngineFailure(.other, "no plan of \(plan.revision.prefix(12)) is kept to apply")
            }
            let ran = Set(changes.map { Planner.Key(server: $0.server, id: $0.id) })
            defer {
                // The next round plans again. A first apply's plan holds every resource's desired and applied
                // forms, and the run its scripts and logs: let them go now rather than at the next round, and
                // hand the freed heap back to the system (glibc keeps it otherwise, and a daemon that applied
                // once at 10,000 accounts would sit on it for months).
                self.planned = nil
                self.session.forgetDetails()
                recovery = JournalRecovery()
                recovered = .zero
                malloc_trim(0)
            }
            return try run(
                planned, changes: changes, generation: generation,
                waiting: waiting.filter { !ran.contains(Planner.Key(server: $0.change.server, id: $0.change.id)) },
                recovery: recovery, recovered: recovered)
        }
    }

    /// One apply through the engine, under the repository's apply lock (a person's `baton apply` waits, and
    /// waits for it), and what it came to per server. `recovery`: what the plan read from the servers' journals
    /// (`recovered`: how long that took), for the run of that plan only; a drift correction, which may come
    /// between a plan and its run, has its own.
    func run(
        _ planned: Planned, changes: [Change]?, generation: Int?, waiting: [MaintenanceGate.Waiting] = [],
        recovery: JournalRecovery = JournalRecovery(), recovered: Swift.Duration = .zero
    ) throws -> RunOutcome {
        let lock = try ApplyLock.acquire(in: repository.gitDirectory, wait: true)
        defer { close(lock.descriptor) }
        // The run changes the status branch: the drift probes prepared from it are out of date.
        driftPreparation = nil
        let clock = ContinuousClock()
        let started = clock.now
        let run = try ApplyRun.run(
            planned, changes: changes, recovery: recovery, credentials: try credentials(),
            timeout: Int(configuration.applyTimeout.seconds))
        let ran = clock.now
        try run.record(
            planned, changes: changes, waiting: waiting, repo: path, opened: repository, generation: generation)
        let timings = ["recover": recovered, "servers": ran - started, "record": clock.now - ran]
        var servers: [ServerOutcome] = []
        for (server, result) in zip(run.runs, run.results) {
            var failed: [ResourceID: String] = [:]
            var applied = Set<ResourceID>()
            for (index, step) in server.steps.enumerated() {
                switch ApplyRun.outcome(of: result.states[index]) {
                case .applied: applied.insert(step.change.id)
                case .failed: failed[step.change.id] = result.failure ?? "\(result.states[index].rawValue)"
                case .pending: break
                }
            }
            servers.append(
                ServerOutcome(
                    server: server.server,
                    failure: result.failure.map { EngineFailure(server: result.failureKind ?? .other, $0) },
                    failed: failed,
                    applied: applied))
        }
        return RunOutcome(run: run.runID, servers: servers, timings: timings)
    }

    func credentials() throws -> SSHCredentials {
        guard let key = configuration.identity ?? ProcessInfo.processInfo.environment["BATON_SSH_KEY"] else {
            throw EngineFailure(.authentication, "no SSH client key: set identity or BATON_SSH_KEY")
        }
        return SSHCredentials(privateKeyPath: key)
    }

    /// Runs a drift round's scripts on the servers (`targets`, in order) for up to `timeout` each: over SSH,
    /// unless a test gives its own.
    package typealias DriftProber =
        @Sendable (_ targets: [SSHTarget], _ scripts: [String], _ timeout: Swift.Duration) async throws -> [Result<
            SSHResult, any Error
        >]

    /// What one drift round probes, as read under the lock.
    struct DriftRound: Sendable {
        var preparation: DriftCheck.Preparation
        /// The status branch's content when the probes were prepared, every inventory entry and zone serial then.
        var contentKey: String?
        var entries: AppliedIndex
        var serials: [String: ZoneSerialsFile.Entry]
    }

    /// A drift round in three steps, so that the SSH probes (tens of seconds on a server of 10,000 accounts)
    /// never hold the lock a webhook's run needs: the probes are prepared under it, run without it, and what they
    /// found is compared, recorded or corrected under it again.
    package func drift(generation: Int) async throws -> DriftOutcome {
        let timeout = Swift.Duration.seconds(configuration.applyTimeout.seconds)
        guard let round = try await blocking({ [self] in try prepareDrift() }) else {
            return DriftOutcome(drifted: [:])
        }
        let nonce = DriftCheck.makeNonce()
        let scripts = try round.preparation.scripts(nonce: nonce)
        let targets = round.preparation.probes.map(\.target)
        let prober: DriftProber
        if let given = self.prober {
            prober = given
        } else {
            let credentials = try credentials()
            prober = { targets, scripts, timeout in
                await DriftCheck.probe(targets, scripts: scripts, credentials: credentials, timeout: timeout)
            }
        }
        // Each server on a thread of the SSH pool while this task waits suspended. A daemon that stops does not
        // wait for them: they only read, and what they would find is not needed any more.
        let results = try await Abandonable.run { try await prober(targets, scripts, timeout) }
        try Task.checkCancellation()
        // Reading 70,000 answers needs no libgit2: on the blocking pool, still without the lock.
        let check = try await NIOThreadPool.singleton.runIfActive {
            DriftCheck.compare(round.preparation, results: results, nonce: nonce, timeout: timeout)
        }
        return try await blocking { [self] in try settleDrift(check, round, generation: generation) }
    }

    /// The probes of what the status branch says was applied: kept from the round before while the branch's
    /// content and the servers asked for are the same (a daemon at rest does not build again every resource's
    /// applied form and render 20,000 zones at 10,000 accounts), built again when they are not.
    /// Nil when nothing was applied yet. Under the lock.
    func prepareDrift() throws -> DriftRound? {
        let snapshot = try statusBranch().snapshot()
        guard snapshot.state.revision != nil else {
            driftPreparation = nil
            return nil
        }
        let source = DriftCheck.Preparation.source(of: snapshot, only: configuration.server)
        let preparation: DriftCheck.Preparation
        if let kept = driftPreparation, kept.source == source {
            preparation = kept
        } else {
            driftPreparation = nil
            // The revision last applied is most often the one the session checked last: its manifests are in
            // memory, and loading all of them again (50,000 files at 10,000 accounts) is waste.
            guard
                let built = try DriftCheck.prepare(
                    repository: repository, snapshot: snapshot, only: configuration.server,
                    loaded: session.lastChecked)
            else { return nil }
            preparation = built
            driftPreparation = built
            driftPreparations.update { $0 += 1 }
        }
        return DriftRound(
            preparation: preparation, contentKey: snapshot.contentKey, entries: snapshot.state.index,
            serials: snapshot.serials)
    }

    /// What the probes found, less what changed since they were prepared (a run applied meanwhile: its resources'
    /// facts were asked of a server that may be halfway between the two), recorded `Drifted` or put back by a run
    /// recorded with the lease's `generation`; neither once the lease is not this daemon's `generation` any more
    /// (`LeaseLost`). Under the lock.
    func settleDrift(_ check: DriftCheck, _ round: DriftRound, generation: Int) throws -> DriftOutcome {
        // A round reads as much as a run writes (a preparation built, 70,000 answers): its heap goes back too
        // (see `apply`).
        defer { malloc_trim(0) }
        let branch = try statusBranch()
        let snapshot = try branch.snapshot()
        let now = snapshot.state.index
        let moved = snapshot.contentKey != round.contentKey
        var drifted: [String: [ResourceID]] = [:]
        var unreachable: [String: EngineFailure] = [:]
        for server in check.servers ?? [] {
            if let failure = server.failure {
                unreachable[server.name] = EngineFailure(server: ServerFailure.kind(of: failure), "\(failure)")
                continue
            }
            let ids = Set(server.differences.map(\.resource)).filter { id in
                guard moved else { return true }
                let key = Planner.Key(server: server.name, id: id)
                // A zone file's expected text holds its serial too.
                return round.entries[key] != nil && round.entries[key] == now[key]
                    && (id.kind != .domain || round.serials[id.name] == snapshot.serials[id.name])
            }
            if !ids.isEmpty { drifted[server.name] = ids.sorted { $0.description < $1.description } }
        }
        let outcome = DriftOutcome(drifted: drifted, unreachable: unreachable)
        guard !drifted.isEmpty else { return outcome }
        // The probe took tens of seconds: the lease is taken again (renewed, with a commit) before anything is
        // written, as a reconcile round takes it before its run.
        let current = try takeLease()
        guard current == generation else { throw LeaseLost(generation: generation, now: current) }
        // A suspended repository and a closed maintenance window hold corrections back as they hold changes.
        if configuration.drift == .correct, !suspended, let revision = snapshot.state.revision {
            // Put back: the drifted resources applied again from the revision last applied.
            let applied = try Planned.make(
                repo: path, rev: revision, fetch: false, zoneChecker: nil, zoneCache: false,
                allowMassDelete: false, servers: configuration.server, logger: logger, opened: repository)
            let keys = Set(drifted.flatMap { server, ids in ids.map { Planner.Key(server: server, id: $0) } })
            let forced = ApplyRun.forcing(applied, keys: keys)
            let ready = MaintenanceGate.split(forced.plan.changes, manifests: forced.manifests, now: Date()).ready
            if ready.isEmpty {
                try recordDrifted(outcome, on: branch)
            } else {
                _ = try run(forced, changes: ready, generation: generation)
            }
        } else {
            try recordDrifted(outcome, on: branch)
        }
        return outcome
    }

    /// `Drifted` in the status files of what the probe found changed.
    func recordDrifted(_ outcome: DriftOutcome, on branch: StatusBranch) throws {
        let time = ISO8601DateFormatter().string(from: Date())
        _ = try branch.record(applied: nil, message: "baton reconcile: drift", options: RemoteConfiguration.options()) {
            snapshot in
            var files: [String: [UInt8]?] = [:]
            for (server, ids) in outcome.drifted {
                for id in ids {
                    let path = ResourceStatusFile.path(of: id)
                    guard let tip = snapshot.tip, let bytes = try branch.repository.file(atRoot: path, commit: tip),
                        var status = try? ResourceStatusFile.parse(bytes, file: path)
                    else { continue }
                    guard status.state != "Drifted" else { continue }
                    status.state = "Drifted"
                    status.lastTransitionTime = time
                    status.message = "changed on \(server) since it was applied (baton drift)"
                    files[path] = Array(status.render().utf8)
                }
            }
            return files
        }
    }

    package func lease() async throws -> Int? {
        let duration = TimeInterval(configuration.leaseDuration.seconds)
        if let lease = held.current, lease.expires.timeIntervalSinceNow > duration * 2 / 3 { return lease.generation }
        return try await NIOThreadPool.singleton.runIfActive { [self] in try takeLease() }
    }

    /// Takes or renews the lease now, whatever is left of it (a commit): its generation, or nil when another
    /// daemon holds it. Blocks on libgit2.
    func takeLease() throws -> Int? {
        try leasing.withLock {
            let outcome = try statusBranch().acquireLease(
                holder: holder, servers: configuration.server, now: Date(),
                duration: TimeInterval(configuration.leaseDuration.seconds), options: RemoteConfiguration.options())
            switch outcome {
            case .held(let lease):
                held.update { $0 = lease }
                return lease.generation
            case .heldByOther:
                held.update { $0 = nil }
                return nil
            }
        }
    }

    package func releaseLease() async throws {
        held.update { $0 = nil }
        try await blocking { [self] in
            try statusBranch().releaseLease(
                holder: holder, servers: configuration.server, options: RemoteConfiguration.options())
        }
    }

    /// The status branch `baton.yaml` names at the branch's tip.
    package func statusBranch() throws -> StatusBranch {
        let name =
            (try? repository.file(RepositoryConfig.fileName, at: "refs/heads/" + configuration.branch)).flatMap {
                $0.flatMap { try? RepositoryConfig.parse($0).statusBranch }
            } ?? StatusBranch.defaultName
        return StatusBranch(repository: repository, name: name)
    }
}
