import Planning

/// Web apps: the directory (owner, mode 0750, never through a link), a php-fpm pool `[<user>-<app>]` for PHP,
/// and an nginx server block. Both files are staged: in place at once, tested by their daemons (`php-fpm -t`,
/// `nginx -t`) once per run for all apps (StagedChecks), and put back as they were, for an app whose files a test
/// rejects. A removed app loses its pool and server block; its directory is archived.
enum WebAppBackend {
    static func render(_ step: Step, context: ApplyContext, into s: inout ScriptBuilder) throws {
        let app = step.change.id.name
        let layout = context.layout
        if let previous = step.previous {
            let oldName = step.change.from?.name ?? app
            // The old configuration's files that the new one does not write again (a rename, another user, another
            // PHP version, PHP no more, a delete) go the staged way, so a rejected change leaves the old whole;
            // the ones it writes again are kept aside by their own staging.
            let kept = Set(step.desired.map { Self.files(app: app, state: $0, layout: layout).map(\.path) } ?? [])
            for file in Self.files(app: oldName, state: previous, layout: layout) where !kept.contains(file.path) {
                try s.stageRemoval(of: file.path, testedBy: file.daemon)
            }
            if step.change.action == .delete {
                if let path = previous.scalar("path") {
                    try s.command("baton_archive", .value(path), .value(layout.archive + "/webapps"), .value(oldName))
                }
                try reload(version: previous.scalar("php.version"), &s)
                return
            }
        }
        guard let desired = step.desired, let user = desired.scalar("user"), let path = desired.scalar("path") else {
            throw BackendError(description: "WebApp \(app): no user or path in its applied form")
        }
        let account = step.change.account
        if step.change.action == .move, let oldPath = step.previous?.scalar("path"), oldPath != path {
            if step.previous?.scalar("user") == user {
                // Within the user's own home: moved with the user's rights, so no link in it leads elsewhere.
                try s.command(
                    "if [ -d", .value(oldPath), "] && [ ! -e", .value(path), "]; then baton_safe_path", .value(oldPath),
                    "&& baton_as", .value(user), .value(account), "mv --", .value(oldPath), .value(path), "; fi")
            } else {
                // From one user's home to another's: no one user may do it, and root would act in two trees that
                // users control. The files stay; the app starts with an empty folder.
                try s.command(
                    "if [ -d", .value(oldPath), "]; then echo",
                    .value("baton: the app's files stay in \(oldPath): move them to \(path) by hand"), ">&2; fi")
            }
        }
        try s.command(
            [
                "baton_user_dirs_by", .value(maker(user: user, path: path, account: account, context)),
                .value(user), .value(account), "0750", .value(path),
            ]
                + (desired.scalar("publicRoot").map { [.value(path + "/" + $0)] } ?? []))
        let document = desired.scalar("publicRoot").map { path + "/" + $0 } ?? path
        // nginx (www-data) passes through the folders above the app and reads the app; the account's other users
        // do not. The app's own files are the user's: their ACLs are set with the user's rights, without
        // following links (-P), so a link in the app leads nowhere else.
        // The folders above are their owners' to open: the main user's, and the user's inside its own home.
        var words: [ScriptBuilder.Word] = ["if command -v setfacl >/dev/null; then :"]
        for (owner, folders) in Self.owners(above: path, user: user, account: account, context) {
            words += ["; baton_as", .value(owner), .value(account), "setfacl -P -m u:www-data:--x --"]
            words += folders.map { .value($0) } + ["2>/dev/null"]
        }
        try s.command(
            words + [
                "; baton_as", .value(user), .value(account),
                "setfacl -R -P -m u:www-data:r-X,d:u:www-data:r-X --", .value(path),
                "|| echo 'baton: no ACL support here: nginx may not read the app' >&2; fi",
            ])
        let pool = "\(user)-\(app)"
        let socket = "/run/php/baton-\(pool).sock"
        var php: String?
        if desired.scalar("type") == "php", let version = desired.scalar("php.version") {
            php = version
            let pools = layout.pools(version: version)
            try Prelude.sharedFolder(pools, "root root 0755", &s)
            let poolFile = "\(pools)/baton-\(pool).conf"
            try s.stage(
                Array(try poolText(desired, pool: pool, user: user, account: account, socket: socket).utf8),
                as: poolFile, testedBy: "php-fpm\(version)")
        }
        let vhost = "\(layout.nginxSites)/baton-\(app).conf"
        try Prelude.sharedFolder(layout.nginxSites, "root root 0755", &s)
        try s.stage(
            Array(try serverBlock(desired, app: app, root: document, socket: php == nil ? nil : socket).utf8),
            as: vhost, testedBy: "nginx")
        try reload(version: php, &s)
    }

    /// Who owns the folders above a default app path (`<home of user>/webapps/<app>`): the main user when the
    /// user shares the main home, else the user. `-` (look it up) for a path of one's own choosing.
    static func maker(user: String, path: String, account: String, _ context: ApplyContext) -> String {
        let (home, owner) = Self.home(of: user, account: account, context)
        guard path.hasPrefix(home + "/webapps/"), !path.dropFirst(home.count + 9).contains("/") else { return "-" }
        return owner
    }

    /// A user's home, and who owns what lies in it: the user, or the main user when the user shares the main
    /// home (a secondary user without a home of its own).
    static func home(of user: String, account: String, _ context: ApplyContext) -> (path: String, owner: String) {
        let main = "/home/\(account)"
        let home = user == account ? main : (context.users[user]?.spec.home ?? main)
        return (home, home == main ? account : user)
    }

