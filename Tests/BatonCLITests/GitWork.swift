import Foundation
import Planning
import XCTest

/// A scratch git work tree holding a copy of `examples/hosting`, driven with the git CLI, and status branches
/// built by hand from a plan's JSON.
struct GitWork {
    let root: URL

    static func make() throws -> GitWork {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let work = GitWork(root: root)
        try FileManager.default.copyItem(
            at: BatonProcess.packageRoot.appendingPathComponent("examples/hosting"),
            to: root.appendingPathComponent("repo"))
        try work.git("init", "-q")
        try work.git("add", "-A")
        try work.git("commit", "-q", "-m", "hosting")
        return work
    }

    var path: String { root.appendingPathComponent("repo").path }

    func remove() { try? FileManager.default.removeItem(at: root) }

    @discardableResult
    func git(_ args: String..., in dir: String? = nil) throws -> String {
        try git(args, in: dir)
    }

    @discardableResult
    func git(_ args: [String], in dir: String? = nil, environment: [String: String] = [:]) throws -> String {
        let p = Process()
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        p.arguments =
            ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: dir ?? path)
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw GitFailure(
                description: "git \(args.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct GitFailure: Error, CustomStringConvertible {
        var description: String
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path + "/" + relative, encoding: .utf8)
    }

    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func edit(_ relative: String, _ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        let text = try read(relative)
        XCTAssertTrue(text.contains(old), "\(relative) holds \(old)", file: file, line: line)
        try write(relative, text.replacingOccurrences(of: old, with: new))
    }

    func commit(_ message: String) throws {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
    }

    func plan(_ extra: String...) throws -> BatonProcess.Output {
        try plan(extra)
    }

    func plan(_ extra: [String]) throws -> BatonProcess.Output {
        try BatonProcess.run(["plan", "--repo", path, "--zone-checker", "builtin"] + extra)
    }

    /// Records by hand, on an orphan `baton/status`, that the creates and updates of a JSON plan were applied
    /// (and its deletes done), optionally leaving some resources out of the inventory.
    func recordApplied(
        planJSON: String, except: Set<String> = [], statusFiles: [String: String] = [:], file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let plan = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(planJSON.utf8)) as? [String: Any], file: file, line: line)
        let revision = try XCTUnwrap(plan["revision"] as? String)
        var servers: [String: [String]] = [:]
        let previous = (try? inventory()) ?? ""
        // Keep the entries of the previous inventory that this plan does not touch.
        var touched = Set<String>()
        for change in plan["changes"] as? [[String: Any]] ?? [] {
            let server = change["server"] as! String
            let id = "\(change["kind"]!)/\(change["name"]!)"
            touched.insert("\(server) \(id)")
            if change["action"] as? String == "delete" || except.contains(id) { continue }
            servers[server, default: []].append(
                "    - {kind: \(change["kind"]!), name: \"\(change["name"]!)\", account: \"\(change["account"]!)\", "
                    + "hash: \"\(change["hash"]!)\", revision: \"\(revision)\"}")
        }
        var server = ""
        for line in previous.split(separator: "\n") {
            if line.hasPrefix("  \"") { server = String(line.dropFirst(3).prefix { $0 != "\"" }) }
            guard line.hasPrefix("    - {kind: ") else { continue }
            let kind = line.dropFirst("    - {kind: ".count).prefix { $0 != "," }
            let name = line.split(separator: "name: \"")[1].prefix { $0 != "\"" }
            if !touched.contains("\(server) \(kind)/\(name)") { servers[server, default: []].append(String(line)) }
        }
        var inventory = "formatVersion: 1\nservers:\n"
        for name in servers.keys.sorted() {
            inventory += "  \"\(name)\":\n" + servers[name]!.joined(separator: "\n") + "\n"
        }
        let applied = """
            formatVersion: 1
            revision: "\(revision)"
            time: "2026-12-02T10:00:00Z"
            run: "by-hand"
            recipe: \(ResourceStates.recipe)
            servers: {}

            """
        try commitStatus(["applied.yaml": applied, "inventory.yaml": inventory].merging(statusFiles) { $1 })
    }

    /// The status branch's inventory as one text in the layout of the single `inventory.yaml` of older branches:
    /// that file when the branch has it, else its shards (`inventory/<xx>.yaml`) merged, entries sorted per server.
    func inventory(at ref: String = "baton/status") throws -> String {
        if let single = try? git("show", "\(ref):inventory.yaml") { return single }
        var servers: [String: [String]] = [:]
        for shard in try git("ls-tree", "--name-only", "\(ref):inventory").split(separator: "\n") {
            var server = ""
            for line in try git("show", "\(ref):inventory/\(shard)").split(separator: "\n") {
                if line.hasPrefix("  \"") { server = String(line.dropFirst(2).dropLast()) }
                if line.hasPrefix("    - {") { servers[server, default: []].append(String(line)) }
            }
        }
        var text = "formatVersion: 1\nservers:\n"
        for server in servers.keys.sorted() {
            text += "  \(server):\n" + servers[server]!.sorted().joined(separator: "\n") + "\n"
        }
        return text
    }

    /// Commits files on `baton/status` with git's plumbing: the work tree, index and HEAD stay as they are.
    func commitStatus(_ files: [String: String]) throws {
        let index = root.appendingPathComponent("status-index").path
        try? FileManager.default.removeItem(atPath: index)
        var entries: [String] = []
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let blobFile = root.appendingPathComponent("blob").path
            try text.write(toFile: blobFile, atomically: true, encoding: .utf8)
            let blob = try git("hash-object", "-w", blobFile)
            entries.append("100644,\(blob),\(name)")
        }
        for entry in entries {
            try gitIndex(index, ["update-index", "--add", "--cacheinfo", entry])
        }
        let tree = try gitIndex(index, ["write-tree"])
        var args = ["commit-tree", tree, "-m", "status by hand"]
        if let parent = try? git("rev-parse", "--verify", "-q", "refs/heads/baton/status") { args += ["-p", parent] }
        let commit = try git(args)
        try git("update-ref", "refs/heads/baton/status", commit)
    }

    @discardableResult
    func gitIndex(_ index: String, _ args: [String]) throws -> String {
        try git(args, environment: ["GIT_INDEX_FILE": index])
    }
}
