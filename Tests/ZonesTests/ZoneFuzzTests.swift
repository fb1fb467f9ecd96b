import Foundation
import TestSupport
import XCTest

@testable import Zones

/// A differential fuzzer: zones made from a grammar of what real files hold (and of how they go wrong),
/// checked by the built-in checker and by `named-checkzone`; their load verdicts must agree.
///
/// Seeded and bounded: `BATON_FUZZ_SEED` (default 12), `BATON_FUZZ_SECONDS` (default 15) and
/// `BATON_FUZZ_ZONES` (default 3,000) pick the run; a disagreement prints the seed, the zone and both verdicts,
/// so that it can be replayed. Skipped where bind9-utils is not installed.
final class ZoneFuzzTests: XCTestCase {
    struct Generator {
        var rng: SplitMix64

        mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(rng.next() % UInt64(range.count))
        }

        /// Mostly what loads, sometimes what does not: zones that fail everywhere compare little.
        mutating func label() -> String {
            if chance(75) { return pick(["www", "mail", "ns1", "ns2", "a", "b", "sub", "x-y", "_sip", "*", "WWW"]) }
            return pick([
                "www", "WWW", "mail", "ns1", "a", "x-y", "_sip", "_tcp", "*", "a\\.b", "a\\032b", "A\\066c", "0",
                "-bad", "bad-", "xn--bcher-kva", "under_score", String(repeating: "l", count: 63),
                String(repeating: "m", count: 64), "q\\\"", "\\000",
            ])
        }

        mutating func name(relative: Bool = true) -> String {
            switch int(0...9) {
            case 0: return "@"
            case 1: return pick(["example.", "EXAMPLE.", "other.", ".", "sub.example.", "x.other."])
            case 2: return "\(label()).\(label())"
            case 3: return pick(["a..b", "..", "a.", "*.w", "w.*", "*._tcp", "_sip._tcp"])
            default: return relative ? label() : "\(label()).example."
            }
        }

        mutating func ttl() -> String {
            if chance(80) { return pick(["", "", "60", "300", "1h", "1d"]) }
            return pick([
                "", "", "", "0", "300", "1h", "1w2d", "2147483647", "2147483648", "4294967295", "4294967296", "1x",
                "01",
            ])
        }

        mutating func ipv4() -> String {
            chance(85)
                ? "\(int(0...255)).\(int(0...255)).\(int(0...255)).\(int(0...255))"
                : pick(["1.2.3", "256.1.1.1", "01.2.3.4", "1.2.3.4.5", "0x1.2.3.4", "1.2.3.4/24", ""])
        }

        mutating func ipv6() -> String {
            pick([
                "2001:db8::1", "::", "::1", "::ffff:1.2.3.4", "1::2::3", "2001:db8:0:0:0:0:0:1:2", "12345::1",
                "fe80::1%1",
            ])
        }

        mutating func number() -> String {
            if chance(85) { return pick(["0", "1", "10", "5060", "65535"]) }
            return pick(["0", "1", "10", "65535", "65536", "-1", "4294967295", "4294967296", "x", "1e3"])
        }

        mutating func text() -> String {
            if chance(70) { return pick(["\"hello\"", "\"two\" \"strings\"", "plain", "\"v=spf1 -all\""]) }
            return pick([
                "\"hello\"", "\"two\" \"strings\"", "plain", "\"esc \\\" quote\"", "\"\\255\\000\"", "\"unterminated",
                "\"" + String(repeating: "t", count: 255) + "\"", "\"" + String(repeating: "t", count: 256) + "\"",
                "\"v=spf1 -all\"", "\"semi;colon\"", "\"\\999\"", "( \"in\" \"parens\" )",
            ])
        }

        mutating func rdata(_ type: String) -> String {
            switch type {
            case "A": return ipv4()
            case "AAAA": return ipv6()
            case "MX": return "\(number()) \(chance(15) ? ipv4() : name())"
            case "NS", "CNAME", "PTR", "DNAME": return chance(15) ? ipv4() : name()
            case "TXT", "SPF": return text()
            case "SRV": return "\(number()) \(number()) \(number()) \(name())"
            case "CAA":
                return "\(pick(["0", "128", "256"])) \(pick(["issue", "iodef", "tbs", "issuewild", "bad tag", ""])) "
                    + pick(["\"ca.example\"", "\"mailto:\"", "\"\"", "ca", "\";\""])
            case "DS":
                return "\(number()) \(pick(["8", "13", "RSASHA256", "99"])) \(pick(["1", "2", "4", "0"])) "
                    + pick(["AABBCCDD", "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899", "XYZ", ""])
            case "RRSIG":
                return "\(pick(["A", "NS", "TYPE65000", "BOGUS"])) 8 \(int(0...4)) 300 20300101000000 "
                    + "\(pick(["20200101000000", "1", "20400101000000"])) \(number()) \(name(relative: false)) "
                    + pick(["AAAA", "AA==", "!!", ""])
            case "SOA":
                return "\(name()) \(name()) \(number()) \(number()) \(number()) \(number()) \(number())"
            case "HINFO": return "\(text()) \(text())"
            case "SSHFP": return "\(int(0...5)) \(int(0...3)) \(pick(["AB", "abcd", "XYZ", ""]))"
            default: return pick(["\\# 0", "\\# 4 01020304", "\\# 3 0102", "x"])
            }
        }