    /// The folders from the main home down to the one holding `path`, grouped by owner: the user for those in
    /// its own home, the main user (the account) for the others, as the folders were made.
    static func owners(above path: String, user: String, account: String, _ context: ApplyContext) -> [(
        String, [String]
    )] {
        let (home, inside) = Self.home(of: user, account: account, context)
        var groups: [(String, [String])] = []
        for folder in folders(between: "/home/\(account)", and: path) {
            let owner = folder == home || folder.hasPrefix(home + "/") ? inside : account
            if groups.last?.0 == owner {
                groups[groups.count - 1].1.append(folder)
            } else {
                groups.append((owner, [folder]))
            }
        }
        return groups
    }

    /// The configuration files of an app in this applied form, with the daemon that tests each.
    static func files(app: String, state: Planning.ResourceState, layout: ServerLayout) -> [(
        path: String, daemon: String
    )] {
        var files = [("\(layout.nginxSites)/baton-\(app).conf", "nginx")]
        if state.scalar("type") == "php", let user = state.scalar("user"), let version = state.scalar("php.version") {
            files.append(("\(layout.pools(version: version))/baton-\(user)-\(app).conf", "php-fpm\(version)"))
        }
        return files
    }

    /// The folders from `top` down to the one holding `path`: `/home/acme`, `/home/acme/webapps` for
    /// `/home/acme/webapps/site`. Just `top` when `path` is not below it.
    static func folders(between top: String, and path: String) -> [String] {
        guard path.hasPrefix(top + "/") else { return [top] }
        var folders = [top]
        var current = top
        for part in path.dropFirst(top.count + 1).split(separator: "/").dropLast() {
            current += "/" + part
            folders.append(current)
        }
        return folders
    }

    /// Asks the run's finish step to reload nginx and this PHP version's php-fpm: once per run, however many
    /// apps changed. Each file was already tested by its daemon here.
    static func reload(version: String?, _ s: inout ScriptBuilder) throws {
        if let version { try s.command("echo", .value("php \(version)"), ">> \"$baton_todo\"") }
        s.code("echo nginx >> \"$baton_todo\"")
    }

    /// The finish step's part for web servers.
    static func finish(_ s: inout ScriptBuilder) {
        s.code("for baton_v in $(sed -n 's/^php //p' \"$baton_todo\" | sort -u); do")
        s.code("  baton_php=\"php$baton_v-fpm\"")
        s.code(
            "  systemctl reload \"$baton_php\" 2>/dev/null || { [ -e \"/run/php/$baton_php.pid\" ] && kill -USR2 \"$(cat \"/run/php/$baton_php.pid\")\"; } || { echo \"baton: $baton_php is not running\" >&2; false; }"
        )
        s.code("done")
        s.code("if grep -qx nginx \"$baton_todo\"; then")
        s.code(
            "  nginx -s reload 2>/dev/null || systemctl reload nginx 2>/dev/null || { echo 'baton: nginx is not running' >&2; false; }"
        )
        s.code("fi")
    }

    /// Values here were checked by the rules (names, paths, the php.ini allow-list); a line break would still
    /// add a directive of its own, so it is refused again.
    static func line(_ value: String) throws -> String {
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" }) else {
            throw BackendError(
                description: "a configuration value holds a control character: \(value.debugDescription)")
        }
        return value
    }

    static func poolText(_ state: Planning.ResourceState, pool: String, user: String, account: String, socket: String)
        throws -> String
    {
        var text =
            "; written by Baton: do not edit\n[\(try line(pool))]\nuser = \(try line(user))\ngroup = \(try line(account))\n"
        text += "listen = \(socket)\nlisten.owner = www-data\nlisten.group = www-data\nlisten.mode = 0660\n"
        text += "pm = ondemand\npm.max_children = \(try line(state.scalar("php.processes") ?? "5"))\n"
        text += "request_terminate_timeout = \(try line(state.scalar("php.timeout") ?? "30"))s\n"
        if case .list(let settings)? = state.value("php.ini") {
            for setting in settings {
                guard let eq = setting.firstIndex(of: "=") else { continue }
                text +=
                    "php_admin_value[\(try line(String(setting[..<eq])))] = \(try line(String(setting[setting.index(after: eq)...])))\n"
            }
        }
        return text
    }

    static func serverBlock(_ state: Planning.ResourceState, app: String, root: String, socket: String?) throws
        -> String
    {
        var domains: [String] = []
        if case .list(let names)? = state.value("domains") { domains = try names.map(line) }
        let names = domains.isEmpty ? "_" : domains.joined(separator: " ")
        var text = "# written by Baton for \(try line(app)): do not edit\nserver {\n  listen 80;\n"
        if let certificate = state.scalar("tls.certificate"), let key = state.scalar("tls.key") {
            text +=
                "  listen 443 ssl;\n  ssl_certificate \"\(try line(certificate))\";\n  ssl_certificate_key \"\(try line(key))\";\n"
        }
        text += "  server_name \(names);\n"
        if state.scalar("active") == "false" {
            // The account is deactivated: the names answer, the app does not run, nothing is deleted.
            return text + "  location / { return 503; }\n}\n"
        }
        text += "  root \"\(try line(root))\";\n  index index.html index.php;\n"
        text += "  location / { try_files $uri $uri/ =404; }\n"
        if let socket {
            text += "  location ~ \\.php$ {\n    try_files $uri =404;\n    include fastcgi_params;\n"
            text += "    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n"
            text += "    fastcgi_pass unix:\(socket);\n  }\n"
        }
        return text + "}\n"
    }
}
