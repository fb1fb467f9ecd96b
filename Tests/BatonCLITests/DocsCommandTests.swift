import Foundation
import XCTest

/// Keeps the docs true: every `baton` command line in a fenced block of README.md and docs/*.md is checked
/// against the README's CLI table (its options), the table against each command's `--help`, and every command that
/// needs no server, no root and no file outside the repository is run, its exit status held to the comment beside
/// it (`# exit 2: ...`) or else to the table's exit column, and its sample output (the lines after `$ baton ...`)
/// found in what it prints.
final class DocsCommandTests: XCTestCase {
    /// A command line as a document shows it.
    struct DocCommand: CustomStringConvertible {
        var file: String
        var line: Int
        /// The words after `baton`, quotes removed, redirections and the comment left out.
        var words: [String]
        var expectedExit: Int32?
        /// `baton plan [--repo PATH] ...`: a synopsis, read for its options only.
        var synopsis: Bool
        /// The lines a `$ baton ...` example shows as its output.
        var sample: [String] = []

        var description: String { "\(file):\(line): baton \(words.joined(separator: " "))" }

        var options: [String] {
            words.filter { $0.hasPrefix("-") && $0 != "-" && Int($0) == nil }.map {
                String($0.prefix { $0 != "=" })
            }
        }
    }

    /// A row of the README's CLI table.
    struct TableRow {
        var path: [String]
        var options: Set<String>
        /// The placeholders of positional arguments, in order (PATH, FILE, NAME, ...).
        var positionals: [String]
        var exits: Set<Int32>
    }

    /// Options every command takes (GlobalFlags), and the root's own.
    static let globalOptions: Set<String> = ["--color", "--no-color", "--quiet", "--help", "-h"]
    static let rootOptions: Set<String> = globalOptions.union(["--version", "--generate-completion-script"])
    /// Commands that need no server and change nothing outside their output: the ones the docs test runs.
    static let runnable: Set<String> = [
        "validate", "show", "check-zone", "import zone", "render zone", "plan", "status", "logs", "version", "help",
    ]
    /// Options whose value is a path that must exist for the command to be run here.
    static let pathOptions: Set<String> = ["--repo", "--plan", "--config", "--identity"]
    /// Options that write files: such commands are checked, not run.
    static let writingOptions: Set<String> = ["--out", "--fetch"]

