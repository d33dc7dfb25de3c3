import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection of `docket bench --http`'s load client: a request at a time, answered in order.
/// Lean on purpose — the client shares the machine's two cores with the server it measures.
final class HTTPLoadConnection: Sendable {
    struct Response: Sendable {
        var status: Int
        var body: ByteBuffer
        var text: String { String(buffer: body) }
    }

    private let channel: any Channel
    private let handler: NIOLoopBound<ResponseHandler>
    private let host: String

    private init(channel: any Channel, handler: NIOLoopBound<ResponseHandler>, host: String) {
        self.channel = channel
        self.handler = handler
        self.host = host
    }

    static func connect(host: String, port: Int, group: any EventLoopGroup) async throws -> HTTPLoadConnection {
        let loop = group.next()
        let handler = try await loop.submit { NIOLoopBound(ResponseHandler(), eventLoop: loop) }.get()
        let channel = try await ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                }
            }
            .connect(host: host, port: port).get()
        return HTTPLoadConnection(channel: channel, handler: handler, host: "\(host):\(port)")
    }

    func send(_ method: HTTPMethod, _ uri: String, headers extra: [(String, String)] = [], body: String? = nil) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Accept", value: "application/json")
        for (name, value) in extra { head.headers.add(name: name, value: value) }
        var buffer: ByteBuffer?
        if let body {
            buffer = channel.allocator.buffer(string: body)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        }
        let request = head
        let payload = buffer
        let channel = channel
        let handler = handler
        return try await channel.eventLoop.flatSubmit {
            let promise = channel.eventLoop.makePromise(of: Response.self)
            handler.value.waiting.append(promise)
            channel.write(HTTPClientRequestPart.head(request), promise: nil)
            if let payload { channel.write(HTTPClientRequestPart.body(.byteBuffer(payload)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            return promise.futureResult
        }.get()
    }

    func close() async {
        try? await channel.close()
    }

    /// Collects each response and completes the oldest waiting request with it.
    final class ResponseHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart

        var waiting = CircularBuffer<EventLoopPromise<Response>>()
        private var status = 0
        private var body: ByteBuffer?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                status = Int(head.status.code)
                body = nil
            case .body(var part):
                if body == nil { body = part } else { body!.writeBuffer(&part) }
            case .end:
                let response = Response(status: status, body: body ?? ByteBuffer())
                body = nil
                if let promise = waiting.popFirst() { promise.succeed(response) }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            failAll(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            failAll(ChannelError.ioOnClosedChannel)
            context.fireChannelInactive()
        }

        private func failAll(_ error: any Error) {
            while let promise = waiting.popFirst() { promise.fail(error) }
        }
    }
}
