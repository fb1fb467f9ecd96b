import Foundation

/// Runs a short-lived tool (git, ssh-keygen, sha256sum) to its end with Foundation's Process and reads its stdout;
/// stderr goes to /dev/null.
///
/// Process is fine for tools that exit on their own and keep the descriptors they are given. A long-running server
/// that closes its inherited descriptors, such as sshd, is started with posix_spawn instead: see `SSHTestServer`.
package enum ProcessRunner {
    /// What a tool left behind: its exit status and its stdout, as it wrote it.
    package struct Result: Sendable {
        package var status: Int32
        package var stdout: String
    }

    /// Runs `tool` with `args` (in `directory`, if given) to its end, whatever its exit status.
    package static func run(_ tool: String, _ args: [String], in directory: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self))
    }

    /// Runs `tool` to its end and returns its stdout; throws unless it exits 0.
    @discardableResult
    package static func output(_ tool: String, _ args: [String], in directory: URL? = nil) throws -> String {
        let result = try run(tool, args, in: directory)
        guard result.status == 0 else { throw TestSupportError("\(tool) \(args) exited \(result.status)") }
        return result.stdout
    }
}
