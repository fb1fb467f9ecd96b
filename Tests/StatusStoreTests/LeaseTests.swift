import Concurrency
import Foundation
import GitStore
import StatusStore
import TestSupport
import XCTest

/// Leases on the status branch: taken by compare-and-swap, on one repository and across clones of one bare
/// remote (two daemons on two machines).
final class LeaseTests: XCTestCase {
    var root: URL!
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-lease-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    func git(_ args: String..., in dir: String) throws {
        let result = try GitCLI.run(args, in: root.appendingPathComponent(dir))
        XCTAssertEqual(result.status, 0, "git \(args.joined(separator: " "))")
    }

    func branch(_ dir: String) throws -> StatusBranch {
        StatusBranch(repository: try GitRepository(path: root.appendingPathComponent(dir).path))
    }

    /// A bare remote with one commit on main, and `clones` cloned from it.
    func remote(clones: [String]) throws {
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("seed"), withIntermediateDirectories: true)
        try git("init", "-q", "--bare", "remote.git", in: ".")
        try git("init", "-q", in: "seed")
        try git("-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "m", in: "seed")
        try git("push", "-q", root.appendingPathComponent("remote.git").path, "HEAD:main", in: "seed")
        for clone in clones { try git("clone", "-q", "remote.git", clone, in: ".") }
    }

    func testOneHolderAtATimeUntilItsLeaseExpires() throws {
        try remote(clones: ["a", "b"])
        let (a, b) = (try branch("a"), try branch("b"))
        guard case .held(let first) = try a.acquireLease(holder: "a", servers: [], now: start, duration: 60) else {
            return XCTFail("a takes the free lease")
        }
        XCTAssertEqual(first.generation, 1)
        XCTAssertEqual(
            try b.acquireLease(holder: "b", servers: ["web1"], now: start.addingTimeInterval(10), duration: 60),
            .heldByOther(first), "an overlapping scope waits")
        // a renews: same generation, later expiry.
        guard
            case .held(let renewed) = try a.acquireLease(
                holder: "a", servers: [], now: start.addingTimeInterval(20), duration: 60)
        else { return XCTFail("a renews") }
        XCTAssertEqual(renewed.generation, 1)
        XCTAssertEqual(renewed.expires, start.addingTimeInterval(80))
        XCTAssertEqual(
            try b.acquireLease(holder: "b", servers: [], now: start.addingTimeInterval(79), duration: 60),
            .heldByOther(renewed))
        // a stops renewing (killed): once expired, b takes over with the next generation.
        guard
            case .held(let taken) = try b.acquireLease(
                holder: "b", servers: [], now: start.addingTimeInterval(81), duration: 60)
        else { return XCTFail("b takes over an expired lease") }
        XCTAssertEqual(taken.generation, 2)
        XCTAssertEqual(try a.leases().map(\.holder), ["a"], "a has not fetched yet: its copy shows its own lease")
        XCTAssertEqual(
            try a.acquireLease(holder: "a", servers: [], now: start.addingTimeInterval(82), duration: 60),
            .heldByOther(taken), "a, back, sees b's lease once it fetched")
    }

    func testDisjointScopesRunSideBySide() throws {
        try remote(clones: ["a", "b", "c"])
        guard
            case .held = try branch("a").acquireLease(
                holder: "a", servers: ["web1", "ns1"], now: start, duration: 60)
        else { return XCTFail("a") }
        guard case .held = try branch("b").acquireLease(holder: "b", servers: ["web2"], now: start, duration: 60)
        else { return XCTFail("b's scope is disjoint") }
        guard
            case .heldByOther(let other) = try branch("c").acquireLease(
                holder: "c", servers: ["ns1"], now: start, duration: 60)
        else { return XCTFail("c overlaps a") }
        XCTAssertEqual(other.holder, "a")
        XCTAssertEqual(Set(try branch("c").leases().map(\.holder)), ["a", "b"])
    }

