import Backends
import Foundation

/// Runs a script with a real `/bin/sh` (killed after `timeout` seconds) and returns what it printed.
enum TestShell {
    static func run(_ script: ScriptBuilder, timeout: Int? = nil) throws -> (stdout: [UInt8], stderr: String) {
        let result = try execute(script, timeout: timeout)
        return (result.stdout, result.stderr)
    }

    /// `/bin/sh OPTIONS` (`-s` runs the script, `-n` only parses it) in `directory`, with its exit status.
    static func execute(
        _ script: ScriptBuilder, options: [String] = ["-s"], in directory: URL? = nil, timeout: Int? = nil
    ) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        try pipe(
            script, through: ["/usr/bin/timeout", "-s", "KILL", String(timeout ?? 30), "/bin/sh"] + options,
            in: directory)
    }

    /// The script on the stdin of `command` (a path, then its arguments), to its end.
    static func pipe(_ script: ScriptBuilder, through command: [String], in directory: URL? = nil) throws -> (
        status: Int32, stdout: [UInt8], stderr: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = directory
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(script.bytes))
        try input.fileHandleForWriting.close()
        // Both streams drained at once: a full stderr pipe would block the shell.
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            box.data = errors.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return (process.terminationStatus, [UInt8](data), String(decoding: box.data, as: UTF8.self))
    }

    final class Box: @unchecked Sendable { var data = Data() }
}
