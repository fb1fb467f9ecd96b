/// Baton's own lean YAML tree: what libyaml's events describe, with a position on every node.
/// Scalars keep the text the user wrote; the decoder, which knows each field's type, interprets it,
/// so YAML 1.1 surprises (`0755`, `yes`, `2024-01-01`) never reach a string field altered.
public struct YAMLNode: Sendable, Equatable {
    public enum Style: UInt8, Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public struct Scalar: Sendable, Equatable {
        public var text: String
        public var style: Style
        public var tag: String?

        /// `~`, `null`, `Null`, `NULL` or nothing at all, written without quotes.
        public var isNull: Bool {
            guard style == .plain, tag == nil else { return tag == "tag:yaml.org,2002:null" }
            switch text {
            case "", "~", "null", "Null", "NULL": return true
            default: return false
            }
        }
    }

    public struct Pair: Sendable, Equatable {
        public var key: YAMLNode
        public var value: YAMLNode
    }

    public enum Content: Sendable, Equatable {
        case scalar(Scalar)
        case mapping([Pair])
        case sequence([YAMLNode])
    }

    public var mark: Mark
    public var content: Content

    public init(mark: Mark, content: Content) {
        self.mark = mark
        self.content = content
    }

    public var scalar: Scalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    public var isNull: Bool { scalar?.isNull ?? false }

    /// A short name for the node's shape, used in "expected X, found Y" messages.
    public var shapeName: String {
        switch content {
        case .scalar(let s): return s.isNull ? "null" : "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

/// One `---` document of a file.
public struct YAMLDocument: Sendable, Equatable {
    public var mark: Mark
    public var root: YAMLNode
}

/// A problem the reader found, before any schema is applied.
public struct YAMLProblem: Sendable, Equatable {
    public var mark: Mark
    public var rule: String
    public var message: String
    public var hint: String
}
