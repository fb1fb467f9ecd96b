import Foundation
import XCTest

@testable import Zones

/// The master-file reader: directives, the lexer's rules, owners, TTL and class, and RDATA in canonical form.
final class MasterFileParserTests: XCTestCase {
    static let origin = DNSName("example.")!

    func parse(_ text: String, options: MasterFileParser.Options = .init(), origin: DNSName = origin)
        -> MasterFileParser.Result
    {
        MasterFileParser(origin: origin, options: options).parse(text: text, fileName: "zone.db")
    }

    func lines(_ r: MasterFileParser.Result) -> [String] { r.records.map(\.presentation) }

    func errors(_ r: MasterFileParser.Result) -> [String] {
        r.messages.filter { $0.severity == .error }.map { "\($0.line ?? 0): \($0.text)" }
    }

    func warnings(_ r: MasterFileParser.Result) -> [String] {
        r.messages.filter { $0.severity == .warning }.map { "\($0.line ?? 0): \($0.text)" }
    }

    // MARK: - Directives

    func testOriginAndTTLDirectives() {
        let r = parse(
            """
            $TTL 1h30m
            www A 192.0.2.1
            $ORIGIN sub.example.
            host A 192.0.2.2
            $ORIGIN deeper
            x 300 A 192.0.2.3
            $TTL 2d
            y A 192.0.2.4

            """)
        XCTAssertEqual(errors(r), [])
        XCTAssertEqual(
            lines(r),
            [
                "www.example. 5400 IN A 192.0.2.1", "host.sub.example. 5400 IN A 192.0.2.2",
                "x.deeper.sub.example. 300 IN A 192.0.2.3", "y.deeper.sub.example. 172800 IN A 192.0.2.4",
            ])
    }

    func testBadDirectives() {
        XCTAssertEqual(errors(parse("$TTL abc\nwww A 192.0.2.1\n")), ["1: bad ttl"])
        XCTAssertEqual(errors(parse("$TTL 1h extra\n")), ["1: extra input text"])
        XCTAssertEqual(errors(parse("$ORIGIN a..b\n")), ["1: empty label"])
        // An unknown directive is reported, then read as an owner, as BIND does.
        XCTAssertEqual(
            errors(parse("$TTL 1\n$FOO bar\n")), ["2: unknown $ directive '$FOO'", "2: unknown RR type 'bar'"])
        XCTAssertEqual(
            warnings(parse("$TTL 2147483648\nwww A 192.0.2.1\n")), ["1: $TTL 2147483648 > MAXTTL, setting $TTL to 0"])
    }

    func testInheritedOwnerAfterOrigin() {
        let r = parse("$TTL 1\nwww A 192.0.2.1\n$ORIGIN sub.example.\n  A 192.0.2.2\n")
        XCTAssertEqual(
            warnings(r), ["4: record with inherited owner (www.example) immediately after $ORIGIN (sub.example)"])
        XCTAssertEqual(r.records.last?.owner.description, "www.example")
        XCTAssertEqual(errors(parse("  A 192.0.2.2\n")), ["1: no current owner name"])
    }

    func testIncludeResolvesAgainstTheBaseDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-include-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("zones"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "a A 192.0.2.1\n  TXT \"in a\"\n".write(
            to: dir.appendingPathComponent("zones/part.db"), atomically: true, encoding: .utf8)
        try "$INCLUDE zones/loop.db\n".write(
            to: dir.appendingPathComponent("zones/loop.db"), atomically: true, encoding: .utf8)
        var options = MasterFileParser.Options()
        options.baseDirectory = dir.path
        let r = parse(
            """
            $TTL 60
            $INCLUDE zones/part.db
            $INCLUDE "zones/part.db" sub.example.
            b TXT "after"
            $INCLUDE zones/missing.db
            $INCLUDE zones/loop.db

            """, options: options)
        XCTAssertEqual(
            lines(r),
            [
                "a.example. 60 IN A 192.0.2.1", "a.example. 60 IN TXT \"in a\"", "a.sub.example. 60 IN A 192.0.2.1",
                "a.sub.example. 60 IN TXT \"in a\"", "b.example. 60 IN TXT \"after\"",
            ])
        XCTAssertEqual(r.records[0].file, "zones/part.db")
        XCTAssertEqual(r.records[1].line, 2)
        XCTAssertEqual(errors(r), ["5: zones/missing.db: file not found", "1: zones/loop.db: $INCLUDE loop"])

        // With an include root, a file outside it is refused.
        options.includeRoot = dir.appendingPathComponent("zones").path
        let outside = parse("$INCLUDE /etc/hostname\n", options: options)
        XCTAssertEqual(errors(outside), ["1: /etc/hostname: $INCLUDE outside the zone's folder"])
    }

