import Planning

/// The server's own record of a run: a file per run in root's folder on the server (`/var/lib/baton/journal`,
/// 0700), written by the run script itself. First a header the client rendered (the run, its revision, every
/// operation with the applied form it leads to, every zone's content hash), then every marker line the run
/// printed, appended before it is printed, and each zone's serial as written. A client killed after the
/// server's work, or a status branch that cannot be written, loses nothing: the next run on the server reads
/// the journal before it plans, and records a run that no status commit holds as recovered.
package enum ServerJournal {
    static let format = "baton-journal 1"
    static let begin = "begin"

    /// One operation as the status branch records it (`StatusRecord` needs no more).
    package struct Operation: Sendable, Hashable {
        package var action: Action
        package var resource: ResourceID
        package var account: String
        /// The hash of the applied form after the change; nil for a delete.
        package var hash: String?
        /// For a move: the name and account it had.
        package var from: Change.Origin?

        package init(action: Action, resource: ResourceID, account: String, hash: String?, from: Change.Origin?) {
            self.action = action
            self.resource = resource
            self.account = account
            self.hash = hash
            self.from = from
        }

        package init(_ change: Change) {
            self.init(
                action: change.action, resource: change.id, account: change.account, hash: change.hash,
                from: change.from)
        }
    }

    package struct Header: Sendable, Hashable {
        package var run: String
        package var revision: String
        package var server: String
        package var time: String
        package var nonce: String
        package var operations: [Operation]
        /// Origin to the hash of the zone's content, for the zones this run writes as their primary.
        package var zones: [String: String]

        package init(
            run: String, revision: String, server: String, time: String, nonce: String, operations: [Operation],
            zones: [String: String]
        ) {
            self.run = run
            self.revision = revision
            self.server = server
            self.time = time
            self.nonce = nonce
            self.operations = operations
            self.zones = zones
        }

        /// One field a line: every value is a single word (names, hashes, ids are checked here, so that no
        /// value can add a line or shift a field).
        package func text() throws -> String {
            var lines = [
                ServerJournal.format, "run \(try word(run))", "revision \(try word(revision))",
                "server \(try word(server))", "time \(try word(time))", "nonce \(try word(nonce))",
            ]
            for (index, op) in operations.enumerated() {
                let words = [
                    "op", String(index), op.action.rawValue, op.resource.description, op.account, op.hash ?? "-",
                    op.from?.name ?? "-", op.from?.account ?? "-",
                ]
                lines.append(try words.map(word).joined(separator: " "))
            }
            for origin in zones.keys.sorted() {
                lines.append("zone \(try word(origin)) \(try word(zones[origin]!))")
            }
            lines.append(ServerJournal.begin)
            return lines.joined(separator: "\n") + "\n"
        }

        func word(_ value: String) throws -> String {
            guard !value.isEmpty, value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
                throw BackendError(description: "the server's journal cannot hold '\(value)' as one field")
            }
            return value
        }
    }

    /// What a run script does with the journal: its own file in `folder`, and the files of earlier runs that
    /// the client has recorded (`forget`) removed.
    package struct Writing: Sendable {
        package var folder: String
        package var header: Header
        package var forget: [String]

        package init(folder: String, header: Header, forget: [String] = []) {
            self.folder = folder
            self.header = header
            self.forget = forget
        }

        func render(into script: inout ScriptBuilder) throws {
            for name in [header.run] + forget { try ServerJournal.checkName(name) }
            try script.assign("baton_journals", folder)
            script.code("mkdir -p -m 0700 -- \"$baton_journals\" && baton_safe_path \"$baton_journals\" || exit 1")
            if !forget.isEmpty {
                try script.command(["rm -f --"] + forget.map { .value(folder + "/" + $0) })
            }
            let path = folder + "/" + header.run
            try script.writeScratch(Array(try header.text().utf8), to: path, mode: "0600")
            try script.assign("baton_journal", path)
        }
    }

    /// A run id is a file name in the journal folder.
    static func checkName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 100,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { throw BackendError(description: "'\(name)' cannot name a journal file") }
    }

    /// A journal read back.
    package struct Entry: Sendable {
        package var header: Header
        /// What the markers say, as for a run that the client watched to its end or to a lost connection.
        package var report: RunReport
        /// Each zone's serial as the run wrote it.
        package var serials: [String: UInt32]
        /// The whole file, for the recovered run's log.
        package var text: String
    }

    package struct Unreadable: Error, CustomStringConvertible {
        package var description: String
    }

    package static func parse(_ text: String) throws -> Entry {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(format) else {
            throw Unreadable(description: "not a Baton journal (no '\(format)' line)")
        }
        var fields: [String: String] = [:]
        var operations: [Operation] = []
        var zones: [String: String] = [:]
        var index = 1
        while index < lines.count, lines[index] != Substring(begin) {
            let words = lines[index].split(separator: " ").map(String.init)
            index += 1
            guard let key = words.first else { continue }
            switch key {
            case "op":
                guard words.count == 8, Int(words[1]) == operations.count, let action = Action(rawValue: words[2]),
                    let id = ResourceID(parsing: words[3])
                else { throw Unreadable(description: "a bad operation line: \(words.joined(separator: " "))") }
                let from = words[6] == "-" ? nil : Change.Origin(name: words[6], account: words[7])
                operations.append(
                    Operation(
                        action: action, resource: id, account: words[4], hash: words[5] == "-" ? nil : words[5],
                        from: from))
            case "zone" where words.count == 3: zones[words[1]] = words[2]
            default: if words.count == 2 { fields[key] = words[1] }
            }
        }
        guard index < lines.count else { throw Unreadable(description: "the header has no end") }
        guard let run = fields["run"], let revision = fields["revision"], let server = fields["server"],
            let time = fields["time"], let nonce = fields["nonce"]
        else { throw Unreadable(description: "the header lacks run, revision, server, time or nonce") }
        // The run id names files on the status branch: only what Baton itself makes.
        do { try checkName(run) } catch { throw Unreadable(description: "a bad run id") }
        let header = Header(
            run: run, revision: revision, server: server, time: time, nonce: nonce, operations: operations,
            zones: zones)
        let markers = lines[(index + 1)...].joined(separator: "\n")
        let report = RunReport.parse(
            stdout: Array(markers.utf8), nonce: nonce, count: operations.count, timedOut: false)
        return Entry(
            header: header, report: report, serials: RunReport.serials(Array(markers.utf8), nonce: nonce), text: text)
    }

    /// A script that prints every journal in `folder`, each after a line `@@JOURNAL <tag> <name>`, and then
    /// `@@JOURNAL-END <tag>` on a line of its own: taken while holding the server's run lock, so that no run is
    /// writing one. Each marker comes after a newline of its own: a journal cut short without its last newline
    /// would otherwise swallow the next one's marker.
    package static func readScript(folder: String, runs: String, tag: String) throws -> ScriptBuilder {
        precondition(!tag.isEmpty && tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "tag")
        var s = ScriptBuilder()
        try s.assign("baton_journals", folder)
        try s.assign("baton_runs", runs)
        try s.assign("baton_end", "@@JOURNAL-END \(tag)")
        s.code("[ -d \"$baton_journals\" ] || { printf '\\n%s\\n' \"$baton_end\"; exit 0; }")
        s.code(
            "exec 9> \"$baton_runs/lock\" && flock -w 30 9 || { echo 'baton: another Baton run holds this server' >&2; exit 1; }"
        )
        try s.command(
            "for baton_f in \"$baton_journals\"/*; do [ -f \"$baton_f\" ] || continue; printf '\\n%s %s\\n'",
            .value("@@JOURNAL \(tag)"), "\"${baton_f##*/}\"; cat -- \"$baton_f\"; done")
        s.code("printf '\\n%s\\n' \"$baton_end\"")
        return s
    }

    /// The journals in the output of `readScript`, by file name; nil when the output stops before its end
    /// marker (a timeout, a broken connection): a listing cut short would leave journals out, or cut one.
    package static func split(_ output: [UInt8], tag: String) -> [(name: String, text: String)]? {
        var found: [(name: String, text: String)] = []
        let marker = "@@JOURNAL \(tag) "
        let end = "@@JOURNAL-END \(tag)"
        var previous: Substring?
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line == end {
                // The newline printed before the marker, in case the last journal did not end with one.
                if previous == "", !found.isEmpty { found[found.count - 1].text.removeLast() }
                return found
            }
            if line.hasPrefix(marker) {
                // The newline printed before the marker, as before the end marker.
                if previous == "", !found.isEmpty { found[found.count - 1].text.removeLast() }
                found.append((String(line.dropFirst(marker.count)), ""))
            } else if !found.isEmpty {
                found[found.count - 1].text += line + "\n"
            }
            previous = line
        }
        return nil
    }
}
