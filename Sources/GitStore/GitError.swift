import CGit2

/// A libgit2 call that failed, with libgit2's own message.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var call: String
    public var message: String

    public var description: String { "\(call) failed: \(message)" }

    /// Not found (`GIT_ENOTFOUND`): an unknown revision or path.
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    static func check(_ code: Int32, _ call: String) throws {
        guard code < 0 else { return }
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(code)"
        throw GitError(code: code, call: call, message: message)
    }
}