    func testGenerate() {
        let r = parse(
            """
            $TTL 60
            $GENERATE 1-3 host$ A 192.0.2.$
            $GENERATE 8-10/2 ${0,3,d} IN 300 CNAME host${-7}
            $GENERATE 10-11 ${0,4,x}.rev PTR h$.example.
            $GENERATE 1024-1025 ${0,3,n} AAAA 2001:db8::${0,4,x}
            $GENERATE 1-2 mx$ MX "10 mail$"
            $GENERATE 1-1 a$$b TXT "\\$"

            """)
        XCTAssertEqual(errors(r), [])
        XCTAssertEqual(
            lines(r),
            [
                "host1.example. 60 IN A 192.0.2.1", "host2.example. 60 IN A 192.0.2.2",
                "host3.example. 60 IN A 192.0.2.3",
                "008.example. 300 IN CNAME host1.example.", "010.example. 300 IN CNAME host3.example.",
                // Without a TTL of its own, a later $GENERATE takes $TTL again.
                "000a.rev.example. 60 IN PTR h10.example.", "000b.rev.example. 60 IN PTR h11.example.",
                "0.0.4.example. 60 IN AAAA 2001:db8::400", "1.0.4.example. 60 IN AAAA 2001:db8::401",
                "mx1.example. 60 IN MX 10 mail1.example.", "mx2.example. 60 IN MX 10 mail2.example.",
                "a\\$b.example. 60 IN TXT \"$\"",
            ])
    }

    func testGenerateErrors() {
        let cases = [
            "$GENERATE 9--10 h$ A 192.0.2.$": "$GENERATE: invalid range '9--10'",
            "$GENERATE 1-3/ h$ A 192.0.2.$": "$GENERATE: invalid range '1-3/'",
            "$GENERATE 1-3/0 h$ A 192.0.2.$": "$GENERATE: invalid range '1-3/0'",
            "$GENERATE 3-1 h$ A 192.0.2.$": "$GENERATE: invalid range '3-1'",
            "$GENERATE 1-2 h${1,0,dgarbage} A 192.0.2.$": "$GENERATE: syntax error",
            "$GENERATE 1-2 h$ A 192.0.2.${1000": "$GENERATE: syntax error",
            "$GENERATE 1-1 h$ TXT foo${2147483647}": "$GENERATE: out of range",
            "$GENERATE 1-2 h$ TKEY x": "$GENERATE: meta RR type 'TKEY'",
            "$GENERATE 1-2 h$ ZZZ x": "$GENERATE: unknown RR type 'ZZZ'",
            "$GENERATE 250-260 h$ A 192.0.2.$": "$GENERATE: near '192.0.2.256': bad dotted quad",
        ]
        for (line, message) in cases {
            XCTAssertEqual(errors(parse("$TTL 60\n\(line)\n")), ["2: \(message)"], line)
        }
    }

    // MARK: - The lexer

    func testParenthesesCommentsAndQuotes() {
        let r = parse(
            """
            $TTL 60 ; the default
            @ IN SOA ns hostmaster ( 1 ; serial
                  3600 ; refresh
                  1200 604800 300 )
            txt TXT ( "one; not a comment" two
                      "with \\"quotes\\"" "\\065\\066" )
            txt TXT abc"def"(x)

            """)
        XCTAssertEqual(errors(r), [])
        XCTAssertEqual(
            lines(r),
            [
                "example. 60 IN SOA ns.example. hostmaster.example. 1 3600 1200 604800 300",
                "txt.example. 60 IN TXT \"one; not a comment\" \"two\" \"with \\\"quotes\\\"\" \"AB\"",
                "txt.example. 60 IN TXT \"abc\" \"def\" \"x\"",
            ])
        XCTAssertEqual(r.records[1].line, 5)
    }

    func testLexerErrors() {
        XCTAssertEqual(errors(parse("$TTL 1\nx TXT ( \"a\"\n")), ["3: near eof: unbalanced parentheses"])
        XCTAssertEqual(errors(parse("$TTL 1\nx TXT \"a\" )\n")), ["2: near eol: unbalanced parentheses"])
        XCTAssertEqual(errors(parse("$TTL 1\nx TXT \"abc\nx TXT b\n")), ["2: unbalanced quotes"])
        XCTAssertEqual(errors(parse("$TTL 1\nx TXT \"\\999\"\n")), ["2: syntax error"])
        XCTAssertEqual(errors(parse("$TTL 1\nwww A 192.0.2.1\u{0}junk\n")), ["2: extra input text"])
    }

