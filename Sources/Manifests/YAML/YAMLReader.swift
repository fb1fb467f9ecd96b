import CYAML

/// Reads YAML text with libyaml's event API into `YAMLNode` trees.
///
/// The only Swift in Baton that touches libyaml's pointers. Anchors, aliases and merge keys are
/// resolved here; duplicate keys, undefined aliases, alias bombs and runaway nesting become
/// problems with a position instead of crashes.
package enum YAMLReader {
    package struct Limits: Sendable {
        /// Deeper nesting is refused: the tree and its users recurse, and a manifest never needs it.
        package var maxDepth = 200
        /// Nodes that aliases may add to one document ("billion laughs"): what aliases expand to, not the nodes
        /// written out, so a large document without aliases (a Domain of 200,000 records) is never refused.
        package var maxExpandedNodes = 1_000_000

        package init() {}
    }

    package struct Result: Sendable {
        package var documents: [YAMLDocument]
        package var problems: [YAMLProblem]
    }

    package static func read(_ bytes: [UInt8], limits: Limits = Limits()) -> Result {
        if let problem = invisibleLineBreak(bytes) { return Result(documents: [], problems: [problem]) }
        var builder = TreeBuilder(limits: limits)
        if let problem = parse(bytes, { builder.accept($0) }) { builder.fail(problem) }
        return Result(documents: builder.documents, problems: builder.problems)
    }

    /// Reads `bytes` into a `YAMLTree`, under the same limits and with the same problems as `read`, and runs
    /// `body` with it: the tree's values are valid only while `body` runs.
    package static func withTree<R>(_ bytes: [UInt8], limits: Limits = Limits(), _ body: (YAMLTree) throws -> R)
        rethrows -> R
    {
        let storage: YAMLTree.Storage
        if let problem = invisibleLineBreak(bytes) {
            var refused = YAMLTree.Storage(capacity: 0)
            refused.problems = [problem]
            storage = refused
        } else {
            var builder = YAMLTreeBuilder(limits: limits, capacity: bytes.count)
            if let problem = parse(bytes, { builder.accept($0) }) { builder.storage.problems.append(problem) }
            storage = builder.storage
        }
        let tree = YAMLTree(storage)
        return try withExtendedLifetime(tree) { try body(tree) }
    }

    /// Runs libyaml over `bytes` and gives `accept` each event until it returns false or the stream ends;
    /// returns the problem that stopped the parser, if one did.
    private static func parse(_ bytes: [UInt8], _ accept: (yaml_event_t) -> Bool) -> YAMLProblem? {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else {
            return YAMLProblem(
                mark: .start, rule: "yaml.syntax", message: "the YAML parser could not start (out of memory)",
                hint: "retry with more memory")
        }
        defer { yaml_parser_delete(parser) }
        return bytes.withUnsafeBufferPointer { buffer -> YAMLProblem? in
            // libyaml keeps a pointer to the input; `buffer` lives for the whole loop.
            yaml_parser_set_input_string(parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1), buffer.count)
            while true {
                guard yaml_parser_parse(parser, event) == 1 else { return syntaxProblem(parser.pointee, bytes: buffer) }
                defer { yaml_event_delete(event) }
                if !accept(event.pointee) { return nil }
            }
        }
    }

    /// YAML 1.1 breaks lines at U+0085, U+2028 and U+2029 and at a lone CR, which editors and reviewers do not
    /// show as line breaks: a "comment" could hide YAML, and every later position would be off.
    static func invisibleLineBreak(_ bytes: [UInt8]) -> YAMLProblem? {
        // Printable ASCII, tabs and line feeds, almost every byte of a manifest, need no closer look.
        guard let first = bytes.firstIndex(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A) || $0 >= 0x80 }) else {
            return nil
        }
        var i = first
        while i < bytes.count {
            let b = bytes[i]
            let next = i + 1 < bytes.count ? bytes[i + 1] : 0
            var name: String?
            if b == 0xC2, next == 0x85 {
                name = "U+0085 (next line)"
            } else if b == 0xE2, next == 0x80, i + 2 < bytes.count, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                name = bytes[i + 2] == 0xA8 ? "U+2028 (line separator)" : "U+2029 (paragraph separator)"
            } else if b == 0x0D, next != 0x0A {
                name = "a carriage return without a line feed"
            }
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D {
                // A binary file: libyaml names its first control character, which says more.
                return nil
            }
            if let name {
                let mark = bytes.withUnsafeBufferPointer { markOf(offset: i, in: $0) }
                return YAMLProblem(
                    mark: mark, rule: "yaml.syntax",
                    message: "the file holds \(name), which YAML reads as a line break",
                    hint: "remove it or use plain line feeds; editors do not show it as a new line")
            }
            i += 1
        }
        return nil
    }

    private static func syntaxProblem(_ p: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>) -> YAMLProblem {
        let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        var message = problem
        if let context = p.context.map({ String(cString: $0) }) {
            message = "\(problem) \(context) at line \(p.context_mark.line + 1), column \(p.context_mark.column + 1)"
        }
        var mark = Mark(line: Int(p.problem_mark.line) + 1, column: Int(p.problem_mark.column) + 1)
        var hint = "fix the YAML syntax at this position; check indentation, quoting and the `key: value` form"
        if p.error == YAML_READER_ERROR {
            // Encoding errors carry a byte offset, not a mark.
            mark = markOf(offset: p.problem_offset, in: bytes)
            // libyaml's value is -1 for some sequences (an overlong one): the bytes are read from the file.
            let found = UTF8Check.Invalid(
                offset: p.problem_offset, mark: mark, bytes: UTF8Check.sequence(at: p.problem_offset, in: bytes))
            message = found.bytes.isEmpty ? problem : "\(problem) (\(found.description))"
            hint = "manifests must be UTF-8 text without control characters; is this a binary file?"
        } else if p.error == YAML_MEMORY_ERROR {
            hint = "the file is too large to parse"
        }
        return YAMLProblem(mark: mark, rule: "yaml.syntax", message: message, hint: hint)
    }

    private static func markOf(offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Mark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(min(offset, bytes.count)) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }
}

