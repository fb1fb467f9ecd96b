import ArgumentParser
import Concurrency
import Daemon
import Dispatch
import Engine
import Foundation
import GitStore
import Hummingbird
import Logging
import Manifests
import Monitoring
import ServiceLifecycle

/// `baton reconcile`: the daemon (docs/daemon.md).
struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Follow the repository and apply what lands: the daemon.",
        discussion: """
            Every interval, and within a second of a webhook, fetches the branch; a new revision is validated, \
            planned and applied, and recorded on the status branch as `baton apply` records it. An invalid \
            revision is never applied. Flags win over the configuration file's keys of the same names \
            (docs/daemon.md). SIGTERM finishes the run in flight and exits 0; SIGHUP reloads the file.

            Examples:
              baton reconcile --config /etc/baton/baton.yaml
              baton reconcile --repo /srv/hosting --listen 127.0.0.1:9440 --webhook-secret-file /etc/baton/secret
            """
    )

    @Option(help: "The configuration file (YAML, docs/daemon.md).") var config: String?
    @Option(help: "The repository: a local path, or a file:// or ssh:// URL.") var repo: String?
    @Option(help: "The daemon's state folder (a remote repository's mirror).") var stateDir: String?
    @Option(help: "The branch to follow.") var branch: String?
    @Option(help: "How often to fetch without a webhook (60s).") var interval: String?
    @Option(help: "HOST:PORT for HTTP; an empty string turns it off.") var listen: String?
    @Option(help: "The SSH client key (default: BATON_SSH_KEY).") var identity: String?
    @Option(help: "A file holding the webhook secret.") var webhookSecretFile: String?
    @Option(help: "How often to probe for drift (10m).") var driftInterval: String?
    @Option(help: "report or correct.") var drift: String?
    @Option(name: .customLong("server"), help: "Reconcile only this server (repeatable).") var servers: [String] = []
    @Option(help: "text or json.") var logFormat: String?
    @Option(help: "How long a lease lasts unless renewed (60s).") var leaseDuration: String?
    @Option(help: "Failures in a row before a resource is quarantined (5).") var quarantineAfter: Int?
    @Option(help: "How long one server's script may run (10m).") var applyTimeout: String?
    @Option(help: "The name this daemon holds leases under (default: the one kept in the state folder).")
    var holder: String?

    /// The file's settings with the flags over them.
    func settings() throws -> DaemonConfiguration {
        var c = try config.map { try DaemonConfiguration.load(path: $0) } ?? DaemonConfiguration()
        let duration = { (flag: String, text: String) throws -> Manifests.Duration in
            guard let value = Manifests.Duration(parsing: text) else {
                throw ValidationError("--\(flag) '\(text)' is not a duration: write e.g. 60s, 10m")
            }
            return value
        }
        if let repo { c.repo = repo }
        if let stateDir { c.stateDir = stateDir }
        if let branch { c.branch = branch }
        if let interval { c.interval = try duration("interval", interval) }
        if let listen { c.listen = listen }
        if let identity { c.identity = identity }
        if let webhookSecretFile { c.webhookSecretFile = webhookSecretFile }
        if let driftInterval { c.driftInterval = try duration("drift-interval", driftInterval) }
        if let drift {
            guard let mode = DaemonConfiguration.DriftMode(rawValue: drift) else {
                throw ValidationError("--drift takes report or correct")
            }
            c.drift = mode
        }
        if !servers.isEmpty { c.server = servers }
        if let logFormat {
            guard let format = DaemonConfiguration.LogFormat(rawValue: logFormat) else {
                throw ValidationError("--log-format takes text or json")
            }
            c.logFormat = format
        }
        if let leaseDuration { c.leaseDuration = try duration("lease-duration", leaseDuration) }
        if let quarantineAfter { c.quarantineAfter = quarantineAfter }
        if let applyTimeout { c.applyTimeout = try duration("apply-timeout", applyTimeout) }
        if let holder { c.holder = holder }
        if let problem = c.problem() { throw ValidationError("\(problem.message): \(problem.hint)") }
        guard c.repo != nil else { throw ValidationError("no repository: pass --repo or set repo in --config") }
        return c
    }

    static func reconcilerSettings(_ c: DaemonConfiguration) -> Reconciler.Settings {
        Reconciler.Settings(
            interval: .seconds(c.interval.seconds), driftInterval: .seconds(c.driftInterval.seconds),
            driftMode: c.drift, leaseRenewal: .milliseconds(c.leaseDuration.seconds * 1000 / 3))
    }

    func run() throws {
        ServiceMemory.tuneForService()
        let c: DaemonConfiguration
        do { c = try settings() } catch let error as SourceError {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let json = (c.logFormat ?? (isatty(STDERR_FILENO) == 1 ? .text : .json)) == .json
        LoggingSystem.bootstrap { label in
            json ? JSONLogHandler(label: label) as any LogHandler : StreamLogHandler.standardError(label: label)
        }
        let logger = Logger(label: "baton.reconcile")
        var secret: [UInt8]?
        if let file = c.webhookSecretFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                Terminal.error("baton: the webhook secret file \(file) cannot be read")
                throw ExitStatus.couldNotRun
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            guard !bytes.isEmpty else {
                Terminal.error("baton: the webhook secret file \(file) is empty")
                throw ExitStatus.couldNotRun
            }
            secret = bytes
        }
        let holder: String
        // Months of revisions through one process: libgit2's caches get a ceiling (docs/daemon.md, Memory).
        try? GitLibrary.bound(objectCacheBytes: 64 << 20, mappedPackBytes: 256 << 20)
        do { holder = try StateFolder.claim(c.stateDir, holder: c.holder).holder } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let engine: RepositoryEngine
        do { engine = try RepositoryEngine(configuration: c, holder: holder, logger: logger) } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let state = DaemonState(quarantineAfter: c.quarantineAfter)
        let metrics = DaemonMetrics()
        let reconciler = Reconciler(
            engine: engine, state: state, settings: Self.reconcilerSettings(c), logger: logger, metrics: metrics)
        let monitor = MonitorService(
            state: state, branch: { try? engine.statusBranch() }, receivers: Receivers(configuration: c),
            metrics: MonitorMetrics(factory: metrics.factory), logger: Logger(label: "baton.monitor"))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: reconciler), .init(service: monitor),
        ]
        if let address = DaemonConfiguration.hostAndPort(c.listen) {
            let http = DaemonHTTP(
                branch: c.branch, verifier: secret.map { WebhookVerifier(secret: $0) },
                trigger: { reconciler.trigger($0) }, readiness: { await state.readiness() },
                status: { await state.statusJSON() }, metrics: { metrics.render() })
            let app = Application(
                router: http.router(),
                configuration: .init(address: .hostname(address.host, port: address.port), serverName: "baton"),
                logger: Logger(label: "baton.http"))
            services.append(.init(service: app))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services, gracefulShutdownSignals: [.sigterm], cancellationSignals: [.sigint],
                logger: logger))
        // A second SIGTERM does not wait: the servers' journals hold what they did, and the next start records it.
        let terms = LockedBox(0)
        let second = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        second.setEventHandler {
            let count = terms.update {
                $0 += 1; return $0
            }
            if count >= 2 {
                logger.warning("second SIGTERM: stopping at once; the servers' journals keep what ran")
                Foundation.exit(1)
            }
            // The wait can be long (a run's deadline is the apply timeout): say why the daemon is still there.
            logger.info(
                "SIGTERM: starting no new run; the runs in flight finish and are recorded, then the daemon exits",
                metadata: ["applyTimeout": "\(c.applyTimeout)"])
        }
        second.resume()
        // SIGHUP: the file again (interval, drift, receivers, logging); the repository stays.
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler {
            do {
                let reloaded = try self.settings()
                reconciler.reload(Self.reconcilerSettings(reloaded))
                logger.info("configuration reloaded")
            } catch {
                logger.error("the configuration was not reloaded: \(error)")
            }
        }
        hangup.resume()
        logger.info(
            "following \(c.repo ?? "") \(c.branch)",
            metadata: ["holder": "\(holder)", "listen": "\(c.listen)", "servers": "\(c.server)"])
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<Error?>(nil)
        Task {
            do { try await group.run() } catch { failure.update { $0 = error } }
            done.signal()
        }
        done.wait()
        if let error = failure.current {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
    }
}
