/// Reads the keys of one YAML mapping by the schema's rules: unknown keys, wrong types and missing
/// required fields become diagnostics, and every value read records its position under its path.
/// Generic over the document's storage: manifests are read from a `YAMLTree`, configuration files from `YAMLNode`s.
struct FieldReader<Node: YAMLView> {
    let context: DecodeContext
    let path: String
    let mark: Mark
    /// The mapping's own pairs (no copy); only keys of the schema are ever asked for, so the unknown ones, reported
    /// here, are never found. Mappings are small: a scan beats hashing every key.
    private var pairs: Node.Pairs?
    private let keys: [String]

    /// Nil (after a diagnostic) when `node` is not a mapping; a null node reads as an empty mapping.
    init?(
        _ node: Node, path: String, keys: [String], context: DecodeContext, what: @autoclosure () -> String,
        refused: [String: FieldReaderRefusal] = [:], recordPositions: Bool = true
    ) {
        self.context = context
        self.path = path
        self.mark = node.mark
        self.keys = keys
        switch node.shape {
        case .mapping:
            let pairs = node.pairs
            self.pairs = pairs
            for pair in pairs {
                // One string per key (a key fits in a string's own bytes), compared with each of the schema's.
                let key = pair.key.text ?? ""
                if keys.contains(key) {
                    if recordPositions { context.fields.record(path, key, pair.value.mark) }
                } else if let refusal = refused[key] {
                    context.error(pair.key.mark, refusal.rule, refusal.message, hint: refusal.hint)
                } else {
                    let suggestion = Suggestion.phrase(for: key, in: keys)
                    context.error(
                        pair.key.mark, "schema.unknown-key", "unknown key '\(key)' in \(what())\(suggestion)",
                        hint: "allowed keys here: \(keys.joined(separator: ", "))")
                }
            }
        case .scalar where node.isNull:
            break
        default:
            context.error(
                node.mark, "schema.type", "\(what()) must be a mapping, found \(node.shapeName)",
                hint: "write `key: value` lines indented under the parent key")
            return nil
        }
    }

    func location(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value of `key`, or nil when it is absent or null (a required one reports it).
    func node(_ key: String, required: Bool = false) -> Node? {
        assert(keys.contains(key), "'\(key)' is not a key of the schema here")
        let value = pairs?.first { $0.key.isText(key) }?.value
        if let value, !value.isNull { return value }
        if required {
            context.error(
                value?.mark ?? mark, "schema.required", "missing required field '\(location(of: key))'",
                hint: "add `\(key):` with a value")
        }
        return nil
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key, required: required) else { return nil }
        return Self.text(node, field: location(of: key), context: context)
    }

    /// Any scalar is a string: the text the user wrote, never re-interpreted by YAML 1.1 rules.
    /// `field` is built only for a diagnostic: most values are fine, and the path costs a string each.
    static func text(_ node: Node, field: @autoclosure () -> String, context: DecodeContext) -> String? {
        guard let text = node.text else {
            context.error(
                node.mark, "schema.type", "'\(field())' must be a string, found \(node.shapeName)",
                hint: "write a single value; quote it if it contains `:` or starts with a special character")
            return nil
        }
        return text
    }

    func bool(_ key: String, default value: Bool) -> Bool {
        guard let node = node(key) else { return value }
        if let text = node.text, node.style == .plain {
            switch text {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
            default: break
            }
        }
        context.error(
            node.mark, "schema.type",
            "'\(location(of: key))' must be a boolean, found \(Self.describe(node))",
            hint: "write true or false, without quotes")
        return value
    }

    func int(_ key: String, default value: Int? = nil, in range: ClosedRange<Int>) -> Int? {
        guard let node = node(key) else { return value }
        return Self.integer(node, field: location(of: key), range: range, context: context) ?? value
    }

