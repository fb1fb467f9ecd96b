/// Splits master-file text into tokens the way BIND's `isc_lex` does for zone files: `;` comments, parentheses
/// that join lines, quoted strings, backslash escapes kept in the token for the reader of the field, a token for
/// the whitespace that starts a line (the previous owner), and end-of-line tokens.
struct MasterLexer {
    struct Options: OptionSet {
        let rawValue: UInt8
        /// `"..."` is a quoted string; otherwise `"` is a special character.
        static let qstring = Options(rawValue: 1)
        /// Whitespace at the start of a line is a token of its own.
        static let initialWS = Options(rawValue: 2)
        /// `key=value` and `key="value"` are one token (SVCB parameters).
        static let qvpair = Options(rawValue: 4)
    }

    enum Kind: Equatable {
        case string, qstring, vpair, qvpair, eol, eof, initialWS, special
    }

    struct Token {
        var kind: Kind
        /// The text for strings (without quotes), as a range of the input or as its own copy.
        var start: Int
        var end: Int
        var owned: [UInt8]?
        var line: Int
        /// Where the lexer was before it read the token (whitespace included): `unget` goes back there, as
        /// BIND's `isc_lex_ungettoken` does.
        var before = Mark(pos: 0, line: 1, parenDepth: 0, lastWasEOL: true)

        var isEOLorEOF: Bool { kind == .eol || kind == .eof }
        var isText: Bool { kind == .string || kind == .qstring || kind == .vpair || kind == .qvpair }
    }

    /// Where the lexer is; `reset(to:)` goes back there (BIND's `isc_lex_ungettoken`).
    struct Mark {
        var pos: Int
        var line: Int
        var parenDepth: Int
        var lastWasEOL: Bool
    }

    let bytes: [UInt8]
    private(set) var pos: Int = 0
    private(set) var line: Int = 1
    private(set) var parenDepth = 0
    private var lastWasEOL = true
    /// The last read failed inside a quoted string (BIND then names no token in its message).
    private(set) var quoteError = false

    init(bytes: [UInt8], firstLine: Int = 1) {
        self.bytes = bytes
        self.line = firstLine
    }

    var mark: Mark { Mark(pos: pos, line: line, parenDepth: parenDepth, lastWasEOL: lastWasEOL) }

    mutating func reset(to m: Mark) {
        pos = m.pos
        line = m.line
        parenDepth = m.parenDepth
        lastWasEOL = m.lastWasEOL
    }

    var atEnd: Bool { pos >= bytes.count }

    func text(_ t: Token) -> ArraySlice<UInt8> {
        if let owned = t.owned { return owned[...] }
        return bytes[t.start..<t.end]
    }

    @inline(__always) static func isSpecial(_ c: UInt8) -> Bool {
        c == 0x28 || c == 0x29 || c == 0x22 || c == 0
    }

    mutating func next(_ options: Options = []) throws(BindResult) -> Token {
        let before = mark
        quoteError = false
        var t = try lex(options)
        t.before = before
        return t
    }

    /// Goes back to where the lexer was before it read `t`, so that it is read again.
    mutating func unget(_ t: Token) { reset(to: t.before) }

    private mutating func lex(_ options: Options) throws(BindResult) -> Token {
        let count = bytes.count
        while true {
            guard pos < count else {
                if parenDepth > 0 {
                    parenDepth = 0
                    throw .unbalanced
                }
                return Token(kind: .eof, start: pos, end: pos, line: line)
            }
            let c = bytes[pos]
            let inParens = parenDepth > 0
            switch c {
            case 0x3B:  // ;
                while pos < count, bytes[pos] != 0x0A { pos += 1 }
                continue
            case 0x20, 0x09:
                pos += 1
                if lastWasEOL && options.contains(.initialWS) && !inParens {
                    lastWasEOL = false
                    return Token(kind: .initialWS, start: pos - 1, end: pos, line: line)
                }
                continue
            case 0x0A:
                pos += 1
                line += 1
                lastWasEOL = true
                if !inParens { return Token(kind: .eol, start: pos - 1, end: pos, line: line - 1) }
                continue
            case 0x0D:
                pos += 1
                if !inParens {
                    if pos < count, bytes[pos] == 0x0A {
                        pos += 1
                        line += 1
                        lastWasEOL = true
                        return Token(kind: .eol, start: pos - 2, end: pos, line: line - 1)
                    }
                    lastWasEOL = true
                    return Token(kind: .eol, start: pos - 1, end: pos, line: line)
                }
                continue
            case 0x22 where options.contains(.qstring):
                lastWasEOL = false
                return try quoted(start: pos + 1, prefix: nil, kind: .qstring)
            case 0x28:
                lastWasEOL = false
                pos += 1
                parenDepth += 1
                continue
            case 0x29:
                lastWasEOL = false
                pos += 1
                if parenDepth == 0 { throw .unbalanced }
                parenDepth -= 1
                continue
            case 0x22, 0:
                lastWasEOL = false
                pos += 1
                return Token(kind: .special, start: pos - 1, end: pos, line: line)
            default:
                lastWasEOL = false
                return try string(options)
            }
        }
    }

