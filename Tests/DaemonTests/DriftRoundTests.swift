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
    func record(_ entries: [String: [InventoryEntry]], _ serials: [String: ZoneSerialsFile.Entry]) throws {
        let repository = try GitRepository(path: copy.work.path)
        let branch = StatusBranch(repository: repository, name: StatusBranch.defaultName)
        _ = try branch.record(applied: repository.resolve(revision), message: "applied") { _ in
            [
                AppliedFile.path: Array(
                    AppliedFile(
                        revision: self.revision, time: "2026-12-07T00:00:00Z", run: "r1", recipe: ResourceStates.recipe
                    ).render().utf8),
                InventoryFile.path: Array(
                    InventoryFile.render(entries.mapValues { $0.map { InventoryFile.Entry($0) } }).utf8),
                ZoneSerialsFile.path: Array(ZoneSerialsFile.render(serials).utf8),
            ]
        }
    }

    func engine(_ prober: @escaping RepositoryEngine.DriftProber) throws -> RepositoryEngine {
        var configuration = DaemonConfiguration()
        configuration.repo = copy.work.path
        configuration.stateDir = copy.root.appendingPathComponent("state").path
        return try RepositoryEngine(
            configuration: configuration, holder: "test", logger: Logger(label: "test"), prober: prober)
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
        let drift = Task { try await engine.drift() }
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
        let first = try await engine.drift()
        let second = try await engine.drift()
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
        let third = try await engine.drift()
        XCTAssertEqual(engine.driftPreparations.current, 2, "built again")
        XCTAssertEqual(
            Set(third.drifted["web1"] ?? []), Set(first.drifted["web1"] ?? []).subtracting([gone.id]))
    }
}
