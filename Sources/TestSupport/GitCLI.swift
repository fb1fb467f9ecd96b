import Foundation

/// The git command line, for building repositories by hand in tests that then read them through libgit2.
///
/// Every command gets a fixed identity and `main` as the default branch, so tests do not depend on the machine's
/// git configuration.
package enum GitCLI {
    package static let path = "/usr/bin/git"
    package static let settings = [
        "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main",
    ]

    /// A git command that may fail: its exit status and its stdout, trimmed of surrounding whitespace.
    package static func run(_ args: [String], in directory: URL) throws -> ProcessRunner.Result {
        var result = try ProcessRunner.run(path, settings + args, in: directory)
        result.stdout = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return result
    }
}
