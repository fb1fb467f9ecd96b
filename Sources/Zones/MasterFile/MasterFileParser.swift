import Foundation

/// Reads BIND master files (RFC 1035 §5 with BIND's extensions) the way `named-checkzone` 9.18 loads them:
/// `$ORIGIN`, `$TTL`, `$INCLUDE`, `$GENERATE`, parentheses, comments, quoted strings and escapes, `@`, blank
/// owners, TTL and class in either order, RFC 3597 `\# len hex` data, and the RDATA of every type BIND knows.
///
/// The result is the records (owner lower-cased, RDATA in canonical wire form) and BIND's load-time messages,
/// worded as BIND words them. The zone-level checks (SOA, NS, CNAME and other data, glue...) are
/// `BuiltinZoneChecker`'s.
package struct MasterFileParser: Sendable {
    package struct Options: Sendable, Hashable {
        /// `-k`: host-name rules for owners (A, AAAA, MX...) and targets (NS, MX, SRV...).
        package var checkNames: ZoneCheckOptions.Mode = .warn
        /// `-m`: an MX target written as an address.
        package var mxAddress: ZoneCheckOptions.Mode = .warn
        /// `-n`: an NS target written as an address.
        package var nsAddress: ZoneCheckOptions.Mode = .warn
        /// `-W`: warn about `*` labels that are not the first label.
        package var wildcard: ZoneCheckOptions.Mode = .warn
        /// `-l`: the largest TTL a record may have.
        package var maxTTL: UInt32?
        /// Where relative `$INCLUDE` paths start; nil for the current directory, as BIND does.
        package var baseDirectory: String?
        /// When set, `$INCLUDE` may only read files inside this directory.
        package var includeRoot: String?
        /// The time that RRSIG expiry is compared with (seconds since 1970); nil for now.
        package var now: UInt32?
        /// The most bytes the zone file and its includes may hold together.
        package var readLimit = ZoneFileLoader.maxFileSize

        package init() {}

        package init(_ check: ZoneCheckOptions) {
            checkNames = check.checkNames
            mxAddress = check.mxAddress
            nsAddress = check.nsAddress
            wildcard = check.wildcard
            maxTTL = check.maxTTL
        }
    }

    package struct Result: Sendable {
        package var records: [ZoneRecord]
        package var messages: [ZoneMessage]
        /// False when a load-time error means BIND would not load the zone.
        package var loaded: Bool { !messages.contains { $0.severity == .error } }
    }

    package var origin: DNSName
    package var options: Options

    package init(origin: DNSName, options: Options = Options()) {
        self.origin = origin
        self.options = options
    }

    /// Parses the file at `path` (relative paths from `options.baseDirectory`, else the current directory);
    /// messages name the file as `path` is written.
    package func parse(path: String) -> Result {
        let loader = ZoneFileLoader(zone: origin, options: options)
        loader.loadFile(path: path)
        return Result(records: loader.records, messages: loader.messages)
    }

    /// Parses zone text held in memory; messages name it `fileName`.
    package func parse(text: String, fileName: String) -> Result {
        parse(bytes: Array(text.utf8), fileName: fileName)
    }

    package func parse(bytes: [UInt8], fileName: String) -> Result {
        let loader = ZoneFileLoader(zone: origin, options: options)
        loader.load(bytes: bytes, fileName: fileName)
        return Result(records: loader.records, messages: loader.messages)
    }
}

/// The loader behind `MasterFileParser`: BIND's `load_text` with its include stack.
final class ZoneFileLoader {
    struct Context {
        var lex: MasterLexer
        var file: String
        var realPath: String?
        var origin: DNSName
        var current: DNSName?
        /// BIND's glue state: an owner that is a name server of the current owner's NS records does not become
        /// the current owner (blank owners after it still take it).
        var glue: DNSName?
        var hasDelegation = false
        var nsTargets: Set<DNSName> = []
        var originChanged = false
        var drop = false

        /// `owner`, lower-cased.
        var ownerLower: DNSName?

        var owner: DNSName? { glue ?? current }
    }

