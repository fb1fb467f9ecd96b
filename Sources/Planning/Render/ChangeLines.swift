/// The lines that describe one change under its header, shared by the text and Markdown forms.
enum ChangeLines {
    static func header(_ change: Change) -> String {
        var line = "\(change.action.symbol) \(change.id.kind.rawValue) \(change.id.name)"
        if let from = change.from {
            var was: [String] = []
            if from.name != change.id.name { was.append("name \(from.name)") }
            if from.account != change.account { was.append("account \(from.account)") }
            let newUser = change.fields.first { $0.field == "user" }?.new?.text
            if let owner = from.owner, let newUser, owner != newUser { was.append("user \(owner)") }
            if !was.isEmpty { line += " (from \(was.joined(separator: ", ")))" }
        }
        if let state = change.lastState { line += " [last apply: \(state)]" }
        return line
    }

    /// Field lines: `name: old -> new`, lists as added and removed items, secrets as `(sensitive)`.
    static func fields(_ change: Change) -> [String] {
        if change.previousUnknown && change.action != .create {
            return ["(field changes unknown: the revision last applied is not in this repository)"]
        }
        if change.action == .delete { return [] }
        var lines: [String] = []
        for field in change.fields {
            let forced = field.forcesReplacement ? " (forces replacement)" : ""
            switch (field.old, field.new) {
            case (.list(let old)?, .list(let new)?):
                let (removed, added) = listDiff(old, new)
                lines.append("\(field.field):\(forced)")
                lines += removed.map { "  - \(item($0, change, field.field))" }
                lines += added.map { "  + \(item($0, change, field.field))" }
            case (nil, .list(let new)?):
                if new.isEmpty { continue }
                lines.append("\(field.field):")
                lines += new.map { "  + \(item($0, change, field.field))" }
            case (.list(let old)?, nil):
                lines.append("\(field.field):")
                lines += old.map { "  - \(item($0, change, field.field))" }
            case (nil, let new?):
                lines.append("\(field.field): \(show(new))")
            default:
                lines.append(
                    "\(field.field): \(field.old.map(show) ?? "(none)") -> \(field.new.map(show) ?? "(none)")\(forced)")
            }
        }
        return lines
    }

    /// An item of a list, quoted. A Domain's SOA is shown as the zone file serves it: the applied form writes
    /// `ORIGIN. SOA MNAME RNAME REFRESH RETRY EXPIRE MINIMUM $TTL DEFAULT` (the inventory's hashes are of that
    /// form, so it stays), the plan `ORIGIN. DEFAULT IN SOA MNAME RNAME (serial) REFRESH ...`, with the serial each
    /// apply writes left as a word. The other records are shown as applied: owners absolute, targets as written.
    static func item(_ text: String, _ change: Change, _ field: String) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard change.id.kind == .domain, field == "records", words.count == 10, words[1] == "SOA", words[8] == "$TTL"
        else { return quote(text) }
        return quote(
            "\(words[0]) \(words[9]) IN SOA \(words[2]) \(words[3]) (serial) \(words[4...7].joined(separator: " "))")
    }

    static func show(_ value: FieldValue) -> String {
        switch value {
        case .scalar(let s): plain(s) ? s : quote(s)
        case .list(let items): "[" + items.map(quote).joined(separator: ", ") + "]"
        case .sensitive: "(sensitive)"
        }
    }

    /// Booleans and whole numbers read as YAML writes them (`active: true`, `processes: 12`); the applied form
    /// holds every value as text, so the plan would otherwise quote what the manifest did not.
    static func plain(_ s: String) -> Bool {
        if s == "true" || s == "false" { return true }
        let digits = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
        return !digits.isEmpty && digits.count < 19 && digits.allSatisfy { $0.isASCII && $0.isNumber }
            && (digits == "0" || digits.first != "0")
    }

    /// Quoted, with control characters escaped: a value never breaks a line of the plan.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\x" + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Items removed and added, as multisets, each in its original order.
    static func listDiff(_ old: [String], _ new: [String]) -> (removed: [String], added: [String]) {
        var counts: [String: Int] = [:]
        for item in new { counts[item, default: 0] += 1 }
        var removed: [String] = []
        for item in old {
            if let n = counts[item], n > 0 { counts[item] = n - 1 } else { removed.append(item) }
        }
        var remaining: [String: Int] = [:]
        for item in old { remaining[item, default: 0] += 1 }
        var added: [String] = []
        for item in new {
            if let n = remaining[item], n > 0 { remaining[item] = n - 1 } else { added.append(item) }
        }
        return (removed, added)
    }
}

extension FieldValue {
    var text: String? {
        if case .scalar(let s) = self { return s }
        return nil
    }
}
