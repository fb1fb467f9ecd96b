import Concurrency
import GitStore

/// The last snapshot read of each status branch in this process, by content: the files and the folder a
/// snapshot is made of (`StatusBranch.contentKey`). A lease commit moves the branch every few seconds without
/// changing any of them, and parsing the inventory of 100,000 resources again each time cost a daemon at rest
/// a second of CPU a minute. One entry per branch, a few branches at most.
enum SnapshotCache {
    struct Entry {
        var key: String
        var snapshot: StatusBranch.Snapshot
    }

    static let limit = 4
    private static let entries = LockedBox<[(branch: String, entry: Entry)]>([])
    /// Snapshots parsed in this process (what the cache saves is seen in tests by this count).
    static let parsed = LockedBox(0)
    /// Inventory shards parsed in this process.
    static let shardsParsed = LockedBox(0)

    static func get(_ branch: String, key: String) -> StatusBranch.Snapshot? {
        entries.current.first { $0.branch == branch && $0.entry.key == key }?.entry.snapshot
    }

    /// The branch's last snapshot: the next one takes the shards that stayed from it.
    static func last(_ branch: String) -> StatusBranch.Snapshot? {
        entries.current.first { $0.branch == branch }?.entry.snapshot
    }

    /// Forgets every snapshot: the next read parses everything (tests compare that with a read that reused).
    static func removeAll() {
        entries.update { $0 = [] }
    }

    static func put(_ branch: String, key: String, _ snapshot: StatusBranch.Snapshot) {
        entries.update { list in
            list.removeAll { $0.branch == branch }
            list.append((branch, Entry(key: key, snapshot: snapshot)))
            if list.count > limit { list.removeFirst(list.count - limit) }
        }
    }
}
