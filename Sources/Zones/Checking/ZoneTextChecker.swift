import Foundation

/// A checker of rendered zone text: named-checkzone or Baton's own.
package protocol ZoneTextChecker: Sendable {
    /// Names the checker in rule ids (`zone.named-checkzone`) and cache keys.
    var name: String { get }
    func check(text: String, origin: String, options: ZoneCheckOptions, fileName: String) throws -> ZoneCheckReport
    /// Many zones at once, where the checker can do that faster; nil to have them checked one by one.
    func checkBatch(_ zones: [ZoneBatchItem], options: ZoneCheckOptions) throws -> [ZoneCheckReport]?
    /// Whether reusing a cached report is faster than checking again. Not for the built-in checker: hashing
    /// a zone's text and reading a file per zone cost more than checking it (measured on bench/plan.sh's
    /// repositories, 8.3 s with the cache against 6.9 s without).
    var cachePays: Bool { get }
    /// Whether the checker checks one zone at a time in this process, with no batch and no cache to consult:
    /// a caller can then hand it each zone as soon as it is rendered, and forget the text after.
    var checksOneByOne: Bool { get }
}

extension ZoneTextChecker {
    package func checkBatch(_ zones: [ZoneBatchItem], options: ZoneCheckOptions) throws -> [ZoneCheckReport]? { nil }
    package var cachePays: Bool { false }
    package var checksOneByOne: Bool { false }
}

package struct ZoneBatchItem: Sendable {
    package var origin: String
    package var text: String
    /// What messages call the zone's file.
    package var fileName: String

    package init(origin: String, text: String, fileName: String) {
        self.origin = origin
        self.text = text
        self.fileName = fileName
    }
}

extension NamedCheckzone: ZoneTextChecker {
    package var name: String { "named-checkzone" }
    /// A process per batch of zones: a cached report saves it.
    package var cachePays: Bool { true }

    /// Through `named-checkconf -z`, which bind9-utils installs beside named-checkzone.
    package func checkBatch(_ zones: [ZoneBatchItem], options: ZoneCheckOptions) throws -> [ZoneCheckReport]? {
        let checkconf = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(
            "named-checkconf"
        ).path
        guard zones.count > 1, FileManager.default.isExecutableFile(atPath: checkconf) else { return nil }
        return try NamedCheckconfBatch(executable: checkconf).check(zones, options: options)
    }
}
