import Manifests

/// Named alert receivers, from the daemon's configuration (`receivers:` in its file): their URLs often hold
/// secrets, so they never live in git. A manifest names one with `receiver:`.
public struct Receivers: Sendable, Hashable {
    public struct Receiver: Sendable, Hashable {
        public var url: String
        public var format: MonitoredSiteSpec.AlertFormat

        public init(url: String, format: MonitoredSiteSpec.AlertFormat = .json) {
            self.url = url
            self.format = format
        }
    }

    public var byName: [String: Receiver]

    public init(_ byName: [String: Receiver] = [:]) {
        self.byName = byName
    }

    public init(configuration: DaemonConfiguration) {
        byName = configuration.receivers.mapValues {
            Receiver(url: $0.url, format: $0.format == .slack ? .slack : .json)
        }
    }
}