    /// BIND's effective limit: its process's open files (the soft `RLIMIT_NOFILE`).
    static let maxIncludeDepth: Int = {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else {
            return 1 << 20
        }
        return Int(min(limit.rlim_cur, 1 << 20))
    }()
    static let maxRecords = 5_000_000
    static let maxFileSize = 512 * 1024 * 1024

    let zone: DNSName
    var options: ZoneFileOptions
    let rawOptions: MasterFileParser.Options

    var ctx: Context
    var stack: [Context] = []
    /// The real paths of the files being read (the top file and its open includes), for loops.
    var openPaths = Set<String>()

    var records: [ZoneRecord] = []
    var messages: [ZoneMessage] = []
    /// Reading a `$GENERATE` line's right-hand side, from a lexer over that text alone, not the file.
    var generating = false
    var stopped = false

    // TTL state, shared across includes as in BIND.
    var ttl: UInt32 = 0
    var ttlKnown = false
    var defaultTTL: UInt32 = 0
    var defaultTTLKnown = false
    var warn1035 = true
    var warnSigExpired = true
    var warnTCR = true
    var dateSeen = false
    let now: UInt32

    // The current owner block: the TTL of each (type, covers) seen in it.
    var blockOwner: [UInt8] = []
    var blockTTLs: [UInt32: UInt32] = [:]

    // RDATA being built.
    var out: [UInt8] = []
    var nameRanges: [Range<Int>] = []

