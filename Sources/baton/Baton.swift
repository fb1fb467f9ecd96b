import ArgumentParser
import Engine
import Foundation
import Zones

@main
struct Baton: ParsableCommand {
    static func main() {
        // A child that stops reading its input (named-checkzone at a fatal error) must not kill Baton.
        signal(SIGPIPE, SIG_IGN)
        ChildProcesses.stopWithBaton()
        let given: [String]
        do {
            given = try GlobalFlags.extract(Array(CommandLine.arguments.dropFirst()))
        } catch {
            exit(withError: error)
        }
        if let arguments = FastPath.checkZone(given) {
            do {
                try CheckZone.check(arguments)
                Self.exit()
            } catch {
                Self.exit(withError: error)
            }
        }
        if let unknown = HelpTopic.unknown(given) {
            // ArgumentParser answers `help nosuch` with the top-level help and exit 0: a typo would pass in a script.
            exit(withError: ValidationError("no command '\(unknown)': see `baton --help` for the commands"))
        }
        do {
            var command = try parseAsRoot(given)
            try command.run()
        } catch let error as UsageError {
            // The engine's word for an option it cannot honour: reported as ArgumentParser reports its own.
            exit(withError: ValidationError(error.description))
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Keeps web-hosting servers in the state that a git repository of YAML manifests describes.",
        discussion: """
            \(GlobalFlags.help)

            Start without servers, from a clone of Baton's repository. Shell completion: baton \
            --generate-completion-script bash|zsh|fish.

            Examples:
              baton validate examples/hosting
              baton show examples/hosting
              baton plan --repo examples/hosting
              baton help plan
            """,
        version: Version.text,
        subcommands: [
            Validate.self, PlanCommand.self, ApplyCommand.self, StatusCommand.self, LogsCommand.self, RetryCommand.self,
            DriftCommand.self, DoctorCommand.self, ReconcileCommand.self, SuspendCommand.self, ResumeCommand.self,
            MonitorCommand.self,
            Adopt.self,
            Show.self, CheckZone.self, Import.self, Render.self,
            Version.self,
        ]
    )
}

enum BuildInfo {
    static let version = EngineInfo.version
}

/// Exit codes shared by every command: see the README's table.
enum ExitStatus {
    static let invalid = ExitCode(1)
    /// `plan` and `drift`: there is something to do.
    static let changes = ExitCode(2)
    static let couldNotRun = ExitCode(3)
}