/// Builds trees from events with an explicit stack, so deep input cannot overflow the call stack.
private struct TreeBuilder {
    private enum Frame {
        case mapping(
            mark: Mark, anchor: String?, pairs: [YAMLNode.Pair], pendingKey: YAMLNode?, weight: Int, keys: Set<String>?,
            height: Int)
        case sequence(mark: Mark, anchor: String?, items: [YAMLNode], weight: Int, height: Int)
    }

    let limits: YAMLReader.Limits
    private(set) var documents: [YAMLDocument] = []
    private(set) var problems: [YAMLProblem] = []
    private var stack: [Frame] = []
    private var document = YAMLDocumentState<YAMLNode>()

    init(limits: YAMLReader.Limits) {
        self.limits = limits
    }

    mutating func fail(_ problem: YAMLProblem) {
        problems.append(problem)
    }

    /// Returns false when reading must stop.
    mutating func accept(_ event: yaml_event_t) -> Bool {
        let mark = YAMLEvents.mark(event)
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return false
        case YAML_DOCUMENT_START_EVENT:
            document.start(at: mark)
        case YAML_DOCUMENT_END_EVENT:
            if let root = document.root, !document.broken {
                documents.append(YAMLDocument(mark: document.mark, root: root))
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let scalar = YAMLNode.Scalar(text: text, style: YAMLEvents.style(s.style), tag: YAMLEvents.string(s.tag))
            return complete(
                YAMLNode(mark: mark, content: .scalar(scalar)), weight: 1, height: 1,
                anchor: YAMLEvents.string(s.anchor))
        case YAML_ALIAS_EVENT:
            let name = YAMLEvents.string(event.data.alias.anchor) ?? ""
            guard let target = document.anchors[name] else {
                problems.append(.undefinedAlias(name, at: mark))
                let null = YAMLNode(mark: mark, content: .scalar(.init(text: "", style: .plain, tag: nil)))
                return complete(null, weight: 1, height: 1, anchor: nil)
            }
            // The alias reports the position where it is used, not where the anchor was defined.
            var node = target.node
            node.mark = mark
            // Nesting counts through aliases too: freeing a tree deeper than the limit would exhaust the stack.
            guard stack.count + target.height <= limits.maxDepth else { return checkDepth(mark, depth: Int.max) }
            return complete(node, weight: target.weight, height: target.height, anchor: nil, expanded: target.weight)
        case YAML_MAPPING_START_EVENT:
            let anchor = YAMLEvents.string(event.data.mapping_start.anchor)
            // Room for a record's few keys from the start: growing from empty allocated three times for four keys.
            var pairs: [YAMLNode.Pair] = []
            pairs.reserveCapacity(4)
            stack.append(
                .mapping(mark: mark, anchor: anchor, pairs: pairs, pendingKey: nil, weight: 1, keys: nil, height: 1))
            return checkDepth(mark)
        case YAML_SEQUENCE_START_EVENT:
            let anchor = YAMLEvents.string(event.data.sequence_start.anchor)
            var items: [YAMLNode] = []
            items.reserveCapacity(4)
            stack.append(.sequence(mark: mark, anchor: anchor, items: items, weight: 1, height: 1))
            return checkDepth(mark)
        case YAML_MAPPING_END_EVENT:
            guard case .mapping(let start, let anchor, let pairs, _, let weight, _, let height) = stack.popLast() else {
                return false
            }
            let merged = resolveMerges(pairs)
            return complete(
                YAMLNode(mark: start, content: .mapping(merged)), weight: weight, height: height, anchor: anchor)
        case YAML_SEQUENCE_END_EVENT:
            guard case .sequence(let start, let anchor, let items, let weight, let height) = stack.popLast() else {
                return false
            }
            return complete(
                YAMLNode(mark: start, content: .sequence(items)), weight: weight, height: height, anchor: anchor)
        default:
            break
        }
        return true
    }

