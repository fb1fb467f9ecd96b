package enum WebAppType: String, Sendable, Hashable, CaseIterable {
    case `static`
    case php
}

package struct WebAppSpec: Sendable, Hashable {
    package struct PHP: Sendable, Hashable {
        package var version = "8.2"
        package var processes = 5
        package var timeout = Duration.seconds(30)
        /// `php.ini` settings, keys and values as written, in the order written.
        package var ini: [IniSetting] = []

        package init() {}
    }

    package struct IniSetting: Sendable, Hashable {
        package var key: String
        package var value: String

        package init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    package struct TLS: Sendable, Hashable {
        package var certificate: String
        package var key: String

        package init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    package var account: String
    package var type: WebAppType
    /// `nil` means the account's main user.
    package var user: String?
    /// `nil` means `<home of user>/webapps/<name>`.
    package var path: String?
    package var publicRoot: String?
    package var php: PHP?
    package var domains: [String] = []
    package var tls: TLS?

    package init(account: String, type: WebAppType) {
        self.account = account
        self.type = type
    }
}
