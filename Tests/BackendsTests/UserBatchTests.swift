import Foundation
import Manifests
import Planning
import XCTest

@testable import Backends

/// Every new user of a run made at once (`UserBatch`), against one `useradd` per operation: whole run scripts of
/// a web server (accounts and users), run with this machine's own shadow-utils, Perl and `sh` in a private mount
/// namespace over a copy of /etc, /home and /var/lib, so that nothing of the machine changes. Needs root.
final class UserBatchTests: XCTestCase {
    static let server =
        "apiVersion: baton/v1\nkind: Server\nmetadata: {name: web1}\nspec: {address: 10.213.0.11, hostKey: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvF1lG0Yx4fzZ2sS8nJ7ggcK3vQ3Fh3Jq0q2Zt5Yb7w\", roles: [web]}\n"
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGkBaL+FGG24nh5vCAYsPjbVQYh/D1lDdMxl4iqSOkfS deploy"
    static let hash =
        "$6$bzqsalt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g."

    var sandboxes: [URL] = []

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("a private mount namespace needs root") }
    }

    override func tearDown() {
        for dir in sandboxes { try? FileManager.default.removeItem(at: dir) }
    }

    /// Account `t` with a declared group, its main user (a password hash, keys, or neither), and two more users.
    func tenant(_ t: String, main: String) -> String {
        """
        apiVersion: baton/v1
        kind: Account
        metadata: {name: \(t)}
        spec: {contact: ops@\(t).example, placement: {web: web1}, groups: [\(t)-devs]}
        ---
        apiVersion: baton/v1
        kind: SystemUser
        metadata: {name: \(t)}
        spec: {account: \(t), main: true, shell: /bin/bash, groups: [\(t)-devs]\(main)}
        ---
        apiVersion: baton/v1
        kind: SystemUser
        metadata: {name: \(t)-dev}
        spec: {account: \(t), home: /home/\(t)/dev, shell: /bin/sh, groups: [\(t), \(t)-devs], authorizedKeys: ["\(Self.key)"]}
        ---
        apiVersion: baton/v1
        kind: SystemUser
        metadata: {name: \(t)-ci}
        spec: {account: \(t), home: /home/\(t)/ci, shell: /bin/sh}

        """
    }

    /// `count` tenants `bzq1`...: every third main user with a hash, every third with a key, the rest neither.
    func tenants(_ count: Int, plus extra: [String: String] = [:]) -> [String: String] {
        var files = ["servers.yaml": Self.server]
        for i in 1...count {
            let main = [", passwordHash: \"\(Self.hash)\"", ", authorizedKeys: [\"\(Self.key)\"]", ""][i % 3]
            files["bzq\(i).yaml"] = tenant("bzq\(i)", main: main)
        }
        return files.merging(extra) { _, new in new }
    }

    func plan(_ files: [String: String]) throws -> (steps: [Step], context: ApplyContext) {
        let set = try ManifestLoader.load(InMemorySource(files)).manifests
        let states = ResourceStates.build(set)
        let plan = Planner.plan(Planner.Input(revision: "r1", states: states, servers: ["web1"], applied: .empty))
        let byKey = Dictionary(states.map { ("\($0.server) \($0.id)", $0) }, uniquingKeysWith: { a, _ in a })
        let steps = plan.changes.map { Step(change: $0, desired: byKey["\($0.server) \($0.id)"], previous: nil) }
        return (steps, ApplyContext(layout: ServerLayout(), manifests: set))
    }

    // MARK: - The sandbox

    /// A fresh copy of this machine's /etc, an empty /home and /var/lib, and commands that log each call of
    /// useradd, usermod, groupadd and userdel before running the real one.
    func sandbox() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-users-\(UUID().uuidString)")
        sandboxes.append(dir)
        for sub in ["home", "varlib", "shims"] {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        XCTAssertEqual(try shell("cp -a /etc '\(dir.path)/etc'").status, 0)
        for tool in ["useradd", "usermod", "groupadd", "userdel"] {
            let path = dir.appendingPathComponent("shims/\(tool)").path
            try "#!/bin/sh\necho \"\(tool) $*\" >> \(dir.path)/calls.log\nexec /usr/sbin/\(tool) \"$@\"\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            XCTAssertEqual(chmod(path, 0o755), 0)
        }
        return dir
    }

    /// `command` with `sh -c`, to its end: its exit status and stdout.
    @discardableResult
    func shell(_ command: String) throws -> (status: Int32, stdout: String) {
        let result = try TestShell.pipe(ScriptBuilder(), through: ["/bin/sh", "-c", command])
        return (result.status, String(decoding: result.stdout, as: UTF8.self))
    }

    /// `setup` (shell, as root), then the script, then `after`, all in the sandbox's namespace, with the
    /// sandbox's logging commands first on PATH.
    func run(_ script: ScriptBuilder, in dir: URL, setup: String = ":", after: String = ":") throws -> (
        report: RunReport, stdout: String, stderr: String
    ) {
        // The script's shell leads a process group of its own (setsid): a kill from inside (`kill 0`) reaches it
        // and what it started, and nothing else.
        let wrapper = """
            mount --bind "$1/etc" /etc && mount --bind "$1/home" /home && mount --bind "$1/varlib" /var/lib || exit 99
            export PATH="$1/shims:$PATH"
            \(setup)
            setsid -w sh -s; echo "@@RC $?"
            \(after)
            """
        let result = try TestShell.pipe(
            script, through: ["/usr/bin/unshare", "-m", "/bin/sh", "-c", wrapper, "sandbox", dir.path])
        let text = String(decoding: result.stdout, as: UTF8.self)
        let received = text.split(separator: "\n").first { $0.hasPrefix("@@BATON ") && $0.contains(" RECEIVED ") }
        let words = received?.split(separator: " ") ?? []
        let report = RunReport.parse(
            stdout: result.stdout, nonce: words.count > 1 ? String(words[1]) : "-",
            count: words.last.flatMap { Int($0) } ?? 0, timedOut: false)
        return (report, text, result.stderr)
    }

    func script(_ plan: (steps: [Step], context: ApplyContext), batch: Bool, nonce: String = "u5ers") throws
        -> ScriptBuilder
    {
        try Backend.script(
            plan.steps, context: plan.context, nonce: nonce,
            batch: batch ? UserBatch(plan.steps, context: plan.context) : UserBatch()
        ).script
    }

    /// What a run leaves that a user or a later run sees: the account files, every home with its owner, mode and
    /// ACL, and the register.
    func state(_ dir: URL) throws -> [String: String] {
        var state: [String: String] = [:]
        for file in ["passwd", "shadow", "group", "gshadow", "subuid", "subgid"] {
            state[file] = try String(contentsOf: dir.appendingPathComponent("etc/\(file)"), encoding: .utf8)
        }
        state["homes"] =
            try shell(
                "cd '\(dir.path)' && find home -printf '%p %U %G %m %y\\n' | sort && getfacl -R -n -p home 2>/dev/null | grep -v '^#'"
            ).stdout
        state["register"] = try shell("cd '\(dir.path)/varlib/baton/names' 2>/dev/null && grep -r . . | sort").stdout
        return state
    }

    func calls(_ dir: URL) -> [String] {
        ((try? String(contentsOf: dir.appendingPathComponent("calls.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    func assertSame(_ a: [String: String], _ b: [String: String], file: StaticString = #filePath, line: UInt = #line) {
        for key in a.keys.sorted() {
            XCTAssertEqual(a[key], b[key], "\(key) differs", file: file, line: line)
        }
    }

    // MARK: - Tests

    /// Many accounts and users made at once: account files, homes, modes, ACLs, register and every operation's
    /// outcome are exactly what one useradd per operation gives, and no useradd, usermod or groupadd ran.
    func testManyNewUsersAtOnceAreWhatUseraddMakesOneByOne() throws {
        let plan = try plan(tenants(12))
        XCTAssertEqual(UserBatch(plan.steps, context: plan.context).records.count, 48, "every account and user")
        let (one, batched) = (try sandbox(), try sandbox())
        let names = "bzq1 bzq1-dev bzq1-ci bzq2 bzq3 bzq12-ci"
        let slow = try run(try script(plan, batch: false), in: one)
        let fast = try run(
            try script(plan, batch: true), in: batched,
            after:
                "getent passwd \(names); getent group bzq1 bzq1-devs; id -Gn bzq1-dev; grep -E '^(UID|GID)_M' /etc/login.defs"
        )
        XCTAssertEqual(slow.report.operations.map(\.state), Array(repeating: .success, count: 48), slow.stderr)
        XCTAssertEqual(fast.report.operations, slow.report.operations)
        XCTAssertTrue(fast.stderr.contains("48 of 48 operations' users and groups made at once"), fast.stderr)
        XCTAssertEqual(calls(batched), [], "nothing made one by one")
        XCTAssertEqual(calls(one).filter { $0.hasPrefix("useradd") }.count, 48)
        assertSame(try state(one), try state(batched))
        // Seen through NSS in the namespace: numbers in login.defs' range, the group numbered like its user,
        // the supplementary groups joined.
        let lines = fast.stdout.split(separator: "\n").map(String.init)
        let defs = Dictionary(
            lines.filter { $0.hasPrefix("UID_M") || $0.hasPrefix("GID_M") }.map {
                let f = $0.split(whereSeparator: { $0 == " " || $0 == "\t" })
                return (String(f[0]), Int(f[1])!)
            }, uniquingKeysWith: { a, _ in a })
        let users = lines.filter { $0.hasPrefix("bzq") && $0.contains(":/home/") }.map {
            $0.split(separator: ":", omittingEmptySubsequences: false)
        }
        XCTAssertEqual(users.map { String($0[0]) }, names.split(separator: " ").map(String.init))
        for user in users {
            let uid = try XCTUnwrap(Int(user[2]))
            XCTAssertTrue((defs["UID_MIN"]!...defs["UID_MAX"]!).contains(uid), "\(user)")
        }
        XCTAssertEqual(users[0][2], users[0][3], "bzq1's group has its number")
        XCTAssertEqual(users[0][6], "/bin/bash")
        XCTAssertTrue(lines.contains("bzq1 bzq1-devs") || lines.contains("bzq1 bzq1 bzq1-devs"), fast.stdout)
        // `*` where no hash was given, the hash where one was.
        let shadow = try state(batched)["shadow"]!
        XCTAssertTrue(shadow.contains("\nbzq3:\(Self.hash):"), "bzq3 has a hash")
        XCTAssertTrue(shadow.contains("\nbzq1:*:"), "bzq1 has no password, and no lock")
        XCTAssertTrue(shadow.contains("\nbzq1-ci:*:"))
    }

    /// A server whose numbers have holes: users above the lowest free UID, and subordinate ranges with gaps too
    /// small, just large enough and large, out of order in the file. The batch finds each number and range where
    /// useradd would, while it keeps what it learnt between users instead of scanning every number again.
    func testHolesInTheNumbersAndSubordinateRangesAreFilledAsUseraddFillsThem() throws {
        let plan = try plan(tenants(9))
        let setup = """
            useradd -u 1500 -M bzqhigh && useradd -u 1200 -M bzqmid && groupadd -g 1700 bzqgrp
            printf 'gapa:100000:65536\\ngapc:362144:65536\\ngapb:165537:65536\\ngapd:600000:10\\n' >> /etc/subuid
            printf 'gapa:100000:65536\\ngapb:296608:65536\\n' >> /etc/subgid
            """
        let (one, batched) = (try sandbox(), try sandbox())
        let slow = try run(try script(plan, batch: false), in: one, setup: setup)
        let fast = try run(try script(plan, batch: true), in: batched, setup: setup)
        XCTAssertEqual(slow.report.operations.map(\.state), Array(repeating: .success, count: 36), slow.stderr)
        XCTAssertEqual(fast.report.operations, slow.report.operations)
        XCTAssertTrue(fast.stderr.contains("36 of 36 operations' users and groups made at once"), fast.stderr)
        XCTAssertEqual(
            calls(batched).filter { !$0.contains("bzqhigh") && !$0.contains("bzqmid") && !$0.contains("bzqgrp") }, [])
        assertSame(try state(one), try state(batched))
        XCTAssertTrue(try state(batched)["subuid"]!.contains("\nbzq1:231073:65536\n"), "the first gap large enough")
    }

    /// A server whose subordinate ranges run out during the run (Debian's defaults hold 9,154 users): useradd fails
    /// for a user it finds no range for, writing nothing. The batch makes the users that still get ranges and
    /// leaves the others to their operations, which fail with useradd's own words: the server ends exactly as one
    /// by one. Refusing the whole batch instead made every user of a large server's first apply one by one.
    func testUsersLeftWithoutSubordinateRangesAreLeftToUseraddAndTheOthersMadeAtOnce() throws {
        let plan = try plan(tenants(3))
        // Room for five ranges of 65,536 in each file, above any range this machine already has.
        let setup = """
            sed -i -E -e 's/^SUB_([UG])ID_MIN\\s.*/SUB_\\1ID_MIN 1000000000/' \\
                -e 's/^SUB_([UG])ID_MAX\\s.*/SUB_\\1ID_MAX 1000327679/' \\
                -e 's/^SUB_([UG])ID_COUNT\\s.*/SUB_\\1ID_COUNT 65536/' /etc/login.defs
            """
        let (one, batched) = (try sandbox(), try sandbox())
        let slow = try run(try script(plan, batch: false), in: one, setup: setup)
        let fast = try run(try script(plan, batch: true), in: batched, setup: setup)
        let states = slow.report.operations.map(\.state)
        XCTAssertEqual(states.filter { $0 == .success }.count, 7, "five users and their two main users: \(slow.stderr)")
        XCTAssertTrue(states.contains(.failure), slow.stderr)
        XCTAssertTrue(slow.stderr.contains("can't create subordinate"), slow.stderr)
        XCTAssertEqual(fast.report.operations, slow.report.operations)
        XCTAssertTrue(fast.stderr.contains("can't create subordinate"), fast.stderr)
        XCTAssertFalse(fast.stderr.contains("made one by one in this run"), fast.stderr)
        XCTAssertTrue(fast.stderr.contains("7 of 12 operations' users and groups made at once"), fast.stderr)
        assertSame(try state(one), try state(batched))
        XCTAssertEqual(try state(batched)["subuid"]!.split(separator: "\n").filter { $0.hasPrefix("bzq") }.count, 5)
    }

    /// Names the server has and Baton did not make fail only their own operation; an account that fails after its
    /// user was made (its home is a file) has its users skipped, and what the batch made for them is taken back:
    /// the server ends exactly as with one useradd per operation.
    func testNamesTheServerHasAndSkippedOperationsEndAsOneByOne() throws {
        let plan = try plan(tenants(6, plus: ["hostops.yaml": tenant("hostops", main: "")]))
        let setup = "groupadd hostops && useradd -M bzq2-ci && groupadd bzq4-devs && : > /home/bzq5"
        let (one, batched) = (try sandbox(), try sandbox())
        let slow = try run(try script(plan, batch: false), in: one, setup: setup)
        let fast = try run(try script(plan, batch: true), in: batched, setup: setup)
        XCTAssertEqual(fast.report.operations, slow.report.operations)
        let states = Dictionary(zip(plan.steps.map { "\($0.change.id)" }, fast.report.operations.map(\.state))) {
            a, _ in a
        }
        XCTAssertEqual(states["Account/hostops"], .failure)
        XCTAssertEqual(states["SystemUser/hostops-dev"], .aborted)
        XCTAssertEqual(states["SystemUser/bzq2-ci"], .failure, "a user the server has")
        XCTAssertEqual(states["SystemUser/bzq2-dev"], .success)
        XCTAssertEqual(states["Account/bzq4"], .failure, "a group the server has")
        XCTAssertEqual(states["Account/bzq5"], .failure, "its home is a file")
        XCTAssertEqual(states["SystemUser/bzq5"], .aborted)
        XCTAssertEqual(states["SystemUser/bzq5-dev"], .aborted)
        XCTAssertEqual(states["SystemUser/bzq6-ci"], .success)
        XCTAssertTrue(fast.stderr.contains("the group hostops exists on this server and Baton did not make it"))
        // bzq5's users were made at once, then taken back when their account failed.
        XCTAssertTrue(calls(batched).contains("userdel -- bzq5-dev"), "\(calls(batched))")
        XCTAssertTrue(
            calls(batched).contains { $0.hasPrefix("usermod -s /usr/sbin/nologin -d /home/bzq5 -p * -G  --") })
        // The same users, groups, fields, members, homes and register; the numbers given out after a user that was
        // taken back are one higher.
        assertSame(try normalized(state(one)), try normalized(state(batched)))
    }

    /// A run killed right after its batch (before its first operation), or as if killed between the batch's
    /// renames of the account files (the files it had not replaced yet put back from the `-` copies it kept, each
    /// file's lock left by a process that is gone): the next run ends where a run never killed ends. Numbers may
    /// differ: groups written and users not, the users come later.
    func testARunKilledDuringOrAfterItsBatchConvergesOnTheNext() throws {
        let plan = try plan(tenants(6))
        let reference = try sandbox()
        _ = try run(try script(plan, batch: false), in: reference)
        let expected = try normalized(state(reference))
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let order = ["subuid", "subgid", "gshadow", "group", "shadow", "passwd"]
        for replaced in 0...order.count {
            let dir = try sandbox()
            // The batch's last act is to log the users it made: there, the run is killed (its whole group).
            let logger = dir.appendingPathComponent("shims/logger").path
            try "#!/bin/sh\nkill -KILL 0\n".write(toFile: logger, atomically: true, encoding: .utf8)
            XCTAssertEqual(chmod(logger, 0o755), 0)
            let killed = try run(try script(plan, batch: true, nonce: "k\(replaced)"), in: dir)
            XCTAssertTrue(killed.stdout.contains("@@RC 137"), killed.stdout)
            XCTAssertFalse(killed.stdout.contains(" 0 STARTED"), "killed before its first operation")
            try FileManager.default.removeItem(atPath: logger)
            let etc = dir.appendingPathComponent("etc")
            for file in order[replaced...] {
                let path = etc.appendingPathComponent(file).path
                try FileManager.default.removeItem(atPath: path)
                try FileManager.default.copyItem(atPath: path + "-", toPath: path)
            }
            for file in order {
                try String(gone.processIdentifier).write(
                    to: etc.appendingPathComponent(file + ".lock"), atomically: false, encoding: .utf8)
            }
            let again = try run(try script(plan, batch: true, nonce: "n\(replaced)"), in: dir)
            XCTAssertEqual(
                again.report.operations.map(\.state), Array(repeating: .success, count: plan.steps.count),
                "\(replaced) files replaced: \(again.stderr)")
            let got = try normalized(state(dir))
            for key in expected.keys.sorted() {
                XCTAssertEqual(got[key], expected[key], "\(replaced) files replaced: \(key)")
            }
        }
    }

    /// The account files with numbers replaced by the names they stand for, lines and member lists sorted, and
    /// subordinate ranges by their size: what a run means, whatever numbers it gave out.
    func normalized(_ state: [String: String]) throws -> [String: String] {
        func rows(_ text: String) -> [[String]] {
            text.split(separator: "\n").map {
                $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            }
        }
        func sortedMembers(_ list: String) -> String { list.split(separator: ",").sorted().joined(separator: ",") }
        let groups = Dictionary(rows(state["group"]!).map { ($0[2], $0[0]) }, uniquingKeysWith: { a, _ in a })
        let users = Dictionary(rows(state["passwd"]!).map { ($0[2], $0[0]) }, uniquingKeysWith: { a, _ in a })
        var out = state
        out["passwd"] = rows(state["passwd"]!).map { r in
            ([r[0], r[1], "U", groups[r[3]] ?? r[3]] + r[4...]).joined(separator: ":")
        }.sorted().joined(separator: "\n")
        out["group"] = rows(state["group"]!).map { r in [r[0], r[1], "G", sortedMembers(r[3])].joined(separator: ":") }
            .sorted().joined(separator: "\n")
        out["gshadow"] = rows(state["gshadow"]!).map { r in
            [r[0], r[1], r[2], sortedMembers(r[3])].joined(separator: ":")
        }.sorted().joined(separator: "\n")
        out["shadow"] = state["shadow"]!.split(separator: "\n").sorted().joined(separator: "\n")
        for file in ["subuid", "subgid"] {
            out[file] = rows(state[file]!).map { "\($0[0]):\($0[2])" }.sorted().joined(separator: "\n")
        }
        // Homes: owners by name, and the users named in ACL entries.
        out["homes"] = state["homes"]!.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if f.count == 3, f[0] == "user", let name = users[f[1]] { f[1] = name }
            var words = f.joined(separator: ":").split(separator: " ").map(String.init)
            if words.count == 5 {
                words[1] = users[words[1]] ?? words[1]
                words[2] = groups[words[2]] ?? words[2]
            }
            return words.joined(separator: " ")
        }.joined(separator: "\n")
        return out
    }

    // MARK: - The script

    /// Only creates are batched, and only names no other step of the run claims: a user deleted and made again
    /// under another account in one run is left to the operations, in their order.
    func testANameAnotherStepClaimsIsLeftToTheOperations() throws {
        var plan = try plan(tenants(2))
        let old = ResourceState(
            id: ResourceID(.systemUser, "bzq1-dev"), server: "web1", account: "gone", phase: 2,
            fields: [Field("account", .scalar("gone")), Field("home", .scalar("/home/gone"))])
        plan.steps.insert(
            Step(
                change: Change(action: .delete, id: old.id, server: "web1", account: "gone"), desired: nil,
                previous: old), at: 0)
        let batch = UserBatch(plan.steps, context: plan.context)
        let batchedNames = batch.records.keys.sorted().map { "\(plan.steps[$0].change.id)" }
        XCTAssertFalse(batchedNames.contains("SystemUser/bzq1-dev"), "\(batchedNames)")
        XCTAssertTrue(batchedNames.contains("SystemUser/bzq1-ci"))
        XCTAssertTrue(batchedNames.contains("SystemUser/bzq2"), "the main user, folded into its account's")
        let text = try Backend.script(plan.steps, context: plan.context, nonce: "x").script.text
        XCTAssertTrue(text.contains("baton_add useradd -M -s '/bin/sh' -d '/home/bzq1/dev'"))
        XCTAssertEqual(try TestShell.execute(try script(plan, batch: true), options: ["-n"]).status, 0)
    }

    /// Values that cannot travel in the batch's input (a field with `:`) are left to useradd, which refuses them
    /// as before.
    func testFieldsTheAccountFilesCannotHoldAreLeftToUseradd() {
        XCTAssertTrue(UserBatch.isField("/home/a b/c"))
        XCTAssertFalse(UserBatch.isField("/home/a:b"))
        XCTAssertFalse(UserBatch.isField("/home/a\tb"))
        XCTAssertFalse(UserBatch.isField("/home/é"))
        XCTAssertTrue(UserBatch.isName("acme-dev_1.x"))
        XCTAssertFalse(UserBatch.isName("-acme"))
        XCTAssertFalse(UserBatch.isName("a/b"))
        XCTAssertFalse(UserBatch.isName("a,b"))
    }
}
