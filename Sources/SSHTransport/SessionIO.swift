import CSSH2

/// A live libssh2 session in non-blocking mode and its socket: how every libssh2 call of this module waits.
///
/// Non-blocking libssh2 with poll(2), not blocking mode with libssh2_session_set_timeout, because:
/// - `run` must feed stdin and drain stdout and stderr from one thread, so no single read or write may block;
/// - a deadline must hold for a whole operation, while set_timeout bounds each blocking call and a server that
///   trickles a byte now and then never trips it;
/// - the wait happens here, so TCP_QUICKACK can be set again before each poll (see `TCPSocket.setQuickAck`).
struct SessionIO {
    let session: OpaquePointer
    let socket: TCPSocket

    /// Calls `call` until `again` no longer holds for its result, waiting for the socket in the direction
    /// libssh2 blocked on in between; nil when the deadline passes first.
    func retry<Value>(until deadline: Deadline, _ call: () -> Value, again: (Value) -> Bool) -> Value? {
        while true {
            let value = call()
            guard again(value) else { return value }
            if deadline.hasPassed { return nil }
            waitForSocket(deadline: deadline)
        }
    }

    /// For the calls that return a status code: repeats them while they say EAGAIN.
    func retry(until deadline: Deadline, _ call: () -> Int32) -> Int32? {
        retry(until: deadline, call, again: { $0 == LIBSSH2_ERROR_EAGAIN })
    }

    /// For the calls that return a handle: nil with the session's last error EAGAIN means "call again".
    func retryHandle(until deadline: Deadline, _ call: () -> OpaquePointer?) -> OpaquePointer?? {
        retry(
            until: deadline, call, again: { $0 == nil && libssh2_session_last_errno(session) == LIBSSH2_ERROR_EAGAIN })
    }

    /// Waits for what libssh2 last blocked on: reading, writing or both. With no direction recorded it waits for
    /// input, which every exchange with the server eventually needs.
    func waitForSocket(deadline: Deadline, alsoReading: Bool = false) {
        let directions = libssh2_session_block_directions(session)
        let writing = directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0
        let reading = alsoReading || directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 || !writing
        _ = socket.wait(reading: reading, writing: writing, deadline: deadline)
    }

    /// The session's last error as text, copied out of libssh2's buffer before the next call overwrites it.
    var lastError: (code: Int32, message: String) {
        var message: UnsafeMutablePointer<CChar>? = nil
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        guard let message, length > 0 else { return (code, "libssh2 error \(code)") }
        let bytes = UnsafeRawBufferPointer(start: message, count: Int(length))
        return (code, String(decoding: bytes, as: UTF8.self))
    }

    /// Whether `code` means the transport itself failed, so the session cannot be used any more.
    static func isTransportFailure(_ code: Int32) -> Bool {
        [
            LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT,
            LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_BANNER_RECV, LIBSSH2_ERROR_DECRYPT,
            LIBSSH2_ERROR_INVALID_MAC, LIBSSH2_ERROR_PROTO, LIBSSH2_ERROR_KEX_FAILURE, LIBSSH2_ERROR_SOCKET_NONE,
            LIBSSH2_ERROR_BAD_SOCKET,
        ].contains(code)
    }
}
