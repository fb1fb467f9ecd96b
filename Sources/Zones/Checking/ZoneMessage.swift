/// One message about a zone file, from either checker, in terms both share.
package struct ZoneMessage: Sendable, Hashable, Codable {
    package enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    package var severity: Severity
    /// The zone file (or included file) and line, when the message has them; zone-level checks have none.
    package var file: String?
    package var line: Int?
    /// The owner name (absolute, no trailing dot) and type the message is about, when known:
    /// used to find the record of a message that has no line.
    package var owner: String?
    package var type: String?
    /// The name a record points at (an NS, MX or SRV target), for zone-level messages that name only that.
    package var target: String?
    /// The checker's own words (BIND's, for named-checkzone).
    package var text: String

    /// The text without BIND's own `warning: ` in front, for output that names the severity itself (BIND
    /// writes `warning: X: bad name (check-names)`; `file:line: warning: warning: ...` would say it twice).
    package var plainText: Substring {
        let prefix = "warning: "
        return text.hasPrefix(prefix) ? text.dropFirst(prefix.count) : Substring(text)
    }

    package init(
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
package struct ZoneCheckReport: Sendable, Hashable, Codable {
    package var loaded: Bool
    package var messages: [ZoneMessage]

    package init(loaded: Bool, messages: [ZoneMessage]) {
        self.loaded = loaded
        self.messages = messages
    }

    /// The messages by file and line, as named-checkzone reports them, whichever checker gave them; messages about
    /// the whole zone (no line) after those of their file, in the checker's order. `file` names the zone file
    /// where a message names none.
    package func messagesByLine(file: String) -> [ZoneMessage] {
        messages.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if (x.file ?? file) != (y.file ?? file) { return (x.file ?? file) < (y.file ?? file) }
            if (x.line ?? Int.max) != (y.line ?? Int.max) { return (x.line ?? Int.max) < (y.line ?? Int.max) }
            return a.offset < b.offset
        }.map(\.element)
    }
}
