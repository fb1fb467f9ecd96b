import Foundation
import Manifests
import TestSupport
import Validation
import XCTest

/// Accounts whose names are prefixes of each other (`acme`, `acme-web`, `acme-web-shop`), with users, groups and
/// web apps named from the same words so that joined names meet: whatever two resources would make one object
/// on a server (a user, a group, a pool, a server block, a certificate copy), validation refuses the repository
/// at one of them.
final class NamespaceSweepTests: XCTestCase {
    static let accounts = ["acme", "acme-web", "acme-web-shop"]
    static let words = ["acme", "web", "shop", "acme-web", "web-shop", "acme-web-shop"]

    struct Object: Hashable {
        var kind: String
        var name: String
    }

    func testNoTwoResourcesShareAnObjectUnflagged() throws {
        var generator = SplitMix64(seed: 17)
        var collisions = 0
        for round in 0..<300 {
            var files: [String: String] = [
                "servers/web1.yaml":
                    "apiVersion: baton/v1\nkind: Server\nmetadata: {name: web1}\nspec: {address: 10.213.0.11, hostKey: \(BaseRepository.hostKey), roles: [web]}\n"
            ]
            // Who makes each object: "Kind/name" of the resource, and its file.
            var makers: [Object: Set<String>] = [:]
            var fileOf: [String: String] = [:]
            func pick(_ list: [String]) -> String { list[Int.random(in: 0..<list.count, using: &generator)] }
            for account in Self.accounts {
                let file = "accounts/\(account)/\(account).yaml"
                var docs: [String] = []
                let groups = (0..<Int.random(in: 0...2, using: &generator)).map { _ in account + "-" + pick(Self.words)
                }
                docs.append(
                    "apiVersion: baton/v1\nkind: Account\nmetadata: {name: \(account)}\nspec: {contact: ops@example.com, placement: {web: web1}, groups: [\(Set(groups).sorted().joined(separator: ", "))]}\n"
                )
                let me = "Account/\(account)"
                fileOf[me] = file
                makers[Object(kind: "user", name: account), default: []].insert(me)
                makers[Object(kind: "group", name: account), default: []].insert(me)
                for group in Set(groups) { makers[Object(kind: "group", name: group), default: []].insert(me) }
                var users = [account]
                for _ in 0..<Int.random(in: 0...2, using: &generator) {
                    let user = Bool.random(using: &generator) ? pick(Self.words) : account + "-" + pick(Self.words)
                    guard !users.contains(user) else { continue }
                    users.append(user)
                    docs.append(
                        "apiVersion: baton/v1\nkind: SystemUser\nmetadata: {name: \(user)}\nspec: {account: \(account), home: /home/\(account)/\(user)}\n"
                    )
                    fileOf["SystemUser/\(user)"] = file
                    makers[Object(kind: "user", name: user), default: []].insert("SystemUser/\(user)")
                }
                for _ in 0..<Int.random(in: 0...2, using: &generator) {
                    let app =
                        Bool.random(using: &generator) ? pick(Self.words) : pick(Self.words) + "-" + pick(Self.words)
                    let user = pick(users)
                    let php = Bool.random(using: &generator)
                    docs.append(
                        "apiVersion: baton/v1\nkind: WebApp\nmetadata: {name: \(app)}\nspec: {account: \(account), type: \(php ? "php" : "static"), user: \(user)}\n"
                    )
                    let me = "WebApp/\(app)@\(account)"
                    fileOf[me] = file
                    makers[
                        Object(kind: "block", name: SystemNames.serverBlock(account: account, app: app)), default: []
                    ]
                    .insert(me)
                    if php {
                        makers[Object(kind: "pool", name: SystemNames.pool(account: account, app: app)), default: []]
                            .insert(me)
                    }
                }
                files[file] = docs.joined(separator: "---\n")
            }
            let (_, diagnostics) = try Validator.run(InMemorySource(files))
            let errorFiles = Set(diagnostics.filter { $0.severity == .error }.map(\.location.file))
            for (object, who) in makers where who.count > 1 {
                collisions += 1
                let involved = Set(who.compactMap { fileOf[$0] })
                XCTAssertFalse(
                    involved.isDisjoint(with: errorFiles),
                    "round \(round): \(object.kind) '\(object.name)' made by \(who.sorted()), and no error at \(involved.sorted())\n"
                        + files.sorted { $0.key < $1.key }.map { "\($0.key):\n\($0.value)" }.joined(separator: "\n"))
            }
        }
        XCTAssertGreaterThan(collisions, 100, "the sweep must make names meet")
    }
}
