import Manifests

/// Where a line of a rendered zone came from in the manifests.
package struct ZoneLineSource: Sendable, Hashable {
    package var file: String
    /// The position a diagnostic about this line points at: the record's value, or the Domain's name.
    package var mark: Mark
    /// The owner, absolute and lower case, without the trailing dot.
    package var owner: String
    package var type: String
    /// The target name of NS, MX, SRV, CNAME, PTR records, absolute, lower case, without the trailing dot.
    package var target: String?
}

/// A zone rendered to a BIND master file, with each line's origin in the manifests.
package struct RenderedZone: Sendable, Hashable {
    package var origin: String
    package var serial: UInt32
    package var text: String
    /// What the zone was rendered from: line sources and the content hash are worked out from it when asked,
    /// so that a zone of 200,000 records costs its text, not 200,000 source records nobody reads.
    let input: ZoneInput
    /// The Domains in the order they were rendered: the zone's own first, then its merged subdomains by name.
    let members: [Domain]
    /// Per line (index = line - 1): what wrote it.
    let origins: [LineOrigin]
    /// Where the template's serial token starts in `text` (UTF-8 offset).
    let serialAt: Int

    /// A line's maker: record `record` of member `member`; the SOA line (`record == soaLine`); the `k`th
    /// default NS line (`record == defaultNS - k`); or nothing (`member < 0`).
    struct LineOrigin: Sendable, Hashable {
        var member: Int32
        var record: Int32
        static let none = LineOrigin(member: -1, record: 0)
        static let soaLine: Int32 = -1
        static let defaultNS: Int32 = -2
    }

    init(
        origin: String, serial: UInt32, text: String, input: ZoneInput, members: [Domain], origins: [LineOrigin],
        serialAt: Int
    ) {
        self.serialAt = serialAt
        self.origin = origin
        self.serial = serial
        self.text = text
        self.input = input
        self.members = members
        self.origins = origins
    }

    /// SHA-256 of the zone's canonical lines (`ZoneRenderer.canonicalLines`): the serial rises only when this
    /// changes, never for a reordering, a moved file or a comment.
    package var contentHash: String { ZoneRenderer.contentHash(input) }

    /// 1-based line numbers of `text` to their source.
    package var lines: Lines { Lines(zone: self) }

    package struct Lines: Sendable {
        let zone: RenderedZone
        package subscript(line: Int) -> ZoneLineSource? { zone.source(line: line) }
    }

    package func source(line: Int) -> ZoneLineSource? {
        guard line >= 1, line <= origins.count else { return nil }
        let o = origins[line - 1]
        guard o.member >= 0 else { return nil }
        let domain = members[Int(o.member)]
        if o.record == LineOrigin.soaLine {
            return ZoneLineSource(
                file: domain.origin.file, mark: domain.origin.location("metadata.name").mark, owner: origin,
                type: "SOA", target: nil)
        }
        if o.record <= LineOrigin.defaultNS {
            let server = input.nameServers.filter(ZoneRenderer.isSafe)[Int(LineOrigin.defaultNS - o.record)]
            return ZoneLineSource(
                file: domain.origin.file, mark: domain.origin.location("metadata.name").mark, owner: origin,
                type: "NS", target: server.lowercased())
        }
        let record = domain.spec.records[Int(o.record)]
        let owner = record.name == "@" ? domain.name : "\(record.name.lowercased()).\(domain.name)"
        return ZoneLineSource(
            file: domain.origin.file, mark: record.marks.value, owner: owner, type: record.type.rawValue,
            target: ZoneRenderer.target(of: record, origin: domain.name))
    }

    /// The line a zone-level message is about: by owner and target, else by owner and type, else by owner, else
    /// by target (and type). One look-up walks the lines; `SourceIndex` answers many.
    package func source(owner: String?, type: String?, target: String?) -> ZoneLineSource? {
        SourceIndex(self).source(owner: owner, type: type, target: target)
    }

    /// Every line's source, indexed for the look-ups of zone-level messages: built once per zone, then each
    /// message costs a hash look-up (a zone with 200,000 warnings stays linear).
    package struct SourceIndex: Sendable {
        var byOwnerType: [String: ZoneLineSource] = [:]
        var byOwnerTarget: [String: ZoneLineSource] = [:]
        var byOwner: [String: ZoneLineSource] = [:]
        var byTargetType: [String: ZoneLineSource] = [:]
        var byTarget: [String: ZoneLineSource] = [:]

        package init(_ zone: RenderedZone) {
            for line in 1...max(1, zone.origins.count) {
                guard let s = zone.source(line: line) else { continue }
                func first(_ d: inout [String: ZoneLineSource], _ key: String) {
                    if d[key] == nil { d[key] = s }
                }
                first(&byOwnerType, s.owner + "\u{0}" + s.type)
                first(&byOwner, s.owner)
                if let t = s.target {
                    first(&byOwnerTarget, s.owner + "\u{0}" + t)
                    first(&byTargetType, t + "\u{0}" + s.type)
                    first(&byTarget, t)
                }
            }
        }

        package func source(owner: String?, type: String?, target: String?) -> ZoneLineSource? {
            if let owner = owner?.lowercased() {
                // The target first: of two MX records at one owner, the message about `nowhere` is about the one
                // that points there.
                if let target = target?.lowercased(), let hit = byOwnerTarget[owner + "\u{0}" + target] { return hit }
                if let type, let hit = byOwnerType[owner + "\u{0}" + type] { return hit }
                if let hit = byOwner[owner] { return hit }
            }
            if let target = target?.lowercased() {
                if let type { return byTargetType[target + "\u{0}" + type] }
                return byTarget[target]
            }
            return nil
        }
    }
}
