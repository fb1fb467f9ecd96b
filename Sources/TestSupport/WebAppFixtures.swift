/// Manifests of web apps that tests of several targets apply: the same shapes everywhere they are compared.
package enum WebAppFixtures {
    /// Account `t`'s static app `t-site` and PHP app `t-shop` (its public root `publicRoot`, if any).
    package static func siteAndShop(_ t: String, publicRoot: String? = nil) -> String {
        site(t) + """
            ---
            apiVersion: baton/v1
            kind: WebApp
            metadata: {name: \(t)-shop}
            spec: {account: \(t), type: php\(publicRoot.map { ", publicRoot: \($0)" } ?? ""), domains: [shop.\(t).example]}

            """
    }

    /// Account `t`'s static app `t-site`.
    package static func site(_ t: String) -> String {
        """
        ---
        apiVersion: baton/v1
        kind: WebApp
        metadata: {name: \(t)-site}
        spec: {account: \(t), type: static, domains: [\(t).example]}

        """
    }
}
