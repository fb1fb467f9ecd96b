import Manifests

/// Where a line of a rendered zone came from in the manifests.
public struct ZoneLineSource: Sendable, Hashable {
    public var file: String
    /// The position a diagnostic about this line points at: the record's value, or the Domain's name.
    public var mark: Mark
    /// The owner, absolute and lower case, without the trailing dot.
    public var owner: String
    public var type: String
    /// The target name of NS, MX, SRV, CNAME, PTR records, absolute, lower case, without the trailing dot.
    public var target: String?
}

/// A zone rendered to a BIND master file, with each line's origin in the manifests.
public struct RenderedZone: Sendable, Hashable {
    public var origin: String
    public var serial: UInt32
    public var text: String
    /// 1-based line numbers of `text` to their source.
    public var lines: [Int: ZoneLineSource]
    /// SHA-256 of the zone's canonical lines (`ZoneRenderer.canonicalLines`): the serial rises only when this
    /// changes, never for a reordering, a moved file or a comment.
    public var contentHash: String

    /// The line a zone-level message is about: by owner and type, else by type and target.
    public func source(owner: String?, type: String?, target: String?) -> ZoneLineSource? {
        let sources = lines.sorted { $0.key < $1.key }.map(\.value)
        if let owner = owner?.lowercased() {
            if let type, let hit = sources.first(where: { $0.owner == owner && $0.type == type }) { return hit }
            if let target = target?.lowercased(),
                let hit = sources.first(where: { $0.owner == owner && $0.target == target })
            {
                return hit
            }
            if let hit = sources.first(where: { $0.owner == owner }) { return hit }
        }
        if let target = target?.lowercased(),
            let hit = sources.first(where: { $0.target == target && (type == nil || $0.type == type) })
        {
            return hit
        }
        return nil
    }
}
