import ArgumentParser
import Backends
import Engine
import Foundation
import GitStore
import Manifests
import Planning
import SSHTransport
import StatusStore
import Zones

/// `baton drift`: one read-only probe per server, compared with what the status branch says was applied.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare the servers with the applied state, read-only.",
        discussion: """
            Exit status: 0 no drift (or nothing applied yet), 2 drift (each difference listed), 1 any error or an \
            unreachable server.

            Examples:
              baton drift --repo hosting --identity ~/.ssh/baton
              baton drift --repo hosting --server web1 --format json
            """
    )

    @Option(help: "The git repository.") var repo: String = "."
    @Option(name: .customLong("server"), help: "Probe only this server (repeatable).") var servers: [String] = []
    @Option(help: "The SSH client key (default: BATON_SSH_KEY).") var identity: String?
    @Option(help: "Output format: text or json (docs/json-output.md).") var format: ReportFormat = .text
    @Option(
        help:
            "How long one server's probe may run: 90s, 10m, 1h (a server of 10,000 accounts answers some 70,000 checks)."
    ) var timeout: String = "10m"

    func validate() throws {
        guard let parsed = Duration(parsing: timeout), parsed.seconds > 0 else {
            throw ValidationError("--timeout: not a duration: \(timeout) (write e.g. 90s, 10m or 1h)")
        }
    }

    func run() throws {
        // Nil when nothing was applied yet.
        let check: DriftCheck?
        do {
            let repository = try RepositoryOpening.open(repo)
            let branch = try RepositoryConfigReader.statusBranch(repository)
            // Nothing applied needs no key and no server: say so before asking for either.
            if try StatusBranch(repository: repository, name: branch).tip() == nil {
                check = nil
            } else {
                guard let key = identity ?? ProcessInfo.processInfo.environment["BATON_SSH_KEY"] else {
                    throw PlanFailure("no SSH client key: pass --identity KEY or set BATON_SSH_KEY")
                }
                check = try DriftCheck.run(
                    repository: repository, branch: branch, only: servers,
                    credentials: SSHCredentials(privateKeyPath: key),
                    timeout: .seconds(Duration(parsing: timeout)?.seconds ?? 600))
            }
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
        let probed = check?.servers ?? []
        let unreachable = probed.contains { $0.failure != nil }
        let drifted = probed.reduce(0) { $0 + $1.differences.count }
        switch format {
        case .json: JSONReport.print(Self.json(check))
        case .text: Self.printText(check)
        }
        if unreachable { throw ExitStatus.invalid }
        if drifted > 0 { throw ExitStatus.changes }
    }

    static func printText(_ check: DriftCheck?) {
        guard let check, let probed = check.servers else {
            print("Nothing applied yet: nothing to compare.")
            return
        }
        if probed.isEmpty { print("No server to probe: the status branch lists no resource Baton manages.") }
        for server in probed {
            if let failure = server.failure {
                print("\(server.name): not probed: \(failure)")
                print("  `baton doctor \(server.name)` checks each step of reaching it")
                continue
            }
            print(
                "\(server.name): "
                    + (server.differences.isEmpty
                        ? "no drift (\(server.checks) checks)" : "\(server.differences.count) difference(s)"))
            for d in server.differences {
                print("  ~ \(d.resource): \(d.what): expected \(d.expected), found \(d.found)")
            }
        }
        if check.skipped > 0 {
            print(
                "\(check.skipped) resource(s) not compared: their applied form could not be rebuilt (the revision is gone, or an older Baton applied it)"
            )
        }
    }

    static func json(_ check: DriftCheck?) -> [String: Any] {
        let servers = (check?.servers ?? []).map { server -> [String: Any] in
            var o: [String: Any] = [
                "name": server.name, "probed": server.failure == nil, "checks": server.checks,
                "differences": server.differences.map {
                    ["resource": $0.resource.description, "what": $0.what, "expected": $0.expected, "found": $0.found]
                },
            ]
            o["failure"] = server.failure.map { "\($0)" } ?? NSNull()
            return o
        }
        return ["applied": check?.servers != nil, "servers": servers, "notCompared": check?.skipped ?? 0]
    }
}
