import ArgumentParser
import Dispatch
import Engine
import Foundation
import GitStore
import Manifests
import Monitoring
import StatusStore

/// `baton monitor`: the monitored sites, checked now or as the status branch last saw them.
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Check monitored sites now, or show their last state.",
        discussion: """
            Examples:
              baton monitor check acme-www --repo hosting
              baton monitor status --repo hosting
              baton monitor run --repo hosting --for 5m --no-status
            """,
        subcommands: [MonitorCheck.self, MonitorStatus.self, MonitorRun.self])
}

struct MonitorCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check one monitored site now and explain every step.",
        discussion: """
            Exit status: 0 up, 1 down (the class, explanation and hint say why), 3 Baton could not run.

            Examples:
              baton monitor check acme-www --repo hosting
              baton monitor check acme-www --repo hosting --format json
            """)

    @Argument(help: "The MonitoredSite's name, as declared.") var site: String
    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The revision whose manifest to use.") var rev: String = "HEAD"
    @Option(help: "Output format: text or json.") var format: String = "text"

    func run() throws {
        let declared: MonitoredSite
        let checker: SiteChecker
        do {
            guard format == "text" || format == "json" else { throw PlanFailure("--format is text or json") }
            let repository = try RepositoryOpening.open(repo)
            let loaded = try ManifestLoader.load(try repository.source(at: rev))
            guard let found = loaded.manifests.monitoredSites.first(where: { $0.name == site }) else {
                let names = loaded.manifests.monitoredSites.map(\.name).sorted().joined(separator: ", ")
                throw PlanFailure("no MonitoredSite '\(site)' at \(rev) (declared: \(names))")
            }
            let problems = loaded.diagnostics.filter { $0.location.file == found.origin.file && $0.severity == .error }
            if let first = problems.first {
                throw PlanFailure("\(first.location.file):\(first.location.line): \(first.message) [\(first.rule)]")
            }
            declared = found
            checker = try SiteChecker()
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let result = AsyncBridge.wait { await checker.check(declared) }
        print(
            format == "json" ? CheckReport.json(result) : CheckReport.text(result),
            terminator: format == "json" ? "\n" : "")
        if !result.isUp { throw ExitStatus.invalid }
    }
}

struct MonitorStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show every monitored site's last state from the status branch.",
        discussion: """
            Exit status: 0 none down, 1 a site is down, 3 Baton could not run.

            Examples:
              baton monitor status --repo hosting
            """)

    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The status branch (default: baton.yaml's statusBranch, else baton/status).") var branch: String?

    func run() throws {
        let files: [MonitorFile]
        do {
            let repository = try RepositoryOpening.open(repo)
            let name = try branch ?? RepositoryConfigReader.statusBranch(repository)
            files = try StatusBranch(repository: repository, name: name).monitors()
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        print(CheckReport.status(files), terminator: "")
        if files.contains(where: { $0.state == "down" }) { throw ExitStatus.invalid }
    }
}

/// `baton monitor run`: the daemon's monitor in the foreground, until the time is up or it is stopped.
struct MonitorRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every monitored site on its schedule in the foreground, alerting and writing monitors/.",
        discussion:
            """
            What `baton reconcile` hosts. Exit status: 0 after --for, 3 Baton could not run.

            Examples:
              baton monitor run --repo hosting --for 5m --no-status
              baton monitor run --repo hosting --config /etc/baton/baton.yaml
            """)

    @Option(help: "The git repository.") var repo: String = "."
    @Option(help: "The revision whose manifests to use.") var rev: String = "HEAD"
    @Option(help: "The status branch (default: baton.yaml's statusBranch, else baton/status).") var branch: String?
    @Option(help: "Stop after this long (90s, 5m, 1h); default: run until stopped.") var `for`: String?
    @Option(help: "The daemon's configuration file, for its alert receivers (examples/daemon/baton.yaml).")
    var config: String?
    @Option(help: "Write each check's start (site, seconds since the start) to this file, for benchmarks.")
    var startLog: String?
    @Flag(help: "Write nothing to the status branch.") var noStatus = false

    func run() throws {
        var runner: MonitorRunner
        let duration: Swift.Duration?
        do {
            let repository = try RepositoryOpening.open(repo)
            let loaded = try ManifestLoader.load(try repository.source(at: rev))
            if let error = loaded.diagnostics.first(where: { $0.severity == .error }) {
                throw PlanFailure("\(error.location.file):\(error.location.line): \(error.message) [\(error.rule)]")
            }
            let name = try branch ?? RepositoryConfigReader.statusBranch(repository)
            runner = MonitorRunner(
                sites: loaded.manifests.monitoredSites,
                branch: noStatus ? nil : StatusBranch(repository: repository, name: name))
            if let config { runner.receivers = Receivers(configuration: try DaemonConfiguration.load(path: config)) }
            if let text = `for` {
                guard let parsed = Manifests.Duration(parsing: text) else {
                    throw PlanFailure("--for: not a duration: \(text)")
                }
                duration = .seconds(parsed.seconds)
            } else {
                duration = nil
            }
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let job = runner
        let summary = AsyncBridge.wait { try? await job.run(for: duration) }
        guard let summary else {
            Terminal.error("baton: the monitor could not start")
            throw ExitStatus.couldNotRun
        }
        if let startLog {
            let lines = summary.starts.map { "\($0.site)\t\(String(format: "%.3f", $0.seconds))\n" }.joined()
            try? lines.write(toFile: startLog, atomically: true, encoding: .utf8)
        }
        print(
            "\(runner.sites.count) site(s), \(summary.checks) check(s), \(summary.commits) status commit(s)"
                + (summary.lastError.map { "; last write failed: \($0)" } ?? ""))
    }
}

/// Runs async work from a synchronous command. The main thread waits, not a thread of the cooperative pool.
enum AsyncBridge {
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = await work()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    final class ResultBox<T: Sendable>: @unchecked Sendable {
        var value: T?
    }
}
