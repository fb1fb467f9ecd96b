import Foundation
import XCTest

/// Issue 15: what a newcomer meets in the first hour, without servers. Each test names the item it holds.
final class FirstHourTests: XCTestCase {
    var scratch: [URL] = []
    var works: [GitWork] = []

    override func tearDown() {
        for url in scratch { try? FileManager.default.removeItem(at: url) }
        for work in works { work.remove() }
    }

    func work() throws -> GitWork {
        let work = try GitWork.make()
        works.append(work)
        return work
    }

    func folder(_ files: [String: String] = [:]) throws -> URL {
        let url = try BatonProcess.repository(files)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        scratch.append(url)
        return url
    }

    static let zone = BatonProcess.packageRoot.appendingPathComponent("examples/zones/example.com.zone").path

    // 3. The one-zone commands list only the checkers they take, and refuse the others with their own usage.
    func testCheckZoneAndImportOfferOnlyTheCheckersTheyTake() throws {
        for command in [["check-zone"], ["import", "zone"]] {
            let help = try BatonProcess.run(command + ["--help"])
            XCTAssertEqual(help.status, 0)
            let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            XCTAssertTrue(words.contains("(values: builtin, named-checkzone)"), help.stdout)
            XCTAssertFalse(help.stdout.contains("both"), help.stdout)
            for value in ["both", "none"] {
                let out = try BatonProcess.run(command + [Self.zone, "--origin", "example.com", "--checker", value])
                XCTAssertEqual(out.status, 64, "\(command) --checker \(value): \(out.stderr)")
                XCTAssertTrue(out.stderr.contains("baton \(command.joined(separator: " "))"), out.stderr)
            }
        }
    }

    static let head = "$TTL 300\n@ IN SOA ns1 h 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n"

