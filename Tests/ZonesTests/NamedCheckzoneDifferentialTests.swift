import Foundation
import XCTest

@testable import Zones

/// The built-in checker against the `named-checkzone` on this machine, record by record: each case is a record
/// (or a few lines, `~` between them) added to a small good zone, checked by both with the flags before `|`.
/// The verdicts must agree. Skipped where bind9-utils is not installed.
final class NamedCheckzoneDifferentialTests: XCTestCase {
    static let base = """
        $TTL 600
        @ SOA ns hostmaster 1 3600 1200 604800 1200
          NS ns
        ns A 192.0.2.1

        """

    static func namedCheckzone() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/sbin", "/usr/bin"] {
            let candidate = "\(dir)/named-checkzone"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a program with posix_spawn (much cheaper than Foundation's Process) and returns its exit status.
    static func run(_ args: [String]) -> Int32 {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        guard posix_spawn(&pid, args[0], &actions, nil, &argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }

    func testVerdictsAgreeWithNamedCheckzone() throws {
        guard let named = Self.namedCheckzone() else { throw XCTSkip("named-checkzone is not installed") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "baton-differential-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "a A 1.2.3.4\n".write(to: dir.appendingPathComponent("a.db"), atomically: true, encoding: .utf8)
        try "b A 1.2.3.4\n  A 1.2.3.5\n".write(
            to: dir.appendingPathComponent("b.db"), atomically: true, encoding: .utf8)
        try "  A 1.2.3.9\n".write(to: dir.appendingPathComponent("blank.db"), atomically: true, encoding: .utf8)

        let cases = Self.cases.split(separator: "\n").map(String.init)
        var files: [(path: String, flags: String, text: String)] = []
        for (i, c) in cases.enumerated() {
            var flags = "", record = c
            if c.hasPrefix("-"), let bar = c.firstIndex(of: "|") {
                flags = String(c[..<bar])
                record = String(c[c.index(after: bar)...])
            }
            // Without -i, named-checkzone would look out-of-zone names up in the DNS (warnings only, but slow
            // where no resolver answers); the built-in checker never does, so both are held to `local`.
            if !flags.contains("-i") { flags += " -i local" }
            record = record.replacingOccurrences(of: "~", with: "\n").replacingOccurrences(of: "@DIR@", with: dir.path)
            let path = dir.appendingPathComponent("c\(i).db").path
            try (Self.base + record + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            files.append((path, flags, c))
        }
        // named-checkzone, two at a time.
        final class Codes: @unchecked Sendable {
            let lock = NSLock()
            var values: [Int32]
            init(_ n: Int) { values = Array(repeating: -1, count: n) }
            func set(_ i: Int, _ v: Int32) { lock.withLock { values[i] = v } }
        }
        let codes = Codes(files.count)
        let jobs = files.map { (path: $0.path, flags: $0.flags) }
        let lanes = 2
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for i in stride(from: lane, to: jobs.count, by: lanes) {
                let args =
                    [named, "-q"] + jobs[i].flags.split(separator: " ").map(String.init) + ["example", jobs[i].path]
                codes.set(i, Self.run(args))
            }
        }
        let bind = codes.values
        var differences: [String] = []
        for (i, f) in files.enumerated() {
            let report = BuiltinZoneChecker().check(
                path: f.path, origin: "example", options: ZoneCheckOptions(flags: f.flags))
            if report.loaded != (bind[i] == 0) {
                differences.append(
                    "\(f.text): named-checkzone exit \(bind[i]), builtin loaded=\(report.loaded) \(report.messages.map(\.text))"
                )
            }
        }
        print("differential: \(files.count - differences.count) of \(files.count) cases agree with \(named)")
        XCTAssertEqual(differences, [])
    }

    static let cases = ##"""
        www A 1.2.3.4
        www A 01.2.3.4
        www A 1.2.3
        www A 1.2.3.4.5
        www A 256.1.1.1
        www A 1.2.3.4 extra
        www A
        www A "1.2.3.4"
        www A \# 4 01020304
        www A \# 3 010203
        www A \# 5 0102030405
        www AAAA ::1
        www AAAA ::ffff:1.2.3.4
        www AAAA 1::2::3
        www AAAA 1.2.3.4
        www AAAA 12345::1
        www AAAA 2001:db8::
        www AAAA ::
        www AAAA 1:2:3:4:5:6:7:8
        www AAAA 1:2:3:4:5:6:7:8:9
        www AAAA 1:2:3:4:5:6:7::
        www AAAA ::1:2:3:4:5:6:7
        www AAAA 1:2:3:4:5:6:1.2.3.4
        www AAAA 1:2:3:4:5:6:7:1.2.3.4
        www AAAA :1::2
        www AAAA 1::2:
        www AAAA fe80::1%eth0
        www AAAA 0:0:0:0:0:0:0:0
        www AAAA 00000::1
        www AAAA ::1.2.3
        www CNAME a..b
        www CNAME .a
        www CNAME a\.b
        www CNAME \065bc
        www CNAME \256
        www CNAME \0
        www CNAME a\
        www CNAME "quoted.name"
        www CNAME @
        www CNAME 0123456789012345678901234567890123456789012345678901234567890123
        www CNAME 012345678901234567890123456789012345678901234567890123456789012
        www CNAME a b
        www DNAME a
        www DNAME example.com.
        @ DNAME example.net.
        www DNAME a~x.www A 1.2.3.4
        www MX 10
        www MX 65536 mail
        www MX -1 mail
        www MX abc mail
        www MX 10 mail extra
        www MX 010 ns
        www MX 1e3 ns
        www MX 4294967296 ns
        www MX 10 1.2.3.4
        -m fail|www MX 10 1.2.3.4
        -m fail|www MX 10 1.2.3.4.
        -m fail|www MX 10 ::1
        -m ignore|www MX 10 1.2.3.4
        -m fail|www MX 10 nomx
        -M fail|www MX 10 cn~cn CNAME ns
        -M ignore|www MX 10 cn~cn CNAME ns
        -k fail|www MX 10 a_b
        -k fail|a_b MX 10 ns
        -k ignore|a_b MX 10 ns
        www MX 10 .
        www NS ns
        www NS 1.2.3.4
        -n fail|www NS 1.2.3.4
        -n fail|www NS 1.2.3.4.
        -n ignore|www NS 1.2.3.4
        www NS
        -n ignore|www NS
        -k fail|www NS a_b
        @ NS a_b
        *.www NS ns
        www TXT
        www TXT ""
        www TXT "abc" def "g\"h"
        www TXT "\256"
        www TXT "\25"
        www TXT "\999"
        www TXT "a\"
        www TXT a\
        www TXT "\065\066"
        www TXT \"quoted
        www TXT "a;b"
        www TXT a;b
        www TXT ( "a" ~ "b" )
        www TXT ( "a" ~ "b" 
        www TXT "a" )
        www TXT "a" ) "b"
        www TXT "a" ( ( "b" ) )
        www TXT abc(def)
        www TXT abc"def"
        www TXT "unterminated
        www TXT "multi~line"
        www TXT "esc\~aped"
        www TXT 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789
        www TXT "012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234"
        www TXT "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345\ "
        www SPF "v=spf1 -all"
        www SPF
        www SPF "v=spf1 -all"~www TXT "v=spf1x"
        -T ignore|www SPF "v=spf1 -all"~www TXT "v=spf1x"
        www SRV 0 0 0 .
        www SRV 0 0 65536 ns
        www SRV 1 2 3 under_score
        -k fail|www SRV 1 2 3 under_score
        www SRV 1 2 ns
        www SRV 1 2 3 ns extra
        _sip._tcp SRV 0 0 5060 sipcn~sipcn CNAME ns
        -S fail|_sip._tcp SRV 0 0 5060 sipcn~sipcn CNAME ns
        -S ignore|_sip._tcp SRV 0 0 5060 sipcn~sipcn CNAME ns
        -S fail|_sip._tcp SRV 0 0 5060 nosuch
        www CAA 0 issue letsencrypt.org
        www CAA 0 issue "letsencrypt.org; validationmethods=dns-01"
        www CAA 0 is-sue "x"
        www CAA 256 issue "x"
        www CAA 0 issue
        www CAA 0 "" "x"
        www CAA 128 tbs "Unknown"
        www CAA 0 issue ""
        www CAA 0 issuewild ";"
        www CAA 0 iodef "mailto:a@b"
        www CAA 0 issue "a" "b"
        www CAA 0 ISSUE x
        www PTR ns
        www PTR
        www PTR 1.2.3.4
        www SOA ns h 1 1 1 1 1
        @ SOA ns h 2 1 1 1 1
        www SOA ns h 1 1h 1d abc 1
        www DS 1 8 2 abcd
        www DS 1 8 2 00000000000000000000000000000000000000000000000000000000000000000
        www DS 1 8 2 0000000000000000000000000000000000000000000000000000000000000000
        www DS 1 8 2 00000000000000000000000000000000 00000000000000000000000000000000
        www DS 1 8 2 0000000000000000000000000000000000000000000000000000000000000000 00
        www DS 1 RSASHA256 SHA-256 0000000000000000000000000000000000000000000000000000000000000000
        www DS 1 8 SHA256 0000000000000000000000000000000000000000000000000000000000000000
        www DS 1 8 1 0000000000000000000000000000000000000000
        www DS 1 8 4 0000000000000000000000000000000000000000
        www DS 1 8 3 0000000000000000000000000000000000000000
        www DS 1 8 0 00
        www DS 1 8 0
        www DS 70000 8 0 00
        www DS 1 256 0 00
        www DS 1 8 256 00
        www DS 1 8 2 ( 00000000000000000000000000000000~00000000000000000000000000000000 )
        www DS 1 8 2 000000000000000000000000000000000000000000000000000000000000000g
        www DS 1 8 2 000000000000000000000000000000000000000000000000000000000000000
        www DS 1 foo 2 0000000000000000000000000000000000000000000000000000000000000000
        www DS 1 8 sha-256 0000000000000000000000000000000000000000000000000000000000000000
        @ DS 1 8 0 00
        www CDS 0 0 0 00
        @ CDS 0 0 0 00
        @ CDS 1 8 2 0000000000000000000000000000000000000000000000000000000000000000
        @ CDS 1 8 2 0000000000000000000000000000000000000000000000000000000000000000~@ DNSKEY 257 3 8 AwEAAQ==
        @ CDS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000~@ DNSKEY 257 3 8 AwEAAQ==
        @ CDS 0 0 0 00~@ CDS 1 8 2 0000000000000000000000000000000000000000000000000000000000000000~@ DNSKEY 257 3 8 AwEAAQ==
        @ CDNSKEY 0 3 0 AA==
        @ CDNSKEY 257 3 8 AwEAAQ==
        @ CDNSKEY 257 3 8 AwEAAQ==~@ DNSKEY 256 3 8 AwEAAQ==
        @ CDNSKEY 257 3 13 AwEAAQ==~@ DNSKEY 256 3 8 AwEAAQ==
        www DNSKEY 256 3 8
        www KEY 49152 3 8
        www DNSKEY NOKEY 3 8
        www KEY NOKEY 3 8
        www DNSKEY 256 DNSSEC RSASHA256 AwEAAQ==
        www DNSKEY 256 3 1 AwEAAQ==
        www DNSKEY 256 3 1 AwE=
        www DNSKEY 65536 3 8 AwEAAQ==
        www DNSKEY 256 256 8 AwEAAQ==
        www DNSKEY 256 3 FOO AwEAAQ==
        www DNSKEY 256 3 8 AwEAAQ=
        www DNSKEY 256 3 8 AwE AAQ==
        www DNSKEY 256 3 8 AwEAAQ== AA==
        www DNSKEY ZONE|KSK 3 8 AwEAAQ==
        www DNSKEY ZONE|FOO 3 8 AwEAAQ==
        www DNSKEY 256 3 8 ( AwEAAQ== )
        www DNSKEY 256 3 8 AwEAA===
        www DNSKEY 256 3 8 AwEAAR==
        www DNSKEY 256 3 8 A
        www DNSKEY 256 3 8 AB
        www DNSKEY 256 3 8 ABC
        www DNSKEY 256 3 8 ABCD
        www DNSKEY 256 3 8 AB==
        www DNSKEY 256 3 8 AB=C
        www DNSKEY 256 3 8 ====
        www CDNSKEY 256 3 8 AwEAAQ==
        www TLSA 1 1 1
        www TLSA 1 1 1 ab
        www TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        www TLSA 256 1 1 ab
        www TLSA 1 1 1 a
        www TLSA 1 1 1 ab cd
        www TLSA 1 1 1 xy
        _443._tcp TLSA 3 1 1 0123456789abcdef
        www SSHFP 1 1 abcd
        www SSHFP 1 2 abcd
        www SSHFP 1 3 abcd
        www SSHFP 1 1
        www SSHFP 1 1 0123456789abcdef0123456789abcdef01234567
        www SSHFP 4 2 C76D8329954DA2835751E371544E963EFDA099080D6C58DD2BFD9A31 6E162C83
        www SSHFP 1 0 ab
        www NAPTR 1 1 "!" "" "" .
        www NAPTR 1 1 "S" "SIP+D2U" "!^.*$!sip:info@example.com!i" .
        www NAPTR 1 1 "U" "E2U+sip" "!^(.*)$!sip:\\2@x!" .
        www NAPTR 1 1 "U" "E2U+sip" "!^(.*)$!sip:\\1@x!" .
        www NAPTR 1 1 "U" "E2U+sip" "!^(.*$!sip:x!" .
        www NAPTR 1 1 "U" "E2U+sip" "!^.*$!sip:x!x" .
        www NAPTR 1 1 "U" "E2U+sip" "!^.*$!sip:x" .
        www NAPTR 1 1 "U" "E2U+sip" "" _sip._udp.example.com.
        www NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp
        www NAPTR 100 10 S SIP+D2U "" _sip._udp
        www NAPTR 100 10 "S" "SIP+D2U" ""
        www NAPTR 100 10 "S" "SIP+D2U"
        www NAPTR 100 10 "S" "SIP+D2U" "" . extra
        www NAPTR 65536 10 "S" "SIP+D2U" "" .
        www NAPTR 1 1 "U" "E2U+sip" "0^.*0x0" .
        www NAPTR 1 1 "U" "E2U+sip" "i^.*ixi" .
        www NAPTR 1 1 "U" "E2U+sip" "/a/b/ii" .
        www NAPTR 1 1 "U" "E2U+sip" "/a/\\0/" .
        www NAPTR 1 1 "U" "E2U+sip" "/(a)(b)/\\2/" .
        www NAPTR 1 1 "U" "E2U+sip" "/[(]/x/" .
        www NAPTR 1 1 "U" "E2U+sip" "/a\\/x/" .
        www SVCB 1 . port=1 port=2
        www SVCB 1 . mandatory=port
        www SVCB 1 . mandatory=port,port port=1
        www SVCB 1 . no-default-alpn
        www SVCB 1 . key65535
        www SVCB 1 . key65536
        www SVCB 1 . key3=abc
        www SVCB 1 . dohpath=abc
        www SVCB 1 . port=
        www SVCB 1 . alpn=
        www SVCB 1 . ech=
        www SVCB 1 . ipv4hint=1.2.3.4,
        www SVCB 1 . PORT=1
        www SVCB 1 . mandatory=PORT port=1
        www SVCB 1 . port="1"
        www SVCB 1 . "port=1"
        www SVCB 1 . key1=""
        www SVCB 0 . port=1
        www SVCB 1 "."
        www SVCB 1 "" port=1
        www HTTPS 1 . alpn=h2 ech="AAAA" ipv6hint=::1,::2
        www SVCB 1 . key7="/{?dns}"
        www SVCB 1 . key7="/{?dn}"
        www SVCB 1 . port=1;comment
        www SVCB 1 . port=1(
        www SVCB 1 . mandatory=alpn port=1 alpn=h2
        www SVCB 1 . mandatory=alpn,port alpn=h2
        www SVCB 1 . mandatory=mandatory alpn=h2
        www SVCB 1 . mandatory=key0 alpn=h2
        www SVCB 1 . mandatory=alpn, alpn=h2
        www SVCB 1 . mandatory=alpn,key03 alpn=h2
        www SVCB 0 example.net.
        www SVCB 1 . port=60 alpn=h3 ech="ZWFzdGVyIGVnZyE="
        www SVCB 2 . no-default-alpn alpn=alpn
        www SVCB 3 . ipv4hint="10.10.10.10"
        www SVCB 4 . ipv6hint="feed:a::bee"
        www SVCB 5 . key9999="something"
        www SVCB 6 . mandatory=port,alpn port=60 alpn=h3
        www SVCB 7 . mandatory=port,alpn port=60 alpn=h1,h3
        www SVCB 8 . mandatory=port,alpn port=60 alpn="h1\\,h2,h3"
        www SVCB 0 44._svbc.example.net.
        www SVCB 7 . alpn="h2,h3" dohpath=/{?dns}
        www SVCB 1 . alpn=\,abc
        www SVCB 1 . alpn=a\,\,abc
        www SVCB 1 . alpn=abc\,
        www SVCB 1 . alpn=,abc
        www SVCB 1 . alpn=a,,abc
        www SVCB 1 . alpn=abc,
        www SVCB 0 . mandatory=alpn
        -k fail|www SVCB 1 _underscore.example. port=60
        www SVCB 0 . unknown=wha
        www SVCB 1 . alpn=h2 alpn=h3
        www SVCB 1 . ipv6hint=1.2.3.4
        www SVCB 1 . ipv4hint=1.2.3.4,5.6.7.8
        www SVCB 1 . ech=!!!!
        www SVCB 1 . port=65536
        www SVCB 1 . port=0x10
        www SVCB 1 . key0=\000\003 port=1
        www SVCB 1 . key2 alpn=h2
        www SVCB 1 . key3="\000\001"
        www SVCB 65536 .
        www SVCB 1
        www HTTPS 1 . alpn=h2,h3
        www HTTPS 1 . alpn="h2,h3" port="8443"
        www HTTPS 1 . alpn=h2 no-default-alpn=
        www HTTPS 1 . ech="AAAA==="
        www HTTPS 1 . key65000="a b"
        www HTTPS 1 . dohpath="/q{?dns}"
        www HTTPS 1 . dohpath="q{?dns}"
        www HTTPS 1 . alpn=\\104\\050
        www HTTPS 1 . alpn=h\\,2
        www HTTPS 1 . mandatory=alpn,port alpn=h2 port=1 ipv4hint=1.2.3.4
        www HTTPS 1 . mandatory=ipv4hint,alpn alpn=h2 ipv4hint=1.2.3.4 port=5
        www HTTPS \# 3 000100
        www HTTPS \# 7 00010000030000
        www HTTPS \# 9 000100000300020001
        www HTTPS \# 13 0001000003000200010001000100
        www HTTPS 1 . key4="\001\002\003\004"
        $TTL 1h~www A 1.2.3.4
        $TTL abc~www A 1.2.3.4
        $TTL 1h extra~www A 1.2.3.4
        $TTL~www A 1.2.3.4
        $TTL 2147483648~www A 1.2.3.4
        $ORIGIN sub~www A 1.2.3.4
        $ORIGIN sub.example.~www A 1.2.3.4~  A 1.2.3.5
        $ORIGIN sub.example.~  A 1.2.3.5
        $ORIGIN other.~www A 1.2.3.4
        $ORIGIN a..b~www A 1.2.3.4
        $origin sub.example.~www A 1.2.3.4
        $INCLUDE @DIR@/a.db
        $INCLUDE @DIR@/a.db sub.example.
        $INCLUDE @DIR@/a.db sub
        $INCLUDE "@DIR@/a.db"
        $INCLUDE @DIR@/missing.db
        $INCLUDE @DIR@
        $INCLUDE @DIR@/b.db~   A 1.2.3.6
        $INCLUDE @DIR@/a.db extra junk
        $INCLUDE
        $INCLUDE @DIR@/blank.db
        www A 1.2.3.4~$INCLUDE @DIR@/a.db~  A 9.9.9.9
        $DATE 20200101000000
        $FOO bar
          $TTL 5
        www A 1.2.3.4 ~ $ORIGIN x
        $TTL 1h ; c
        $ORIGIN sub.example. ; c
        $ORIGIN "sub.example."~www A 1.2.3.4
        www "A" 1.2.3.4
        "www" A 1.2.3.4
        www "IN" A 1.2.3.4
        $ttl 300~w A 1.2.3.4
        "$TTL" 300
        www 1h30m A 1.2.3.4
        www 1H A 1.2.3.4
        www 1h30 A 1.2.3.4
        www 1w2d3h4m5s A 1.2.3.4
        www 1x A 1.2.3.4
        www 2147483647 A 1.2.3.4
        www 2147483648 A 1.2.3.4
        www 4294967295 A 1.2.3.4
        www 4294967296 A 1.2.3.4
        www 0 A 1.2.3.4
        www 1h1h A 1.2.3.4
        www IN 300 A 1.2.3.4
        www 300 IN A 1.2.3.4
        www IN IN A 1.2.3.4
        www 300 300 A 1.2.3.4
        www CH A 1.2.3.4
        www CLASS1 A 1.2.3.4
        www CLASS3 TXT x
        www CLASS255 TXT x
        www HS A 1.2.3.4
        www NONE A 1.2.3.4
        www ANY A 1.2.3.4
        www in a 1.2.3.4
        www TYPE1 1.2.3.4
        www TYPE1 \# 4 01020304
        www TYPE65535 \# 2 abcd
        www TYPE65536 \# 0
        www TYPE0 \# 0
        www TYPE01 \# 0
        www A \#
        www A \# x
        www A \# 4 0102030g
        www A \# 4 010203041
        www TXT \# 4 03616263
        www TXT \# 0
        www MX \# 3 000a00
        www MX \# 4 000a0100
        www TYPE99999 \# 0
        www ZZZ 1.2.3.4
        www $foo A 1.2.3.4
        www SRV \# 7 0000000000000
        www A 1.2.3.4 \# 
        www CNAME a~www A 1.2.3.4
        www A 1.2.3.4~www CNAME a
        www CNAME a~www CNAME b
        www CNAME a~x A 1.2.3.4~www CNAME b
        www A 1.2.3.4~x A 1.2.3.4~www CNAME b
        www A 1.2.3.4~www A 1.2.3.4
        www 300 A 1.2.3.4~www 600 A 1.2.3.5
        www 300 A 1.2.3.4~x A 1.2.3.4~www 600 A 1.2.3.5
        www CNAME a~www RRSIG A 8 2 300 20300101000000 20200101000000 1 example. AAAA~www NSEC a A
        www CNAME a~www KEY 256 3 8 AwEAAQ==
        www CNAME a~www NXT a A
        www CNAME a~www SIG A 8 2 300 20300101000000 20200101000000 1 example. AAAA
        www CNAME a~www DS 1 8 0 00
        *.www NS ns
        *.www NSEC3 1 0 0 - CPNMUCPNMUCPNMUCPNMUCPNMUCPNMUCP A
        www SOA ns hostmaster 2 3600 1200 604800 1200
        @ CNAME www
        www DNAME a~www DNAME b
        www MX 10 mail~mail CNAME x~x A 1.2.3.4
        www MX 10 sub.deleg~deleg NS ns.deleg~ns.deleg A 1.2.3.4
        www MX 10 www.dn~dn DNAME example.net.
        www MX 10 foo.wild~*.wild A 1.2.3.4
        www MX 10 foo.wild~*.wild CNAME x~x A 1.2.3.4
        www MX 10 ent~a.ent A 1.2.3.4
        -M fail|www MX 10 www.dn~dn DNAME example.net.
        -M fail|www MX 10 foo.wild~*.wild CNAME x~x A 1.2.3.4
        -m fail|www MX 10 ent~a.ent A 1.2.3.4
        -m fail|www MX 10 foo.wild~*.wild A 1.2.3.4
        -m fail|www MX 10 sub.deleg~deleg NS ns.deleg~ns.deleg A 1.2.3.4
        deleg NS ns.deleg
        @ NS cn~cn CNAME ns
        @ NS x.dn~dn DNAME example.net.
        @ NS *.wild~*.wild A 1.2.3.4
        @ NS foo.wild~*.wild A 1.2.3.4
        @ NS ent~a.ent A 1.2.3.4
        @ NS nons
        @ NS ns.other.
        -i none|@ NS nons
        @ NS ns.deleg~deleg NS ns.deleg
        @ NSEC3PARAM 2 0 0 -
        @ NSEC3PARAM 1 0 200 -
        -r fail|dup HIP ( 2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs.example.com. )~dup HIP ( 2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D RVS.example.com. )
        -r fail|dup MX 10 ns~dup MX 10 NS
        -r fail|dup A 1.2.3.4~dup A 1.2.3.4
        -r fail|dup SVCB 1 a.example.~dup SVCB 1 A.example.
        -r fail|dup NAPTR 1 1 "a" "b" "" x.~dup NAPTR 1 1 "a" "b" "" X.
        -r fail|dup TXT "a"~dup TXT "A"
        x.*.y A 1.2.3.4
        -W ignore|x.*.y TXT a
        -k fail|x.*.y TXT a
        -l 300|www 301 A 1.2.3.4
        -l 600|www A 1.2.3.4
        -l 599|www A 1.2.3.4
        -l 599|www A 1.2.3.4 ; SOA line comes first anyway
        $GENERATE 1-2 h$ A 10.0.0.$~$GENERATE 1-2 h$ A 10.0.0.$
        $GENERATE 1-2 h$ MX "10 mx$"
        $GENERATE 1-2 h$ TXT "a$"
        $GENERATE 1-2 h$ IN 300 A 10.0.0.$
        $GENERATE 1-2 h$ 300 IN A 10.0.0.$
        $GENERATE 1-2 h$ CH A 10.0.0.$
        $GENERATE 1-2 h_$ A 10.0.0.$
        $GENERATE 1-2 h$ CNAME a_$
        $GENERATE 1-2 h$ A 10.0.0.$ extra
        $GENERATE 1-2 h$ A 10.0.0.3$
        $GENERATE 1-2 h$.other. A 10.0.0.$
        $GENERATE 2-1 h$ A 10.0.0.$
        $GENERATE 1-2 h${0,3,x} A 10.0.0.$
        $GENERATE 1-2 h${0,3,X} A 10.0.0.$
        $GENERATE 1-2 h${0,3,o} A 10.0.0.$
        $GENERATE 10-11 h${0,0,n} A 10.0.0.$
        $GENERATE 1-2 h${0} A 10.0.0.$
        $GENERATE 1-2 h${} A 10.0.0.$
        $GENERATE 1-2 h${,3} A 10.0.0.$
        $GENERATE 1-2 h${1,3,d A 10.0.0.$
        $GENERATE 1-2 h${1,3,d}x A 10.0.0.$
        $GENERATE 1-2 h$$ A 10.0.0.$
        $GENERATE 1-2 h\$ A 10.0.0.$
        $GENERATE 1-2 h${-1} A 10.0.0.$
        $GENERATE 0-0 h${-1} A 10.0.0.1
        $GENERATE 4294967295-4294967295 h$ A 10.0.0.1
        $GENERATE 1-2 h$ ZZZ 10.0.0.1
        $GENERATE 1-2 h$ KEY 256 3 8 AAAA
        $GENERATE 1-2 h$
        $GENERATE 1-3/ h$ A 1.2.3.$
        $GENERATE 1-3/0 h$ A 1.2.3.$
        $GENERATE 9--10 h$ A 1.2.3.$
        $GENERATE 1-3x h$ A 1.2.3.$
        $GENERATE 1-1 h$ TXT foo${2147483647}
        $GENERATE 0-1 h$ TXT foo${2147483647}
        $GENERATE 1-2 h$ TKEY "x"
        $GENERATE 1-2 $ PTR h$.example.
        $GENERATE 1-2 $ NS ns$
        $GENERATE 1-2 h$ CNAME h${1}~h3 A 1.2.3.4
        $GENERATE 1-2 h$ CNAME x~h1 A 1.2.3.4
        $GENERATE 1-2 h$ A 256.0.0.$
        $GENERATE 250-260 h$ A 1.2.3.$
        $GENERATE 1-2 h${0,200,d} A 1.2.3.$
        $GENERATE 1-2 h$ SOA ns h 1 1 1 1 1
        $GENERATE 1-2 @ TXT "x$"
        $GENERATE 1-2 * TXT "x$"
        $GENERATE 1-2 h$ AAAA ::${0,4,x}
        $GENERATE 1-2 h$ SRV "0 0 80 a_b"
        $GENERATE 19-28/2147483645 $ CNAME x
        $TTL 1~$GENERATE 1-2 h$ A 1.2.3.$
        $GENERATE 1-2 h${0,3,n}.x A 1.2.3.$
        $GENERATE 1-2 h${0,3,x,} A 1.2.3.$
        www NAPTR 1 1 "!" "" "" .
        www LOC 60 9 N 24 39 E 10 20 2000 20
        www LOC 60 9 0.5 N 24 39 E 10m
        www LOC 91 N 24 E 10m
        www LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
        www LOC 42 21 54 N 71 06 18 W -24m 30m
        www LOC 42 21 43.952 N 71 5 6.344 W -24m 1m 200m 10m
        www LOC 90 N 180 W 0m
        www LOC 90 1 N 0 E 0m
        www LOC 0 N 0 E 0
        www LOC 0 N 0 E
        www LOC 0 X 0 E 0
        www LOC 0 N 181 E 0
        www LOC 0 N 0 E 0 90000000m
        www LOC 0 N 0 E 42849672.95m
        www LOC 0 N 0 E -100001m
        www LOC 0 N 0 E 0 1.5m
        www LOC 0 N 0 E 0 25m
        www WKS 1.2.3.4 tcp smtp http
        www WKS 1.2.3.4 udp domain
        www WKS 1.2.3.4 6 25
        www WKS 1.2.3.4 tcp
        www WKS 1.2.3.4 xyz 25
        www HINFO "a" "b" "c"
        www HINFO a
        www HINFO "Intel" "Linux"
        www X25 123
        www X25 12a45
        www X25 311061700956
        www ISDN 123 456
        www ISDN 150862028003217
        www ISDN "150862028003217" "004"
        www GPOS 1 2 3
        www GPOS a b c
        www GPOS 1 2
        www APL 1:192.168.32.0/21 !1:192.168.38.0/28 2:ff00::/8
        www APL 1:192.168.32.1/21
        www APL
        www APL 3:1.2.3.4/8
        www APL 1:1.2.3.4/33
        www APL 1:1.2.3.4
        www IPSECKEY 10 0 2 . AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==
        www IPSECKEY 10 3 2 gw.example. AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==
        www IPSECKEY 10 1 2 1.2.3.4
        www IPSECKEY 10 1 2 1.2.3.4 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==
        www IPSECKEY 10 2 2 2001:db8::1 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==
        www IPSECKEY 10 4 2 . AQNR
        www CERT PGP 0 0 AAAA
        www CERT 1 0 0
        www CERT 65534 65535 254 MxFcby9k/yvedMfQgKzhH5er0Mu/vILz45Ikskce
        www CERT FOO 0 0 AAAA
        www URI 10 1 ftp://x
        www URI 10 1 ""
        www URI 10 20 "https://www.isc.org/"
        www EUI48 01-23-45-67-89-ab
        www EUI48 01-23-45-67-89-AB
        www EUI48 01:23:45:67:89:ab
        www EUI64 01-23-45-67-89-ab-cd-ef
        www NID 10 0014:4fff:ff20:ee64
        www NID 10 14:4fff:ff20:ee64
        www NID 10 0014:4fff:ff20
        www L64 10 0014:4fff:ff20:ee6
        www L32 10 1.2.3.4
        www L32 10 1.2.3
        www LP 10 example.net.
        www LP 10
        www AMTRELAY 0 0 0 .
        www AMTRELAY 0 1 1 1.2.3.4
        www AMTRELAY 0 0 3 relay.example.
        www AMTRELAY 0 0 0
        www AMTRELAY 0 2 0 .
        www AMTRELAY 0 0 2 2001:db8::1
        www AMTRELAY 0 0 0 x
        www DOA 0 1 2 "" -
        www DOA 0 1 2 "text/plain" aGk=
        www DOA 0 1 2 "" aHR0cHM6Ly93d3cuaXNjLm9yZy8=
        www ZONEMD 2019020700 1 1 000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
        www ZONEMD 2019020700 1 1 00
        www ZONEMD 2019020700 1 3 00
        www ZONEMD 2019020700 1 3 000000000000000000000000
        www ZONEMD 2019020700 1 2 00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
        www CSYNC 0 0
        www CSYNC 0 0 A NS AAAA
        www CSYNC 0 0 A FOO
        www TALINK . .
        www TALINK . talink1
        www HIP 2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9
        www HIP ( 2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs.example.com. )
        www SINK 8 0 2
        www SINK 8 0 2 l4ik
        www A6 64 ::1 foo
        www A6 128 ::1
        www A6 129 ::1
        www A6 0 ::1
        www A6 0 ::1 foo
        www ATMA 39246f00e7c9c0312000100100001234567800
        www ATMA +1-22
        www ATMA +61200000000
        www NXT a A MX
        www DSYNC CDS NOTIFY 1000 scanner1
        www DSYNC CDS 1 1000 scanner1
        www HHIT abcd
        www BRID abcd
        www RP . .
        www RP a b
        www MINFO . .
        www AFSDB 1 ns
        www AFSDB 65535 .
        www RT 1 ns
        www KX 10 kcd
        www PX 65535 . .
        www MB a
        www MG mgmname
        www MR a
        www NSAP 0x47.0005.80.005a00.0000.0001.e133.ffffff000161.00
        www NSAP 0x47.0005.80.005a00.0000....0001.e133.ffffff000162.00
        www NSAP 0x
        www NSAP 47000580005a0000000001e133ffffff00016100
        www NSAP-PTR .
        www EID 12 89 AB
        www EID
        www NIMLOC 12 89 AB
        www DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69l OjxfNuVAA2kjEA=
        www DHCID
        www OPENPGPKEY AQMFD5raczCJHViKtLYhWGz8hMY
        www RRSIG A 8 2 300 20300101000000 20200101000000 1 example. AAAA
        www RRSIG A 8 2 300 20300101000000 20200101000000 1 example.
        www RRSIG FOO 8 2 300 20300101000000 20200101000000 1 example. AAAA
        www RRSIG A 8 2 300 2030010100000 20200101000000 1 example. AAAA
        www RRSIG A 8 2 300 20301301000000 20200101000000 1 example. AAAA
        www RRSIG A 8 2 1h 20300101000000 20200101000000 1 example. AAAA
        www RRSIG A 8 256 300 20300101000000 20200101000000 1 example. AAAA
        www RRSIG TYPE65535 8 2 300 20300101000000 20200101000000 1 example. AAAA
        www SIG A 8 2 300 20300101000000 20200101000000 1 example. AAAA
        www NSEC a A
        www NSEC a
        www NSEC a FOO
        www NSEC a TYPE1234 A
        www NSEC3 1 0 0 - CPNMU A
        www NSEC3 2 0 0 - CPNMU A
        CPNMUCPNMUCPNMUCPNMUCPNMUCPNMUCP NSEC3 1 0 0 - CPNMUCPNMUCPNMUCPNMUCPNMUCPNMUCP A
        CPNMUCPNMUCPNMUCPNMUCPNMUCPNMUCP NSEC3 1 0 0 abcd CPNMUCPNMUCPNMUCPNMUCPNMUCPNMUCP
        CPNMU NSEC3 2 1 12 aabbccdd ( CPNMU MX DNSKEY NS~ SOA NSEC3PARAM RRSIG )
        www NSEC3PARAM 1 0 0 -
        www NSEC3PARAM 1 0 151 -
        www NSEC3PARAM 1 0 0 abc
        www NSEC3PARAM 1 0 0 ab
        www KEY 256 3 8 AwEAAQ==
        www KEY 0 3 1 AwEAAQ==
        www RKEY 0 3 8 AwEAAQ==
        www RKEY 1 3 8 AwEAAQ==
        www TA 30795 1 1 310D27F4D82C1FC2400704EA9939FE6E1CEAA3B9
        www DLV 30795 1 1 310D27F4D82C1FC2400704EA9939FE6E1CEAA3B9
        www SMIMEA 1 1 2 92003ba34942dc74152e2f2c408d29ec
        www NINFO "foo"
        www AVC foo:bar
        www RESINFO qnamemin exterr=15,16,17 infourl=https://resolver.example.com/guide
        www WALLET currency-identifer wallet-identifier
        www UNSPEC abc
        www UINFO abc
        www NULL abc
        www TYPE54 abc
        www TYPE54 \# 0
        www TYPE66 \# 1 00
        www TYPE69 \# 1 00
        www DNSKEY 0 3 8 AA==
        www MD a
        www MF a
        www OPT \# 0
        www TKEY x
        www ANY x
        www AXFR x
        """##
}
