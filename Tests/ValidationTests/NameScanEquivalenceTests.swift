import Foundation
import Manifests
import TestSupport
import XCTest

@testable import Validation

/// The name checks scan bytes instead of splitting names into arrays (every name of a 10,000-account repository
/// passes through them). These tests hold the scans to the splitting they replaced, over names built from the
/// characters that matter (dots, hyphens, underscores, stars, upper case, slashes, spaces, tabs, non-ASCII).
final class NameScanEquivalenceTests: XCTestCase {
    /// The label loop as it was: `split` keeping empty labels.
    static func hostProblemBySplit(_ name: String, allowUnderscore: Bool) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > DNSName.maxLength {
            return "it is \(name.utf8.count) bytes long; names are at most \(DNSName.maxLength)"
        }
        if name.utf8.contains(where: { $0 >= 0x80 }) {
            return "it has non-ASCII characters; write internationalised names in punycode (xn--...)"
        }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if let problem = DNSName.labelProblem(label, allowUnderscore: allowUnderscore) { return problem }
        }
        return nil
    }

    static func zoneProblemBySplit(_ name: String) -> String? {
        if name.hasSuffix(".") { return "it ends with a dot; write zone names without the trailing dot" }
        if name.hasByte("*") { return "a zone name cannot hold a wildcard; wildcards are records (`name: '*'`)" }
        if let problem = hostProblemBySplit(name, allowUnderscore: false) { return problem }
        if name.hasUppercaseASCII {
            return "it has upper-case letters; write domain names in lower case"
        }
        let labels = name.split(separator: ".")
        if labels.count < 2 { return "it has a single label; a domain needs at least a name and a TLD" }
        if labels.last!.allSatisfy({ $0.isNumber }) { return "its top-level label is numeric" }
        return nil
    }

    static func names(from alphabet: [String], count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        var names = [
            "", ".", "..", "a", "a.", ".a", "a..b", "1.2", "a.1", "a.b1", "xn--a.b", "ab--c.d", "-a.b", "a-.b",
        ]
        for _ in 0..<count {
            let length = Int(random.next() % 12)
            names.append((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined())
        }
        return names
    }

    func testHostAndZoneChecksAgreeWithSplittingIntoLabels() {
        let alphabet = ["a", "b", "Z", "0", "9", "-", "_", ".", ".", "*", "xn--", "é"]
        for name in Self.names(from: alphabet, count: 20_000, seed: 12) {
            for underscore in [false, true] {
                XCTAssertEqual(
                    DNSName.hostProblem(name, allowUnderscore: underscore),
                    Self.hostProblemBySplit(name, allowUnderscore: underscore), "'\(name)'")
            }
            XCTAssertEqual(DNSName.zoneProblem(name), Self.zoneProblemBySplit(name), "'\(name)'")
        }
        let long = String(repeating: "a.", count: 130) + "b"
        XCTAssertEqual(
            DNSName.hostProblem(long, allowUnderscore: false), Self.hostProblemBySplit(long, allowUnderscore: false))
    }

    func testTheTenantFolderIsTheSecondOfAtLeastThreeComponents() {
        let alphabet = ["accounts", "a1", "x.yaml", "/", "/", "//"]
        for path in Self.names(from: alphabet, count: 5_000, seed: 7) {
            let parts = path.split(separator: "/")
            XCTAssertEqual(TenancyRules.tenantFolder(path), parts.count >= 3 ? String(parts[1]) : nil, "'\(path)'")
        }
        XCTAssertEqual(TenancyRules.tenantFolder("accounts/a1/users.yaml"), "a1")
        XCTAssertEqual(TenancyRules.tenantFolder("accounts//a1//sub/users.yaml"), "a1")
        XCTAssertNil(TenancyRules.tenantFolder("accounts/a1/"))
        XCTAssertNil(TenancyRules.tenantFolder("accounts/a1.yaml"))
    }

    func testTrimmingAnIssuerAgreesWithFoundation() {
        let alphabet = [" ", "\t", "a", ".", "\u{00A0}", "\u{3000}", "é", ";"]
        for text in Self.names(from: alphabet, count: 5_000, seed: 3) {
            XCTAssertEqual(
                RecordRules.trimmed(Substring(text)), text.trimmingCharacters(in: .whitespaces), "'\(text)'")
        }
    }

    func testTakingOffAHostsBracketsAgreesWithFoundation() {
        // A combining mark after a bracket is a character of its own to Swift but not to Foundation's trimming.
        let alphabet = ["[", "]", "[", "]", "::1", "a", "\u{301}", "é", " "]
        for host in Self.names(from: alphabet, count: 5_000, seed: 5) + ["[\u{301}::1]", "[]", "[[::1]]"] {
            XCTAssertEqual(
                MonitorRules.withoutBrackets(host), host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
                "'\(host)'")
        }
    }
}
