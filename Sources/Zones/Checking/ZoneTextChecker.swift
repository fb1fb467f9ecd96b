/// A checker of rendered zone text: named-checkzone or Baton's own.
public protocol ZoneTextChecker: Sendable {
    /// Names the checker in rule ids (`zone.named-checkzone`) and cache keys.
    var name: String { get }
    func check(text: String, origin: String, options: ZoneCheckOptions, fileName: String) throws -> ZoneCheckReport
}

extension NamedCheckzone: ZoneTextChecker {
    public var name: String { "named-checkzone" }
}