    private mutating func checkDepth(_ mark: Mark, depth: Int? = nil) -> Bool {
        guard (depth ?? stack.count) > limits.maxDepth else { return true }
        problems.append(.tooDeep(at: mark, limits: limits))
        return false
    }

    /// `weight` is the node's size with aliases expanded (what an alias of it adds); `expanded` is what an alias
    /// adds to the document here (0 for a node written out).
    private mutating func complete(
        _ node: YAMLNode, weight: Int, height: Int, anchor: String?, expanded: Int = 0
    ) -> Bool {
        if let anchor { document.anchors[anchor] = (node, weight, height) }
        document.aliasExpansion += expanded
        if document.aliasExpansion > limits.maxExpandedNodes {
            problems.append(.aliasBomb(at: node.mark, limits: limits))
            return false
        }
        guard let top = stack.popLast() else {
            document.root = node
            return true
        }
        // Each case rebinds the frame's array and pushes a new frame, so the array stays uniquely
        // referenced and appends do not copy it (a copy per item would make long lists quadratic).
        switch consume top {
        case .mapping(let mark, let anchorName, var pairs, let pendingKey, let total, var keys, let frameHeight):
            let newHeight = max(frameHeight, height + 1)
            if let key = pendingKey {
                if let duplicate = duplicateOf(key, in: pairs, keys: &keys) {
                    problems.append(.duplicateKey(key.scalar?.text, at: key.mark, first: duplicate))
                } else {
                    pairs.append(YAMLNode.Pair(key: key, value: node))
                }
                stack.append(
                    .mapping(
                        mark: mark, anchor: anchorName, pairs: pairs, pendingKey: nil, weight: total + weight,
                        keys: keys, height: newHeight))
            } else {
                if node.scalar == nil {
                    problems.append(.complexKey(at: node.mark))
                    document.broken = true
                }
                stack.append(
                    .mapping(
                        mark: mark, anchor: anchorName, pairs: pairs, pendingKey: node, weight: total + weight,
                        keys: keys, height: newHeight))
            }
        case .sequence(let mark, let anchorName, var items, let total, let frameHeight):
            items.append(node)
            stack.append(
                .sequence(
                    mark: mark, anchor: anchorName, items: items, weight: total + weight,
                    height: max(frameHeight, height + 1)))
        }
        return true
    }

    /// Linear for the small mappings manifests are made of; a key index once a mapping grows large.
    private func duplicateOf(_ key: YAMLNode, in pairs: [YAMLNode.Pair], keys: inout Set<String>?) -> Mark? {
        guard let text = key.scalar?.text else { return nil }
        if keys == nil, pairs.count >= 16 {
            keys = Set(pairs.compactMap { $0.key.scalar?.text })
        }
        if var index = keys {
            keys = nil
            defer { keys = index }
            guard !index.insert(text).inserted else { return nil }
            return pairs.first { $0.key.scalar?.text == text }?.key.mark
        }
        return pairs.first { $0.key.scalar?.text == text }?.key.mark
    }

