import Foundation
import Manifests
import Validation
import XCTest

/// Every rule id the loader and the validator can emit, each with a mistake that must trigger it (at a
/// file and line worked out from the YAML below) and a close variant that must not.
///
/// Each case adds files to (or replaces files of) `BaseRepository`, which on its own is valid. Most added
/// files are written with `doc(kind, name, spec...)`, whose layout is fixed:
///
///     1  apiVersion: baton/v1
///     2  kind: <kind>
///     3  metadata:
///     4    name: <name>
///     5  spec:
///     6    <spec line 1>
///     7    <spec line 2>   (spec line k is file line 5 + k)
final class RuleCatalogTests: XCTestCase {
    struct RuleCase: Sendable, CustomStringConvertible {
        var rule: String
        var summary: String
        /// Files added to the base repository, or replacing one of its files, to make the mistake.
        var failing: [String: String]
        /// Where the diagnostic must be reported.
        var file: String
        var line: Int
        /// The close variant that must not produce `rule`.
        var passing: [String: String]
        /// Whether the passing variant must also be free of every other diagnostic. False only where no
        /// valid manifest can sit next to the rule's boundary (nesting at exactly the depth limit).
        var passingIsClean = true
        /// Paths whose read fails in the failing variant (the `io.read` case).
        var unreadable: Set<String> = []

        var description: String { "\(rule) (\(summary))" }
    }

    // MARK: - The catalog

    static let key = BaseRepository.hostKey
    static let sha512 =
        "$6$rounds=656000$Qm9rZ3h2TnJ0YWxp$DUfliiPGLPxAcRStcgxxHhl5inQXIcYu2By76o9CFEjWbP3bzlFDA5rA33H8HDH4VLD5bHD5cxn.u6qjcLohJ1"
    static let yescrypt = "$y$j9T$Jc0Xq3ui5XzYb9mRqSPzW.$B93HVn7wGmslo0iy0U8//gSuFvfF60COIsYLofPcksD"
    static let userKey =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGkBaL+FGG24nh5vCAYsPjbVQYh/D1lDdMxl4iqSOkfS alice-laptop"

    /// A secondary user of acme in its own file; `home` is spec line 2, file line 7.
    static func acmeUser(home: String) -> [String: String] {
        ["accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "home: \(home)")]
    }

    /// A Domain of acme in its own file with one record; the record is file line 8.
    static func acmeRecord(_ record: String) -> [String: String] {
        ["accounts/acme/records.yaml": doc("Domain", "records.example", "account: acme", "records:", "  - \(record)")]
    }

    /// A web app of acme in its own file; spec lines after `type` start at file line 8.
    static func acmeApp(_ type: String = "static", _ spec: String...) -> [String: String] {
        [
            "accounts/acme/site.yaml": doc(
                "WebApp", "acme-site", ["account: acme", "type: \(type)"] + spec)
        ]
    }

    /// A monitored site of acme; spec lines after `url` start at file line 8.
    static func acmeMonitor(url: String = "https://www.acme.example/", _ spec: String...) -> [String: String] {
        ["accounts/acme/site.yaml": doc("MonitoredSite", "acme-site", ["account: acme", "url: \(url)"] + spec)]
    }

    /// A server in its own file; spec lines after `address` and `hostKey` start at file line 8.
    static func server(address: String = "10.213.0.21", _ spec: String...) -> [String: String] {
        ["servers/web2.yaml": doc("Server", "web2", ["address: \(address)", "hostKey: \(key)"] + spec)]
    }

    /// The account hooli in its own folder; spec lines after `contact` start at file line 7.
    static func hooli(contact: String = "ops@hooli.example", _ spec: String...) -> [String: String] {
        ["accounts/hooli/account.yaml": doc("Account", "hooli", ["contact: \(contact)"] + spec)]
    }

    /// A deep document: `depth` nested flow lists as the whole document.
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
    }

    /// A path of exactly `bytes` bytes below /home/acme, in components of at most 200 bytes.
    static func longHome(bytes: Int) -> String {
        var path = "/home/acme"
        while path.utf8.count < bytes {
            let room = bytes - path.utf8.count - 1
            path += "/" + String(repeating: "a", count: min(199, max(1, room)))
        }
        precondition(path.utf8.count == bytes)
        return path
    }

    /// A file of exactly `bytes` bytes of comment lines: nothing to decode, only to read.
    static func padding(bytes: Int) -> String {
        let line = "# padding line\n"
        var text = String(repeating: line, count: bytes / line.utf8.count)
        text += String(repeating: "#", count: bytes - text.utf8.count)
        return text
    }

