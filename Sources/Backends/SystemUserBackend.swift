/// System users: `useradd`/`usermod`/`userdel`, homes with mode 0750 that are never reached through a
/// symbolic link, `authorized_keys`, the password hash, and locking. A deleted user's home is archived unless
/// the manifest said `purge`.
enum SystemUserBackend {
    /// The password field of a user that has none: no password matches it, and it is not a lock.
    static let noPassword = "*"

    /// `batched`: the operation's index when the run's `UserBatch` may have made its user (or, for a main
    /// user, set its fields on the user its account's operation made).
    static func render(_ step: Step, context: ApplyContext, batched: Int? = nil, into s: inout ScriptBuilder) throws {
        let name = step.change.id.name
        let account = step.change.account
        let names = try Prelude.names(context.layout, &s)
        switch step.change.action {
        case .delete:
            try AccountBackend.refuseOthers(names: names, name: name, account: step.previous?.account ?? account, &s)
            try delete(
                name: name, home: step.scalar("home"), purge: step.scalar("purge") == "true", names: names, context,
                &s)
        case .replace:
            if let previous = step.previous {
                try AccountBackend.refuseOthers(names: names, name: name, account: previous.account, &s)
                try delete(name: name, home: previous.scalar("home"), purge: false, names: names, context, &s)
            }
            try converge(step, name: name, account: account, names: names, context, &s)
        case .create, .update, .move:
            try converge(step, name: name, account: account, names: names, batched: batched, context, &s)
        }
    }

    static func converge(
        _ step: Step, name: String, account: String, names: String, batched: Int? = nil, _ context: ApplyContext,
        _ s: inout ScriptBuilder
    ) throws {
        guard let home = step.scalar("home"), let shell = step.scalar("shell") else {
            throw BackendError(description: "SystemUser \(name): no home or shell in its applied form")
        }
        // One useradd with every field for a new user, one usermod for one that exists: each of them rewrites
        // the account files, so they are not split per field. `baton_add` says which (9: it exists); useradd
        // says 6 when the group is missing (checked before the name), so the group is made only then.
        // The user is made for this account (or was); its groups are the account's on this server: the main one
        // (made by the account's own step, which ran before) and those the account declared. A group the
        // system has (sudo, docker) or another account's never gains a member.
        try s.command(
            "baton_guard", .value(names), "user", .value(name), .value(account),
            step.previous == nil ? "new" : "adopt")
        try s.command("baton_guard", .value(names), "group", .value(account), .value(account), "adopt")
        for group in step.list("groups") where group != account {
            try s.command(
                "baton_ours", .value(names), "group", .value(group), .value(account), "|| { echo",
                .value("baton: \(group) is not a group of account \(account) on this server: \(name) does not join it"),
                ">&2; exit 1; }")
        }
        let groups = step.list("groups").joined(separator: ",")
        let hash = context.users[name]?.spec.passwordHash
        // No hash: no password, `*`. useradd's default `!` reads as a locked account to an sshd without PAM,
        // which then refuses the user's keys too; `!` is left to mean locked (a deactivated account).
        let fields: [ScriptBuilder.Word] = [
            "-s", .value(shell), "-d", .value(home), "-g", .value(account), "-p", .value(hash ?? noPassword),
        ]
        let useradd: [ScriptBuilder.Word] =
            ["baton_new=0; baton_add useradd -M"] + fields + (groups.isEmpty ? [] : ["-G", .value(groups)])
            + ["--", .value(name), "|| baton_new=$?"]
        // The run's batch may have made the user already (with every field), after the same checks.
        if let batched { try s.command("if baton_made", .number(batched), "; then baton_new=0; else") }
        try s.command(useradd)
        try s.command("if [ $baton_new -eq 6 ]; then baton_add groupadd --", .value(account), "|| [ $? -eq 9 ]")
        try s.command(useradd)
        s.code("fi")
        try s.command(
            ["if [ $baton_new -eq 9 ]; then baton_quiet usermod"] + fields + ["-G", .value(groups), "--", .value(name)]
                + [
                    "; elif [ $baton_new -eq 6 ]; then printf '%s\\n' \"$baton_out\" >&2; exit 6; elif [ $baton_new -ne 0 ]; then exit $baton_new; fi"
                ])
        if batched != nil { s.code("fi") }
        let mainHome = "/home/\(account)"
        let sharesMainHome = step.scalar("main") != "true" && home == mainHome
        if step.scalar("main") != "true" {
            // A secondary user lives in or under the main user's home: it may pass through, no more.
            try s.command(
                "if command -v setfacl >/dev/null; then baton_setfacl status - - -m", .value("u:\(name):--x"), "--",
                .value(mainHome),
                "|| echo 'baton: no ACL support here: the secondary user may not reach its home' >&2; fi")
        }
        let keys = step.list("authorizedKeys")
        if sharesMainHome {
            // Its ~/.ssh is the main user's: installing keys there would hand the main user's login over.
            if !keys.isEmpty {
                try s.command(
                    "echo",
                    .value("baton: \(name) shares the home of \(account): give it a home of its own for its keys"),
                    ">&2; exit 1")
            }
        } else {
            let text = Array(keys.map { $0 + "\n" }.joined().utf8)
            if ScriptBuilder.fitsAWord(text) {
                try s.command("baton_home", .value(home), .value(name), .value(account), .value(bytes: text))
            } else {
                try s.command(["baton_home", .value(home), .value(name), .value(account)], stdin: text)
            }
        }
        if step.scalar("active") == "false" {
            // An expired account refuses every login, keys included; data stays.
            try s.command("baton_quiet usermod -L -e 1 --", .value(name))
        } else if hash?.hasPrefix("!") == true {
            // The hash itself says locked: only an expiry of a deactivation is undone.
            try s.command("baton_unlock", .value(name), "expiry")
        } else {
            // A new user has no expiry, and its password is the hash given or none (`*`): only a user that
            // existed may have been locked or expired.
            try s.command("[ $baton_new -eq 0 ] || baton_unlock", .value(name))
        }
    }

    static func delete(
        name: String, home: String?, purge: Bool, names: String, _ context: ApplyContext, _ s: inout ScriptBuilder
    ) throws {
        try s.command("if id -u", .value(name), ">/dev/null 2>&1; then userdel --", .value(name), "; fi")
        try s.command("rm -f --", .value("\(names)/user/\(name)"))
        guard let home, home.hasPrefix("/home/"), home.count > 6 else { return }
        if purge {
            try s.command("baton_rm_tree", .value(home))
        } else {
            try s.command("baton_archive", .value(home), .value(context.layout.archive), .value(name))
        }
    }
}
