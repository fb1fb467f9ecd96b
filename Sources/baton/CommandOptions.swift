import ArgumentParser
import Foundation

/// A command's options that take a value (`--reason`, `-m`), and its subcommands', as ArgumentParser describes
/// them: what `GlobalFlags` needs to tell a flag from the value of the option before it.
struct CommandOptions {
    var valued: Set<String>
    var subcommands: [String: CommandOptions]

    /// Nil when the description cannot be read (a later ArgumentParser that describes commands otherwise).
    init?(_ root: any ParsableCommand.Type) {
        guard let tool = try? JSONDecoder().decode(Tool.self, from: Data(root._dumpHelp().utf8)) else { return nil }
        self.init(tool.command)
    }

    init(_ command: Command) {
        valued = []
        for argument in command.arguments ?? [] where argument.kind == "option" {
            for name in argument.names ?? [] {
                valued.insert((name.kind == "long" ? "--" : "-") + name.name)
            }
        }
        subcommands = [:]
        for sub in command.subcommands ?? [] {
            let options = CommandOptions(sub)
            for name in [sub.commandName] + (sub.aliases ?? []) { subcommands[name] = options }
        }
    }

    /// `word` names an option that takes its value as the next word.
    func takesValue(_ word: String) -> Bool { valued.contains(word) }

    /// ArgumentParser's description of a command (`--experimental-dump-help`), the parts read here.
    struct Tool: Decodable { var command: Command }
    struct Command: Decodable {
        var commandName: String
        var aliases: [String]?
        var subcommands: [Command]?
        var arguments: [Argument]?
    }
    struct Argument: Decodable {
        var kind: String
        var names: [Name]?
    }
    struct Name: Decodable {
        var kind: String
        var name: String
    }
}