    /// `<<: *base` and `<<: [*a, *b]`: keys written in the mapping win, then earlier merged maps.
    private mutating func resolveMerges(_ pairs: [YAMLNode.Pair]) -> [YAMLNode.Pair] {
        guard pairs.contains(where: Self.isMergeKey) else { return pairs }
        var explicit = pairs.filter { !Self.isMergeKey($0) }
        var sources: [YAMLNode] = []
        for pair in pairs where Self.isMergeKey(pair) {
            switch pair.value.content {
            case .mapping: sources.append(pair.value)
            case .sequence(let items) where items.allSatisfy({ if case .mapping = $0.content { true } else { false } }):
                sources.append(contentsOf: items)
            default:
                problems.append(.mergeKey(at: pair.value.mark, found: pair.value.shapeName))
            }
        }
        var seen = Set(explicit.compactMap { $0.key.scalar?.text })
        for source in sources {
            guard case .mapping(let merged) = source.content else { continue }
            for pair in merged {
                guard let text = pair.key.scalar?.text, !seen.contains(text) else { continue }
                seen.insert(text)
                explicit.append(pair)
            }
        }
        return explicit
    }

    private static func isMergeKey(_ pair: YAMLNode.Pair) -> Bool {
        guard let key = pair.key.scalar else { return false }
        return key.text == "<<" && key.style == .plain
    }
}

/// What both builders keep about the document they are reading; `Node` is how each refers to a node.
struct YAMLDocumentState<Node> {
    var mark = Mark.start
    var root: Node?
    /// An anchored node with its size and height once aliases are expanded: an alias adds both where it is used.
    var anchors: [String: (node: Node, weight: Int, height: Int)] = [:]
    /// Nodes added by aliases so far in this document.
    var aliasExpansion = 0
    var broken = false

    mutating func start(at mark: Mark) {
        self = YAMLDocumentState(mark: mark, anchors: anchors)
        anchors.removeAll(keepingCapacity: true)
    }
}

/// What both builders (`TreeBuilder` for `YAMLNode`, `YAMLTreeBuilder` for `YAMLTree`) read from an event.
enum YAMLEvents {
    static func mark(_ event: yaml_event_t) -> Mark {
        Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    }

    /// An anchor's or tag's name.
    static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func style(_ style: yaml_scalar_style_t) -> YAMLNode.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}

/// The problems both builders report, worded once.
extension YAMLProblem {
    static func tooDeep(at mark: Mark, limits: YAMLReader.Limits) -> YAMLProblem {
        YAMLProblem(
            mark: mark, rule: "yaml.too-deep", message: "the document nests more than \(limits.maxDepth) levels deep",
            hint: "manifests need only a few levels; is this file generated by mistake?")
    }

    static func aliasBomb(at mark: Mark, limits: YAMLReader.Limits) -> YAMLProblem {
        YAMLProblem(
            mark: mark, rule: "yaml.alias",
            message: "the document expands to more than \(limits.maxExpandedNodes) nodes through aliases",
            hint: "aliases that repeat aliases grow exponentially; write the values out instead")
    }

    static func undefinedAlias(_ name: String, at mark: Mark) -> YAMLProblem {
        YAMLProblem(
            mark: mark, rule: "yaml.alias", message: "alias *\(name) refers to no anchor",
            hint: "define `&\(name)` earlier in the same document, or fix the alias name")
    }

    static func duplicateKey(_ text: String?, at mark: Mark, first: Mark) -> YAMLProblem {
        YAMLProblem(
            mark: mark, rule: "yaml.duplicate-key",
            message: "duplicate key '\(text ?? "?")' (first defined at line \(first.line))",
            hint: "remove one of the two entries; YAML keeps only one of them")
    }

    static func complexKey(at mark: Mark) -> YAMLProblem {
        YAMLProblem(
            mark: mark, rule: "yaml.complex-key", message: "a mapping key must be a plain value",
            hint: "write keys as plain words, e.g. `name:`")
    }

    static func mergeKey(at mark: Mark, found shape: String) -> YAMLProblem {
        YAMLProblem(
            mark: mark, rule: "yaml.merge-key",
            message: "a merge key `<<` takes a mapping or a list of mappings, found \(shape)",
            hint: "write `<<: *anchor` where `&anchor` names a mapping")
    }
}
