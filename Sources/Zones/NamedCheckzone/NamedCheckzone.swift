import Foundation

/// BIND's `named-checkzone`, the validator of record: run on a rendered zone passed on standard input.
package struct NamedCheckzone: Sendable {
    package var executable: String

    package init(executable: String) {
        self.executable = executable
    }

    /// The first `named-checkzone` on PATH, then the Debian locations; nil when bind9-utils is absent.
    package static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> NamedCheckzone? {
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for dir in path + ["/usr/bin", "/usr/sbin"] {
            let candidate = dir + "/named-checkzone"
            if FileManager.default.isExecutableFile(atPath: candidate) { return NamedCheckzone(executable: candidate) }
        }
        return nil
    }

    /// `named-checkzone -v`: part of cache keys, so that an upgraded BIND checks everything again.
    package var version: String {
        ((try? run(["-v"], input: nil))?.text ?? "unknown").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checks zone text; messages name `fileName` where BIND said `/dev/stdin`.
    package func check(text: String, origin: String, options: ZoneCheckOptions, fileName: String) throws
        -> ZoneCheckReport
    {
        let output = try run(options.namedCheckzoneArguments + [origin, "/dev/stdin"], input: text)
        var report = NamedCheckzoneOutput.parse(output.text, exitCode: output.status, zone: origin, options: options)
        for i in report.messages.indices where report.messages[i].file == "/dev/stdin" {
            report.messages[i].file = fileName
        }
        return report
    }

    /// Checks a zone file; `$INCLUDE` paths resolve against the current folder, as BIND's do.
    package func check(path: String, origin: String, options: ZoneCheckOptions) throws -> ZoneCheckReport {
        let output = try run(options.namedCheckzoneArguments + [origin, path], input: nil)
        return NamedCheckzoneOutput.parse(output.text, exitCode: output.status, zone: origin, options: options)
    }

    /// Loads a zone file as BIND would and returns its records in canonical form (`-D`): absolute names,
    /// explicit TTLs, one record a line. Only loading problems fail it: the other checks are import's business.
    package func dump(path: String, origin: String) throws -> (report: ZoneCheckReport, records: [CanonicalRecord]) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("baton-dump-\(UUID().uuidString)").path
        return try ChildProcesses.temporary(out) {
            let output = try run(
                ZoneCheckOptions.loadOnly.namedCheckzoneArguments + ["-D", "-o", out, origin, path], input: nil)
            let report = NamedCheckzoneOutput.parse(
                output.text, exitCode: output.status, zone: origin, options: .loadOnly)
            let dump = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            return (report, report.loaded ? CanonicalRecord.parse(dump: dump) : [])
        }
    }

    func run(_ arguments: [String], input: String?) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = stdout
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        return try ChildProcesses.track(process) { try wait(process, stdout: stdout, stdin: stdin, input: input) }
    }

    private func wait(_ process: Process, stdout: Pipe, stdin: Pipe, input: String?) throws -> (
        status: Int32, text: String
    ) {
        if let input {
            // Written on its own thread: a zone larger than the pipe buffer would otherwise deadlock
            // against named-checkzone writing its output.
            let writer = stdin.fileHandleForWriting
            let data = Data(input.utf8)
            let thread = Thread {
                // named-checkzone may stop reading at its first fatal error; the write then fails (EPIPE,
                // SIGPIPE being ignored by the CLI) and its output still tells why.
                try? writer.write(contentsOf: data)
                try? writer.close()
            }
            thread.start()
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        // BIND's tools exit 0 or 1; a signal or any other status means the tool itself failed, and its
        // output says nothing about the zone.
        guard process.terminationReason == .exit, process.terminationStatus == 0 || process.terminationStatus == 1
        else {
            throw Failure(
                executable: executable,
                status: process.terminationReason == .exit
                    ? "exit status \(process.terminationStatus)" : "signal \(process.terminationStatus)",
                output: text)
        }
        return (process.terminationStatus, text)
    }

    /// The tool ran but failed as a program (crashed, missing libraries, killed).
    package struct Failure: Error, CustomStringConvertible {
        package var executable: String
        package var status: String
        package var output: String

        package var description: String {
            let first = output.split(whereSeparator: \.isNewline).first.map { ": \($0)" } ?? ""
            return "\(executable) failed (\(status))\(first)"
        }
    }
}
