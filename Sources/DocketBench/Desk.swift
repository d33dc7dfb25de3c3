import DocketCore
import DocketStore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The four things the mix's clients do at the order desk, done either in-process (the use cases the API calls) or
/// over HTTP against a `docket serve` (`--http`). `client` picks the client's own connection.
protocol Desk: Sendable {
    /// Places an order; answers its id and the status it reached.
    func place(_ draft: OrderDraft, key: String, client: Int) async throws -> (ID<Order>, OrderStatus)
    /// Records the customer's confirmation by phone.
    func confirm(_ order: ID<Order>, client: Int) async throws
    /// Reads an order with its lines.
    func status(_ order: ID<Order>, client: Int) async throws
    /// Reads one product's stock per warehouse (on hand, reserved, available, in transit, on order).
    func stockLevel(sku: String, client: Int) async throws
}

/// The use cases, called in this process.
struct InProcessDesk: Desk {
    let store: Store

    func place(_ draft: OrderDraft, key: String, client: Int) async throws -> (ID<Order>, OrderStatus) {
        let order = try await store.orders.submitOrder(draft, idempotencyKey: key, by: .cli("bench")).order
        return (order.id, order.status)
    }

    func confirm(_ order: ID<Order>, client: Int) async throws {
        _ = try await store.orders.recordConfirmation(orderID: order, via: .phone, note: nil, by: .cli("bench"))
    }

    func status(_ order: ID<Order>, client: Int) async throws {
        _ = try await store.orders.order(id: order)
    }

    func stockLevel(sku: String, client: Int) async throws {
        _ = try await store.stock.stockTotals(StockQuery(sku: sku))
    }
}

/// The JSON API over loopback: one keep-alive connection per client, an API token of a bench user.
final class HTTPDesk: Desk {
    let connections: [HTTPLoadConnection]
    let authorization: String

    init(connections: [HTTPLoadConnection], token: String) {
        self.connections = connections
        self.authorization = "Bearer " + token
    }

    static func connect(port: Int, clients: Int, token: String, group: any EventLoopGroup) async throws -> HTTPDesk {
        var connections: [HTTPLoadConnection] = []
        for _ in 0..<clients { connections.append(try await HTTPLoadConnection.connect(host: "127.0.0.1", port: port, group: group)) }
        return HTTPDesk(connections: connections, token: token)
    }

    func close() async {
        for connection in connections { await connection.close() }
    }

    /// With `--http`: `docket serve` started over the bench's database and a connection per client; else nothing.
    static func start(
        _ options: BenchOptions, store: Store, progress: @Sendable (String, Double) -> Void
    ) async throws -> (ServerProcess?, HTTPDesk?) {
        guard let serve = options.http else { return (nil, nil) }
        progress("starting docket serve", 0)
        let group = MultiThreadedEventLoopGroup.singleton
        let token = try await MixBench.benchToken(store)
        let server = try await ServerProcess.start(executable: serve.executable, arguments: serve.arguments, group: group)
        do {
            return (server, try await HTTPDesk.connect(port: server.port, clients: options.clients, token: token, group: group))
        } catch {
            server.stop()
            throw error
        }
    }

    struct Placed: Decodable {
        var id: ID<Order>
        var status: OrderStatus
    }

    func place(_ draft: OrderDraft, key: String, client: Int) async throws -> (ID<Order>, OrderStatus) {
        let lines = draft.lines.map { #"{"sku":"\#($0.sku)","quantity":\#($0.quantity)}"# }.joined(separator: ",")
        let body = #"{"channel":"\#(draft.channel.rawValue)","customerCode":"\#(draft.customerCode)","lines":[\#(lines)]}"#
        let response = try await call(.POST, "/api/v1/orders", client: client, headers: [("Idempotency-Key", key)], body: body, expect: [200, 201])
        let placed = try JSONDecoder().decode(Placed.self, from: Data(response.body.readableBytesView))
        return (placed.id, placed.status)
    }

    func confirm(_ order: ID<Order>, client: Int) async throws {
        _ = try await call(.POST, "/api/v1/orders/\(order)/confirmation", client: client, body: #"{"via":"phone"}"#)
    }

    func status(_ order: ID<Order>, client: Int) async throws {
        _ = try await call(.GET, "/api/v1/orders/\(order)", client: client)
    }

    func stockLevel(sku: String, client: Int) async throws {
        _ = try await call(.GET, "/api/v1/stock/totals?sku=\(sku)", client: client)
    }

    func get(_ uri: String, client: Int) async throws -> HTTPLoadConnection.Response {
        try await call(.GET, uri, client: client)
    }

    private func call(
        _ method: HTTPMethod, _ uri: String, client: Int, headers: [(String, String)] = [], body: String? = nil, expect: Set<Int> = [200]
    ) async throws -> HTTPLoadConnection.Response {
        let response = try await connections[client].send(method, uri, headers: [("Authorization", authorization)] + headers, body: body)
        guard expect.contains(response.status) else { throw HTTPBenchError.status(method.rawValue, uri, response.status, String(response.text.prefix(300))) }
        return response
    }
}

enum HTTPBenchError: Error, CustomStringConvertible {
    case status(String, String, Int, String)
    case serverExited(Int32, String)
    case serverDidNotStart(String)

    var description: String {
        switch self {
        case .status(let method, let uri, let status, let body): "\(method) \(uri) answered \(status): \(body)"
        case .serverExited(let code, let log): "docket serve exited with \(code):\n\(log)"
        case .serverDidNotStart(let log): "docket serve did not answer /health within 60 s:\n\(log)"
        }
    }
}

/// `docket serve` started as a child process on a free loopback port, over the bench's database; its peak resident
/// memory read from /proc when asked.
final class ServerProcess: Sendable {
    let process: Process
    let port: Int
    let logPath: String

    private init(process: Process, port: Int, logPath: String) {
        self.process = process
        self.port = port
        self.logPath = logPath
    }

    static func start(executable: String, arguments: [String], group: any EventLoopGroup) async throws -> ServerProcess {
        let port = try await freePort(group: group)
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-serve-\(port).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKET_EXIT_WITH_PARENT"] = "1"  // never outlive the bench (a crash, ^C)
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let server = ServerProcess(process: process, port: port, logPath: logPath)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while clock.now < deadline {
            guard process.isRunning else { throw HTTPBenchError.serverExited(process.terminationStatus, server.log) }
            if let connection = try? await HTTPLoadConnection.connect(host: "127.0.0.1", port: port, group: group) {
                let healthy = (try? await connection.send(.GET, "/health"))?.status == 200
                await connection.close()
                if healthy { return server }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        server.stop()
        throw HTTPBenchError.serverDidNotStart(server.log)
    }

    /// The most memory the server held resident so far (VmHWM), in MB.
    var peakResidentMB: Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes / 1024
    }

    var log: String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.suffix(2_000))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    private static func freePort(group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
