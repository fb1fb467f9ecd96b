import Planning

/// Every new user and group of a server's run, made at once before the operations (`useradd` rewrites the
/// account files and flushes caches for each one, about 10 ms a call, and a first apply of 200 accounts made
/// 1,000 of them). Each operation keeps its own checks and outcome: the batch makes only what the operation
/// itself would make, checked the way it would check it, and the operation then reads the verdict
/// (`baton_made INDEX`) instead of calling `useradd`. Whatever the batch does not make, or a batch that cannot
/// run at all, leaves the operation to do it itself as before. See docs/apply.md, "Users made at once".
struct UserBatch {
    /// What the batch does for one operation: a line of its input (tab-separated, checked plain).
    enum Record: Equatable {
        /// An Account created: its user and group as `useradd -U` makes them, then its declared groups.
        case account(name: String, groups: [String])
        /// The account's main SystemUser, created in the same run: its fields set on the user the batch just
        /// made for the account (what the main user's `usermod` would do).
        case main(name: String, shell: String, home: String, hash: String, groups: [String])
        /// Any other SystemUser created: `useradd -M -g ACCOUNT -G GROUPS`.
        case user(name: String, account: String, shell: String, home: String, hash: String, groups: [String])
    }

    /// Operation index to its record.
    private(set) var records: [Int: Record] = [:]

    var isEmpty: Bool { records.isEmpty }

    func batched(_ index: Int) -> Bool { records[index] != nil }

    /// No batch: every operation makes its own users.
    init() {}

    /// The records of a server's steps (one operation per step, in order). Only creates are batched; a name
    /// that any other step of the run also claims (a delete, a rename, two accounts declaring one group) is left
    /// to the operations, in their order.
    init(_ steps: [Step], context: ApplyContext) {
        var claims: [String: Int] = [:]
        for step in steps {
            for claim in Self.claims(step) { claims[claim, default: 0] += 1 }
        }
        var accounts = Set<String>()
        for (index, step) in steps.enumerated() where step.change.action == .create {
            guard Self.claims(step).allSatisfy({ claims[$0] == 1 }), let record = record(step, context, accounts)
            else { continue }
            if case .account(let name, _) = record { accounts.insert(name) }
            records[index] = record
        }
    }

    /// The names a step makes or removes: `user:NAME`, `group:NAME`. A main user claims nothing of its own:
    /// its name is its account's.
    static func claims(_ step: Step) -> [String] {
        let name = step.change.id.name
        switch step.change.id.kind {
        case .account:
            return ["user:\(name)", "group:\(name)"] + step.list("groups").map { "group:\($0)" }
        case .systemUser:
            return step.scalar("main") == "true" && name == step.change.account ? [] : ["user:\(name)"]
        default:
            return []
        }
    }

    private func record(_ step: Step, _ context: ApplyContext, _ accounts: Set<String>) -> Record? {
        let name = step.change.id.name
        let groups = step.list("groups")
        guard Self.isName(name), groups.allSatisfy(Self.isName) else { return nil }
        switch step.change.id.kind {
        case .account:
            // An account depends on nothing on its server: it is never skipped, so nothing made for it is ever
            // taken back.
            guard step.desired?.dependsOn.isEmpty ?? false else { return nil }
            return .account(name: name, groups: groups)
        case .systemUser:
            let account = step.change.account
            let hash = context.users[name]?.spec.passwordHash ?? SystemUserBackend.noPassword
            guard let home = step.scalar("home"), let shell = step.scalar("shell"), Self.isField(home),
                Self.isField(shell), Self.isField(hash), Self.isName(account)
            else { return nil }
            if step.scalar("main") == "true" {
                guard name == account, accounts.contains(account) else { return nil }
                return .main(name: name, shell: shell, home: home, hash: hash, groups: groups)
            }
            return .user(name: name, account: account, shell: shell, home: home, hash: hash, groups: groups)
        default:
            return nil
        }
    }

    /// A user or group name the batch takes as is: what Baton's validation allows, and no separator of the
    /// input or of the account files.
    static func isName(_ text: String) -> Bool {
        guard let first = text.utf8.first, first != UInt8(ascii: "-"), text.utf8.count <= 64 else { return false }
        return text.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    /// A field of passwd or shadow (home, shell, hash): printable ASCII without `:`. Anything else is left to
    /// useradd, which refuses it with its own message as before.
    static func isField(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
    }

    /// The batch's input, one line per record in operation order.
    var input: [UInt8] {
        var lines: [String] = []
        for index in records.keys.sorted() {
            let fields: [String]
            switch records[index]! {
            case .account(let name, let groups):
                fields = [
                    "A", String(index), name, "/home/\(name)", AccountBackend.noLogin, SystemUserBackend.noPassword,
                    groups.joined(separator: ","),
                ]
            case .main(let name, let shell, let home, let hash, let groups):
                fields = ["M", String(index), name, shell, home, hash, groups.joined(separator: ",")]
            case .user(let name, let account, let shell, let home, let hash, let groups):
                fields = ["U", String(index), name, account, shell, home, hash, groups.joined(separator: ",")]
            }
            lines.append(fields.joined(separator: "\t") + "\n")
        }
        return Array(lines.joined().utf8)
    }

    /// The step before the operations: the register's folders, the input, the program, and its run. It never
    /// fails the run: when it cannot do its work, every operation does its own.
    func prepare(_ layout: ServerLayout) throws -> ScriptBuilder? {
        guard !isEmpty else { return nil }
        var s = ScriptBuilder()
        let names = try Prelude.names(layout, &s)
        try s.command(["base64 -d > \"$baton_run/users.in\""], stdin: input)
        s.code("cat > \"$baton_run/users.pl\" <<'_BATON_PL_'")
        s.code(UserBatchProgram.text)
        s.code("_BATON_PL_")
        try s.command(
            "if command -v perl >/dev/null; then perl -- \"$baton_run/users.pl\"", .value(names),
            "\"$baton_run\"; else echo 'baton: no perl here: each operation makes its own users' >&2; fi")
        return s
    }

    /// What a skipped operation takes back: the user the batch made for it (or, for a main user, the fields
    /// it set), and the names it registered for it. The operation's own code never ran, so nothing else is
    /// there to undo.
    func undo(_ index: Int, _ layout: ServerLayout) throws -> ScriptBuilder? {
        guard let record = records[index] else { return nil }
        var s = ScriptBuilder()
        switch record {
        case .account:
            // Never skipped: an account depends on nothing on its server (see `record`).
            return nil
        case .main(let name, _, _, _, _):
            // Back to what the account's own operation made: no login, no password, no other group.
            try s.command(
                "if baton_made", .number(index), "; then baton_quiet usermod -s", .value(AccountBackend.noLogin),
                "-d", .value("/home/\(name)"), "-p", .value(SystemUserBackend.noPassword), "-G '' --",
                .value(name), "; fi")
        case .user(let name, _, _, _, _, _):
            try s.command("if baton_made", .number(index), "; then baton_quiet userdel --", .value(name), "; fi")
        }
        try s.command("baton_unregister", .value(layout.state + "/names"), .number(index))
        return s
    }
}
