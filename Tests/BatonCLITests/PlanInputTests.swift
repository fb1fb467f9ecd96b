import Foundation
import XCTest

/// Where `plan` reads and writes (issue 10, findings 6 and 7): `--out` never replaces a device or a link, and a
/// repository's `.git` folder means the repository, never an empty tree that deletes everything.
final class PlanInputTests: XCTestCase {
    var work: GitWork!

    override func setUpWithError() throws {
        work = try GitWork.make()
    }

    override func tearDown() {
        work.remove()
    }

    func kind(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & S_IFMT
    }

    func testOutWritesThroughADeviceOrALinkAndNeverReplacesThem() throws {
        guard getuid() == 0 else { throw XCTSkip("mknod needs root") }
        // A device like /dev/full, made here: a failing test must not replace the machine's.
        let full = work.root.appendingPathComponent("full").path
        XCTAssertEqual(mknod(full, S_IFCHR | 0o666, (1 << 8) | 7), 0)  // major 1, minor 7
        let refused = try work.plan("--out", full)
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(
            refused.stderr.contains("cannot write the plan to \(full): No space left on device"), refused.stderr)
        XCTAssertEqual(kind(full), S_IFCHR, "still the device")

        let target = work.root.appendingPathComponent("saved.json").path
        try "old".write(toFile: target, atomically: true, encoding: .utf8)
        let link = work.root.appendingPathComponent("plan.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let saved = try work.plan("--out", link)
        XCTAssertEqual(saved.status, 2, saved.stderr)
        XCTAssertEqual(kind(link), S_IFLNK, "still the link")
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).contains("\"revision\""))

        let dangling = work.root.appendingPathComponent("nowhere.json").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "/nonexistent/plan.json")
        let nowhere = try work.plan("--out", dangling)
        XCTAssertEqual(nowhere.status, 1)
        XCTAssertTrue(nowhere.stderr.contains("a symbolic link to nothing"), nowhere.stderr)
        XCTAssertEqual(kind(dangling), S_IFLNK)

        let pipe = try work.plan("--out", "/dev/stdout", "--format", "json")
        XCTAssertEqual(pipe.status, 2, pipe.stderr)
        XCTAssertEqual(pipe.stdout.components(separatedBy: "\"revision\"").count, 3, "the plan twice on stdout")
    }

    func testTheGitFolderMeansItsRepository() throws {
        let json = try work.plan("--format", "json")
        try work.recordApplied(planJSON: json.stdout)
        let gitFolder = work.path + "/.git"
        let plan = try BatonProcess.run(["plan", "--repo", gitFolder, "--zone-checker", "builtin"])
        XCTAssertEqual(plan.status, 0, plan.stdout + plan.stderr)
        XCTAssertTrue(plan.stdout.contains("No changes"), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("no longer declared"), plan.stdout)
        let revision = try BatonProcess.run(["validate", gitFolder, "--rev", "HEAD", "--zone-checker", "builtin"])
        XCTAssertEqual(revision.status, 0, revision.stdout + revision.stderr)
        XCTAssertTrue(revision.stdout.contains("valid: 28 resources"), revision.stdout)
        let folder = try BatonProcess.run(["validate", gitFolder])
        XCTAssertEqual(folder.status, 3, folder.stdout)
        XCTAssertTrue(folder.stderr.contains("is a git folder, not a work tree"), folder.stderr)
    }

    func testAnEmptyTreeIsNeverQuietlyValidNorAPlanThatDeletesEverything() throws {
        let json = try work.plan("--format", "json")
        try work.recordApplied(planJSON: json.stdout)
        try work.git("rm", "-q", "-r", "accounts", "servers")
        try work.commit("everything gone")
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 1, plan.stdout + plan.stderr)
        XCTAssertTrue(plan.stderr.contains("holds no manifests"), plan.stderr)
        XCTAssertTrue(plan.stderr.contains("a plan from it would delete them all"), plan.stderr)
        // No manifests is not "valid": exit 1 (issue 15), said on both streams.
        let validate = try BatonProcess.run(["validate", work.path])
        XCTAssertEqual(validate.status, 1)
        XCTAssertTrue(validate.stdout.contains("no manifests"), validate.stdout)
        XCTAssertTrue(validate.stderr.contains("holds no manifests: nothing was validated"), validate.stderr)
    }
}
