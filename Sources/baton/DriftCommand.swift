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
        discussion: "Exit status: 0 no drift, 2 drift (each difference listed), 1 any error or an unreachable server."
    )

    @Option(help: "The git repository.") var repo: String = "."
    @Option(name: .customLong("server"), help: "Probe only this server (repeatable).") var servers: [String] = []
    @Option(help: "The SSH client key (default: BATON_SSH_KEY).") var identity: String?

    func run() throws {
        guard let key = identity ?? ProcessInfo.processInfo.environment["BATON_SSH_KEY"] else {
            Terminal.error("baton: no SSH client key: pass --identity KEY or set BATON_SSH_KEY")
            throw ExitStatus.invalid
        }
        let check: DriftCheck
        do {
            let repository = try GitRepository(path: repo)
            check = try DriftCheck.run(
                repository: repository, branch: try RepositoryConfigReader.statusBranch(repository), only: servers,
                credentials: SSHCredentials(privateKeyPath: key))
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
        guard let probed = check.servers else {
            print("Nothing applied yet: nothing to compare.")
            return
        }
        var drifted = 0
        var unreachable = false
        for server in probed {
            if let failure = server.failure {
                unreachable = true
                print("\(server.name): not probed: \(failure)")
                continue
            }
            drifted += server.differences.count
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
        if unreachable { throw ExitStatus.invalid }
        if drifted > 0 { throw ExitStatus.changes }
    }
}
