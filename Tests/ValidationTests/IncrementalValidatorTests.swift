import Manifests
import TestSupport
import XCTest

@testable import Validation

/// Incremental validation must give what a whole validation gives, finding for finding. Random edits aim at
/// every rule that looks across accounts: names taken twice, subdomains split between accounts, homes inside
/// another account's home, names served twice or by the wrong account, CNAMEs across zones, misspelt
/// accounts, files that move or vanish, documents filed in another tenant's folder.
final class IncrementalValidatorTests: XCTestCase {
    func testRandomEditsGiveTheWholeValidationsFindings() throws {
        var generator = SplitMix64(seed: 7)
        var drafts = (0..<7).map { AccountDraft(index: $0) }
        var files = RepositoryText.files(drafts)
        var loaded = try LoadedFiles(InMemorySource(files))
        var validator = IncrementalValidator(loaded)
        XCTAssertEqual(validator.scope, .whole)
        var partial = 0
        var seenRules = Set<String>()
        for step in 0..<300 {
            let account = Int.random(in: 0..<drafts.count, using: &generator)
            drafts[account].mutate(others: drafts.count, using: &generator)
            let next = RepositoryText.files(drafts)
            let changed = Set(next.keys).union(files.keys).filter { next[$0] != files[$0] }
            files = next
            let before = loaded.manifests(in: changed)
            try loaded.update(changed: changed, from: InMemorySource(files))
            validator.update(to: loaded, changedFiles: changed, before: before)

            let whole = try ManifestLoader.load(InMemorySource(files))
            XCTAssertEqual(loaded.manifests, whole.manifests, "step \(step): the kept load differs")
            let expected = Self.lines(
                Validator.validate(whole.manifests) + ManifestLoader.duplicates(in: whole.manifests))
            XCTAssertEqual(Self.lines(validator.diagnostics), expected, "step \(step), changed \(changed.sorted())")
            if case .accounts = validator.scope { partial += 1 }
            seenRules.formUnion(validator.diagnostics.map(\.rule))
        }
        // The edits must really reach the rules across accounts, and most updates must stay partial.
        for rule in [
            "resource.duplicate", "tenancy.subdomain-split", "tenancy.cross-account", "tenancy.fqdn-conflict",
            "home.other-account", "ref.account", "tenancy.folder", "record.cname-exclusive", "tenancy.tls-path",
            "tenancy.group", "tenancy.system-name",
        ] {
            XCTAssertTrue(seenRules.contains(rule), "no edit produced \(rule): \(seenRules.sorted())")
        }
        XCTAssertGreaterThan(partial, 200)
    }

    func testAnUnrelatedEditChecksOneAccount() throws {
        var drafts = (0..<20).map { AccountDraft(index: $0) }
        let files = RepositoryText.files(drafts)
        drafts[3].spf = "v=spf1 mx ?all"
        let (validator, changed) = try Self.validate(files, then: RepositoryText.files(drafts))
        XCTAssertEqual(changed, ["accounts/a3/domains.yaml"])
        XCTAssertEqual(validator.scope, .accounts(checked: 1, changed: 1))
        XCTAssertEqual(validator.changedAccounts, ["a3"])
        XCTAssertEqual(validator.diagnostics, [])
    }

    func testAServerChangeChecksEverything() throws {
        var drafts = (0..<3).map { AccountDraft(index: $0) }
        let files = RepositoryText.files(drafts)
        drafts[0].spf = "v=spf1 -all"
        var next = RepositoryText.files(drafts)
        next["servers/web1.yaml"] = next["servers/web1.yaml"]!.replacingOccurrences(
            of: "10.213.0.11", with: "10.213.0.19")
        let (validator, _) = try Self.validate(files, then: next)
        XCTAssertEqual(validator.scope, .whole)
        XCTAssertNil(validator.changedAccounts)
    }

    /// Validates `files` whole, then `next` as an update.
    static func validate(_ files: [String: String], then next: [String: String]) throws -> (
        IncrementalValidator, Set<String>
    ) {
        let loaded = try LoadedFiles(InMemorySource(files))
        var validator = IncrementalValidator(loaded)
        let changed = Set(next.keys).union(files.keys).filter { next[$0] != files[$0] }
        validator.update(
            to: try LoadedFiles(InMemorySource(next)), changedFiles: changed, before: loaded.manifests(in: changed))
        return (validator, changed)
    }

    static func lines(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.location.file):\($0.location.line):\($0.location.column) \($0.rule) \($0.message)" }
            .sorted()
    }
}

/// One account of the test repository, as fields the edits change.
struct AccountDraft {
    let index: Int
    var name: String
    var domains: [String]
    var spf = "v=spf1 mx -all"
    var extraRecord: (name: String, type: String, value: String)?
    var users: [(name: String, home: String)]
    var appDomains: [String]
    var appUser: String?
    var specAccount: String
    var folder: String
    var withAccountFile = true
    var withWebApps = true
    var tls: String?
    var groups: [String] = []
    var userGroups: [String] = []

