import Foundation

/// `baton reconcile`'s configuration file (docs/daemon.md, key by key): YAML with camelCase keys, read with the
/// manifests' own rules (unknown keys with a suggestion, every problem at its line). Flags of the same names in
/// kebab case win over it. Secrets are never in it: the webhook secret and the client key are files it names.
package struct DaemonConfiguration: Sendable, Hashable {
    package enum DriftMode: String, Sendable, CaseIterable { case report, correct }
    package enum LogFormat: String, Sendable, CaseIterable { case text, json }
    package enum ReceiverFormat: String, Sendable, CaseIterable { case json, slack }

    /// Where an alert goes, named by a MonitoredSite's `receiver:`: the URL often is a secret, so it lives here.
    package struct Receiver: Sendable, Hashable {
        package var url: String
        package var format: ReceiverFormat

        package init(url: String, format: ReceiverFormat = .json) {
            self.url = url
            self.format = format
        }
    }

    package static let keys = [
        "repo", "stateDir", "branch", "interval", "listen", "identity", "webhookSecretFile", "driftInterval",
        "drift", "server", "logFormat", "leaseDuration", "quarantineAfter", "holder", "receivers", "applyTimeout",
    ]

    /// A local path, or a `file://` or `ssh://` URL.
    package var repo: String?
    package var stateDir = "/var/lib/baton"
    package var branch = "main"
    package var interval = Duration.seconds(60)
    /// `HOST:PORT`; empty: no HTTP.
    package var listen = "127.0.0.1:9440"
    /// The SSH client key file.
    package var identity: String?
    package var webhookSecretFile: String?
    package var driftInterval = Duration.minutes(10)
    package var drift = DriftMode.report
    /// The servers this daemon reconciles; empty: all.
    package var server: [String] = []
    /// Nil: text on a terminal, else JSON.
    package var logFormat: LogFormat?
    package var leaseDuration = Duration.seconds(60)
    package var quarantineAfter = 5
    /// How long one server's script may run: `baton apply --timeout`. A first apply of thousands of accounts
    /// on one server needs more than the default.
    package var applyTimeout = Duration.minutes(10)
    /// Nil: the host name and process id.
    package var holder: String?
    package var receivers: [String: Receiver] = [:]

    package init() {}

    package static func load(path: String) throws -> DaemonConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceError("\(path): cannot be read (\(String(cString: strerror(errno))))")
        }
        return try parse([UInt8](data), file: path)
    }

    package static func parse(_ bytes: [UInt8], file: String) throws -> DaemonConfiguration {
        let parsed = YAMLReader.read(bytes)
        let context = DecodeContext(file: file)
        for problem in parsed.problems {
            context.error(problem.mark, problem.rule, problem.message, hint: problem.hint)
        }
        var config = DaemonConfiguration()
        if let root = parsed.documents.first?.root,
            let top = FieldReader(root, path: "", keys: keys, context: context, what: "the configuration")
        {
            config.repo = top.string("repo")
            config.stateDir = top.string("stateDir") ?? config.stateDir
            config.branch = top.string("branch") ?? config.branch
            config.interval = top.duration("interval", default: config.interval)
            config.listen = top.string("listen") ?? config.listen
            config.identity = top.string("identity")
            config.webhookSecretFile = top.string("webhookSecretFile")
            config.driftInterval = top.duration("driftInterval", default: config.driftInterval)
            config.drift = top.choice("drift", as: DriftMode.self) ?? config.drift
            config.server = top.stringList("server")
            config.logFormat = top.choice("logFormat", as: LogFormat.self)
            config.leaseDuration = top.duration("leaseDuration", default: config.leaseDuration)
            config.applyTimeout = top.duration("applyTimeout", default: config.applyTimeout)
            config.quarantineAfter = top.int("quarantineAfter", default: 5, in: 1...1000) ?? 5
            config.holder = top.string("holder")
            if let receivers = top.node("receivers") {
                if receivers.shape == .mapping {
                    for pair in receivers.pairs {
                        guard let name = pair.key.text,
                            let receiver = FieldReader(
                                pair.value, path: "receivers.\(name)", keys: ["url", "format"], context: context,
                                what: "receiver '\(name)'")
                        else { continue }
                        guard let url = receiver.string("url", required: true) else { continue }
                        config.receivers[name] = Receiver(
                            url: url, format: receiver.choice("format", as: ReceiverFormat.self) ?? .json)
                    }
                } else if !receivers.isNull {
                    context.error(
                        receivers.mark, "schema.type", "'receivers' must be a mapping, found \(receivers.shapeName)",
                        hint: "write one `NAME: {url: ..., format: json|slack}` per receiver")
                }
            }
        }
        if let problem = config.problem() {
            context.error(
                parsed.documents.first?.root.mark ?? Mark(line: 1, column: 1), "config.value", problem.message,
                hint: problem.hint)
        }
        if let first = context.diagnostics.first {
            throw SourceError(
                "\(first.location.file):\(first.location.line):\(first.location.column): \(first.message) [\(first.rule)]; \(first.hint)"
            )
        }
        return config
    }

    /// What is wrong with the values together, whichever way they were given (file or flags).
    package func problem() -> (message: String, hint: String)? {
        if interval.seconds < 1 { return ("interval must be at least 1s", "write e.g. 60s") }
        if driftInterval.seconds < 1 { return ("driftInterval must be at least 1s", "write e.g. 10m") }
        if applyTimeout.seconds < 10 { return ("applyTimeout must be at least 10s", "write e.g. 10m") }
        if leaseDuration.seconds < 3 { return ("leaseDuration must be at least 3s", "write e.g. 60s") }
        if !listen.isEmpty, Self.hostAndPort(listen) == nil {
            return ("listen '\(listen)' is not HOST:PORT", "write e.g. 127.0.0.1:9440, or an empty string for no HTTP")
        }
        return nil
    }

    /// `127.0.0.1:9440`, `[::1]:9440`, `localhost:9440`.
    package static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}