    static func integer(
        _ node: Node, field: @autoclosure () -> String, range: ClosedRange<Int>, context: DecodeContext
    ) -> Int? {
        guard let text = node.text, node.style == .plain, let n = Int(text), !(text.count > 1 && text.hasPrefix("0"))
        else {
            context.error(
                node.mark, "schema.type", "'\(field())' must be a whole number, found \(describe(node))",
                hint:
                    "write a decimal number without quotes or a leading zero, between \(range.lowerBound) and \(range.upperBound)"
            )
            return nil
        }
        guard range.contains(n) else {
            context.error(
                node.mark, "schema.range", "'\(field())' is \(n), outside \(range.lowerBound)...\(range.upperBound)",
                hint: "use a value between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return n
    }

    func duration(_ key: String, default value: Duration) -> Duration {
        optionalDuration(key) ?? value
    }

    func optionalDuration(_ key: String) -> Duration? {
        guard let node = node(key) else { return nil }
        guard let text = node.text, let duration = Duration(parsing: text) else {
            context.error(
                node.mark, "schema.duration", "'\(location(of: key))' is not a duration: \(Self.describe(node))",
                hint: "write a whole number and a unit: 90s, 15m, 3h, 2d or 4w")
            return nil
        }
        return duration
    }

    /// A string from a fixed set; nil (after a diagnostic) otherwise.
    func choice<T: RawRepresentable>(_ key: String, required: Bool = false, as: T.Type) -> T?
    where T.RawValue == String, T: CaseIterable {
        guard let node = node(key, required: required) else { return nil }
        return Self.choice(node, field: location(of: key), context: context)
    }

    static func choice<T: RawRepresentable>(_ node: Node, field: @autoclosure () -> String, context: DecodeContext)
        -> T?
    where T.RawValue == String, T: CaseIterable {
        guard let text = text(node, field: field(), context: context) else { return nil }
        if let value = T(rawValue: text) { return value }
        let allowed = T.allCases.map(\.rawValue)
        context.error(
            node.mark, "schema.enum",
            "'\(field())' is '\(text)', which is not one of \(allowed.joined(separator: ", "))"
                + Suggestion.phrase(for: text, in: allowed),
            hint: "use one of: \(allowed.joined(separator: ", "))")
        return nil
    }

    /// The items of a list (a single scalar is not promoted: lists are written as lists).
    func list(_ key: String, recordPositions: Bool = true) -> [Node] {
        guard let node = node(key) else { return [] }
        guard node.shape == .sequence else {
            context.error(
                node.mark, "schema.type", "'\(location(of: key))' must be a list, found \(node.shapeName)",
                hint: "write one `- item` per line, or `[a, b]`")
            return []
        }
        let items = Array(node.items)
        if recordPositions {
            let parent = location(of: key)
            for (index, item) in items.enumerated() { context.fields.record(parent, index: index, item.mark) }
        }
        return items
    }

    func stringList(_ key: String) -> [String] {
        list(key).enumerated().compactMap { index, item in
            Self.text(item, field: "\(location(of: key))[\(index)]", context: context)
        }
    }

    /// A mapping of plain strings, in the order written.
    func stringPairs(_ key: String) -> [(key: String, value: String, mark: Mark)] {
        guard let node = node(key) else { return [] }
        guard node.shape == .mapping else {
            context.error(
                node.mark, "schema.type", "'\(location(of: key))' must be a mapping, found \(node.shapeName)",
                hint: "write `name: value` lines indented under `\(key):`")
            return []
        }
        let parent = location(of: key)
        return node.pairs.compactMap { pair in
            guard let k = pair.key.text else { return nil }
            context.fields.record(parent, k, pair.key.mark)
            guard let v = Self.text(pair.value, field: "\(location(of: key)).\(k)", context: context) else {
                return nil
            }
            return (k, v, pair.key.mark)
        }
    }

    func object(_ key: String, keys: [String]) -> FieldReader? {
        guard let node = node(key) else { return nil }
        return FieldReader(node, path: location(of: key), keys: keys, context: context, what: "'\(location(of: key))'")
    }

    static func describe(_ node: Node) -> String {
        guard let text = node.text else { return node.shapeName }
        let quoted = node.style == .plain ? "" : " (quoted)"
        return "'\(text.prefix(60))'\(quoted)"
    }
}

/// Keys that must be refused with their own rule rather than reported as unknown.
struct FieldReaderRefusal {
    var rule: String
    var message: String
    var hint: String
}
