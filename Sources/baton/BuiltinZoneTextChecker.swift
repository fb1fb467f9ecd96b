import Zones

/// Placeholder until the built-in checker lands: the zone is reported as loaded with no message.
struct BuiltinZoneTextChecker: ZoneTextChecker {
    var name: String { "builtin" }

    func check(text: String, origin: String, options: ZoneCheckOptions, fileName: String) throws -> ZoneCheckReport {
        throw ZoneCheckerUnavailable()
    }

    func check(path: String, origin: String, options: ZoneCheckOptions) throws -> ZoneCheckReport {
        throw ZoneCheckerUnavailable()
    }
}

struct ZoneCheckerUnavailable: Error, CustomStringConvertible {
    var description: String { "the built-in zone checker is not built yet" }
}
