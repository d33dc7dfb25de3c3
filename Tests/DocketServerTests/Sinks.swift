import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A real SMTP server on loopback that keeps every message it accepts (the test's mailbox). It speaks what a
/// relay needs — EHLO with AUTH, AUTH PLAIN, MAIL, RCPT, DATA, QUIT — and refuses mail to `refuse@…` with a 550.
final class SMTPSink: Sendable {
    struct Mail: Sendable {
        var from: String
        var to: String
        var data: String
        var auth: String?
        /// Whether the message came over TLS (STARTTLS or TLS from the start).
        var secure = false

        func header(_ name: String) -> String? {
            for line in data.components(separatedBy: "\r\n") {
                if line.isEmpty { return nil }
                if line.lowercased().hasPrefix(name.lowercased() + ":") {
                    return String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }

        /// The text, decoded from base64.
        var text: String {
            guard let split = data.range(of: "\r\n\r\n") else { return "" }
            let encoded = data[split.upperBound...].replacingOccurrences(of: "\r\n", with: "")
            return String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self)
        }
    }

    let mails = Mutex<[Mail]>([])
    private let server = Mutex<(any Channel)?>(nil)

    var port: Int { server.withLock { $0?.localAddress?.port ?? 0 } }
    var received: [Mail] { mails.withLock { $0 } }

    /// How the sink speaks TLS: not at all, STARTTLS offered after EHLO, or TLS from the first byte (smtps).
    enum TLS: Sendable {
        case none
        case startTLS(NIOSSLContext)
        case implicit(NIOSSLContext)
    }

    static func start(tls: TLS = .none) async throws -> SMTPSink {
        let sink = SMTPSink()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SMTPSinkHandler(sink: sink)
                    switch tls {
                    case .none: break
                    case .startTLS(let context): handler.offer = context
                    case .implicit(let context):
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                        handler.secure = true
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        sink.server.withLock { $0 = channel }
        return sink
    }

    func stop() async {
        let channel = server.withLock { $0 }
        try? await channel?.close()
    }
}

private final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let sink: SMTPSink
    var pending: [UInt8] = []
    var inData = false
    var data: [String] = []
    var from = ""
    var to = ""
    var auth: String?
    /// STARTTLS is offered with this context (until it is taken).
    var offer: NIOSSLContext?
    var secure = false

    init(sink: SMTPSink) { self.sink = sink }

    func channelActive(context: ChannelHandlerContext) {
        send("220 sink.local ESMTP", context)
    }

    func send(_ line: String, _ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: line + "\r\n")), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data incoming: NIOAny) {
        pending += unwrapInboundIn(incoming).readableBytesView
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var bytes = Array(pending[..<end])
            pending.removeSubrange(...end)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            handle(String(decoding: bytes, as: UTF8.self), context)
        }
    }

    func handle(_ line: String, _ context: ChannelHandlerContext) {
        if inData {
            if line == "." {
                inData = false
                let mail = SMTPSink.Mail(from: from, to: to, data: data.joined(separator: "\r\n"), auth: auth, secure: secure)
                sink.mails.withLock { $0.append(mail) }
                data = []
                send("250 queued", context)
            } else {
                data.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
            }
            return
        }
        let upper = line.uppercased()
        if upper.hasPrefix("EHLO") {
            send("250-sink.local", context)
            send("250-8BITMIME", context)
            if offer != nil && !secure { send("250-STARTTLS", context) }
            send("250 AUTH PLAIN LOGIN", context)
        } else if upper == "STARTTLS", let tls = offer, !secure {
            // The reply goes out in the clear; everything after it is TLS (RFC 3207).
            send("220 go ahead", context)
            secure = true
            pending = []
            try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
        } else if upper.hasPrefix("AUTH PLAIN ") {
            auth = String(decoding: Data(base64Encoded: String(line.dropFirst(11))) ?? Data(), as: UTF8.self)
            send("235 ok", context)
        } else if upper.hasPrefix("MAIL FROM:") {
            from = String(line.dropFirst(10))
            send("250 ok", context)
        } else if upper.hasPrefix("RCPT TO:") {
            to = String(line.dropFirst(8)).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            if to.hasPrefix("refuse@") { send("550 no such user", context) } else { send("250 ok", context) }
        } else if upper == "DATA" {
            inData = true
            send("354 go on", context)
        } else if upper == "QUIT" {
            send("221 bye", context)
            context.close(promise: nil)
        } else {
            send("502 not here", context)
        }
    }
}

/// A real HTTP server on loopback that records every request (a webhook receiver); it answers `status()`.
final class WebhookReceiver: Sendable {
    struct Request: Sendable {
        var path: String
        var headers: [String: String]
        var body: String
    }

    let requests = Mutex<[Request]>([])
    let answer = Mutex<Int>(200)
    private let server = Mutex<(any Channel)?>(nil)

    var port: Int { server.withLock { $0?.localAddress?.port ?? 0 } }
    var received: [Request] { requests.withLock { $0 } }

    static func start() async throws -> WebhookReceiver {
        let receiver = WebhookReceiver()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(WebhookReceiverHandler(receiver: receiver))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        receiver.server.withLock { $0 = channel }
        return receiver
    }

    func stop() async {
        let channel = server.withLock { $0 }
        try? await channel?.close()
    }
}

private final class WebhookReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let receiver: WebhookReceiver
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(receiver: WebhookReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            receiver.requests.withLock { $0.append(WebhookReceiver.Request(path: head.uri, headers: headers, body: String(decoding: body, as: UTF8.self))) }
            let status = HTTPResponseStatus(statusCode: receiver.answer.withLock { $0 })
            var responseHeaders = HTTPHeaders()
            responseHeaders.add(name: "content-length", value: "0")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: responseHeaders))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
