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
            // A SystemUser manifest with `main: true` customises this user; its own step runs after this one.
            // `useradd -U` makes the user and its group at once; when either exists (9), the group is made if
            // missing and the user with it.
            try s.command(
                "baton_new=0; baton_add useradd -M -U -s /usr/sbin/nologin -d", .value(home), "--", .value(name),
                "|| baton_new=$?")
            try s.command("if [ $baton_new -eq 9 ]; then baton_add groupadd --", .value(name), "|| [ $? -eq 9 ]")
            try s.command(
                "baton_new=0; baton_add useradd -M -s /usr/sbin/nologin -d", .value(home), "-g", .value(name), "--",
                .value(name), "|| baton_new=$?")
            s.code("fi")
            s.code(
                "[ $baton_new -eq 0 ] || [ $baton_new -eq 9 ] || { [ $baton_new -ne 6 ] || printf '%s\\n' \"$baton_out\" >&2; exit $baton_new; }"
            )
            try s.command(
                "baton_user_dirs", .value(name), .value(name), "0750", .value(home),
                .value(home + "/webapps"))
            if step.scalar("active") == "false" {
                try s.command("baton_quiet usermod -L -e 1 --", .value(name))
            } else {
                // A user useradd just made has no expiry.
                try s.command("[ $baton_new -eq 0 ] || baton_quiet usermod -e '' --", .value(name))
            }
        }
    }
}
