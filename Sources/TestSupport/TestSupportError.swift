/// A failure of a test helper (a tool that exited non-zero, a socket call, an sshd that did not start), with the
/// reason as its description so that the failing test prints it.
package struct TestSupportError: Error, CustomStringConvertible, Sendable {
    package var description: String
    package init(_ description: String) { self.description = description }
}
