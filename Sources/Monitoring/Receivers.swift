import Manifests

/// Named alert receivers from the daemon's configuration: their URLs often hold secrets, so they never live
/// in git. A manifest names one with `receiver:`.
///
///     receivers:
///       ops:
///         url: https://hooks.slack.com/services/T000/B000/XXXX
///         format: slack
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

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the YAML above; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> Receivers {
        let read = YAMLReader.read(Array(text.utf8))
        if let problem = read.problems.first {
            throw LoadError(description: "\(file):\(problem.mark.line): \(problem.message)")
        }
        var out: [String: Receiver] = [:]
        guard let root = read.documents.first?.root, case .mapping(let top) = root.content else { return Receivers() }
        for pair in top where pair.key.scalar?.text == "receivers" {
            guard case .mapping(let entries) = pair.value.content else {
                throw LoadError(description: "\(file):\(pair.value.mark.line): receivers must be a mapping of names")
            }
            for entry in entries {
                guard let name = entry.key.scalar?.text, case .mapping(let fields) = entry.value.content else {
                    throw LoadError(
                        description: "\(file):\(entry.key.mark.line): a receiver is `NAME: {url: ..., format: ...}`")
                }
                var url: String?
                var format = MonitoredSiteSpec.AlertFormat.json
                for field in fields {
                    switch field.key.scalar?.text {
                    case "url": url = field.value.scalar?.text
                    case "format":
                        guard let f = field.value.scalar.flatMap({ MonitoredSiteSpec.AlertFormat(rawValue: $0.text) })
                        else {
                            throw LoadError(description: "\(file):\(field.value.mark.line): format is json or slack")
                        }
                        format = f
                    default:
                        throw LoadError(
                            description: "\(file):\(field.key.mark.line): unknown key in receiver \(name) (url, format)"
                        )
                    }
                }
                guard let url else {
                    throw LoadError(description: "\(file):\(entry.key.mark.line): receiver \(name) has no url")
                }
                out[name] = Receiver(url: url, format: format)
            }
        }
        return Receivers(out)
    }
}
