import CGit2

/// A libgit2 call that failed, with libgit2's own message, or Baton's where a callback knew better.
package struct GitError: Error, CustomStringConvertible, Sendable {
    package var code: Int32
    package var call: String
    package var message: String

    package init(code: Int32, call: String, message: String) {
        self.code = code
        self.call = call
        self.message = message
    }

    package var description: String { "\(call) failed: \(message)" }

    /// Not found (`GIT_ENOTFOUND`): an unknown revision or path.
    package var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    /// A push refused because the remote ref is not an ancestor of what was pushed (`GIT_ENONFASTFORWARD`),
    /// whether libgit2 saw it before sending or the remote rejected the update.
    package var isNonFastForward: Bool { code == GIT_ENONFASTFORWARD.rawValue }
    /// A compare-and-swap lost (`GIT_EMODIFIED`): the reference was not where the writer expected it.
    package var isMovedReference: Bool { code == GIT_EMODIFIED.rawValue }

    /// A lock file was in the way (`GIT_ELOCKED`): another writer is updating the reference, or one died doing it.
    package var isLocked: Bool { code == GIT_ELOCKED.rawValue }

    static func check(_ code: Int32, _ call: String) throws {
        guard code < 0 else { return }
        throw GitError(code: code, call: call, message: lastMessage(code))
    }

    static func lastMessage(_ code: Int32) -> String {
        git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(code)"
    }
}
