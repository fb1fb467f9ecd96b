import Concurrency
import Foundation
import GitStore
import Logging
import Manifests
import Planning
import SSHTransport
import StatusStore
import TestSupport
import XCTest

@testable import Daemon

/// The daemon's drift round against a real repository and status branch, its probes run by this machine's
/// `/bin/sh` (the real scripts, the real `stat`, `getent` and `sha256sum`: none of examples/hosting's files are
/// here, so every resource probed reads as drifted) instead of over SSH.
final class DriftRoundTests: XCTestCase {
    var copy: HostingCopy!
    var repository: GitRepository!
    var revision = ""
    /// The inventory as recorded, by server (web1 and ns1), and the serial of each primary zone.
    var entries: [String: [InventoryEntry]] = [:]
    var serials: [String: ZoneSerialsFile.Entry] = [:]

    override func setUpWithError() throws {
        copy = try HostingCopy("drift-round")
        // The servers on this machine, where nothing listens: a correction's run fails at once, and is recorded.
        for (file, address) in [("web1", "10.213.0.11"), ("ns1", "10.213.0.12")] {
            let path = copy.work.appendingPathComponent("servers/\(file).yaml")
            let text = try String(contentsOf: path, encoding: .utf8)
                .replacingOccurrences(of: "  port: 22\n", with: "")
                .replacingOccurrences(
                    of: "address: \(address)", with: "address: 127.0.0.\(file == "web1" ? 1 : 2)\n  port: 1")
            try text.write(to: path, atomically: true, encoding: .utf8)
        }
        let commit = ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q"]
        for args in [["init", "-q", "-b", "main"], ["add", "-A"], commit + ["-m", "hosting"]] {
            _ = try GitCLI.run(args, in: copy.work)
        }
        repository = try GitRepository(path: copy.work.path)
        revision = try repository.resolve("HEAD").description
        let manifests = try ManifestLoader.load(try repository.source(at: revision)).manifests
        for state in ResourceStates.build(manifests) where state.id.kind != .server {
            entries[state.server, default: []].append(
                InventoryEntry(id: state.id, account: state.account, hash: state.hash, revision: revision))
            if state.id.kind == .domain, state.scalar("role") == "primary" {
                serials[state.id.name] = ZoneSerialsFile.Entry(serial: 2_026_120_701, contentHash: "sha256:x")
            }
        }
        XCTAssertFalse(serials.isEmpty)
        try record(entries, serials)
    }

    override func tearDown() {
        copy?.remove()
    }

    /// The inventory and zone serials recorded as a run records them (a separate handle on the repository, as
    /// another thread's).
    /// `status`: each resource's status file too, `Applied`.
    func record(
        _ entries: [String: [InventoryEntry]], _ serials: [String: ZoneSerialsFile.Entry], status: Bool = false
    ) throws {
        let repository = try GitRepository(path: copy.work.path)
        let branch = StatusBranch(repository: repository, name: StatusBranch.defaultName)
        var files: [String: [UInt8]?] = [:]
        for (server, entries) in entries where status {
            for entry in entries {
                files[ResourceStatusFile.path(of: entry.id)] = Array(
                    ResourceStatusFile(
                        id: entry.id, account: entry.account, state: "Applied", appliedRevision: revision,
                        specHash: entry.hash, servers: [server], lastTransitionTime: "2026-12-07T00:00:00Z"
                    ).render().utf8)
            }
        }
        _ = try branch.record(applied: repository.resolve(revision), message: "applied") { _ in
            files.merging([
                AppliedFile.path: Array(
                    AppliedFile(
                        revision: self.revision, time: "2026-12-07T00:00:00Z", run: "r1", recipe: ResourceStates.recipe
                    ).render().utf8),
                InventoryFile.path: Array(
                    InventoryFile.render(entries.mapValues { $0.map { InventoryFile.Entry($0) } }).utf8),
                ZoneSerialsFile.path: Array(ZoneSerialsFile.render(serials).utf8),
            ]) { _, new in new }
        }
    }

