import Engine
import Foundation

enum Terminal {
    /// `--color always|never` first; else colour only on a terminal, and never with NO_COLOR set
    /// (https://no-color.org).
    static var useColor: Bool {
        switch ProcessInfo.processInfo.environment["BATON_COLOR"] {
        case "always": true
        case "never": false
        default: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
    }

    static var quiet: Bool { ProcessInfo.processInfo.environment["BATON_QUIET"] != nil }

    /// A warning or notice: left out with --quiet.
    static func notice(_ message: String) {
        if !quiet { error(message) }
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
