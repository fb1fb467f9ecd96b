/// The strict name patterns. Every name that may reach a remote shell is checked here first.
public enum Names {
    /// `^[a-z_][a-z0-9_-]{0,31}$`, as useradd's default NAME_REGEX, without the trailing `$` it allows.
    public static func isUserName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...32).contains(b.count), b[0] == UInt8(ascii: "_") || isLower(b[0]) else { return false }
        return b.dropFirst().allSatisfy {
            isLower($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// `^[a-z0-9][a-z0-9_-]{0,31}$`.
    public static func isWebAppName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...32).contains(b.count), isLower(b[0]) || isDigit(b[0]) else { return false }
        return b.dropFirst().allSatisfy {
            isLower($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// A DNS label in lower case: `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`.
    public static func isServerName(_ s: String) -> Bool {
        DNSName.isLDHLabel(Substring(s)) && s == s.lowercased()
    }

    /// Names that belong to the system or to the services Baton configures.
    public static let reservedUsers: Set<String> = [
        "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data",
        "backup", "list", "irc", "gnats", "nobody", "nogroup", "_apt", "messagebus", "sshd", "bind", "named", "nginx",
        "postfix", "mysql", "postgres", "redis", "memcache", "dovecot", "admin", "administrator", "ftp", "operator",
        "halt", "shutdown", "systemd-network", "systemd-resolve", "systemd-timesync", "systemd-journal", "polkitd",
        "tss", "uuidd", "staff", "adm", "sudo", "wheel", "shadow", "utmp", "tty", "disk", "kmem", "baton",
    ]

    public static func isReservedUser(_ s: String) -> Bool {
        reservedUsers.contains(s) || s.hasPrefix("systemd-")
    }

    static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