    /// Both see a free lease and both try: the remote takes one push, the other finds the winner's lease.
    func testARaceHasOneWinner() throws {
        try remote(clones: ["a", "b"])
        let (a, b) = (try branch("a"), try branch("b"))
        let results = Slots(count: 2)
        let start = self.start
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let outcome = try? (i == 0 ? a : b).acquireLease(
                holder: i == 0 ? "a" : "b", servers: [], now: start, duration: 60)
            results.set(i, outcome)
        }
        let outcomes = results.all
        let held = outcomes.compactMap { if case .held(let l)? = $0 { return l.holder } else { return nil } }
        XCTAssertEqual(held.count, 1, "\(outcomes)")
    }

    /// A clone whose configuration cannot be read does not know whether it has a remote: the lease is an error,
    /// never a lease held in the clone alone (it said `held` without pushing anything).
    func testAnUnreadableConfigurationIsAnErrorNotALocalLease() throws {
        try remote(clones: ["a"])
        let config = root.appendingPathComponent("a/.git/config")
        let text = try String(contentsOf: config, encoding: .utf8)
        try (text + "[remote \"origin\"\n\turl = \"unterminated\n").write(to: config, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try branch("a").acquireLease(holder: "a", servers: [], now: start, duration: 60))
        let result = try GitCLI.run(
            ["rev-parse", "--verify", "-q", "refs/heads/baton/status"], in: root.appendingPathComponent("remote.git"))
        XCTAssertNotEqual(result.status, 0, "nothing reached the remote")
    }

    /// A branch that holds only a lease (a daemon started before anything was applied) reads as nothing applied.
    func testABranchWithOnlyALeaseIsNothingApplied() throws {
        try remote(clones: ["a"])
        let a = try branch("a")
        guard case .held = try a.acquireLease(holder: "a", servers: [], now: start, duration: 60) else {
            return XCTFail("a")
        }
        let snapshot = try a.snapshot()
        XCTAssertNotNil(snapshot.tip)
        XCTAssertNil(snapshot.applied)
        XCTAssertEqual(snapshot.state.revision, nil)
        XCTAssertTrue(snapshot.inventory.isEmpty)
    }

    func testReleaseFreesTheLeaseAtOnce() throws {
        try remote(clones: ["a", "b"])
        guard case .held = try branch("a").acquireLease(holder: "a", servers: [], now: start, duration: 60)
        else { return XCTFail("a") }
        try branch("a").releaseLease(holder: "a", servers: [])
        guard
            case .held(let lease) = try branch("b").acquireLease(
                holder: "b", servers: [], now: start.addingTimeInterval(1), duration: 60)
        else { return XCTFail("b takes a released lease before it would have expired") }
        XCTAssertEqual(lease.generation, 1, "a released lease file is gone: b starts anew")
    }

    /// A run committed on the local branch and not pushed yet (its push is under way, or the process died before
    /// it): a lease renewal fetches the remote's branch, and must build on the run, not put the branch back.
    func testARenewalKeepsARunThatIsNotPushedYet() throws {
        try remote(clones: ["a"])
        let a = try branch("a")
        guard case .held = try a.acquireLease(holder: "a", servers: [], now: start, duration: 60)
        else { return XCTFail("a") }
        _ = try a.commit(
            ["runs/r1.yaml": Array("id: r1\n".utf8)], on: try a.snapshot(), applied: nil, message: "baton apply r1")
        guard
            case .held = try a.acquireLease(holder: "a", servers: [], now: start.addingTimeInterval(20), duration: 60)
        else { return XCTFail("a renews") }
        let remote = try GitRepository(path: root.appendingPathComponent("remote.git").path)
        XCTAssertNotNil(
            try remote.file(atRoot: "runs/r1.yaml", commit: try XCTUnwrap(remote.reference("refs/heads/baton/status"))),
            "the run went to the remote with the renewal")
        XCTAssertEqual(try a.tip(), try remote.reference("refs/heads/baton/status"), "local and remote agree")
    }

    /// The daemon records a run while its lease is renewed on another thread, on one repository: every run
    /// recorded ends on the remote's branch. A renewal that fetched while a large run was being pushed put the
    /// local branch back to the remote's and built on that, and the run's push then sent the old tip.
    func testRunsRecordedWhileTheLeaseIsRenewedAreAllKept() throws {
        try remote(clones: ["a"])
        let a = try branch("a")
        let done = LockedBox(false)
        let renewals = DispatchQueue(label: "renewals")
        let group = DispatchGroup()
        renewals.async(group: group) {
            while !done.current {
                _ = try? a.acquireLease(holder: "a", servers: [], now: Date(), duration: 60)
            }
        }
        let runs = (1...8).map { "r\($0)" }
        for run in runs {
            // Large enough that its commit and push take a while, as a first apply of thousands does.
            var files: [String: [UInt8]?] = [:]
            for i in 0..<400 { files["status/\(run)/\(i).yaml"] = Array("state: Applied \(run) \(i)\n".utf8) }
            files["runs/\(run).yaml"] = Array("id: \(run)\n".utf8)
            _ = try a.record(applied: nil, message: "baton apply \(run)") { _ in files }
        }
        done.update { $0 = true }
        group.wait()
        let remote = try GitRepository(path: root.appendingPathComponent("remote.git").path)
        let tip = try XCTUnwrap(remote.reference("refs/heads/baton/status"))
        for run in runs {
            XCTAssertNotNil(try remote.file(atRoot: "runs/\(run).yaml", commit: tip), "\(run) is on the remote")
        }
    }

    /// A local repository without a remote: the ref update with the expected old value is the whole lock.
    func testWithoutARemoteTheRefUpdateIsTheLock() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("r"), withIntermediateDirectories: true)
        try git("init", "-q", in: "r")
        let (a, b) = (try branch("r"), try branch("r"))
        guard case .held = try a.acquireLease(holder: "a", servers: [], now: start, duration: 60)
        else { return XCTFail("a") }
        guard case .heldByOther = try b.acquireLease(holder: "b", servers: [], now: start, duration: 60)
        else { return XCTFail("b waits") }
    }
}

/// Results written from concurrent iterations.
final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [StatusBranch.LeaseOutcome?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: StatusBranch.LeaseOutcome?) { lock.withLock { values[i] = value } }
    var all: [StatusBranch.LeaseOutcome?] { lock.withLock { values } }
}