    private mutating func string(_ options: Options) throws(BindResult) -> Token {
        let start = pos
        let startLine = line
        var escaped = false
        let count = bytes.count
        while pos < count {
            let c = bytes[pos]
            if !escaped && c == 0x3D && options.contains(.qvpair) {  // =
                pos += 1
                if pos < count, bytes[pos] == 0x22 {
                    return try quoted(start: pos + 1, prefix: Array(bytes[start..<pos]), kind: .qvpair, line: startLine)
                }
                return try vpairRest(start: start, line: startLine)
            }
            if c == 0x0A || c == 0x0D { break }
            if !escaped {
                if c == 0x20 || c == 0x09 || MasterLexer.isSpecial(c) { break }
                if c == 0x3B { break }  // a comment ends the token
            }
            escaped = !escaped && c == 0x5C
            pos += 1
        }
        if pos >= count && escaped { throw .unexpectedEnd }
        return Token(kind: .string, start: start, end: pos, line: startLine)
    }

    private mutating func vpairRest(start: Int, line startLine: Int) throws(BindResult) -> Token {
        var escaped = false
        let count = bytes.count
        while pos < count {
            let c = bytes[pos]
            if c == 0x0A || c == 0x0D { break }
            if !escaped && (c == 0x20 || c == 0x09 || MasterLexer.isSpecial(c) || c == 0x3B) { break }
            escaped = !escaped && c == 0x5C
            pos += 1
        }
        if pos >= count && escaped { throw .unexpectedEnd }
        return Token(kind: .vpair, start: start, end: pos, line: startLine)
    }

    /// A quoted string starting after its `"`: `\"` loses its backslash, other escapes stay for the reader.
    private mutating func quoted(start: Int, prefix: [UInt8]?, kind: Kind, line startLine: Int? = nil)
        throws(BindResult) -> Token
    {
        let tokenLine = startLine ?? line
        pos = start
        var escaped = false
        var owned: [UInt8]? = prefix
        let count = bytes.count
        while true {
            guard pos < count else {
                quoteError = true
                throw .unexpectedEnd
            }
            let c = bytes[pos]
            if c == 0x22 {
                if escaped {
                    // Overwrite the backslash with the quote.
                    if owned == nil { owned = Array(bytes[start..<(pos - 1)]) } else { owned!.removeLast() }
                    owned!.append(0x22)
                    escaped = false
                    pos += 1
                    continue
                }
                let end = pos
                pos += 1
                if let owned { return Token(kind: kind, start: start, end: end, owned: owned, line: tokenLine) }
                return Token(kind: kind, start: start, end: end, line: tokenLine)
            }
            if c == 0x0A {
                if !escaped {
                    quoteError = true
                    throw .unbalancedQuotes
                }
                line += 1
            }
            escaped = c == 0x5C && !escaped
            if owned != nil {
                owned!.append(c)
            } else if prefix != nil {
                owned = [c]
            }
            pos += 1
        }
    }

    /// Reads to the end of the current line (or record, across parentheses); stops at a lexer error.
    /// Returns false when it hit one.
    @discardableResult
    mutating func skipToEOL() -> Bool {
        while true {
            do throws(BindResult) {
                let t = try next()
                if t.isEOLorEOF { return true }
            } catch {
                return false
            }
        }
    }
}
