/// An account on its web server: the main user and group and its home. Deactivating locks the main user
/// (the web apps are disabled by their own backend); a delete removes the main user and archives the home.
enum AccountBackend {
    static func render(_ step: Step, context: ApplyContext, into s: inout ScriptBuilder) throws {
        let name = step.change.id.name
        let home = "/home/\(name)"
        switch step.change.action {
        case .delete:
            try s.command("if id -u", .value(name), ">/dev/null 2>&1; then userdel --", .value(name), "; fi")
            try s.command("baton_archive", .value(home), .value(context.layout.archive), .value(name))
            try s.command("if getent group", .value(name), ">/dev/null; then groupdel --", .value(name), "; fi")
        default:
            try s.command("getent group", .value(name), ">/dev/null || groupadd --", .value(name))
            // A SystemUser manifest with `main: true` customises this user; its own step runs after this one.
            try s.command(
                "id -u", .value(name), ">/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin -d", .value(home), "-g",
                .value(name), "--", .value(name))
            try s.command("baton_dir", .value(home), .value(name), .value(name), "0750")
            try s.command("baton_dir", .value(home + "/webapps"), .value(name), .value(name), "0750")
            if step.scalar("active") == "false" {
                try s.command("baton_quiet usermod -L -e 1 --", .value(name))
            } else {
                try s.command("baton_quiet usermod -e '' --", .value(name))
            }
        }
    }
}
