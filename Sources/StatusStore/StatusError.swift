import Manifests

/// A status-branch file Baton cannot read: where, what, and how to recover.
package struct StatusError: Error, CustomStringConvertible, Sendable {
    package var file: String
    package var mark: Mark?
    package var message: String
    package var hint: String

    package init(file: String, mark: Mark? = nil, message: String, hint: String = StatusError.recovery) {
        self.file = file
        self.mark = mark
        self.message = message
        self.hint = hint
    }

    package static let recovery =
        "only Baton writes the status branch: restore the file from an earlier commit of the branch "
        + "(git log baton/status), or delete the branch to plan everything as new"

    package var description: String {
        let position = mark.map { ":\($0.line):\($0.column)" } ?? ""
        return "\(file)\(position): error: \(message) [status.format]; \(hint)"
    }
}
