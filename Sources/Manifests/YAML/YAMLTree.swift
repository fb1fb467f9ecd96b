/// One file's YAML documents in three flat arrays: a node per entry, every scalar's text in one buffer, and
/// the children of mappings and lists as runs of node numbers.
///
/// Manifests are read through it rather than through `YAMLNode` trees: a tree made a node, an array per
/// mapping or list and a `String` per scalar, and freed them all again once the document was decoded. Here a
/// file costs a few arrays, and a `String` is made only for a value the model keeps (`YAMLValue.text`).
/// `YAMLTreeBuilder` fills it from libyaml's events under the same limits as `YAMLReader.read`.
package final class YAMLTree {
    /// The finished tree's nodes, in memory of its own: reading a value through a pointer to plain pointers
    /// neither retains the tree nor an array (through a class's or a pointer's array, every read of a node did).
    let nodes: UnsafeMutablePointer<Nodes>
    private let roots: [(mark: Mark, root: Int)]
    package let problems: [YAMLProblem]

    init(_ storage: Storage) {
        func copy<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
            _ = buffer.initialize(from: array)
            return UnsafeBufferPointer(buffer)
        }
        var tags: UnsafePointer<[Int: String]>?
        if !storage.tags.isEmpty {
            let table = UnsafeMutablePointer<[Int: String]>.allocate(capacity: 1)
            table.initialize(to: storage.tags)
            tags = UnsafePointer(table)
        }
        nodes = .allocate(capacity: 1)
        nodes.initialize(
            to: Nodes(
                entries: copy(storage.entries), text: copy(storage.text), children: copy(storage.children), tags: tags))
        roots = storage.roots
        problems = storage.problems
    }

    deinit {
        let tree = nodes.pointee
        UnsafeMutableBufferPointer(mutating: tree.entries).deallocate()
        UnsafeMutableBufferPointer(mutating: tree.text).deallocate()
        UnsafeMutableBufferPointer(mutating: tree.children).deallocate()
        if let tags = tree.tags {
            UnsafeMutablePointer(mutating: tags).deinitialize(count: 1)
            UnsafeMutablePointer(mutating: tags).deallocate()
        }
        nodes.deallocate()
    }

    package struct Document {
        package var mark: Mark
        package var root: YAMLValue
    }

    package var documents: [Document] {
        roots.map { Document(mark: $0.mark, root: YAMLValue(nodes: nodes, index: $0.root)) }
    }

    struct Entry {
        var mark: Mark
        var shape: YAMLShape
        var style: YAMLNode.Style
        /// A scalar whose text is ASCII only: compared byte by byte, as `String` would compare it.
        var ascii: Bool
        /// A scalar: where its text starts in `text`; a mapping or list: where its children start in `children`.
        var start: Int
        /// A scalar: its text's length in bytes; a mapping: two numbers a pair (key, value); a list: one an item.
        var count: Int
    }

    /// What `YAMLTreeBuilder` fills, in arrays that grow.
    struct Storage {
        var entries: [Entry] = []
        var text: [UInt8] = []
        var children: [Int] = []
        /// Tags by node number: rare in manifests, so kept apart.
        var tags: [Int: String] = [:]
        var roots: [(mark: Mark, root: Int)] = []
        var problems: [YAMLProblem] = []

        init(capacity bytes: Int) {
            // About one node per 12 bytes of a manifest, and most of the bytes are scalars' text.
            entries.reserveCapacity(bytes / 12 + 8)
            text.reserveCapacity(bytes)
            children.reserveCapacity(bytes / 12 + 8)
        }

        mutating func appendScalar(
            _ mark: Mark, _ style: YAMLNode.Style, _ bytes: UnsafeBufferPointer<UInt8>, tag: String?
        ) -> Int {
            let index = entries.count
            let ascii = bytes.allSatisfy { $0 < 0x80 }
            entries.append(
                Entry(mark: mark, shape: .scalar, style: style, ascii: ascii, start: text.count, count: bytes.count))
            text.append(contentsOf: bytes)
            if let tag { tags[index] = tag }
            return index
        }

        mutating func appendCollection(_ mark: Mark, _ shape: YAMLShape, _ members: ArraySlice<Int>) -> Int {
            entries.append(
                Entry(
                    mark: mark, shape: shape, style: .plain, ascii: false, start: children.count, count: members.count))
            children.append(contentsOf: members)
            return entries.count - 1
        }

        /// What an alias adds: the anchored node again, at the alias's own position; its text or children are shared.
        mutating func appendCopy(of index: Int, at mark: Mark) -> Int {
            var entry = entries[index]
            entry.mark = mark
            entries.append(entry)
            if let tag = tags[index] { tags[entries.count - 1] = tag }
            return entries.count - 1
        }

        /// The nodes so far, for the questions the builder asks of them (duplicate keys, merges).
        func withNodes<R>(_ body: (Nodes) -> R) -> R {
            entries.withUnsafeBufferPointer { entries in
                text.withUnsafeBufferPointer { text in
                    children.withUnsafeBufferPointer { children in
                        withUnsafePointer(to: tags) { tags in
                            body(Nodes(entries: entries, text: text, children: children, tags: tags))
                        }
                    }
                }
            }
        }

        func string(_ index: Int) -> String { withNodes { $0.string(index) } }
        func isText(_ index: Int, _ string: String) -> Bool { withNodes { $0.isText(index, string) } }
        func sameText(_ a: Int, _ b: Int) -> Bool { withNodes { $0.sameText(a, b) } }
        func isNull(_ index: Int) -> Bool { withNodes { $0.isNull(index) } }
        func members(_ index: Int) -> [Int] { withNodes { Array($0.members(index)) } }
    }

    /// Nodes, their text and their children, read in place.
    struct Nodes {
        let entries: UnsafeBufferPointer<Entry>
        let text: UnsafeBufferPointer<UInt8>
        let children: UnsafeBufferPointer<Int>
        /// Tags by node number; nil when the file has none, as almost every manifest has.
        let tags: UnsafePointer<[Int: String]>?

        func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            let entry = entries[index]
            return UnsafeBufferPointer(rebasing: text[entry.start..<(entry.start + entry.count)])
        }

        func string(_ index: Int) -> String { String(decoding: bytes(index), as: UTF8.self) }

        func tag(_ index: Int) -> String? { tags?.pointee[index] }

        /// A mapping's keys and values, one after the other, or a list's items; nothing for a scalar.
        func members(_ index: Int) -> UnsafeBufferPointer<Int> {
            let entry = entries[index]
            guard entry.shape != .scalar else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(rebasing: children[entry.start..<(entry.start + entry.count)])
        }

        /// Whether a scalar's text equals `string` as `String`'s `==` says: byte for byte, or (when either is
        /// not ASCII) by canonical equivalence.
        func isText(_ index: Int, _ string: String) -> Bool {
            let entry = entries[index]
            guard entry.shape == .scalar else { return false }
            let text = bytes(index)
            // Every key a decoder asks for is compared with a mapping's keys, millions of times at 10,000 accounts:
            // the string's bytes are read in place and compared by index (through `UTF8View`'s iterator, or a copy
            // of the string, a comparison cost ten times more).
            let verdict = string.utf8.withContiguousStorageIfAvailable { expected -> Bool? in
                if text.count == expected.count {
                    var k = 0
                    while k < expected.count, text[k] == expected[k] { k += 1 }
                    if k == expected.count { return true }
                }
                // Two ASCII texts are equal as strings only when their bytes are.
                if entry.ascii {
                    var k = 0
                    while k < expected.count, expected[k] < 0x80 { k += 1 }
                    if k == expected.count { return false }
                }
                return nil
            }
            if let verdict, let known = verdict { return known }
            return self.string(index) == string
        }

        /// Whether two scalars' texts are equal as `String`s.
        func sameText(_ a: Int, _ b: Int) -> Bool {
            guard entries[a].shape == .scalar, entries[b].shape == .scalar else { return false }
            if bytes(a).elementsEqual(bytes(b)) { return true }
            if entries[a].ascii, entries[b].ascii { return false }
            return string(a) == string(b)
        }

        func isNull(_ index: Int) -> Bool {
            let entry = entries[index]
            guard entry.shape == .scalar else { return false }
            let tag = tag(index)
            guard entry.style == .plain, tag == nil else { return tag == "tag:yaml.org,2002:null" }
            // No ASCII text of more than four letters is one of these.
            if entry.ascii, entry.count > 4 { return false }
            return entry.count == 0 || isText(index, "~") || isText(index, "null") || isText(index, "Null")
                || isText(index, "NULL")
        }
    }
}

