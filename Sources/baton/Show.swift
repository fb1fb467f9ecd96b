import ArgumentParser
import Engine
import Foundation
import Manifests
import Validation

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the resources declared under PATH, with where each is declared.",
        discussion: """
            Loads and checks the manifests by the rules (not the zone checks: `baton validate` runs those too). \
            When the rules find errors, show lists what loaded and counts the errors; `baton validate` lists \
            them. Exit status: 0 listed, 1 the manifests have errors or there are none, 3 could not run.

            Examples:
              baton show examples/hosting
              baton show examples/hosting --format json | jq -r '.resources[].name'
            """
    )

    @Argument(help: "The repository's root folder.")
    var path: String = "."

    @Option(help: "Output format: text or json (docs/json-output.md).")
    var format: ReportFormat = .text

    func run() throws {
        let result: ManifestLoader.Result
        let diagnostics: [Diagnostic]
        do {
            (result, diagnostics) = try Validator.run(DirectorySource(root: path))
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let errors = diagnostics.filter { $0.severity == .error }
        switch format {
        case .text: print(ResourceSummary(result.manifests).table)
        case .json:
            JSONReport.print([
                "resources": ResourceSummary(result.manifests).rows.map { row -> [String: Any] in
                    var o: [String: Any] = [
                        "kind": row.kind, "name": row.name, "file": row.file, "line": row.line,
                    ]
                    o["account"] = row.account ?? NSNull()
                    return o
                },
                "errors": errors.count,
            ])
        }
        if result.manifests.count == 0 && errors.isEmpty {
            // As `validate` says it: an empty list is a wrong PATH more often than an empty repository.
            Terminal.error("baton: \(path) holds no manifests; check PATH (the repository's root folder)")
            throw ExitStatus.invalid
        }
        if !errors.isEmpty {
            Terminal.error(
                "baton: \(errors.count) error(s) by the rules (before the zone checks); `baton validate \(path)` "
                    + "lists every one with its hint")
            throw ExitStatus.invalid
        }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print Baton's version and its C libraries'.",
        discussion: """
            The first line is Baton's own version (what the Debian package carries); `baton --version` prints the \
            same.

            Examples:
              baton version
              baton version | head -1
            """)

    /// Also what `baton --version` prints: one answer to one question.
    static var text: String {
        """
        baton \(BuildInfo.version)
        libyaml \(YAMLLibrary.version)
        libgit2 \(GitLibraryInfo.version)
        libssh2 \(SSHLibraryInfo.version)
        """
    }

    func run() {
        print(Self.text)
    }
}
