import Manifests

/// A typed view of a status file's YAML that throws a positioned `StatusError` on the first surprise:
/// these files are Baton's own, so a surprise means corruption, not a user's typo to collect.
struct StatusNode {
    let node: YAMLNode
    let file: String

    static func parse(_ bytes: [UInt8], file: String) throws -> StatusNode {
        let result = YAMLReader.read(bytes)
        if let problem = result.problems.first {
            throw StatusError(file: file, mark: problem.mark, message: problem.message)
        }
        guard result.documents.count == 1, let document = result.documents.first else {
            throw StatusError(file: file, message: "expected one YAML document, found \(result.documents.count)")
        }
        return StatusNode(node: document.root, file: file)
    }

    func fail(_ message: String) -> StatusError { StatusError(file: file, mark: node.mark, message: message) }

    func pairs() throws -> [(String, StatusNode)] {
        guard case .mapping(let pairs) = node.content else { throw fail("expected a mapping, found \(node.shapeName)") }
        return try pairs.map { pair in
            guard let key = pair.key.scalar?.text else { throw fail("expected a scalar key") }
            return (key, StatusNode(node: pair.value, file: file))
        }
    }

    func optional(_ key: String) throws -> StatusNode? {
        guard let found = try pairs().first(where: { $0.0 == key })?.1, !found.node.isNull else { return nil }
        return found
    }

    func required(_ key: String) throws -> StatusNode {
        guard let found = try optional(key) else { throw fail("missing key '\(key)'") }
        return found
    }

    func items() throws -> [StatusNode] {
        if node.isNull { return [] }
        guard case .sequence(let items) = node.content else { throw fail("expected a list, found \(node.shapeName)") }
        return items.map { StatusNode(node: $0, file: file) }
    }

    func string() throws -> String {
        guard let scalar = node.scalar, !scalar.isNull else { throw fail("expected a scalar, found \(node.shapeName)") }
        return scalar.text
    }

    func int() throws -> Int {
        guard let value = Int(try string()) else { throw fail("expected a whole number") }
        return value
    }

    func string(_ key: String) throws -> String { try required(key).string() }
}
