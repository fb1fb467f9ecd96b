import ArgumentParser
import Engine
import Manifests
import Validation

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the resources declared under PATH, with where each is declared.",
        discussion: "Exit status: 0 listed, 1 the manifests have errors (they are listed too), 3 could not run."
    )

    @Argument(help: "The repository's root folder.")
    var path: String = "."

    func run() throws {
        let result: ManifestLoader.Result
        let diagnostics: [Diagnostic]
        do {
            (result, diagnostics) = try Validator.run(DirectorySource(root: path))
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        print(ResourceSummary(result.manifests).table)
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty {
            Terminal.error("\(errors.count) error(s); run `baton validate \(path)` for details")
            throw ExitStatus.invalid
        }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print Baton's version and its C libraries'.")

    func run() {
        print("baton \(BuildInfo.version)")
        print("libyaml \(YAMLLibrary.version)")
        print("libgit2 \(GitLibraryInfo.version)")
        print("libssh2 \(SSHLibraryInfo.version)")
    }
}
