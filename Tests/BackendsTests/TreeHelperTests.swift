import Foundation
import TestSupport
import XCTest

@testable import Backends

/// The run's helper (`TreeHelper`) against the commands it stands for: whole run scripts of a web server
/// (accounts, users with keys, static and PHP web apps, their staged files and checks) in the private mount
/// namespace of `UserBatchTests`, once with the helper and once without, with this machine's coreutils, setpriv,
/// setfacl, nginx and php-fpm. Needs root.
extension UserBatchTests {
    /// Tenant `t` of `tenant(_:main:)`, with a static and a PHP web app of its main user.
    func webTenant(_ t: String, main: String) -> String {
        tenant(t, main: main) + WebAppFixtures.siteAndShop(t)
    }

    func webTenants(_ count: Int) -> [String: String] {
        var files = ["servers.yaml": Self.server]
        for i in 1...count {
            let main = [", passwordHash: \"\(Self.hash)\"", ", authorizedKeys: [\"\(Self.key)\"]", ""][i % 3]
            files["bzq\(i).yaml"] = webTenant("bzq\(i)", main: main)
        }
        return files
    }

    /// What nginx -t and php-fpm -t need in the sandbox's empty /var/lib.
    static let daemonFolders = "mkdir -p /var/lib/nginx /var/lib/php/sessions"

    /// The run script as `Backend.script` makes it, with or without the helper, and without the finish step
    /// (which would reload this machine's daemons).
    func webScript(_ plan: (steps: [Step], context: ApplyContext), helper: Bool, nonce: String) throws -> ScriptBuilder
    {
        let batch = UserBatch(plan.steps, context: plan.context)
        var script = Prelude.script()
        script.append(
            try RunScript(
                nonce: nonce,
                operations: try Backend.operations(plan.steps, context: plan.context, batch: batch),
                scratch: plan.context.layout.state + "/runs", prepare: try batch.prepare(plan.context.layout),
                helper: helper
            ).render())
        return script
    }

    /// Logs every call of the commands the helper stands for (and of setpriv, whatever it runs) before running
    /// the real one.
    func shimTreeCommands(_ dir: URL) throws {
        for (tool, real) in [
            ("mkdir", "/bin/mkdir"), ("chown", "/bin/chown"), ("mv", "/bin/mv"), ("setpriv", "/usr/bin/setpriv"),
        ] {
            let path = dir.appendingPathComponent("shims/\(tool)").path
            try "#!/bin/sh\necho \"\(tool) $*\" >> \(dir.path)/calls.log\nexec \(real) \"$@\"\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            XCTAssertEqual(chmod(path, 0o755), 0)
        }
    }

    /// What the web server holds after a run: `state` (account files, homes with owners, modes and ACLs, the
    /// register), every file's contents in the homes, and the pools and server blocks with their modes.
    func treeState(_ dir: URL) throws -> [String: String] {
        var state = try state(dir)
        state["files"] =
            try shell(
                "cd '\(dir.path)' && find home etc/nginx/sites-enabled etc/php -type f -printf '%p %U %G %m\\n' | sort && find home etc/nginx/sites-enabled etc/php -type f | sort | xargs cat"
            ).stdout
        return state
    }

    /// Accounts, users and web apps made with the helper end exactly as made by one command each: the same
    /// account files, folders, owners, modes, ACLs, keys byte for byte, pools and server blocks, and the same
    /// outcome for every operation; and no `mkdir`, `chown`, `mv` or `setpriv` ran in a user's tree but
    /// `setfacl`'s.
    func testTheHelperLeavesWhatOneCommandEachLeaves() throws {
        let plan = try plan(webTenants(6))
        XCTAssertEqual(plan.steps.count, 36)
        let (slow, fast) = (try sandbox(), try sandbox())
        try shimTreeCommands(slow)
        try shimTreeCommands(fast)
        let one = try run(try webScript(plan, helper: false, nonce: "sl0w"), in: slow, setup: Self.daemonFolders)
        let helped = try run(
            try webScript(plan, helper: true, nonce: "f4st"), in: fast, setup: Self.daemonFolders)
        XCTAssertEqual(
            one.report.operations.map(\.state), Array(repeating: .success, count: plan.steps.count), one.stderr)
        XCTAssertEqual(helped.report.operations, one.report.operations, helped.stderr)
        XCTAssertFalse(helped.stderr.contains("helper"), helped.stderr)
        assertSame(try treeState(slow), try treeState(fast))
        let calls = calls(fast).filter { $0 != "mkdir " + Self.daemonFolders.dropFirst(6) }
        // Root's shared folders (/home, nginx's sites, the pools, the register) are made by baton_dirs as before.
        XCTAssertEqual(calls.filter { $0.hasPrefix("mv ") }, [], calls.joined(separator: "\n"))
        XCTAssertEqual(calls.filter { $0.hasPrefix("mkdir ") && !$0.hasPrefix("mkdir -p -m") }, [])
        XCTAssertEqual(calls.filter { $0.hasPrefix("setpriv ") && !$0.contains(" setfacl ") }, [])
        XCTAssertLessThan(calls.count, 12, calls.joined(separator: "\n"))
        XCTAssertGreaterThan(self.calls(slow).count, 6 * 20, "the same run without the helper")
    }

