import Manifests

/// Every resource belongs to one account, and nothing of one account names another's.
enum TenancyRules {
    static func check(_ index: RepositoryIndex, _ f: inout Findings) {
        func owned(_ kind: Kind, _ name: String, _ account: String, _ o: Origin) {
            if !index.accounts.contains(account) {
                f.error(
                    o, "spec.account", "ref.account",
                    "\(kind.rawValue) '\(name)' names account '\(account)', which is not declared"
                        + Suggestion.phrase(for: account, in: index.accountNames()),
                    hint: "declare the Account (accounts/\(account)/account.yaml) or fix the name")
            }
            folder(kind, name, account: account, o)
        }
        func folder(_ kind: Kind, _ name: String, account: String?, _ o: Origin) {
            guard o.file.hasPrefix("accounts/"), let tenant = tenantFolder(o.file) else { return }
            if account != tenant {
                f.error(
                    o, account == nil ? "kind" : (kind == .account ? "metadata.name" : "spec.account"),
                    "tenancy.folder",
                    account == nil
                        ? "a \(kind.rawValue) does not belong in the folder of account '\(tenant)'"
                        : "\(kind.rawValue) '\(name)' belongs to account '\(account!)' but lies in accounts/\(tenant)/",
                    hint: account == nil
                        ? "move it to servers/"
                        : "a tenant's folder declares only its own resources; move the file to accounts/\(account!)/")
            }
        }
        // By position: a loop over a set's array copies each resource (retaining every string it holds).
        let set = index.set
        for s in set.servers.indices { folder(.server, set.servers[s].name, account: nil, set.servers[s].origin) }
        for a in set.accounts.indices {
            folder(.account, set.accounts[a].name, account: set.accounts[a].name, set.accounts[a].origin)
        }
        for u in set.systemUsers.indices {
            owned(.systemUser, set.systemUsers[u].name, set.systemUsers[u].spec.account, set.systemUsers[u].origin)
        }
        for d in set.domains.indices {
            let domain = set.domains[d]
            owned(.domain, domain.name, domain.spec.account, domain.origin)
            if let parent = index.parentDomain(of: domain), parent.spec.account != domain.spec.account {
                f.error(
                    domain.origin, "spec.account", "tenancy.subdomain-split",
                    "'\(domain.name)' lies inside '\(parent.name)' of account '\(parent.spec.account)'",
                    hint:
                        "a domain and its subdomains belong to one account; move it to account '\(parent.spec.account)'"
                )
            }
        }
        for m in set.monitoredSites.indices {
            let site = set.monitoredSites[m]
            owned(.monitoredSite, site.name, site.spec.account, site.origin)
        }

        // Each name's first app and the position of the name in it; the place is worked out only for a message.
        let apps = index.set.webApps
        var servedBy: [String: (app: Int, item: Int)] = Dictionary(
            minimumCapacity: apps.reduce(0) { $0 + $1.spec.domains.count })
        for a in apps.indices {
            let app = apps[a]
            owned(.webApp, app.name, app.spec.account, app.origin)
            if let tls = app.spec.tls {
                for (field, path) in [("certificate", tls.certificate), ("key", tls.key)] {
                    tlsPath(path, field: "spec.tls.\(field)", of: app, index, &f)
                }
            }
            for (i, fqdn) in app.spec.domains.enumerated() {
                let path = "spec.domains.\(i)"
                let name = fqdn.hasPrefix("*.") ? String(fqdn.dropFirst(2)) : fqdn
                if let problem = DNSName.hostProblem(name, allowUnderscore: false)
                    ?? (fqdn != fqdn.lowercased() ? "it has upper-case letters" : nil)
                {
                    f.error(
                        app.origin, path, "name.domain", "'\(fqdn)' is not a valid domain name: \(problem)",
                        hint: "write the FQDN in lower case without a trailing dot, e.g. www.example.com")
                    continue
                }
                if let domain = index.domain(containing: name) {
                    if domain.spec.account != app.spec.account {
                        f.error(
                            app.origin, path, "tenancy.cross-account",
                            "'\(fqdn)' belongs to domain '\(domain.name)' of account '\(domain.spec.account)'",
                            hint: "an app serves only names of its own account's domains")
                    }
                } else {
                    f.error(
                        app.origin, path, "ref.domain", "'\(fqdn)' is in no Domain of the repository",
                        hint: "declare a Domain for it in account '\(app.spec.account)', or fix the name")
                }
                if let first = servedBy[fqdn] {
                    let firstAt = apps[first.app].origin.location("spec.domains.\(first.item)")
                    f.error(
                        at: app.origin.location(path), "tenancy.fqdn-conflict",
                        "'\(fqdn)' is already served by web app '\(apps[first.app].name)' (\(firstAt.file):\(firstAt.line))",
                        hint: "a name can be served by one web app only; remove it from one of them")
                } else {
                    servedBy[fqdn] = (a, i)
                }
            }
        }
    }

