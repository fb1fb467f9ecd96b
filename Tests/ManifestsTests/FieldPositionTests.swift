import Manifests
import XCTest

/// Every field's position is kept by path (`Origin.location`), whatever the number of fields: a few are searched in
/// a list, many (a long list) through a table, and both must give the position where the value was written.
final class FieldPositionTests: XCTestCase {
    /// A WebApp with `domains` list items, a label and a php.ini setting; each expected position is counted from
    /// the text as written.
    private func webApp(domains: Int) -> (text: String, expected: [String: (line: Int, column: Int)]) {
        var lines = [
            "apiVersion: baton/v1",
            "kind: WebApp",
            "metadata:",
            "  name: shop",
            "  labels:",
            "    tier: gold",
            "spec:",
            "  account: acme",
            "  type: php",
            "  php:",
            "    ini: {memory_limit: 256M}",
            "  domains:",
        ]
        var expected: [String: (line: Int, column: Int)] = [
            "apiVersion": (1, 13), "kind": (2, 7), "metadata": (4, 3), "metadata.name": (4, 9),
            "metadata.labels": (6, 5), "metadata.labels.tier": (6, 5), "spec": (8, 3), "spec.account": (8, 12),
            "spec.type": (9, 9), "spec.php": (11, 5), "spec.php.ini": (11, 10), "spec.php.ini.memory_limit": (11, 11),
            "spec.domains": (13, 5),
        ]
        for i in 0..<domains {
            lines.append("    - d\(i).example")
            expected["spec.domains.\(i)"] = (lines.count, 7)
        }
        return (lines.joined(separator: "\n") + "\n", expected)
    }

    private func origin(_ text: String) throws -> Origin {
        let loaded = try ManifestLoader.load(InMemorySource(["accounts/acme/webapps.yaml": text]))
        XCTAssertEqual(loaded.diagnostics, [])
        return try XCTUnwrap(loaded.manifests.webApps.first?.origin)
    }

    func testEveryFieldIsFoundWhereItWasWrittenWithFewAndWithManyFields() throws {
        // 2 domains: a few fields, searched in a list; 60: more than the list's limit, found through a table.
        for count in [1, 2, 19, 20, 40, 60] {
            let (text, expected) = webApp(domains: count)
            let origin = try origin(text)
            for (path, mark) in expected {
                let location = origin.location(path)
                XCTAssertEqual(location.file, "accounts/acme/webapps.yaml")
                XCTAssertEqual(
                    [location.line, location.column], [mark.line, mark.column], "\(path) with \(count) domains")
            }
        }
    }

    func testAPathThatWasNotWrittenFallsBackToItsNearestWrittenParentThenToKind() throws {
        for count in [2, 60] {
            let origin = try origin(webApp(domains: count).text)
            let domains = [13, 5]
            let spec = [8, 3]
            let kind = [2, 7]
            // Items that do not exist, and spellings of an index that name no item.
            for path in [
                "spec.domains.\(count)", "spec.domains.01", "spec.domains.+1", "spec.domains.-1", "spec.domains.x",
            ] {
                XCTAssertEqual([origin.location(path).line, origin.location(path).column], domains, path)
            }
            // A key that only starts like a written one is another key.
            for path in ["spec.domainsX", "spec.domainsX.1", "spec.acc", "spec.ph"] {
                XCTAssertEqual([origin.location(path).line, origin.location(path).column], spec, path)
            }
            for path in ["specX", "specX.domains.1", "", "metadataX.name", ".spec"] {
                XCTAssertEqual([origin.location(path).line, origin.location(path).column], kind, path)
            }
            XCTAssertEqual([origin.location("spec.php.inix").line, origin.location("spec.php.inix").column], [11, 5])
            XCTAssertEqual(origin.location("metadata.labels.region").line, 6)
            XCTAssertEqual(origin.location("spec.php.ini.memory_limit.x").column, 11)
        }
    }

    func testALaterRecordOfTheSamePathWinsAndRemovalForgetsIt() {
        var marks = FieldMarks()
        XCTAssertTrue(marks.isEmpty)
        marks.record("spec", "home", Mark(line: 3, column: 9))
        marks.record("spec", "home", Mark(line: 7, column: 9))
        marks.record("spec.domains", index: 10, Mark(line: 9, column: 7))
        XCTAssertEqual(marks["spec.home"], Mark(line: 7, column: 9))
        XCTAssertEqual(marks["spec.domains.10"], Mark(line: 9, column: 7))
        XCTAssertNil(marks["spec.domains.1"])
        XCTAssertNil(marks["spec.domains.100"])
        XCTAssertEqual(marks.sealed()["spec.home"], Mark(line: 7, column: 9))
        var many = marks
        for i in 0..<50 { many.record("spec.domains", index: i, Mark(line: 100 + i, column: 7)) }
        many.record("spec", "home", Mark(line: 200, column: 9))
        let sealed = many.sealed()
        XCTAssertEqual(sealed["spec.home"], Mark(line: 200, column: 9))
        XCTAssertEqual(sealed["spec.domains.10"], Mark(line: 110, column: 7))
        XCTAssertEqual(sealed["spec.domains.49"], many["spec.domains.49"])
        XCTAssertNil(sealed["spec.domains.50"])
        marks.remove("spec.home")
        XCTAssertNil(marks["spec.home"])
        XCTAssertEqual(marks["spec.domains.10"], Mark(line: 9, column: 7))
    }

    /// The compact buffer answers as a table of paths where the last record wins would, sealed or not, with and
    /// without the table, after removals, for parents long and short, repeated or not, and keys that are
    /// prefixes of each other.
    func testTheMarksAgreeWithATableOfPathsOnRandomRecords() {
        var generator = SystemRandomNumberGenerator()
        let parents = [
            "", "spec", "metadata", "spec.php", "spec.php.ini", "spec.domains", "spec.placement.dns",
            String(repeating: "deep.", count: 40) + "end", "spec.é",
        ]
        let keys = ["a", "ab", "abc", "home", "name", "0", "1", "10", "x.y", "", "ключ"]
        for round in 0..<200 {
            var marks = FieldMarks()
            var reference: [String: Mark] = [:]
            let n = Int.random(in: 0...80, using: &generator)
            for _ in 0..<n {
                let parent = parents.randomElement(using: &generator)!
                let mark = Mark(
                    line: Int.random(in: 1...200_000, using: &generator),
                    column: Int.random(in: 1...300, using: &generator))
                let path: String
                if Bool.random(using: &generator) {
                    let index = Int.random(in: 0...1_000, using: &generator)
                    marks.record(parent, index: index, mark)
                    path = parent.isEmpty ? "\(index)" : parent + ".\(index)"
                } else {
                    let key = keys.randomElement(using: &generator)!
                    marks.record(parent, key, mark)
                    path = parent.isEmpty ? key : parent + "." + key
                }
                reference[path] = mark
            }
            if round % 3 == 0, let gone = reference.keys.randomElement(using: &generator) {
                marks.remove(gone)
                reference[gone] = nil
            }
            let probes =
                Array(reference.keys) + ["spec", "spec.", ".spec", "spec.domains.01", "deep", "spec.php.ini.x"]
            let sealed = marks.sealed()
            XCTAssertEqual(sealed, marks.sealed(), "sealing is deterministic")
            for path in probes {
                XCTAssertEqual(marks[path], reference[path], "round \(round): \(path)")
                XCTAssertEqual(sealed[path], reference[path], "round \(round), sealed: \(path)")
            }
            XCTAssertEqual(marks.isEmpty, reference.isEmpty)
        }
    }
}
