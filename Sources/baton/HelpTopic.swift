import ArgumentParser

/// `baton help A B`: the command path it asks about, checked against the command tree.
enum HelpTopic {
    /// The first name of `help`'s path that is no command, if any.
    static func unknown(_ arguments: [String]) -> String? {
        guard arguments.first == "help" else { return nil }
        var commands: [any ParsableCommand.Type] = Baton.configuration.subcommands
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            guard let found = commands.first(where: { $0._commandName == name }) else { return name }
            commands = found.configuration.subcommands
        }
        return nil
    }
}
