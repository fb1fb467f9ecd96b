import Foundation
import TestSupport
import XCTest

@testable import Manifests

/// Manifests are read into a `YAMLTree` and decoded from it; status and configuration files, and these tests, read
/// `YAMLNode` trees. The two must agree on every document, every problem and every decoded resource with its
/// positions and diagnostics: here on the examples, on every case of `YAMLReaderTests`, on YAML written to hit
/// each limit and each odd corner, and on thousands of mutants of real manifests.
final class YAMLTreeEquivalenceTests: XCTestCase {
    /// The tree's documents as `YAMLNode`s, and its problems.
    static func viaTree(_ bytes: [UInt8], limits: YAMLReader.Limits = .init()) -> YAMLReader.Result {
        YAMLReader.withTree(bytes, limits: limits) { tree in
            YAMLReader.Result(
                documents: tree.documents.map { YAMLDocument(mark: $0.mark, root: $0.root.node) },
                problems: tree.problems)
        }
    }

    /// What `ManifestLoader` made of a file before it read through the tree.
    static func viaNodes(file: String, bytes: [UInt8]) -> ManifestLoader.FileResult {
        var set = ManifestSet()
        let parsed = YAMLReader.read(bytes)
        var diagnostics = parsed.problems.map {
            Diagnostic.error(at: SourceLocation(file: file, mark: $0.mark), rule: $0.rule, $0.message, hint: $0.hint)
        }
        for document in parsed.documents {
            diagnostics += DocumentDecoder.decode(document.root, file: file, into: &set)
        }
        return ManifestLoader.FileResult(set: set, documents: parsed.documents.count, diagnostics: diagnostics)
    }

    func assertSame(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        assertSame(Array(text.utf8), name: text.debugDescription, file: file, line: line)
    }

    func assertSame(_ bytes: [UInt8], name: String, file: StaticString = #filePath, line: UInt = #line) {
        let old = YAMLReader.read(bytes)
        let new = Self.viaTree(bytes)
        XCTAssertEqual(new.problems, old.problems, "problems of \(name.prefix(300))", file: file, line: line)
        XCTAssertEqual(new.documents, old.documents, "documents of \(name.prefix(300))", file: file, line: line)
        let decodedOld = Self.viaNodes(file: "f.yaml", bytes: bytes)
        let decodedNew = ManifestLoader.decode(file: "f.yaml", bytes: bytes)
        XCTAssertEqual(decodedNew.set, decodedOld.set, "resources of \(name.prefix(300))", file: file, line: line)
        XCTAssertEqual(
            decodedNew.diagnostics, decodedOld.diagnostics, "diagnostics of \(name.prefix(300))", file: file, line: line
        )
        XCTAssertEqual(decodedNew.documents, decodedOld.documents, file: file, line: line)
    }