    func engine(
        drift: DaemonConfiguration.DriftMode = .report, _ prober: @escaping RepositoryEngine.DriftProber
    ) throws -> RepositoryEngine {
        var configuration = DaemonConfiguration()
        configuration.repo = copy.work.path
        configuration.stateDir = copy.root.appendingPathComponent("state").path
        configuration.drift = drift
        // No such key: every connection fails before it is made (the servers are on this machine besides).
        configuration.identity = copy.root.appendingPathComponent("id_ed25519").path
        return try RepositoryEngine(
            configuration: configuration, holder: "test", logger: Logger(label: "test"), prober: prober)
    }

    /// The lease taken by this engine; `taken` earlier by another daemon, whose lease expired, when given (the
    /// generation is then past 1, as after a takeover).
    func lease(_ engine: RepositoryEngine, after taken: Int = 0) async throws -> Int {
        let branch = try statusBranch()
        for i in 0..<taken {
            _ = try branch.acquireLease(
                holder: "other\(i)", servers: [], now: Date().addingTimeInterval(-3600 + Double(i) * 100), duration: 60)
        }
        let generation = try await engine.lease()
        return try XCTUnwrap(generation, "the lease is free")
    }

    /// The status branch, through a handle of its own.
    func statusBranch() throws -> StatusBranch {
        StatusBranch(repository: try GitRepository(path: copy.work.path))
    }

    /// The files of the status branch's tip, by path, under `folder`.
    func statusFiles(_ folder: String) throws -> [String: String] {
        let repository = try GitRepository(path: copy.work.path)
        guard let tip = try repository.reference("refs/heads/" + StatusBranch.defaultName) else { return [:] }
        var files: [String: String] = [:]
        for name in try repository.names(in: folder, at: tip) {
            let path = folder + "/" + name
            files[path] = try repository.file(atRoot: path, commit: tip).map { String(decoding: $0, as: UTF8.self) }
        }
        return files
    }

