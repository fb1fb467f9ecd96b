public enum WebAppType: String, Sendable, Hashable, CaseIterable {
    case `static`
    case php
}

public struct WebAppSpec: Sendable, Hashable {
    public struct PHP: Sendable, Hashable {
        public var version = "8.2"
        public var processes = 5
        public var timeout = Duration.seconds(30)
        /// `php.ini` settings, keys and values as written, in the order written.
        public var ini: [IniSetting] = []

        public init() {}
    }

    public struct IniSetting: Sendable, Hashable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public struct TLS: Sendable, Hashable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    public var account: String
    public var type: WebAppType
    /// `nil` means the account's main user.
    public var user: String?
    /// `nil` means `<home of user>/webapps/<name>`.
    public var path: String?
    public var publicRoot: String?
    public var php: PHP?
    public var domains: [String] = []
    public var tls: TLS?

    public init(account: String, type: WebAppType) {
        self.account = account
        self.type = type
    }
}
