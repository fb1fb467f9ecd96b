#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A connected, non-blocking TCP socket: the file descriptor libssh2 talks through.
struct TCPSocket {
    let fd: Int32

    /// Connects to the first address of `host` that accepts, within the deadline (getaddrinfo excepted).
    ///
    /// connect(2) on a blocking socket waits for the kernel's own SYN retries (minutes), so the socket is made
    /// non-blocking and the connect is awaited with poll(2) for no longer than the deadline allows.
    static func connect(host: String, port: Int, endpoint: String, deadline: Deadline, timeout: Duration) throws
        -> TCPSocket
    {
        guard !host.isEmpty else { throw SSHError.invalidTarget("the host is empty") }
        guard (1...65535).contains(port) else { throw SSHError.invalidTarget("port \(port) is not in 1...65535") }

        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocketType
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
            throw SSHError.nameResolution(host: host, reason: reason)
        }
        defer { freeaddrinfo(first) }

        var lastError: SSHError = .connectFailed(endpoint: endpoint, reason: "no address")
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next?.pointee {
            next = info.ai_next
            guard let address = info.ai_addr else { continue }
            let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
            guard fd >= 0 else {
                lastError = .connectFailed(endpoint: endpoint, reason: "socket: \(errorText(errno))")
                continue
            }
            // Without close-on-exec a child spawned meanwhile (sshd, git, ...) would keep the connection open.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let code = errorOfConnect(fd, address, info.ai_addrlen, deadline: deadline)
            if code == 0 {
                let connected = TCPSocket(fd: fd)
                connected.setNoDelay()
                return connected
            }
            _ = systemClose(fd)
            switch code {
            case ETIMEDOUT where deadline.hasPassed:
                throw SSHError.connectTimedOut(endpoint: endpoint, stage: .tcpConnect, timeout: timeout)
            case ECONNREFUSED:
                lastError = .connectionRefused(endpoint: endpoint)
            default:
                lastError = .connectFailed(endpoint: endpoint, reason: errorText(code))
            }
        }
        throw lastError
    }

    /// 0 once connected, else the errno; ETIMEDOUT when the deadline passed first.
    private static func errorOfConnect(
        _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t, deadline: Deadline
    ) -> Int32 {
        if systemConnect(fd, address, length) == 0 { return 0 }
        guard errno == EINPROGRESS || errno == EINTR else { return errno }
        while true {
            var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&entry, 1, deadline.pollMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { return errno }
            if ready == 0 { return ETIMEDOUT }
            var code: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size) == 0 else { return errno }
            return code
        }
    }

    /// Sends small packets at once. libssh2 writes a request in several small pieces; with Nagle on, a piece waits
    /// for the ACK of the previous one, which the server delays by up to 40 ms (the platform probe measured a
    /// 40 ms stall on the first exec of every session).
    private func setNoDelay() {
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Acknowledges the server's next segments at once. The server's own Nagle holds back its reply until our
    /// delayed ACK arrives (the other half of that 40 ms stall); Linux clears the flag after it is used, so it is
    /// set again before every wait.
    func setQuickAck() {
        #if os(Linux)
            var on: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), Int32(TCP_QUICKACK), &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    /// Waits until the socket is readable (or writable, when asked) or the deadline passes; false on the latter.
    func wait(reading: Bool, writing: Bool, deadline: Deadline) -> Bool {
        var events: Int16 = 0
        if reading { events |= Int16(POLLIN) }
        if writing { events |= Int16(POLLOUT) }
        while true {
            setQuickAck()
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, deadline.pollMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            // An error or hang-up counts as ready: the next libssh2 call reports it properly.
            return ready != 0
        }
    }

    /// Cuts the connection without closing the descriptor, which libssh2 may still use while it is being freed:
    /// every further read or write fails at once instead of waiting for the server.
    func shutdown() {
        _ = systemShutdown(fd, Int32(SHUT_RDWR))
    }

    func close() {
        _ = systemClose(fd)
    }
}

#if canImport(Glibc)
    private let streamSocketType = Int32(SOCK_STREAM.rawValue)
    private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
    private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Glibc.connect(fd, address, length)
    }
    private func systemShutdown(_ fd: Int32, _ how: Int32) -> Int32 { Glibc.shutdown(fd, how) }
#elseif canImport(Darwin)
    private let streamSocketType = SOCK_STREAM
    private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
    private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Darwin.connect(fd, address, length)
    }
    private func systemShutdown(_ fd: Int32, _ how: Int32) -> Int32 { Darwin.shutdown(fd, how) }
#endif

func errorText(_ code: Int32) -> String {
    strerror(code).map { String(cString: $0) } ?? "errno \(code)"
}
