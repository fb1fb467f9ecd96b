import ArgumentParser
import Foundation

/// `--color auto|always|never`, `--no-color` and `--quiet`, taken anywhere on the command line (before or after
/// the command, as git and cargo take theirs) and removed before the command's own options are read. They are
/// passed on as the environment the rest of Baton reads (`NO_COLOR`, `BATON_COLOR`, `BATON_QUIET`), set before
/// any thread starts.
///
/// Only where they are flags: the word after an option that takes a value is that option's (`--message --quiet`
/// gives `--message` the word `--quiet`, which it refuses, as cargo's options refuse a value that looks like a
/// flag; `--message=--quiet` is the way to say it), and nothing after `--` is a flag.
enum GlobalFlags {
    static let help = """
        Options of every command: --color auto|always|never (default auto: colour on a terminal, never with \
        NO_COLOR set), --no-color (as --color never), --quiet (no warnings or notices on standard error; \
        errors still).
        """

    /// `options`: the command tree's options that take a value, asked for only when a global flag follows a word
    /// that may be one of them (describing every command costs milliseconds that `check-zone` does not spend).
    static func extract(
        _ arguments: [String], options: () -> CommandOptions? = { CommandOptions(Baton.self) }
    ) throws -> [String] {
        let tree = mayBeAValue(arguments) ? options() : nil
        var node = tree
        var descending = true
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
                if a.hasPrefix("--color=") {
                    try color(String(a.dropFirst("--color=".count)))
                    break
                }
                rest.append(a)
                if a.hasPrefix("-") {
                    // The option's value, whatever it looks like, is the option's to take or refuse.
                    if let node, node.takesValue(a), i + 1 < arguments.count {
                        rest.append(arguments[i + 1])
                        i += 1
                    }
                } else if descending, let sub = node?.subcommands[a] {
                    node = sub
                } else {
                    descending = false
                }
            }
            i += 1
        }
        return rest
    }

    static func isFlag(_ word: String) -> Bool {
        word == "--quiet" || word == "--no-color" || word == "--color" || word.hasPrefix("--color=")
    }

    /// Whether a global flag comes right after a word that may be an option taking a value (not one of the global
    /// flags themselves, not one with its value after `=`), before any `--`.
    static func mayBeAValue(_ arguments: [String]) -> Bool {
        for (index, word) in arguments.enumerated().dropFirst() {
            if arguments[index - 1] == "--" { return false }
            let before = arguments[index - 1]
            if isFlag(word), before.hasPrefix("-"), !before.contains("="), !isFlag(before) { return true }
        }
        return false
    }

    static func color(_ mode: String) throws {
        switch mode {
        case "auto": unsetenv("BATON_COLOR")
        case "always", "never": setenv("BATON_COLOR", mode, 1)
        default: throw ValidationError("--color \(mode): choose auto, always or never")
        }
    }
}
