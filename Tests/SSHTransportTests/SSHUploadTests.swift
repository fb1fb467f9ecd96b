import Foundation
import SSHTransport
import TestSupport
import XCTest

final class SSHUploadTests: SSHTestCase {
    func testUploadsBinaryAtomicallyWithTheMode() throws {
        let server = try startServer()
        let connection = try connect(server)
        let folder = root.appendingPathComponent("remote")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("blob.bin").path
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(1024 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }

        try connection.upload(bytes, to: path, mode: 0o640)
        let remote = try connection.run(
            "sha256sum \(path) | cut -d' ' -f1; stat -c %a \(path)", timeout: .seconds(10))
        let local = root.appendingPathComponent("local.bin")
        try Data(bytes).write(to: local)
        let expected = try ProcessRunner.output("/usr/bin/sha256sum", [local.path]).split(separator: " ")[0]
        XCTAssertEqual(text(remote.stdout), "\(expected)\n640\n", text(remote.stderr))

        // Over an existing file: replaced (a new inode, so readers of the old one never see a mix), new mode,
        // no temporary file left behind.
        let before = try inode(path)
        try connection.upload(Array("second\n".utf8), to: path, mode: 0o600)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second\n")
        XCTAssertNotEqual(try inode(path), before)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["blob.bin"])

        // An empty file, and a name with a quote and spaces.
        let odd = folder.appendingPathComponent("it's a file").path
        try connection.upload([], to: odd, mode: 0o644)
        try connection.upload([1, 2, 3], to: odd, mode: 0o644)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: odd))), [1, 2, 3])
    }

    func testAnUploadIntoAMissingFolderNamesThePath() throws {
        let server = try startServer()
        let connection = try connect(server)
        let path = root.appendingPathComponent("missing/folder/file.conf").path
        XCTAssertThrowsError(try connection.upload(Array("x".utf8), to: path, mode: 0o644)) { error in
            guard case .sftp(let operation, let reported, let reason) = error as? SSHError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(operation, "create")
            XCTAssertEqual(reported, path)
            XCTAssertTrue(reason.contains("no such file or directory"), reason)
            XCTAssertTrue("\(error)".contains(path), "\(error)")
        }
        // The connection is still usable.
        XCTAssertEqual(try connection.run("echo ok", timeout: .seconds(10)).stdout, Array("ok\n".utf8))
    }

    func testAnUploadOverAFolderFailsAndLeavesNothingBehind() throws {
        let server = try startServer()
        let connection = try connect(server)
        let folder = root.appendingPathComponent("remote")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("taken"), withIntermediateDirectories: true)
        XCTAssertThrowsError(
            try connection.upload(Array("x".utf8), to: folder.appendingPathComponent("taken").path, mode: 0o644)
        ) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["taken"])
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("taken").path), [])
    }

    func inode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? -1
    }
}
