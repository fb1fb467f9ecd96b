import ArgumentParser
import Foundation

/// `--color auto|always|never`, `--no-color` and `--quiet`, taken anywhere on the command line (before or after
/// the command, as git and cargo take theirs) and removed before the command's own options are read. They are
/// passed on as the environment the rest of Baton reads (`NO_COLOR`, `BATON_COLOR`, `BATON_QUIET`), set before
/// any thread starts.
enum GlobalFlags {
    static let help = """
        Options of every command: --color auto|always|never (default auto: colour on a terminal, never with \
        NO_COLOR set), --no-color (as --color never), --quiet (no warnings or notices on standard error; \
        errors still).
        """

    static func extract(_ arguments: [String]) throws -> [String] {
        var rest: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" {
                rest += arguments[i...]
                break
            }
            switch a {
            case "--no-color": try color("never")
            case "--quiet": setenv("BATON_QUIET", "1", 1)
            case "--color":
                guard i + 1 < arguments.count else { throw ValidationError("--color takes auto, always or never") }
                try color(arguments[i + 1])
                i += 1
            default:
                if a.hasPrefix("--color=") { try color(String(a.dropFirst("--color=".count))) } else { rest.append(a) }
            }
            i += 1
        }
        return rest
    }

    static func color(_ mode: String) throws {
        switch mode {
        case "auto": unsetenv("BATON_COLOR")
        case "always", "never": setenv("BATON_COLOR", mode, 1)
        default: throw ValidationError("--color \(mode): choose auto, always or never")
        }
    }
}
