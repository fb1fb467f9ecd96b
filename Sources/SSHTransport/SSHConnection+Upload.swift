import CSSH2
import Foundation

extension SSHConnection {
    /// Writes `bytes` to `path` on the server with the permission bits `mode` (e.g. `0o644`), atomically: readers
    /// see the old file or the new one, never a part.
    ///
    /// The bytes go by SFTP to a temporary file beside the target (`.NAME.baton-RANDOM`, created 0600 so it is
    /// never readable more widely than `mode` allows), are fsynced where the server supports it, get `mode` (set
    /// explicitly, so the server's umask does not apply), and the file is renamed over the target. OpenSSH's SFTP
    /// rename refuses to replace an existing file, so then `mv -f` does the rename(2) through the shell. On
    /// failure the temporary file is removed when the connection still allows it. The folder must exist.
    /// When `timeout` passes, the connection is closed and `.timedOut` thrown.
    package func upload(_ bytes: [UInt8], to path: String, mode: Int32, timeout: Duration = .seconds(120)) throws {
        let io = try liveIO()
        let deadline = Deadline(after: timeout)
        let folder: Substring
        let name: Substring
        if let slash = path.lastIndex(of: "/") {
            folder = path[...slash]
            name = path[path.index(after: slash)...]
        } else {
            folder = ""
            name = path[...]
        }
        guard !name.isEmpty, name != ".", name != ".." else {
            throw SSHError.sftp(operation: "upload", path: path, reason: "not a file path")
        }
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        let temporary = "\(folder).\(name).baton-\(random)"

        func timedOut() -> SSHError {
            tearDown(reason: "an upload timed out after \(timeout)", graceful: false)
            return SSHError.timedOut(operation: "upload to \(path)", timeout: timeout)
        }

        let sftp = try sftpSession(io, deadline: deadline, path: path, timedOut: timedOut)
        let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL)
        guard
            let opened = io.retryHandle(
                until: deadline,
                {
                    libssh2_sftp_open_ex(
                        sftp, temporary, UInt32(temporary.utf8.count), flags, 0o600, LIBSSH2_SFTP_OPENFILE)
                })
        else { throw timedOut() }
        guard let handle = opened else {
            throw sftpFailure(
                io, sftp, libssh2_session_last_errno(io.session), "create", path, detail: "creating \(temporary)")
        }