    /// A request the helper cannot do fails its operation alone, with the command's message, as the command
    /// fails it: here a user's `~/.ssh` is a file root put there. The other operations apply, with or without
    /// the helper alike.
    func testAFailedRequestFailsItsOperationAloneWithItsMessage() throws {
        let plan = try plan(webTenants(3))
        let setup = Self.daemonFolders + "; mkdir -p /home/bzq2/dev && echo root > /home/bzq2/dev/.ssh"
        let (slow, fast) = (try sandbox(), try sandbox())
        let one = try run(try webScript(plan, helper: false, nonce: "sl0w"), in: slow, setup: setup)
        let helped = try run(try webScript(plan, helper: true, nonce: "f4st"), in: fast, setup: setup)
        let failed = one.report.operations.enumerated().filter { $0.element.state != .success }.map(\.offset)
        XCTAssertEqual(failed.map { plan.steps[$0].change.id.name }, ["bzq2-dev"], one.stderr)
        XCTAssertEqual(helped.report.operations, one.report.operations, helped.stderr)
        for result in [one, helped] {
            XCTAssertTrue(
                result.stderr.contains("cannot create directory")
                    && result.stderr.contains("/home/bzq2/dev/.ssh") && result.stderr.contains("File exists"),
                result.stderr)
        }
        assertSame(try treeState(slow), try treeState(fast))
    }

    /// The web apps applied again over trees their users filled: files executable or not, links out of the
    /// tree, a folder and a file root put there (which the user may not change: reported, the rest done),
    /// entries of ACLs set before, a setgid folder. The helper sets every ACL as setfacl does, and says what
    /// setfacl says.
    func testACLsOverAFilledTreeAreWhatSetfaclSets() throws {
        let plan = try plan(webTenants(2))
        let apps = plan.steps.filter { $0.change.id.kind == .webApp }
        XCTAssertEqual(apps.count, 4)
        let fill = (1...2).map { i in
            let app = "/home/bzq\(i)/webapps/bzq\(i)-shop"
            return """
                mkdir -p \(app)/public/assets/sub \(app)/vendor/bin \(app)/.php/sessions/old
                echo '<?php' > \(app)/public/index.php; echo x > \(app)/config.php; echo run > \(app)/vendor/bin/tool
                chmod 0755 \(app)/vendor/bin/tool; chmod 2750 \(app)/public/assets; chmod 0700 \(app)/vendor
                ln -s /etc/passwd \(app)/public/passwd; ln -s ../config.php \(app)/public/config; ln -s /home \(app)/up
                chown -R bzq\(i):bzq\(i) \(app)
                setfacl -m u:daemon:rw \(app)/config.php; setfacl -m d:u:bin:r-x \(app)/public/assets/sub
                mkdir \(app)/public/rootdir; echo r > \(app)/public/rootdir/f; echo r > \(app)/roots
                """
        }.joined(separator: "\n")
        var results: [(stderr: String, report: RunReport, state: [String: String])] = []
        for helper in [false, true] {
            let dir = try sandbox()
            let first = try run(
                try webScript(plan, helper: helper, nonce: "f1rst"), in: dir, setup: Self.daemonFolders)
            XCTAssertEqual(first.report.operations.filter { $0.state != .success }.count, 0, first.stderr)
            var script = Prelude.script()
            script.append(
                try RunScript(
                    nonce: "ag4in",
                    operations: try Backend.operations(apps, context: plan.context, batch: UserBatch()),
                    scratch: plan.context.layout.state + "/runs", helper: helper
                ).render())
            let again = try run(script, in: dir, setup: Self.daemonFolders + "\n" + fill)
            results.append((again.stderr, again.report, try treeState(dir)))
        }
        XCTAssertEqual(results[1].report.operations, results[0].report.operations, results[1].stderr)
        XCTAssertEqual(results[0].report.operations.map(\.state), Array(repeating: .success, count: 4))
        assertSame(results[0].state, results[1].state)
        for result in results {
            XCTAssertTrue(
                result.stderr.contains("setfacl: /home/bzq1/webapps/bzq1-shop/roots: Operation not permitted"),
                result.stderr)
            XCTAssertTrue(
                result.stderr.contains("baton: some files of /home/bzq2/webapps/bzq2-shop keep the access they had"),
                result.stderr)
        }
        let lines = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("setfacl: ") }.sorted() }
        XCTAssertEqual(lines(results[1].stderr), lines(results[0].stderr))
        let nginx = try XCTUnwrap(getpwnam("www-data")).pointee.pw_uid
        XCTAssertTrue(results[1].state["homes"]!.contains("user:\(nginx):r-x"), "the public roots are nginx's to read")
    }

    /// A helper gone during a run (killed) fails the operation that asks it, saying so; the run goes on to its
    /// end, and nothing of it is left running.
    func testAHelperGoneFailsTheOperationThatAsksIt() throws {
        let plan = try plan(webTenants(2))
        let batch = UserBatch(plan.steps, context: plan.context)
        var operations = try Backend.operations(plan.steps, context: plan.context, batch: batch)
        var body = ScriptBuilder()
        body.code("kill -KILL \"$baton_hpid\"; while kill -0 \"$baton_hpid\" 2>/dev/null; do sleep 0.05; done")
        body.append(operations[0].body)
        operations[0].body = body
        var script = Prelude.script()
        script.append(
            try RunScript(
                nonce: "g0ne", operations: operations, scratch: plan.context.layout.state + "/runs",
                prepare: try batch.prepare(plan.context.layout), helper: true
            ).render())
        let result = try run(
            script, in: try sandbox(), setup: Self.daemonFolders, after: "pgrep -f 'helpe[r].pl' || echo none")
        XCTAssertTrue(result.stdout.contains("@@RC 0"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("none\n"), result.stdout)
        XCTAssertEqual(plan.steps[0].change.id.kind, .account)
        XCTAssertEqual(result.report.operations.first?.state, .failure, result.stderr)
        XCTAssertTrue(result.stderr.contains("baton: the run helper is gone (dirs)"), result.stderr)
    }
}
