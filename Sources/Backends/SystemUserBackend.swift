/// System users: `useradd`/`usermod`/`userdel`, homes with mode 0750 that are never reached through a
/// symbolic link, `authorized_keys`, the password hash, and locking. A deleted user's home is archived unless
/// the manifest said `purge`.
enum SystemUserBackend {
    static func render(_ step: Step, context: ApplyContext, into s: inout ScriptBuilder) throws {
        let name = step.change.id.name
        let account = step.change.account
        switch step.change.action {
        case .delete:
            try delete(name: name, home: step.scalar("home"), purge: step.scalar("purge") == "true", context, &s)
        case .replace:
            if let previous = step.previous {
                try delete(
                    name: name, home: previous.scalar("home"), purge: false, context, &s)
            }
            try converge(step, name: name, account: account, context, &s)
        case .create, .update, .move:
            try converge(step, name: name, account: account, context, &s)
        }
    }

    static func converge(
        _ step: Step, name: String, account: String, _ context: ApplyContext, _ s: inout ScriptBuilder
    ) throws {
        guard let home = step.scalar("home"), let shell = step.scalar("shell") else {
            throw BackendError(description: "SystemUser \(name): no home or shell in its applied form")
        }
        try s.command("getent group", .value(account), ">/dev/null || groupadd --", .value(account))
        try s.command(
            "if id -u", .value(name), ">/dev/null 2>&1; then baton_quiet usermod -s", .value(shell), "-d", .value(home),
            "-g",
            .value(account), "--", .value(name), "; else useradd -M -s", .value(shell), "-d", .value(home), "-g",
            .value(account), "--", .value(name), "; fi")
        try s.command("baton_quiet usermod -G", .value(step.list("groups").joined(separator: ",")), "--", .value(name))
        let mainHome = "/home/\(account)"
        let sharesMainHome = step.scalar("main") != "true" && home == mainHome
        if !sharesMainHome {
            try s.command("baton_dir", .value(home), .value(name), .value(account), "0750")
        }
        if step.scalar("main") != "true" {
            // A secondary user lives in or under the main user's home: it may pass through, no more.
            try s.command(
                "if command -v setfacl >/dev/null; then setfacl -m", .value("u:\(name):--x"), "--", .value(mainHome),
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
            try s.command("baton_dir", .value(home + "/.ssh"), .value(name), .value(account), "0700")
            try s.write(Array(keys.map { $0 + "\n" }.joined().utf8), to: home + "/.ssh/authorized_keys", mode: "0600")
            try s.command("chown -h --", .value("\(name):\(account)"), .value(home + "/.ssh/authorized_keys"))
        }
        if let hash = context.users[name]?.spec.passwordHash {
            try s.command("baton_quiet usermod -p", .value(hash), "--", .value(name))
        }
        if step.scalar("active") == "false" {
            // An expired account refuses every login, keys included; data stays.
            try s.command("baton_quiet usermod -L -e 1 --", .value(name))
        } else {
            try s.command(
                "usermod -U -e '' --", .value(name), "2>/dev/null || baton_quiet usermod -e '' --", .value(name))
        }
    }

    static func delete(
        name: String, home: String?, purge: Bool, _ context: ApplyContext, _ s: inout ScriptBuilder
    ) throws {
        try s.command("if id -u", .value(name), ">/dev/null 2>&1; then userdel --", .value(name), "; fi")
        guard let home, home.hasPrefix("/home/"), home.count > 6 else { return }
        if purge {
            try s.command("baton_safe_path", .value(home), "&& rm -rf --one-file-system --", .value(home))
        } else {
            try s.command("baton_archive", .value(home), .value(context.layout.archive), .value(name))
        }
    }
}
