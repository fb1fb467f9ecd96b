package struct SystemUserSpec: Sendable, Hashable {
    package static let shells = ["/usr/sbin/nologin", "/bin/bash", "/bin/sh", "/usr/bin/rssh"]

    package var account: String
    package var main = false
    /// As written; `nil` means the default (`/home/<name>` for a main user, the main user's home otherwise).
    package var home: String?
    package var shell = "/usr/sbin/nologin"
    package var groups: [String] = []
    package var authorizedKeys: [String] = []
    package var passwordHash: String?
    package var active = true
    package var purge = false

    package init(account: String) {
        self.account = account
    }
}
