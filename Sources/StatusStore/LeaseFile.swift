import Foundation
import Manifests

/// `leases/<scope>.yaml`: which daemon may apply to a set of servers, until when. Taken and renewed by a
/// compare-and-swap on the status branch (a commit on the tip that was read; pushed without force), so the git
/// server's atomic ref update is the only coordination between daemons (docs/daemon.md).
package struct LeaseFile: Sendable, Hashable {
    package static let folder = "leases"
    package static let formatVersion = 1

    /// Who holds it: a name the daemon chose (host and process), unique among the daemons of a repository.
    package var holder: String
    /// Rises by one each time the lease changes hands; every run recorded under it carries it.
    package var generation: Int
    /// The servers it covers, sorted; empty: every server of the repository.
    package var servers: [String]
    package var renewed: Date
    package var expires: Date

    package init(holder: String, generation: Int, servers: [String], renewed: Date, expires: Date) {
        self.holder = holder
        self.generation = generation
        self.servers = servers.sorted()
        self.renewed = renewed
        self.expires = expires
    }

    /// A scope's file: the sorted server names joined by `+` (names are DNS labels, which hold no `+`), or `all`.
    package static func path(servers: [String]) -> String {
        folder + "/" + (servers.isEmpty ? "all" : Set(servers).sorted().joined(separator: "+")) + ".yaml"
    }

    /// Whether two scopes share a server (every scope shares with `all`).
    package func overlaps(_ other: [String]) -> Bool {
        servers.isEmpty || other.isEmpty || !Set(servers).isDisjoint(with: other)
    }

    package func render() -> String {
        var out = "# Written by Baton: which daemon applies to these servers, until when. Do not edit.\n"
        out += "formatVersion: \(Self.formatVersion)\n"
        out += "holder: \(YAMLText.quoted(holder))\ngeneration: \(generation)\n"
        out += "servers: [\(servers.map(YAMLText.quoted).joined(separator: ", "))]\n"
        out += "renewed: \(YAMLText.quoted(Self.time(renewed)))\nexpires: \(YAMLText.quoted(Self.time(expires)))\n"
        return out
    }

    package static func parse(_ bytes: [UInt8], file: String) throws -> LeaseFile {
        let root = try StatusNode.parse(bytes, file: file)
        try FormatVersion.check(root, supported: formatVersion)
        let date = { (key: String) throws -> Date in
            let text = try root.string(key)
            guard let date = Self.date(text) else {
                throw StatusError(file: file, message: "\(key) '\(text)' is not a UTC time (2026-12-07T10:00:00Z)")
            }
            return date
        }
        return LeaseFile(
            holder: try root.string("holder"), generation: try root.required("generation").int(),
            servers: try root.optional("servers")?.items().map { try $0.string() } ?? [], renewed: try date("renewed"),
            expires: try date("expires"))
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
