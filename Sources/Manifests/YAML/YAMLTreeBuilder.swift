import CYAML

/// Fills a `YAMLTree`'s storage from libyaml's events, with the limits and problems of `TreeBuilder` (which builds
/// `YAMLNode`s; `YAMLTreeEquivalenceTests` holds the two to the same documents and problems).
///
/// The members of the mappings and lists being read wait in one shared list (`pending`), each frame owning
/// its end of it; a finished mapping or list moves its run to the tree. No array per mapping, no copies.
struct YAMLTreeBuilder {
    private struct Frame {
        var mark: Mark
        var shape: YAMLShape
        var anchor: String?
        /// Where this frame's members start in `pending`.
        var first: Int
        /// A mapping whose last member in `pending` is a key waiting for its value.
        var hasKey = false
        var weight = 1
        var height = 1
        /// A large mapping's keys, for the duplicate check.
        var keys: Set<String>?
    }

    let limits: YAMLReader.Limits
    var storage: YAMLTree.Storage
    private var stack: [Frame] = []
    private var pending: [Int] = []
    private var document = YAMLDocumentState<Int>()

    init(limits: YAMLReader.Limits, capacity: Int) {
        self.limits = limits
        storage = YAMLTree.Storage(capacity: capacity)
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
                storage.roots.append((mark: document.mark, root: root))
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let index = storage.appendScalar(
                mark, YAMLEvents.style(s.style), UnsafeBufferPointer(start: s.value, count: s.length),
                tag: YAMLEvents.string(s.tag))
            return complete(index, weight: 1, height: 1, anchor: YAMLEvents.string(s.anchor))
        case YAML_ALIAS_EVENT:
            let name = YAMLEvents.string(event.data.alias.anchor) ?? ""
            guard let target = document.anchors[name] else {
                storage.problems.append(.undefinedAlias(name, at: mark))
                let null = storage.appendScalar(mark, .plain, UnsafeBufferPointer(start: nil, count: 0), tag: nil)
                return complete(null, weight: 1, height: 1, anchor: nil)
            }
            guard stack.count + target.height <= limits.maxDepth else { return checkDepth(mark, depth: Int.max) }
            // The alias reports the position where it is used, not where the anchor was defined.
            let index = storage.appendCopy(of: target.node, at: mark)
            return complete(index, weight: target.weight, height: target.height, anchor: nil, expanded: target.weight)
        case YAML_MAPPING_START_EVENT:
            let anchor = YAMLEvents.string(event.data.mapping_start.anchor)
            stack.append(Frame(mark: mark, shape: .mapping, anchor: anchor, first: pending.count))
            return checkDepth(mark)
        case YAML_SEQUENCE_START_EVENT:
            let anchor = YAMLEvents.string(event.data.sequence_start.anchor)
            stack.append(Frame(mark: mark, shape: .sequence, anchor: anchor, first: pending.count))
            return checkDepth(mark)
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            let shape: YAMLShape = event.type == YAML_MAPPING_END_EVENT ? .mapping : .sequence
            guard let frame = stack.popLast(), frame.shape == shape else { return false }
            let index: Int
            if shape == .mapping, hasMergeKey(pending[frame.first...]) {
                index = storage.appendCollection(frame.mark, .mapping, resolveMerges(pending[frame.first...])[...])
            } else {
                index = storage.appendCollection(frame.mark, shape, pending[frame.first...])
            }
            pending.removeSubrange(frame.first...)
            return complete(index, weight: frame.weight, height: frame.height, anchor: frame.anchor)
        default:
            break
        }
        return true
    }

    private mutating func checkDepth(_ mark: Mark, depth: Int? = nil) -> Bool {
        guard (depth ?? stack.count) > limits.maxDepth else { return true }
        storage.problems.append(.tooDeep(at: mark, limits: limits))
        return false
    }

    /// `weight` is the node's size with aliases expanded (what an alias of it adds); `expanded` is what an alias
    /// adds to the document here (0 for a node written out).
    private mutating func complete(_ index: Int, weight: Int, height: Int, anchor: String?, expanded: Int = 0)
        -> Bool
    {
        if let anchor { document.anchors[anchor] = (index, weight, height) }
        document.aliasExpansion += expanded
        if document.aliasExpansion > limits.maxExpandedNodes {
            storage.problems.append(.aliasBomb(at: storage.entries[index].mark, limits: limits))
            return false
        }
        guard !stack.isEmpty else {
            document.root = index
            return true
        }
        let top = stack.count - 1
        stack[top].weight += weight
        stack[top].height = max(stack[top].height, height + 1)
        guard stack[top].shape == .mapping else {
            pending.append(index)
            return true
        }
        if stack[top].hasKey {
            stack[top].hasKey = false
            let key = pending.removeLast()
            if let first = duplicateOf(key, frame: top) {
                let text = storage.entries[key].shape == .scalar ? storage.string(key) : nil
                storage.problems.append(.duplicateKey(text, at: storage.entries[key].mark, first: first))
            } else {
                pending.append(key)
                pending.append(index)
            }
        } else {
            if storage.entries[index].shape != .scalar {
                storage.problems.append(.complexKey(at: storage.entries[index].mark))
                document.broken = true
            }
            pending.append(index)
            stack[top].hasKey = true
        }
        return true
    }

    /// The position of an earlier key of the mapping read by `frame` with the same text as `key`, if one has it.
    /// Linear for the small mappings manifests are made of; a key index once a mapping grows large.
    private mutating func duplicateOf(_ key: Int, frame: Int) -> Mark? {
        guard storage.entries[key].shape == .scalar else { return nil }
        let keys = stride(from: stack[frame].first, to: pending.count, by: 2)
        if stack[frame].keys == nil, (pending.count - stack[frame].first) / 2 >= 16 {
            stack[frame].keys = Set(
                keys.map { pending[$0] }.filter { storage.entries[$0].shape == .scalar }.map { storage.string($0) })
        }
        if stack[frame].keys != nil, stack[frame].keys!.insert(storage.string(key)).inserted { return nil }
        return keys.first { storage.sameText(pending[$0], key) }.map { storage.entries[pending[$0]].mark }
    }

    private func isMergeKey(_ key: Int) -> Bool {
        storage.entries[key].style == .plain && storage.isText(key, "<<")
    }

    private func hasMergeKey(_ members: ArraySlice<Int>) -> Bool {
        stride(from: members.startIndex, to: members.endIndex, by: 2).contains { isMergeKey(members[$0]) }
    }

    /// `<<: *base` and `<<: [*a, *b]`: keys written in the mapping win, then earlier merged maps.
    private mutating func resolveMerges(_ members: ArraySlice<Int>) -> [Int] {
        var explicit: [Int] = []
        var sources: [Int] = []
        for i in stride(from: members.startIndex, to: members.endIndex, by: 2) {
            let (key, value) = (members[i], members[i + 1])
            guard isMergeKey(key) else {
                explicit += [key, value]
                continue
            }
            let entry = storage.entries[value]
            switch entry.shape {
            case .mapping: sources.append(value)
            case .sequence where storage.members(value).allSatisfy({ storage.entries[$0].shape == .mapping }):
                sources += storage.members(value)
            default:
                storage.problems.append(
                    .mergeKey(at: entry.mark, found: entry.shape.name(isNull: storage.isNull(value))))
            }
        }
        var seen = Set(
            stride(from: 0, to: explicit.count, by: 2).map { explicit[$0] }
                .filter { storage.entries[$0].shape == .scalar }.map { storage.string($0) })
        for source in sources {
            let members = storage.members(source)
            for i in stride(from: members.startIndex, to: members.endIndex, by: 2) {
                let (key, value) = (members[i], members[i + 1])
                guard storage.entries[key].shape == .scalar, seen.insert(storage.string(key)).inserted else { continue }
                explicit += [key, value]
            }
        }
        return explicit
    }
}
