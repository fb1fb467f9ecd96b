import Manifests
import Planning

/// Web apps: the directory (owner, mode 0750, never through a link), a php-fpm pool for PHP and an nginx server
/// block, named as `SystemNames` says. Both files are staged: in place at once, tested by their daemons (`php-fpm -t`,
/// `nginx -t`) once per run for all apps (StagedChecks), and put back as they were, for an app whose files a test
/// rejects. A removed app loses its pool and server block; its directory is archived.
package enum WebAppBackend {
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
        let document = desired.scalar("publicRoot").map { path + "/" + $0 } ?? path
        let php = desired.scalar("type") == "php" ? desired.scalar("php.version") : nil
        try s.command(
            [
                "baton_user_dirs_by", .value(maker(user: user, path: path, account: account, context)),
                .value(user), .value(account), "0750", .value(path),
            ]
                + (desired.scalar("publicRoot").map { [.value(path + "/" + $0)] } ?? []))
        if php != nil {
            // PHP's temporary, session and upload folders: the app user's alone, in the app's tree (inside
            // open_basedir, outside what nginx serves: hidden paths are refused), no pool sharing /tmp.
            let folder = SystemNames.phpFolder(path: path)
            try s.command(
                "baton_user_dirs_by", .value(user), .value(user), .value(account), "0700", .value(folder),
                .value(folder + "/tmp"), .value(folder + "/sessions"), .value(folder + "/uploads"))
        }
        try access(user: user, account: account, path: path, document: document, php: php != nil, context, &s)
        let tls = try certificates(desired, app: app, user: user, account: account, layout: layout, &s)
        var socket: String?
        if let version = php {
            let pools = layout.pools(version: version)
            socket = SystemNames.socket(account: account, app: app, version: version)
            try Prelude.sharedFolder(pools, "root root 0755", &s)
            try s.stage(
                Array(try poolText(desired, account: account, app: app, user: user, socket: socket!).utf8),
                as: "\(pools)/\(SystemNames.poolFile(account: account, app: app))", mode: "0600",
                testedBy: "php-fpm\(version)")
        }
        try Prelude.sharedFolder(layout.nginxSites, "root root 0755", &s)
        try s.stage(
            Array(try serverBlock(desired, app: app, root: document, socket: socket, tls: tls).utf8),
            as: "\(layout.nginxSites)/\(SystemNames.serverBlock(account: account, app: app))", mode: "0600",
            testedBy: "nginx")
        try reload(version: php, &s)
    }

    /// Who may read what of the app. nginx (www-data) passes through the folders above the app and through the
    /// app's folder down to its public root, and reads the public root alone: a file beside it (a
    /// `wp-config.php` above `public/`) is the app user's and PHP's only. Passing through a folder opens every
    /// name in it, so everything else gets an entry of its own that denies www-data (`u:www-data:---`, which
    /// wins over the file's "other" bits), and folders on the way carry it as their default for what is made
    /// there later. The folders above are their owners' to open: the main user's, and the user's inside its own
    /// home. The app's own files are the user's: their ACLs are set with the user's rights, without following
    /// links (-P), so a link in the app leads nowhere else.
    static func access(
        user: String, account: String, path: String, document: String, php: Bool, _ context: ApplyContext,
        _ s: inout ScriptBuilder
    ) throws {
        let pass = "u:www-data:--x,d:u:www-data:---"
        var words: [ScriptBuilder.Word] = ["if command -v setfacl >/dev/null; then :"]
        // The folders above are the same for every app of a user: opened by the first app of the run that
        // needs them, and noted in the run's scratch folder (baton_once).
        for (owner, folders) in Self.owners(above: path, user: user, account: account, context) {
            let key = "acl-" + SHA256.hex(([owner, account] + folders).joined(separator: "\u{0}")).prefix(32)
            words += [
                "; baton_once", .value(key), "baton_setfacl quiet", .value(owner), .value(account), "-P -m",
                .value(pass), "--",
            ]
            words += folders.map { .value($0) } + ["2>/dev/null"]
        }
        // In this order: the whole tree closed, the way down to the public root opened, the public root readable,
        // PHP's folders closed again. setfacl applies each `-m` to the files after it, in order, and `-R` to every
        // file after it: so two runs of it, the recursive step first, then the others. A file in the tree the user
        // may not change (one root or another user put there) stops none of the others, and is named in the run's
        // log (baton_acl).
        let way = folders(between: path, and: document + "/x")
        let message = ScriptBuilder.Word.value("baton: some files of \(path) keep the access they had (see above)")
        // Every path starts with `/` (a home's path, checked by the rules), so none reads as an option where `--`
        // cannot be given.
        guard ([path, document] + way).allSatisfy({ $0.hasPrefix("/") }) else {
            throw BackendError(description: "WebApp \(path): not an absolute path")
        }
        let steps: [[ScriptBuilder.Word]] = [
            ["-R -P -m u:www-data:---,d:u:www-data:--- --", .value(path)],
            ["-P -m", .value(pass)] + way.map { .value($0) }
                + ["-R -m u:www-data:r-X,d:u:www-data:r-X", .value(document)]
                + (php ? ["-m u:www-data:---,d:u:www-data:---", .value(SystemNames.phpFolder(path: path))] : []),
        ]
        for step in steps {
            words += ["; baton_acl", message, .value(user), .value(account)] + step
        }
        try s.command(words + ["; else echo 'baton: no ACL support here: nginx may not read the app' >&2; fi"])
    }

    /// The certificate and key nginx reads, as root: a Let's Encrypt lineage is root's and read in place; a file
    /// in a home is the tenant's, and nginx reads Baton's copy of it instead (`certificates`).
    static func tlsPaths(_ state: Planning.ResourceState, app: String, layout: ServerLayout) -> (
        certificate: String, key: String
    )? {
        guard let certificate = state.scalar("tls.certificate"), let key = state.scalar("tls.key") else { return nil }
        let read = { (source: String, isKey: Bool) in
            source.hasPrefix("/home/")
                ? SystemNames.tlsCopy(state: layout.state, account: state.account, app: app, key: isKey) : source
        }
        return (read(certificate, false), read(key, true))
    }

    /// Copies the certificate and key kept in a home, read with the app user's rights (a link there leads only
    /// where that user may read), to root's folder, staged and tested by nginx with the server block.
    static func certificates(
        _ state: Planning.ResourceState, app: String, user: String, account: String, layout: ServerLayout,
        _ s: inout ScriptBuilder
    ) throws -> (certificate: String, key: String)? {
        guard let paths = tlsPaths(state, app: app, layout: layout) else { return nil }
        for (field, copy) in [("tls.certificate", paths.certificate), ("tls.key", paths.key)] {
            guard let source = state.scalar(field), source != copy else { continue }
            try Prelude.sharedFolder(layout.state + "/tls", "root root 0700", &s)
            try s.stageCopy(of: source, readAs: user, group: account, as: copy, testedBy: "nginx")
        }
        return paths
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

    /// The configuration files of an app in this applied form, with the daemon that tests each. A form without
    /// `template` was applied by a Baton that named them after the app alone and the user (`baton-<app>.conf`,
    /// `baton-<user>-<app>.conf`).
    static func files(app: String, state: Planning.ResourceState, layout: ServerLayout) -> [(
        path: String, daemon: String
    )] {
        let account = state.account
        let legacy = state.scalar("template") == nil
        var files = [
            (
                "\(layout.nginxSites)/"
                    + (legacy ? "baton-\(app).conf" : SystemNames.serverBlock(account: account, app: app)), "nginx"
            )
        ]
        if state.scalar("type") == "php", let user = state.scalar("user"), let version = state.scalar("php.version") {
            let pool = legacy ? "baton-\(user)-\(app).conf" : SystemNames.poolFile(account: account, app: app)
            files.append(("\(layout.pools(version: version))/\(pool)", "php-fpm\(version)"))
        }
        if !legacy {
            for (field, isKey) in [("tls.certificate", false), ("tls.key", true)]
            where state.scalar(field)?.hasPrefix("/home/") == true {
                files.append(
                    (SystemNames.tlsCopy(state: layout.state, account: account, app: app, key: isKey), "nginx"))
            }
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

    /// What PHP may not do in any pool, whatever the app's `php.ini` says: run programs, signal or change
    /// users, load code. An app's own `disable_functions` adds to it (docs/php-ini.md).
    package static let disabledFunctions = [
        "exec", "passthru", "shell_exec", "system", "proc_open", "popen", "proc_nice", "proc_terminate",
        "proc_get_status", "pcntl_exec", "pcntl_fork", "pcntl_signal", "pcntl_alarm", "posix_kill", "posix_setuid",
        "posix_setgid", "posix_seteuid", "posix_setegid", "posix_setpgid", "posix_setsid", "posix_mkfifo", "dl",
    ]

    package static func poolText(
        _ state: Planning.ResourceState, account: String, app: String, user: String, socket: String
    )
        throws -> String
    {
        let pool = SystemNames.pool(account: account, app: app)
        guard let path = state.scalar("path") else {
            throw BackendError(description: "WebApp \(app): no path in its applied form")
        }
        let own = SystemNames.phpFolder(path: path)
        var text =
            "; written by Baton: do not edit\n[\(try line(pool))]\nuser = \(try line(user))\ngroup = \(try line(account))\n"
        text += "listen = \(try line(socket))\nlisten.owner = www-data\nlisten.group = www-data\nlisten.mode = 0660\n"
        text += "pm = ondemand\npm.max_children = \(try line(state.scalar("php.processes") ?? "5"))\n"
        text += "request_terminate_timeout = \(try line(state.scalar("php.timeout") ?? "30"))s\n"
        // The app's tree is all PHP may open; its temporary files, sessions and uploads stay in it.
        text += "chdir = /\nsecurity.limit_extensions = .php\n"
        text += "php_admin_value[open_basedir] = \(try line(path))/\n"
        text += "php_admin_value[sys_temp_dir] = \(try line(own))/tmp\n"
        text += "php_admin_value[upload_tmp_dir] = \(try line(own))/uploads\n"
        text += "php_admin_value[session.save_path] = \(try line(own))/sessions\n"
        text += "php_admin_flag[allow_url_include] = off\n"
        for variable in ["TMPDIR", "TMP", "TEMP"] { text += "env[\(variable)] = \(try line(own))/tmp\n" }
        var disabled = Self.disabledFunctions
        if case .list(let settings)? = state.value("php.ini") {
            for setting in settings {
                guard let eq = setting.firstIndex(of: "=") else { continue }
                let (key, value) = (String(setting[..<eq]), String(setting[setting.index(after: eq)...]))
                if key == "disable_functions" {
                    // Only ever more: the app's list joins the default one.
                    for name in value.split(separator: ",") {
                        let name = name.trimmingCharacters(in: .whitespaces)
                        if !name.isEmpty, !disabled.contains(name) { disabled.append(name) }
                    }
                    continue
                }
                text += "php_admin_value[\(try line(key))] = \(try line(value))\n"
            }
        }
        return text + "php_admin_value[disable_functions] = \(try line(disabled.joined(separator: ",")))\n"
    }

    static func serverBlock(
        _ state: Planning.ResourceState, app: String, root: String, socket: String?,
        tls: (certificate: String, key: String)?
    ) throws -> String {
        var domains: [String] = []
        if case .list(let names)? = state.value("domains") { domains = try names.map(line) }
        let names = domains.isEmpty ? "_" : domains.joined(separator: " ")
        var text = "# written by Baton for \(try line(app)): do not edit\nserver {\n  listen 80;\n"
        if let tls {
            text +=
                "  listen 443 ssl;\n  ssl_certificate \"\(try line(tls.certificate))\";\n  ssl_certificate_key \"\(try line(tls.key))\";\n"
        }
        text += "  server_name \(names);\n"
        if state.scalar("active") == "false" {
            // The account is deactivated: the names answer, the app does not run, nothing is deleted.
            return text + "  location / { return 503; }\n}\n"
        }
        text += "  root \"\(try line(root))\";\n  index index.html index.php;\n"
        // A link in the public root is followed only to a file of the link's own owner: one a tenant (or its
        // PHP) plants towards another tenant's files or the system's is refused.
        text += "  disable_symlinks if_not_owner from=$document_root;\n"
        // Hidden paths (.git, .env, PHP's own .php/ folders) are never served; ACME's .well-known is.
        text += "  location ~ /\\.(?!well-known/) { deny all; }\n"
        text += "  location / { try_files $uri $uri/ =404; }\n"
        if let socket {
            text += "  location ~ \\.php$ {\n    try_files $uri =404;\n    include fastcgi_params;\n"
            text += "    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n"
            text += "    fastcgi_pass unix:\(socket);\n  }\n"
        }
        return text + "}\n"
    }
}