    init(zone: DNSName, options: MasterFileParser.Options) {
        self.zone = zone.lowercased()
        self.rawOptions = options
        self.readBudget = options.readLimit
        self.options = ZoneFileOptions(options)
        self.now = options.now ?? UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970))
        self.ctx = Context(lex: MasterLexer(bytes: []), file: "", origin: zone)
        out.reserveCapacity(512)
    }

    // MARK: - Messages

    /// The record being read, which messages without an owner and type of their own are about.
    var recordOwner: DNSName?
    var recordType: UInt16?

    func error(_ text: String, line: Int? = nil, file: String? = nil, owner: DNSName? = nil, type: UInt16? = nil) {
        messages.append(
            ZoneMessage(
                .error, file: file ?? ctx.file, line: line ?? ctx.lex.line,
                owner: (owner ?? recordOwner).map { $0.lowercased().description },
                type: (type ?? recordType).map(RRType.name), text: text))
    }

    /// BIND's `WARNUNEXPECTEDEOF`: `FILE:LINE: file does not end with newline` after a record, `FILE: ...` (no
    /// line) after a directive or a line of blanks, as named-checkzone prints them.
    func missingNewline(line: Int?) {
        messages.append(ZoneMessage(.warning, file: ctx.file, line: line, text: "file does not end with newline"))
    }

    func warning(_ text: String, line: Int? = nil, owner: DNSName? = nil, type: UInt16? = nil) {
        messages.append(
            ZoneMessage(
                .warning, file: ctx.file, line: line ?? ctx.lex.line,
                owner: (owner ?? recordOwner).map { $0.lowercased().description },
                type: (type ?? recordType).map(RRType.name), text: text))
    }

    // MARK: - Files

    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if let base = rawOptions.baseDirectory, !base.isEmpty {
            return base.hasSuffix("/") ? base + path : base + "/" + path
        }
        return path
    }

    enum ReadFailure: Error { case notFound, notAFile, special, tooLarge, outside }

    /// Bytes left to read across the zone file and everything it includes: no input, however it is made
    /// (a large file, a pipe, an include chain), makes the loader read more than `maxFileSize` in all.
    var readBudget: Int

    /// Regular files and pipes (`/dev/stdin`) are zone input; a device, a socket or a folder is refused before a
    /// byte is read (`/dev/zero` would otherwise be read until the budget ran out).
    func read(_ path: String, include: Bool = false) -> Swift.Result<(bytes: [UInt8], real: String), ReadFailure> {
        let full = resolve(path)
        var st = stat()
        guard stat(full, &st) == 0 else { return .failure(.notFound) }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR { return .failure(.notAFile) }
        if kind != S_IFREG && kind != S_IFIFO && !ZoneFileLoader.isNullDevice(st) { return .failure(.special) }
        guard Int(st.st_size) <= readBudget else { return .failure(.tooLarge) }
        let real =
            realpath(full, nil).map { p -> String in
                defer { free(p) }
                return String(cString: p)
            } ?? full
        if let root = rawOptions.includeRoot, include {
            let rootReal =
                realpath(root, nil).map { p -> String in
                    defer { free(p) }
                    return String(cString: p)
                } ?? root
            if !(real == rootReal || real.hasPrefix(rootReal.hasSuffix("/") ? rootReal : rootReal + "/")) {
                return .failure(.outside)
            }
        }
        // A pipe is opened as BIND opens it (waiting for its writer); anything else without blocking, in case a
        // device took the file's place since the stat.
        let fd = open(full, O_RDONLY | O_CLOEXEC | (kind == S_IFIFO ? 0 : O_NONBLOCK))
        guard fd >= 0 else { return .failure(.notFound) }
        defer { close(fd) }
        // The file may have been swapped for a device between stat and open.
        var opened = stat()
        guard fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == kind,
            kind != S_IFCHR || ZoneFileLoader.isNullDevice(opened)
        else { return .failure(.special) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(opened.st_size))
        var chunk = [UInt8](repeating: 0, count: 65536)
        // Read to the end (a file may grow while read, a pipe has no size), never past the budget.
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if bytes.count + n > readBudget { return .failure(.tooLarge) }
            bytes.append(contentsOf: chunk[0..<n])
        }
        readBudget -= bytes.count
        return .success((bytes, real))
    }

    /// `/dev/null` (under any name): an empty file to BIND, and read as one here.
    static func isNullDevice(_ st: stat) -> Bool {
        guard (st.st_mode & S_IFMT) == S_IFCHR else { return false }
        var null = stat()
        return stat("/dev/null", &null) == 0 && (null.st_mode & S_IFMT) == S_IFCHR && null.st_rdev == st.st_rdev
    }

    func loadFile(path: String) {
        switch read(path) {
        case .success(let file):
            ctx = Context(lex: MasterLexer(bytes: file.bytes), file: path, realPath: file.real, origin: zone)
            openPaths.insert(file.real)
            run()
        case .failure(let f):
            ctx = Context(lex: MasterLexer(bytes: []), file: path, origin: zone)
            switch f {
            case .notAFile:
                error("isc_lex_gettoken() failed: not a file", line: 1)
            case .special:
                messages.append(ZoneMessage(.error, file: path, text: "\(path): not a regular file"))
            case .tooLarge:
                error("file too large (more than \(rawOptions.readLimit) bytes with its includes)", line: 1)
            default:
                messages.append(ZoneMessage(.error, file: path, text: "\(path): file not found"))
            }
        }
    }

    func load(bytes: [UInt8], fileName: String) {
        ctx = Context(lex: MasterLexer(bytes: bytes), file: fileName, origin: zone)
        run()
    }

    /// `$INCLUDE`: BIND reads the file with the including file's origin (or the one given) and current owner.
    func pushInclude(_ path: String, origin: DNSName, line: Int, originChanged: Bool) {
        // BIND holds every file of the chain open, so its depth ends where the process's open files do.
        if stack.count + 1 >= ZoneFileLoader.maxIncludeDepth {
            error("\(path): too many open files", line: line)
            return
        }
        switch read(path, include: true) {
        case .success(let file):
            if openPaths.contains(file.real) {
                error("\(path): $INCLUDE loop", line: line)
                return
            }
            openPaths.insert(file.real)
            var child = Context(lex: MasterLexer(bytes: file.bytes), file: path, realPath: file.real, origin: origin)
            child.current = ctx.owner
            child.ownerLower = ctx.ownerLower
            child.drop = ctx.drop
            child.originChanged = originChanged
            stack.append(ctx)
            ctx = child
        case .failure(.notAFile):
            messages.append(
                ZoneMessage(.error, file: path, line: 1, text: "isc_lex_gettoken() failed: not a file"))
        case .failure(.outside):
            error("\(path): $INCLUDE outside the zone's folder", line: line)
        case .failure(.special):
            error("\(path): not a regular file", line: line)
        case .failure(.tooLarge):
            error(
                "\(path): file too large (more than \(ZoneFileLoader.maxFileSize >> 20) MiB with its includes)",
                line: line)
        case .failure(.notFound):
            error("\(path): file not found", line: line)
        }
    }

    // MARK: - The loop

    @inline(__always) func tokenText(_ t: MasterLexer.Token) -> ArraySlice<UInt8> { ctx.lex.text(t) }

    static func string(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }

    /// Skips the rest of the line, reporting a lexer failure the way BIND's read-till-eol does.
    func skipLine() {
        while true {
            do throws(BindResult) {
                let t = try ctx.lex.next([.qstring])
                if t.isEOLorEOF {
                    if t.kind == .eof { ctx.lex.unget(t) }
                    return
                }
            } catch {
                self.error("isc_lex_gettoken() failed: \(error.text)")
            }
        }
    }

    /// A token that must be on this line (BIND's `GETTOKEN(..., false)`); reports and returns nil otherwise.
    func requiredToken(_ opts: MasterLexer.Options = []) -> MasterLexer.Token? {
        do throws(BindResult) {
            let t = try ctx.lex.next(opts)
            switch t.kind {
            case .eol:
                error("unexpected end of line", line: t.line)
                return nil
            case .eof:
                error("unexpected end of input", line: t.line)
                ctx.lex.unget(t)
                return nil
            case .special:
                error("syntax error", line: t.line)
                skipLine()
                return nil
            default:
                return t
            }
        } catch {
            self.error("isc_lex_gettoken() failed: \(error.text)")
            skipLine()
            return nil
        }
    }

    /// BIND's `EXPECTEOL` after a directive.
    func expectEOL() {
        do throws(BindResult) {
            let t = try ctx.lex.next()
            if t.kind == .eol { return }
            if t.kind == .eof {
                // BIND wants the directive's line ended: at the very end of a file without a newline the end
                // of input is extra text to it, and the zone does not load.
                error("extra input text", line: t.line)
                missingNewline(line: nil)
                ctx.lex.unget(t)
                return
            }
            error("extra input text", line: t.line)
            skipLine()
        } catch {
            self.error("isc_lex_gettoken() failed: \(error.text)")
            skipLine()
        }
    }

    func run() {
        while !stopped {
            let tok: MasterLexer.Token
            do throws(BindResult) {
                tok = try ctx.lex.next([.initialWS, .qstring])
            } catch {
                self.error("isc_lex_gettoken() failed: \(error.text)")
                skipLine()
                continue
            }
            switch tok.kind {
            case .eof:
                if let parent = stack.popLast() {
                    if let real = ctx.realPath { openPaths.remove(real) }
                    endBlock()
                    ctx = parent
                    continue
                }
                return
            case .eol:
                continue
            case .initialWS:
                record(inherited: true, line: tok.line)
            case .special:
                error("syntax error", line: tok.line)
                skipLine()
            default:
                let text = tokenText(tok)
                if text.first == UInt8(ascii: "$"), directive(text, line: tok.line) { continue }
                ownerLine(text, line: tok.line)
            }
        }
    }

    func endBlock() {
        blockOwner = []
        blockTTLs.removeAll(keepingCapacity: true)
    }

    /// A line that starts with an owner name.
    func ownerLine(_ text: ArraySlice<UInt8>, line: Int) {
        let name: DNSName
        switch DNSName.parse(text, origin: ctx.origin) {
        case .success(let n): name = n
        case .failure(let e):
            error(e.result.text, line: line)
            skipLine()
            return
        }
        if let g = ctx.glue, g.wire != name.wire {
            ctx.glue = nil
            ctx.ownerLower = ctx.current?.lowercased()
            endBlock()
        }
        var lower = ctx.ownerLower ?? name
        if ctx.glue == nil && (ctx.current == nil || ctx.current!.wire != name.wire) {
            endBlock()
            lower = name.lowercased()
            if ctx.hasDelegation && ctx.nsTargets.contains(lower) {
                ctx.glue = name
            } else {
                ctx.current = name
                ctx.hasDelegation = false
                ctx.nsTargets.removeAll()
            }
            ctx.ownerLower = lower
            if options.checkWildcard && name.hasInternalWildcard {
                warning("warning: ownername '\(name)' contains an non-terminal wildcard", line: line)
            }
        }
        if !lower.isSubdomain(of: zone) {
            warning("ignoring out-of-zone data (\(name))", line: line)
            ctx.drop = true
        } else {
            ctx.drop = false
        }
        record(inherited: false, line: line)
    }

    // MARK: - Directives

    static func matches(_ text: ArraySlice<UInt8>, _ word: StaticString) -> Bool {
        guard text.count == word.utf8CodeUnitCount else { return false }
        let p = word.utf8Start
        var k = 0
        for c in text {
            if c | 0x20 != p[k] | 0x20 { return false }
            k += 1
        }
        return true
    }

    /// Handles `$ORIGIN`, `$TTL`, `$INCLUDE`, `$GENERATE` and `$DATE`; returns false for an unknown directive after
    /// reporting it (BIND then reads the word as an owner name).
    func directive(_ text: ArraySlice<UInt8>, line: Int) -> Bool {
        if ZoneFileLoader.matches(text, "$ORIGIN") {
            guard let t = requiredToken() else { return true }
            switch DNSName.parse(tokenText(t), origin: ctx.origin) {
            case .success(let n):
                ctx.origin = n
                ctx.originChanged = true
                expectEOL()
            case .failure(let e):
                error(e.result.text, line: t.line)
                skipLine()
            }
            return true
        }
        if ZoneFileLoader.matches(text, "$TTL") {
            guard let t = requiredToken() else { return true }
            if let v = TTLText.parse(tokenText(t)) {
                ttl = limitTTL(v, line: line)
            } else {
                error("bad ttl", line: line)
                ttl = 0
            }
            defaultTTL = ttl
            defaultTTLKnown = true
            expectEOL()
            return true
        }
        if ZoneFileLoader.matches(text, "$INCLUDE") {
            endBlock()
            if dateSeen {
                // BIND's rule: a file with $DATE includes nothing (found by the fuzzer).
                error("$INCLUDE may not be used with $DATE", line: line)
                skipLine()
                return true
            }
            guard let t = requiredToken([.qstring]) else { return true }
            let path = ZoneFileLoader.string(tokenText(t))
            let next: MasterLexer.Token
            do throws(BindResult) { next = try ctx.lex.next() } catch {
                self.error("isc_lex_gettoken() failed: \(error.text)")
                skipLine()
                return true
            }
            if next.isEOLorEOF {
                if next.kind == .eof {
                    missingNewline(line: nil)
                    ctx.lex.unget(next)
                }
                pushInclude(path, origin: ctx.origin, line: line, originChanged: ctx.originChanged)
                return true
            }
            guard next.isText else {
                error("syntax error", line: next.line)
                skipLine()
                return true
            }
            switch DNSName.parse(tokenText(next), origin: ctx.origin) {
            case .success(let n):
                expectEOL()
                pushInclude(path, origin: n, line: line, originChanged: true)
            case .failure(let e):
                error(e.result.text, line: next.line)
                skipLine()
            }
            return true
        }
        if ZoneFileLoader.matches(text, "$GENERATE") {
            generateDirective(line: line)
            return true
        }
        if ZoneFileLoader.matches(text, "$DATE") {
            dateSeen = true
            guard requiredToken() != nil else { return true }
            expectEOL()
            return true
        }
        error("unknown $ directive '\(ZoneFileLoader.string(text))'", line: line)
        return false
    }

    /// BIND's `limit_ttl`: TTLs above 2^31-1 become 0, with a warning.
    func limitTTL(_ v: UInt32, line: Int) -> UInt32 {
        if v > 0x7FFF_FFFF {
            warning("$TTL \(v) > MAXTTL, setting $TTL to 0", line: line)
            return 0
        }
        return v
    }

    // MARK: - Records

    /// TTL, class, type and RDATA after the owner (or the whitespace that stands for it).
    func record(inherited: Bool, line ownerLine: Int) {
        guard let first = inherited ? inheritedFirstToken() : requiredToken() else { return }
        var tok = first
        let line = tok.line
        guard let current = ctx.current, let owner = ctx.owner else {
            error("no current owner name", line: line)
            skipLine()
            return
        }
        if inherited && ctx.originChanged {
            warning("record with inherited owner (\(current)) immediately after $ORIGIN (\(ctx.origin))", line: line)
        }
        ctx.originChanged = false

        var rdclass: UInt16 = 0
        if let c = RRClass.value(tokenText(tok)) {
            rdclass = c
            guard let t = requiredToken() else { return }
            tok = t
        }
        var explicitTTL = false
        if let v = TTLText.parse(tokenText(tok)) {
            ttl = limitTTL(v, line: line)
            explicitTTL = true
            ttlKnown = true
            guard let t = requiredToken() else { return }
            tok = t
        }
        if rdclass == 0, let c = RRClass.value(tokenText(tok)) {
            rdclass = c
            guard let t = requiredToken() else { return }
            tok = t
        }
        guard let type = RRType.value(tokenText(tok)) else {
            error("unknown RR type '\(ZoneFileLoader.string(tokenText(tok)))'", line: line)
            skipLine()
            return
        }
        if rdclass != 0 && rdclass != 1 {
            error("class '\(RRClass.name(rdclass))' != zone class 'IN'", line: line)
            skipLine()
            return
        }
        if type == RRType.md || type == RRType.mf {
            error("type '\(RRType.name(type))': obsolete", line: line, owner: owner, type: type)
        }
        if RRType.isMeta(type) {
            error("type '\(RRType.name(type))': invalid use of a meta type", line: line, owner: owner, type: type)
            skipLine()
            return
        }
        if type == RRType.ns && ctx.glue == nil { ctx.hasDelegation = true }
        if type == RRType.ns && options.checkNS != nil && !peekNS(line: line, owner: owner) {
            skipLine()
            return
        }
        var checkReverse = false
        if let failing = options.checkNames {
            if !ZoneFileLoader.ownerOK(owner, type: type) {
                // Lower-cased, as every message of Baton's that names an owner BIND prints as written.
                let text = "\(owner.lowercased()): bad owner name (check-names)"
                if failing || type == RRType.nsec3 {
                    error(text, line: line, owner: owner, type: type)
                } else {
                    warning(text, line: line, owner: owner, type: type)
                }
            }
            if type == RRType.ptr { checkReverse = ZoneFileLoader.isReverse(owner) }
        }

        // RDATA.
        recordOwner = owner
        recordType = type
        let parsed = readRData(type: type, owner: owner, checkReverse: checkReverse)
        recordOwner = nil
        recordType = nil
        guard let rdata = parsed else { return }
        if type == RRType.ns && ctx.glue == nil, let target = ZoneFileLoader.firstName(rdata.canonical) {
            ctx.nsTargets.insert(target)
        }
        if ctx.drop { return }

        let lowerOwner = ctx.ownerLower ?? owner.lowercased()
        // BIND holds these two to the current owner, not to a glue owner whose line a blank owner continues
        // (`@ NS ns1`, `ns1 A ...`, ` DS ...` is a DS at the top; found by the fuzzer).
        let currentLower = ctx.glue == nil ? lowerOwner : current.lowercased()
        if type == RRType.soa && currentLower != zone {
            error("SOA record not at top of zone (\(current))", line: line, owner: owner, type: type)
            return
        }
        if type == RRType.ds && currentLower == zone {
            error("DS record at top of zone (\(current))", line: line, owner: owner, type: type)
            return
        }

        if !ttlKnown && !defaultTTLKnown {
            if type == RRType.soa && rdata.canonical.count >= 4 {
                warning("no TTL specified; using SOA MINTTL instead", line: line)
                let r = rdata.canonical
                let minimum =
                    UInt32(r[r.count - 4]) << 24 | UInt32(r[r.count - 3]) << 16
                    | UInt32(r[r.count - 2]) << 8 | UInt32(r[r.count - 1])
                ttl = limitTTL(minimum, line: line)
                defaultTTL = ttl
                defaultTTLKnown = true
            } else {
                error("no TTL specified; zone rejected", line: line)
                ttl = 0
            }
        } else if !explicitTTL && defaultTTLKnown {
            ttl = defaultTTL
        } else if !explicitTTL && warn1035 {
            warning("using RFC1035 TTL semantics", line: line)
            warn1035 = false
        }

        if type == RRType.rrsig && warnSigExpired && rdata.canonical.count >= 12 {
            let r = rdata.canonical
            let expire = UInt32(r[8]) << 24 | UInt32(r[9]) << 16 | UInt32(r[10]) << 8 | UInt32(r[11])
            if Int32(bitPattern: expire &- now) < 0 {
                warning("signature has expired", line: line)
                warnSigExpired = false
            }
        }
        if (type == RRType.sig || type == RRType.nxt) && warnTCR {
            warning("old style DNSSEC  zone detected", line: line)
            warnTCR = false
        }

        // Within one block of lines for an owner, later records of a type take the first one's TTL.
        if blockOwner != owner.wire {
            endBlock()
            blockOwner = owner.wire
        }
        var covers: UInt16 = 0
        if type == RRType.rrsig || type == RRType.sig, rdata.canonical.count >= 2 {
            covers = UInt16(rdata.canonical[0]) << 8 | UInt16(rdata.canonical[1])
        }
        let key = UInt32(type) << 16 | UInt32(covers)
        if let prior = blockTTLs[key] {
            if prior != ttl {
                warning("TTL set to prior TTL (\(prior))", line: line)
                ttl = prior
            }
        } else {
            blockTTLs[key] = ttl
        }

        if let maxTTL = options.maxTTL, ttl > maxTTL {
            error("TTL \(ttl) exceeds configured max-zone-ttl \(maxTTL)", line: line, owner: owner, type: type)
            stopped = true
            return
        }
        append(
            ZoneRecord(
                owner: lowerOwner, ttl: ttl, type: type, rdata: rdata.canonical, rdataAsWritten: rdata.written,
                writtenOwner: owner.wire == lowerOwner.wire ? nil : owner, file: ctx.file, line: line))
    }

    static func firstName(_ rdata: [UInt8]) -> DNSName? {
        var i = 0
        return DNSName.fromWire(rdata[...], at: &i)
    }

    func append(_ r: ZoneRecord) {
        if records.count >= ZoneFileLoader.maxRecords {
            if !stopped { error("too many records (more than \(ZoneFileLoader.maxRecords))", line: r.line) }
            stopped = true
            return
        }
        records.append(r)
    }

    /// After the whitespace that starts a line: a blank line, or the record's first token.
    func inheritedFirstToken() -> MasterLexer.Token? {
        do throws(BindResult) {
            let t = try ctx.lex.next()
            switch t.kind {
            case .eol: return nil
            case .eof:
                missingNewline(line: nil)
                ctx.lex.unget(t)
                return nil
            case .special:
                error("syntax error", line: t.line)
                skipLine()
                return nil
            default: return t
            }
        } catch {
            self.error("isc_lex_gettoken() failed: \(error.text)")
            skipLine()
            return nil
        }
    }

    /// `check_ns`: an NS target that reads as an address.
    /// Returns false when the record has no RDATA (BIND's peek then reports the end of the line).
    func peekNS(line: Int, owner: DNSName) -> Bool {
        let m = ctx.lex.mark
        defer { ctx.lex.reset(to: m) }
        guard let t = try? ctx.lex.next() else { return true }
        if t.isEOLorEOF {
            error(t.kind == .eol ? "unexpected end of line" : "unexpected end of input", line: t.line)
            return false
        }
        guard t.kind == .string else { return true }
        var text = tokenText(t)
        if text.last == UInt8(ascii: ".") { text = text.dropLast() }
        if IPText.ipv4(text) != nil || IPText.ipv6(text) != nil {
            let msg = "NS record '\(ZoneFileLoader.string(tokenText(t)))' appears to be an address"
            if options.checkNS == true {
                error(msg, line: line, owner: owner, type: RRType.ns)
            } else {
                warning(msg, line: line, owner: owner, type: RRType.ns)
            }
        }
        return true
    }

    /// `dns_rdata_checkowner`: owners of A, AAAA, A6, WKS and MX are host names; NSEC3 owners start with a
    /// base32hex label.
    static func ownerOK(_ owner: DNSName, type: UInt16) -> Bool {
        switch type {
        case RRType.a, RRType.aaaa:
            return addressOwnerOK(owner)
        case RRType.a6, RRType.wks, RRType.mx:
            return owner.isHostname(wildcard: true)
        case RRType.nsec3:
            let label = owner.firstLabel
            if label.isEmpty { return false }
            var decoded: [UInt8] = []
            return Base32.decode(label, hexAlphabet: true, padding: false, into: &decoded)
        case RRType.opt:
            return false
        default:
            return true
        }
    }

    /// A and AAAA owners may also be Active Directory's `gc._msdcs.<forest>` and SPF `exists:` names with an
    /// `_spf`, `_spf_verify` or `_spf_rate` label.
    static func addressOwnerOK(_ owner: DNSName) -> Bool {
        let labels = owner.labels
        if labels.count >= 2 {
            if labels[0].elementsEqualCaseInsensitive("gc"), labels[1].elementsEqualCaseInsensitive("_msdcs"),
                DNSName(uncheckedWire: Array(owner.wire[(labels[0].count + labels[1].count + 2)...]))
                    .isHostname(wildcard: false)
            {
                return true
            }
            for l in labels.dropLast(1) {
                if l.elementsEqualCaseInsensitive("_spf") || l.elementsEqualCaseInsensitive("_spf_verify")
                    || l.elementsEqualCaseInsensitive("_spf_rate")
                {
                    return true
                }
            }
        }
        return owner.isHostname(wildcard: true)
    }

    static let inAddrArpa = DNSName("in-addr.arpa.")!
    static let ip6Arpa = DNSName("ip6.arpa.")!
    static let ip6Int = DNSName("ip6.int.")!

    /// PTR owners in the reverse trees have host-name targets, except DNS-SD's browse names
    /// (`b._dns-sd._udp`, `db.`, `r.`, `dr.`, `lb.`).
    static func isReverse(_ owner: DNSName) -> Bool {
        let lower = owner.lowercased()
        guard lower.isSubdomain(of: inAddrArpa) || lower.isSubdomain(of: ip6Arpa) || lower.isSubdomain(of: ip6Int)
        else { return false }
        let labels = lower.labels
        if labels.count >= 3, labels[1].elementsEqual("_dns-sd".utf8), labels[2].elementsEqual("_udp".utf8) {
            let first = String(decoding: labels[0], as: UTF8.self)
            if ["b", "db", "r", "dr", "lb"].contains(first) { return false }
        }
        return true
    }
}

/// The loader's view of the check options.
struct ZoneFileOptions {
    /// nil: no check; false: warn; true: fail.
    var checkNames: Bool?
    var checkMX: Bool?
    var checkNS: Bool?
    var checkWildcard: Bool
    var maxTTL: UInt32?

    init(_ o: MasterFileParser.Options) {
        func tri(_ m: ZoneCheckOptions.Mode) -> Bool? { m == .ignore ? nil : m == .fail }
        checkNames = tri(o.checkNames)
        checkMX = tri(o.mxAddress)
        checkNS = tri(o.nsAddress)
        checkWildcard = o.wildcard != .ignore
        maxTTL = o.maxTTL
    }
}

extension ArraySlice where Element == UInt8 {
    func elementsEqualCaseInsensitive(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard count == u.count else { return false }
        for (a, b) in zip(self, u) where a | 0x20 != b | 0x20 { return false }
        return true
    }
}
