import Foundation

/// Why a plan could not be made, said so that the user knows what to do.
package struct PlanFailure: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

/// A mistake in how Baton was asked (an option that cannot be honoured), for the CLI to report as a usage error.
package struct UsageError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

/// Baton's version, for the caches it keys and `baton version`.
package enum EngineInfo {
    package static let version = "0.1.0"
}

/// What the engine has to say that is not a result: notices and warnings, on stderr.
package enum EngineNotice {
    package static func say(_ message: String) {
        // `baton --quiet`: warnings and notices are left out, errors are not (they are thrown, not said).
        if ProcessInfo.processInfo.environment["BATON_QUIET"] != nil { return }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
