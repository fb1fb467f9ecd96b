import Manifests

/// Named alert receivers, from the daemon's configuration (`receivers:` in its file): their URLs often hold
/// secrets, so they never live in git. A manifest names one with `receiver:`.
package struct Receivers: Sendable, Hashable {
    package struct Receiver: Sendable, Hashable {
        package var url: String
        package var format: MonitoredSiteSpec.AlertFormat

        package init(url: String, format: MonitoredSiteSpec.AlertFormat = .json) {
            self.url = url
            self.format = format
        }
    }

    package var byName: [String: Receiver]

    package init(_ byName: [String: Receiver] = [:]) {
        self.byName = byName
    }

    package init(configuration: DaemonConfiguration) {
        byName = configuration.receivers.mapValues {
            Receiver(url: $0.url, format: $0.format == .slack ? .slack : .json)
        }
    }
}
