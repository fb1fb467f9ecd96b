import CSSH2

extension SSHConnection {
    /// The command sent in the exec request. The server's login shell starts `sh`, which reads a length line and
    /// then exactly that many bytes of script from stdin into a file of its own (`mktemp`, mode 0600), and runs
    /// it with `.` only when every byte came; the rest of stdin is the script's. The script's first line
    /// (`scriptPrefix`) removes the file, which the shell holds open (close-on-exec) and reads as it goes.
    ///
    /// Why not `sh -c SCRIPT`: Linux limits one argument to 128 KiB, so scripts carrying file contents would
    /// fail, and every local user could read the script in /proc/PID/cmdline. Why not `sh -s` fed the script:
    /// any command in it that reads stdin would swallow the rest of the script, and the script could not have
    /// stdin of its own. Why not the script in a variable, evaluated (as before): the shell then holds the whole
    /// script, three times over, and every process it forks copies that memory's page tables: in a first apply
    /// of 10,000 accounts web1's shell grew to 494 MB, and each of the run's hundreds of thousands of forks cost
    /// time in proportion, so the run grew with the square of its size. Read from a
    /// file, the shell holds one operation at a time. `.` is the last command of the list (not followed by
    /// `||`), so that `set -e` keeps its meaning inside the script. `head -c` of GNU coreutils reads no further
    /// than asked.
    package static let bootstrap =
        #"sh -c 'IFS= read -r n && baton_script=$(mktemp) && trap "rm -f \"\$baton_script\"" EXIT && "#
        + #"trap "exit 1" HUP INT TERM PIPE && { head -c "$n" > "$baton_script" && "#
        + #"[ "$(wc -c < "$baton_script")" -eq "$n" ] || exit 1; } && . "$baton_script"'"#

    /// The first line of every script: the file it came in is removed at once, and the bootstrap's traps
    /// (which removed the file on an early end) are the defaults again.
    package static let scriptPrefix =
        #"rm -f -- "$baton_script"; trap - EXIT HUP INT TERM PIPE; unset baton_script"#
        + "\n"

    /// Runs `script` with the server's `sh` and returns its output, exit status and duration.
    ///
    /// stdout and stderr are read as they come, side by side with writing `stdin`, so a script may write
    /// megabytes to both (or read while writing) without either side stalling. When `timeout` passes first, the
    /// connection is cut and the result says `timedOut` with the output read so far (also when the deadline
    /// passed before the script started); killing what still runs on the server is up to the script (e.g.
    /// `timeout(1)`), since libssh2 1.10 cannot signal a remote process. When the connection breaks after the
    /// script started, the result says `connectionLost`. Both leave the connection closed. Throws `SSHError` when
    /// the connection was closed already or the server refused the channel or the command.
    /// Blocks on libgit2 or libssh2: call it from a thread of its own or a blocking pool, never from a task.
    @available(*, noasync)
    package func run(_ script: String, stdin: [UInt8]? = nil, timeout: Duration) throws -> SSHResult {
        let io = try liveIO()
        let started = ContinuousClock.now
        let deadline = Deadline(after: timeout)
        var result = SSHResult()

        func giveUp(timedOut: Bool, lost: String? = nil) -> SSHResult {
            tearDown(
                reason: timedOut ? "a command timed out after \(timeout)" : "the connection broke: \(lost ?? "")",
                graceful: false)
            result.timedOut = timedOut
            result.connectionLost = lost
            result.exitStatus = nil
            result.duration = started.duration(to: .now)
            return result
        }

        let window = CSSH2_CHANNEL_WINDOW_DEFAULT
        let packet = CSSH2_CHANNEL_PACKET_DEFAULT
        guard
            let opened = io.retryHandle(
                until: deadline, { libssh2_channel_open_ex(io.session, "session", 7, window, packet, nil, 0) })
        else { return giveUp(timedOut: true) }
        guard let channel = opened else {
            throw failure(io, "opening a channel") { SSHError.channelFailed(reason: $0) }
        }

        let command = Self.bootstrap
        guard
            let execStatus = io.retry(
                until: deadline,
                {
                    libssh2_channel_process_startup(channel, "exec", 4, command, UInt32(command.utf8.count))
                })
        else { return giveUp(timedOut: true) }
        guard execStatus == 0 else {
            let error = failure(io, "starting the command") { SSHError.channelFailed(reason: $0) }
            if isOpen { _ = io.retry(until: Deadline(after: .seconds(1))) { libssh2_channel_free(channel) } }
            throw error
        }

        let scriptBytes = Array((Self.scriptPrefix + script).utf8)
        let input = Array("\(scriptBytes.count)\n".utf8) + scriptBytes + (stdin ?? [])
        switch exchange(io, channel, input: input, result: &result, deadline: deadline) {
        case .finished: break
        case .timedOut: return giveUp(timedOut: true)
        case .lost(let reason): return giveUp(timedOut: false, lost: reason)
        }

        // The remote side sent EOF; its CLOSE follows once the command has exited, after its exit status.
        guard let closed = io.retry(until: deadline, { libssh2_channel_close(channel) }) else {
            return giveUp(timedOut: true)
        }
        guard closed == 0 else { return giveUp(timedOut: false, lost: io.lastError.message) }
        _ = io.retry(until: deadline) { libssh2_channel_wait_closed(channel) }

        var signal: UnsafeMutablePointer<CChar>? = nil
        var signalLength = 0
        _ = libssh2_channel_get_exit_signal(channel, &signal, &signalLength, nil, nil, nil, nil)
        if let signal {
            result.exitSignal = String(
                decoding: UnsafeRawBufferPointer(start: signal, count: signalLength), as: UTF8.self)
            libssh2_free(io.session, signal)
        } else {
            result.exitStatus = libssh2_channel_get_exit_status(channel)
        }
        _ = io.retry(until: Deadline(after: .seconds(1))) { libssh2_channel_free(channel) }
        result.duration = started.duration(to: .now)
        return result
    }

