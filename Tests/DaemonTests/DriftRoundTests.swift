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
    /// web1's inventory as recorded.
    var entries: [InventoryEntry] = []

    override func setUpWithError() throws {
        copy = try HostingCopy("drift-round")
        let commit = ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q"]
        for args in [["init", "-q", "-b", "main"], ["add", "-A"], commit + ["-m", "hosting"]] {
            _ = try GitCLI.run(args, in: copy.work)
        }
        repository = try GitRepository(path: copy.work.path)
        revision = try repository.resolve("HEAD").description
        let manifests = try ManifestLoader.load(try repository.source(at: revision)).manifests
        entries = ResourceStates.build(manifests).filter { $0.server == "web1" && $0.id.kind != .server }.map {
            InventoryEntry(id: $0.id, account: $0.account, hash: $0.hash, revision: revision)
        }
        try record(entries)
    }

    override func tearDown() {
        copy?.remove()
    }

    /// web1's inventory recorded as a run records it (a separate handle on the repository, as another thread's).
    func record(_ entries: [InventoryEntry]) throws {
        let repository = try GitRepository(path: copy.work.path)
        let branch = StatusBranch(repository: repository, name: StatusBranch.defaultName)
        _ = try branch.record(applied: repository.resolve(revision), message: "applied") { _ in
            [
                AppliedFile.path: Array(
                    AppliedFile(
                        revision: self.revision, time: "2026-12-07T00:00:00Z", run: "r1", recipe: ResourceStates.recipe
                    ).render().utf8),
                InventoryFile.path: Array(InventoryFile.render(["web1": entries.map { InventoryFile.Entry($0) }]).utf8),
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

        // A run applies a new form of one web app and of one account while the probe reads.
        let changed = try XCTUnwrap(entries.first { $0.id.kind == .webApp })
        let account = try XCTUnwrap(entries.first { $0.id.kind == .account })
        try record(
            entries.map {
                guard $0.id == changed.id || $0.id == account.id else { return $0 }
                var entry = $0
                entry.hash = "sha256:" + String(repeating: "0", count: 64)
                return entry
            })
        open.update { $0 = true }
        let outcome = try await drift.value
        _ = try await fetch.value

        let drifted = Set(outcome.drifted["web1"] ?? [])
        XCTAssertFalse(drifted.contains(changed.id), "\(changed.id) was changed by a run during the probe")
        XCTAssertFalse(drifted.contains(account.id), "\(account.id) was changed by a run during the probe")
        let others = Set(entries.map(\.id)).subtracting([changed.id, account.id])
        // Every other resource with a fact probed is reported: none of them is on this machine.
        XCTAssertFalse(others.isEmpty)
        XCTAssertEqual(
            drifted, others.filter { [.account, .systemUser, .webApp].contains($0.kind) },
            "the resources no run changed are still reported")
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
        let gone = try XCTUnwrap(entries.first { $0.id.kind == .webApp })
        try record(entries.filter { $0.id != gone.id })
        let third = try await engine.drift()
        XCTAssertEqual(engine.driftPreparations.current, 2, "built again")
        XCTAssertEqual(
            Set(third.drifted["web1"] ?? []), Set(first.drifted["web1"] ?? []).subtracting([gone.id]))
    }
}