    init(index: Int) {
        self.index = index
        name = "a\(index)"
        domains = ["a\(index).example", "a\(index)-shop.example"]
        users = [("a\(index)-dev", "/home/a\(index)/dev"), ("a\(index)-ci", "/home/a\(index)/ci")]
        appDomains = ["a\(index).example", "www.a\(index).example"]
        specAccount = "a\(index)"
        folder = "a\(index)"
    }

    mutating func mutate(others count: Int, using generator: inout SplitMix64) {
        let other = Int.random(in: 0..<count, using: &generator)
        switch Int.random(in: 0..<20, using: &generator) {
        case 16: groups = [Bool.random(using: &generator) ? "a\(index)-team" : "a\(other)-team"]
        case 17: userGroups = [Bool.random(using: &generator) ? "a\(other)-team" : "a\(other)"]
        case 18: name = "a\(other)-team"
        case 15:
            tls =
                Bool.random(using: &generator)
                ? "/etc/letsencrypt/live/www.a\(other).example/fullchain.pem" : "/home/a\(other)/tls/site.pem"
        case 0: domains[0] = "a\(other).example"
        case 1: domains[1] = "shop.a\(other).example"
        case 2: appDomains.append("www.a\(other).example")
        case 3: appDomains = ["a\(other).example"]
        case 4: users[0].home = "/home/a\(other)/dev"
        case 5: users[1].name = Bool.random(using: &generator) ? "a\(other)" : "a\(other)-ci"
        case 6: specAccount = Bool.random(using: &generator) ? "a\(other)" : "a\(other)x"
        case 7: withAccountFile.toggle()
        case 8: withWebApps.toggle()
        case 9: extraRecord = ("www.shop", "CNAME", "a\(other).example.")
        case 10: extraRecord = ("www", "TXT", "\"taken\"")
        case 11: spf = "v=spf1 mx ~all \(Int.random(in: 0..<1000, using: &generator))"
        case 12: appUser = Bool.random(using: &generator) ? "a\(other)-dev" : "a\(index)-dev"
        case 13: folder = Bool.random(using: &generator) ? "a\(other)" : "a\(index)"
        case 14: self = AccountDraft(index: index)
        default: name = Bool.random(using: &generator) ? "a\(index)" : "a\(other)"
        }
    }
}

enum RepositoryText {
    static func files(_ drafts: [AccountDraft]) -> [String: String] {
        var files: [String: String] = [:]
        for (name, address, role) in [
            ("web1", "10.213.0.11", "web"), ("ns1", "10.213.0.21", "dns-primary"),
            ("ns2", "10.213.0.22", "dns-secondary"),
        ] {
            files["servers/\(name).yaml"] = """
                apiVersion: baton/v1
                kind: Server
                metadata: {name: \(name)}
                spec:
                  address: \(address)
                  hostname: \(name).test.example
                  hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIARvEqYM/ogVV0IV1dip2xKLdzGt3Z1lleLzmY7RajzC
                  roles: [\(role)]

                """
        }
        for draft in drafts {
            // Two drafts in one folder share files: the second's documents follow the first's.
            let folder = "accounts/\(draft.folder)/"
            func add(_ file: String, _ text: String) {
                files[folder + file, default: ""] += (files[folder + file] == nil ? "" : "---\n") + text
            }
            if draft.withAccountFile {
                add(
                    "account.yaml",
                    """
                    apiVersion: baton/v1
                    kind: Account
                    metadata: {name: \(draft.name)}
                    spec:
                      contact: ops@\(draft.name).example
                      placement: {web: web1, dns: [ns1, ns2]}
                      groups: [\(draft.groups.joined(separator: ", "))]

                    """)
            }
            let users = draft.users.map { user in
                """
                apiVersion: baton/v1
                kind: SystemUser
                metadata: {name: \(user.name)}
                spec: {account: \(draft.specAccount), home: \(user.home), groups: [\(draft.userGroups.joined(separator: ", "))]}

                """
            }
            add("users.yaml", users.joined(separator: "---\n"))
            let domains = draft.domains.map { domain in
                var records = """
                        - {name: "@", type: A, value: 192.0.2.\(draft.index + 1)}
                        - {name: www, type: A, value: 192.0.2.\(draft.index + 1)}
                        - {name: shop, type: CNAME, value: www}
                        - {name: "@", type: TXT, value: "\(draft.spf)"}

                    """
                if let extra = draft.extraRecord {
                    records += "    - {name: \(extra.name), type: \(extra.type), value: '\(extra.value)'}\n"
                }
                return """
                    apiVersion: baton/v1
                    kind: Domain
                    metadata: {name: \(domain)}
                    spec:
                      account: \(draft.specAccount)
                      records:

                    """ + records
            }
            add("domains.yaml", domains.joined(separator: "---\n"))
            if draft.withWebApps {
                add(
                    "webapps.yaml",
                    """
                    apiVersion: baton/v1
                    kind: WebApp
                    metadata: {name: \(draft.name)-site}
                    spec:
                      account: \(draft.specAccount)
                      type: static
                    \(draft.appUser.map { "  user: \($0)\n" } ?? "")\(draft.tls.map { "  tls: {certificate: \($0), key: \($0)}\n" } ?? "")  domains: [\(draft.appDomains.joined(separator: ", "))]

                    """)
            }
        }
        return files
    }
}