    /// Each script run by `/bin/sh` here, on a thread of its own.
    static func runHere(_ scripts: [String]) async -> [Result<SSHResult, any Error>] {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(
                    returning: scripts.map { script in
                        Result {
                            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                                "drift-\(UUID().uuidString).sh")
                            try script.write(to: file, atomically: true, encoding: .utf8)
                            defer { try? FileManager.default.removeItem(at: file) }
                            let run = try ProcessRunner.run("/bin/sh", [file.path])
                            var result = SSHResult()
                            result.stdout = Array(run.stdout.utf8)
                            result.exitStatus = run.status
                            return result
                        }
                    })
            }.start()
        }
    }

    /// While the servers are probed the engine's lock is free (a webhook's fetch, plan and run go on), and a
    /// resource that a run changed meanwhile is not called drifted: its facts were asked of a server that may be
    /// halfway between its two forms. Every other difference is reported.
    func testAProbeLeavesTheLockFreeAndWhatARunChangedMeanwhileIsNotDrift() async throws {
        let started = LockedBox(false)
        let open = LockedBox(false)
        let engine = try engine { _, scripts, _ in
            started.update { $0 = true }
            while !open.current { try await Task.sleep(for: .milliseconds(10)) }
            return await Self.runHere(scripts)
        }
        let generation = try await lease(engine)
        let drift = Task { try await engine.drift(generation: generation) }
        defer { open.update { $0 = true } }
        while !started.current { try await Task.sleep(for: .milliseconds(10)) }

        // The lock is free: a fetch (libgit2 under the lock) ends while the probe waits.
        let fetched = LockedBox(false)
        let fetch = Task {
            _ = try await engine.fetch()
            fetched.update { $0 = true }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !fetched.current, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertTrue(fetched.current, "the fetch waited for the probe")

        // A run applies a new form of one web app and of one account while the probe reads, and a new serial of
        // one zone (a subdomain of it changed: the zone's own Domain is the same).
        let web1 = try XCTUnwrap(entries["web1"])
        let changed = try XCTUnwrap(web1.first { $0.id.kind == .webApp })
        let account = try XCTUnwrap(web1.first { $0.id.kind == .account })
        let zone = try XCTUnwrap(serials.keys.sorted().first)
        var after = entries
        after["web1"] = web1.map {
            guard $0.id == changed.id || $0.id == account.id else { return $0 }
            var entry = $0
            entry.hash = "sha256:" + String(repeating: "0", count: 64)
            return entry
        }
        var reserialed = serials
        reserialed[zone]?.serial += 1
        try record(after, reserialed)
        open.update { $0 = true }
        let outcome = try await drift.value
        _ = try await fetch.value

        let drifted = Set(outcome.drifted["web1"] ?? [])
        XCTAssertFalse(drifted.contains(changed.id), "\(changed.id) was changed by a run during the probe")
        XCTAssertFalse(drifted.contains(account.id), "\(account.id) was changed by a run during the probe")
        // Every other resource with a fact probed is reported: none of them is on this machine.
        let others = Set(web1.map(\.id)).subtracting([changed.id, account.id])
        XCTAssertEqual(
            drifted, others.filter { [.account, .systemUser, .webApp].contains($0.kind) },
            "the resources no run changed are still reported")
        let zones = Set(outcome.drifted["ns1"] ?? [])
        XCTAssertEqual(
            zones, Set(serials.keys.filter { $0 != zone }.map { ResourceID(.domain, $0) }),
            "the zone served with a new serial is not reported, the others are")
    }

    /// A daemon at rest builds its probes once: the next round sends the same scripts (a new nonce each round)
    /// and finds the same; a change of the status branch builds them again, from the new content.
    func testTheProbesAreKeptWhileTheStatusBranchIsTheSame() async throws {
        let sent = LockedBox<[[String]]>([])
        let engine = try engine { _, scripts, _ in
            sent.update { $0.append(scripts) }
            return await Self.runHere(scripts)
        }
        let generation = try await lease(engine)
        let first = try await engine.drift(generation: generation)
        let second = try await engine.drift(generation: generation)
        XCTAssertEqual(engine.driftPreparations.current, 1, "built once")
        XCTAssertEqual(first, second)
        XCTAssertFalse(first.drifted.isEmpty)
        let rounds = sent.current
        XCTAssertEqual(rounds.count, 2)
        XCTAssertNotEqual(rounds[0], rounds[1], "each round has a nonce of its own")
        XCTAssertEqual(
            rounds[0].map { $0.split(separator: "\n").dropFirst() },
            rounds[1].map { $0.split(separator: "\n").dropFirst() },
            "the same script after the nonce")

        // A run deletes a web app: the next round probes the rest.
        let gone = try XCTUnwrap(entries["web1"]?.first { $0.id.kind == .webApp })
        var after = entries
        after["web1"]?.removeAll { $0.id == gone.id }
        try record(after, serials)
        let third = try await engine.drift(generation: generation)
        XCTAssertEqual(engine.driftPreparations.current, 2, "built again")
        XCTAssertEqual(
            Set(third.drifted["web1"] ?? []), Set(first.drifted["web1"] ?? []).subtracting([gone.id]))
    }

    /// A daemon that does not hold the lease runs no drift round: no server is probed, nothing is written. The
    /// holder's rounds probe.
    func testAStandbyDaemonDoesNotProbeTheServers() async throws {
        let probed = LockedBox(0)
        let engine = try engine(drift: .correct) { _, scripts, _ in
            probed.update { $0 += 1 }
            return await Self.runHere(scripts)
        }
        let branch = try statusBranch()
        guard case .held = try branch.acquireLease(holder: "other", servers: [], now: Date(), duration: 3600) else {
            return XCTFail("the lease is free")
        }
        let tip = try branch.tip()
        let r = Reconciler(
            engine: engine, state: DaemonState(quarantineAfter: 3),
            settings: .init(interval: .seconds(3600), driftInterval: .seconds(3600), driftMode: .correct),
            logger: Logger(label: "test"))
        await r.driftRound()
        XCTAssertEqual(probed.current, 0, "a standby probed the servers")
        XCTAssertEqual(try branch.tip(), tip, "a standby wrote the status branch")
        let standby = await r.state.standby
        XCTAssertTrue(standby)

        try branch.releaseLease(holder: "other", servers: [])
        await r.driftRound()
        XCTAssertEqual(probed.current, 1, "the holder probes")
    }

    /// A correction is a run like the reconcile rounds': recorded with the generation of the lease it ran under.
    func testACorrectionIsRecordedWithTheLeaseGeneration() async throws {
        let engine = try engine(drift: .correct) { _, scripts, _ in await Self.runHere(scripts) }
        let generation = try await lease(engine, after: 2)
        XCTAssertEqual(generation, 3)
        let outcome = try await engine.drift(generation: generation)
        XCTAssertFalse(outcome.drifted.isEmpty)
        let runs = try statusFiles("runs").filter { $0.key.hasSuffix(".yaml") }
        XCTAssertEqual(runs.count, 1, "one correction: \(runs.keys.sorted())")
        let run = try XCTUnwrap(runs.values.first)
        XCTAssertTrue(run.contains("\ngeneration: 3\n"), run)
    }

    /// The lease changes hands while the servers are probed: the round records nothing and corrects nothing
    /// (what it found is the new holder's to find), in either mode.
    func testALeaseLostDuringTheProbeRecordsAndCorrectsNothing() async throws {
        try record(entries, serials, status: true)
        let branch = try statusBranch()
        for mode in [DaemonConfiguration.DriftMode.report, .correct] {
            let engine = try engine(drift: mode) { _, scripts, _ in
                // Another daemon, whose clock is an hour ahead, finds this one's lease expired and takes it.
                _ = try branch.acquireLease(
                    holder: "other", servers: [], now: Date().addingTimeInterval(3600), duration: 60)
                return await Self.runHere(scripts)
            }
            let generation = try await lease(engine)
            do {
                _ = try await engine.drift(generation: generation)
                XCTFail("\(mode): the round went on without the lease")
            } catch let lost as LeaseLost {
                XCTAssertEqual(lost, LeaseLost(generation: generation, now: nil))
            }
            XCTAssertEqual(Array(try statusFiles("runs").keys), [], "\(mode): a correction ran")
            let drifted = try statusFiles("status/WebApp").merging(try statusFiles("status/Domain")) { a, _ in a }
                .filter { $0.value.contains("Drifted") }
            XCTAssertEqual(Array(drifted.keys), [], "\(mode): recorded")
            try branch.releaseLease(holder: "other", servers: [])
        }
    }

    /// A drift correction that comes between a plan and its run has its own run: the plan's reading of the
    /// servers' journals (here: web1's could not be read, so nothing may run there) stays that plan's, for its run.
    func testADriftCorrectionBetweenAPlanAndItsRunLeavesThePlansJournalRecovery() async throws {
        let engine = try engine(drift: .correct) { _, scripts, _ in await Self.runHere(scripts) }
        let generation = try await lease(engine)
        let file = copy.work.appendingPathComponent("accounts/globex/webapps.yaml")
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "processes: 16", with: "processes: 12")
            .write(to: file, atomically: true, encoding: .utf8)
        _ = try GitCLI.run(
            ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-am", "fewer processes"],
            in: copy.work)
        let tip = try await engine.fetch()
        guard case .planned(let plan, _, _, _) = try await engine.plan(tip, leased: true) else {
            return XCTFail("the revision is valid")
        }
        XCTAssertEqual(plan.changes.map(\.server), ["web1"], "\(plan.changes)")

        let drift = try await engine.drift(generation: generation)
        XCTAssertNotNil(drift.drifted["web1"], "a correction ran on web1 between the plan and its run")
        XCTAssertEqual(try statusFiles("runs").keys.filter { $0.hasSuffix(".yaml") }.count, 1, "the correction's run")

        let outcome = try await engine.apply(plan, changes: plan.changes, generation: generation)
        let web1 = try XCTUnwrap(outcome.servers.first { $0.server == "web1" })
        XCTAssertTrue(
            web1.failure?.message.hasPrefix("its journal of earlier runs could not be read") == true,
            "web1's journal was not read: nothing runs there (\(String(describing: web1.failure)))")
    }
}
