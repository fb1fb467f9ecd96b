import Foundation
import Manifests
import XCTest

/// `schemas/*.schema.json` and the decoder must accept exactly the same field names.
final class SchemaAgreementTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func schema(_ kind: Kind) throws -> [String: Any] {
        let url = Self.root.appendingPathComponent("schemas").appendingPathComponent(kind.schemaFile)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try XCTUnwrap(object as? [String: Any], "\(kind.schemaFile) is not a JSON object")
    }

    /// Follows `spec.soa` or `spec.records[]` through properties, items and local `$ref`s.
    func object(at path: String, in schema: [String: Any]) throws -> [String: Any] {
        var node = schema
        func resolve(_ n: [String: Any]) throws -> [String: Any] {
            guard let ref = n["$ref"] as? String else { return n }
            let name = try XCTUnwrap(ref.split(separator: "/").last.map(String.init))
            let defs = try XCTUnwrap(schema["$defs"] as? [String: Any])
            return try resolve(XCTUnwrap(defs[name] as? [String: Any], "missing $defs/\(name)"))
        }
        for part in path.split(separator: ".") {
            let isList = part.hasSuffix("[]")
            let key = isList ? String(part.dropLast(2)) : String(part)
            let properties = try XCTUnwrap(
                try resolve(node)["properties"] as? [String: Any], "no properties above \(key)")
            node = try resolve(XCTUnwrap(properties[key] as? [String: Any], "schema has no '\(key)' in \(path)"))
            if isList { node = try resolve(XCTUnwrap(node["items"] as? [String: Any], "\(key) has no items")) }
        }
        return try resolve(node)
    }

    func keys(of object: [String: Any]) -> Set<String> {
        Set((object["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
    }

    func testEveryKindHasASchema() throws {
        for kind in Kind.allCases {
            let s = try schema(kind)
            XCTAssertEqual(s["$schema"] as? String, "https://json-schema.org/draft/2020-12/schema", kind.rawValue)
            let kindProperty = try object(at: "kind", in: s)
            XCTAssertEqual(kindProperty["const"] as? String, kind.rawValue)
        }
    }

    func testFieldNamesAgreeWithTheDecoder() throws {
        for kind in Kind.allCases {
            let s = try schema(kind)
            XCTAssertEqual(keys(of: s), Set(ManifestSchema.envelope), "\(kind.rawValue): envelope")
            XCTAssertEqual(
                keys(of: try object(at: "metadata", in: s)), Set(ManifestSchema.metadata), "\(kind.rawValue): metadata")
            for (path, fields) in ManifestSchema.objects(of: kind) {
                let schemaKeys = keys(of: try object(at: path, in: s))
                XCTAssertEqual(schemaKeys, Set(fields), "\(kind.rawValue): \(path)")
            }
        }
    }

    func testRecordTypesAgree() throws {
        let type = try object(at: "spec.records[].type", in: try schema(.domain))
        XCTAssertEqual(type["enum"] as? [String], RecordType.allCases.map(\.rawValue))
    }

    /// The other direction: every object the schema declares with properties is one the decoder reads.
    func testSchemaDeclaresNoObjectTheDecoderIgnores() throws {
        for kind in Kind.allCases {
            let spec = try object(at: "spec", in: try schema(kind))
            let known = ManifestSchema.objects(of: kind)
            for (key, value) in (spec["properties"] as? [String: Any]) ?? [:] {
                guard let child = value as? [String: Any] else { continue }
                if child["properties"] != nil {
                    XCTAssertNotNil(
                        known["spec.\(key)"], "\(kind.rawValue): schema object spec.\(key) unknown to the decoder")
                }
                if let items = child["items"] as? [String: Any], items["properties"] != nil {
                    XCTAssertNotNil(
                        known["spec.\(key)[]"], "\(kind.rawValue): schema list spec.\(key) unknown to the decoder")
                }
            }
        }
    }
}
