/// Resources whose operation failed too often in a row: skipped until their spec changes (another applied-form
/// hash) or `baton retry` names them, while the rest of their server and every other server keep converging.
/// Keyed by server and resource; bounded by the resources the daemon applies.
package struct Quarantine: Sendable, Hashable {
    package struct Key: Sendable, Hashable, Comparable {
        package var server: String
        /// `Kind/name`.
        package var resource: String

        package init(server: String, resource: String) {
            self.server = server
            self.resource = resource
        }

        package static func < (a: Key, b: Key) -> Bool { (a.server, a.resource) < (b.server, b.resource) }
    }

    struct Record: Sendable, Hashable {
        var hash: String
        var failures: Int
        var reason: String
    }

    /// Failures in a row after which a resource is quarantined.
    package var limit: Int
    private var records: [Key: Record] = [:]

    package init(limit: Int = 5) {
        self.limit = limit
    }

    /// An operation of the resource failed, for its applied form `hash`: a new hash starts the count again.
    package mutating func failed(_ key: Key, hash: String, reason: String) {
        var record = records[key].flatMap { $0.hash == hash ? $0 : nil } ?? Record(hash: hash, failures: 0, reason: "")
        record.failures += 1
        record.reason = reason
        records[key] = record
    }

    /// It applied: the count ends.
    package mutating func succeeded(_ key: Key) { records[key] = nil }

    /// `baton retry` named it, or it left the plan: forgotten.
    package mutating func release(_ key: Key) { records[key] = nil }

    /// Whether the resource, wanting applied form `hash`, is skipped; with the reason of its last failure.
    package func isQuarantined(_ key: Key, hash: String) -> String? {
        guard let record = records[key], record.hash == hash, record.failures >= limit else { return nil }
        return record.reason
    }

    /// The reason a quarantined resource's last operation gave.
    package func reason(_ key: Key) -> String? { records[key].flatMap { $0.failures >= limit ? $0.reason : nil } }

    /// Every quarantined resource, for the status and the metrics.
    package var quarantined: [Key] { records.filter { $0.value.failures >= limit }.map(\.key).sorted() }

    /// Only the resources still wanted: the others' records go (the bound).
    package mutating func keep(only wanted: Set<Key>) { records = records.filter { wanted.contains($0.key) } }
}