        var handleOpen = true
        do {
            try write(bytes, io, sftp, handle, deadline: deadline, path: path, timedOut: timedOut)
            let synced = io.retry(until: deadline) { libssh2_sftp_fsync(handle) }
            guard let synced else { throw timedOut() }
            // Servers without the fsync@openssh.com extension say so; the data is then as safe as the server makes it.
            if synced != 0 && !isStatus(synced, sftp, LIBSSH2_FX_OP_UNSUPPORTED) {
                throw sftpFailure(io, sftp, synced, "fsync", path, detail: "syncing \(temporary)")
            }
            var attributes = LIBSSH2_SFTP_ATTRIBUTES()
            attributes.flags = UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS)
            attributes.permissions = UInt(mode & 0o7777)
            guard let chmodded = io.retry(until: deadline, { libssh2_sftp_fstat_ex(handle, &attributes, 1) }) else {
                throw timedOut()
            }
            guard chmodded == 0 else {
                throw sftpFailure(io, sftp, chmodded, "chmod", path, detail: "setting mode on \(temporary)")
            }
            handleOpen = false
            guard let closed = io.retry(until: deadline, { libssh2_sftp_close_handle(handle) }) else {
                throw timedOut()
            }
            guard closed == 0 else {
                throw sftpFailure(io, sftp, closed, "close", path, detail: "closing \(temporary)")
            }
            try rename(temporary, to: path, io, sftp, deadline: deadline, timedOut: timedOut)
        } catch {
            if isOpen {
                let cleanup = Deadline(after: .seconds(2))
                if handleOpen { _ = io.retry(until: cleanup) { libssh2_sftp_close_handle(handle) } }
                _ = io.retry(until: cleanup) {
                    libssh2_sftp_unlink_ex(sftp, temporary, UInt32(temporary.utf8.count))
                }
            }
            throw error
        }
    }

    private func sftpSession(
        _ io: SessionIO, deadline: Deadline, path: String, timedOut: () -> SSHError
    ) throws -> OpaquePointer {
        if let sftp { return sftp }
        guard let started = io.retryHandle(until: deadline, { libssh2_sftp_init(io.session) }) else {
            throw timedOut()
        }
        guard let started else {
            let (code, message) = io.lastError
            if SessionIO.isTransportFailure(code) {
                tearDown(reason: "the connection broke: \(message)", graceful: false)
                throw SSHError.connectionLost(reason: "starting sftp: \(message)")
            }
            throw SSHError.sftp(operation: "start", path: path, reason: "\(message) (is the sftp subsystem enabled?)")
        }
        sftp = started
        return started
    }

    private func write(
        _ bytes: [UInt8], _ io: SessionIO, _ sftp: OpaquePointer, _ handle: OpaquePointer, deadline: Deadline,
        path: String, timedOut: () -> SSHError
    ) throws {
        var offset = 0
        while offset < bytes.count {
            // libssh2 pipelines the packets of one call, so large pieces keep the link busy.
            let piece = min(bytes.count - offset, 1 << 20)
            let written = io.retry(
                until: deadline,
                {
                    bytes.withUnsafeBytes { buffer -> Int in
                        guard let base = buffer.baseAddress else { return 0 }
                        return libssh2_sftp_write(handle, (base + offset).assumingMemoryBound(to: CChar.self), piece)
                    }
                }, again: { $0 == Int(LIBSSH2_ERROR_EAGAIN) })
            guard let written else { throw timedOut() }
            guard written > 0 else {
                throw sftpFailure(io, sftp, Int32(clamping: written), "write", path, detail: "writing")
            }
            offset += written
        }
    }

    /// SFTP rename first: it is atomic when the target does not exist. OpenSSH implements it with link(2), which
    /// refuses an existing target (SFTP v3 has no overwrite, and libssh2 1.10 cannot send posix-rename@openssh.com),
    /// so then the shell's `mv -f`, a rename(2) within the folder, replaces the target atomically.
    private func rename(
        _ temporary: String, to path: String, _ io: SessionIO, _ sftp: OpaquePointer, deadline: Deadline,
        timedOut: () -> SSHError
    ) throws {
        let flags = Int(LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC | LIBSSH2_SFTP_RENAME_NATIVE)
        let renamed = io.retry(until: deadline) {
            libssh2_sftp_rename_ex(
                sftp, temporary, UInt32(temporary.utf8.count), path, UInt32(path.utf8.count), flags)
        }
        guard let renamed else { throw timedOut() }
        if renamed == 0 { return }
        guard isStatus(renamed, sftp, LIBSSH2_FX_FAILURE) || isStatus(renamed, sftp, LIBSSH2_FX_FILE_ALREADY_EXISTS)
        else {
            throw sftpFailure(io, sftp, renamed, "rename", path, detail: "renaming \(temporary)")
        }
        // A folder at the target would take the file inside it instead of being replaced.
        let script = """
            t=\(shellQuoted(path))
            if [ -d "$t" ]; then echo "$t is a directory" >&2; exit 1; fi
            exec mv -f -- \(shellQuoted(temporary)) "$t"
            """
        let moved = try run(script, timeout: deadline.remaining)
        if moved.timedOut { throw timedOut() }
        if let lost = moved.connectionLost {
            throw SSHError.connectionLost(reason: "renaming \(temporary) to \(path): \(lost)")
        }
        guard moved.succeeded else {
            let message = String(decoding: moved.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw SSHError.sftp(
                operation: "rename", path: path,
                reason: "mv -f \(temporary) failed: \(message.isEmpty ? "exit \(moved.exitStatus ?? -1)" : message)")
        }
    }

    private func isStatus(_ code: Int32, _ sftp: OpaquePointer, _ status: UInt) -> Bool {
        code == LIBSSH2_ERROR_SFTP_PROTOCOL && libssh2_sftp_last_error(sftp) == status
    }

    /// The error for a failed SFTP call: the server's status in words, or a broken connection (which closes it).
    private func sftpFailure(
        _ io: SessionIO, _ sftp: OpaquePointer, _ code: Int32, _ operation: String, _ path: String, detail: String
    ) -> SSHError {
        if code == LIBSSH2_ERROR_SFTP_PROTOCOL {
            let status = libssh2_sftp_last_error(sftp)
            return SSHError.sftp(
                operation: operation, path: path,
                reason: "\(Self.sftpStatusText(status)) (SFTP status \(status)) \(detail)")
        }
        let message = io.lastError.message
        if SessionIO.isTransportFailure(code) {
            tearDown(reason: "the connection broke: \(message)", graceful: false)
            return SSHError.connectionLost(reason: "sftp \(operation) of \(path): \(message)")
        }
        return SSHError.sftp(operation: operation, path: path, reason: "\(message) \(detail)")
    }

    static func sftpStatusText(_ status: UInt) -> String {
        switch status {
        case LIBSSH2_FX_EOF: return "end of file"
        case LIBSSH2_FX_NO_SUCH_FILE: return "no such file or directory"
        case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied"
        case LIBSSH2_FX_FAILURE: return "failure"
        case LIBSSH2_FX_BAD_MESSAGE: return "bad message"
        case LIBSSH2_FX_OP_UNSUPPORTED: return "operation not supported by the server"
        case LIBSSH2_FX_NO_SUCH_PATH: return "no such path"
        case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "file already exists"
        case LIBSSH2_FX_WRITE_PROTECT: return "write protected"
        case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: return "no space left on the file system"
        case LIBSSH2_FX_QUOTA_EXCEEDED: return "quota exceeded"
        case LIBSSH2_FX_NOT_A_DIRECTORY: return "not a directory"
        case LIBSSH2_FX_INVALID_FILENAME: return "invalid file name"
        case LIBSSH2_FX_LINK_LOOP: return "too many symbolic links"
        default: return "SFTP error"
        }
    }
}

/// `text` as one word for sh, whatever it contains.
func shellQuoted(_ text: String) -> String {
    "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
}
