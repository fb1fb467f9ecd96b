import Planning

/// An account on its web server: the main user and group and its home. Deactivating locks the main user
/// (the web apps are disabled by their own backend); a delete removes the main user and archives the home.
enum AccountBackend {
    /// The main user's shell until a `main: true` SystemUser gives it another.
    static let noLogin = "/usr/sbin/nologin"

    /// `batched`: the operation's index when the run's `UserBatch` may have made its user and group.
    static func render(_ step: Step, context: ApplyContext, batched: Int? = nil, into s: inout ScriptBuilder) throws {
        let name = step.change.id.name
        let home = "/home/\(name)"
        let names = try Prelude.names(context.layout, &s)
        switch step.change.action {
        case .delete:
            try refuseOthers(names: names, name: name, account: name, &s)
            try refuseOthers(names: names, name: name, account: name, kind: "group", &s)
            try s.command("if id -u", .value(name), ">/dev/null 2>&1; then userdel --", .value(name), "; fi")
            try s.command("baton_archive", .value(home), .value(context.layout.archive), .value(name))
            try s.command("if getent group", .value(name), ">/dev/null; then groupdel --", .value(name), "; fi")
            try removeGroups(step.list("groups"), names: names, account: name, &s)
            try s.command("rm -f --", .value("\(names)/user/\(name)"), .value("\(names)/group/\(name)"))
        default:
            // The user and group named like the account are made for it, or were: never a name the system
            // already has (a group such as docker would become the main user's primary group) or another
            // account's. What Baton applied before the register existed is taken in.
            let mode: ScriptBuilder.Word = step.previous == nil ? "new" : "adopt"
            try s.command("baton_guard", .value(names), "user", .value(name), .value(name), mode)
            try s.command("baton_guard", .value(names), "group", .value(name), .value(name), mode)
            // A SystemUser manifest with `main: true` customises this user; its own step runs after this one.
            // `useradd -U` makes the user and its group at once; when either exists (9), the group is made if
            // missing and the user with it. The run's batch may have made both already, after the same checks.
            if let batched { try s.command("if baton_made", .number(batched), "; then baton_new=0; else") }
            try s.command(
                "baton_new=0; baton_add useradd -M -U -s /usr/sbin/nologin -p", .value(SystemUserBackend.noPassword),
                "-d", .value(home), "--", .value(name), "|| baton_new=$?")
            try s.command("if [ $baton_new -eq 9 ]; then baton_add groupadd --", .value(name), "|| [ $? -eq 9 ]")
            try s.command(
                "baton_new=0; baton_add useradd -M -s /usr/sbin/nologin -p", .value(SystemUserBackend.noPassword),
                "-d", .value(home), "-g", .value(name), "--", .value(name), "|| baton_new=$?")
            s.code("fi")
            s.code(
                "[ $baton_new -eq 0 ] || [ $baton_new -eq 9 ] || { [ $baton_new -ne 6 ] || printf '%s\\n' \"$baton_out\" >&2; exit $baton_new; }"
            )
            if batched != nil { s.code("fi") }
            // The account's own groups: made for it (or taken in when applied before), the ones it dropped removed.
            let groups = step.list("groups")
            let before = Set(step.previous.map { Self.list("groups", of: $0) } ?? [])
            for group in groups {
                try s.command(
                    "baton_guard", .value(names), "group", .value(group), .value(name),
                    before.contains(group) ? "adopt" : "new")
                try s.command("getent group", .value(group), ">/dev/null || baton_quiet groupadd --", .value(group))
            }
            try removeGroups(before.subtracting(groups).sorted(), names: names, account: name, &s)
            // Nobody lists the homes of others: /home is passed through, not read.
            try Prelude.sharedFolder("/home", "root root 0711", &s)
            try s.command(
                "baton_user_dirs", .value(name), .value(name), "0750", .value(home),
                .value(home + "/webapps"))
            // The main user's operation, next, finds its home set already.
            try s.command("baton_home_set", .value(name))
            if step.scalar("active") == "false" {
                try s.command("baton_quiet usermod -L -e 1 --", .value(name))
            } else {
                // A user useradd just made has no expiry.
                try s.command("[ $baton_new -eq 0 ] || baton_quiet usermod -e '' --", .value(name))
            }
        }
    }

    static func list(_ name: String, of state: Planning.ResourceState) -> [String] {
        if case .list(let items)? = state.value(name) { return items }
        return []
    }

    /// Groups the account no longer declares: removed when the register gives them to this account.
    static func removeGroups(_ groups: [String], names: String, account: String, _ s: inout ScriptBuilder) throws {
        for group in groups {
            try s.command(
                "if baton_ours", .value(names), "group", .value(group), .value(account), "; then if getent group",
                .value(group), ">/dev/null; then groupdel --", .value(group), "; fi; rm -f --",
                .value("\(names)/group/\(group)"), "; fi")
        }
    }

    /// A delete never removes a user or group that the register gives to another account.
    static func refuseOthers(
        names: String, name: String, account: String, kind: String = "user", _ s: inout ScriptBuilder
    ) throws {
        try s.command(
            "if [ -f", .value("\(names)/\(kind)/\(name)"), "] && ! baton_ours", .value(names), .value(kind),
            .value(name), .value(account), "; then echo",
            .value("baton: the \(kind) \(name) on this server belongs to another account than \(account): not removed"),
            ">&2; exit 1; fi")
    }
}
