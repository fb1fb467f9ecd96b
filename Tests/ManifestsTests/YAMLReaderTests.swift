import Manifests
import XCTest

final class YAMLReaderTests: XCTestCase {
    func read(_ text: String) -> YAMLReader.Result { YAMLReader.read(Array(text.utf8)) }

    func testScalarsKeepTheTextAsWritten() throws {
        let result = read("mode: 0755\nflag: yes\nwhen: 2024-01-01\nversion: 8.10\nq: 'on'\n")
        XCTAssertEqual(result.problems, [])
        guard case .mapping(let pairs) = try XCTUnwrap(result.documents.first).root.content else {
            return XCTFail("not a mapping")
        }
        XCTAssertEqual(pairs.map { $0.value.scalar?.text }, ["0755", "yes", "2024-01-01", "8.10", "on"])
        XCTAssertEqual(pairs.last?.value.scalar?.style, .singleQuoted)
    }

    func testPositionsAreOneBased() throws {
        let result = read("a: 1\nb:\n  c: x\n")
        guard case .mapping(let pairs) = try XCTUnwrap(result.documents.first).root.content,
            case .mapping(let inner) = pairs[1].value.content
        else { return XCTFail("shape") }
        XCTAssertEqual(pairs[0].key.mark, Mark(line: 1, column: 1))
        XCTAssertEqual(inner[0].value.mark, Mark(line: 3, column: 6))
    }

    func testAliasReportsWhereItIsUsed() throws {
        let result = read("a: &x hello\nb: *x\n")
        guard case .mapping(let pairs) = try XCTUnwrap(result.documents.first).root.content else {
            return XCTFail("shape")
        }
        XCTAssertEqual(pairs[1].value.scalar?.text, "hello")
        XCTAssertEqual(pairs[1].value.mark, Mark(line: 2, column: 4))
    }

    func testMergeKeysMergeAndExplicitKeysWin() throws {
        let result = read("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n")
        XCTAssertEqual(result.problems, [])
        guard case .mapping(let pairs) = try XCTUnwrap(result.documents.first).root.content,
            case .mapping(let merged) = pairs[1].value.content
        else { return XCTFail("shape") }
        let values = Dictionary(uniqueKeysWithValues: merged.map { ($0.key.scalar!.text, $0.value.scalar!.text) })
        XCTAssertEqual(values, ["x": "1", "y": "3"])
    }

    func testDuplicateKeyNamesBothLines() {
        let result = read("a: 1\nb: 2\na: 3\n")
        XCTAssertEqual(result.problems.map(\.rule), ["yaml.duplicate-key"])
        XCTAssertEqual(result.problems.first?.mark.line, 3)
        XCTAssertTrue(result.problems.first?.message.contains("line 1") ?? false)
    }

    func testSyntaxErrorHasAPositionAndKeepsEarlierDocuments() {
        let result = read("a: 1\n---\nb: [1, 2\nc: 3\n")
        XCTAssertEqual(result.documents.count, 1)
        XCTAssertEqual(result.problems.map(\.rule), ["yaml.syntax"])
        XCTAssertGreaterThanOrEqual(result.problems.first?.mark.line ?? 0, 3)
    }

    func testInvalidUTF8IsAnEncodingProblemAtItsLine() {
        let result = YAMLReader.read(Array("a: 1\nb: ".utf8) + [0xFF, 0xFE, 0x0A])
        XCTAssertEqual(result.problems.map(\.rule), ["yaml.syntax"])
        XCTAssertEqual(result.problems.first?.mark.line, 2)
        XCTAssertTrue(result.problems.first?.hint.contains("UTF-8") ?? false)
    }

    func testAliasBombStopsWithAProblem() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        let result = read(text)
        XCTAssertEqual(result.problems.map(\.rule), ["yaml.alias"])
        XCTAssertEqual(result.documents.count, 0)
    }

    /// The limit counts what aliases expand to (issue 12, finding 8): a large document written out in full,
    /// as a Domain of 200,000 records is, has no alias to count.
    func testALargeDocumentWithoutAliasesIsNoAliasBomb() {
        var text = "records:\n"
        for i in 0..<200_000 { text += "  - {name: h\(i), type: A, value: 192.0.2.1}\n" }
        let result = read(text)
        XCTAssertEqual(result.problems, [])
        guard case .mapping(let pairs)? = result.documents.first?.root.content,
            case .sequence(let records)? = pairs.first?.value.content
        else { return XCTFail("no records") }
        XCTAssertEqual(records.count, 200_000)
    }

    func testTheAliasLimitCountsExpandedNodes() {
        let anchor = "a: &a [" + Array(repeating: "x", count: 999).joined(separator: ", ") + "]\n"
        // Each alias adds 1,000 nodes (the sequence and its items).
        let under = anchor + "b: [" + Array(repeating: "*a", count: 999).joined(separator: ", ") + "]\n"
        XCTAssertEqual(read(under).problems, [])
        let over = anchor + "b: [" + Array(repeating: "*a", count: 1_001).joined(separator: ", ") + "]\n"
        XCTAssertEqual(read(over).problems.map(\.rule), ["yaml.alias"])
    }

    func testDeepNestingIsRefused() {
        let result = read(String(repeating: "[", count: 10_000))
        XCTAssertEqual(result.problems.first?.rule, "yaml.too-deep")
    }

    /// Each level is shallow, but an alias puts a deep tree under another: the depth limit counts through it.
    func testDepthCountsThroughAliases() {
        let deep = String(repeating: "[", count: 150) + "x" + String(repeating: "]", count: 150)
        let nested = String(repeating: "[", count: 150) + "*a" + String(repeating: "]", count: 150)
        let result = read("a: &a \(deep)\nb: \(nested)\n")
        XCTAssertEqual(result.problems.map(\.rule), ["yaml.too-deep"])
        XCTAssertEqual(result.problems.first?.mark.line, 2)
        XCTAssertEqual(read("a: &a \(deep)\nb: [*a]\n").problems, [], "shallow uses of a deep anchor are fine")
    }

    func testEmptyInputHasNoDocumentsAndNoProblems() {
        XCTAssertEqual(read("").documents.count, 0)
        XCTAssertEqual(read("").problems, [])
        XCTAssertEqual(read("# only a comment\n").problems, [])
    }

    func testInvisibleLineBreaksAreRefused() {
        for separator in ["\u{2028}", "\u{2029}", "\u{85}", "\r"] {
            let result = read("a: 1\nb: 2 # comment\(separator)c: 3\n")
            XCTAssertEqual(result.problems.map(\.rule), ["yaml.syntax"], separator.debugDescription)
            XCTAssertEqual(result.problems.first?.mark.line, 2, separator.debugDescription)
        }
        XCTAssertEqual(read("a: 1\r\nb: 2\r\n").problems, [], "CRLF files are fine")
    }

    func testUndefinedAlias() {
        let result = read("a: *nothing\n")
        XCTAssertEqual(result.problems.map(\.rule), ["yaml.alias"])
    }
}
