/// What the markers on a run script's stdout say happened to each operation.
package struct RunReport: Sendable, Hashable {
    /// Run states, as django-orchestra's backend logs name them.
    package enum State: String, Sendable, Hashable, CaseIterable {
        case received = "RECEIVED"
        case started = "STARTED"
        case success = "SUCCESS"
        case failure = "FAILURE"
        case error = "ERROR"
        case timeout = "TIMEOUT"
        case aborted = "ABORTED"
        case nothing = "NOTHING"
    }

    package struct Outcome: Sendable, Hashable {
        package var state: State
        package var exitStatus: Int32?
    }

    /// Per operation, in order.
    package var operations: [Outcome]
    /// The script reached its end.
    package var finished: Bool

    /// Reads the markers of `nonce` from stdout: `RECEIVED <count>`, per operation `<i> STARTED`, `<i> SKIPPED`
    /// and `<i> END <status>`, or `<i> END 0 DEFERRED` followed later by `<i> VERDICT <status>` (an operation that
    /// staged files for the run's batched check), then `FINISH STARTED`, `FINISH END <status>` and `DONE`. A
    /// deferred operation without its verdict counts as one that never ended. `timedOut`: the transport stopped waiting, so an operation
    /// that started and never ended timed out, and the ones after it never ran.
    package static func parse(stdout: [UInt8], nonce: String, count: Int, timedOut: Bool) -> RunReport {
        var outcomes = [Outcome](repeating: Outcome(state: .received, exitStatus: nil), count: count)
        var received = false
        var finished = false
        var finishStatus: Int32?
        var finishStarted = false
        let prefix = "@@BATON \(nonce) "
        for line in String(decoding: stdout, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
            let words = line.dropFirst(prefix.count).split(separator: " ")
            guard let first = words.first else { continue }
            if first == "RECEIVED" {
                received = true
                continue
            }
            if first == "DONE" {
                finished = true
                continue
            }
            if first == "FINISH" {
                if words.count >= 2, words[1] == "STARTED" { finishStarted = true }
                if words.count >= 3, words[1] == "END" { finishStatus = Int32(words[2]) }
                continue
            }
            guard let index = Int(first), outcomes.indices.contains(index), words.count >= 2 else { continue }
            switch words[1] {
            case "STARTED": outcomes[index].state = .started
            case "SKIPPED": outcomes[index].state = .aborted
            case "END":
                let status = words.count > 2 ? Int32(words[2]) : nil
                outcomes[index].exitStatus = status
                // `END 0 DEFERRED`: it ran, and its files wait for the run's batched check: still started.
                let deferred = status == 0 && words.count > 3 && words[3] == "DEFERRED"
                outcomes[index].state = deferred ? .started : status == 0 ? .success : .failure
            case "VERDICT":
                // The late verdict of a deferred operation; it counts only for one that is waiting for it.
                guard outcomes[index].state == .started, words.count > 2, let status = Int32(words[2]) else { continue }
                outcomes[index].exitStatus = status
                outcomes[index].state = status == 0 ? .success : .failure
            default: continue
            }
        }
        // The finish step (reloading the daemons) failed or never ended: nothing of this run is live.
        if finishStarted, finishStatus != 0 {
            for i in outcomes.indices where outcomes[i].state == .success {
                outcomes[i].state = finishStatus == nil ? (timedOut ? .timeout : .error) : .failure
            }
        }
        for i in outcomes.indices where outcomes[i].state == .started {
            outcomes[i].state = timedOut ? .timeout : .error
        }
        if !received {
            for i in outcomes.indices { outcomes[i].state = .error }
        } else if !finished {
            // Never reached: the connection or the deadline ended the script first.
            for i in outcomes.indices where outcomes[i].state == .received { outcomes[i].state = .aborted }
        }
        return RunReport(operations: outcomes, finished: finished)
    }

    /// The serials the run's zone operations wrote: `@@BATON <nonce> SERIAL <origin> <serial>` lines, which
    /// an operation prints on its output (stderr) and into the journal.
    package static func serials(_ output: [UInt8], nonce: String) -> [String: UInt32] {
        let prefix = "@@BATON \(nonce) SERIAL "
        var serials: [String: UInt32] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
            let words = line.dropFirst(prefix.count).split(separator: " ")
            guard words.count == 2, let serial = UInt32(words[1]) else { continue }
            serials[String(words[0])] = serial
        }
        return serials
    }
}
