import Foundation
import Manifests
import Zones

/// Reports of zones already checked, keyed by a hash of the checker, its options and the zone's text, so
/// that only zones whose rendering changed are checked again. One small file a zone; safe to delete.
public struct ZoneCheckCache: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    static func key(checker: String, options: ZoneCheckOptions, origin: String, text: String) -> String {
        var hasher = SHA256()
        hasher.update("baton-zone-check-v1\n\(checker)\n\(options.namedCheckzoneArguments.joined(separator: " "))\n")
        hasher.update("\(origin)\n")
        hasher.update(text)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func load(_ key: String) -> ZoneCheckReport? {
        guard let data = FileManager.default.contents(atPath: path(key)) else { return nil }
        return try? JSONDecoder().decode(ZoneCheckReport.self, from: data)
    }

    /// Best effort: a cache that cannot be written only costs time.
    func store(_ report: ZoneCheckReport, _ key: String) {
        guard let data = try? JSONEncoder().encode(report) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path(key) + ".\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, path(key)) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }

    func path(_ key: String) -> String { directory + "/" + key + ".json" }
}
