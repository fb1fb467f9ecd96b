public struct SystemUserSpec: Sendable, Hashable {
    public static let shells = ["/usr/sbin/nologin", "/bin/bash", "/bin/sh", "/usr/bin/rssh"]

    public var account: String
    public var main = false
    /// As written; `nil` means the default (`/home/<name>` for a main user, the main user's home otherwise).
    public var home: String?
    public var shell = "/usr/sbin/nologin"
    public var groups: [String] = []
    public var authorizedKeys: [String] = []
    public var passwordHash: String?
    public var active = true
    public var purge = false

    public init(account: String) {
        self.account = account
    }
}
