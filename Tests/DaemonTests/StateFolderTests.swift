import Daemon
import Foundation
import XCTest

/// One daemon per state folder, and the same lease holder across restarts.
final class StateFolderTests: XCTestCase {
    func testOneDaemonPerFolderAndTheHolderIsKept() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try StateFolder.claim(root.path + "/a", holder: nil)
        XCTAssertTrue(first.holder.hasPrefix(ProcessInfo.processInfo.hostName + "-"), first.holder)
        XCTAssertEqual(
            try String(contentsOfFile: root.path + "/a/holder", encoding: .utf8), first.holder + "\n", "kept")
        XCTAssertEqual(
            try String(contentsOfFile: root.path + "/a/daemon.lock", encoding: .utf8), "\(getpid())\n")
        XCTAssertThrowsError(try StateFolder.claim(root.path + "/a", holder: nil)) {
            XCTAssertTrue("\($0)".contains("in use by another baton reconcile (process \(getpid()))"), "\($0)")
        }
        XCTAssertThrowsError(try StateFolder.claim(root.path + "/a", holder: "named"), "a name does not share a folder")
        let other = try StateFolder.claim(root.path + "/b", holder: nil)
        XCTAssertNotEqual(other.holder, first.holder)
        XCTAssertEqual(try StateFolder.claim(root.path + "/c", holder: "daemon-c").holder, "daemon-c")
        let mode = try FileManager.default.attributesOfItem(atPath: root.path + "/b")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o700)
    }
}