    static let cases: [RuleCase] = [
        // MARK: YAML
        RuleCase(
            rule: "yaml.syntax", summary: "a second `: ` inside a plain value",
            failing: ["servers/web2.yaml": doc("Server", "web2: x", "address: 10.213.0.21", "hostKey: \(key)")],
            file: "servers/web2.yaml", line: 4,
            passing: ["servers/web2.yaml": doc("Server", "web2", "address: 10.213.0.21", "hostKey: \(key)")]),
        RuleCase(
            rule: "yaml.duplicate-key", summary: "address written twice; reported at the second",
            failing: server("address: 10.213.0.22"), file: "servers/web2.yaml", line: 8,
            passing: server("port: 2222")),
        RuleCase(
            rule: "yaml.alias", summary: "an alias to an anchor that was never defined",
            failing: server("hostname: *name"), file: "servers/web2.yaml", line: 8,
            passing: [
                "servers/web2.yaml": """
                apiVersion: baton/v1
                kind: Server
                metadata:
                  name: web2
                  labels: {fqdn: &name web2.hosting.example}
                spec:
                  address: 10.213.0.21
                  hostKey: \(key)
                  hostname: *name

                """
            ]),
        RuleCase(
            rule: "yaml.complex-key", summary: "a list as a mapping key",
            failing: server("? [port, user]", ": 22"), file: "servers/web2.yaml", line: 8,
            passing: server("? port", ": 22")),
        RuleCase(
            rule: "yaml.merge-key", summary: "`<<` given a scalar",
            failing: server("<<: 2222"), file: "servers/web2.yaml", line: 8,
            passing: server("<<: {port: 2222, user: deploy}")),
        RuleCase(
            rule: "yaml.too-deep", summary: "201 nested lists (the limit is 200)",
            failing: ["deep.yaml": nested(201)], file: "deep.yaml", line: 1,
            passing: ["deep.yaml": nested(200)], passingIsClean: false),
        RuleCase(
            rule: "yaml.too-large", summary: "one byte over the file size limit",
            failing: ["big.yaml": padding(bytes: ManifestLoader.maxFileSize + 1)], file: "big.yaml", line: 1,
            passing: ["big.yaml": padding(bytes: ManifestLoader.maxFileSize)]),
        RuleCase(
            rule: "io.read", summary: "a file that cannot be read",
            failing: server(), file: "servers/web2.yaml", line: 1,
            passing: server(), unreadable: ["servers/web2.yaml"]),

        // MARK: Schema
        RuleCase(
            rule: "schema.unknown-key", summary: "a misspelt `hostname`",
            failing: server("hostnmae: web2.hosting.example"), file: "servers/web2.yaml", line: 8,
            passing: server("hostname: web2.hosting.example")),
        RuleCase(
            rule: "schema.unknown-key", summary: "a misspelt metadata.name: reported, not silently dropped",
            failing: [
                "servers/web2.yaml": server()["servers/web2.yaml"]!.replacingOccurrences(
                    of: "  name: web2", with: "  nmae: web2")
            ],
            file: "servers/web2.yaml", line: 4,
            passing: server()),
        RuleCase(
            rule: "schema.type", summary: "a list where a string belongs",
            failing: server(address: "[10.213.0.21]"), file: "servers/web2.yaml", line: 6,
            passing: server(address: "10.213.0.21")),
        RuleCase(
            rule: "schema.type", summary: "a quoted boolean",
            failing: [
                "accounts/hooli/account.yaml": doc("Account", "hooli", "contact: ops@hooli.example", "active: \"no\"")
            ],
            file: "accounts/hooli/account.yaml", line: 7,
            passing: [
                "accounts/hooli/account.yaml": doc("Account", "hooli", "contact: ops@hooli.example", "active: no")
            ]),
        RuleCase(
            rule: "schema.type", summary: "a list as a label; YAML 1.1 look-alikes are fine as strings",
            failing: [
                "servers/web2.yaml": """
                apiVersion: baton/v1
                kind: Server
                metadata:
                  name: web2
                  labels: {mode: [0755]}
                spec:
                  address: 10.213.0.21
                  hostKey: \(key)

                """
            ],
            file: "servers/web2.yaml", line: 5,
            passing: [
                "servers/web2.yaml": """
                apiVersion: baton/v1
                kind: Server
                metadata:
                  name: web2
                  labels: {mode: 0755, enabled: yes, switch: on, since: 2024-01-01}
                spec:
                  address: 10.213.0.21
                  hostKey: \(key)
                  user: yes

                """
            ]),
        RuleCase(
            rule: "schema.type", summary: "a document that is a list",
            failing: ["servers/web2.yaml": "# a list, not a manifest\n- web2\n"], file: "servers/web2.yaml", line: 2,
            passing: ["servers/web2.yaml": "# nothing but comments\n"]),
        RuleCase(
            rule: "schema.required", summary: "a Server without hostKey, reported at the spec",
            failing: ["servers/web2.yaml": doc("Server", "web2", "address: 10.213.0.21", "port: 22")],
            file: "servers/web2.yaml", line: 6,
            passing: server("port: 22")),
        RuleCase(
            rule: "schema.api-version", summary: "baton/v2",
            failing: [
                "servers/web2.yaml": server()["servers/web2.yaml"]!.replacingOccurrences(
                    of: "baton/v1", with: "baton/v2")
            ],
            file: "servers/web2.yaml", line: 1,
            passing: server()),
        RuleCase(
            rule: "schema.enum", summary: "an unknown server role",
            failing: server("roles: [webserver]"), file: "servers/web2.yaml", line: 8,
            passing: server("roles: [web]")),
        RuleCase(
            rule: "schema.range", summary: "port 70000",
            failing: server("port: 70000"), file: "servers/web2.yaml", line: 8,
            passing: server("port: 65535")),
        RuleCase(
            rule: "schema.cron", summary: "a maintenance window's schedule with an hour of 24",
            failing: hooli("maintenance:", "  - {schedule: \"0 24 * * sat\", duration: 2h}"),
            file: "accounts/hooli/account.yaml", line: 8,
            passing: hooli("maintenance:", "  - {schedule: \"0 23 * * sat\", duration: 2h}")),
        RuleCase(
            rule: "schema.range", summary: "a maintenance window of two weeks",
            failing: hooli("maintenance:", "  - {schedule: \"0 2 1 * *\", duration: 2w}"),
            file: "accounts/hooli/account.yaml", line: 8,
            passing: hooli("maintenance:", "  - {schedule: \"0 2 1 * *\", duration: 1w}")),
        RuleCase(
            rule: "schema.duration", summary: "a year is not a duration unit",
            failing: acmeMonitor("interval: 1y"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeMonitor("interval: 52w")),
        RuleCase(
            rule: "schema.size", summary: "disk quota in an unknown unit",
            failing: hooli("limits:", "  diskQuota: 10X"), file: "accounts/hooli/account.yaml", line: 8,
            passing: hooli("limits:", "  diskQuota: 10G")),
        RuleCase(
            rule: "schema.status", summary: "HTTP status 700",
            failing: acmeMonitor("expect:", "  status: [200, 700]"), file: "accounts/acme/site.yaml", line: 9,
            passing: acmeMonitor("expect:", "  status: [200, \"300-399\"]")),
        RuleCase(
            rule: "resource.duplicate", summary: "a second Server web1, reported in the later file",
            failing: ["servers/web9.yaml": doc("Server", "web1", "address: 10.213.0.29", "hostKey: \(key)")],
            file: "servers/web9.yaml", line: 4,
            passing: ["servers/web9.yaml": doc("Server", "web9", "address: 10.213.0.29", "hostKey: \(key)")]),
        RuleCase(
            rule: "secret.plaintext-password", summary: "a `password` key",
            failing: ["accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "password: hunter2")],
            file: "accounts/acme/site.yaml", line: 7,
            passing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "passwordHash: \(sha512)")
            ]),
        RuleCase(
            rule: "secret.plaintext-password", summary: "a passwordHash that is not a crypt string",
            failing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "passwordHash: hunter2")
            ],
            file: "accounts/acme/site.yaml", line: 7,
            passing: [
                "accounts/acme/site.yaml": doc(
                    "SystemUser", "acme-site", "account: acme", "passwordHash: \"!\(sha512)\"")
            ]),
        RuleCase(
            rule: "secret.password-hash", summary: "a SHA-512 crypt string with a short digest",
            failing: [
                "accounts/acme/site.yaml": doc(
                    "SystemUser", "acme-site", "account: acme", "passwordHash: $6$salt$tooshort")
            ],
            file: "accounts/acme/site.yaml", line: 7,
            passing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "passwordHash: \(yescrypt)")
            ]),

        // MARK: Names
        RuleCase(
            rule: "name.server", summary: "an underscore and capitals",
            failing: ["servers/web2.yaml": doc("Server", "Web_2", "address: 10.213.0.21", "hostKey: \(key)")],
            file: "servers/web2.yaml", line: 4,
            passing: ["servers/web2.yaml": doc("Server", "web-2", "address: 10.213.0.21", "hostKey: \(key)")]),
        RuleCase(
            rule: "name.account", summary: "capitals",
            failing: ["accounts/Hooli/account.yaml": doc("Account", "Hooli", "contact: ops@hooli.example")],
            file: "accounts/Hooli/account.yaml", line: 4,
            passing: ["accounts/hooli/account.yaml": doc("Account", "hooli", "contact: ops@hooli.example")]),
        RuleCase(
            rule: "name.user", summary: "capitals",
            failing: ["accounts/acme/site.yaml": doc("SystemUser", "Acme-Site", "account: acme")],
            file: "accounts/acme/site.yaml", line: 4,
            passing: ["accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme")]),
        RuleCase(
            rule: "name.webapp", summary: "a leading underscore",
            failing: ["accounts/acme/site.yaml": doc("WebApp", "_site", "account: acme", "type: static")],
            file: "accounts/acme/site.yaml", line: 4,
            passing: ["accounts/acme/site.yaml": doc("WebApp", "site_1", "account: acme", "type: static")]),
        RuleCase(
            rule: "name.domain", summary: "an IDN zone name not in punycode",
            failing: ["accounts/acme/idn.yaml": doc("Domain", "bücher.example", "account: acme")],
            file: "accounts/acme/idn.yaml", line: 4,
            passing: ["accounts/acme/idn.yaml": doc("Domain", "xn--bcher-kva.example", "account: acme")]),
        RuleCase(
            rule: "name.domain", summary: "a web app domain in capitals",
            failing: acmeApp("static", "domains: [Site.acme.example]"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "domains: [site.acme.example]")),
        RuleCase(
            rule: "user.reserved", summary: "a system user name",
            failing: ["accounts/acme/site.yaml": doc("SystemUser", "www-data", "account: acme")],
            file: "accounts/acme/site.yaml", line: 4,
            passing: ["accounts/acme/site.yaml": doc("SystemUser", "acme-data", "account: acme")]),
        RuleCase(
            rule: "user.reserved", summary: "an account named like a system user",
            failing: ["accounts/nginx/account.yaml": doc("Account", "nginx", "contact: ops@nginx.example")],
            file: "accounts/nginx/account.yaml", line: 4,
            passing: ["accounts/nginxfan/account.yaml": doc("Account", "nginxfan", "contact: ops@nginx.example")]),

        RuleCase(
            rule: "user.reserved", summary: "an account named like a privileged system group",
            failing: ["accounts/docker/account.yaml": doc("Account", "docker", "contact: ops@docker.example")],
            file: "accounts/docker/account.yaml", line: 4,
            passing: ["accounts/dockerfan/account.yaml": doc("Account", "dockerfan", "contact: ops@docker.example")]),
        RuleCase(
            rule: "user.reserved", summary: "a user named in Debian's system-account style",
            failing: ["accounts/acme/site.yaml": doc("SystemUser", "_acme", "account: acme")],
            file: "accounts/acme/site.yaml", line: 4,
            passing: ["accounts/acme/site.yaml": doc("SystemUser", "acme_", "account: acme")]),

        // MARK: Accounts and servers
        RuleCase(
            rule: "account.contact", summary: "no domain in the address",
            failing: hooli(contact: "ops"), file: "accounts/hooli/account.yaml", line: 6,
            passing: hooli(contact: "ops@hooli.example")),
        RuleCase(
            rule: "ref.server", summary: "a web placement on an undeclared server",
            failing: hooli("placement:", "  web: web9"), file: "accounts/hooli/account.yaml", line: 8,
            passing: hooli("placement:", "  web: web1")),
        RuleCase(
            rule: "ref.server-role", summary: "web placement on the name server",
            failing: hooli("placement:", "  web: ns1"), file: "accounts/hooli/account.yaml", line: 8,
            passing: hooli("placement:", "  web: web1")),
        RuleCase(
            rule: "ref.server-role", summary: "DNS placement on the web server",
            failing: hooli("placement:", "  dns: [ns1, web1]"), file: "accounts/hooli/account.yaml", line: 8,
            passing: hooli("placement:", "  dns: [ns1]")),
        RuleCase(
            rule: "server.address", summary: "a dotted quad out of range",
            failing: server(address: "300.1.2.3"), file: "servers/web2.yaml", line: 6,
            passing: server(address: "web2.hosting.example")),
        RuleCase(
            rule: "server.host-key", summary: "key data that is not a key",
            failing: [
                "servers/web2.yaml": doc("Server", "web2", "address: 10.213.0.21", "hostKey: ssh-ed25519 AAAAnotakey")
            ],
            file: "servers/web2.yaml", line: 7,
            passing: server()),
        RuleCase(
            rule: "server.hostname", summary: "a hostname that is not fully qualified",
            failing: server("hostname: web2"), file: "servers/web2.yaml", line: 8,
            passing: server("hostname: web2.hosting.example")),
        RuleCase(
            rule: "server.hostname", summary: "a DNS server without hostname, reported at its roles",
            failing: server("roles: [dns-secondary]"), file: "servers/web2.yaml", line: 8,
            passing: server("roles: [dns-secondary]", "hostname: ns2.hosting.example")),
        RuleCase(
            rule: "server.paths", summary: "a relative path override",
            failing: server("paths:", "  zones: var/lib/bind/baton"), file: "servers/web2.yaml", line: 9,
            passing: server("paths:", "  zones: /var/lib/bind/baton")),

        // MARK: System users
        RuleCase(
            rule: "user.duplicate", summary: "a user of acme named like the account globex",
            failing: ["accounts/acme/site.yaml": doc("SystemUser", "globex", "account: acme")],
            file: "accounts/acme/site.yaml", line: 4,
            passing: ["accounts/acme/site.yaml": doc("SystemUser", "acme-globex", "account: acme")]),
        RuleCase(
            rule: "user.main-name", summary: "main: true on a user not named like the account",
            failing: ["accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "main: true")],
            file: "accounts/acme/site.yaml", line: 7,
            passing: ["accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "main: false")]),
        RuleCase(
            rule: "user.main-name", summary: "the account's own user without main: true",
            failing: ["accounts/initech/users.yaml": doc("SystemUser", "initech", "account: initech")],
            file: "accounts/initech/users.yaml", line: 4,
            passing: ["accounts/initech/users.yaml": doc("SystemUser", "initech", "account: initech", "main: true")]),
        RuleCase(
            rule: "user.shell", summary: "a shell that is not offered",
            failing: ["accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "shell: /bin/zsh")],
            file: "accounts/acme/site.yaml", line: 7,
            passing: ["accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "shell: /bin/sh")]),
        RuleCase(
            rule: "user.group", summary: "a group name in capitals",
            failing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "groups: [acme, Staff]")
            ],
            file: "accounts/acme/site.yaml", line: 7,
            passing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "groups: [acme]")
            ]),
        RuleCase(
            rule: "user.authorized-key", summary: "a key line without valid key data",
            failing: [
                "accounts/acme/site.yaml": doc(
                    "SystemUser", "acme-site", "account: acme", "authorizedKeys:", "  - ssh-ed25519 AAAAnotakey alice")
            ],
            file: "accounts/acme/site.yaml", line: 8,
            passing: [
                "accounts/acme/site.yaml": doc(
                    "SystemUser", "acme-site", "account: acme", "authorizedKeys:", "  - \(userKey)")
            ]),

        // MARK: Homes
        RuleCase(
            rule: "home.absolute", summary: "a relative home",
            failing: acmeUser(home: "home/acme/site"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/site")),
        RuleCase(
            rule: "home.dot-component", summary: "a `..` component",
            failing: acmeUser(home: "/home/acme/../etc"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/site")),
        RuleCase(
            rule: "home.dot-component", summary: "a `.` component",
            failing: acmeUser(home: "/home/acme/./site"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/.site")),
        RuleCase(
            rule: "home.double-slash", summary: "an empty component",
            failing: acmeUser(home: "/home/acme//site"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/site")),
        RuleCase(
            rule: "home.trailing-slash", summary: "a trailing slash",
            failing: acmeUser(home: "/home/acme/site/"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/site")),
        RuleCase(
            rule: "home.control-char", summary: "a space",
            failing: acmeUser(home: "\"/home/acme/my site\""), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "\"/home/acme/my-site\"")),
        RuleCase(
            rule: "home.character", summary: "a shell metacharacter",
            failing: acmeUser(home: "\"/home/acme/site;rm\""), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "\"/home/acme/site-rm\"")),
        RuleCase(
            rule: "home.control-char", summary: "a tab written as an escape",
            failing: acmeUser(home: "\"/home/acme/my\\tsite\""), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "\"/home/acme/my_site\"")),
        RuleCase(
            rule: "home.too-long", summary: "4097 bytes",
            failing: acmeUser(home: longHome(bytes: 4097)), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: longHome(bytes: 4096))),
        RuleCase(
            rule: "home.dash", summary: "a component that reads as an option",
            failing: acmeUser(home: "/home/acme/-rf"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/rf-")),
        RuleCase(
            rule: "home.forbidden", summary: "a home in ~/.ssh",
            failing: acmeUser(home: "/home/acme/.ssh"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/ssh")),
        RuleCase(
            rule: "home.forbidden", summary: "/etc",
            failing: acmeUser(home: "/etc"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/etc")),
        RuleCase(
            rule: "home.main", summary: "a main user whose home is not /home/<name>",
            failing: [
                "accounts/initech/users.yaml": doc(
                    "SystemUser", "initech", "account: initech", "main: true", "home: /home/initech/www")
            ],
            file: "accounts/initech/users.yaml", line: 8,
            passing: [
                "accounts/initech/users.yaml": doc(
                    "SystemUser", "initech", "account: initech", "main: true", "home: /home/initech")
            ]),
        RuleCase(
            rule: "home.other-account", summary: "a home inside globex's home",
            failing: acmeUser(home: "/home/globex/site"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/globex/site")),
        RuleCase(
            rule: "home.secondary", summary: "a home outside every account's home",
            failing: acmeUser(home: "/srv/acme"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/srv")),
        RuleCase(
            rule: "home.secondary", summary: "/home/acmex is not below /home/acme",
            failing: acmeUser(home: "/home/acmex"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeUser(home: "/home/acme/x")),

        // MARK: Domains and records
        RuleCase(
            rule: "domain.rname", summary: "an rname without @",
            failing: [
                "accounts/acme/records.yaml": doc(
                    "Domain", "records.example", "account: acme", "soa:", "  rname: hostmaster")
            ],
            file: "accounts/acme/records.yaml", line: 8,
            passing: [
                "accounts/acme/records.yaml": doc(
                    "Domain", "records.example", "account: acme", "soa:", "  rname: hostmaster@records.example")
            ]),
        RuleCase(
            rule: "domain.ns-missing", summary: "no NS records and no DNS placement",
            failing: ["accounts/initech/domains.yaml": doc("Domain", "initech.example", "account: initech")],
            file: "accounts/initech/domains.yaml", line: 4,
            passing: [
                "accounts/initech/domains.yaml": doc(
                    "Domain", "initech.example", "account: initech", "records:",
                    "  - {name: \"@\", type: NS, value: ns1.hosting.example.}")
            ]),
        RuleCase(
            rule: "record.ttl", summary: "a zone TTL above 2^31-1 seconds",
            failing: [
                "accounts/acme/records.yaml": doc("Domain", "records.example", "account: acme", "ttl: 2147483648")
            ],
            file: "accounts/acme/records.yaml", line: 7,
            passing: [
                "accounts/acme/records.yaml": doc("Domain", "records.example", "account: acme", "ttl: 2147483647")
            ]),
        RuleCase(
            rule: "record.ttl", summary: "a record TTL of 4000 weeks",
            failing: acmeRecord("{name: www, type: A, ttl: 4000w, value: 192.0.2.1}"),
            file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: www, type: A, ttl: 3550w, value: 192.0.2.1}")),
        RuleCase(
            rule: "record.name", summary: "a wildcard that is not leftmost",
            failing: acmeRecord("{name: \"dev.*\", type: A, value: 192.0.2.1}"), file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: \"*.dev\", type: A, value: 192.0.2.1}")),
        RuleCase(
            rule: "record.name", summary: "an absolute owner name",
            failing: acmeRecord("{name: www.records.example., type: A, value: 192.0.2.1}"),
            file: "accounts/acme/records.yaml", line: 8,
            passing: acmeRecord("{name: www, type: A, value: 192.0.2.1}")),
        RuleCase(
            rule: "record.a", summary: "an octet above 255",
            failing: acmeRecord("{name: www, type: A, value: 192.0.2.256}"), file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: www, type: A, value: 192.0.2.255}")),
        RuleCase(
            rule: "record.aaaa", summary: "a non-hex digit",
            failing: acmeRecord("{name: www, type: AAAA, value: \"2001:db8::g\"}"), file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: www, type: AAAA, value: \"2001:db8::f\"}")),
        RuleCase(
            rule: "record.cname", summary: "a target with an empty label",
            failing: acmeRecord("{name: www, type: CNAME, value: www..example.net.}"),
            file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: www, type: CNAME, value: www.example.net.}")),
        RuleCase(
            rule: "record.cname", summary: "a CNAME at the apex",
            failing: acmeRecord("{name: \"@\", type: CNAME, value: www.example.net.}"),
            file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: www, type: CNAME, value: www.example.net.}")),
        RuleCase(
            rule: "record.mx", summary: "no preference",
            failing: acmeRecord("{name: \"@\", type: MX, value: mail}"), file: "accounts/acme/records.yaml", line: 8,
            passing: acmeRecord("{name: \"@\", type: MX, value: 10 mail}")),
        RuleCase(
            rule: "record.ns", summary: "an address instead of a host",
            failing: acmeRecord("{name: \"@\", type: NS, value: 192.0.2.53}"), file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: \"@\", type: NS, value: ns1.hosting.example.}")),
        RuleCase(
            rule: "record.txt", summary: "a control character",
            failing: acmeRecord("{name: \"@\", type: TXT, value: \"v=spf1\\x07 -all\"}"),
            file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: \"@\", type: TXT, value: \"v=spf1 -all\"}")),
        RuleCase(
            rule: "record.value", summary: "an unquoted `;` in a type left to the zone checkers",
            failing: acmeRecord("{name: host, type: HINFO, value: \"PC ; Linux\"}"),
            file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: host, type: HINFO, value: \"\\\"PC\\\" \\\"Linux\\\"\"}")),
        RuleCase(
            rule: "record.value", summary: "a CRLF that would start a `$INCLUDE` line",
            failing: acmeRecord("{name: host, type: HINFO, value: \"PC Linux\\r\\n$INCLUDE /etc/hosts\"}"),
            file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: host, type: HINFO, value: \"PC Linux\"}")),
        RuleCase(
            rule: "record.caa", summary: "a CRLF inside the quoted value",
            failing: acmeRecord(
                "{name: \"@\", type: CAA, value: \"0 issue \\\"ca.example\\r\\n$INCLUDE /etc/hosts\\\"\"}"),
            file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: \"@\", type: CAA, value: \"0 issue \\\"ca.example\\\"\"}")),
        RuleCase(
            rule: "record.srv", summary: "three fields instead of four",
            failing: acmeRecord("{name: _sip._tcp, type: SRV, value: 10 5060 sip}"), file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: _sip._tcp, type: SRV, value: 10 5 5060 sip}")),
        RuleCase(
            rule: "record.srv", summary: "an owner that is not _service._proto",
            failing: acmeRecord("{name: sip, type: SRV, value: 10 5 5060 sip}"), file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: _sip._udp, type: SRV, value: 10 5 5060 sip}")),
        RuleCase(
            rule: "record.caa", summary: "an unquoted value",
            failing: acmeRecord("{name: \"@\", type: CAA, value: 0 issue letsencrypt.org}"),
            file: "accounts/acme/records.yaml", line: 8,
            passing: acmeRecord("{name: \"@\", type: CAA, value: '0 issue \"letsencrypt.org\"'}")),
        RuleCase(
            rule: "record.ptr", summary: "spaces in the target",
            failing: acmeRecord("{name: \"10\", type: PTR, value: not a host}"), file: "accounts/acme/records.yaml",
            line: 8,
            passing: acmeRecord("{name: \"10\", type: PTR, value: host.example.net.}")),
        RuleCase(
            rule: "record.cname-exclusive", summary: "a CNAME and an A record on one name; reported at the second",
            failing: [
                "accounts/acme/records.yaml": doc(
                    "Domain", "records.example", "account: acme", "records:",
                    "  - {name: www, type: CNAME, value: web}",
                    "  - {name: www, type: A, value: 192.0.2.1}")
            ],
            file: "accounts/acme/records.yaml", line: 9,
            passing: [
                "accounts/acme/records.yaml": doc(
                    "Domain", "records.example", "account: acme", "records:",
                    "  - {name: www, type: CNAME, value: web}",
                    "  - {name: web, type: A, value: 192.0.2.1}")
            ]),

        // MARK: Web apps
        RuleCase(
            rule: "ref.placement", summary: "an app of an account without a web server",
            failing: [
                "accounts/initech/webapps.yaml": doc("WebApp", "initech-www", "account: initech", "type: static")
            ],
            file: "accounts/initech/webapps.yaml", line: 6,
            passing: [
                "accounts/initech/webapps.yaml": doc("WebApp", "initech-www", "account: initech", "type: static"),
                "accounts/initech/account.yaml": doc(
                    "Account", "initech", "contact: it@initech.example", "placement:", "  web: web1"),
            ]),
        RuleCase(
            rule: "tenancy.cross-account", summary: "an app running as another account's user",
            failing: acmeApp("static", "user: globex-web"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "user: acme-deploy")),
        RuleCase(
            rule: "tenancy.cross-account", summary: "an app serving another account's domain",
            failing: acmeApp("static", "domains: [www.globex.example]"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "domains: [site.acme.example]")),
        RuleCase(
            rule: "ref.user", summary: "an undeclared user",
            failing: acmeApp("static", "user: acme-deplyo"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "user: acme-deploy")),
        RuleCase(
            rule: "webapp.path", summary: "a path outside the user's home",
            failing: acmeApp("static", "path: /srv/www/site"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "path: /home/acme/www/site")),
        RuleCase(
            rule: "webapp.path", summary: "the home itself",
            failing: acmeApp("static", "path: /home/acme"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "path: /home/acme/site")),
        RuleCase(
            rule: "webapp.path", summary: "a `..` component",
            failing: acmeApp("static", "path: /home/acme/../globex/site"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "path: /home/acme/globex/site")),
        RuleCase(
            rule: "webapp.public-root", summary: "a public root that climbs out of the app",
            failing: acmeApp("static", "publicRoot: ../public"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "publicRoot: web/public")),
        RuleCase(
            rule: "webapp.php-on-static", summary: "PHP settings on a static app",
            failing: acmeApp("static", "php: {version: \"8.2\"}"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("php", "php: {version: \"8.2\"}")),
        RuleCase(
            rule: "php.version", summary: "PHP 5.6",
            failing: acmeApp("php", "php: {version: \"5.6\"}"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("php", "php: {version: \"8.3\"}")),
        RuleCase(
            rule: "php.ini-key", summary: "a key that is not on the allow-list",
            failing: acmeApp("php", "php:", "  ini:", "    open_basedir: /tmp"), file: "accounts/acme/site.yaml",
            line: 10,
            passing: acmeApp("php", "php:", "  ini:", "    max_execution_time: 60")),
        RuleCase(
            rule: "php.ini-value", summary: "disable_functions is a list of function names, nothing else",
            failing: acmeApp("php", "php:", "  ini:", "    disable_functions: \"exec;system\""),
            file: "accounts/acme/site.yaml", line: 10,
            passing: acmeApp("php", "php:", "  ini:", "    disable_functions: \"mail, phpinfo\"")),
        RuleCase(
            rule: "php.ini-value", summary: "a size that is not a size",
            failing: acmeApp("php", "php:", "  ini:", "    memory_limit: lots"), file: "accounts/acme/site.yaml",
            line: 10,
            passing: acmeApp("php", "php:", "  ini:", "    memory_limit: 512M")),
        RuleCase(
            rule: "php.ini-value", summary: "a line break that would inject another setting",
            failing: acmeApp("php", "php:", "  ini:", "    display_errors: \"Off\\nextension=evil.so\""),
            file: "accounts/acme/site.yaml", line: 10,
            passing: acmeApp("php", "php:", "  ini:", "    display_errors: \"Off\"")),
        RuleCase(
            rule: "webapp.tls-path", summary: "a relative certificate path",
            failing: acmeApp("static", "tls:", "  certificate: certs/site.pem", "  key: /home/acme/tls/site.key"),
            file: "accounts/acme/site.yaml", line: 9,
            passing: acmeApp(
                "static", "tls:", "  certificate: /home/acme/tls/site.pem", "  key: /home/acme/tls/site.key")),

        RuleCase(
            rule: "tenancy.tls-path", summary: "acme's app uses the certificate of globex's domain",
            failing: acmeApp(
                "static", "tls:", "  certificate: /etc/letsencrypt/live/globex.example/fullchain.pem",
                "  key: /etc/letsencrypt/live/acme.example/privkey.pem"),
            file: "accounts/acme/site.yaml", line: 9,
            passing: acmeApp(
                "static", "tls:", "  certificate: /etc/letsencrypt/live/www.acme.example/fullchain.pem",
                "  key: /etc/letsencrypt/live/www.acme.example/privkey.pem")),
        RuleCase(
            rule: "tenancy.tls-path", summary: "a key outside any certificate's folder of /etc/letsencrypt",
            failing: acmeApp(
                "static", "tls:", "  certificate: /etc/letsencrypt/live/acme.example-0001/fullchain.pem",
                "  key: /etc/letsencrypt/keys/0001_key-certbot.pem"),
            file: "accounts/acme/site.yaml", line: 10,
            passing: acmeApp(
                "static", "tls:", "  certificate: /etc/letsencrypt/live/acme.example-0001/fullchain.pem",
                "  key: /etc/letsencrypt/live/acme.example-0001/privkey.pem")),
        RuleCase(
            rule: "tenancy.tls-path", summary: "acme's app reads its key from globex's home",
            failing: acmeApp(
                "static", "tls:", "  certificate: /home/acme/tls/site.pem", "  key: /home/globex/site.key"),
            file: "accounts/acme/site.yaml", line: 10,
            passing: acmeApp(
                "static", "tls:", "  certificate: /home/acme/tls/site.pem", "  key: /home/acme/tls/site.key")),

        RuleCase(
            rule: "tenancy.tls-path", summary: "a key the system keeps, outside any home and /etc/letsencrypt",
            failing: acmeApp(
                "static", "tls:", "  certificate: /home/acme/tls/site.pem",
                "  key: /etc/ssl/private/ssl-cert-snakeoil.key"),
            file: "accounts/acme/site.yaml", line: 10,
            passing: acmeApp(
                "static", "tls:", "  certificate: /home/acme/tls/site.pem", "  key: /home/acme/tls/site.key")),
        RuleCase(
            rule: "tenancy.tls-path", summary: "a lineage written in capitals is another folder than the domain's",
            failing: acmeApp(
                "static", "tls:", "  certificate: /etc/letsencrypt/live/ACME.example/fullchain.pem",
                "  key: /etc/letsencrypt/live/acme.example/privkey.pem"),
            file: "accounts/acme/site.yaml", line: 9,
            passing: acmeApp(
                "static", "tls:", "  certificate: /etc/letsencrypt/live/acme.example/fullchain.pem",
                "  key: /etc/letsencrypt/live/acme.example/privkey.pem")),

        // MARK: Names on the server and groups
        RuleCase(
            rule: "tenancy.group", summary: "a user of acme joins a system group",
            failing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "groups: [acme, sudo]")
            ],
            file: "accounts/acme/site.yaml", line: 7,
            passing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "groups: [acme]")
            ]),
        RuleCase(
            rule: "tenancy.group", summary: "a user of acme joins globex's main group",
            failing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "groups: [globex]")
            ],
            file: "accounts/acme/site.yaml", line: 7,
            passing: [
                "accounts/acme/site.yaml": doc("SystemUser", "acme-site", "account: acme", "groups: [acme]")
            ]),
        RuleCase(
            rule: "account.group", summary: "an account declares a group without its name in front",
            failing: hooli("groups: [developers]"), file: "accounts/hooli/account.yaml", line: 7,
            passing: hooli("groups: [hooli-developers]")),
        RuleCase(
            rule: "account.group", summary: "an account declares a system group",
            failing: hooli("groups: [docker]"), file: "accounts/hooli/account.yaml", line: 7,
            passing: hooli("groups: [hooli-docker]")),
        RuleCase(
            rule: "tenancy.system-name", summary: "acme declares the group that is account acme-web's main group",
            failing: [
                "accounts/acme-web/account.yaml": doc("Account", "acme-web", "contact: ops@acme.example"),
                "accounts/acme/account.yaml": doc(
                    "Account", "acme", "contact: ops@acme.example", "groups: [acme-web]", "placement:", "  web: web1",
                    "  dns: [ns1]"),
            ],
            file: "accounts/acme/account.yaml", line: 7,
            passing: [
                "accounts/acme-web/account.yaml": doc("Account", "acme-web", "contact: ops@acme.example"),
                "accounts/acme/account.yaml": doc(
                    "Account", "acme", "contact: ops@acme.example", "groups: [acme-webteam]", "placement:",
                    "  web: web1", "  dns: [ns1]"),
            ]),

        // MARK: Monitored sites
        RuleCase(
            rule: "monitor.url", summary: "an ftp URL",
            failing: acmeMonitor(url: "ftp://www.acme.example/"), file: "accounts/acme/site.yaml", line: 7,
            passing: acmeMonitor(url: "http://www.acme.example/")),
        RuleCase(
            rule: "monitor.url", summary: "credentials in the URL",
            failing: acmeMonitor(url: "https://admin:secret@www.acme.example/"), file: "accounts/acme/site.yaml",
            line: 7,
            passing: acmeMonitor(url: "https://www.acme.example/admin")),
        RuleCase(
            rule: "monitor.webhook", summary: "a webhook without a scheme",
            failing: acmeMonitor("alerts:", "  - webhook: hooks.example/acme"), file: "accounts/acme/site.yaml",
            line: 9,
            passing: acmeMonitor("alerts:", "  - webhook: https://hooks.example/acme")),
        RuleCase(
            rule: "monitor.condition", summary: "a response time compared with a bare number",
            failing: acmeMonitor("conditions:", "  - \"[STATUS] == 200\"", "  - \"[RESPONSE_TIME] < 500\""),
            file: "accounts/acme/site.yaml", line: 10,
            passing: acmeMonitor("conditions:", "  - \"[STATUS] == 200\"", "  - \"[RESPONSE_TIME] < 500ms\"")),
        RuleCase(
            rule: "monitor.condition", summary: "a misspelt placeholder",
            failing: acmeMonitor("conditions: [\"[BODY].status == ok\", \"[STATSU] == 200\"]"),
            file: "accounts/acme/site.yaml", line: 8,
            passing: acmeMonitor("conditions: [\"[BODY].status == ok\", \"[STATUS] == 200\"]")),
        RuleCase(
            rule: "monitor.condition", summary: "an unquoted condition, which YAML reads as a list",
            failing: acmeMonitor("conditions:", "  - [STATUS]"), file: "accounts/acme/site.yaml", line: 9,
            passing: acmeMonitor("conditions:", "  - \"[STATUS] == any(200, 204)\"")),
        RuleCase(
            rule: "monitor.alert-target", summary: "an alert with both a webhook and a receiver",
            failing: acmeMonitor("alerts:", "  - webhook: https://hooks.example/acme", "    receiver: ops"),
            file: "accounts/acme/site.yaml", line: 10,
            passing: acmeMonitor("alerts:", "  - receiver: ops", "    format: slack")),
        RuleCase(
            rule: "monitor.alert-target", summary: "an alert with neither",
            failing: acmeMonitor("alerts:", "  - sendOnResolved: false"), file: "accounts/acme/site.yaml", line: 9,
            passing: acmeMonitor("alerts:", "  - sendOnResolved: false", "    receiver: ops")),
        RuleCase(
            rule: "monitor.receiver", summary: "a receiver name that is a URL",
            failing: acmeMonitor("alerts:", "  - receiver: https://hooks.example/x"), file: "accounts/acme/site.yaml",
            line: 9,
            passing: acmeMonitor("alerts:", "  - receiver: ops-team")),
        RuleCase(
            rule: "monitor.timeout", summary: "a timeout as long as the interval",
            failing: acmeMonitor("interval: 30s", "timeout: 30s"), file: "accounts/acme/site.yaml", line: 9,
            passing: acmeMonitor("interval: 30s", "timeout: 29s")),
        RuleCase(
            rule: "monitor.interval", summary: "an interval below 10s",
            failing: acmeMonitor("interval: 9s", "timeout: 2s"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeMonitor("interval: 10s", "timeout: 2s")),

        // MARK: Tenancy
        RuleCase(
            rule: "ref.account", summary: "a domain of an undeclared account",
            failing: ["domains/hooli.yaml": doc("Domain", "hooli.example", "account: hooli")],
            file: "domains/hooli.yaml", line: 6,
            passing: ["domains/hooli.yaml": doc("Domain", "hooli.example", "account: acme")]),
        RuleCase(
            rule: "tenancy.folder", summary: "acme's domain in globex's folder",
            failing: ["accounts/globex/acme.yaml": doc("Domain", "acme-two.example", "account: acme")],
            file: "accounts/globex/acme.yaml", line: 6,
            passing: ["accounts/acme/acme.yaml": doc("Domain", "acme-two.example", "account: acme")]),
        RuleCase(
            rule: "tenancy.folder", summary: "a Server in an account's folder, reported at its kind",
            failing: ["accounts/acme/web2.yaml": doc("Server", "web2", "address: 10.213.0.21", "hostKey: \(key)")],
            file: "accounts/acme/web2.yaml", line: 2,
            passing: ["servers/web2.yaml": doc("Server", "web2", "address: 10.213.0.21", "hostKey: \(key)")]),
        RuleCase(
            rule: "tenancy.subdomain-split", summary: "globex declares a zone inside acme.example",
            failing: ["accounts/globex/shop.yaml": doc("Domain", "dev.acme.example", "account: globex")],
            file: "accounts/globex/shop.yaml", line: 6,
            passing: ["accounts/acme/shop.yaml": doc("Domain", "dev.acme.example", "account: acme")]),
        RuleCase(
            rule: "ref.domain", summary: "an app serving a name of no declared zone",
            failing: acmeApp("static", "domains: [www.nowhere.example]"), file: "accounts/acme/site.yaml", line: 8,
            passing: acmeApp("static", "domains: [nowhere.acme.example]")),
        RuleCase(
            rule: "tenancy.fqdn-conflict", summary: "a second app serving www.acme.example, reported at the later one",
            failing: [
                "accounts/acme/zz-site.yaml": doc(
                    "WebApp", "acme-site", "account: acme", "type: static", "domains: [www.acme.example]")
            ],
            file: "accounts/acme/zz-site.yaml", line: 8,
            passing: [
                "accounts/acme/zz-site.yaml": doc(
                    "WebApp", "acme-site", "account: acme", "type: static", "domains: [site.acme.example]")
            ]),

        // MARK: Limits (globex allows 1 domain, 1 web app, 2 system users and has them)
        RuleCase(
            rule: "limits.domains", summary: "a second domain of globex",
            failing: ["accounts/globex/zz.yaml": doc("Domain", "globex-two.example", "account: globex")],
            file: "accounts/globex/zz.yaml", line: 4,
            passing: [
                "accounts/globex/zz.yaml": doc("Domain", "globex-two.example", "account: globex"),
                "accounts/globex/account.yaml": BaseRepository.globexAccount(domains: 2, webApps: 1, systemUsers: 2),
            ]),
        RuleCase(
            rule: "limits.web-apps", summary: "a second web app of globex",
            failing: ["accounts/globex/zz.yaml": doc("WebApp", "globex-two", "account: globex", "type: static")],
            file: "accounts/globex/zz.yaml", line: 4,
            passing: [
                "accounts/globex/zz.yaml": doc("WebApp", "globex-two", "account: globex", "type: static"),
                "accounts/globex/account.yaml": BaseRepository.globexAccount(domains: 1, webApps: 2, systemUsers: 2),
            ]),
        RuleCase(
            rule: "limits.system-users", summary: "a third user of globex (the main user counts)",
            failing: ["accounts/globex/zz.yaml": doc("SystemUser", "globex-two", "account: globex")],
            file: "accounts/globex/zz.yaml", line: 4,
            passing: [
                "accounts/globex/zz.yaml": doc("SystemUser", "globex-two", "account: globex"),
                "accounts/globex/account.yaml": BaseRepository.globexAccount(domains: 1, webApps: 1, systemUsers: 3),
            ]),
    ]

    // MARK: - Tests

    func testBaseRepositoryIsValid() throws {
        let (loaded, diagnostics) = try Validator.run(InMemorySource(BaseRepository.files))
        XCTAssertEqual(diagnostics.map(Self.describe), [])
        XCTAssertEqual(loaded.manifests.servers.count, 2)
        XCTAssertEqual(loaded.manifests.accounts.count, 3)
        XCTAssertEqual(loaded.manifests.systemUsers.count, 3)
        XCTAssertEqual(loaded.manifests.domains.count, 2)
        XCTAssertEqual(loaded.manifests.webApps.count, 3)
        XCTAssertEqual(loaded.manifests.monitoredSites.count, 1)
    }

    func testEveryFailingCaseReportsItsRuleAtItsLine() throws {
        for c in Self.cases {
            let diagnostics = try Self.diagnostics(c.failing, unreadable: c.unreadable)
            let hit = diagnostics.contains {
                $0.rule == c.rule && $0.location.file == c.file && $0.location.line == c.line
            }
            XCTAssertTrue(
                hit,
                "\(c): expected [\(c.rule)] at \(c.file):\(c.line); got:\n"
                    + diagnostics.map(Self.describe).joined(separator: "\n"))
        }
    }

    func testEveryPassingVariantIsFreeOfItsRule() throws {
        for c in Self.cases {
            let diagnostics = try Self.diagnostics(c.passing)
            let offending = c.passingIsClean ? diagnostics : diagnostics.filter { $0.rule == c.rule }
            XCTAssertEqual(offending.map(Self.describe), [], "\(c): the passing variant")
        }
    }

    func testEveryRuleInTheSourcesHasACase() throws {
        let scan = try RuleScanner.scanSources()
        XCTAssertEqual(scan.problems, [], "rule arguments the scanner cannot resolve; teach it or the catalog")
        // Zone-check rules need a rendered zone and a checker run (ZoneChecksTests); baton.yaml's own rule
        // stops the run rather than reporting on manifests (RepositoryConfigTests); a checker that cannot run
        // needs a broken one (ValidateCommandTests). Tree rules refuse a whole tree, git's or a folder's, before
        // a file is loaded, which an in-memory source cannot hold (TreeCheckTests, DirectorySourceTests); a link needs a folder or a
        // tree that holds one (LinkRuleTests).
        let inTable = Set(Self.cases.map(\.rule)).union([
            "zone.named-checkzone", "zone.builtin", "config.value", "zone.checker-unavailable", "tree.name",
            "tree.collision", "tree.depth", "tree.size", "io.link",
        ])
        XCTAssertEqual(
            scan.rules.subtracting(inTable).sorted(), [], "rule ids emitted by Sources/ without a case in the catalog")
        XCTAssertEqual(
            inTable.subtracting(scan.rules).sorted(), [], "rule ids in the catalog that Sources/ never emits")
        XCTAssertGreaterThan(scan.rules.count, 80)
    }

    /// The scanner itself: each way Sources/ passes a rule id is recognised.
    func testRuleScannerReadsEveryCallShape() {
        let source = #"""
            f.error(o, "spec.home", "home.main", "a main user's home is \(x), not '\(y)'", hint: "h")
            f.error(at: o.location(of: record, \.name), "record.name", "record name '\(record.name)'", hint: "h")
            context.error(node.mark, "schema.size", "'\(field)' (a, b)", hint: "write 500M, 10G")
            YAMLProblem(mark: .start, rule: "yaml.syntax", message: "m", hint: "h")
            .error(at: location, rule: "io.read", "\(error)", hint: "h")
            report(items, max, account, "web apps", "limits.web-apps", &f)
            f.error(o, spec.main ? "spec.main" : "metadata.name", "user.main-name", message, hint: h(", "))
            // f.error(o, "spec.x", "commented.out", "m", hint: "h")
            func error(_ origin: Origin, _ path: String, _ rule: String, _ message: String, hint: String) {}
            context.error(pair.key.mark, refusal.rule, refusal.message, hint: refusal.hint)
            f.error(o, "spec.home", "home.\(problem.check)", problem.message, hint: problem.hint)
            """#
        let scan = RuleScanner.scan(
            source, file: "sample.swift", expansions: ["\"home.\\(problem.check)\"": ["home.x"]])
        XCTAssertEqual(scan.problems, [])
        XCTAssertEqual(
            scan.rules,
            [
                "home.main", "record.name", "schema.size", "yaml.syntax", "io.read", "limits.web-apps",
                "user.main-name",
                "home.x",
            ])
        let unknown = RuleScanner.scan(
            #"f.error(o, "p", ruleFor(x), "m", hint: "h")"#, file: "x.swift", expansions: [:])
        XCTAssertEqual(unknown.rules, [])
        XCTAssertEqual(unknown.problems.count, 1)
    }

    // MARK: - Helpers

    static func doc(_ kind: String, _ name: String, _ spec: String...) -> String {
        doc(kind, name, spec)
    }

    static func doc(_ kind: String, _ name: String, _ spec: [String]) -> String {
        "apiVersion: baton/v1\nkind: \(kind)\nmetadata:\n  name: \(name)\nspec:\n"
            + spec.map { "  \($0)\n" }.joined()
    }

    static func diagnostics(_ changes: [String: String], unreadable: Set<String> = []) throws -> [Diagnostic] {
        var files = BaseRepository.files
        for (path, text) in changes { files[path] = text }
        let source = FailingSource(memory: InMemorySource(files), unreadable: unreadable)
        return try Validator.run(source).1
    }

    static func describe(_ d: Diagnostic) -> String {
        "\(d.location.file):\(d.location.line):\(d.location.column): [\(d.rule)] \(d.message)"
    }
}

/// An in-memory source whose reads of some paths fail, as an unreadable file on disk would.
struct FailingSource: ManifestSource {
    var memory: InMemorySource
    var unreadable: Set<String>

    func manifestPaths() throws -> [String] { memory.manifestPaths() }

    func read(_ path: String) throws -> [UInt8] {
        if unreadable.contains(path) { throw SourceError("\(path): permission denied") }
        return try memory.read(path)
    }
}

/// A small valid repository: two servers, three accounts (acme with everything, globex at its limits,
/// initech with no placement), and their users, domains, web apps and a monitored site.
enum BaseRepository {
    static let hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrNJFl09Gu2N0lKkDaLshi8+HE30IyyDc7KfmmcutZ7"
    static let dnsHostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFNS/Dav2vGNFaDygsvWvTvJ1qGiZJrJxlSVH7qM7je5"

    static func globexAccount(domains: Int, webApps: Int, systemUsers: Int) -> String {
        """
        apiVersion: baton/v1
        kind: Account
        metadata:
          name: globex
        spec:
          contact: webmaster@globex.example
          placement:
            web: web1
            dns: [ns1]
          limits:
            domains: \(domains)
            webApps: \(webApps)
            systemUsers: \(systemUsers)

        """
    }

    static let files: [String: String] = [
        "servers/web1.yaml": """
        apiVersion: baton/v1
        kind: Server
        metadata:
          name: web1
        spec:
          address: 10.213.0.11
          hostname: web1.hosting.example
          hostKey: \(hostKey)
          roles: [web]

        """,
        "servers/ns1.yaml": """
        apiVersion: baton/v1
        kind: Server
        metadata:
          name: ns1
        spec:
          address: 10.213.0.12
          hostname: ns1.hosting.example
          hostKey: \(dnsHostKey)
          roles: [dns-primary]

        """,
        "accounts/acme/account.yaml": """
        apiVersion: baton/v1
        kind: Account
        metadata:
          name: acme
        spec:
          contact: ops@acme.example
          placement:
            web: web1
            dns: [ns1]

        """,
        "accounts/acme/users.yaml": """
        apiVersion: baton/v1
        kind: SystemUser
        metadata:
          name: acme
        spec:
          account: acme
          main: true
          shell: /bin/bash
        ---
        apiVersion: baton/v1
        kind: SystemUser
        metadata:
          name: acme-deploy
        spec:
          account: acme
          home: /home/acme/deploy

        """,
        "accounts/acme/domains.yaml": """
        apiVersion: baton/v1
        kind: Domain
        metadata:
          name: acme.example
        spec:
          account: acme
          records:
            - {name: "@", type: A, value: 198.51.100.10}
            - {name: "@", type: AAAA, value: "2001:db8::10"}
            - {name: www, type: CNAME, value: "@"}
            - {name: "*.dev", type: A, value: 198.51.100.10}
            - {name: "@", type: MX, value: 10 mail}
            - {name: mail, type: A, value: 198.51.100.25}
            - {name: "@", type: TXT, value: "v=spf1 mx -all"}
            - {name: _imaps._tcp, type: SRV, value: 0 1 993 mail}
            - {name: "@", type: CAA, value: '0 issue "letsencrypt.org"'}

        """,
        "accounts/acme/webapps.yaml": """
        apiVersion: baton/v1
        kind: WebApp
        metadata:
          name: acme-www
        spec:
          account: acme
          type: static
          domains: [acme.example, www.acme.example]
        ---
        apiVersion: baton/v1
        kind: WebApp
        metadata:
          name: acme-shop
        spec:
          account: acme
          type: php
          user: acme-deploy
          path: /home/acme/deploy/shop
          publicRoot: public
          php:
            version: "8.2"
            ini:
              memory_limit: 256M
          domains: [shop.acme.example]
          tls:
            certificate: /home/acme/tls/shop.pem
            key: /home/acme/tls/shop.key

        """,
        "accounts/acme/monitors.yaml": """
        apiVersion: baton/v1
        kind: MonitoredSite
        metadata:
          name: acme-www
        spec:
          account: acme
          url: https://www.acme.example/
          alerts:
            - webhook: https://hooks.example/acme

        """,
        "accounts/globex/account.yaml": globexAccount(domains: 1, webApps: 1, systemUsers: 2),
        "accounts/globex/resources.yaml": """
        apiVersion: baton/v1
        kind: SystemUser
        metadata:
          name: globex-web
        spec:
          account: globex
          home: /home/globex/web
        ---
        apiVersion: baton/v1
        kind: Domain
        metadata:
          name: globex.example
        spec:
          account: globex
          records:
            - {name: "@", type: NS, value: ns1.hosting.example.}
            - {name: "@", type: A, value: 203.0.113.10}
            - {name: www, type: A, value: 203.0.113.10}
        ---
        apiVersion: baton/v1
        kind: WebApp
        metadata:
          name: globex-www
        spec:
          account: globex
          type: static
          domains: [globex.example]

        """,
        "accounts/initech/account.yaml": """
        apiVersion: baton/v1
        kind: Account
        metadata:
          name: initech
        spec:
          contact: it@initech.example

        """,
    ]
}

/// Finds the rule ids Sources/ can emit by reading how they are passed: the rule argument of
/// `Findings.error`/`warning` (`o, path, RULE, ...` or `at: location, RULE, ...`), `DecodeContext.error`
/// (`mark, RULE, ...`), any `rule:` argument (`Diagnostic.error`, `YAMLProblem`, `Refusal`), and the rule
/// passed to `LimitRules.report(..., RULE, &f)`. Interpolated ids expand through a table of known suffixes.
enum RuleScanner {
    struct Result {
        var rules: Set<String> = []
        var problems: [String] = []
    }

    /// Arguments that forward a rule id received from a caller (whose literal the scan finds there).
    static let forwarded: Set<String> = ["rule", "refusal.rule", "$0.rule", "problem.rule"]

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static func scanSources() throws -> Result {
        let root = packageRoot.appendingPathComponent("Sources")
        var result = Result()
        var files: [URL] = []
        for folder in ["Manifests", "Validation"] {
            let enumerator = FileManager.default.enumerator(
                at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                if url.pathExtension == "swift" { files.append(url) }
            }
        }
        guard !files.isEmpty else {
            result.problems.append("no Swift files under \(root.path)")
            return result
        }
        let expansions = try expansionTable(root)
        for url in files.sorted(by: { $0.path < $1.path }) {
            let text = try String(contentsOf: url, encoding: .utf8)
            let one = scan(text, file: url.lastPathComponent, expansions: expansions)
            result.rules.formUnion(one.rules)
            result.problems += one.problems
        }
        return result
    }

    /// Interpolated rule ids and what they expand to, read from the sources they depend on.
    static func expansionTable(_ sources: URL) throws -> [String: [String]] {
        let pathRules = try String(
            contentsOf: sources.appendingPathComponent("Validation/PathRules.swift"), encoding: .utf8)
        let checks = matches(of: #"check: "([a-z-]+)""#, in: pathRules)
        let zones = sources.appendingPathComponent("Zones")
        var checkerNames: [String] = []
        for file in FileManager.default.enumerator(at: zones, includingPropertiesForKeys: nil)?.compactMap({
            $0 as? URL
        }) ?? []
        where file.pathExtension == "swift" {
            checkerNames += matches(
                of: #"var name: String \{ "([a-z-]+)" \}"#, in: try String(contentsOf: file, encoding: .utf8))
        }
        return [
            #""zone.\(checker.name)""#: checkerNames.map { "zone.\($0)" },
            #""home.\(problem.check)""#: Array(Set(checks)).sorted().map { "home.\($0)" },
            #""record.\(valueRuleName(record.type))""#: ["record.value"]
                + RecordType.validated.map {
                    "record.\($0.rawValue.lowercased())"
                },
        ]
    }

    static func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    static func scan(_ text: String, file: String, expansions: [String: [String]]) -> Result {
        var result = Result()
        let b = Array(text.utf8)
        var i = 0
        var previousWord = ""
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i = Lexer.skipString(b, i)
            } else if c == UInt8(ascii: "/"), i + 1 < b.count,
                b[i + 1] == UInt8(ascii: "/") || b[i + 1] == UInt8(ascii: "*")
            {
                i = Lexer.skipComment(b, i)
            } else if Lexer.isIdentifierStart(c) {
                let start = i
                while i < b.count, Lexer.isIdentifierPart(b[i]) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                let isDeclaration = previousWord == "func" || word == "init"
                if i < b.count, b[i] == UInt8(ascii: "("), !isDeclaration {
                    let arguments = Lexer.arguments(b, i)
                    if let expression = ruleArgument(of: word, arguments) {
                        classify(expression, call: word, file: file, expansions: expansions, into: &result)
                    }
                }
                previousWord = word
            } else {
                if c != UInt8(ascii: " ") && c != UInt8(ascii: "\n") { previousWord = "" }
                i += 1
            }
        }
        return result
    }

    /// The expression passed as the rule id, or nil when the call passes none.
    static func ruleArgument(of call: String, _ arguments: [(label: String?, expression: String)]) -> String? {
        if let labelled = arguments.first(where: { $0.label == "rule" }) { return labelled.expression }
        switch call {
        case "error", "warning":
            if arguments.first?.label == "at" { return arguments.count > 1 ? arguments[1].expression : "" }
            if arguments.count >= 5 { return arguments[2].expression }
            if arguments.count == 4 { return arguments[1].expression }
            return arguments.map(\.expression).joined(separator: ", ")
        case "report":
            guard let findings = arguments.firstIndex(where: { $0.expression == "&f" }), findings > 0 else {
                return nil
            }
            return arguments[findings - 1].expression
        default:
            return nil
        }
    }

    static func classify(
        _ expression: String, call: String, file: String, expansions: [String: [String]], into result: inout Result
    ) {
        if forwarded.contains(expression) { return }
        let b = Array(expression.utf8)
        let isSingleLiteral = b.first == UInt8(ascii: "\"") && Lexer.skipString(b, 0) == b.count
        guard isSingleLiteral else {
            result.problems.append("\(file): \(call)(...) passes a rule id the scan cannot read: \(expression)")
            return
        }
        if expression.contains("\\(") {
            guard let expanded = expansions[expression] else {
                result.problems.append("\(file): interpolated rule id \(expression) has no expansion")
                return
            }
            result.rules.formUnion(expanded)
            return
        }
        let id = String(expression.dropFirst().dropLast())
        if id.range(of: #"^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) == nil {
            result.problems.append("\(file): \(call)(...) passes '\(id)', which is not of the form family.rule-name")
        }
        result.rules.insert(id)
    }
}

/// Just enough of Swift's lexical structure to find call arguments: strings (with interpolations that
/// hold strings of their own), comments, and balanced brackets.
enum Lexer {
    static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")
    }

    static func isIdentifierPart(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= 48 && c <= 57)
    }

    /// `b[i]` is `"`; returns the index after the closing quote.
    static func skipString(_ b: [UInt8], _ i: Int) -> Int {
        let quote = UInt8(ascii: "\"")
        let multiline = i + 2 < b.count && b[i + 1] == quote && b[i + 2] == quote
        var j = i + (multiline ? 3 : 1)
        while j < b.count {
            if b[j] == UInt8(ascii: "\\") {
                if j + 1 < b.count, b[j + 1] == UInt8(ascii: "(") {
                    j = skipBalanced(b, j + 1)
                } else {
                    j += 2
                }
                continue
            }
            if b[j] == quote {
                if !multiline { return j + 1 }
                if j + 2 < b.count, b[j + 1] == quote, b[j + 2] == quote { return j + 3 }
            }
            j += 1
        }
        return b.count
    }

    /// `b[i]` starts `//` or `/*`; returns the index after the comment.
    static func skipComment(_ b: [UInt8], _ i: Int) -> Int {
        var j = i + 2
        if b[i + 1] == UInt8(ascii: "/") {
            while j < b.count, b[j] != UInt8(ascii: "\n") { j += 1 }
            return j
        }
        while j + 1 < b.count, !(b[j] == UInt8(ascii: "*") && b[j + 1] == UInt8(ascii: "/")) { j += 1 }
        return min(b.count, j + 2)
    }

    /// `b[i]` is an opening bracket; returns the index after its closing one.
    static func skipBalanced(_ b: [UInt8], _ i: Int) -> Int {
        var depth = 0
        var j = i
        while j < b.count {
            let c = b[j]
            switch c {
            case UInt8(ascii: "\""):
                j = skipString(b, j)
                continue
            case UInt8(ascii: "/")
            where j + 1 < b.count && (b[j + 1] == UInt8(ascii: "/") || b[j + 1] == UInt8(ascii: "*")):
                j = skipComment(b, j)
                continue
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return j + 1 }
            default:
                break
            }
            j += 1
        }
        return b.count
    }

    /// The arguments of the call whose `(` is at `b[i]`, each with its label, trimmed.
    static func arguments(_ b: [UInt8], _ i: Int) -> [(label: String?, expression: String)] {
        let end = skipBalanced(b, i) - 1
        var pieces: [String] = []
        var start = i + 1
        var j = i + 1
        while j < end {
            let c = b[j]
            if c == UInt8(ascii: "\"") {
                j = skipString(b, j)
            } else if c == UInt8(ascii: "/"), j + 1 < end,
                b[j + 1] == UInt8(ascii: "/") || b[j + 1] == UInt8(ascii: "*")
            {
                j = skipComment(b, j)
            } else if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                j = skipBalanced(b, j)
            } else if c == UInt8(ascii: ",") {
                pieces.append(String(decoding: b[start..<j], as: UTF8.self))
                start = j + 1
                j += 1
            } else {
                j += 1
            }
        }
        if start < end { pieces.append(String(decoding: b[start..<end], as: UTF8.self)) }
        return pieces.compactMap { piece in
            let text = piece.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return nil }
            if let match = text.range(of: #"^[A-Za-z_][A-Za-z0-9_]*\s*:(?!:)"#, options: .regularExpression),
                !text.hasPrefix("\"")
            {
                let label = text[match].dropLast().trimmingCharacters(in: .whitespaces)
                return (label, text[match.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return (nil, text)
        }
    }
}