    /// The second of at least three path components (empty ones skipped): the account folder a file lies in.
    static func tenantFolder(_ file: String) -> String? {
        var parts = file.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 2).makeIterator()
        _ = parts.next()
        guard let tenant = parts.next(), let rest = parts.next(),
            rest.contains(where: { $0 != UInt8(ascii: "/") })
        else { return nil }
        return String(Substring(tenant))
    }

    /// A web app's certificate and key are its own account's: inside its own home (`/home/ACCOUNT/...`), or a
    /// Let's Encrypt lineage (`/etc/letsencrypt/live/NAME/`, `archive/NAME/`) named after a name of the app's own
    /// account's domains. Nothing else: nginx reads these files as root, so any other path would let a tenant
    /// name a file of the system's or of another tenant's (`/etc/shadow`, `/root/.ssh/id_rsa`, a snakeoil key).
    /// The path is compared as written, case included: `/etc/letsencrypt/live/ACME.example` is another folder.
    static func tlsPath(_ path: String, field: String, of app: WebApp, _ index: RepositoryIndex, _ f: inout Findings) {
        let account = app.spec.account
        if let owner = homeOwner(path) {
            if owner != account {
                f.error(
                    app.origin, field, "tenancy.tls-path",
                    index.accounts.contains(owner)
                        ? "'\(path)' lies in the home of account '\(owner)'"
                        : "'\(path)' lies in /home/\(owner), which is not account '\(account)''s home",
                    hint: "keep the app's certificate and key in /home/\(account)/, or use a Let's Encrypt lineage")
            } else if !path.dropFirst("/home/\(owner)".count).hasPrefix("/") || path.hasSuffix("/") {
                f.error(
                    app.origin, field, "tenancy.tls-path", "'\(path)' names the home itself, not a file in it",
                    hint: "name the file, e.g. /home/\(account)/tls/\(app.name).pem")
            }
            return
        }
        guard path.hasPrefix("/etc/letsencrypt/") else {
            f.error(
                app.origin, field, "tenancy.tls-path",
                "'\(path)' is neither in account '\(account)''s home nor in a Let's Encrypt lineage of its domains",
                hint:
                    "nginx reads certificates as root: use /etc/letsencrypt/live/DOMAIN/... for one of the account's domains, or a file in /home/\(account)/"
            )
            return
        }
        guard let lineage = letsEncryptName(path) else {
            f.error(
                app.origin, field, "tenancy.tls-path",
                "'\(path)' is in /etc/letsencrypt/ but not in a certificate's own folder (live/NAME/ or archive/NAME/)",
                hint:
                    "name the files of the certificate's lineage, e.g. /etc/letsencrypt/live/www.example.com/privkey.pem"
            )
            return
        }
        let name = Self.domainName(ofLineage: lineage)
        if let domain = index.domain(containing: name) {
            if domain.spec.account != account {
                f.error(
                    app.origin, field, "tenancy.tls-path",
                    "the certificate '\(lineage)' is for domain '\(domain.name)' of account '\(domain.spec.account)'",
                    hint: "an app uses certificates of its own account's domains only")
            }
        } else {
            f.error(
                app.origin, field, "tenancy.tls-path",
                "the certificate '\(lineage)' is for no Domain of the repository",
                hint: "use the certificate of one of account '\(account)''s domains, named after it (in lower case)")
        }
    }

    /// The domain a lineage is named after: certbot adds `-0001` and so on to a name it already used.
    static func domainName(ofLineage lineage: String) -> String {
        var name = Substring(lineage.hasPrefix("*.") ? String(lineage.dropFirst(2)) : lineage)
        if let dash = name.lastIndex(of: "-"), name[name.index(after: dash)...].count == 4,
            name[name.index(after: dash)...].allSatisfy(\.isNumber)
        {
            name = name[..<dash]
        }
        return String(name)
    }

    /// `/home/NAME/...` lies in account NAME's home.
    static func homeOwner(_ path: String) -> String? {
        guard path.hasPrefix("/home/") else { return nil }
        let name = path.dropFirst(6).prefix { $0 != "/" }
        return name.isEmpty ? nil : String(name)
    }

    /// The lineage name of `/etc/letsencrypt/live/NAME/...` (or `archive/`), the name certbot files a
    /// certificate under.
    static func letsEncryptName(_ path: String) -> String? {
        for folder in ["/etc/letsencrypt/live/", "/etc/letsencrypt/archive/"] where path.hasPrefix(folder) {
            let rest = path.dropFirst(folder.count)
            let name = rest.prefix { $0 != "/" }
            // A file of the lineage's own folder: `NAME/` and something after it.
            return name.isEmpty || rest.count <= name.count + 1 ? nil : String(name)
        }
        return nil
    }
}