    // MARK: - Owners, TTL and class

    func testOwnersAndNames() {
        let r = parse(
            """
            $TTL 60
            @ A 192.0.2.1
            WWW.Example. A 192.0.2.2
              A 192.0.2.3
            a\\.b CNAME @
            \\065bc CNAME x.y.
            *.wild TXT "w"

            """)
        XCTAssertEqual(errors(r), [])
        XCTAssertEqual(
            r.records.map(\.owner.description),
            ["example", "www.example", "www.example", "a\\.b.example", "abc.example", "*.wild.example"])
        XCTAssertEqual(r.records[3].rdataText, "example.")
    }

    func testNameLengths() {
        let long = String(repeating: "a", count: 64)
        XCTAssertEqual(errors(parse("$TTL 1\n\(long) A 192.0.2.1\n")), ["2: label too long"])
        XCTAssertEqual(errors(parse("$TTL 1\nx CNAME \(long)\n")), ["2: near '\(long)': label too long"])
        let label = String(repeating: "a", count: 63)
        let name = Array(repeating: label, count: 4).joined(separator: ".")
        XCTAssertEqual(errors(parse("$TTL 1\nx CNAME \(name)\n")), ["2: near '\(name)': ran out of space"])
        XCTAssertEqual(errors(parse("$TTL 1\nx CNAME a..b\n")), ["2: near 'a..b': empty label"])
        XCTAssertEqual(errors(parse("$TTL 1\n\(label) A 192.0.2.1\n")), [])
    }

    func testTTLAndClassInEitherOrder() {
        let r = parse(
            """
            a 300 IN A 192.0.2.1
            b IN 1h30m A 192.0.2.2
            c in 1W2d A 192.0.2.3
            d CLASS1 TYPE1 192.0.2.4
            e A 192.0.2.5

            """)
        XCTAssertEqual(
            lines(r),
            [
                "a.example. 300 IN A 192.0.2.1", "b.example. 5400 IN A 192.0.2.2", "c.example. 777600 IN A 192.0.2.3",
                "d.example. 777600 IN A 192.0.2.4", "e.example. 777600 IN A 192.0.2.5",
            ])
        XCTAssertEqual(warnings(r), ["4: using RFC1035 TTL semantics"])
        XCTAssertEqual(errors(parse("$TTL 1\nx CH TXT a\n")), ["2: class 'CH' != zone class 'IN'"])
        XCTAssertEqual(errors(parse("$TTL 1\nx CLASS255 TXT a\n")), ["2: class 'ANY' != zone class 'IN'"])
        XCTAssertEqual(errors(parse("$TTL 1\nx 1h30 A 192.0.2.1\n")), ["2: unknown RR type '1h30'"])
        XCTAssertEqual(errors(parse("$TTL 1\nx IN IN A 192.0.2.1\n")), ["2: unknown RR type 'IN'"])
        XCTAssertEqual(errors(parse("x A 192.0.2.1\n")), ["1: no TTL specified; zone rejected"])
        XCTAssertEqual(warnings(parse("x 300 A 192.0.2.1\nx 600 A 192.0.2.2\n")), ["2: TTL set to prior TTL (300)"])
    }

    func testTypesBINDKnowsAndMetaTypes() {
        XCTAssertEqual(RRType.value("nsap-ptr"), 23)
        XCTAssertEqual(RRType.value("TYPE65535"), 65535)
        XCTAssertNil(RRType.value("TYPE65536"))
        XCTAssertEqual(RRType.name(65), "HTTPS")
        XCTAssertEqual(RRType.name(54), "TYPE54")
        XCTAssertEqual(errors(parse("$TTL 1\nx TSIG x\n")), ["2: type 'TSIG': invalid use of a meta type"])
        XCTAssertEqual(errors(parse("$TTL 1\nx MD x\n")), ["2: type 'MD': obsolete"])
        XCTAssertEqual(errors(parse("$TTL 1\nx FOO x\n")), ["2: unknown RR type 'FOO'"])
    }

    // MARK: - RDATA

