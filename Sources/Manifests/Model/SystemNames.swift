/// The names Baton gives what it makes on a server, derived in this one place from the manifests' names.
///
/// Account, user and web app names never hold a `.` (their patterns exclude it), so a name joined with `.`
/// splits back one way only: two different (account, app) pairs never give the same pool, socket, server block
/// or certificate copy, whatever the names, and each derived name carries its account. A name joined with `-`
/// would not: user `globex-globex` with app `shop` and user `globex` with app `globex-shop` both gave the pool
/// `globex-globex-shop`, one tenant's pool file and socket overwriting the other's.
///
/// | object | name |
/// |---|---|
/// | main user and main group of an account | `<account>` |
/// | user | `<user>` (unique across the repository) |
/// | group an account declares | `<account>-<purpose>` (unique across the repository) |
/// | php-fpm pool | `[<account>.<app>]` in `baton-<account>.<app>.conf` |
/// | php-fpm socket | `/run/php/baton-<account>.<app>-php<version>.sock` |
/// | nginx server block | `baton-<account>.<app>.conf` |
/// | copy of a certificate or key kept in a home | `<state>/tls/<account>.<app>.crt` and `.key` |
/// | PHP's temporary, session and upload folders | `<app path>/.php/tmp`, `sessions`, `uploads` |
/// | zone file | `<zones>/<domain>.zone` (domains are unique across the repository) |
package enum SystemNames {
    /// The php-fpm pool of a web app.
    package static func pool(account: String, app: String) -> String { "\(account).\(app)" }

    package static func poolFile(account: String, app: String) -> String {
        "baton-\(pool(account: account, app: app)).conf"
    }

    /// With the PHP version: while a version change is applied, the old and the new php-fpm each have a socket.
    package static func socket(account: String, app: String, version: String) -> String {
        "/run/php/baton-\(pool(account: account, app: app))-php\(version).sock"
    }

    package static func serverBlock(account: String, app: String) -> String { "baton-\(account).\(app).conf" }

    /// Where a certificate or key that lies in a home is copied for nginx, which reads it as root.
    package static func tlsCopy(state: String, account: String, app: String, key: Bool) -> String {
        "\(state)/tls/\(account).\(app).\(key ? "key" : "crt")"
    }

    /// PHP's own folders in the app's tree, outside its public root's reach (nginx refuses hidden paths).
    package static func phpFolder(path: String) -> String { path + "/.php" }

    /// The groups an account may give its users: its main group and the groups it declares.
    package static func groups(of account: String, declared: [String]) -> Set<String> {
        Set(declared).union([account])
    }

    /// Whether `group` is named as an account's own groups must be: `<account>-<purpose>`.
    package static func isAccountGroup(_ group: String, of account: String) -> Bool {
        group.hasPrefix(account + "-") && group.count > account.count + 1
    }
}
