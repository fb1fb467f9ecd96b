import XCTest

@testable import Manifests

/// `YAMLText.quoted` copies plain ASCII whole and escapes the rest scalar by scalar: both ways give the same text,
/// and what they write reads back as the string it was.
final class YAMLTextTests: XCTestCase {
    /// Strings made of the characters around every boundary the two ways draw.
    func testTheWholeCopyAgreesWithTheScalarByScalarEscape() {
        let alphabet: [Unicode.Scalar] =
            [
                "a", "Z", "0", " ", "~", "\"", "\\", "\n", "\t", "\r", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}",
                "\u{A0}", "é", "\u{2028}", "\u{2029}", "\u{FEFF}", "😀", "-", ":", "#", "{", "'",
            ]
        var generator = SystemRandomNumberGenerator()
        for length in 0..<12 {
            for _ in 0..<400 {
                var text = String.UnicodeScalarView()
                for _ in 0..<length { text.append(alphabet.randomElement(using: &generator)!) }
                let s = String(text)
                XCTAssertEqual(YAMLText.quoted(s), YAMLText.escaped(s), "\(s.debugDescription)")
            }
        }
        XCTAssertEqual(YAMLText.quoted("a5671-shop.example"), "\"a5671-shop.example\"")
        XCTAssertEqual(YAMLText.quoted("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"")
        XCTAssertEqual(YAMLText.quoted("\u{7F}"), "\"\\u007f\"")
    }

    func testWhatIsWrittenReadsBackAsItWas() throws {
        for s in ["plain", "", "with \"quotes\" and \\", "tab\there", "\u{2028}", "ünï", "\u{1}\u{7F}\u{85}"] {
            let read = YAMLReader.read(Array("k: \(YAMLText.quoted(s))\n".utf8))
            XCTAssertEqual(read.problems, [], s.debugDescription)
            guard case .mapping(let pairs) = read.documents.first?.root.content else {
                return XCTFail("not a mapping: \(s.debugDescription)")
            }
            XCTAssertEqual(pairs.first?.value.scalar?.text, s)
        }
    }
}
