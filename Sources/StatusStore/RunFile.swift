import Foundation
import Manifests
import Planning

/// `runs/<run-id>.yaml`: what one run did, per operation; and `runs/<run-id>.log`, the scripts sent and what
/// each server printed.
public struct RunFile: Sendable {
    public struct Operation: Sendable {
        public var server: String
        public var resource: ResourceID
        public var action: Action
        public var state: String
        public var exitStatus: Int32?

        public init(server: String, resource: ResourceID, action: Action, state: String, exitStatus: Int32?) {
            self.server = server
            self.resource = resource
            self.action = action
            self.state = state
            self.exitStatus = exitStatus
        }
    }

    public struct ServerLog: Sendable {
        public var server: String
        public var seconds: Double
        public var failure: String?
        public var script: String
        public var stdout: String
        public var stderr: String

        public init(server: String, seconds: Double, failure: String?, script: String, stdout: String, stderr: String) {
            self.server = server
            self.seconds = seconds
            self.failure = failure
            self.script = script
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    public static let keep = 200

    public var id: String
    public var revision: String
    public var time: String
    public var summary: String
    public var operations: [Operation]
    public var servers: [ServerLog]
    /// The lease generation of the daemon that ran it (docs/daemon.md); nil for `baton apply`.
    public var generation: Int?
    /// Set for a run recorded after the fact, from a server's journal (`ServerJournal`): which server's.
    public var recoveredFrom: String?

    public init(
        id: String, revision: String, time: String, summary: String, operations: [Operation], servers: [ServerLog],
        recoveredFrom: String? = nil
    ) {
        self.recoveredFrom = recoveredFrom
        self.id = id
        self.revision = revision
        self.time = time
        self.summary = summary
        self.operations = operations
        self.servers = servers
    }

    public var yaml: String {
        var out =
            "# Written by Baton. Do not edit.\nid: \(YAMLText.quoted(id))\nrevision: \(YAMLText.quoted(revision))\n"
        out += "time: \(YAMLText.quoted(time))\nplan: \(YAMLText.quoted(summary))\n"
        if let generation { out += "generation: \(generation)\n" }
        if let recoveredFrom {
            // Its client stopped (or could not write the status branch) after the server's work: a later run
            // read what the server did from the server's own journal.
            out += "recovered: {from: \(YAMLText.quoted(recoveredFrom)), journal: true}\n"
        }
        out += "servers:\n"
        for server in servers {
            out += "  \(YAMLText.quoted(server.server)): {seconds: \(String(format: "%.3f", server.seconds))"
            if let failure = server.failure { out += ", failure: \(YAMLText.quoted(failure))" }
            out += "}\n"
        }
        out += operations.isEmpty ? "operations: []\n" : "operations:\n"
        for op in operations {
            out += "  - {server: \(YAMLText.quoted(op.server)), resource: \(YAMLText.quoted(op.resource.description)), "
            out += "action: \(op.action.rawValue), state: \(op.state)"
            if let status = op.exitStatus { out += ", exitStatus: \(status)" }
            out += "}\n"
        }
        return out
    }

    public var log: String {
        servers.map { server in
            var text = "=== \(server.server) (\(String(format: "%.3f", server.seconds)) s)\n"
            if let failure = server.failure { text += "--- failure\n\(failure)\n" }
            text += "--- script\n\(server.script)\n--- stdout\n\(server.stdout)\n--- stderr\n\(server.stderr)\n"
            return text
        }.joined(separator: "\n")
    }

    /// The files to write, and the oldest runs to remove so that the tree keeps the last `keep` (history keeps
    /// them all).
    public func files(existing: [String]) -> [String: [UInt8]?] {
        var files: [String: [UInt8]?] = [
            "runs/\(id).yaml": Array(yaml.utf8), "runs/\(id).log": Array(log.utf8),
        ]
        let ids = Set(existing.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }).sorted()
        for old in ids.dropLast(max(0, Self.keep - 1)) {
            files["runs/\(old).yaml"] = .some(nil)
            files["runs/\(old).log"] = .some(nil)
        }
        return files
    }
}

extension RunFile {
    /// The servers a recorded run lists, from `runs/<run-id>.yaml`.
    public static func servers(_ bytes: [UInt8], file: String) throws -> [String] {
        try (StatusNode.parse(bytes, file: file).optional("servers")?.pairs() ?? []).map(\.0)
    }

    /// The operations of a recorded run that did not succeed, from `runs/<run-id>.yaml`.
    public static func unfinished(_ bytes: [UInt8], file: String) throws -> [(server: String, resource: ResourceID)] {
        let root = try StatusNode.parse(bytes, file: file)
        return try (root.optional("operations")?.items() ?? []).compactMap { item in
            guard try item.string("state") != "SUCCESS" else { return nil }
            let text = try item.string("resource")
            guard let id = ResourceID(parsing: text) else { throw item.fail("unknown resource '\(text)'") }
            return (try item.string("server"), id)
        }
    }
}
