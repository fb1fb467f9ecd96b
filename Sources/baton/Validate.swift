import ArgumentParser
import Engine
import Foundation
import GitStore
import Logging
import Manifests
import Validation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load and validate the manifests under PATH.",
        discussion: """
            PATH may be one manifest file: its repository (the nearest folder above it with baton.yaml, .git, \
            servers/ or accounts/) is \
            validated, and only that file's diagnostics are reported. Exit status: 0 valid, 1 invalid or no \
            manifests at all, 3 Baton could not run (unreadable path and the like).

            Examples:
              baton validate examples/hosting
              baton validate examples/hosting/accounts/acme/domains.yaml
              baton validate . --rev main --format github
            """
    )

    @Argument(help: "The repository's root folder, or one manifest file in it.")
    var path: String = "."

    @Option(help: "Output format: text, json, or github (workflow annotations).")
    var format: DiagnosticFormat = .text

    @Option(
        help: ArgumentHelp(
            "Validate this revision of the git repository at PATH (a branch, tag, id or HEAD~2) instead of the work tree.",
            discussion: "The manifests are read from the revision's tree: uncommitted changes are ignored."))
    var rev: String?

    @Flag(name: .shortAndLong, help: "Also print a summary of the loaded resources.")
    var verbose = false

    @Option(
        help: ArgumentHelp(
            "Which checker checks the rendered zones: builtin, named-checkzone, both or none.",
            discussion: "Default: both when named-checkzone (bind9-utils) is installed, else builtin."))
    var zoneChecker: ZoneCheckerChoice?

    @Flag(help: "Check every zone again instead of reusing results cached in ~/.cache/baton (or $BATON_CACHE_DIR).")
    var noCache = false

    func run() throws {
        let target = try ValidationTarget.resolve(path, rev: rev)
        var logger = Logger(label: "baton.validate")
        if ProcessInfo.processInfo.environment["BATON_DEBUG"] != nil { logger.logLevel = .debug }
        let started = Date()
        let result: CheckedManifests
        do {
            if let rev {
                let repository = try RepositoryOpening.open(target.root, option: "PATH")
                result = try CheckedManifests.check(
                    try repository.source(at: rev),
                    config: try RepositoryConfig.parse(try repository.file(RepositoryConfig.fileName, at: rev) ?? []),
                    zoneChecker: zoneChecker, zoneCache: !noCache, timing: { logger.debug("\($0)") })
            } else {
                if GitFolder.isGitFolder(target.root) {
                    throw ValidateFailure(
                        description:
                            "\(path) is a git folder, not a work tree: validate the folder that holds it, or pass --rev REV to read a revision"
                    )
                }
                result = try CheckedManifests.check(
                    try DirectorySource(root: target.root), config: try RepositoryConfig.load(root: target.root),
                    zoneChecker: zoneChecker, zoneCache: !noCache, timing: { logger.debug("\($0)") })
            }
        } catch let problem as TreeProblem {
            result = .refused(problem)
        } catch {
            Terminal.error("baton: \(error)")
            throw ExitStatus.couldNotRun
        }
        let diagnostics = result.diagnostics.filter { target.file == nil || $0.location.file == target.file }
        let empty = result.manifests.count == 0
        if empty {
            Terminal.error(
                "baton: \(path)\(rev.map { " at \($0)" } ?? "") holds no manifests: nothing was validated, and a plan from it would delete every resource Baton manages; check PATH (the repository's root folder)"
            )
        }
        logger.debug("validated \(result.files) files in \(Date().timeIntervalSince(started))s")
        let report = DiagnosticReport(diagnostics: diagnostics, color: Terminal.useColor)
        switch format {
        case .text:
            print(report.text(), terminator: "")
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            let summary = ResourceSummary(result.manifests)
            if errors == 0, empty {
                print("\(path): no manifests in \(result.files) files")
            } else if errors == 0, let file = target.file {
                print(
                    "\(path): valid" + (warnings > 0 ? ", \(warnings) warning(s)" : "") + " (\(file) in \(target.root))"
                )
            } else if errors == 0 {
                print(
                    "\(path): valid: \(summary.line) in \(result.files) files"
                        + (warnings > 0 ? ", \(warnings) warning(s)" : ""))
            } else {
                print("\(path): \(errors) error(s), \(warnings) warning(s) in \(result.files) files")
            }
            if verbose { print(summary.table) }
        case .json:
            print(report.json())
        case .github:
            print(report.github(), terminator: "")
        }
        // The process ends with this command: freeing what was loaded, resource by resource (a tenth of a second on
        // one core at 10,000 accounts), would help no one.
        _ = Unmanaged.passRetained(KeptUntilExit(result))
        // A zone no checker could check is neither valid nor invalid: Baton could not do its job.
        if diagnostics.contains(where: { $0.rule == ZoneChecks.unavailable }) { throw ExitStatus.couldNotRun }
        if diagnostics.contains(where: { $0.severity == .error }) || empty { throw ExitStatus.invalid }
    }
}

/// What `validate PATH` checks: a repository's folder, or one file of it, checked with its repository (the
/// references of one file reach the others) and reported alone.
struct ValidationTarget {
    var root: String
    /// The file's path relative to `root`, as diagnostics name it.
    var file: String?

    /// With `--rev`, the file is read as that revision holds it (the work tree's copy only says which file).
    static func resolve(_ path: String, rev: String?) throws -> ValidationTarget {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else { return ValidationTarget(root: path) }
        let file = URL(fileURLWithPath: path).standardizedFileURL
        var folder = file.deletingLastPathComponent()
        var root: URL?
        while root == nil {
            let marks = ["baton.yaml", ".git", "servers", "accounts"].map { folder.appendingPathComponent($0).path }
            if marks.contains(where: { FileManager.default.fileExists(atPath: $0) }) {
                root = folder
            } else if folder.path == "/" {
                break
            } else {
                folder = folder.deletingLastPathComponent()
            }
        }
        let top = root ?? file.deletingLastPathComponent()
        return ValidationTarget(root: top.path, file: String(file.path.dropFirst(top.path.count + 1)))
    }
}

/// What a command leaves to the end of the process rather than free itself.
private final class KeptUntilExit<Value> {
    let value: Value

    init(_ value: Value) { self.value = value }
}

struct ValidateFailure: Error, CustomStringConvertible {
    var description: String
}

/// A git repository's own folder (`.git`, or a bare repository): its files are git's, never manifests.
enum GitFolder {
    static func isGitFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        return manager.fileExists(atPath: path + "/HEAD")
            && manager.fileExists(atPath: path + "/objects", isDirectory: &isDirectory) && isDirectory.boolValue
            && manager.fileExists(atPath: path + "/refs")
    }
}
