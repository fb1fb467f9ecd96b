/// A failure of a test helper (a tool that exited non-zero, a socket call, an sshd that did not start), with the
/// reason as its description so that the failing test prints it.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
