import ArgumentParser
import Backends
import Engine
import Foundation
import GitStore
import Manifests
import SSHTransport

/// `baton doctor SERVER`: every step of reaching a server and applying there, checked in order, each failure
/// explained with what to check.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Diagnose the connection to a server and what Baton needs there.",
        discussion: """
            Exit status: 0 every check passed, 1 a check failed (each is explained), 3 Baton could not run.

            Examples:
              baton doctor web1 --repo hosting --identity ~/.ssh/baton
              baton doctor web1 --repo hosting --format json | jq '.checks[] | select(.ok | not)'
            """
    )

    @Argument(help: "The Server's name, as declared.") var server: String
    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The revision whose Server manifest to use.") var rev: String = "HEAD"
    @Option(help: "The SSH client key (default: BATON_SSH_KEY).") var identity: String?
    @Option(help: "Output format: text or json (docs/json-output.md).") var format: ReportFormat = .text

    /// Commands each role needs on the server, and the Debian package that has them.
    static let tools: [(role: ServerRole?, command: String, package: String)] = [
        (nil, "sh", "dash"), (nil, "base64", "coreutils"), (nil, "realpath", "coreutils"),
        (.web, "useradd", "passwd"), (.web, "setfacl", "acl"), (.web, "nginx", "nginx"),
        (.dnsPrimary, "named-checkzone", "bind9-utils"), (.dnsPrimary, "named-checkconf", "bind9-utils"),
        (.dnsPrimary, "rndc", "bind9-utils"), (.dnsSecondary, "rndc", "bind9-utils"),
    ]

    func run() throws {
        let declared: Server
        do {
            let repository = try RepositoryOpening.open(repo)
            let loaded = try ManifestLoader.load(try repository.source(at: rev))
            guard let found = loaded.manifests.servers.first(where: { $0.name == server }) else {
                let names = loaded.manifests.servers.map(\.name).sorted().joined(separator: ", ")
                throw PlanFailure("no Server '\(server)' at \(rev) (declared: \(names))")
            }
            declared = found
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        var failed = false
        var checks: [[String: Any]] = []
        // JSON is one document, printed however the checks end; text is printed as each check ends.
        defer {
            if format == .json { JSONReport.print(["server": server, "passed": !failed, "checks": checks]) }
        }
        func report(_ ok: Bool, _ what: String, _ detail: String = "", hint: String = "") {
            checks.append(["check": what, "ok": ok, "detail": detail, "hint": ok || hint.isEmpty ? NSNull() : hint])
            if !ok { failed = true }
            guard format == .text else { return }
            print("\(ok ? "ok  " : "FAIL") \(what)\(detail.isEmpty ? "" : ": \(detail)")")
            if !ok, !hint.isEmpty { print("     check: \(hint)") }
        }
        let spec = declared.spec
        report(
            true, "manifest",
            "\(server) is \(spec.user)@\(spec.address):\(spec.port), roles \(spec.roles.map(\.rawValue).joined(separator: ", "))"
        )
        guard let key = identity ?? ProcessInfo.processInfo.environment["BATON_SSH_KEY"] else {
            report(false, "client key", "none given", hint: "pass --identity KEY or set BATON_SSH_KEY")
            throw ExitStatus.invalid
        }
        report(
            FileManager.default.isReadableFile(atPath: key), "client key", key,
            hint: "the file must exist and be readable")
        let target = SSHTarget(
            host: spec.address, port: spec.port, user: spec.user, hostKey: spec.hostKey, connectTimeout: .seconds(10))
        let connection: SSHConnection
        do {
            connection = try SSHConnection.connect(target, credentials: SSHCredentials(privateKeyPath: key))
            report(true, "connection", "TCP, SSH handshake, host key as pinned, authentication as \(spec.user)")
        } catch let error as SSHError {
            report(false, "connection", error.description, hint: error.hint)
            throw ExitStatus.invalid
        } catch {
            report(false, "connection", "\(error)")
            throw ExitStatus.invalid
        }
        defer { connection.close() }
        // Each probe is built like a run's script: code words as written, every value through the one quoting.
        // A probe that did not finish says nothing about the server (its output is cut, its exit status unknown):
        // it is a failure of the connection, never a missing tool or a stopped daemon.
        func probe(_ words: ScriptBuilder.Word...) throws -> SSHResult {
            var script = ScriptBuilder()
            try script.command(words)
            let command = String(decoding: script.bytes.dropLast(), as: UTF8.self)
            let result = try connection.run(script.text, timeout: .seconds(20))
            if result.timedOut { throw SSHError.timedOut(operation: "`\(command)`", timeout: .seconds(20)) }
            if let lost = result.connectionLost {
                throw SSHError.connectionLost(reason: "during `\(command)`: \(lost)")
            }
            return result
        }
        do {
            let id = try probe("id", "-u")
            let uid = String(decoding: id.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if uid == "0" {
                report(true, "root", "commands run as root")
            } else {
                let sudo = try probe("sudo", "-n", "true")
                report(
                    sudo.exitStatus == 0, "root", "uid \(uid)" + (sudo.exitStatus == 0 ? ", passwordless sudo" : ""),
                    hint:
                        "Baton's scripts create users and write /etc: connect as root (spec.user), or allow passwordless sudo"
                )
            }
            for tool in Self.tools where tool.role.map({ spec.roles.contains($0) }) ?? true {
                let found = try probe("command", "-v", .value(tool.command))
                report(
                    found.exitStatus == 0, "tool \(tool.command)",
                    String(decoding: found.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                    hint: "install the Debian package \(tool.package) on \(server)")
            }
            if spec.roles.contains(.dnsPrimary) || spec.roles.contains(.dnsSecondary) {
                let rndc = try probe("rndc", "status", ">/dev/null")
                report(
                    rndc.exitStatus == 0, "named",
                    rndc.exitStatus == 0 ? "answers rndc" : String(decoding: rndc.stderr, as: UTF8.self),
                    hint: "named must run and rndc reach it (rndc.key readable by the SSH user)")
            }
            if spec.roles.contains(.web) {
                let nginx = try probe("nginx", "-t", "2>&1")
                report(
                    nginx.exitStatus == 0, "nginx configuration",
                    nginx.exitStatus == 0 ? "nginx -t passes" : String(decoding: nginx.stdout, as: UTF8.self),
                    hint: "nginx -t must pass before Baton adds server blocks")
            }
        } catch let error as SSHError {
            report(false, "commands", error.description, hint: error.hint)
        } catch {
            report(false, "commands", "\(error)", hint: "the connection works but commands fail: check the login shell")
        }
        if failed { throw ExitStatus.invalid }
    }
}
