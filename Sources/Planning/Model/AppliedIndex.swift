/// Every inventory entry by server and resource, over the per-server arrays of `AppliedState.servers` rather than
/// beside them: a table of positions into those arrays, open-addressed.
///
/// A dictionary of (key, entry) pairs held every entry a second time, 112 bytes each in a table a power of two
/// larger than the inventory: 29 MB at 10,000 accounts (100,000 entries), kept for as long as the daemon runs.
/// This holds 8 bytes a slot at most half full, and the arrays it points into are the ones the state keeps anyway.
package struct AppliedIndex: Sendable, Hashable, Sequence {
    package typealias Element = (key: Planner.Key, value: InventoryEntry)

    /// The servers in a fixed order, and their entries (shared with the state's dictionary, not copied).
    private let names: [String]
    private let lists: [[InventoryEntry]]
    /// Slot i holds 0 (empty) or (server + 1) << 32 | position, for a hash whose low bits start the probe at i.
    private let slots: [UInt64]
    package let count: Int
    /// The entries in the arrays: more than `count` when a key is listed twice.
    private let listed: Int

    init(_ servers: [String: [InventoryEntry]]) {
        names = servers.keys.sorted()
        lists = names.map { servers[$0]! }
        let total = lists.reduce(0) { $0 + $1.count }
        var capacity = 8
        while capacity < total * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: total == 0 ? 0 : capacity)
        var count = 0
        let mask = capacity - 1
        for (s, list) in lists.enumerated() {
            for (p, entry) in list.enumerated() {
                var i = Self.hash(names[s], entry.id) & mask
                // A later entry of the same key wins, as a dictionary's assignment did.
                while slots[i] != 0 {
                    let (other, position) = Self.unpack(slots[i])
                    if names[other] == names[s], lists[other][position].id == entry.id { break }
                    i = (i + 1) & mask
                }
                if slots[i] == 0 { count += 1 }
                slots[i] = UInt64(s + 1) << 32 | UInt64(p)
            }
        }
        self.slots = slots
        self.count = count
        listed = total
    }

    private static func unpack(_ slot: UInt64) -> (server: Int, position: Int) {
        (Int(slot >> 32) - 1, Int(slot & 0xFFFF_FFFF))
    }

    private static func hash(_ server: String, _ id: ResourceID) -> Int {
        var hasher = Hasher()
        hasher.combine(server)
        hasher.combine(id)
        return hasher.finalize()
    }

    package subscript(key: Planner.Key) -> InventoryEntry? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var i = Self.hash(key.server, key.id) & mask
        while slots[i] != 0 {
            let (server, position) = Self.unpack(slots[i])
            let entry = lists[server][position]
            if entry.id == key.id, names[server] == key.server { return entry }
            i = (i + 1) & mask
        }
        return nil
    }

    package var isEmpty: Bool { count == 0 }

    package var keys: [Planner.Key] { map(\.key) }
    package var values: [InventoryEntry] { map(\.value) }

    /// Each key once (its last entry), servers in name order, entries in their order.
    package func makeIterator() -> AnyIterator<Element> {
        let (names, lists) = (self.names, self.lists)
        var server = 0
        var position = 0
        guard listed != count else {
            // No key listed twice (the usual case): the arrays as they are.
            return AnyIterator {
                while server < lists.count, position == lists[server].count {
                    server += 1
                    position = 0
                }
                guard server < lists.count else { return nil }
                defer { position += 1 }
                let entry = lists[server][position]
                return (Planner.Key(server: names[server], id: entry.id), entry)
            }
        }
        // The occupied slots in position order: the entries that won.
        let order = slots.filter { $0 != 0 }.sorted()
        var next = 0
        return AnyIterator {
            guard next < order.count else { return nil }
            let (server, position) = Self.unpack(order[next])
            next += 1
            return (Planner.Key(server: names[server], id: lists[server][position].id), lists[server][position])
        }
    }

    package static func == (a: AppliedIndex, b: AppliedIndex) -> Bool {
        a.names == b.names && a.lists == b.lists
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(names)
        hasher.combine(lists)
    }
}
