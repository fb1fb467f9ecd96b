import Backends
import Foundation
import Planning
import SSHTransport

/// Runs each server's script over one SSH connection, servers side by side, and reads back what happened to
/// every operation from the markers. Never throws for a server's fault: a server that cannot be reached or
/// whose host key does not match gets a result that says so, and its steps stay pending.
public enum Executor {
    public static func run(
        _ runs: [ServerRun], credentials: SSHCredentials, deadline: Int = 600,
        parallel: Int = SSHPool.defaultParallelism
    ) -> [ServerResult] {
        let nonce = String((0..<16).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
        var results: [String: ServerResult] = [:]
        for wave in Set(runs.map(\.wave)).sorted() {
            for result in runWave(
                runs.filter { $0.wave == wave }, nonce: nonce, credentials: credentials, deadline: deadline,
                parallel: parallel)
            {
                results[result.server] = result
            }
        }
        return runs.compactMap { results[$0.server] }
    }

    static func runWave(
        _ runs: [ServerRun], nonce: String, credentials: SSHCredentials, deadline: Int, parallel: Int
    ) -> [ServerResult] {
        SSHPool.forEach(runs, parallel: parallel) { run in
            let started = Date()
            let count = run.steps.count
            func failed(_ why: String, script: String = "") -> ServerResult {
                ServerResult(
                    server: run.server, states: Array(repeating: .aborted, count: count),
                    exitStatuses: Array(repeating: nil, count: count), failure: why, script: script, stdout: "",
                    stderr: "", seconds: Date().timeIntervalSince(started))
            }
            let rendered: (script: ScriptBuilder, count: Int)
            do {
                rendered = try Backend.script(run.steps, context: run.context, nonce: nonce, deadline: deadline)
            } catch {
                var result = failed("Baton could not render the script: \(error)")
                result.states = Array(repeating: .error, count: count)
                return result
            }
            let text = rendered.script.text
            do {
                let connection = try SSHConnection.connect(run.target, credentials: credentials)
                defer { connection.close() }
                // Baton waits a little longer than the server's own watchdog, which reports what ran.
                let result = try connection.run(text, timeout: .seconds(deadline + 15))
                let report = RunReport.parse(
                    stdout: result.stdout, nonce: nonce, count: count,
                    timedOut: result.timedOut || result.exitSignal == "KILL")
                return ServerResult(
                    server: run.server, states: report.operations.map(\.state),
                    exitStatuses: report.operations.map(\.exitStatus),
                    failure: result.connectionLost.map { "the connection was lost: \($0)" }, script: text,
                    stdout: String(decoding: result.stdout, as: UTF8.self),
                    stderr: String(decoding: result.stderr, as: UTF8.self), seconds: Date().timeIntervalSince(started))
            } catch {
                return failed("\(run.server) (\(run.target)): \(error)", script: text)
            }
        }
    }
}