        mutating func record() -> String {
            let type = pick([
                "A", "A", "AAAA", "MX", "NS", "CNAME", "PTR", "DNAME", "TXT", "SRV", "CAA", "DS", "RRSIG", "SOA",
                "HINFO", "SSHFP", "TYPE65000", "SPF",
            ])
            var fields: [String] = []
            let owner = chance(20) ? "" : name()
            let ttl = ttl()
            let klass = chance(90) ? pick(["", "", "IN", "in"]) : pick(["CH", "CLASS1", "CLASS255"])
            if chance(50) {
                fields = [ttl, klass]
            } else {
                fields = [klass, ttl]
            }
            let line = ([owner.isEmpty ? " " : owner] + fields.filter { !$0.isEmpty } + [type, rdata(type)])
                .joined(separator: pick([" ", "\t"]))
            return chance(5) ? line + " ; comment" : line
        }

        mutating func directive() -> String {
            switch int(0...5) {
            case 0: return "$TTL \(ttl().isEmpty ? "300" : ttl())"
            case 1: return "$ORIGIN \(pick(["example.", "sub.example.", "other.", "sub", "EXAMPLE."]))"
            case 2:
                let range = pick([
                    "1-3", "0-0", "3-1", "1-10/3", "4294967296-4294967297", "2147483648-2147483648", "1-2/0", "a-b",
                ])
                let lhs = pick(["h$", "h${0,3,d}", "h${1,2,x}", "h${-1}", "h${4294967295}", "$.$", "h${0,0,n}", "h$$"])
                let rhs = pick(["10.0.0.$", "192.0.2.1", "host$", "${1,3}.example."])
                let type = pick(["A", "PTR", "CNAME", "TXT", "BOGUS"])
                return "$GENERATE \(range) \(lhs) \(pick(["", "300 ", "IN "]))\(type) \(rhs)"
            case 3: return "$INCLUDE \(pick(["/nonexistent/file", "\"/dev/null\""]))"
            case 4: return "$DATE 20200101000000"
            default: return "$\(pick(["BOGUS", "ttl 60", "origin example."]))"
            }
        }

        /// A zone: a head that loads, then lines of records and directives, with line-level noise.
        mutating func zone() -> (text: String, flags: String) {
            var lines = ["$TTL 300", "@ SOA ns1 hostmaster 1 3600 900 604800 300", "@ NS ns1", "ns1 A 192.0.2.1"]
            if chance(3) { lines.removeFirst() }
            // Names that other records point at, so that targets and glue are found as often as missed.
            if chance(50) { lines.append("mail A 192.0.2.25") }
            if chance(30) { lines.append("sub NS ns.sub") }
            if chance(20) { lines.append("ns.sub A 192.0.2.53") }
            if chance(20) { lines.append("alias CNAME www") }
            if chance(20) { lines.append("www A 192.0.2.80") }
            for _ in 0..<int(1...6) { lines.append(chance(15) ? directive() : record()) }
            if chance(5) { lines.insert("(", at: int(1...lines.count)) }
            var text = lines.joined(separator: chance(5) ? "\r\n" : "\n")
            if !chance(15) { text += "\n" }
            let flags = pick([
                "-i local", "-i local", "-i local -k fail", "-i local -r fail", "-i local -m fail -M fail -S fail",
                "-i local -k fail -n fail -m fail -M fail -S fail", "-i local -W ignore", "-i local -k ignore",
            ])
            return (text, flags)
        }
    }

    func testBuiltinCheckerAgreesWithNamedCheckzoneOnGeneratedZones() throws {
        guard let named = NamedCheckzoneDifferentialTests.namedCheckzone() else {
            throw XCTSkip("named-checkzone is not installed")
        }
        let environment = ProcessInfo.processInfo.environment
        let seed = UInt64(environment["BATON_FUZZ_SEED"] ?? "") ?? 12
        let seconds = Double(environment["BATON_FUZZ_SECONDS"] ?? "") ?? 15
        let most = Int(environment["BATON_FUZZ_ZONES"] ?? "") ?? 3_000
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        var generator = Generator(rng: SplitMix64(seed: seed))
        let zones = (0..<most).map { _ in generator.zone() }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var disagreements: [String] = []
            var checked = 0
            var loaded = 0
        }
        let results = Results()
        let deadline = Date().addingTimeInterval(seconds)
        let lanes = 2
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for i in stride(from: lane, to: zones.count, by: lanes) where Date() < deadline {
                let (text, flags) = zones[i]
                let path = dir.appendingPathComponent("z\(i).db").path
                guard (try? text.write(toFile: path, atomically: false, encoding: .utf8)) != nil else { continue }
                let bind = NamedCheckzoneDifferentialTests.run(
                    [named, "-q"] + flags.split(separator: " ").map(String.init) + ["example", path])
                let ours = BuiltinZoneChecker().check(
                    path: path, origin: "example", options: ZoneCheckOptions(flags: flags))
                results.lock.withLock {
                    results.checked += 1
                    if ours.loaded { results.loaded += 1 }
                    if ours.loaded != (bind == 0) {
                        results.disagreements.append(
                            "zone \(i) (seed \(seed)), flags \(flags): named-checkzone exit \(bind), builtin "
                                + "loaded=\(ours.loaded) \(ours.messages.filter { $0.severity == .error }.map(\.text))\n"
                                + text)
                    }
                }
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        print(
            "fuzz: seed \(seed), \(results.checked) zones in \(seconds) s at most, \(results.loaded) load, "
                + "\(results.disagreements.count) disagreements")
        XCTAssertGreaterThan(results.checked, 50, "the fuzzer ran")
        XCTAssertEqual(results.disagreements, [], results.disagreements.prefix(5).joined(separator: "\n\n"))
    }
}
