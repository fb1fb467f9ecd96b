#if canImport(Glibc)
    import Glibc
#endif

/// A listening socket on 127.0.0.1 that never accepts: the kernel completes TCP handshakes into its backlog, but
/// no SSH banner ever comes, like a host whose sshd hangs.
package final class SilentListener {
    package let fd: Int32
    package let port: Int

    package init(backlog: Int32 = 16) throws {
        fd = try LoopbackSocket.bound()
        guard listen(fd, backlog) == 0 else {
            close(fd)
            throw TestSupportError("listen: \(errno)")
        }
        port = try LoopbackSocket.port(of: fd)
    }

    deinit { close(fd) }
}