/// A node of a `YAMLTree`: its number, and where the tree keeps its nodes.
///
/// It does not keep the tree alive (a reference count per value read would cost what the tree saves): it is
/// valid only inside `YAMLReader.withTree`, which holds the tree while its body runs.
package struct YAMLValue: YAMLView {
    let nodes: UnsafeMutablePointer<YAMLTree.Nodes>
    let index: Int

    private var entry: YAMLTree.Entry { nodes.pointee.entries[index] }

    package var mark: Mark { entry.mark }
    package var shape: YAMLShape { entry.shape }
    package var style: YAMLNode.Style { entry.style }
    package var tag: String? { nodes.pointee.tag(index) }

    package var text: String? { entry.shape == .scalar ? nodes.pointee.string(index) : nil }

    package func isText(_ string: String) -> Bool { nodes.pointee.isText(index, string) }

    package var isNull: Bool { nodes.pointee.isNull(index) }

    package var pairs: Pairs { Pairs(run: Run(nodes, entry, .mapping)) }

    package var items: Items { Items(run: Run(nodes, entry, .sequence)) }

    /// The members of a mapping (keys and values, one after the other) or of a list, in place; none for
    /// anything else.
    struct Run {
        let nodes: UnsafeMutablePointer<YAMLTree.Nodes>
        let start: Int
        let count: Int

        init(_ nodes: UnsafeMutablePointer<YAMLTree.Nodes>, _ entry: YAMLTree.Entry, _ shape: YAMLShape) {
            self.nodes = nodes
            start = entry.shape == shape ? entry.start : 0
            count = entry.shape == shape ? entry.count : 0
        }

        func node(_ i: Int) -> YAMLValue { YAMLValue(nodes: nodes, index: nodes.pointee.children[start + i]) }
    }

    package struct Pairs: RandomAccessCollection {
        let run: Run
        package var startIndex: Int { 0 }
        package var endIndex: Int { run.count / 2 }
        package subscript(i: Int) -> YAMLPair<YAMLValue> { YAMLPair(key: run.node(2 * i), value: run.node(2 * i + 1)) }
    }

    package struct Items: RandomAccessCollection {
        let run: Run
        package var startIndex: Int { 0 }
        package var endIndex: Int { run.count }
        package subscript(i: Int) -> YAMLValue { run.node(i) }
    }

    /// The same node as a `YAMLNode` tree, as `YAMLReader.read` would have made it: what the equivalence tests
    /// compare. Nesting is bounded by the reader's depth limit.
    package var node: YAMLNode {
        switch shape {
        case .scalar:
            return YAMLNode(mark: mark, content: .scalar(.init(text: text ?? "", style: style, tag: tag)))
        case .mapping:
            return YAMLNode(
                mark: mark, content: .mapping(pairs.map { YAMLNode.Pair(key: $0.key.node, value: $0.value.node) }))
        case .sequence:
            return YAMLNode(mark: mark, content: .sequence(items.map(\.node)))
        }
    }
}