    static let examples: [(path: String, text: String)] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted().compactMap { path in
            (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)).map { (path, $0) }
        }
    }()

    func testTheExamplesReadAndDecodeTheSame() {
        XCTAssertGreaterThan(Self.examples.count, 10, "the examples were not found")
        for example in Self.examples { assertSame(Array(example.text.utf8), name: example.path) }
    }

    func testEveryLimitAndCornerReadsTheSame() {
        var cases = [
            "", "# only a comment\n", "a: 1\n", "---\n---\n", "~\n", "- a\n- b\n", "a: &x hello\nb: *x\n",
            "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
            "a: &a {x: 1}\nb: &b {y: 2, x: 9}\nm: {<<: [*a, *b], z: 3}\n",
            "m: {<<: 5}\n", "m: {<<: [1, {a: 1}]}\n", "m: {<<: ~}\n", "m: {'<<': {a: 1}}\n",
            "m: {<<: {a: 1}, <<: {b: 2}}\n",
            "a: 1\nb: 2\na: 3\n", "? [a, b]\n: 1\n", "? {a: 1}\n: 2\nb: 3\n", "a: *nothing\n",
            "a: 1\n---\nb: [1, 2\nc: 3\n",
            "a: !!null x\nb: !!str ~\nc: !custom {d: 1}\nd: ~\ne: null\nf: Null\ng: NULL\nh: \nj: 'null'\n",
            "\u{212A}ind: 1\nKind: 2\n", "caf\u{E9}: 1\ncafe\u{301}: 2\n", "a: &a [x, y]\nb: *a\nc: &a z\nd: *a\n",
            "a: 1\r\nb: 2\r\n", "a: 1\nb: 2 # c\u{2028}c: 3\n", "a: \"\\u0085 \\t \\u2028\"\n", "x: |\n  one\n  two\n",
            "x: >\n  one\n  two\n", "- &k key\n- {*k : v}\n", "{a: 1, a: 2, a: 3}\n", "[[[[x]]]]\n",
            String(repeating: "[", count: 10_000),
            "a: " + String(repeating: "{b: ", count: 250) + "1"
                + String(repeating: "}", count: 250) + "\n",
        ]
        let deep = String(repeating: "[", count: 150) + "x" + String(repeating: "]", count: 150)
        let nested = String(repeating: "[", count: 150) + "*a" + String(repeating: "]", count: 150)
        cases += ["a: &a \(deep)\nb: \(nested)\n", "a: &a \(deep)\nb: [*a]\n"]
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        cases.append(bomb)
        let anchor = "a: &a [" + Array(repeating: "x", count: 999).joined(separator: ", ") + "]\n"
        cases.append(anchor + "b: [" + Array(repeating: "*a", count: 999).joined(separator: ", ") + "]\n")
        cases.append(anchor + "b: [" + Array(repeating: "*a", count: 1_001).joined(separator: ", ") + "]\n")
        // A large mapping takes the key index: a duplicate among many keys, and keys equal only as `String`s.
        let many = (0..<40).map { "k\($0): \($0)\n" }.joined()
        cases += [many + "k7: again\n", many + "\u{212A}: 1\nK: 2\n", many + "caf\u{E9}: 1\ncafe\u{301}: 2\n"]
        cases.append("records:\n" + (0..<2_000).map { "  - {name: h\($0), type: A, value: 192.0.2.1}\n" }.joined())
        for text in cases { assertSame(text) }
        assertSame(Array("a: 1\nb: ".utf8) + [0xFF, 0xFE, 0x0A], name: "invalid UTF-8")
        assertSame([0x61, 0x3A, 0x20, 0x01, 0x0A], name: "a control character")
        var small = YAMLReader.Limits()
        small.maxDepth = 3
        small.maxExpandedNodes = 5
        for text in ["a: [[[x]]]\n", "a: [[x]]\n", "a: &a [x, y]\nb: [*a, *a]\n", "a: &a [x]\nb: [*a, *a]\n"] {
            let bytes = Array(text.utf8)
            XCTAssertEqual(Self.viaTree(bytes, limits: small).problems, YAMLReader.read(bytes, limits: small).problems)
            XCTAssertEqual(
                Self.viaTree(bytes, limits: small).documents, YAMLReader.read(bytes, limits: small).documents)
        }
    }

    /// Real manifests with one to three random changes each: values of every shape where others are expected,
    /// keys misspelt, duplicated, written with a Kelvin sign or merged in, lines dropped, doubled or indented.
    func testMutantsOfTheExamplesDecodeTheSame() {
        var random = SplitMix64(seed: 12)
        let values = [
            "~", "[1, 2]", "{a: 1}", "\"x\"", "''", "yes", "0755", "-1", "99999999999", "*nope", "&v x", "!!null x",
            "\"\\u212A\"", "[]", "{}", "1h", "[\"200-299\", 404]", "{<<: {a: 1}}", "|\n  block", "\"a\\tb\"",
        ]
        var count = 0
        for example in Self.examples {
            let lines = example.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<40 {
                var mutant = lines
                for _ in 0..<(1 + random.below(3)) {
                    let i = random.below(mutant.count)
                    let line = mutant[i]
                    switch random.below(8) {
                    case 0: mutant.remove(at: i)
                    case 1: mutant.insert(line, at: i)
                    case 2:
                        if let colon = line.firstIndex(of: ":") {
                            mutant[i] = String(line[...colon]) + " " + values[random.below(values.count)]
                        }
                    case 3:
                        if let colon = line.firstIndex(of: ":"), colon != line.startIndex {
                            mutant[i] = String(line[..<colon]) + "x" + String(line[colon...])
                        }
                    case 4: mutant[i] = line.replacingOccurrences(of: "K", with: "\u{212A}")
                    case 5: mutant[i] = "  " + line
                    case 6:
                        let indent = line.prefix { $0 == " " || $0 == "-" }.map { $0 == "-" ? " " : $0 }
                        mutant.insert(String(indent) + "<<: {extra: 1, name: merged}", at: i)
                    default:
                        let j = random.below(mutant.count)
                        mutant.swapAt(i, j)
                    }
                }
                assertSame(Array(mutant.joined(separator: "\n").utf8), name: example.path + " mutant")
                count += 1
            }
        }
        XCTAssertGreaterThan(count, 400)
    }
}

extension SplitMix64 {
    fileprivate mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
}
