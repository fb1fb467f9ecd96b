import ArgumentParser
import Engine
import Foundation
import GitStore
import Manifests

/// `baton suspend` and `baton resume`: commit `suspend: true` (or false) in the repository's baton.yaml, as a
/// person would, so that the switch is in git's history with who flipped it and why.
struct SuspendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspend",
        abstract: "Stop the daemon from applying: commit `suspend: true` in baton.yaml.",
        discussion: """
            The daemon (`baton reconcile`) goes on fetching, validating, planning, checking drift and sites, and \
            reporting on /status, and applies nothing until `baton resume`. A person's `baton apply` still applies. \
            The commit is made on the checked-out branch by the user git's configuration names, with baton.yaml \
            alone; push it (or pass --push) for the daemon to see it.

            Examples:
              baton suspend -m "migrating web1 by hand"
              baton resume --push
            """)

    @Option(help: "The git repository (its work tree).") var repo: String = "."
    @Option(name: .shortAndLong, help: "The commit message (default: baton: suspend applying).") var message: String?
    @Flag(help: "Push the branch to origin after the commit.") var push = false

    func run() throws { try Self.set(true, repo: repo, message: message, push: push) }

    static func set(_ suspend: Bool, repo: String, message: String?, push: Bool) throws {
        let repository: GitRepository
        do { repository = try GitRepository(path: repo) } catch {
            Terminal.error("baton: " + Planned.notARepository(repo, error))
            throw ExitStatus.couldNotRun
        }
        let path =
            repository.prefix.isEmpty ? RepositoryConfig.fileName : repository.prefix + "/" + RepositoryConfig.fileName
        let word = suspend ? "suspended" : "not suspended"
        do {
            let current = try repository.file(RepositoryConfig.fileName, at: "HEAD") ?? []
            guard try RepositoryConfig.parse(current).suspend != suspend else {
                print("Already \(word): \(path) at HEAD says suspend: \(suspend). Nothing committed.")
                return
            }
            let edited = Self.edit(current, suspend: suspend)
            guard (try? RepositoryConfig.parse(edited))?.suspend == suspend else {
                Terminal.error(
                    "baton: \(path) is written in a form this command cannot edit (a flow mapping?); set "
                        + "`suspend: \(suspend)` at its top level by hand and commit it")
                throw ExitStatus.invalid
            }
            let made = try repository.commitWorkTreeFile(
                path, contents: edited,
                message: message ?? (suspend ? "baton: suspend applying" : "baton: resume applying"))
            print(
                "Committed \(made.commit.description.prefix(12)) on \(made.branch): \(path) says suspend: \(suspend).")
            if push {
                try repository.push(
                    to: "origin", refspecs: ["refs/heads/\(made.branch):refs/heads/\(made.branch)"],
                    options: RemoteConfiguration.options())
                print("Pushed \(made.branch) to origin.")
            } else {
                print("Push it (git push) for the daemon to see it.")
            }
        } catch let error as GitError {
            Terminal.error("baton: \(error.message)")
            throw ExitStatus.invalid
        } catch let error as SourceError {
            Terminal.error("baton: \(error)")
            throw ExitStatus.invalid
        }
    }

    /// baton.yaml with its top-level `suspend:` line set, or one added at the end; every other line as it was.
    static func edit(_ bytes: [UInt8], suspend: Bool) -> [UInt8] {
        let line = "suspend: \(suspend)"
        var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        if let index = lines.firstIndex(where: { $0.hasPrefix("suspend:") }) {
            lines[index] = line
            return Array(lines.joined(separator: "\n").utf8)
        }
        if lines.last == "" { lines.removeLast() }
        return Array((lines + [line, ""]).joined(separator: "\n").utf8)
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Let the daemon apply again: commit `suspend: false` in baton.yaml.",
        discussion: """
            Undoes `baton suspend`, with a commit on the checked-out branch; push it (or pass --push) for the \
            daemon to see it. Its next round applies what the plan holds.

            Examples:
              baton resume -m "web1 migrated" --push
            """)

    @Option(help: "The git repository (its work tree).") var repo: String = "."
    @Option(name: .shortAndLong, help: "The commit message (default: baton: resume applying).") var message: String?
    @Flag(help: "Push the branch to origin after the commit.") var push = false

    func run() throws { try SuspendCommand.set(false, repo: repo, message: message, push: push) }
}
