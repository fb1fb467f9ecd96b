import Foundation
import Manifests
import Zones

/// Reports of zones already checked, keyed by a hash of the checker and its version, its options and the
/// zone's text, so that only zones whose rendering changed are checked again. One small file a zone; safe to
/// delete. It lives in the user's cache, never in the repository being checked: a committed cache file would
/// otherwise vouch for a zone that no checker has seen.
package struct ZoneCheckCache: Sendable {
    package let directory: String
    /// Versions of Baton and of the checkers: an upgrade checks everything again.
    package let tag: String

    package init(directory: String, tag: String) {
        self.directory = directory
        self.tag = tag
    }

    /// `$BATON_CACHE_DIR`, else `$XDG_CACHE_HOME/baton`, else `~/.cache/baton`; zone reports go in `zones/`.
    package static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String
    {
        if let dir = environment["BATON_CACHE_DIR"], !dir.isEmpty { return dir + "/zones" }
        if let dir = environment["XDG_CACHE_HOME"], !dir.isEmpty { return dir + "/baton/zones" }
        return (environment["HOME"] ?? NSTemporaryDirectory()) + "/.cache/baton/zones"
    }

    func key(checker: String, options: ZoneCheckOptions, origin: String, text: String) -> String {
        var hasher = SHA256()
        // v3: named-checkzone's warnings beside an error are read as warnings, as the built-in checker gives them.
        hasher.update(
            "baton-zone-check-v3\n\(tag)\n\(checker)\n\(options.namedCheckzoneArguments.joined(separator: " "))\n")
        hasher.update("\(origin)\n")
        hasher.update(text)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func load(_ key: String) -> ZoneCheckReport? {
        let fd = open(path(key), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let data = FileHandle(fileDescriptor: fd, closeOnDealloc: true).readDataToEndOfFile()
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
