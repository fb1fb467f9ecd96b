import Foundation
import Glibc
import TestSupport
import XCTest

/// A first apply makes every new user of a run at once (docs/apply.md, "Users made at once"): on the test hosts,
/// the users are there for NSS with their numbers, groups, passwords, homes and keys, a key-only main user logs
/// in, and applies killed at random moments end where an apply never killed ends.
extension TenantIsolationEndToEndTests {
    static let hash =
        "$6$bzqsalt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g."

    /// An account with a declared group, a key-only main user, a developer in both groups with a key, and a user
    /// with a password hash.
    func usersTenant(_ t: String, key: String) -> String {
        """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: \(t)}
        spec: {contact: ops@\(t).example, placement: {web: web1}, groups: [\(t)-devs]}
        ---
        apiVersion: baton/v1
        kind: SystemUser
        metadata: {name: \(t)}
        spec: {account: \(t), main: true, shell: /bin/sh, authorizedKeys: ["\(key)"]}
        ---
        apiVersion: baton/v1
        kind: SystemUser
        metadata: {name: \(t)-dev}
        spec: {account: \(t), home: /home/\(t)/dev, shell: /bin/sh, groups: [\(t), \(t)-devs], authorizedKeys: ["\(key)"]}
        ---
        apiVersion: baton/v1
        kind: SystemUser
        metadata: {name: \(t)-ci}
        spec: {account: \(t), home: /home/\(t)/ci, shell: /bin/sh, passwordHash: "\(Self.hash)"}

        """
    }

    /// A key pair for the tenants' users, and its public line.
    func tenantKey() throws -> (path: String, line: String) {
        let path = work.appendingPathComponent("tenant_key").path
        XCTAssertEqual(try EndToEndTests.shell(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path]).status, 0)
        return (path, try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines))
    }

    func login(_ user: String, key: String) throws -> BatonProcess.Output {
        try EndToEndTests.shell([
            "ssh", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", "UserKnownHostsFile=/run/baton-testhosts/known_hosts", "-o", "GSSAPIAuthentication=no",
            "-o", "ConnectTimeout=5", "\(user)@10.213.0.11", "id", "-un",
        ])
    }

    /// What every tenant's users are on web1, checked through NSS.
    func assertUsersMade(_ tenants: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let defs = try root("grep -E '^(UID|GID)_(MIN|MAX)' /etc/login.defs").split(separator: "\n").map {
            $0.split(whereSeparator: { $0 == " " || $0 == "\t" })
        }
        let limits = Dictionary(defs.map { (String($0[0]), Int($0[1])!) }, uniquingKeysWith: { a, _ in a })
        var uids = Set<Int>()
        for t in tenants {
            for user in [t, "\(t)-dev", "\(t)-ci"] {
                let entry = try root("getent passwd \(user)").trimmingCharacters(in: .newlines)
                    .split(separator: ":", omittingEmptySubsequences: false)
                XCTAssertEqual(entry.count, 7, "\(user): \(entry)", file: file, line: line)
                guard entry.count == 7, let uid = Int(entry[2]) else { continue }
                XCTAssertTrue(
                    (limits["UID_MIN"]!...limits["UID_MAX"]!).contains(uid), "\(user) \(uid)", file: file, line: line)
                XCTAssertTrue(uids.insert(uid).inserted, "\(user): \(uid) given twice", file: file, line: line)
                XCTAssertEqual(entry[6], "/bin/sh", user, file: file, line: line)
            }
            let group = try root("getent group \(t)").split(separator: ":")
            XCTAssertTrue((limits["GID_MIN"]!...limits["GID_MAX"]!).contains(Int(group[2])!), file: file, line: line)
            XCTAssertEqual(
                try root("id -gn \(t)-ci; id -Gn \(t)-dev | tr ' ' '\\n' | sort | tr '\\n' ' '"),
                "\(t)\n\(t) \(t)-devs ", file: file, line: line)
            XCTAssertEqual(
                try root("getent shadow \(t) \(t)-ci | cut -d: -f1,2"), "\(t):*\n\(t)-ci:\(Self.hash)\n",
                "no password for the key-only main user, the hash for ci", file: file, line: line)
            XCTAssertEqual(
                try root(
                    "stat -c '%n %U %G %a' /home/\(t) /home/\(t)/webapps /home/\(t)/dev /home/\(t)/dev/.ssh /home/\(t)/dev/.ssh/authorized_keys"
                ),
                """
                /home/\(t) \(t) \(t) 750
                /home/\(t)/webapps \(t) \(t) 750
                /home/\(t)/dev \(t)-dev \(t) 750
                /home/\(t)/dev/.ssh \(t)-dev \(t) 700
                /home/\(t)/dev/.ssh/authorized_keys \(t)-dev \(t) 600

                """, file: file, line: line)
        }
    }

    func testAFirstApplyMakesEveryUserAtOnceAndAKeyOnlyMainUserLogsIn() throws {
        let key = try tenantKey()
        let tenants = (1...8).map { "bzq\($0)" }
        try makeRepository(Dictionary(uniqueKeysWithValues: tenants.map { ($0, usersTenant($0, key: key.line)) }))
        let first = try apply()
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let log = try BatonProcess.run(["logs", "--repo", work.path]).stdout
        XCTAssertTrue(log.contains("32 of 32 operations' users and groups made at once"), log)
        try assertUsersMade(tenants)
        XCTAssertEqual(try login("bzq1", key: key.path).stdout, "bzq1\n", "a key-only main user logs in")
        XCTAssertEqual(try login("bzq2-dev", key: key.path).stdout, "bzq2-dev\n")
        let plan = try BatonProcess.run(["plan", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(plan.status, 0, plan.stdout)
        XCTAssertTrue(plan.stdout.contains("No changes"), plan.stdout)
    }

    /// First applies killed at seeded random moments (the client, as a person's ^C or a daemon's restart would),
    /// then one that ends: every user is there as if nothing had been killed.
    func testFirstAppliesKilledAtRandomEndWithEveryUser() throws {
        let key = try tenantKey()
        let tenants = (1...6).map { "bzq\($0)" }
        try makeRepository(Dictionary(uniqueKeysWithValues: tenants.map { ($0, usersTenant($0, key: key.line)) }))
        var random = SplitMix64(seed: 10)
        for _ in 0..<4 {
            let p = Process()
            p.executableURL = BatonProcess.binary
            p.arguments = ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin"]
            p.environment = ProcessInfo.processInfo.environment.merging(["BATON_SSH_KEY": EndToEndTests.key]) {
                _, new in new
            }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: Double(random.next() % 3000) / 1000)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            try? FileManager.default.removeItem(at: work.appendingPathComponent(".git/refs/heads/baton/status.lock"))
        }
        let last = try apply()
        XCTAssertEqual(last.status, 0, last.stdout + last.stderr)
        try assertUsersMade(tenants)
        XCTAssertEqual(try login("bzq3", key: key.path).stdout, "bzq3\n")
        let plan = try BatonProcess.run(["plan", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertTrue(plan.stdout.contains("No changes"), plan.stdout)
    }
}