    // 2. check-zone: one severity and one order whichever checker reads the zone (by line, as BIND reports).
    func testCheckZoneSaysTheSameWithEitherChecker() throws {
        let zones = try folder([
            // A $TTL BIND sets to 0 and goes on (a warning), in a zone that does not load for another reason.
            "ttl.zone": "$TTL 2147483648\n@ IN SOA ns1.example.com. h.example.com. 1 3600 600 86400 300\n"
                + "@ IN NS ns1.example.com.\nwww 300 IN A 192.0.2.1\n",
            // Two errors the built-in checker finds in two passes, the later line first.
            "order.zone": "$TTL 300\n@ IN SOA ns1.example.com. h.example.com. 1 3600 600 86400 300\n@ IN NS ns1\n"
                + "www IN CNAME @\nwww IN A 192.0.2.9\nns1 IN A 192.0.2.1\nbad IN A 300.1.1.1\n",
            // BIND's warnings in a zone that does not load: no TTL, the last record or directive without a newline,
            // an SPF record without its TXT twin beside an MX target without addresses.
            "nottl.zone": "@ IN SOA ns1 h 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\nbad A 300.1.1.1\n",
            "newline.zone": Self.head + "bad IN A 300.1.1.1\nlast IN A 192.0.2.3",
            "directive.zone": Self.head + "bad IN A 300.1.1.1\n$ORIGIN example.com.",
            "spf.zone": Self.head + "spf IN SPF \"v=spf1 -all\"\nwww IN MX 10 nowhere\n",
            // An owner written in capitals that check-names refuses, and one that has a CNAME and an address.
            "case.zone": Self.head + "Bad_Name IN A 192.0.2.4\nWWW IN CNAME @\nWWW IN A 192.0.2.5\n",
            // A bad NSEC3 owner: check-names only warns by default, but this one fails the zone.
            "nsec3.zone": Self.head + "CPNMU=== NSEC3 2 1 12 aabbccdd ( CPNMU MX DNSKEY NS\n SOA NSEC3PARAM RRSIG )\n",
            // Records $GENERATE makes end with their line, not with the file.
            "generate.zone": Self.head + "$GENERATE 1-3 host$ A 192.0.2.$\nbad IN A 300.1.1.1\n",
        ])
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/named-checkzone") else {
            throw XCTSkip("named-checkzone (bind9-utils) is not installed")
        }
        let names = [
            "ttl.zone", "order.zone", "nottl.zone", "newline.zone", "directive.zone", "spf.zone", "case.zone",
            "nsec3.zone", "generate.zone",
        ]
        for (name, strict) in names.flatMap({ name in [(name, ["--strict"]), (name, [])] }) {
            let path = zones.appendingPathComponent(name).path
            var outputs: [String] = []
            var statuses: [Int32] = []
            for checker in ["builtin", "named-checkzone"] {
                let out = try BatonProcess.run(
                    ["check-zone", path, "--origin", "example.com", "--checker", checker] + strict)
                statuses.append(out.status)
                outputs.append(
                    out.stdout.replacingOccurrences(of: "[zone.\(checker)]", with: "[zone]")
                        .replacingOccurrences(of: "(\(checker))", with: "()"))
            }
            XCTAssertEqual(statuses[0], statuses[1], "\(name) \(strict)")
            XCTAssertTrue(strict.isEmpty || statuses[0] == 1, "\(name): not a zone that loads")
            XCTAssertEqual(outputs[0], outputs[1], "\(name) \(strict)")
            XCTAssertFalse(name == "generate.zone" && outputs[0].contains("newline"), outputs[0])
            let lines = outputs[0].split(separator: "\n").compactMap { line -> Int? in
                let place = line.split(separator: ":")
                return place.count > 2 ? Int(place[1]) : nil
            }
            XCTAssertEqual(lines, lines.sorted(), "\(name): by line: \(outputs[0])")
            // import zone says why a zone does not load in the same words and order, whichever checker reads it.
            let imports = try ["builtin", "named-checkzone"].map {
                try BatonProcess.run(["import", "zone", path, "--origin", "example.com", "--checker", $0])
            }
            XCTAssertEqual(imports[0].status, imports[1].status, name)
            XCTAssertEqual(imports[0].stderr, imports[1].stderr, name)
        }
    }

    // 4. After adopt: status, logs and retry agree on the last run, and say it was an adopt.
    func testLogsAndRetryAfterAdoptNameTheAdopt() throws {
        let work = try work()
        let adopt = try BatonProcess.run(["adopt", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(adopt.status, 0, adopt.stderr)
        let status = try BatonProcess.run(["status", "--repo", work.path])
        let run = try XCTUnwrap(
            status.stdout.split(separator: " ").first { $0.hasPrefix("adopt-") }.map(String.init), status.stdout)
        for arguments in [["logs"], ["logs", run]] {
            let logs = try BatonProcess.run(arguments + ["--repo", work.path])
            XCTAssertEqual(logs.status, 0, logs.stderr)
            XCTAssertTrue(logs.stdout.contains("Run \(run) was `baton adopt`"), logs.stdout)
        }
        let retry = try BatonProcess.run(["retry", run, "--repo", work.path, "--yes"])
        XCTAssertEqual(retry.status, 0, retry.stderr)
        XCTAssertTrue(retry.stdout.contains("Nothing to retry"), retry.stdout)
        let json = try BatonProcess.run(["logs", "--repo", work.path, "--format", "json"])
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(document["formatVersion"] as? Int, 1)
        XCTAssertEqual(document["kind"] as? String, "adopt")
        XCTAssertEqual(document["run"] as? String, run)
        XCTAssertTrue(document["log"] is NSNull)
        let unknown = try BatonProcess.run(["logs", "nosuch", "--repo", work.path])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no run 'nosuch'"), unknown.stderr)
    }

    // 4. `logs` shows the run `status` calls last, and lists run ids that `logs` takes.
    func testLogsShowsTheRunStatusNamesAndListsIdsItTakes() throws {
        let work = try work()
        let plan = try work.plan("--format", "json")
        let last = "20261207090000-aaaaaaaa"
        try work.recordApplied(
            planJSON: plan.stdout,
            statusFiles: [
                "runs/\(last).log": "the last run's log\n",
                // A recovered part of that run sorts after it.
                "runs/\(last)-web1.log": "a part\n",
                "applied.yaml": """
                formatVersion: 1
                revision: "\(try work.git("rev-parse", "HEAD"))"
                time: "2026-12-07T09:00:00Z"
                run: "\(last)"
                servers: {}

                """,
            ])
        let logs = try BatonProcess.run(["logs", "--repo", work.path])
        XCTAssertEqual(logs.status, 0, logs.stderr)
        XCTAssertEqual(logs.stdout, "the last run's log\n")
        let unknown = try BatonProcess.run(["logs", "nosuch", "--repo", work.path])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertFalse(unknown.stderr.contains(".log"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains(last), unknown.stderr)
        let taken = try BatonProcess.run(["logs", "\(last)-web1", "--repo", work.path])
        XCTAssertEqual(taken.stdout, "a part\n", "every id listed is one logs takes")
    }

    // 6. show says what it prints: the rules' error count, and where the list is.
    func testShowCountsErrorsAndPointsToValidate() throws {
        let help = try BatonProcess.run(["show", "--help"])
        XCTAssertFalse(help.stdout.contains("(they are listed too)"), help.stdout)
        let out = try BatonProcess.run(["show", "examples/broken"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("error(s) by the rules (before the zone checks)"), out.stderr)
        XCTAssertTrue(out.stderr.contains("`baton validate examples/broken` lists every one"), out.stderr)
    }

    // 12. A repository without a commit, and --fetch without origin: what to do.
    func testPlanSaysCommitFirstAndNamesAMissingOrigin() throws {
        let work = try work()
        try FileManager.default.removeItem(atPath: work.path + "/.git")
        try work.git("init", "-q")
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 1)
        XCTAssertTrue(plan.stderr.contains("has no commit yet"), plan.stderr)
        XCTAssertTrue(plan.stderr.contains("git add -A && git commit"), plan.stderr)
        // Every command that reads a revision says the same, not libgit2's "revspec 'HEAD' not found".
        for arguments in [
            ["validate", work.path, "--rev", "HEAD"], ["render", "zone", "acme.example", work.path, "--rev", "HEAD"],
            ["monitor", "check", "acme-www", "--repo", work.path], ["adopt", "--repo", work.path],
            ["suspend", "--repo", work.path], ["doctor", "web1", "--repo", work.path],
        ] {
            let out = try BatonProcess.run(arguments)
            XCTAssertNotEqual(out.status, 0, "\(arguments)")
            XCTAssertTrue(out.stderr.contains("no commit yet"), "\(arguments): \(out.stderr)")
            XCTAssertTrue(out.stderr.contains("git add -A && git commit"), "\(arguments): \(out.stderr)")
            XCTAssertFalse(out.stderr.contains("revspec"), "\(arguments): \(out.stderr)")
        }
        try work.commit("first")
        let fetch = try work.plan("--fetch")
        XCTAssertEqual(fetch.status, 1)
        XCTAssertTrue(fetch.stderr.contains("no remote named origin"), fetch.stderr)
        XCTAssertFalse(fetch.stderr.contains("unsupported URL protocol"), fetch.stderr)
    }

    // 13. Outside a repository: no libgit2 call in the message, and what to pass instead.
    func testOutsideARepositoryNoLibgit2Text() throws {
        let outside = try folder(["x.txt": "x"])
        let state = try folder().path
        // Every command that reads a repository, the daemon's included; each says what to do next.
        for arguments in [
            ["validate", outside.path, "--rev", "HEAD"], ["status", "--repo", outside.path],
            ["logs", "--repo", outside.path], ["plan", "--repo", outside.path], ["adopt", "--repo", outside.path],
            ["apply", "--repo", outside.path, "--yes"], ["retry", "r", "--repo", outside.path, "--yes"],
            ["drift", "--repo", outside.path], ["doctor", "web1", "--repo", outside.path],
            ["suspend", "--repo", outside.path], ["resume", "--repo", outside.path],
            ["monitor", "status", "--repo", outside.path], ["monitor", "check", "s", "--repo", outside.path],
            ["render", "zone", "example.com", outside.path, "--rev", "HEAD"],
            ["reconcile", "--repo", outside.path, "--state-dir", state],
        ] {
            let out = try BatonProcess.run(arguments, environment: ["BATON_SSH_KEY": "/nonexistent"])
            XCTAssertNotEqual(out.status, 0, "\(arguments)")
            XCTAssertFalse(out.stderr.contains("git_repository_open_ext"), "\(arguments): \(out.stderr)")
            XCTAssertTrue(out.stderr.contains("is not a git repository"), "\(arguments): \(out.stderr)")
            XCTAssertTrue(out.stderr.contains("git init"), "\(arguments): what to do: \(out.stderr)")
        }
    }

    // 7. A second daemon on a state folder another process holds stops at once, with the status the docs give.
    func testASecondDaemonStopsAtOnceAsDocumented() throws {
        let work = try work()
        let state = try folder().path
        let fd = open(state + "/daemon.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        XCTAssertEqual(write(fd, "4242\n", 5), 5)
        let out = try BatonProcess.run(["reconcile", "--repo", work.path, "--state-dir", state])
        XCTAssertEqual(out.status, 3, out.stderr)
        XCTAssertTrue(out.stderr.contains("in use by another baton reconcile (process 4242)"), out.stderr)
        let doc = try String(
            contentsOf: BatonProcess.packageRoot.appendingPathComponent("docs/daemon.md"), encoding: .utf8)
        XCTAssertTrue(doc.contains("a second `baton reconcile` on the same folder exits \(out.status) at once"))
    }

    // 14. import zone --out: a missing folder is named, an existing file is kept without --force.
    func testImportOutNamesAMissingFolderAndKeepsAnExistingFile() throws {
        let repo = try folder()
        let missing = repo.appendingPathComponent("accounts/acme/example.com.yaml").path
        let first = try BatonProcess.run(["import", "zone", Self.zone, "--origin", "example.com", "--out", missing])
        XCTAssertEqual(first.status, 3)
        XCTAssertTrue(first.stderr.contains("the folder \(repo.path)/accounts/acme does not exist"), first.stderr)
        XCTAssertTrue(first.stderr.contains("mkdir -p"), first.stderr)
        try FileManager.default.createDirectory(
            atPath: repo.appendingPathComponent("accounts/acme").path, withIntermediateDirectories: true)
        try "mine\n".write(toFile: missing, atomically: true, encoding: .utf8)
        let again = try BatonProcess.run(["import", "zone", Self.zone, "--origin", "example.com", "--out", missing])
        XCTAssertEqual(again.status, 3)
        XCTAssertTrue(again.stderr.contains("exists: pass --force"), again.stderr)
        XCTAssertEqual(try String(contentsOfFile: missing, encoding: .utf8), "mine\n")
        let forced = try BatonProcess.run([
            "import", "zone", Self.zone, "--origin", "example.com", "--out", missing, "--force",
        ])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        let yaml = try String(contentsOfFile: missing, encoding: .utf8)
        XCTAssertTrue(yaml.contains("account: \"acme\""), "the account comes from --out's folder: \(yaml)")
    }

    // 15. Without --account, the placeholder is a name validate accepts; a second copy names the other file.
    func testImportWithoutAccountGivesAnAccountValidateCanDeclare() throws {
        let out = try BatonProcess.run(["import", "zone", Self.zone, "--origin", "example.com"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("account: \"changeme\""), out.stdout)
        XCTAssertTrue(out.stderr.contains("no --account"), out.stderr)
        let repo = try folder([
            "accounts/changeme/a.yaml": out.stdout,
            "accounts/changeme/b.yaml": out.stdout,
        ])
        let validate = try BatonProcess.run(["validate", repo.path, "--zone-checker", "none"])
        XCTAssertEqual(validate.status, 1)
        XCTAssertTrue(validate.stdout.contains("accounts/changeme/account.yaml"), validate.stdout)
        XCTAssertFalse(validate.stdout.contains("CHANGEME"), validate.stdout)
        let cname = validate.stdout.split(separator: "\n").filter { $0.contains("[record.cname-exclusive]") }
        XCTAssertFalse(cname.isEmpty, validate.stdout)
        for line in cname {
            XCTAssertTrue(line.contains("accounts/changeme/a.yaml:"), "the first is named with its file: \(line)")
        }
    }

    // 17. plan warns about uncommitted edits.
    func testPlanWarnsAboutUncommittedChanges() throws {
        let work = try work()
        let clean = try work.plan()
        XCTAssertFalse(clean.stderr.contains("uncommitted"), clean.stderr)
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 203.0.113.41")
        try work.write("accounts/acme/new.yaml", "# not yet\n")
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(
            plan.stderr.contains(
                "2 uncommitted change(s) are not in this plan (accounts/acme/new.yaml, "
                    + "accounts/globex/domains.yaml)"), plan.stderr)
        let quiet = try BatonProcess.run(["--quiet", "plan", "--repo", work.path, "--zone-checker", "builtin"])
        XCTAssertEqual(quiet.status, 2)
        XCTAssertFalse(quiet.stderr.contains("uncommitted"), "--quiet: \(quiet.stderr)")
        // --worktree previews them, and moves nothing in git.
        let before = try work.git("status", "--porcelain") + (try work.git("rev-parse", "HEAD"))
        let preview = try work.plan("--worktree", "--account", "globex", "--kind", "Domain")
        XCTAssertEqual(preview.status, 2, preview.stderr)
        XCTAssertTrue(preview.stdout.contains("+ \"sip.globex.example. 7200 IN A 203.0.113.41\""), preview.stdout)
        XCTAssertFalse(preview.stdout.contains("203.0.113.40\""), preview.stdout)
        XCTAssertTrue(
            preview.stderr.contains("planning the work tree: HEAD with 2 uncommitted change(s)"), preview.stderr)
        XCTAssertEqual(try work.git("status", "--porcelain") + (try work.git("rev-parse", "HEAD")), before)
        XCTAssertEqual(try work.plan("--worktree", "--out", work.root.path + "/p.json").status, 64)
        let other = try work.plan("--rev", "HEAD~0")
        XCTAssertFalse(other.stderr.contains("uncommitted"), "another --rev is what was asked: \(other.stderr)")
    }

    // 18. apply without a terminal and without --yes changes nothing, and says why, before any server.
    func testApplyWithoutTerminalNeedsYes() throws {
        let work = try work()
        let out = try BatonProcess.run(
            ["apply", "--repo", work.path, "--zone-checker", "builtin"], environment: ["BATON_SSH_KEY": "/nonexistent"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("standard input is not a terminal"), out.stderr)
        XCTAssertTrue(out.stderr.contains("pass --yes"), out.stderr)
        XCTAssertFalse(out.stdout.contains("Plan:"), "refused before planning: \(out.stdout)")
        XCTAssertThrowsError(try work.git("rev-parse", "--verify", "-q", "refs/heads/baton/status"))
    }

    // 18. retry too: a run with an operation to do again, without a terminal and without --yes, changes nothing.
    func testRetryWithoutTerminalNeedsYes() throws {
        let work = try work()
        let run = "20261207090000-aaaaaaaa"
        try work.recordApplied(
            planJSON: try work.plan("--format", "json").stdout,
            statusFiles: [
                "runs/\(run).yaml": "operations:\n  - {server: web1, resource: WebApp/acme-www, state: FAILED}\n"
            ])
        let before = try work.git("rev-parse", "refs/heads/baton/status")
        let out = try BatonProcess.run(
            ["retry", run, "--repo", work.path], environment: ["BATON_SSH_KEY": "/nonexistent"])
        XCTAssertEqual(out.status, 1, out.stdout)
        XCTAssertTrue(out.stderr.contains("standard input is not a terminal"), out.stderr)
        XCTAssertTrue(out.stderr.contains("pass --yes"), out.stderr)
        XCTAssertEqual(try work.git("rev-parse", "refs/heads/baton/status"), before, "nothing recorded")
    }

    // 19. An empty folder is not valid; a --branch that does not exist is an error; drift with nothing applied says so.
    func testEmptyThingsSaySo() throws {
        let empty = try folder()
        let validate = try BatonProcess.run(["validate", empty.path])
        XCTAssertEqual(validate.status, 1)
        XCTAssertFalse(validate.stdout.contains("valid: 0 resources"), validate.stdout)
        XCTAssertTrue(validate.stdout.contains("no manifests"), validate.stdout)
        let show = try BatonProcess.run(["show", empty.path])
        XCTAssertEqual(show.status, 1, "as validate: \(show.stdout)")
        XCTAssertTrue(show.stderr.contains("holds no manifests; check PATH"), show.stderr)
        let work = try work()
        let status = try BatonProcess.run(["status", "--repo", work.path, "--branch", "baton/nosuch"])
        XCTAssertEqual(status.status, 1)
        XCTAssertTrue(status.stderr.contains("no branch baton/nosuch"), status.stderr)
        let defaulted = try BatonProcess.run(["status", "--repo", work.path])
        XCTAssertEqual(defaulted.status, 0)
        XCTAssertTrue(defaulted.stdout.contains("Nothing applied yet"), defaulted.stdout)
        let drift = try BatonProcess.run(["drift", "--repo", work.path], environment: ["BATON_SSH_KEY": ""])
        XCTAssertEqual(drift.status, 0, drift.stderr)
        XCTAssertTrue(drift.stdout.contains("Nothing applied yet"), drift.stdout)
    }

    // 20. plan --format json of invalid manifests is the plan document, with the diagnostics in it.
    func testInvalidPlanJSONIsThePlanDocument() throws {
        let work = try work()
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 300.0.113.40")
        try work.commit("broken")
        let out = try work.plan("--format", "json")
        XCTAssertEqual(out.status, 1)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(document["formatVersion"] as? Int, 1)
        XCTAssertEqual((document["changes"] as? [Any])?.count, 0)
        let diagnostics = try XCTUnwrap(document["diagnostics"] as? [[String: Any]])
        XCTAssertTrue(diagnostics.contains { $0["rule"] as? String == "record.a" }, "\(diagnostics)")
        let valid = try work.plan("--format", "json", "--rev", "HEAD~1")
        let plan = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(valid.stdout.utf8)) as? [String: Any])
        XCTAssertNil(plan["diagnostics"], "absent from a valid plan")
    }

    // 20. The text plan says why monitored sites are not in it.
    func testPlanSaysWhyMonitoredSitesAreNotPlanned() throws {
        let work = try work()
        let plan = try work.plan()
        XCTAssertEqual(plan.status, 2)
        let sites = try BatonProcess.run(["show", work.path, "--format", "json"])
        let count = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(sites.stdout.utf8)) as? [String: Any])?["resources"]
                as? [[String: Any]]
        ).filter { $0["kind"] as? String == "MonitoredSite" }.count
        XCTAssertGreaterThan(count, 0)
        XCTAssertTrue(
            plan.stdout.contains("\(count) MonitoredSite(s): nothing to apply on a server"), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("+ MonitoredSite"), plan.stdout)
        // A part of the plan counts the sites of that part: an account's, none for another kind, all for their own.
        let globex = try work.plan("--account", "globex")
        XCTAssertTrue(globex.stdout.contains("\n  ! 2 MonitoredSite(s): nothing to apply"), globex.stdout)
        XCTAssertFalse(try work.plan("--kind", "Domain").stdout.contains("MonitoredSite"))
        let own = try work.plan("--kind", "MonitoredSite")
        XCTAssertEqual(own.status, 0, "nothing to apply")
        XCTAssertTrue(own.stdout.contains("\(count) MonitoredSite(s): nothing to apply on a server"), own.stdout)
    }

    // 20. Booleans and numbers read as the manifest wrote them; text stays quoted.
    func testPlanShowsNumbersAndBooleansUnquoted() throws {
        let plan = try work().plan()
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(plan.stdout.range(of: #"processes: \d+\n"#, options: .regularExpression) != nil, plan.stdout)
        XCTAssertFalse(
            plan.stdout.range(of: #": "(\d+|true|false)"\n"#, options: .regularExpression) != nil, plan.stdout)
        XCTAssertTrue(plan.stdout.contains("type: \"php\""), plan.stdout)
    }

    // 20. The SOA reads as a record of the zone file (TTL, class, the serial each apply writes); the JSON plan keeps
    // the applied form its hashes are of.
    func testPlanShowsTheSOAAsTheZoneServesIt() throws {
        let work = try work()
        let plan = try work.plan("--kind", "Domain")
        XCTAssertEqual(plan.status, 2)
        let soa = plan.stdout.split(separator: "\n").filter { $0.contains(" SOA ") }
        XCTAssertFalse(soa.isEmpty, plan.stdout)
        for line in soa {
            XCTAssertNotNil(
                line.wholeMatch(of: /\s+\+ "([a-z0-9-]+\.)+ \d+ IN SOA \S+\. \S+\. \(serial\)( \d+){4}"/), String(line))
            XCTAssertFalse(line.contains("$TTL"), String(line))
        }
        XCTAssertTrue(
            plan.stdout.contains(
                "+ \"globex.example. 7200 IN SOA ns1.hosting.example. dns-admin.globex.example. (serial) 86400 7200 "
                    + "2419200 3600\""), plan.stdout)
        let json = try work.plan("--format", "json")
        XCTAssertTrue(json.stdout.contains(" $TTL 7200"), "the applied form, as the inventory holds it")
        // A change of the zone's TTL: the old SOA and the new, each in that form.
        try work.recordApplied(planJSON: json.stdout)
        try work.edit("accounts/globex/domains.yaml", "ttl: 2h", "ttl: 3h")
        try work.commit("ttl")
        let update = try work.plan("--account", "globex", "--kind", "Domain")
        XCTAssertTrue(
            update.stdout.contains("- \"globex.example. 7200 IN SOA ns1.hosting.example. dns-admin.globex.example."),
            update.stdout)
        XCTAssertTrue(
            update.stdout.contains("+ \"globex.example. 10800 IN SOA ns1.hosting.example. dns-admin.globex.example."),
            update.stdout)
    }

    // 21. import writes one order whichever checker read the zone; --version is `version`; help of nothing fails.
    func testOneAnswerEach() throws {
        let builtin = try BatonProcess.run([
            "import", "zone", Self.zone, "--origin", "example.com", "--account", "acme", "--checker", "builtin",
        ])
        let named = try BatonProcess.run([
            "import", "zone", Self.zone, "--origin", "example.com", "--account", "acme", "--checker", "named-checkzone",
        ])
        XCTAssertEqual(builtin.status, 0, builtin.stderr)
        if named.status == 0 { XCTAssertEqual(builtin.stdout, named.stdout) }
        let lines = builtin.stdout.split(separator: "\n").filter { $0.hasPrefix("    - {") }
        XCTAssertTrue(lines.first?.contains("type: NS") ?? false, "NS first at the apex: \(lines)")
        XCTAssertTrue(lines.last?.contains("name: \"www\"") ?? false, "owners in order: \(lines)")
        let version = try BatonProcess.run(["version"])
        let flag = try BatonProcess.run(["--version"])
        XCTAssertEqual(version.stdout, flag.stdout)
        XCTAssertTrue(flag.stdout.contains("libgit2 "), flag.stdout)
        let help = try BatonProcess.run(["help", "nosuch"])
        XCTAssertEqual(help.status, 64)
        XCTAssertTrue(help.stderr.contains("no command 'nosuch'"), help.stderr)
        XCTAssertEqual(try BatonProcess.run(["help", "monitor", "check"]).status, 0)
        XCTAssertEqual(try BatonProcess.run(["help", "monitor", "nosuch"]).status, 64)
    }

    // 22. --format json of show, status, logs (above), drift and doctor carry a formatVersion.
    func testJSONFormatsCarryAVersion() throws {
        let work = try work()
        for arguments in [
            ["show", "examples/hosting", "--format", "json"], ["status", "--repo", work.path, "--format", "json"],
            ["drift", "--repo", work.path, "--format", "json"],
        ] {
            let out = try BatonProcess.run(arguments)
            XCTAssertEqual(out.status, 0, "\(arguments): \(out.stderr)")
            let document = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any], "\(arguments)")
            XCTAssertEqual(document["formatVersion"] as? Int, 1, "\(arguments)")
        }
        let show = try BatonProcess.run(["show", "examples/hosting", "--format", "json"])
        let resources = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])?["resources"]
                as? [[String: Any]])
        XCTAssertTrue(resources.contains { $0["kind"] as? String == "Server" && $0["account"] is NSNull })
        XCTAssertTrue(resources.allSatisfy { ($0["line"] as? Int ?? 0) > 0 && $0["file"] is String })
        // doctor: a server whose port refuses, with a key that exists.
        try Self.unreachable(work)
        let key = try folder(["key": "not a key\n"]).appendingPathComponent("key").path
        let doctor = try BatonProcess.run([
            "doctor", "web1", "--repo", work.path, "--identity", key, "--format", "json",
        ])
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(document["formatVersion"] as? Int, 1)
        XCTAssertEqual(document["server"] as? String, "web1")
        XCTAssertEqual(document["passed"] as? Bool, doctor.status == 0)
        XCTAssertEqual((document["checks"] as? [[String: Any]])?.first?["check"] as? String, "manifest")
    }

    /// Every server of the work at a loopback port nothing listens on: refused at once, no test host reached.
    static func unreachable(_ work: GitWork) throws {
        for name in ["web1", "ns1", "ns2"] {
            let file = "servers/\(name).yaml"
            guard let text = try? work.read(file) else { continue }
            var lines = text.components(separatedBy: "\n").filter { !$0.hasPrefix("  port:") }
            for i in lines.indices where lines[i].hasPrefix("  address:") {
                lines[i] = "  address: 127.0.0.1\n  port: 1"
            }
            try work.write(file, lines.joined(separator: "\n"))
        }
        try work.commit("servers out of reach")
    }

    // 11, 16. An unreachable server: its error points to doctor, and the note on the revision says nothing was applied.
    func testUnreachableServerPointsToDoctorAndTheNoteSaysNothingApplied() throws {
        let work = try work()
        try Self.unreachable(work)
        let key = try folder(["key": "not a key\n"]).appendingPathComponent("key").path
        let out = try BatonProcess.run(
            ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin"], environment: ["BATON_SSH_KEY": key])
        XCTAssertEqual(out.status, 1, out.stdout + out.stderr)
        XCTAssertTrue(out.stdout.contains("`baton doctor web1`"), out.stdout)
        let note = try work.git("notes", "--ref", "baton", "show", "HEAD")
        XCTAssertTrue(note.contains("nothing applied"), note)
        let said = try XCTUnwrap(note.range(of: "nothing applied"), note)
        XCTAssertTrue(note[..<said.lowerBound].allSatisfy { $0 != ";" && $0 != "(" }, "said first: \(note)")
    }

    // 23. --color and --no-color decide colour; NO_COLOR still does.
    func testColourFlags() throws {
        let always = try BatonProcess.run([
            "validate", "examples/broken", "--color", "always", "--zone-checker", "none",
        ])
        XCTAssertTrue(always.stdout.contains("\u{1B}["), "--color always colours a pipe")
        let never = try BatonProcess.run(["--color=never", "validate", "examples/broken", "--zone-checker", "none"])
        XCTAssertFalse(never.stdout.contains("\u{1B}["))
        let off = try BatonProcess.run([
            "validate", "examples/broken", "--color", "always", "--no-color", "--zone-checker", "none",
        ])
        XCTAssertFalse(off.stdout.contains("\u{1B}["), "the last flag wins")
        let bad = try BatonProcess.run(["validate", "examples/hosting", "--color", "sometimes"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertEqual(always.status, 1)
    }

    /// Each command of `baton --help`, run so that it stops at once without a server (a path that does not exist).
    static let stopsAtOnce: [String: [String]] = [
        "validate": ["validate", "/nonexistent"], "plan": ["plan", "--repo", "/nonexistent"],
        "apply": ["apply", "--repo", "/nonexistent", "--yes"], "status": ["status", "--repo", "/nonexistent"],
        "logs": ["logs", "--repo", "/nonexistent"], "retry": ["retry", "r", "--repo", "/nonexistent", "--yes"],
        "drift": ["drift", "--repo", "/nonexistent"], "doctor": ["doctor", "web1", "--repo", "/nonexistent"],
        "reconcile": ["reconcile", "--config", "/nonexistent"], "suspend": ["suspend", "--repo", "/nonexistent"],
        "resume": ["resume", "--repo", "/nonexistent"],
        "monitor check": ["monitor", "check", "s", "--repo", "/nonexistent"],
        "monitor status": ["monitor", "status", "--repo", "/nonexistent"],
        "monitor run": ["monitor", "run", "--repo", "/nonexistent"], "adopt": ["adopt", "--repo", "/nonexistent"],
        "show": ["show", "/nonexistent"], "check-zone": ["check-zone", "/nonexistent", "--origin", "example.com"],
        "import zone": ["import", "zone", "/nonexistent", "--origin", "example.com"],
        "render zone": ["render", "zone", "example.com", "/nonexistent"], "version": ["version"],
        "help": ["help", "validate"],
    ]

    // 23. Every command takes --color, --no-color and --quiet, before or after its name, and they change neither its
    // verdict nor its errors.
    func testEveryCommandTakesTheGlobalFlagsBeforeAndAfterItsName() throws {
        var commands: [String] = []
        for name in try DocsCommandTests.subcommands([]) where name != "help" {
            let nested = try DocsCommandTests.subcommands([name])
            commands += nested.isEmpty ? [name] : nested.map { "\(name) \($0)" }
        }
        XCTAssertGreaterThanOrEqual(commands.count, 20, "\(commands)")
        for command in commands + ["help"] {
            guard let arguments = Self.stopsAtOnce[command] else {
                XCTFail("no invocation of `baton \(command)` in this test: add one that stops at once")
                continue
            }
            let plain = try BatonProcess.run(arguments)
            XCTAssertNotEqual(plain.status, 64, "\(arguments): \(plain.stderr)")
            let depth = command.split(separator: " ").count
            let (name, rest) = (Array(arguments.prefix(depth)), Array(arguments.dropFirst(depth)))
            // Before the command, right after its name, and last.
            for (given, quiet) in [
                (["--color=always", "--quiet"] + arguments, true), (name + ["--no-color"] + rest, false),
                (arguments + ["--color", "never"], false), (arguments + ["--quiet"], true),
            ] {
                let out = try BatonProcess.run(given)
                XCTAssertEqual(out.status, plain.status, "\(given): \(out.stderr)")
                if !quiet || out.status != 0 {
                    XCTAssertEqual(out.stderr, plain.stderr, "\(given): errors are said whatever the flags")
                }
            }
        }
        let bad = try BatonProcess.run(["status", "--repo", "/nonexistent", "--color"])
        XCTAssertEqual(bad.status, 64, "--color without a value")
        XCTAssertTrue(bad.stderr.contains("--color takes auto, always or never"), bad.stderr)
    }

    // 23. What the flags do: colour in the plan as in validate, the flag over NO_COLOR; --quiet keeps notices off
    // standard error (the plan's notes about the daemon, import's notices) and errors on it.
    func testColourAndQuietDoWhatTheySay() throws {
        let work = try work()
        let coloured = try work.plan("--color", "always")
        XCTAssertEqual(coloured.status, 2)
        XCTAssertTrue(coloured.stdout.contains("\u{1B}["), "--color always colours the plan in a pipe")
        let overNoColor = try BatonProcess.run(
            ["--color=always", "plan", "--repo", work.path, "--zone-checker", "builtin"], environment: ["NO_COLOR": "1"]
        )
        XCTAssertTrue(overNoColor.stdout.contains("\u{1B}["), "the flag is asked for; NO_COLOR is only the default")
        let plain = try BatonProcess.run(
            ["plan", "--repo", work.path, "--zone-checker", "builtin"], environment: ["NO_COLOR": "1"])
        XCTAssertFalse(plain.stdout.contains("\u{1B}["))
        XCTAssertFalse(try work.plan("--color=always", "--no-color").stdout.contains("\u{1B}["))
        XCTAssertEqual(
            try work.plan("--no-color").stdout,
            coloured.stdout.replacingOccurrences(
                of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression))

        try work.write("baton.yaml", "suspend: true\n")
        try work.commit("suspend")
        let noted = try work.plan()
        XCTAssertTrue(noted.stderr.contains("suspends the daemon"), noted.stderr)
        let quiet = try work.plan("--quiet")
        XCTAssertEqual(quiet.status, noted.status)
        XCTAssertEqual(quiet.stdout, noted.stdout)
        XCTAssertEqual(quiet.stderr, "", "--quiet: \(quiet.stderr)")
        // apply: the same note left out, the error of a server out of reach kept.
        try Self.unreachable(work)
        let key = try folder(["key": "not a key\n"]).appendingPathComponent("key").path
        for quietly in [false, true] {
            let apply = try BatonProcess.run(
                ["apply", "--repo", work.path, "--yes", "--zone-checker", "builtin", "--identity", key]
                    + (quietly ? ["--quiet"] : []))
            XCTAssertEqual(apply.status, 1, apply.stdout + apply.stderr)
            XCTAssertEqual(apply.stderr.contains("suspends the daemon"), !quietly, apply.stderr)
            XCTAssertTrue(apply.stdout.contains("`baton doctor web1`"), apply.stdout)
        }

        let imported = try BatonProcess.run(["import", "zone", Self.zone, "--origin", "example.com", "--quiet"])
        XCTAssertEqual(imported.status, 0)
        XCTAssertEqual(imported.stderr, "", "--quiet: \(imported.stderr)")
        XCTAssertTrue(
            try BatonProcess.run(["import", "zone", Self.zone, "--origin", "example.com"]).stderr.contains("notice:"))
        let failed = try BatonProcess.run(["--quiet", "import", "zone", "/nonexistent", "--origin", "example.com"])
        XCTAssertEqual(failed.status, 3)
        XCTAssertTrue(failed.stderr.contains("/nonexistent"), "errors still: \(failed.stderr)")
    }

    // 24. Completion scripts are generated for the shells the README names.
    func testCompletionScripts() throws {
        for shell in ["bash", "zsh", "fish"] {
            let out = try BatonProcess.run(["--generate-completion-script", shell])
            XCTAssertEqual(out.status, 0)
            XCTAssertTrue(out.stdout.contains("check-zone"), shell)
        }
    }

    // 25. validate one file, reported alone, checked with its repository; plan filtered by account and kind.
    func testValidateOneFileAndFilterAPlan() throws {
        let file = try BatonProcess.run(["validate", "examples/broken/accounts/acme/domains.yaml", "--format", "json"])
        XCTAssertEqual(file.status, 1)
        let diagnostics = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(file.stdout.utf8)) as? [[String: Any]])
        XCTAssertFalse(diagnostics.isEmpty)
        XCTAssertTrue(
            diagnostics.allSatisfy { $0["file"] as? String == "accounts/acme/domains.yaml" }, "\(diagnostics)")
        let good = try BatonProcess.run(["validate", "examples/hosting/accounts/acme/domains.yaml"])
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertTrue(good.stdout.contains("valid"), good.stdout)

        let work = try work()
        // With --rev, the file as that revision holds it.
        try work.edit("accounts/globex/domains.yaml", "value: 203.0.113.40", "value: 300.0.113.40")
        let edited = work.path + "/accounts/globex/domains.yaml"
        XCTAssertEqual(try BatonProcess.run(["validate", edited, "--zone-checker", "none"]).status, 1)
        let committed = try BatonProcess.run(["validate", edited, "--rev", "HEAD", "--zone-checker", "none"])
        XCTAssertEqual(committed.status, 0, committed.stdout + committed.stderr)
        let all = try work.plan("--format", "json")
        let some = try work.plan("--format", "json", "--account", "acme", "--kind", "domain")
        XCTAssertEqual(some.status, 2)
        let changes = { (text: String) throws -> [[String: Any]] in
            try XCTUnwrap(
                (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["changes"]
                    as? [[String: Any]])
        }
        let filtered = try changes(some.stdout)
        XCTAssertFalse(filtered.isEmpty)
        XCTAssertTrue(filtered.allSatisfy { $0["account"] as? String == "acme" && $0["kind"] as? String == "Domain" })
        XCTAssertEqual(
            filtered.count,
            try changes(all.stdout).filter { $0["account"] as? String == "acme" && $0["kind"] as? String == "Domain" }
                .count)
        let none = try work.plan("--account", "nosuch")
        XCTAssertEqual(none.status, 0, "nothing of that part changes")
        let bad = try work.plan("--kind", "Domians")
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("WebApp"), bad.stderr)
        XCTAssertEqual(try work.plan("--account", "acme", "--out", work.root.path + "/p.json").status, 64)
    }
}
