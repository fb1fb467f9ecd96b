import Foundation
import XCTest

/// One rule for symbolic links and the size limit, whichever way the files are read (issue 10, finding 9): a
/// folder and a commit of it give the same diagnostics.
final class LinkRuleTests: XCTestCase {
    var work: GitWork!

    override func setUpWithError() throws {
        work = try GitWork.make()
    }

    override func tearDown() {
        work.remove()
    }

    /// `FILE rule` of each error, sorted.
    func errors(_ arguments: [String]) throws -> [String] {
        let out = try BatonProcess.run(
            ["validate", work.path, "--zone-checker", "builtin", "--no-cache"] + arguments,
            environment: ["NO_COLOR": "1"])
        return out.stdout.split(separator: "\n").filter { $0.contains(": error: ") }.map { line in
            let file = line.prefix { $0 != ":" }
            let rule = line.split(separator: "[").last.map { String($0.dropLast()) } ?? ""
            return "\(file) \(rule)"
        }.sorted()
    }

    func testAFolderAndACommitOfItReadLinksAlike() throws {
        let folder = work.path + "/accounts/globex"
        let links = [
            "alias.yml": "domains.yaml",
            "absolute.yaml": work.path + "/accounts/globex/domains.yaml",
            "outside.yaml": "../../../outside.yaml",
            "folder.yaml": "../globex",
            "nothing.yaml": "missing.yaml",
            "device.yaml": "/dev/zero",
            "loop.yaml": "loop.yaml",
        ]
        try "kind: Account\n".write(toFile: work.root.path + "/outside.yaml", atomically: true, encoding: .utf8)
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: target)
        }
        // Over the size limit, both ways.
        try Data(repeating: 0x23, count: 17 << 20).write(to: URL(fileURLWithPath: work.path + "/big.yaml"))
        try work.commit("links")
        let fromFolder = try errors([])
        XCTAssertEqual(fromFolder, try errors(["--rev", "HEAD"]))
        let linkErrors = fromFolder.filter { $0.hasSuffix(" io.link") }.map { $0.split(separator: " ")[0] }
        XCTAssertEqual(
            linkErrors,
            [
                "accounts/globex/absolute.yaml", "accounts/globex/device.yaml", "accounts/globex/folder.yaml",
                "accounts/globex/loop.yaml", "accounts/globex/nothing.yaml", "accounts/globex/outside.yaml",
            ])
        XCTAssertTrue(fromFolder.contains("big.yaml yaml.too-large"), "\(fromFolder)")
        // The link into the repository is read as its file: its resources are declared twice.
        XCTAssertTrue(fromFolder.contains("accounts/globex/domains.yaml resource.duplicate"), "\(fromFolder)")
    }
}
