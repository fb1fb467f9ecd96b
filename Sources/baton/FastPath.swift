import Engine

/// `baton check-zone` is a one-file command run per zone (by editors, hooks and scripts): its arguments are read
/// here, before ArgumentParser builds the whole command tree by reflection, which costs more than checking a
/// small zone (measured with `perf record`: 85% of the command's time). Only the plain forms are read; anything
/// else (`--help`, `--origin=x`, an unknown option, a missing value) goes to ArgumentParser, which reads and
/// reports it as it always has.
enum FastPath {
    static func checkZone(_ arguments: [String]) -> CheckZone.Arguments? {
        guard arguments.first == "check-zone" else { return nil }
        var file: String?
        var origin: String?
        var checker: ZoneCheckerChoice?
        var strict = false
        var format = ZoneReportFormat.text
        var i = 1
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--strict":
                if strict { return nil }
                strict = true
            case "--origin", "--checker", "--format":
                guard i + 1 < arguments.count, !arguments[i + 1].hasPrefix("-") else { return nil }
                let value = arguments[i + 1]
                switch a {
                case "--origin":
                    if origin != nil { return nil }
                    origin = value
                case "--checker":
                    guard checker == nil, let c = ZoneCheckerChoice(rawValue: value),
                        c == .builtin || c == .namedCheckzone
                    else { return nil }
                    checker = c
                default:
                    guard let f = ZoneReportFormat(rawValue: value) else { return nil }
                    format = f
                }
                i += 1
            default:
                if a.hasPrefix("-") || file != nil { return nil }
                file = a
            }
            i += 1
        }
        guard let file, let origin else { return nil }
        return CheckZone.Arguments(file: file, origin: origin, checker: checker, strict: strict, format: format)
    }
}
