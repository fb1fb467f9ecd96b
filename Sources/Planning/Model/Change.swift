import Manifests

/// What the plan does to one resource on one server.
package enum Action: String, Sendable, Hashable, CaseIterable, Codable {
    case create
    case update
    /// A resource that changed owner (a domain to another account, a web app to another user, or a web app
    /// renamed in place): one change that knows the old place, so the backend can clean it up.
    case move
    /// Deleted and created again: a field changed that cannot change in place.
    case replace
    case delete

    /// `+`, `~`, `->`, `-/+`, `-`.
    package var symbol: String {
        switch self {
        case .create: "+"
        case .update: "~"
        case .move: "->"
        case .replace: "-/+"
        case .delete: "-"
        }
    }

    package var isDestructive: Bool { self == .delete || self == .replace }
}

/// A field whose value changes: old and new, either nil when absent. Secrets compare by digest and print as
/// `(sensitive)`.
package struct FieldChange: Sendable, Hashable {
    package var field: String
    package var old: FieldValue?
    package var new: FieldValue?
    /// This field cannot change in place: it is why the change is a replace.
    package var forcesReplacement: Bool

    package init(field: String, old: FieldValue?, new: FieldValue?, forcesReplacement: Bool = false) {
        self.field = field
        self.old = old
        self.new = new
        self.forcesReplacement = forcesReplacement
    }
}

/// One change of the plan.
package struct Change: Sendable, Hashable {
    package var action: Action
    package var id: ResourceID
    package var server: String
    package var account: String
    /// For a move: the name, account and owner (the user of a web app) the resource had.
    package var from: Origin?
    package var fields: [FieldChange]
    /// The hash of the resource's applied form after the change; nil for a delete.
    package var hash: String?
    /// The hash the inventory holds; nil for a create.
    package var oldHash: String?
    /// The state the status branch last recorded for it (`Failed`, `Pending`), when not `Applied`.
    package var lastState: String?
    /// True when the field-level diff could not be made because the revision last applied is not in the
    /// repository (a shallow clone, or history rewritten and collected).
    package var previousUnknown: Bool

    package struct Origin: Sendable, Hashable {
        package var name: String
        package var account: String
        package var owner: String?

        package init(name: String, account: String, owner: String? = nil) {
            self.name = name
            self.account = account
            self.owner = owner
        }
    }

    package init(
        action: Action, id: ResourceID, server: String, account: String, from: Origin? = nil,
        fields: [FieldChange] = [], hash: String? = nil, oldHash: String? = nil, lastState: String? = nil,
        previousUnknown: Bool = false
    ) {
        self.action = action
        self.id = id
        self.server = server
        self.account = account
        self.from = from
        self.fields = fields
        self.hash = hash
        self.oldHash = oldHash
        self.lastState = lastState
        self.previousUnknown = previousUnknown
    }
}
