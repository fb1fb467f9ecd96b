import Foundation
import Manifests
import TestSupport
import XCTest

@testable import Validation

/// The record checks scan bytes where they walked Characters or Unicode scalars (every one of 200,000 records
/// passes through them). These tests hold the scans to the walks they replaced, over values built from the
/// characters that matter: line breaks, tabs, C0 and C1 controls, NEL, the Unicode separators, hex digits, their
/// fullwidth forms, combining marks, dots and colons.
final class RecordScanEquivalenceTests: XCTestCase {
    static let alphabet = [
        "a", "F", "g", "0", "9", "1", ".", ":", " ", "\t", "\n", "\r", "\r\n", "\u{1}", "\u{7F}", "\u{85}", "\u{9F}",
        "\u{A0}", "\u{2028}", "\u{2029}", "\u{FF10}", "\u{FF21}", "\u{301}", "é", "\"", ";", "(", "::", "db8",
    ]

    static func values(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        var values = ["", "192.0.2.1", "2001:db8::1", "::1", "::ffff:192.0.2.1", "1.2.3", "１.２.３.４", "ａ::1"]
        for _ in 0..<count {
            let length = Int(random.next() % 14)
            values.append((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined())
        }
        return values
    }

    /// The three checks at the head of `valueProblem` as they were, by scalars.
    static func lineAndControlProblem(_ value: String) -> String? {
        if value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) { return "contains a line break" }
        if value.unicodeScalars.contains(where: { $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029 }) {
            return "contains a line break"
        }
        if value.unicodeScalars.contains(where: RecordRules.isControl) { return "contains a control character" }
        return nil
    }

    func testLineBreaksAndControlCharactersAreFoundAsTheScalarWalkFoundThem() {
        let types: [RecordType] = [.A, .AAAA, .CNAME, .MX, .TXT, .CAA, .SRV, .NS, .PTR, RecordType(rawValue: "SSHFP")!]
        var refused = 0
        for (n, value) in Self.values(count: 20_000, seed: 31).enumerated() {
            let record = DNSRecord(
                name: "www", type: types[n % types.count], value: value,
                marks: .init(item: .start, name: .start, type: .start, ttl: .start, value: .start))
            let message = RecordRules.valueProblem(record)?.message
            if let expected = Self.lineAndControlProblem(value) {
                XCTAssertEqual(message, expected, "'\(value.debugDescription)'")
                refused += 1
            } else {
                XCTAssertNotEqual(message, "contains a line break", "'\(value.debugDescription)'")
                XCTAssertNotEqual(message, "contains a control character", "'\(value.debugDescription)'")
            }
        }
        XCTAssertGreaterThan(refused, 5_000, "the generated values must hold line breaks and controls")
    }

    /// The address checks as they were, by Characters.
    static func isIPv6ByCharacters(_ s: String) -> Bool {
        guard s.hasByte(":"), s.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        var buffer = in6_addr()
        return inet_pton(AF_INET6, s, &buffer) == 1
    }

    static func looksLikeIPv4ByCharacters(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && s.hasByte(".")
    }

    func testTheAddressChecksAgreeWithTheCharacterWalks() {
        var addresses = 0
        for value in Self.values(count: 40_000, seed: 32) + Self.addressLike(count: 20_000, seed: 33) {
            XCTAssertEqual(IPAddress.isIPv6(value), Self.isIPv6ByCharacters(value), "'\(value.debugDescription)'")
            XCTAssertEqual(
                IPAddress.looksLikeIPv4(value), Self.looksLikeIPv4ByCharacters(value), "'\(value.debugDescription)'")
            if IPAddress.isIPv6(value) || IPAddress.looksLikeIPv4(value) { addresses += 1 }
        }
        XCTAssertGreaterThan(addresses, 1_000, "the generated values must hold addresses")
    }

    /// Strings close to addresses: hex digits, colons and dots, with now and then a fullwidth or combining one.
    static func addressLike(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        let parts = ["1", "0", "db8", "ff", "2001", ":", "::", ".", "192", "255", "a", "F", "\u{FF11}", "\u{301}", "g"]
        return (0..<count).map { _ in
            let length = 1 + Int(random.next() % 9)
            return (0..<length).map { _ in parts[Int(random.next() % UInt64(parts.count))] }.joined()
        }
    }

