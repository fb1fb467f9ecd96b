/// The strict name patterns. Every name that may reach a remote shell is checked here first.
package enum Names {
    /// `^[a-z_][a-z0-9_-]{0,31}$`, as useradd's default NAME_REGEX, without the trailing `$` it allows.
    package static func isUserName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...32).contains(b.count), b[0] == UInt8(ascii: "_") || isLower(b[0]) else { return false }
        return b.dropFirst().allSatisfy {
            isLower($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// `^[a-z0-9][a-z0-9_-]{0,31}$`.
    package static func isWebAppName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...32).contains(b.count), isLower(b[0]) || isDigit(b[0]) else { return false }
        return b.dropFirst().allSatisfy {
            isLower($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// A DNS label in lower case: `^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`.
    package static func isServerName(_ s: String) -> Bool {
        DNSName.isLDHLabel(Substring(s)) && s == s.lowercased()
    }

    /// Names of users and groups that belong to the system or to the software a hosting server runs: Debian's
    /// base-passwd (static and dynamic), the daemons Baton configures, and the privileged groups packages add
    /// (`docker`, `lxd`, `libvirt`, `ssl-cert`...). A tenant's account, user or group with one of these names
    /// would be, or join, what the system already has. The list is documented in docs/rules.md (`user.reserved`).
    package static let reservedNames: Set<String> = [
        // base-passwd: static users and groups, then the dynamic ones
        "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data",
        "backup", "list", "irc", "gnats", "nobody", "nogroup", "adm", "tty", "disk", "kmem", "dialout", "fax", "voice",
        "cdrom", "floppy", "tape", "sudo", "audio", "dip", "operator", "src", "shadow", "utmp", "video", "sasl",
        "plugdev", "staff", "users", "input", "kvm", "render", "sgx", "netdev", "crontab", "messagebus", "ssh",
        "lpadmin", "scanner", "bluetooth", "ssl-cert", "mlocate", "plocate", "tss", "uuidd", "polkitd", "avahi",
        "colord", "pulse", "pulse-access", "rtkit", "lightdm", "usbmux", "tcpdump", "statd", "rpc", "rpcuser", "ntp",
        "chrony", "dnsmasq", "landscape", "pollinate", "syslog", "fwupd-refresh", "geoclue", "saned", "sambashare",
        "wireshark", "admin", "administrator", "wheel", "halt", "shutdown", "ftp", "sshd",
        // container and virtualisation hosts: membership is root on the machine
        "docker", "lxd", "libvirt", "libvirt-qemu", "libvirt-dnsmasq", "qemu", "incus", "incus-admin", "podman",
        // the services Baton configures, and their neighbours on a hosting server
        "bind", "named", "nginx", "apache", "apache2", "httpd", "php", "php-fpm", "postfix", "postdrop", "exim",
        "dovecot", "dovenull", "vmail", "mysql", "mariadb", "postgres", "redis", "memcache", "memcached", "mongodb",
        "opendkim", "opendmarc", "spamd", "clamav", "amavis", "certbot", "letsencrypt", "prometheus", "grafana",
        "zabbix", "nagios", "munin", "git", "gitlab", "jenkins", "baton",
    ]

    /// Prefixes that Debian and systemd keep for system accounts (`_apt`, `_chrony`, `systemd-network`,
    /// `Debian-exim`).
    package static let reservedPrefixes = ["_", "systemd-", "debian-"]

    package static func isReserved(_ s: String) -> Bool {
        reservedNames.contains(s) || reservedPrefixes.contains { s.hasPrefix($0) }
    }

    static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
