import Manifests
import Planning
import XCTest

/// Small repositories as YAML, loaded through the real loader, and applied states made from them.
enum PlanFixtures {
    static let servers = """
        apiVersion: baton/v1
        kind: Server
        metadata: {name: web1}
        spec: {address: 10.213.0.11, hostname: web1.hosting.example, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvF1lG0Yx4fzZ2sS8nJ7ggcK3vQ3Fh3Jq0q2Zt5Yb7w", roles: [web]}
        ---
        apiVersion: baton/v1
        kind: Server
        metadata: {name: ns1}
        spec: {address: 10.213.0.12, hostname: ns1.hosting.example, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvF1lG0Yx4fzZ2sS8nJ7ggcK3vQ3Fh3Jq0q2Zt5Yb7x", roles: [dns-primary]}
        ---
        apiVersion: baton/v1
        kind: Server
        metadata: {name: ns2}
        spec: {address: 10.213.0.13, hostname: ns2.hosting.example, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvF1lG0Yx4fzZ2sS8nJ7ggcK3vQ3Fh3Jq0q2Zt5Yb7y", roles: [dns-secondary]}
        """

    static func account(_ name: String) -> String {
        """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: \(name)}
        spec: {contact: ops@example.com, placement: {web: web1, dns: [ns1, ns2]}}
        """
    }

    static func domain(_ name: String, account: String, records: String = "- {name: www, type: A, value: 192.0.2.1}")
        -> String
    {
        """
        apiVersion: baton/v1
        kind: Domain
        metadata: {name: \(name)}
        spec:
          account: \(account)
          records:
        \(records.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    static func user(_ name: String, account: String, extra: String = "") -> String {
        """
        apiVersion: baton/v1
        kind: SystemUser
        metadata: {name: \(name)}
        spec: {account: \(account)\(extra)}
        """
    }

    static func webApp(_ name: String, account: String, extra: String = "") -> String {
        """
        apiVersion: baton/v1
        kind: WebApp
        metadata: {name: \(name)}
        spec: {account: \(account), type: php\(extra)}
        """
    }

    /// A repository with two accounts: acme (a domain, a user, a web app) and globex (a domain).
    static func base() -> [String: String] {
        [
            "servers/servers.yaml": servers,
            "accounts/acme/account.yaml": account("acme"),
            "accounts/acme/domain.yaml": domain("acme.example", account: "acme"),
            "accounts/acme/deploy.yaml": user("deploy", account: "acme"),
            "accounts/acme/shop.yaml": webApp("shop", account: "acme", extra: ", domains: [www.acme.example]"),
            "accounts/globex/account.yaml": account("globex"),
            "accounts/globex/domain.yaml": domain("globex.example", account: "globex"),
        ]
    }

    static func load(_ files: [String: String], file: StaticString = #filePath, line: UInt = #line) throws
        -> ManifestSet
    {
        let result = try ManifestLoader.load(InMemorySource(files))
        XCTAssertEqual(result.diagnostics.map(\.message), [], file: file, line: line)
        return result.manifests
    }

    /// The state after applying `set` at `revision`: every resource in its server's inventory.
    static func applied(_ set: ManifestSet, revision: String = "r1") -> AppliedState {
        var servers: [String: [InventoryEntry]] = [:]
        for state in ResourceStates.build(set) {
            servers[state.server, default: []].append(
                InventoryEntry(id: state.id, account: state.account, hash: state.hash, revision: revision))
        }
        var known: [ResourceID: String] = [:]
        for entries in servers.values { for e in entries { known[e.id] = "Applied" } }
        return AppliedState(
            revision: revision, time: "2026-12-02T00:00:00Z", servers: servers, known: known, digest: "sha256:x")
    }

    /// Plans `desired` against `old` applied at r1, with the previous states the CLI would reload.
    static func plan(
        _ desired: ManifestSet, from old: ManifestSet?, applied: AppliedState? = nil,
        safety: SafetyPolicy = SafetyPolicy(),
        allowMassDelete: Bool = false, only: Set<String>? = nil
    ) -> Plan {
        let states = ResourceStates.build(desired)
        let appliedState = applied ?? old.map { Self.applied($0) } ?? .empty
        var previous: [Planner.Key: ResourceState] = [:]
        if let old {
            let needed = Planner.needed(desired: states.map(\.digest), applied: appliedState)
            let keys = needed.values.reduce(into: Set<Planner.Key>()) { $0.formUnion($1) }
            for state in ResourceStates.build(old, only: Set(keys.map(\.id))) {
                let key = Planner.Key(server: state.server, id: state.id)
                if keys.contains(key) { previous[key] = state }
            }
        }
        return Planner.plan(
            Planner.Input(
                revision: "r2", states: states, servers: Set(desired.servers.map(\.name)), applied: appliedState,
                previous: previous, safety: safety, allowMassDelete: allowMassDelete, only: only))
    }
}

extension Plan {
    /// `server action Kind/name`, one per change, in plan order: what the tests compare.
    var lines: [String] { changes.map { "\($0.server) \($0.action.rawValue) \($0.id)" } }
}
