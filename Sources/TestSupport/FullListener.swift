#if canImport(Glibc)
    import Glibc
#endif

/// A listening socket on 127.0.0.1 whose accept queue is full: Linux drops further SYNs (tcp_abort_on_overflow is
/// off by default), so a TCP connect to it hangs like one to a host behind a dropping firewall.
package final class FullListener {
    package let listener: SilentListener
    private var fillers: [Int32] = []

    package init() throws {
        listener = try SilentListener(backlog: 0)
        // A backlog of 0 still queues one connection; two more make sure the queue is full.
        for _ in 0..<3 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw TestSupportError("socket: \(errno)") }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var address = LoopbackSocket.address(port: listener.port)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            fillers.append(fd)
        }
        usleep(100_000)
    }

    package var port: Int { listener.port }

    deinit { fillers.forEach { close($0) } }
}
