import Engine
import Foundation

enum Terminal {
    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static var useColor: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