    func testGenericRData() {
        let r = parse("$TTL 1\na TYPE1 \\# 4 C0000201\nb A \\# 4 ( C000 0202 )\nc TYPE54 \\# 0\nd TYPE999 \\# 2 abcd\n")
        XCTAssertEqual(errors(r), [])
        XCTAssertEqual(
            lines(r),
            [
                "a.example. 1 IN A 192.0.2.1", "b.example. 1 IN A 192.0.2.2", "c.example. 1 IN TYPE54 \\# 0",
                "d.example. 1 IN TYPE999 \\# 2 ABCD",
            ])
        XCTAssertEqual(errors(parse("$TTL 1\na A \\# 3 C00002\n")), ["2: near eol: unexpected end of input"])
        XCTAssertEqual(errors(parse("$TTL 1\na A \\# 5 C000020101\n")), ["2: near eol: extra input data"])
        XCTAssertEqual(errors(parse("$TTL 1\na A \\# 4 C0000201FF\n")), ["2: near eol: ran out of space"])
        XCTAssertEqual(errors(parse("$TTL 1\na TYPE66 \\# 1 00\n")), ["2: near eol: unexpected end of input"])
    }

    func testStrictRDataErrors() {
        let cases: [(String, String)] = [
            ("A 192.0.2.300", "near '192.0.2.300': bad dotted quad"),
            ("A 01.2.3.4", "near '01.2.3.4': bad dotted quad"),
            ("AAAA 1::2::3", "near '1::2::3': bad IPv6 address"),
            ("MX 65536 mail", "near '65536': out of range"),
            ("MX mail", "near 'mail': not a valid number"),
            ("MX 10", "near eol: unexpected end of input"),
            ("SRV 0 0 80", "near eol: unexpected end of input"),
            ("CAA 0 is-sue \"x\"", "near 'is-sue': syntax error"),
            ("TXT", "near eol: unexpected end of input"),
            ("TXT " + String(repeating: "x", count: 256), "near '\(String(repeating: "x", count: 256))': syntax error"),
            ("DS 1 8 2 abcd", "near eol: unexpected end of input"),
            ("DNSKEY 256 3 8", "near eol: unexpected end of input"),
            ("DNSKEY 256 3 8 AwEAAQ=", "near eol: bad base64 encoding"),
            ("TLSA 3 1 1 0g", "near eol: bad hex encoding"),
            ("SSHFP 1 1 abcd", "near eol: unexpected end of input"),
            ("NAPTR 1 1 \"U\" \"E2U+sip\" \"!^(.*)$!sip:\\\\2@x!\" .", "syntax error"),
            ("SVCB 1 . alpn=a,,b", "near 'alpn=a,,b': syntax error"),
            ("SVCB 1 . unknown=x", "near 'unknown=x': syntax error"),
            ("SVCB 1 . mandatory=alpn", "near eol: disallowed (by application policy)"),
            ("SVCB 1 . mandatory=alpn,port alpn=h2", "near eol: inconsistent resource record"),
            ("SVCB 1 . port=1 port=2", "near eol: duplicate query"),
            ("HTTPS 1 . no-default-alpn", "near eol: disallowed (by application policy)"),
            ("CNAME \"quoted\"", "unexpected token"),
            ("A 192.0.2.1 extra", "near 'extra': extra input text"),
        ]
        for (rdata, message) in cases {
            XCTAssertEqual(errors(parse("$TTL 1\nx \(rdata)\n")), ["2: \(message)"], rdata)
        }
    }

    func testStrictRDataAccepted() {
        let r = parse(
            """
            $TTL 1
            a AAAA 2001:db8::1
            a AAAA ::ffff:192.0.2.1
            mx MX 10 Mail.Example.
            srv SRV 10 5 5060 sip
            caa CAA 0 issue "letsencrypt.org; validationmethods=dns-01"
            ds DS 14364 RSASHA256 SHA-256 FD03B2312C8F0FE72C1751EFA1007D743C94EC91594FF0047C23C37CE119BA0C
            key DNSKEY ZONE|KSK DNSSEC 8 AwEAAQ==
            tlsa TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            ssh SSHFP 4 2 C76D8329954DA2835751E371544E963EFDA099080D6C58DD2BFD9A31 6E162C83
            naptr NAPTR 100 10 "S" "SIP+D2U" "!^.*$!sip:info@example.com!i" .
            svc HTTPS 1 . alpn="h2,h3" port=8443 ipv4hint=192.0.2.1,192.0.2.2 mandatory=alpn ech="AAAA"
            svc2 SVCB 8 . mandatory=port,alpn port=60 alpn="h1\\\\,h2,h3"
            spf SPF "v=spf1 -all"
            ptr PTR host.example.
            dname DNAME example.net.

            """)
        XCTAssertEqual(errors(r), [])
        XCTAssertEqual(r.records.count, 15)
        XCTAssertEqual(r.records[2].rdataText, "10 Mail.Example.")
        XCTAssertEqual(r.records[6].rdataText, "257 3 8 AwEAAQ==")
        XCTAssertEqual(
            r.records[10].rdataText, "1 . mandatory=alpn alpn=\"h2,h3\" port=8443 ipv4hint=192.0.2.1,192.0.2.2 ech=AAAA"
        )
    }

