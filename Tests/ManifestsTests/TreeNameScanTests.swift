import TestSupport
import XCTest

@testable import Manifests

/// `TreeRules.problem(name:)` runs for every entry of a listed tree; its ASCII path compares the start of a name
/// in place where it built arrays. Held here to the check as it was, on generated names.
final class TreeNameScanTests: XCTestCase {
    /// The check as it was before it compared in place.
    static func earlierProblem(name: [UInt8]) -> String? {
        if name.isEmpty { return "an empty name" }
        if name.contains(0x2F) { return "a name holding '/': git reads it as one entry, a checkout as a path" }
        if name.contains(0) { return "a name holding a NUL byte" }
        if name.contains(0x5C) { return "a name holding '\\', a folder separator on Windows" }
        if name == [0x2E] || name == [0x2E, 0x2E] { return "the name '\(String(decoding: name, as: UTF8.self))'" }
        if name.allSatisfy({ $0 < 0x80 }) {
            if name.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return TreeRules.controlCharacter }
            let lower = name.prefix(5).map { $0 | 0x20 }
            guard lower.starts(with: Array(".git".utf8)) || lower.starts(with: Array("git~1".utf8)) else { return nil }
        }
        guard let text = String(validating: name, as: UTF8.self) else { return "a name that is not valid UTF-8" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return TreeRules.controlCharacter
        }
        if TreeRules.isDotGit(text) { return "a name git reserves for its own folder (.git, in some spelling)" }
        return nil
    }

    func testNamesGetTheProblemsTheyGotBefore() {
        // The bytes `.git` and `git~1` are made of, with their 0x20 bit cleared (`^` is `~`'s, 0x0E is `.`'s), and
        // others around them.
        let alphabet: [[UInt8]] = [
            [0x2E], [0x0E], [0x67], [0x47], [0x69], [0x49], [0x74], [0x54], [0x7E], [0x5E], [0x31], [0x11], [0x3A],
            [0x20], [0x61], [0x7F], [0xC3, 0xA9], [0xE2, 0x80, 0x8C], [0xFF],
        ]
        var random = SplitMix64(seed: 5)
        var names: [[UInt8]] = [Array(".git".utf8), Array("GIT~1".utf8), Array(".Git.".utf8), Array("git~1x".utf8)]
        for _ in 0..<60_000 {
            let length = Int(random.next() % 7)
            names.append((0..<length).flatMap { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        var refused = 0
        for name in names {
            let expected = Self.earlierProblem(name: name)
            XCTAssertEqual(TreeRules.problem(name: name), expected, "\(name)")
            if expected != nil { refused += 1 }
        }
        XCTAssertGreaterThan(refused, 1_000)
        XCTAssertGreaterThan(names.count - refused, 1_000)
    }
}
