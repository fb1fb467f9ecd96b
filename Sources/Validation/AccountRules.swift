import Manifests

enum AccountRules {
    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        for account in index.set.accounts {
            let o = account.origin
            if !Names.isUserName(account.name) {
                f.error(
                    o, "metadata.name", "name.account",
                    "account name '\(account.name)' does not match ^[a-z_][a-z0-9_-]{0,31}$",
                    hint:
                        "account names are also the main user's name: lower-case letters, digits, `_` and `-`, at most 32"
                )
            } else if Names.isReserved(account.name) {
                f.error(
                    o, "metadata.name", "user.reserved", "'\(account.name)' is a system name and cannot be an account",
                    hint: "choose another name; see docs/rules.md for the reserved list")
            }
            if !isEmail(account.spec.contact) {
                f.error(
                    o, "spec.contact", "account.contact", "contact '\(account.spec.contact)' is not an email address",
                    hint: "write an address such as ops@example.com")
            }
            let placement = account.spec.placement
            if let web = placement.web {
                checkServer(web, role: .web, o, "spec.placement.web", index, &f)
            }
            for (i, name) in placement.dns.enumerated() {
                checkServer(name, role: i == 0 ? .dnsPrimary : .dnsSecondary, o, "spec.placement.dns.\(i)", index, &f)
            }
        }
    }

    static func checkServer(
        _ name: String, role: ServerRole, _ o: Origin, _ path: String, _ index: RepositoryIndex, _ f: inout Findings
    ) {
        guard let server = index.servers[name] else {
            let known = index.servers.keys.sorted()
            f.error(
                o, path, "ref.server", "no Server named '\(name)'\(Suggestion.phrase(for: name, in: known))",
                hint: "declare it under servers/, or use one of: \(known.joined(separator: ", "))")
            return
        }
        if !server.spec.roles.contains(role) {
            f.error(
                o, path, "ref.server-role", "server '\(name)' does not have the role `\(role.rawValue)`",
                hint: "add `\(role.rawValue)` to its `roles`, or place the account on a server that has it")
        }
    }

    static func isEmail(_ s: String) -> Bool {
        let parts = s.splitByByte("@", omittingEmptySubsequences: false)
        // A mailbox's local part is also written into SOA records: only the characters that never need quoting.
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].hasPrefix("."), !parts[0].hasSuffix("."),
            parts[0].utf8.allSatisfy({ DNSName.isAlnum($0) || ".-_+%".utf8.contains($0) })
        else {
            return false
        }
        return parts[1].hasByte(".") && DNSName.hostProblem(String(parts[1]), allowUnderscore: false) == nil
    }
}
