import CGit2

/// Who a commit or note is by; the time is always the moment of writing.
package struct GitSignature: Sendable, Hashable {
    package var name: String
    package var email: String

    package static let baton = GitSignature(name: "Baton", email: "baton@localhost")

    package init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// A libgit2 signature for the duration of `body`.
    func withSignature<T>(_ body: (UnsafeMutablePointer<git_signature>) throws -> T) throws -> T {
        var signature: UnsafeMutablePointer<git_signature>?
        try GitError.check(git_signature_now(&signature, name, email), "git_signature_now(\(name) <\(email)>)")
        defer { git_signature_free(signature) }
        return try body(signature!)
    }
}
