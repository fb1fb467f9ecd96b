import ArgumentParser
import Engine

/// Which one checker reads a single zone file (`check-zone --checker`, `import zone --checker`): one, never
/// `both` or `none`, which only `--zone-checker` of the repository commands takes.
enum ZoneLoaderChoice: String, ExpressibleByArgument, CaseIterable {
    case builtin
    case namedCheckzone = "named-checkzone"

    var checker: ZoneCheckerChoice {
        switch self {
        case .builtin: .builtin
        case .namedCheckzone: .namedCheckzone
        }
    }
}
