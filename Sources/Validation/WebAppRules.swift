import Manifests

enum WebAppRules {
    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        for app in index.set.webApps {
            let o = app.origin
            let spec = app.spec
            if !Names.isWebAppName(app.name) {
                f.error(
                    o, "metadata.name", "name.webapp",
                    "web app name '\(app.name)' does not match ^[a-z0-9][a-z0-9_-]{0,31}$",
                    hint: "use lower-case letters, digits, `_` and `-`, at most 32 characters")
            }
            if let account = index.accounts[spec.account], account.spec.placement.web == nil {
                f.error(
                    o, "spec.account", "ref.placement", "account '\(spec.account)' has no web server for this app",
                    hint: "add `placement: {web: <server>}` to the account")
            }
            let userName = spec.user ?? spec.account
            var home: String?
            if let owner = index.accountOfUser(userName) {
                if owner != spec.account {
                    f.error(
                        o, "spec.user", "tenancy.cross-account", "user '\(userName)' belongs to account '\(owner)'",
                        hint: "run the app as a user of account '\(spec.account)'")
                } else {
                    home = index.home(ofUser: userName)
                }
            } else if spec.user != nil {
                f.error(
                    o, "spec.user", "ref.user",
                    "no SystemUser named '\(userName)'"
                        + Suggestion.phrase(
                            for: userName,
                            in: index.set.systemUsers.filter { $0.spec.account == spec.account }.map(\.name)),
                    hint: "declare the user, or remove `user:` to run the app as the account's main user")
            }
            if let path = spec.path {
                if let problem = PathRules.absoluteProblem(path) {
                    f.error(o, "spec.path", "webapp.path", problem.message, hint: problem.hint)
                } else if let home, !PathRules.isInside(path, home) || path == home {
                    f.error(
                        o, "spec.path", "webapp.path",
                        "'\(path)' is not below the home of user '\(userName)' (\(home))",
                        hint:
                            "remove `path:` for the default \(home)/webapps/\(app.name), or choose a folder below \(home)"
                    )
                }
            }
            if let root = spec.publicRoot, let problem = PathRules.relativeProblem(root) {
                f.error(
                    o, "spec.publicRoot", "webapp.public-root", "publicRoot: \(problem.message)",
                    hint: problem.check == "dot-component"
                        ? "the public root must stay inside the app's path; remove `..`" : problem.hint)
            }
            checkPHP(app, &f)
            if let tls = spec.tls {
                for (key, value) in [("certificate", tls.certificate), ("key", tls.key)] {
                    if let problem = PathRules.absoluteProblem(value), problem.check != "forbidden" {
                        f.error(o, "spec.tls.\(key)", "webapp.tls-path", problem.message, hint: problem.hint)
                    }
                }
            }
        }
    }

    static func checkPHP(_ app: WebApp, _ f: inout Findings) {
        let o = app.origin
        guard let php = app.spec.php else { return }
        guard app.spec.type == .php else {
            f.error(
                o, "spec.php", "webapp.php-on-static", "a static web app has no PHP settings",
                hint: "remove the `php:` block, or set `type: php`")
            return
        }
        if !PHPIni.versions.contains(php.version) {
            f.error(
                o, "spec.php.version", "php.version", "PHP version '\(php.version)' is not offered",
                hint: "use one of: \(PHPIni.versions.joined(separator: ", "))")
        }
        for setting in php.ini {
            let path = "spec.php.ini.\(setting.key)"
            guard let allowed = PHPIni.byKey[setting.key] else {
                f.error(
                    o, path, "php.ini-key",
                    "php.ini key '\(setting.key)' is not on the allow-list"
                        + Suggestion.phrase(for: setting.key, in: PHPIni.allowList.map(\.key)),
                    hint: "allowed keys are listed in docs/php-ini.md")
                continue
            }
            if setting.value.contains(where: \.isNewline) {
                f.error(
                    o, path, "php.ini-value", "the value of '\(setting.key)' contains a line break",
                    hint: "php.ini values are one line; a newline would inject another setting")
            } else if !allowed.matches(setting.value) {
                f.error(
                    o, path, "php.ini-value", "'\(setting.value.prefix(60))' is not a valid value for \(setting.key)",
                    hint: "expected \(allowed.pattern), e.g. \(allowed.example)")
            }
        }
    }
}
