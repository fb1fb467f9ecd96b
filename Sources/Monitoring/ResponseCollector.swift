import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS

/// What the server sent back, bounded.
struct RawResponse: Sendable {
    var head: HTTPResponseHead
    var body: [UInt8]
    var truncated: Bool
}

/// The chain a TLS server presented, and the promise that lets the handshake go on (or stop it).
struct PeerChain: Sendable {
    var certificates: [NIOSSLCertificate]
    var verdict: EventLoopPromise<NIOSSLVerificationResult>
}

/// Where a connection stopped when it failed after connecting.
enum ConnectionFailure: Error, Sendable {
    case timedOut(CheckStep)
    case closed(CheckStep, gotHead: Bool)
    case error(CheckStep, any Error)
}

/// The last handler of a check's pipeline: tells the checker when the TLS handshake is done and hands over
/// the response, or the phase in which the connection failed. Lives on the channel's event loop only.
final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let handshake: EventLoopPromise<Void>?
    private let peer: EventLoopPromise<PeerChain>?
    private let response: EventLoopPromise<RawResponse>
    private let deadline: NIODeadline
    private let limit: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var truncated = false
    private var handshakeDone: Bool
    private var finished = false
    private var timeout: Scheduled<Void>?

    init(
        handshake: EventLoopPromise<Void>?, peer: EventLoopPromise<PeerChain>?, response: EventLoopPromise<RawResponse>,
        deadline: NIODeadline, limit: Int
    ) {
        self.handshake = handshake
        self.peer = peer
        self.response = response
        self.deadline = deadline
        self.limit = limit
        self.handshakeDone = handshake == nil
    }

    private var phase: CheckStep { handshakeDone ? .http : .tls }

    /// The clock for TLS and HTTP starts once connected: the connect has its own timeout (the bootstrap's), and a
    /// timer that closed the channel first would turn a connect timeout into a closed channel.
    func channelActive(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(deadline: deadline) {
            let (collector, context) = bound.value
            collector.fail(.timedOut(collector.phase))
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls, !handshakeDone {
            handshakeDone = true
            handshake?.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
        case .body(var buffer):
            let room = limit - body.count
            if buffer.readableBytes > room {
                truncated = true
                body += buffer.readBytes(length: max(0, room)) ?? []
                finish(context)
            } else {
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            }
        case .end:
            finish(context)
        }
    }

    private func finish(_ context: ChannelHandlerContext) {
        guard !finished, let head else { return }
        finished = true
        timeout?.cancel()
        response.succeed(RawResponse(head: head, body: body, truncated: truncated))
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.error(phase, error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed(phase, gotHead: head != nil))
        context.fireChannelInactive()
    }

    private func fail(_ failure: ConnectionFailure) {
        guard !finished else { return }
        finished = true
        timeout?.cancel()
        // A promise already completed ignores a second completion.
        peer?.fail(failure)
        if !handshakeDone { handshake?.fail(failure) }
        response.fail(failure)
    }
}
