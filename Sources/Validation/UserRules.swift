import Manifests

enum UserRules {
    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        for user in index.set.systemUsers {
            let o = user.origin
            let spec = user.spec
            if !Names.isUserName(user.name) {
                f.error(
                    o, "metadata.name", "name.user", "user name '\(user.name)' does not match ^[a-z_][a-z0-9_-]{0,31}$",
                    hint: "use lower-case letters, digits, `_` and `-`, starting with a letter or `_`, at most 32")
                continue
            }
            if Names.isReserved(user.name) {
                f.error(
                    o, "metadata.name", "user.reserved", "'\(user.name)' is a system user name",
                    hint: "choose another name; see docs/rules.md for the reserved list")
                continue
            }
            // The implicit main user of another account has this name.
            if index.accounts.contains(user.name), user.name != spec.account {
                f.error(
                    o, "metadata.name", "user.duplicate",
                    "'\(user.name)' is the main user of account '\(user.name)'; user names are unique across accounts",
                    hint: "choose another name, e.g. `\(spec.account)-\(user.name)`")
            }
            if spec.main != (user.name == spec.account) {
                let message =
                    spec.main
                    ? "a main user must be named like its account ('\(spec.account)')"
                    : "'\(user.name)' is the main user of account '\(spec.account)' and must say `main: true`"
                f.error(
                    o, spec.main ? "spec.main" : "metadata.name", "user.main-name", message,
                    hint: spec.main ? "rename the user to '\(spec.account)' or remove `main: true`" : "add `main: true`"
                )
            }
            checkHome(user, index, &f)
            if !SystemUserSpec.shells.contains(spec.shell) {
                f.error(
                    o, "spec.shell", "user.shell", "shell '\(spec.shell)' is not offered",
                    hint: "use one of: \(SystemUserSpec.shells.joined(separator: ", "))")
            }
            for (i, group) in spec.groups.enumerated() where !Names.isUserName(group) {
                f.error(
                    o, "spec.groups.\(i)", "user.group", "group name '\(group)' is not valid",
                    hint: "group names follow the user-name pattern ^[a-z_][a-z0-9_-]{0,31}$")
            }
            for (i, key) in spec.authorizedKeys.enumerated() {
                if let problem = authorizedKeyProblem(key) {
                    f.error(
                        o, "spec.authorizedKeys.\(i)", "user.authorized-key", "authorized key \(i + 1) \(problem)",
                        hint: "paste one line of a `.pub` file, e.g. `ssh-ed25519 AAAA... user@laptop`")
                }
            }
            if let hash = spec.passwordHash { checkHash(hash, o, &f) }
        }
    }

    static func checkHome(_ user: SystemUser, _ index: RepositoryIndex, _ f: inout Findings) {
        let o = user.origin
        let mainHome = RepositoryIndex.mainHome(user.spec.account)
        guard let home = user.spec.home else { return }
        if let problem = PathRules.absoluteProblem(home) {
            f.error(o, "spec.home", "home.\(problem.check)", problem.message, hint: problem.hint)
            return
        }
        if user.spec.main || user.name == user.spec.account {
            if home != mainHome {
                f.error(
                    o, "spec.home", "home.main", "a main user's home is exactly \(mainHome), not '\(home)'",
                    hint: "remove `home:` or write `home: \(mainHome)`")
            }
            return
        }
        if PathRules.isInside(home, mainHome) { return }
        if let other = index.accounts.keys.first(where: {
            $0 != user.spec.account && PathRules.isInside(home, RepositoryIndex.mainHome($0))
        }) {
            f.error(
                o, "spec.home", "home.other-account", "'\(home)' lies inside the home of account '\(other)'",
                hint: "a user's home stays inside its own account's home, \(mainHome)")
        } else {
            f.error(
                o, "spec.home", "home.secondary", "a secondary user's home must be \(mainHome) or a folder below it",
                hint: "write e.g. `home: \(mainHome)/\(user.name)`, or remove `home:` to share the main home")
        }
    }

    /// Crypt strings: `$6$[rounds=N$]salt$hash`, `$5$`, `$y$`, `$gy$`, `$7$`, `$2a|b|y$NN$`; `!` in front locks.
    static func checkHash(_ hash: String, _ o: Origin, _ f: inout Findings) {
        var text = Substring(hash)
        if text.hasPrefix("!") { text = text.dropFirst() }
        guard text.hasPrefix("$") else {
            f.error(
                o, "spec.passwordHash", "secret.plaintext-password",
                "passwordHash does not look like a crypt string; plaintext passwords are not accepted",
                hint:
                    "store only a hash, e.g. from `mkpasswd -m yescrypt` or `openssl passwd -6`, and rotate this password"
            )
            return
        }
        if !isCrypt(text) {
            f.error(
                o, "spec.passwordHash", "secret.password-hash", "passwordHash is not a well-formed crypt string",
                hint:
                    "use a SHA-512 ($6$), SHA-256 ($5$), yescrypt ($y$) or bcrypt ($2b$) hash, e.g. from `mkpasswd -m sha-512`"
            )
        }
    }

    static func isCrypt(_ s: Substring) -> Bool {
        let fields = s.splitByByte("$", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].isEmpty else { return false }
        let b64 = { (x: Substring) in
            !x.isEmpty && x.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "/") }
        }
        switch fields[1] {
        case "5", "6":
            var rest = fields.dropFirst(2)
            if rest.first?.hasPrefix("rounds=") == true {
                guard Int(rest.first!.dropFirst(7)) != nil else { return false }
                rest = rest.dropFirst()
            }
            let expected = fields[1] == "6" ? 86 : 43
            guard rest.count == 2, let salt = rest.first, let digest = rest.last else { return false }
            return (1...16).contains(salt.count) && b64(salt) && digest.count == expected && b64(digest)
        case "y", "gy", "7":
            guard fields.count == 5 else { return false }
            return fields[2...].allSatisfy(b64) && fields[4].count >= 43
        case "2a", "2b", "2y":
            guard fields.count == 4, let cost = Int(fields[2]), (4...31).contains(cost) else { return false }
            return fields[3].count == 53 && b64(fields[3])
        default:
            return false
        }
    }

    static func authorizedKeyProblem(_ line: String) -> String? {
        if line.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return "spans several lines or holds a control character; give one key per item"
        }
        // Split by bytes when the line is ASCII (controls are refused above): a byte is then a Character, and the
        // words are the ones a split by Characters gives.
        let parts =
            line.utf8.allSatisfy { $0 < 0x80 }
            ? line.utf8.split(separator: UInt8(ascii: " ")).map { Substring($0) } : line.split(separator: " ")
        guard
            let typeIndex = parts.firstIndex(where: { ServerRules.keyTypes.contains(String($0)) || $0.hasPrefix("sk-") }
            )
        else { return "has no known key type (ssh-ed25519, ecdsa-sha2-nistp256, ...)" }
        guard typeIndex + 1 < parts.count else { return "has a type but no key data" }
        // The words from the type on, as `hostKeyProblem` would split them again from the line they make.
        return ServerRules.hostKeyProblem(parts: parts[typeIndex...]) == nil
            || parts[typeIndex].hasPrefix("sk-")
            ? nil : "has key data that is not a valid \(parts[typeIndex]) key"
    }
}