    /// The key check as it was: split by Characters, the words from the type on joined and split again.
    static func authorizedKeyProblemAsBefore(_ line: String) -> String? {
        if line.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return "spans several lines or holds a control character; give one key per item"
        }
        let parts = line.split(separator: " ")
        guard
            let typeIndex = parts.firstIndex(where: { ServerRules.keyTypes.contains(String($0)) || $0.hasPrefix("sk-") }
            )
        else { return "has no known key type (ssh-ed25519, ecdsa-sha2-nistp256, ...)" }
        guard typeIndex + 1 < parts.count else { return "has a type but no key data" }
        return ServerRules.hostKeyProblem(parts[typeIndex...].joined(separator: " ")) == nil
            || parts[typeIndex].hasPrefix("sk-")
            ? nil : "has key data that is not a valid \(parts[typeIndex]) key"
    }

    /// A key blob as OpenSSH writes it: the type's length and name, then key bytes.
    static func blob(_ type: String, _ random: inout SplitMix64) -> String {
        let name = Array(type.utf8)
        var bytes: [UInt8] = [0, 0, 0, UInt8(name.count)] + name + [0, 0, 0, 32]
        bytes += (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        return Data(bytes).base64EncodedString()
    }

    func testAuthorizedKeysAreCheckedAsTheSplitByCharactersChecked() {
        var random = SplitMix64(seed: 34)
        let types = ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "sk-ssh-ed25519@openssh.com", "ssh-dss", "x"]
        var accepted = 0
        for _ in 0..<20_000 {
            let type = types[Int(random.next() % UInt64(types.count))]
            let words = [
                type, Self.blob(type, &random), Self.blob("ssh-rsa", &random), "AAAA", "AAAA=", "not base64!",
                "me@host",
                "d\u{e9}j\u{e0}", "\u{301}x", "from=\"10.0.0.1\"", "", "\t",
            ]
            let count = 1 + Int(random.next() % 5)
            var line = (0..<count).map { _ in words[Int(random.next() % UInt64(words.count))] }
            if random.next() % 2 == 0 { line.insert(type, at: 0) }
            if random.next() % 2 == 0, line.count > 1 { line.insert(Self.blob(type, &random), at: 1) }
            let separators = [" ", " ", "  ", " \u{301}", "\u{A0}"]
            let text = line.map { $0 + separators[Int(random.next() % UInt64(separators.count))] }.joined()
            XCTAssertEqual(
                UserRules.authorizedKeyProblem(text), Self.authorizedKeyProblemAsBefore(text),
                "'\(text.debugDescription)'")
            if UserRules.authorizedKeyProblem(text) == nil { accepted += 1 }
        }
        XCTAssertGreaterThan(accepted, 1_000, "the generated lines must hold valid keys")
    }
    /// `splitByByte` splits by bytes only ASCII text, where it must give the pieces a split by Characters gives:
    /// CR LF is one Character, a combining mark after a separator makes one Character of both, and every
    /// separator the rules split by, with and without empty pieces and a limit.
    func testSplittingByBytesGivesTheCharactersPieces() {
        let separators: [Unicode.Scalar] = [".", " ", "@", "/", ";", "$"]
        var extra = Self.values(count: 4_000, seed: 31)
        extra += ["a..b", ".a.", "@", "a@b@c", "/srv//x/", " a  b ", "$6$salt$hash", "a.\u{301}b", "x;\r\n;y"]
        var split = 0
        let generated = Self.values(count: 15_000, seed: 29)
        // The alphabet's colons and semicolons stand for the other separators in a copy of each value.
        extra += generated.map { $0.replacingOccurrences(of: ":", with: "@").replacingOccurrences(of: ";", with: "/") }
        extra += generated.prefix(3_000).map { $0.replacingOccurrences(of: ":", with: "$") }
        for value in generated + extra {
            for separator in separators {
                for omitting in [true, false] {
                    for maxSplits in [Int.max, 1, 2] {
                        let expected = value.split(
                            separator: Character(separator), maxSplits: maxSplits,
                            omittingEmptySubsequences: omitting)
                        let found = value.splitByByte(
                            separator, maxSplits: maxSplits, omittingEmptySubsequences: omitting)
                        XCTAssertEqual(found, expected, "\(value.debugDescription) by \(separator)")
                        let sub = Substring("<" + value + ">").dropFirst().dropLast()
                        XCTAssertEqual(
                            sub.splitByByte(separator, maxSplits: maxSplits, omittingEmptySubsequences: omitting),
                            sub.split(
                                separator: Character(separator), maxSplits: maxSplits,
                                omittingEmptySubsequences: omitting))
                        if expected.count > 1 { split += 1 }
                    }
                }
            }
        }
        XCTAssertGreaterThan(split, 10_000, "the values hold the separators")
    }
}
