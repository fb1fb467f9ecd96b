/// What the decoders ask of a YAML node, whichever way the document was stored: `YAMLNode` (a tree of values,
/// for status files and tests) or `YAMLValue` (a place in a `YAMLTree`, for manifests).
package protocol YAMLView {
    associatedtype Pairs: RandomAccessCollection<YAMLPair<Self>>
    associatedtype Items: RandomAccessCollection<Self>

    var mark: Mark { get }
    var shape: YAMLShape { get }
    /// A scalar's text as written (escapes resolved); nil for a mapping or a list.
    var text: String? { get }
    var style: YAMLNode.Style { get }
    /// Whether this is a scalar whose text equals `string`, as `text == string` would say, without making the text.
    func isText(_ string: String) -> Bool
    /// `~`, `null`, `Null`, `NULL` or nothing at all, written without quotes (or tagged `!!null`).
    var isNull: Bool { get }
    /// A mapping's pairs in the order written (merge keys resolved); empty for anything else.
    var pairs: Pairs { get }
    /// A list's items; empty for anything else.
    var items: Items { get }
}

package enum YAMLShape: UInt8, Sendable {
    case scalar, mapping, sequence

    /// A short name for the shape, used in "expected X, found Y" messages.
    func name(isNull: Bool) -> String {
        switch self {
        case .scalar: return isNull ? "null" : "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

package struct YAMLPair<Node> {
    package var key: Node
    package var value: Node
}

extension YAMLView {
    /// A short name for the node's shape, used in "expected X, found Y" messages.
    package var shapeName: String { shape.name(isNull: isNull) }
}

extension YAMLNode: YAMLView {
    package var shape: YAMLShape {
        switch content {
        case .scalar: .scalar
        case .mapping: .mapping
        case .sequence: .sequence
        }
    }

    package var text: String? { scalar?.text }

    package var style: Style { scalar?.style ?? .plain }

    package func isText(_ string: String) -> Bool { scalar?.text == string }

    package var pairs: [YAMLPair<YAMLNode>] {
        guard case .mapping(let pairs) = content else { return [] }
        return pairs.map { YAMLPair(key: $0.key, value: $0.value) }
    }

    package var items: [YAMLNode] {
        guard case .sequence(let items) = content else { return [] }
        return items
    }
}
