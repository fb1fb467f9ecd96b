import Backends
import Foundation
import Planning
import SSHTransport

/// Runs each server's script over one SSH connection, servers side by side, and reads back what happened to
/// every operation from the markers. Never throws for a server's fault: a server that cannot be reached or
/// whose host key does not match gets a result that says so, and its steps stay pending.
package enum Executor {
    package static func run(
        _ runs: [ServerRun], credentials: SSHCredentials, deadline: Int = 600,
        parallel: Int = SSHPool.defaultParallelism, connector: RemoteConnector = .ssh
    ) -> [ServerResult] {
        let nonce = String((0..<16).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        // A server of the second wave waits for the servers that load primary zones in this run, not for the
        // others (a web server's run is the longest and has nothing to do with a zone transfer). The pool takes
        // the runs in order, so every run it waits for has a thread before it takes one.
        let ordered = runs.sorted { $0.wave < $1.wave }
        let primaries = DispatchGroup()
        let loadsPrimaries = ordered.map { $0.wave == 0 && $0.loadsPrimaryZones }
        for loads in loadsPrimaries where loads { primaries.enter() }
        let results = SSHPool.forEach(Array(zip(ordered, loadsPrimaries)), parallel: parallel) { run, loads in
            if run.wave > 0 { primaries.wait() }
            defer { if loads { primaries.leave() } }
            return runOne(run, nonce: nonce, credentials: credentials, deadline: deadline, connector: connector)
        }
        let byServer = Dictionary(results.map { ($0.server, $0) }, uniquingKeysWith: { a, _ in a })
        return runs.compactMap { byServer[$0.server] }
    }

    static func runOne(
        _ run: ServerRun, nonce: String, credentials: SSHCredentials, deadline: Int, connector: RemoteConnector
    ) -> ServerResult {
        let started = Date()
        let count = run.steps.count
        func failed(_ why: String, _ kind: ServerFailure.Kind, script: String = "") -> ServerResult {
            ServerResult(
                server: run.server, states: Array(repeating: .aborted, count: count),
                exitStatuses: Array(repeating: nil, count: count), failure: why, failureKind: kind, script: script,
                stdout: "", stderr: "", seconds: Date().timeIntervalSince(started))
        }
        let rendered: (script: ScriptBuilder, count: Int)
        do {
            var journal = run.journal
            journal?.header.nonce = nonce
            rendered = try Backend.script(
                run.steps, context: run.context, nonce: nonce, deadline: deadline, journal: journal)
        } catch {
            var result = failed("Baton could not render the script: \(error)", .other)
            result.states = Array(repeating: .error, count: count)
            return result
        }
        let text = rendered.script.text
        do {
            let connection = try connector.connect(run.target, credentials)
            defer { connection.close() }
            // Baton waits a little longer than the server's own watchdog, which reports what ran.
            let result = try connection.run(text, stdin: nil, timeout: .seconds(deadline + 15))
            let report = RunReport.parse(
                stdout: result.stdout, nonce: nonce, count: count,
                timedOut: result.timedOut || result.exitSignal == "KILL")
            return ServerResult(
                server: run.server, states: report.operations.map(\.state),
                exitStatuses: report.operations.map(\.exitStatus),
                failure: result.connectionLost.map { "the connection was lost: \($0)" },
                failureKind: result.connectionLost == nil ? nil : .connectionLost, script: text,
                stdout: String(decoding: result.stdout, as: UTF8.self),
                stderr: String(decoding: result.stderr, as: UTF8.self), seconds: Date().timeIntervalSince(started),
                serials: RunReport.serials(result.stderr, nonce: nonce))
        } catch {
            return failed("\(run.server) (\(run.target)): \(error)", ServerFailure.kind(of: error), script: text)
        }
    }

    /// The journals each server keeps of earlier runs (`ServerJournal`), read over one connection per server,
    /// servers side by side. A server that cannot be read gets its error: its runs may not be recorded, and
    /// what runs there next must wait.
    package static func readJournals(
        _ runs: [ServerRun], credentials: SSHCredentials, parallel: Int = SSHPool.defaultParallelism,
        connector: RemoteConnector = .ssh
    ) -> [String: Result<[(name: String, text: String)], JournalError>] {
        let tag = String((0..<16).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        let read = SSHPool.forEach(runs, parallel: parallel) {
            run -> (String, Result<[(name: String, text: String)], JournalError>) in
            do {
                let layout = run.context.layout
                let script = try ServerJournal.readScript(
                    folder: layout.state + "/journal", runs: layout.state + "/runs", tag: tag)
                let connection = try connector.connect(run.target, credentials)
                defer { connection.close() }
                let result = try connection.run(script.text, stdin: nil, timeout: .seconds(60))
                guard result.exitStatus == 0, result.connectionLost == nil, !result.timedOut else {
                    let why = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(
                        in: .whitespacesAndNewlines)
                    return (
                        run.server,
                        .failure(JournalError(description: why.isEmpty ? "its journal could not be read" : why))
                    )
                }
                guard let journals = ServerJournal.split(result.stdout, tag: tag) else {
                    return (
                        run.server,
                        .failure(
                            JournalError(description: "its journals were read only in part: the output ended early"))
                    )
                }
                return (run.server, .success(journals))
            } catch {
                return (
                    run.server,
                    .failure(
                        JournalError(
                            description: "\(run.server) (\(run.target)): \(error)", kind: ServerFailure.kind(of: error))
                    )
                )
            }
        }
        return Dictionary(read, uniquingKeysWith: { a, _ in a })
    }
}

package struct JournalError: Error, CustomStringConvertible, Sendable {
    package var description: String
    /// Why, as a kind: a server that cannot be reached, or one whose journal script failed (`other`).
    package var kind: ServerFailure.Kind = .other
}
