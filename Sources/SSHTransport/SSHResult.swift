/// What a script did on the server. Output is kept even when the script did not finish, so a caller can tell from
/// marker lines which of its steps completed.
package struct SSHResult: Sendable, Equatable {
    package var stdout: [UInt8]
    package var stderr: [UInt8]
    /// nil when the script was killed by a signal, timed out or the connection broke. A server that sends no exit
    /// status at all (OpenSSH always does) reads as 0: libssh2 cannot tell the two apart.
    package var exitStatus: Int32?
    /// The signal that killed the remote shell, without "SIG": "TERM", "KILL".
    package var exitSignal: String?
    /// The deadline passed before the script finished; the connection was closed (see `SSHConnection.run`).
    package var timedOut: Bool
    /// Why the connection broke before the script finished, or nil.
    package var connectionLost: String?
    /// From opening the channel to the command's end (or to giving up).
    package var duration: Duration

    package init(
        stdout: [UInt8] = [], stderr: [UInt8] = [], exitStatus: Int32? = nil, exitSignal: String? = nil,
        timedOut: Bool = false, connectionLost: String? = nil, duration: Duration = .zero
    ) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.timedOut = timedOut
        self.connectionLost = connectionLost
        self.duration = duration
    }

    /// The script ran to its end and exited 0.
    package var succeeded: Bool { exitStatus == 0 && !timedOut && connectionLost == nil }
}
