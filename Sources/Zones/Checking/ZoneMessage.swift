/// One message about a zone file, from either checker, in terms both share.
public struct ZoneMessage: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    /// The zone file (or included file) and line, when the message has them; zone-level checks have none.
    public var file: String?
    public var line: Int?
    /// The owner name (absolute, no trailing dot) and type the message is about, when known:
    /// used to find the record of a message that has no line.
    public var owner: String?
    public var type: String?
    /// The name a record points at (an NS, MX or SRV target), for zone-level messages that name only that.
    public var target: String?
    /// The checker's own words (BIND's, for named-checkzone).
    public var text: String

    /// The text without BIND's own `warning: ` in front, for output that names the severity itself (BIND
    /// writes `warning: X: bad name (check-names)`; `file:line: warning: warning: ...` would say it twice).
    public var plainText: Substring {
        let prefix = "warning: "
        return text.hasPrefix(prefix) ? text.dropFirst(prefix.count) : Substring(text)
    }

    public init(
        _ severity: Severity, file: String? = nil, line: Int? = nil, owner: String? = nil, type: String? = nil,
        target: String? = nil, text: String
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.owner = owner
        self.type = type
        self.target = target
        self.text = text
    }
}

/// What checking one zone found: whether it would load, and every message.
public struct ZoneCheckReport: Sendable, Hashable, Codable {
    public var loaded: Bool
    public var messages: [ZoneMessage]

    public init(loaded: Bool, messages: [ZoneMessage]) {
        self.loaded = loaded
        self.messages = messages
    }
}
