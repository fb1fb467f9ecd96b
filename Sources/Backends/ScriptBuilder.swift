/// Builds a POSIX shell script in which Baton's own code is literal and every value is quoted: values can only
/// enter through `value(_:)` arguments of `command`, or as file contents through `write`, which base64-encodes
/// them. There is no way to splice an unquoted string into the script.
package struct ScriptBuilder: Sendable {
    package private(set) var bytes: [UInt8] = []
    /// Whether this script stages a file whose test runs later (`stage`).
    package private(set) var stagesFiles = false

    package init() {}

    /// A path or daemon name that the staged list of a run cannot hold (see `ScriptBuilder.stage`).
    package struct Unstageable: Error, CustomStringConvertible {
        var text: String
        package var description: String { "cannot stage \(text.debugDescription): not a plain name or path" }
    }

    /// One word of a command: Baton's literal code, or a value that is quoted. Code can only be written as a
    /// string literal in Baton's source: no run-time string becomes code.
    package struct Word: Sendable, ExpressibleByStringLiteral {
        enum Content: Sendable {
            case code(String)
            case value([UInt8])
        }

        let content: Content

        package init(stringLiteral text: StaticString) {
            content = .code(text.description)
        }

        init(checkedCode: String) {
            content = .code(checkedCode)
        }

        package static func value(_ text: String) -> Word { Word(content: .value(Array(text.utf8))) }
        /// A number as code: decimal digits cannot be anything else.
        package static func number(_ n: Int) -> Word { Word(content: .code(String(n))) }
        package static func value(bytes: [UInt8]) -> Word { Word(content: .value(bytes)) }

        private init(content: Content) {
            self.content = content
        }
    }

    /// `command("useradd", "-m", .value(name))`: code words as written, values quoted.
    package mutating func command(_ words: Word...) throws {
        try command(words)
    }

    package mutating func command(_ words: [Word]) throws {
        for (i, word) in words.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: " ")) }
            switch word.content {
            case .code(let text): bytes += text.utf8
            case .value(let raw): bytes += try ShellQuote.quote(raw)
            }
        }
        bytes.append(0x0A)
    }

    /// `name='value'`: a shell variable that Baton's literal code then uses quoted (`"$name"`).
    package mutating func assign(_ name: StaticString, _ value: String) throws {
        let variable = name.description
        precondition(
            variable.first.map { $0 == "_" || $0.isLetter } == true
                && variable.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }, "variable")
        bytes += variable.utf8
        bytes.append(UInt8(ascii: "="))
        bytes += try ShellQuote.quote(Array(value.utf8))
        bytes.append(0x0A)
    }

    /// A line of Baton's own shell code (control flow, functions), with no value in it.
    package mutating func code(_ line: StaticString) {
        bytes += line.description.utf8
        bytes.append(0x0A)
    }

    /// Writes `contents` to `path` atomically: decoded into a temporary file in the same folder, then renamed
    /// by `renamer` (`baton_mv` in a run script: the run's helper renames it).
    package mutating func write(
        _ contents: [UInt8], to path: String, mode: String = "0644", renamer: Word = "mv -f --"
    ) throws {
        try decode(contents, into: Self.temporary(path), mode: mode)
        try command(renamer, .value(Self.temporary(path)), .value(path))
    }

    /// Writes `contents` straight to `path`, a file nothing reads until Baton moves it in place (a zone checked
    /// before it replaces the live one): no rename needed.
    package mutating func writeScratch(_ contents: [UInt8], to path: String, mode: String = "0644") throws {
        try decode(contents, into: path, mode: mode)
    }

    /// Installs `contents` as `target` now; `daemon -t` tests the daemon's whole configuration later, once for
    /// the run, and the old file is put back if it rejects this one (StagedChecks). Only in an operation of a
    /// run script.
    package mutating func stage(_ contents: [UInt8], as target: String, mode: String = "0644", testedBy daemon: String)
        throws
    {
        try Self.checkStageable(target, daemon)
        try decode(contents, into: Self.temporary(target), mode: mode)
        try command("baton_stage", .value(Self.temporary(target)), .value(target), .value(daemon))
        stagesFiles = true
    }

    /// Installs a copy of `source` as `target` (mode 0600), staged as `stage` does, reading `source` with the
    /// rights of `user` alone: for a file a user keeps that a root daemon needs (a certificate in a home), so
    /// that a link the user planted leads only where the user could read anyway.
    package mutating func stageCopy(
        of source: String, readAs user: String, group: String, as target: String, testedBy daemon: String
    ) throws {
        try Self.checkStageable(target, daemon)
        let temporary = Self.temporary(target)
        try command(
            "if ! (umask 077 && rm -f --", .value(temporary), "&& baton_as", .value(user), .value(group), "cat --",
            .value(source), ">", .value(temporary), "); then echo",
            .value("baton: \(user) cannot read \(source)"), ">&2; exit 1; fi")
        try command("baton_stage", .value(temporary), .value(target), .value(daemon))
        stagesFiles = true
    }

    /// Removes `target` the staged way: kept aside and put back, like a staged file, when the daemon's test
    /// rejects the operation's files, so that a rejected move or rename leaves the old configuration in place.
    package mutating func stageRemoval(of target: String, testedBy daemon: String) throws {
        try Self.checkStageable(target, daemon)
        try command("baton_stage_rm", .value(target), .value(daemon))
        stagesFiles = true
    }

    /// Where a file is written before it is renamed into place: beside it, under a hidden name, because the
    /// daemons read whole folders by pattern (nginx `sites-enabled/*`, php-fpm `*.conf`), and glob patterns skip
    /// hidden names: a temporary file left by a killed run is never read as configuration.
    static func temporary(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." + path + ".baton-tmp" }
        return String(path[...slash]) + "." + path[path.index(after: slash)...] + ".baton-tmp"
    }

    static func checkStageable(_ target: String, _ daemon: String) throws {
        guard daemon.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._/-".contains($0)) }),
            !daemon.isEmpty
        else { throw Unstageable(text: daemon) }
        // The staged list holds one file a line, the path last: a control character or an edge space would
        // change it.
        guard !target.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }),
            target.first != " ", target.last != " "
        else { throw Unstageable(text: target) }
    }

    /// `command(words)` with `contents` on its stdin, base64 in a here-document (for a function that decodes
    /// it, such as `baton_home`).
    package mutating func command(_ words: [Word], stdin contents: [UInt8]) throws {
        try command(words + ["<<'_BATON_EOF_'"])
        hereDocument(contents)
    }

    /// The file is created with its mode (the umask is set for it, then put back to the run script's 022), so it
    /// is never readable by more than its mode allows, without a `chmod`; a file left by a killed run is removed
    /// first, since writing into it would keep its old mode. Contents without a NUL byte are one quoted word
    /// written by the shell's own `printf` (no process: a first apply writes a thousand files); the others travel
    /// as base64 in a here-document, decoded by `base64`.
    private mutating func decode(_ contents: [UInt8], into path: String, mode: String) throws {
        let file = Word.value(path)
        try command("[ ! -e", file, "] || rm -f --", file)
        try command("umask", Word(checkedCode: Self.umask(for: mode)))
        try contentWords(contents, into: file)
        code("umask 022")
    }

    /// `printf '%s' 'CONTENTS' > FILE` when a shell word can carry the contents (no NUL, and short enough for the
    /// shell to hold at ease), else `base64 -d > FILE` and a here-document.
    private mutating func contentWords(_ contents: [UInt8], into file: Word) throws {
        if Self.fitsAWord(contents) {
            try command("printf '%s'", .value(bytes: contents), ">", file)
        } else {
            try command("base64 -d >", file, "<<'_BATON_EOF_'")
            hereDocument(contents)
        }
    }

    /// Whether `contents` can travel as one quoted word: no NUL (no shell word holds one), and at most 64 KiB, so
    /// that a file never costs the shell more than a here-document would.
    static func fitsAWord(_ contents: [UInt8]) -> Bool {
        contents.count <= 65_536 && !contents.contains(0)
    }

    /// The body of a `<<'_BATON_EOF_'` here-document: `contents` in base64, which has no `_`, then the terminator.
    private mutating func hereDocument(_ contents: [UInt8]) {
        let encoded = Base64.encode(contents)
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            bytes += encoded[start..<end]
            bytes.append(0x0A)
            start = end
        }
        code("_BATON_EOF_")
    }

    /// Modes are Baton's own constants, checked here so that none can carry anything but octal digits.
    static func mode(_ mode: String) -> String {
        precondition(!mode.isEmpty && mode.count <= 4 && mode.allSatisfy { ("0"..."7").contains($0) }, "mode \(mode)")
        return mode
    }

    /// The umask that creates a file with `mode` (files only: no execute bits, nothing beyond 0666).
    static func umask(for mode: String) -> String {
        guard let bits = Int(Self.mode(mode), radix: 8), bits & 0o7111 == 0 else {
            preconditionFailure("not a file mode: \(mode)")
        }
        return "0" + String(0o777 & ~bits, radix: 8)
    }

    /// Another builder's script, as is (it was built by the same rules).
    package mutating func append(_ other: ScriptBuilder) {
        bytes += other.bytes
        stagesFiles = stagesFiles || other.stagesFiles
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }
}

enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < data.count {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            out += [
                alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)],
            ]
            i += 3
        }
        let rest = data.count - i
        if rest == 1 {
            let n = UInt32(data[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return out
    }
}
