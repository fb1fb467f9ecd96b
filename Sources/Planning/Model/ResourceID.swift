import Manifests

/// A resource's identity: its kind and name. The file it is written in is not part of it, so moving a
/// manifest to another file changes nothing.
package struct ResourceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var kind: Kind
    package var name: String

    package init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `Domain/acme.example`, as status files and the plan's JSON write it.
    package var description: String { "\(kind.rawValue)/\(name)" }

    package init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/"), let kind = Kind(rawValue: String(text[..<slash])) else {
            return nil
        }
        self.init(kind, String(text[text.index(after: slash)...]))
    }

    package static func < (a: Self, b: Self) -> Bool { (a.kind, a.name) < (b.kind, b.name) }
}