    func testCanonicalRDataForComparisons() {
        let r = parse("$TTL 1\na MX 10 MAIL\nb MX 10 mail\nc HTTPS 1 Target.example.\n")
        XCTAssertEqual(r.records[0].rdata, r.records[1].rdata)
        XCTAssertNotNil(r.records[0].rdataAsWritten)
        XCTAssertEqual(r.records[0].rdataText, "10 MAIL.example.")
        // BIND compares SVCB targets with their case.
        XCTAssertNil(r.records[2].rdataAsWritten)
        XCTAssertEqual(r.records[2].rdataText, "1 Target.example.")
    }

    func testCheckNamesInRData() {
        var options = MasterFileParser.Options()
        options.checkNames = .fail
        XCTAssertEqual(
            errors(parse("$TTL 1\nx MX 10 a_b\n", options: options)), ["2: near 'a_b': bad name (check-names)"])
        XCTAssertEqual(
            errors(parse("$TTL 1\na_b A 192.0.2.1\n", options: options)),
            ["2: a_b.example: bad owner name (check-names)"])
        XCTAssertEqual(errors(parse("$TTL 1\ngc._msdcs A 192.0.2.1\na._spf A 192.0.2.1\n", options: options)), [])
        options.checkNames = .warn
        XCTAssertEqual(
            warnings(parse("$TTL 1\nx SRV 0 0 1 a_b\n", options: options)),
            ["2: warning: a_b.example: bad name (check-names)"])
        options.checkNames = .ignore
        XCTAssertEqual(parse("$TTL 1\na_b A 192.0.2.1\nx NS a_b\n", options: options).messages, [])
    }

    func testAddressTargets() {
        var options = MasterFileParser.Options()
        XCTAssertEqual(
            warnings(parse("$TTL 1\nx MX 10 192.0.2.1\n", options: options)),
            ["2: warning: '192.0.2.1': MX is an address"])
        XCTAssertEqual(
            warnings(parse("$TTL 1\nx NS 192.0.2.1.\n", options: options)),
            ["2: NS record '192.0.2.1.' appears to be an address"])
        options.mxAddress = .fail
        options.nsAddress = .fail
        XCTAssertEqual(
            errors(parse("$TTL 1\nx MX 10 192.0.2.1\n", options: options)), ["2: near '192.0.2.1': MX is an address"])
        XCTAssertEqual(
            errors(parse("$TTL 1\nx NS 2001:db8::1\n", options: options)),
            ["2: NS record '2001:db8::1' appears to be an address"])
    }

    func testOutOfZoneDataIsDropped() {
        let r = parse("$TTL 1\nwww.other. A 192.0.2.1\nin A 192.0.2.2\n")
        XCTAssertEqual(warnings(r), ["2: ignoring out-of-zone data (www.other)"])
        XCTAssertEqual(lines(r), ["in.example. 1 IN A 192.0.2.2"])
    }

    func testMaxTTLStopsTheLoad() {
        var options = MasterFileParser.Options()
        options.maxTTL = 300
        let r = parse("$TTL 300\na A 192.0.2.1\nb 301 A 192.0.2.2\nc A 192.0.2.3\n", options: options)
        XCTAssertEqual(errors(r), ["3: TTL 301 exceeds configured max-zone-ttl 300"])
        XCTAssertEqual(r.records.count, 1)
    }

    func testMalformedInputGivesDiagnostics() {
        var bytes = Array("$TTL 1\n".utf8)
        var seed: UInt64 = 42
        for _ in 0..<20000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(UInt8(truncatingIfNeeded: seed >> 33))
        }
        let r = MasterFileParser(origin: Self.origin).parse(bytes: bytes, fileName: "random.db")
        XCTAssertFalse(r.loaded)
        XCTAssertEqual(errors(parse("$TTL 1\nx TXT \"never closed")), ["2: unexpected end of input"])
        XCTAssertEqual(errors(parse("$TTL 1\nx TXT ( ( (\n")), ["3: near eof: unbalanced parentheses"])
    }
}
