/// Reads the keys of one YAML mapping by the schema's rules: unknown keys, wrong types and missing
/// required fields become diagnostics, and every value read records its position under its path.
struct FieldReader {
    let context: DecodeContext
    let path: String
    let mark: Mark
    /// The mapping's own pairs (no copy); only keys of the schema are ever asked for, so the unknown ones, reported
    /// here, are never found. Mappings are small: a scan beats hashing every key.
    private var pairs: [YAMLNode.Pair] = []
    private let keys: [String]

    /// Keys that must be refused with their own rule rather than reported as unknown.
    struct Refusal {
        var rule: String
        var message: String
        var hint: String
    }

    /// Nil (after a diagnostic) when `node` is not a mapping; a null node reads as an empty mapping.
    init?(
        _ node: YAMLNode, path: String, keys: [String], context: DecodeContext, what: @autoclosure () -> String,
        refused: [String: Refusal] = [:], recordPositions: Bool = true
    ) {
        self.context = context
        self.path = path
        self.mark = node.mark
        self.keys = keys
        switch node.content {
        case .mapping(let pairs):
            self.pairs = pairs
            for pair in pairs {
                let key = pair.key.scalar?.text ?? ""
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
        case .scalar(let s) where s.isNull:
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
    func node(_ key: String, required: Bool = false) -> YAMLNode? {
        assert(keys.contains(key), "'\(key)' is not a key of the schema here")
        let value = pairs.first { $0.key.scalar?.text == key }?.value
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
    static func text(_ node: YAMLNode, field: @autoclosure () -> String, context: DecodeContext) -> String? {
        guard let scalar = node.scalar else {
            context.error(
                node.mark, "schema.type", "'\(field())' must be a string, found \(node.shapeName)",
                hint: "write a single value; quote it if it contains `:` or starts with a special character")
            return nil
        }
        return scalar.text
    }

    func bool(_ key: String, default value: Bool) -> Bool {
        guard let node = node(key) else { return value }
        if let scalar = node.scalar, scalar.style == .plain {
            switch scalar.text {
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
        _ node: YAMLNode, field: @autoclosure () -> String, range: ClosedRange<Int>, context: DecodeContext
    ) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, let n = Int(scalar.text),
            !(scalar.text.count > 1 && scalar.text.hasPrefix("0"))
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
        guard let scalar = node.scalar, let duration = Duration(parsing: scalar.text) else {
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

    static func choice<T: RawRepresentable>(_ node: YAMLNode, field: @autoclosure () -> String, context: DecodeContext)
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
    func list(_ key: String, recordPositions: Bool = true) -> [YAMLNode] {
        guard let node = node(key) else { return [] }
        guard case .sequence(let items) = node.content else {
            context.error(
                node.mark, "schema.type", "'\(location(of: key))' must be a list, found \(node.shapeName)",
                hint: "write one `- item` per line, or `[a, b]`")
            return []
        }
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
        guard case .mapping(let pairs) = node.content else {
            context.error(
                node.mark, "schema.type", "'\(location(of: key))' must be a mapping, found \(node.shapeName)",
                hint: "write `name: value` lines indented under `\(key):`")
            return []
        }
        let parent = location(of: key)
        return pairs.compactMap { pair in
            guard let k = pair.key.scalar?.text else { return nil }
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

    static func describe(_ node: YAMLNode) -> String {
        guard let scalar = node.scalar else { return node.shapeName }
        let quoted = scalar.style == .plain ? "" : " (quoted)"
        return "'\(scalar.text.prefix(60))'\(quoted)"
    }
}
