import Backends
import Foundation
import TestSupport
import XCTest

/// What the prelude does inside a user's tree, with this machine's real `setpriv` and `setfacl`, as `nobody`
/// in a folder of its own: the same result with fewer processes (a first apply runs these a thousand times).
/// `setpriv` is counted through a stand-in on PATH that logs each call and runs the real one.
final class UserTreeTests: XCTestCase {
    var dir: URL!
    let user = "nobody"
    let group = "nogroup"

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("setpriv and chown need root") }
        for tool in ["/usr/bin/setpriv", "/usr/bin/setfacl", "/usr/bin/getfacl"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is missing (packages util-linux, acl)")
        }
        dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("baton-tree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("run"), withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"$*\" >> \(dir.path)/setpriv.log\nexec /usr/bin/setpriv \"$@\"\n".write(
            toFile: dir.appendingPathComponent("bin/setpriv").path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(dir.appendingPathComponent("bin/setpriv").path, 0o755), 0)
        XCTAssertEqual(chmod(dir.path, 0o755), 0)
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    /// The prelude with `lines` after it, run by a real shell; stdout, stderr and the setpriv calls made.
    func run(_ build: (inout ScriptBuilder) throws -> Void) throws -> (stdout: String, stderr: String, calls: Int) {
        var script = Prelude.script()
        try script.assign("PATH", dir.appendingPathComponent("bin").path + ":/usr/sbin:/usr/bin:/sbin:/bin")
        try script.assign("baton_run", dir.appendingPathComponent("run").path)
        try build(&script)
        try? FileManager.default.removeItem(at: dir.appendingPathComponent("setpriv.log"))
        let result = try TestShell.run(script)
        let log = (try? String(contentsOf: dir.appendingPathComponent("setpriv.log"), encoding: .utf8)) ?? ""
        return (String(decoding: result.stdout, as: UTF8.self), result.stderr, log.split(separator: "\n").count)
    }

    func owned(_ relative: String) throws -> URL {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try chownNobody(url)
        return url
    }

    func chownNobody(_ url: URL) throws {
        let nobody = try XCTUnwrap(getpwnam(user)).pointee
        XCTAssertEqual(lchown(url.path, nobody.pw_uid, nobody.pw_gid), 0)
    }

    func attributes(_ url: URL) throws -> (owner: String, mode: Int) {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (
            try XCTUnwrap(attributes[.ownerAccountName] as? String),
            try XCTUnwrap(attributes[.posixPermissions] as? Int)
        )
    }

    func acl(_ url: URL) throws -> [String] {
        try ProcessRunner.run("/usr/bin/getfacl", ["-cp", url.path]).stdout.split(separator: "\n").map(String.init)
            .filter { $0.contains("www-data") }
    }

    /// `baton_user_dirs_by` for these folders of `nobody`'s (who made the folders above): each made, owned by
    /// nobody, with mode 0700. Returns the setpriv calls.
    func makeFolders(_ folders: [URL]) throws -> Int {
        let result = try run { s in
            try s.command(
                ["baton_user_dirs_by", .value(user), .value(user), .value(group), "0700"]
                    + folders.map { .value($0.path) }
                    + ["&& echo made"])
        }
        XCTAssertEqual(result.stdout, "made\n", result.stderr)
        for folder in folders {
            let (owner, mode) = try attributes(folder)
            XCTAssertEqual(owner, user, folder.path)
            XCTAssertEqual(mode, 0o700, folder.path)
        }
        return result.calls
    }

    /// A web app's new folders deep in its user's tree: made by the user, with their mode, in one setpriv; the
    /// same folders when one of them was there already come out the same, one by one.
    func testNewFoldersOfAUserAreMadeByTheUserInOneGo() throws {
        let app = try owned("home/app")
        let folders = [".php", ".php/tmp", ".php/sessions", ".php/uploads"].map { app.appendingPathComponent($0) }
        XCTAssertEqual(try makeFolders(folders), 1, "one setpriv for the four folders")
        // Again with .php there (another mode): the folder-by-folder way, the same result.
        for folder in folders.reversed() { try FileManager.default.removeItem(at: folder) }
        let php = try owned("home/app/.php")
        XCTAssertEqual(chmod(php.path, 0o755), 0)
        XCTAssertGreaterThan(try makeFolders(folders), 1)
    }

    /// setfacl's exit status tells only of the last file it was given: a file the user may not change that
    /// comes earlier in the same run is still reported, with Baton's message, and the files after it get their
    /// entries all the same.
    func testAFileTheUserMayNotChangeIsReportedWhereverItComes() throws {
        let app = try owned("home/app")
        let public_ = try owned("home/app/public")
        let roots = app.appendingPathComponent("roots")
        FileManager.default.createFile(atPath: roots.path, contents: Data("root's\n".utf8))
        let result = try run { s in
            try s.command(
                "baton_acl", .value("baton: some files keep the access they had"), .value(user), .value(group),
                "-P -m u:www-data:--x", .value(roots.path), "-R -m u:www-data:r-X", .value(public_.path))
            s.code("echo status=$?")
        }
        XCTAssertEqual(result.stdout, "status=0\n", "the operation goes on")
        XCTAssertTrue(result.stderr.contains("roots"), result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("baton: some files keep the access they had\n"), result.stderr)
        XCTAssertEqual(try acl(public_), ["user:www-data:r-x"])
        XCTAssertEqual(try acl(roots), [])
        // Nothing to say when every file took its entries.
        let quiet = try run { s in
            try s.command(
                "baton_acl", .value("baton: some files keep the access they had"), .value(user), .value(group),
                "-P -m u:www-data:--x", .value(app.path), "-R -m u:www-data:---", .value(public_.path))
        }
        XCTAssertEqual(quiet.stderr, "")
        XCTAssertEqual(try acl(app), ["user:www-data:--x"])
        XCTAssertEqual(try acl(public_), ["user:www-data:---"])
    }

    /// Keys given as one quoted word are written by the user's own shell, byte for byte, with their modes.
    func testKeysInAWordAreWrittenByTheUser() throws {
        let home = dir.appendingPathComponent("bob")
        let keys = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ bob@laptop\nssh-ed25519 AAAAC3Nza 'it''s' $(touch pwned)\n"
        let result = try run { s in
            try s.command("baton_home", .value(home.path), .value(user), .value(group), .value(keys), "&& echo done")
        }
        XCTAssertEqual(result.stdout, "done\n", result.stderr)
        let file = home.appendingPathComponent(".ssh/authorized_keys")
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), keys)
        XCTAssertEqual(try attributes(file).owner, user)
        XCTAssertEqual(try attributes(file).mode, 0o600)
        XCTAssertEqual(try attributes(home.appendingPathComponent(".ssh")).mode, 0o700)
        XCTAssertEqual(try attributes(home).mode, 0o750)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pwned").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent("pwned").path))
    }
}
