import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP(S) server on a loopback address, made in the test: each request is answered as `answer` says.
final class TestHTTPServer: Sendable {
    enum Reply: Sendable {
        case respond(status: Int, headers: [(String, String)], body: String)
        /// Accepts the request and never answers.
        case never
    }

    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]
    }

    let channel: any Channel
    let requests = NIOLockedValueBox<[Request]>([])
    let connections = NIOLockedValueBox(0)
    var port: Int { channel.localAddress!.port! }

    /// `closeOnAccept`: the server accepts each connection and closes it soon after.
    init(
        host: String = "127.0.0.1", port: Int = 0, tls: NIOSSLContext? = nil, closeOnAccept: Bool = false,
        answer: @escaping @Sendable (Request) -> Reply
    ) throws {
        let requests = self.requests
        let connections = self.connections
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    connections.withLockedValue { $0 += 1 }
                    if closeOnAccept {
                        // After the client's request is in, so that the client is reading when the close comes.
                        child.eventLoop.scheduleTask(in: .milliseconds(100)) { child.close(promise: nil) }
                        return
                    }
                    let sync = child.pipeline.syncOperations
                    if let tls { try sync.addHandler(NIOSSLServerHandler(context: tls)) }
                    try sync.configureHTTPServerPipeline()
                    try sync.addHandler(Handler(answer: answer, requests: requests))
                }
            }
            .bind(host: host, port: port).wait()
    }

    func stop() {
        try? channel.close().wait()
    }

    var requestCount: Int { requests.withLockedValue { $0.count } }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let answer: @Sendable (Request) -> Reply
        let requests: NIOLockedValueBox<[Request]>
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(answer: @escaping @Sendable (Request) -> Reply, requests: NIOLockedValueBox<[Request]>) {
            self.answer = answer
            self.requests = requests
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
            case .body(var b):
                body += b.readBytes(length: b.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                    body: body)
                requests.withLockedValue { $0.append(request) }
                switch answer(request) {
                case .never:
                    return
                case .respond(let status, let headers, let text):
                    var h = HTTPHeaders(headers)
                    h.add(name: "Content-Length", value: "\(text.utf8.count)")
                    h.add(name: "Connection", value: "close")
                    context.write(
                        wrapOutboundOut(
                            .head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: h))),
                        promise: nil)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
                }
            }
        }
    }
}

/// Certificates made in the test with the openssl command: a CA, and leaves signed by it with chosen names and
/// validity.
struct TestPKI {
    let dir: URL
    let name: String

    init(name: String = "Baton Test CA") throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-pki-\(UUID().uuidString)")
        self.name = name
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data().write(to: dir.appendingPathComponent("index.txt"))
        try Data(
            """
            [ca]
            default_ca = test
            [test]
            dir = \(dir.path)
            database = \(dir.path)/index.txt
            new_certs_dir = \(dir.path)
            serial = \(dir.path)/serial
            default_md = sha256
            policy = anything
            unique_subject = no
            [anything]
            commonName = supplied

            """.utf8
        ).write(to: dir.appendingPathComponent("ca.cnf"))
        try Self.openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            path("ca.key"), "-out", path("ca.pem"), "-days", "3650", "-subj", "/CN=\(name)", "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    }

    func path(_ file: String) -> String { dir.appendingPathComponent(file).path }

    var caPEM: String { (try? String(contentsOfFile: path("ca.pem"), encoding: .utf8)) ?? "" }

    /// A leaf for `names`, valid from `start` to `end` (`YYYYMMDDHHMMSSZ`); returns the certificate and key files.
    func leaf(_ label: String, names: [String], start: String, end: String, serial: String) throws -> (
        cert: String, key: String
    ) {
        try Data((serial + "\n").utf8).write(to: dir.appendingPathComponent("serial"))
        let ext = path("\(label).ext")
        try Data(
            ("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
                + "subjectAltName=" + names.map { IPv4Check.isIP($0) ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
                + "\n").utf8
        ).write(to: URL(fileURLWithPath: ext))
        try Self.openssl(
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            path("\(label).key"), "-out", path("\(label).csr"), "-subj", "/CN=\(names[0])")
        try Self.openssl(
            "ca", "-batch", "-config", path("ca.cnf"), "-cert", path("ca.pem"), "-keyfile", path("ca.key"), "-in",
            path("\(label).csr"), "-out", path("\(label).pem"), "-startdate", start, "-enddate", end, "-extfile", ext,
            "-notext")
        return (path("\(label).pem"), path("\(label).key"))
    }

    /// A server context for a leaf; the chain is the leaf alone (the test CA is trusted by the checker, or not).
    static func serverContext(cert: String, key: String) throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    static func openssl(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(
                domain: "openssl", code: Int(process.terminationStatus),
                userInfo: [
                    NSLocalizedDescriptionKey:
                        "openssl \(arguments.joined(separator: " ")): \(String(decoding: text, as: UTF8.self))"
                ])
        }
    }

    /// `YYYYMMDDHHMMSSZ` for a date `days` from now.
    static func stamp(days: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMddHHmmss'Z'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date().addingTimeInterval(days * 86400))
    }
}

enum IPv4Check {
    static func isIP(_ s: String) -> Bool {
        s.split(separator: ".").count == 4 && s.allSatisfy { $0.isNumber || $0 == "." }
    }
}

/// A listener on 127.0.0.1 that accepts one connection, waits for the request, and resets the connection
/// (SO_LINGER 0: an RST, not a FIN). NIO has no way to send an RST, so this is a plain socket and a thread.
final class ResettingListener: @unchecked Sendable {
    let listener: SilentListener
    let thread: Thread

    init() throws {
        let listener = try SilentListener()
        self.listener = listener
        let socket = listener.fd
        thread = Thread {
            let fd = accept(socket, nil, nil)
            guard fd >= 0 else { return }
            Thread.sleep(forTimeInterval: 0.2)
            var option = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            close(fd)
        }
        thread.start()
    }
}