    private enum Exchange {
        case finished
        case timedOut
        case lost(String)
    }

    /// Feeds `input` and then EOF to the channel while draining stdout and stderr, until the remote side's EOF.
    private func exchange(
        _ io: SessionIO, _ channel: OpaquePointer, input: [UInt8], result: inout SSHResult, deadline: Deadline
    ) -> Exchange {
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bufferSize)
        defer { buffer.deallocate() }
        var offset = 0
        var inputDone = false

        /// Reads what is there from one stream; nil when fine, else why the connection broke.
        func drain(_ stream: Int32, into output: inout [UInt8], progress: inout Bool) -> String? {
            while true {
                let count = libssh2_channel_read_ex(channel, stream, buffer, bufferSize)
                if count > 0 {
                    output.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: count))
                    progress = true
                    continue
                }
                if count == 0 || count == Int(LIBSSH2_ERROR_EAGAIN) { return nil }
                return io.lastError.message
            }
        }

        while true {
            // Checked even while data flows, so an endless stream of output cannot outlive the deadline.
            if deadline.hasPassed { return .timedOut }
            var progress = false

            if offset < input.count {
                let written = input.withUnsafeBytes { bytes -> Int in
                    guard let base = bytes.baseAddress else { return 0 }
                    let chunk = min(input.count - offset, 32 * 1024)
                    return libssh2_channel_write_ex(
                        channel, 0, (base + offset).assumingMemoryBound(to: CChar.self), chunk)
                }
                if written > 0 {
                    offset += written
                    progress = true
                } else if written < 0 && written != Int(LIBSSH2_ERROR_EAGAIN) {
                    let (code, message) = io.lastError
                    if SessionIO.isTransportFailure(code) { return .lost(message) }
                    // The command closed its stdin early; like a pipe, the rest is dropped.
                    offset = input.count
                    inputDone = true
                }
            } else if !inputDone {
                let sent = libssh2_channel_send_eof(channel)
                if sent == 0 {
                    inputDone = true
                    progress = true
                } else if sent != LIBSSH2_ERROR_EAGAIN {
                    let (code, message) = io.lastError
                    if SessionIO.isTransportFailure(code) { return .lost(message) }
                    inputDone = true
                }
            }

            if let lost = drain(0, into: &result.stdout, progress: &progress) { return .lost(lost) }
            if let lost = drain(SSH_EXTENDED_DATA_STDERR, into: &result.stderr, progress: &progress) {
                return .lost(lost)
            }
            // True only once no data for either stream is queued inside libssh2 any more.
            if libssh2_channel_eof(channel) != 0 { return .finished }
            if progress { continue }
            // A write or a read of one stream may have pulled the other stream's packets off the socket into
            // libssh2's queue; waiting on the socket then would wait for data that has already arrived.
            if libssh2_poll_channel_read(channel, 1) != 0 { continue }
            io.waitForSocket(deadline: deadline, alsoReading: true)
        }
    }

    /// The error for a failed step before the script started: a broken connection closes it.
    private func failure(_ io: SessionIO, _ step: String, _ otherwise: (String) -> SSHError) -> SSHError {
        let (code, message) = io.lastError
        if SessionIO.isTransportFailure(code) {
            tearDown(reason: "the connection broke: \(message)", graceful: false)
            return SSHError.connectionLost(reason: "\(step): \(message)")
        }
        return otherwise("\(step): \(message)")
    }
}