    static var documents: [(name: String, text: String)] {
        let root = BatonProcess.packageRoot
        let docs =
            (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? []
        return (["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }).compactMap {
            guard let text = try? String(contentsOf: root.appendingPathComponent($0), encoding: .utf8) else {
                return nil
            }
            return ($0, text)
        }
    }

    // MARK: - Reading the documents

    /// Shell words of one line: quotes removed, a `#` comment returned apart.
    static func shellWords(_ line: String) -> (words: [String], comment: String?) {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var iterator = Array(line)
        var i = 0
        while i < iterator.count {
            let c = iterator[i]
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else if c == "#" && !inWord {
                return (words, String(iterator[(i + 1)...]))
            } else if c == "\\" && i + 1 < iterator.count {
                current.append(iterator[i + 1])
                inWord = true
                i += 1
            } else {
                current.append(c)
                inWord = true
            }
            i += 1
        }
        if inWord { words.append(current) }
        iterator = []
        return (words, nil)
    }

    static func commands(in text: String, file: String) -> [DocCommand] {
        var found: [DocCommand] = []
        var inBlock = false
        var pending = ""
        var pendingLine = 0
        var sampleOwner: Int?
        for (n, raw) in text.components(separatedBy: "\n").enumerated() {
            if raw.hasPrefix("```") {
                inBlock.toggle()
                sampleOwner = nil
                continue
            }
            guard inBlock else { continue }
            if pending.isEmpty { pendingLine = n + 1 }
            if raw.hasSuffix("\\") {
                pending += raw.dropLast() + " "
                continue
            }
            let line = pending + raw
            pending = ""
            var body = line.trimmingCharacters(in: .whitespaces)
            let prompt = body.hasPrefix("$ ")
            for prefix in ["$ ", "- "] where body.hasPrefix(prefix) { body = String(body.dropFirst(prefix.count)) }
            let (allWords, comment) = shellWords(body)
            // One line may chain commands (`set +e; baton plan ... > plan.md; status=$?`).
            var segments: [[String]] = [[]]
            for word in allWords {
                if [";", "&&", "||", "|"].contains(word) {
                    segments.append([])
                } else if word.hasSuffix(";") {
                    segments[segments.count - 1].append(String(word.dropLast()))
                    segments.append([])
                } else {
                    segments[segments.count - 1].append(word)
                }
            }
            var isCommand = false
            for segment in segments {
                guard let first = segment.first, first == "baton" || first.hasSuffix("/baton") else { continue }
                var words: [String] = []
                var skip = false
                for word in segment.dropFirst() {
                    if skip {
                        skip = false
                        continue
                    }
                    if [">", ">>", "2>", "<", "2>&1"].contains(word) {
                        skip = word != "2>&1"
                        continue
                    }
                    if word.hasPrefix(">") || word.hasPrefix("2>") { continue }
                    words.append(word)
                }
                let exit = comment.flatMap { text -> Int32? in
                    guard let range = text.range(of: #"exit (\d+)"#, options: .regularExpression) else { return nil }
                    return Int32(text[range].dropFirst(5))
                }
                found.append(
                    DocCommand(
                        file: file, line: pendingLine, words: words, expectedExit: exit,
                        synopsis: words.contains { $0.hasPrefix("[") }))
                isCommand = true
            }
            if isCommand {
                sampleOwner = prompt ? found.count - 1 : nil
            } else if let owner = sampleOwner {
                let sample = line.trimmingCharacters(in: .whitespaces)
                if !sample.isEmpty && sample != "..." { found[owner].sample.append(sample) }
            }
        }
        return found
    }

    static func tableRows() throws -> [TableRow] {
        let readme = try XCTUnwrap(documents.first { $0.name == "README.md" }).text
        let section = try XCTUnwrap(readme.components(separatedBy: "\n## CLI").dropFirst().first)
        var rows: [TableRow] = []
        for line in section.components(separatedBy: "\n") where line.hasPrefix("| `baton ") {
            let cells = line.replacingOccurrences(of: "\\|", with: "¦").split(separator: "|").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 3, let open = cells[0].firstIndex(of: "`"),
                let close = cells[0][cells[0].index(after: open)...].firstIndex(of: "`")
            else { continue }
            let synopsis = cells[0][cells[0].index(after: open)..<close].replacingOccurrences(of: "¦", with: "|")
            let words = synopsis.split(separator: " ").map(String.init).dropFirst()
            let path = Array(words.prefix { $0.first?.isLowercase == true && !$0.contains("-") || $0 == "check-zone" })
            let options = Set(
                synopsis.matches(of: /(^|[\s\[|])(--[a-z][a-z0-9-]*|-[a-zA-Z])\b/).map { String($0.output.2) })
            let positionals = words.dropFirst(path.count).filter {
                !$0.contains("-")
                    && $0.trimmingCharacters(in: CharacterSet(charactersIn: "[].")).uppercased()
                        == $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
                    && !$0.hasPrefix("[-")
            }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[].")) }
            let exits = Set(cells[2].matches(of: /\b(\d+)\b/).compactMap { Int32($0.output.1) })
            rows.append(TableRow(path: path, options: options, positionals: positionals, exits: exits))
        }
        return rows
    }

    /// The row for a command's words: the longest path that starts them.
    static func row(for words: [String], in rows: [TableRow]) -> TableRow? {
        rows.filter { words.starts(with: $0.path) }.max { $0.path.count < $1.path.count }
    }

    /// The options an OPTIONS section of `--help` lists.
    static func helpOptions(_ help: String) -> Set<String> {
        var options = Set<String>()
        var inOptions = false
        for line in help.components(separatedBy: "\n") {
            if !line.hasPrefix(" ") && line.hasSuffix(":") {
                inOptions = line == "OPTIONS:"
                continue
            }
            guard inOptions, line.hasPrefix("  -") else { continue }
            // The names, before the help column.
            let names = line.dropFirst(2).components(separatedBy: "  ").first ?? ""
            for match in names.matches(of: /(--[a-z][a-z0-9-]*|-[a-zA-Z])\b/) { options.insert(String(match.output.1)) }
        }
        return options.subtracting(["--help", "-h", "--version"])
    }

    /// The commands of the README's first block after "## Five-minute tour": they need no root and no server.
    static func tour() throws -> [DocCommand] {
        let readme = try XCTUnwrap(documents.first { $0.name == "README.md" }).text
        let lines = readme.components(separatedBy: "\n")
        let heading = try XCTUnwrap(lines.firstIndex(of: "## Five-minute tour"))
        let open = try XCTUnwrap(lines[heading...].firstIndex { $0.hasPrefix("```") })
        let close = try XCTUnwrap(lines[(open + 1)...].firstIndex { $0.hasPrefix("```") })
        return commands(in: readme, file: "README.md").filter { $0.line > open && $0.line <= close + 1 }
    }

    // MARK: - Tests

    func testTheDocumentsShowCommands() throws {
        let all = Self.documents.flatMap { Self.commands(in: $0.text, file: $0.name) }
        XCTAssertGreaterThanOrEqual(all.count, 20, "the parser finds the documents' commands")
        let tour = try Self.tour()
        XCTAssertGreaterThanOrEqual(tour.count, 8, "the README's tour: \(tour)")
        for command in tour {
            XCTAssertNotNil(command.expectedExit, "\(command): the tour gives each command's exit status")
            XCTAssertFalse(
                ["apply", "retry", "drift", "doctor", "reconcile", "adopt", "monitor"].contains(
                    command.words.first ?? ""),
                "\(command): the tour's first commands need no server")
        }
    }

    /// The table lists exactly the options each command's `--help` shows, and a row for every command.
    /// The subcommands `baton PATH --help` lists (none for a command without any).
    static func subcommands(_ path: [String]) throws -> [String] {
        let help = try BatonProcess.run(path + ["--help"])
        XCTAssertEqual(help.status, 0, "baton \(path.joined(separator: " ")) --help")
        guard let section = help.stdout.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else {
            return []
        }
        return section.components(separatedBy: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   "),
                let name = line.split(separator: " ").first.map(String.init),
                name.wholeMatch(of: /[a-z][a-z-]*/) != nil
            else { return nil }
            return name
        }
    }

    func testTheCLITableMatchesEveryCommandsHelp() throws {
        let rows = try Self.tableRows()
        var leaves: [[String]] = []
        let subcommands = Self.subcommands
        for name in try subcommands([]) {
            let nested = try subcommands([name])
            if nested.isEmpty { leaves.append([name]) } else { leaves += nested.map { [name, $0] } }
            // A group's help too (issue 15, item 24: examples in every --help).
            if !nested.isEmpty {
                XCTAssertTrue(try BatonProcess.run([name, "--help"]).stdout.contains("Examples:"), "`\(name)` --help")
            }
        }
        XCTAssertTrue(try BatonProcess.run(["--help"]).stdout.contains("Examples:"), "`baton --help` has examples")
        XCTAssertGreaterThanOrEqual(leaves.count, 18, "\(leaves)")
        for leaf in leaves {
            guard let row = rows.first(where: { $0.path == leaf }) else {
                XCTFail("the README's CLI table has no row for `baton \(leaf.joined(separator: " "))`")
                continue
            }
            let help = try BatonProcess.run(leaf + ["--help"])
            let shown = Self.helpOptions(help.stdout)
            XCTAssertEqual(
                row.options.subtracting(Self.globalOptions), shown,
                "`baton \(leaf.joined(separator: " "))`: the README's table lists \(row.options.sorted()), --help \(shown.sorted())"
            )
            XCTAssertTrue(help.stdout.contains("Examples:"), "`\(leaf)` --help has examples")
        }
    }

    /// Every command a document shows is a command of the table, with options of its row.
    func testEveryDocumentedCommandUsesTheTablesOptions() throws {
        let rows = try Self.tableRows()
        for command in Self.documents.flatMap({ Self.commands(in: $0.text, file: $0.name) }) {
            if command.words.first?.hasPrefix("-") ?? true {
                for option in command.options {
                    XCTAssertTrue(Self.rootOptions.contains(option), "\(command): \(option) is no option of baton")
                }
                continue
            }
            guard let row = Self.row(for: command.words, in: rows) else {
                XCTFail("\(command): no such command in the README's CLI table")
                continue
            }
            for option in command.options where !row.options.contains(option) && !Self.globalOptions.contains(option) {
                XCTFail("\(command): \(option) is not an option of `baton \(row.path.joined(separator: " "))`")
            }
        }
    }

    /// The commands that need no server run, with the exit status the document or the table gives.
    func testEveryCommandThatNeedsNoServerRunsAsDocumented() throws {
        let rows = try Self.tableRows()
        let root = BatonProcess.packageRoot
        let inGit = FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path)
        var ran: [String] = []
        for command in Self.documents.flatMap({ Self.commands(in: $0.text, file: $0.name) }) where !command.synopsis {
            let words = command.words
            let exits: Set<Int32>
            if words.first?.hasPrefix("-") ?? true {
                exits = [0]
            } else {
                guard let row = Self.row(for: words, in: rows),
                    Self.runnable.contains(row.path.joined(separator: " "))
                else { continue }
                if words.contains(where: { Self.writingOptions.contains(String($0.prefix { $0 != "=" })) }) { continue }
                if ["plan", "status", "logs"].contains(row.path[0]) && !inGit { continue }
                // Every path it names must be here (`--repo hosting` is an example's repository, not this one's).
                var paths: [String] = []
                var positional = 0
                var i = row.path.count
                while i < words.count {
                    let word = words[i]
                    if word.hasPrefix("-") {
                        if Self.pathOptions.contains(word), i + 1 < words.count { paths.append(words[i + 1]) }
                        if i + 1 < words.count, !words[i + 1].hasPrefix("-"),
                            !["--strict", "--verbose", "-v", "--no-cache", "--allow-mass-delete", "--yes", "--force"]
                                .contains(word)
                        {
                            i += 1
                        }
                    } else {
                        if positional < row.positionals.count, ["PATH", "FILE"].contains(row.positionals[positional]) {
                            paths.append(word)
                        }
                        positional += 1
                    }
                    i += 1
                }
                // `.` in a document is the reader's repository, not this one.
                if paths.contains(where: {
                    $0 == "." || !FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
                }) {
                    continue
                }
                exits = command.expectedExit.map { [$0] } ?? row.exits
            }
            let out = try BatonProcess.run(words, environment: ["NO_COLOR": "1"])
            ran.append(command.description)
            XCTAssertNotEqual(out.status, 64, "\(command): a usage error: \(out.stderr)")
            XCTAssertTrue(
                exits.contains(out.status),
                "\(command): exit \(out.status), the docs say \(exits.sorted()): \(out.stderr.prefix(600))")
            for line in command.sample where !(out.stdout + out.stderr).contains(line) {
                XCTFail("\(command): the sample line '\(line)' is not in its output:\n\(out.stdout.prefix(2000))")
            }
        }
        XCTAssertGreaterThanOrEqual(ran.count, 10, "commands run: \(ran)")
        for command in try Self.tour() {
            XCTAssertTrue(ran.contains(command.description), "the README's tour command was not run: \(command)")
        }
    }

    /// The docs stand alone: nothing a user of the repository does not have (issue 15, item 10).
    func testTheDocsCiteNothingOutsideTheRepository() throws {
        for (name, text) in Self.documents {
            for cited in ["DESIGN.md", "shared/notes", "../shared/", "until `plan` exists"] {
                XCTAssertFalse(text.contains(cited), "\(name) cites \(cited)")
            }
        }
    }

    /// Run ids as docs/status-branch.md shows them are the ids Baton makes (item 5).
    func testRunIdsAreAsDocumented() throws {
        let doc = try XCTUnwrap(Self.documents.first { $0.name == "docs/status-branch.md" }).text
        let shapes = [#"^\d{14}-[0-9a-f]{8}$"#, #"^adopt-\d{14}-[0-9a-f]{8}$"#]
        let shown =
            doc.matches(of: /run: "([^"…]+)"/).map { String($0.output.1) }
            + doc.matches(of: /e\.g\. `((?:adopt-)?\d[^`]*)`/).map { String($0.output.1) }
        XCTAssertGreaterThanOrEqual(shown.count, 3, "\(shown)")
        for id in shown {
            XCTAssertTrue(
                shapes.contains { id.range(of: $0, options: .regularExpression) != nil }, "docs show run id \(id)")
        }
        let work = try GitWork.make()
        defer { work.remove() }
        XCTAssertEqual(try BatonProcess.run(["adopt", "--repo", work.path, "--zone-checker", "builtin"]).status, 0)
        let status = try BatonProcess.run(["status", "--repo", work.path, "--format", "json"])
        let applied = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["applied"]
                as? [String: Any])
        let run = try XCTUnwrap(applied["run"] as? String)
        XCTAssertNotNil(run.range(of: shapes[1], options: .regularExpression), run)
    }

    /// The README's exit codes hold for a path that is missing or not a repository (item 7).
    func testExitCodesOfMissingPathsAreAsTheREADMESays() throws {
        let readme = try XCTUnwrap(Self.documents.first { $0.name == "README.md" }).text
        let table = try XCTUnwrap(readme.components(separatedBy: "### Exit codes").dropFirst().first)
        let row = { (code: String) in
            table.components(separatedBy: "\n").first { $0.hasPrefix("| \(code) |") } ?? ""
        }
        let plain = try BatonProcess.repository(["x.txt": "x"])
        defer { try? FileManager.default.removeItem(at: plain) }
        for (arguments, command) in [
            (["plan", "--repo", "/nonexistent/baton"], "plan"), (["status", "--repo", plain.path], "status"),
            (["logs", "--repo", plain.path], "logs"), (["validate", "/nonexistent/baton"], "validate"),
            (["show", "/nonexistent/baton"], "show"),
        ] {
            let out = try BatonProcess.run(arguments)
            XCTAssertTrue(
                row(String(out.status)).contains("`\(command)`"),
                "\(arguments): exit \(out.status), which the README's exit codes do not give \(command)")
        }
        // Every command, given a path that does not exist: the exit codes and the CLI table's row say its status.
        let rows = try Self.tableRows()
        for (command, arguments) in FirstHourTests.stopsAtOnce where !["version", "help"].contains(command) {
            let out = try BatonProcess.run(arguments, environment: ["BATON_SSH_KEY": "/nonexistent"])
            let named = command.hasPrefix("monitor ") ? "monitor" : command
            XCTAssertTrue(
                row(String(out.status)).contains("`\(named)`"),
                "\(arguments): exit \(out.status), which the README's exit codes do not give \(named)")
            let tableRow = try XCTUnwrap(Self.row(for: arguments, in: rows), "\(arguments)")
            XCTAssertTrue(
                tableRow.exits.contains(out.status),
                "\(arguments): exit \(out.status), the CLI table says \(tableRow.exits.sorted())")
        }
    }
}
