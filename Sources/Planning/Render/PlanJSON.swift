import Foundation
import Manifests

/// The plan as JSON (`docs/plan-format.md`): stable key order, one schema per `formatVersion`. A saved plan
/// (`--out`) is this document; `apply --plan` reads it back.
package enum PlanJSON {
    struct Document: Codable {
        var formatVersion: Int
        var revision: String
        var appliedRevision: String?
        var appliedStateDigest: String
        var summary: [String: Int]
        var changes: [ChangeDTO]
        var notices: [NoticeDTO]
        var refusals: [RefusalDTO]
    }

    struct ChangeDTO: Codable {
        var server: String
        var action: Action
        var kind: String
        var name: String
        var account: String
        var from: FromDTO?
        var hash: String?
        var oldHash: String?
        var lastState: String?
        var previousUnknown: Bool
        var fields: [FieldDTO]
    }

    struct FromDTO: Codable {
        var name: String
        var account: String
        var owner: String?
    }

    struct FieldDTO: Codable {
        var field: String
        var old: ValueDTO?
        var new: ValueDTO?
        var forcesReplacement: Bool
    }

    /// A string, a list of strings, or `{"sensitive": "sha256:..."}`.
    enum ValueDTO: Codable {
        case scalar(String)
        case list([String])
        case sensitive(String)

        init(_ value: FieldValue) {
            switch value {
            case .scalar(let s): self = .scalar(s)
            case .list(let l): self = .list(l)
            case .sensitive(let d): self = .sensitive(d)
            }
        }

        var value: FieldValue {
            switch self {
            case .scalar(let s): .scalar(s)
            case .list(let l): .list(l)
            case .sensitive(let d): .sensitive(d)
            }
        }

        struct Sensitive: Codable { var sensitive: String }

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) {
                self = .scalar(s)
            } else if let l = try? c.decode([String].self) {
                self = .list(l)
            } else {
                self = .sensitive(try c.decode(Sensitive.self).sensitive)
            }
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .scalar(let s): try c.encode(s)
            case .list(let l): try c.encode(l)
            case .sensitive(let d): try c.encode(Sensitive(sensitive: d))
            }
        }
    }

    struct NoticeDTO: Codable {
        var reason: Plan.Notice.Reason
        var resource: String
        var message: String
    }

    struct RefusalDTO: Codable {
        var server: String
        var destructive: Int
        var managed: Int
        var threshold: Double
        var message: String
    }

    package static func render(_ plan: Plan) -> String {
        let document = Document(
            formatVersion: Plan.formatVersion, revision: plan.revision, appliedRevision: plan.appliedRevision,
            appliedStateDigest: plan.appliedDigest,
            summary: Dictionary(uniqueKeysWithValues: Action.allCases.map { ($0.rawValue, plan.count($0)) }),
            changes: plan.changes.map { c in
                ChangeDTO(
                    server: c.server, action: c.action, kind: c.id.kind.rawValue, name: c.id.name, account: c.account,
                    from: c.from.map { FromDTO(name: $0.name, account: $0.account, owner: $0.owner) }, hash: c.hash,
                    oldHash: c.oldHash, lastState: c.lastState, previousUnknown: c.previousUnknown,
                    fields: c.fields.map {
                        FieldDTO(
                            field: $0.field, old: $0.old.map(ValueDTO.init), new: $0.new.map(ValueDTO.init),
                            forcesReplacement: $0.forcesReplacement)
                    })
            },
            notices: plan.notices.map {
                NoticeDTO(reason: $0.reason, resource: $0.id.description, message: $0.message)
            },
            refusals: plan.refusals.map {
                RefusalDTO(
                    server: $0.server, destructive: $0.destructive, managed: $0.managed, threshold: $0.threshold,
                    message: $0.message)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    package struct FormatError: Error, CustomStringConvertible {
        package var description: String
    }

    /// Reads a saved plan back.
    package static func parse(_ bytes: [UInt8]) throws -> Plan {
        struct Version: Codable { var formatVersion: Int }
        let data = Data(bytes)
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw FormatError(description: "not a saved Baton plan (no formatVersion)")
        }
        guard version.formatVersion == Plan.formatVersion else {
            throw FormatError(
                description:
                    "the plan's formatVersion is \(version.formatVersion); this Baton reads \(Plan.formatVersion)")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw FormatError(description: "not a valid saved plan: \(error)")
        }
        return Plan(
            revision: document.revision, appliedRevision: document.appliedRevision,
            appliedDigest: document.appliedStateDigest,
            changes: try document.changes.map { c in
                guard let kind = Kind(rawValue: c.kind) else {
                    throw FormatError(description: "unknown kind '\(c.kind)' in the saved plan")
                }
                return Change(
                    action: c.action, id: ResourceID(kind, c.name), server: c.server, account: c.account,
                    from: c.from.map { Change.Origin(name: $0.name, account: $0.account, owner: $0.owner) },
                    fields: c.fields.map {
                        FieldChange(
                            field: $0.field, old: $0.old?.value, new: $0.new?.value,
                            forcesReplacement: $0.forcesReplacement)
                    }, hash: c.hash, oldHash: c.oldHash, lastState: c.lastState, previousUnknown: c.previousUnknown)
            },
            notices: try document.notices.map { n in
                guard let id = ResourceID(parsing: n.resource) else {
                    throw FormatError(description: "unknown resource '\(n.resource)' in the saved plan")
                }
                return Plan.Notice(reason: n.reason, id: id, message: n.message)
            },
            refusals: document.refusals.map {
                Plan.Refusal(
                    server: $0.server, destructive: $0.destructive, managed: $0.managed, threshold: $0.threshold)
            })
    }
}
