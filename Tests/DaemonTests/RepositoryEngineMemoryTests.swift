import Daemon
import Foundation
import Logging
import Manifests
import TestSupport
import XCTest

/// The daemon plans every interval for months: a plan must not cost memory each time. Each new libgit2 handle
/// leaks in its first remote lookup (libgit2 1.5, PCRE2 match data per configuration entry), so the engine plans
/// and records through the repository it opened once.
final class RepositoryEngineMemoryTests: XCTestCase {
    func testPlanningTheSameRevisionAgainAndAgainKeepsTheHeapFlat() async throws {
        let copy = try HostingCopy("engine")
        defer { copy.remove() }
        let (root, work) = (copy.root, copy.work)
        for args in [
            ["init", "-q", "-b", "main"], ["add", "-A"],
            ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "hosting"],
        ] {
            _ = try GitCLI.run(args, in: work)
        }
        _ = try GitCLI.run(["init", "-q", "--bare", root.path + "/remote.git"], in: root)
        _ = try GitCLI.run(["push", "-q", root.path + "/remote.git", "main"], in: work)

        var configuration = DaemonConfiguration()
        configuration.repo = "file://" + root.path + "/remote.git"
        configuration.stateDir = root.path + "/state"
        let engine = try RepositoryEngine(configuration: configuration, holder: "test", logger: Logger(label: "test"))
        // A configuration of the size people have: every entry is matched against insteadOf's glob.
        for i in 0..<30 {
            _ = try GitCLI.run(
                ["config", "--file", root.path + "/state/mirror.git/config", "alias.a\(i)", "log -\(i)"], in: root)
        }
        let revision = try await engine.fetch()
        func plan() async throws {
            guard case .planned(let plan, _, _, _) = try await engine.plan(revision, leased: true) else {
                return XCTFail("examples/hosting is valid")
            }
            XCTAssertFalse(plan.changes.isEmpty, "nothing was applied yet")
        }
        for _ in 0..<10 { try await plan() }
        let before = ProcessMemory.anonymous()
        for _ in 0..<100 { try await plan() }
        let grown = ProcessMemory.anonymous() - before
        XCTAssertLessThan(grown, 4 << 20, "\(grown) bytes more after 100 plans")
    }
}
