/// Builds a POSIX shell script in which Baton's own code is literal and every value is quoted: values can only
/// enter through `value(_:)` arguments of `command`, or as file contents through `write`, which base64-encodes
/// them. There is no way to splice an unquoted string into the script.
public struct ScriptBuilder: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// One word of a command: Baton's literal code, or a value that is quoted. Code can only be written as a
    /// string literal in Baton's source: no run-time string becomes code.
    public struct Word: Sendable, ExpressibleByStringLiteral {
        enum Content: Sendable {
            case code(String)
            case value([UInt8])
        }

        let content: Content

        public init(stringLiteral text: StaticString) {
            content = .code(text.description)
        }

        init(checkedCode: String) {
            content = .code(checkedCode)
        }

        public static func value(_ text: String) -> Word { Word(content: .value(Array(text.utf8))) }
        /// A number as code: decimal digits cannot be anything else.
        public static func number(_ n: Int) -> Word { Word(content: .code(String(n))) }
        public static func value(bytes: [UInt8]) -> Word { Word(content: .value(bytes)) }

        private init(content: Content) {
            self.content = content
        }
    }

    /// `command("useradd", "-m", .value(name))`: code words as written, values quoted.
    public mutating func command(_ words: Word...) throws {
        try command(words)
    }

    public mutating func command(_ words: [Word]) throws {
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
    public mutating func assign(_ name: StaticString, _ value: String) throws {
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
    public mutating func code(_ line: StaticString) {
        bytes += line.description.utf8
        bytes.append(0x0A)
    }

    /// Writes `contents` to `path` atomically: base64 in a here-document whose terminator cannot occur in the
    /// encoded text (base64 has no `_`), decoded into a temporary file in the same folder, then renamed.
    public mutating func write(_ contents: [UInt8], to path: String, mode: String = "0644") throws {
        let temporary = Word.value(path + ".baton-tmp")
        // The umask stays inside the subshell: the rest of the script keeps its own.
        try command("(umask 077 && base64 -d >", temporary, ") <<'_BATON_EOF_'")
        let encoded = Base64.encode(contents)
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            bytes += encoded[start..<end]
            bytes.append(0x0A)
            start = end
        }
        code("_BATON_EOF_")
        try command("chmod", Word(checkedCode: Self.mode(mode)), temporary)
        try command("mv -f --", temporary, .value(path))
    }

    /// Modes are Baton's own constants, checked here so that none can carry anything but octal digits.
    static func mode(_ mode: String) -> String {
        precondition(!mode.isEmpty && mode.count <= 4 && mode.allSatisfy { ("0"..."7").contains($0) }, "mode \(mode)")
        return mode
    }

    /// Another builder's script, as is (it was built by the same rules).
    public mutating func append(_ other: ScriptBuilder) {
        bytes += other.bytes
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
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
