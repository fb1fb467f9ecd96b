/// Baton's own lean YAML tree: what libyaml's events describe, with a position on every node.
/// Scalars keep the text the user wrote; the decoder, which knows each field's type, interprets it,
/// so YAML 1.1 surprises (`0755`, `yes`, `2024-01-01`) never reach a string field altered.
package struct YAMLNode: Sendable, Equatable {
    package enum Style: UInt8, Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    package struct Scalar: Sendable, Equatable {
        package var text: String
        package var style: Style
        package var tag: String?

        /// `~`, `null`, `Null`, `NULL` or nothing at all, written without quotes.
        package var isNull: Bool {
            guard style == .plain, tag == nil else { return tag == "tag:yaml.org,2002:null" }
            switch text {
            case "", "~", "null", "Null", "NULL": return true
            default: return false
            }
        }
    }

    package struct Pair: Sendable, Equatable {
        package var key: YAMLNode
        package var value: YAMLNode
    }

    package enum Content: Sendable, Equatable {
        case scalar(Scalar)
        case mapping([Pair])
        case sequence([YAMLNode])
    }

    package var mark: Mark
    package var content: Content

    package init(mark: Mark, content: Content) {
        self.mark = mark
        self.content = content
    }

    package var scalar: Scalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    package var isNull: Bool { scalar?.isNull ?? false }
}

/// One `---` document of a file.
package struct YAMLDocument: Sendable, Equatable {
    package var mark: Mark
    package var root: YAMLNode
}

/// A problem the reader found, before any schema is applied.
package struct YAMLProblem: Sendable, Equatable {
    package var mark: Mark
    package var rule: String
    package var message: String
    package var hint: String
}
