import Foundation
import Manifests
import Planning

/// `runs/<run-id>.yaml`: what one run did, per operation; and `runs/<run-id>.log`, the scripts sent and what
/// each server printed.
package struct RunFile: Sendable {
    package struct Operation: Sendable {
        package var server: String
        package var resource: ResourceID
        package var action: Action
        package var state: String
        package var exitStatus: Int32?

        package init(server: String, resource: ResourceID, action: Action, state: String, exitStatus: Int32?) {
            self.server = server
            self.resource = resource
            self.action = action
            self.state = state
            self.exitStatus = exitStatus
        }
    }

    package struct ServerLog: Sendable {
        package var server: String
        package var seconds: Double
        package var failure: String?
        package var script: String
        package var stdout: String
        package var stderr: String

        package init(server: String, seconds: Double, failure: String?, script: String, stdout: String, stderr: String)
        {
            self.server = server
            self.seconds = seconds
            self.failure = failure
            self.script = script
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    package static let keep = 200

    package var id: String
    package var revision: String
    package var time: String
    package var summary: String
    package var operations: [Operation]
    package var servers: [ServerLog]
    /// The lease generation of the daemon that ran it (docs/daemon.md); nil for `baton apply`.
    package var generation: Int?
    /// Set for a run recorded after the fact, from a server's journal (`ServerJournal`): which server's.
    package var recoveredFrom: String?

    package init(
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

    package var yaml: String {
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

    package var log: String {
        servers.map { server in
            var text = "=== \(server.server) (\(String(format: "%.3f", server.seconds)) s)\n"
            if let failure = server.failure { text += "--- failure\n\(failure)\n" }
            text += "--- script\n\(server.script)\n--- stdout\n\(server.stdout)\n--- stderr\n\(server.stderr)\n"
            return text
        }.joined(separator: "\n")
    }

    /// The files to write, and the oldest runs to remove so that the tree keeps the last `keep` (history keeps
    /// them all).
    package func files(existing: [String]) -> [String: [UInt8]?] {
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
    package static func servers(_ bytes: [UInt8], file: String) throws -> [String] {
        try (StatusNode.parse(bytes, file: file).optional("servers")?.pairs() ?? []).map(\.0)
    }

    /// The operations of a recorded run that did not succeed, from `runs/<run-id>.yaml`.
    package static func unfinished(_ bytes: [UInt8], file: String) throws -> [(server: String, resource: ResourceID)] {
        let root = try StatusNode.parse(bytes, file: file)
        return try (root.optional("operations")?.items() ?? []).compactMap { item in
            guard try item.string("state") != "SUCCESS" else { return nil }
            let text = try item.string("resource")
            guard let id = ResourceID(parsing: text) else { throw item.fail("unknown resource '\(text)'") }
            return (try item.string("server"), id)
        }
    }
}
