import DocketCore
import DocketStore
import Foundation
import Histogram
import Synchronization

/// What `docket bench` runs.
public struct BenchOptions: Sendable {
    public var seconds: Double = 10
    public var clients = 8
    public var products = 1_000
    public var customers = 1_000
    /// Orders of history written by the bulk path into a new data set before its statistics are gathered: a live order
    /// desk has them, and PostgreSQL plans its foreign-key checks on what the statistics and the table's size say when a
    /// connection first needs them — on an empty `orders` table a scan, which then grows with every order placed.
    public var history = BulkOrders.perDay
    /// `--http`: run the scenarios against a `docket serve` child process over loopback instead of in-process.
    public var http: HTTPServe?
    public init() {}
}

/// How to start `docket serve` over the bench's database: the executable and its database arguments.
public struct HTTPServe: Sendable {
    public var executable: String
    public var arguments: [String]
    public init(executable: String, arguments: [String]) {
        self.executable = executable
        self.arguments = arguments
    }
}

/// One scenario's figures, as `--json` writes them.
public struct ScenarioReport: Sendable, Codable {
    public var name: String
    public var operations: Int
    public var per_second: Double
    public var p50_ms: Double
    public var p90_ms: Double
    public var p99_ms: Double
    public var errors: Int

    /// The scenario as one line of the printed report.
    var line: String {
        "\(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(format: "%9.0f", per_second))/s   "
            + "p50 \(String(format: "%7.2f", p50_ms)) ms   p90 \(String(format: "%7.2f", p90_ms)) ms   p99 \(String(format: "%7.2f", p99_ms)) ms"
            + "   (\(operations) ops\(errors > 0 ? ", \(errors) errors" : ""))"
    }
}

/// `docket bench --json`: `{"engine","clients","scenarios":[…],"baseline":{"place_order_per_second"},"place_order_share_of_baseline"}`.
public struct BenchReport: Sendable, Codable {
    public struct Baseline: Sendable, Codable {
        public var place_order_per_second: Double
    }
    public var engine: String
    /// in-process (the use cases called directly) or http (the JSON API over loopback).
    public var transport: String
    public var clients: Int
    public var group_commit: Bool?
    /// `--http`: the most memory `docket serve` held resident during the run.
    public var server_peak_rss_mb: Double?
    public var scenarios: [ScenarioReport]
    public var baseline: Baseline
    public var place_order_share_of_baseline: Double
    /// In-process on SQLite with group commit: the one writer during place_order and during the baseline.
    public var place_order_writer: Writer?
    public var baseline_writer: Writer?

    /// How busy group commit's writer was in a scenario: the share of the time it held a batch (from taking it to its
    /// commit), its thread's CPU time per write, and the writes each commit carried.
    public struct Writer: Sendable, Codable {
        public var busy_share: Double
        public var cpu_ms_per_write: Double
        public var writes_per_commit: Double

        init?(_ load: WriterLoad?, seconds: Double) {
            guard let load, load.writes > 0, load.batches > 0, seconds > 0 else { return nil }
            busy_share = load.busy.inSeconds / seconds
            cpu_ms_per_write = load.cpu.inSeconds * 1000 / Double(load.writes)
            writes_per_commit = Double(load.writes) / Double(load.batches)
        }

        var text: String {
            "busy \(String(format: "%.0f", busy_share * 100)) % of the time, \(String(format: "%.2f", cpu_ms_per_write)) ms CPU per write, "
                + "\(String(format: "%.1f", writes_per_commit)) writes per commit"
        }
    }

    public var text: String {
        var lines = [
            "engine \(engine), \(transport), \(clients) clients" + (group_commit.map { $0 ? ", group commit on" : ", group commit off" } ?? "")
        ]
        lines += scenarios.map(\.line)
        lines.append("raw-SQL baseline       \(String(format: "%9.0f", baseline.place_order_per_second))/s place orders")
        lines.append("place_order is \(String(format: "%.1f", place_order_share_of_baseline * 100)) % of the baseline")
        if let place_order_writer { lines.append("SQLite writer in place_order: \(place_order_writer.text)") }
        if let baseline_writer { lines.append("SQLite writer in the baseline: \(baseline_writer.text)") }
        if let server_peak_rss_mb { lines.append("docket serve peak resident memory \(String(format: "%.0f", server_peak_rss_mb)) MB") }
        return lines.joined(separator: "\n")
    }
}

/// The TPC-C-like mix adapted to orders (DOMAIN's order desk): place order (45 %: 3–8 lines, intake, four reviews
/// passed by rule, allocation and soft reservation — the real use case), confirm (43 %: the customer's confirmation,
/// which firms the reservation), order status (4 %), stock level (8 %: until shipping exists, its 4 % too).
/// Before it, place orders alone and the raw-SQL baseline, each for the same time with the same clients.
public enum MixBench {
    public static func run(
        store: Store, options: BenchOptions, progress: @escaping @Sendable (String, Double) -> Void
    ) async throws -> BenchReport {
        let (skus, customers) = try await prepare(store, options: options, progress: progress)
        let run = UUID().uuidString.prefix(8)
        let (server, http) = try await HTTPDesk.start(options, store: store, progress: progress)
        let desk: any Desk = http ?? InProcessDesk(store: store)
        let world = World(desk: desk, skus: skus, customers: customers)
        // The writer is this process's only when the use cases run in it.
        let writer = http == nil ? store.engine as? SQLiteEngine : nil
        /// The writer's load since an earlier reading of it.
        func writerLoad(since earlier: WriterLoad?) -> WriterLoad? {
            guard let earlier, let now = writer?.writerLoad else { return nil }
            return now.since(earlier)
        }
        do {
            var load = writer?.writerLoad
            let place = try await measure("place_order", seconds: options.seconds, clients: options.clients, progress: progress) { client, i, random in
                try await world.placeOrder(key: "\(run)-\(client)-\(i)", client: client, &random)
            }
            let placeWriter = BenchReport.Writer(writerLoad(since: load), seconds: options.seconds)
            let prepared = try await Baseline.prepare(store, skus: skus, customers: customers)
            load = writer?.writerLoad
            let baseline = try await measure(
                "baseline", seconds: options.seconds, clients: options.clients, progress: progress, prepared.placeOrder)
            let baselineWriter = BenchReport.Writer(writerLoad(since: load), seconds: options.seconds)
            try await Baseline.cleanUp(store)
            let mix = try await measureMix(world, run: String(run), options: options, progress: progress)
            let peak = server?.peakResidentMB
            await http?.close()
            server?.stop()
            return BenchReport(
                engine: store.dialect.rawValue, transport: options.http == nil ? "in-process" : "http", clients: options.clients,
                group_commit: (store.engine as? SQLiteEngine)?.groupCommit, server_peak_rss_mb: peak,
                scenarios: [place] + mix, baseline: .init(place_order_per_second: baseline.per_second),
                place_order_share_of_baseline: baseline.per_second > 0 ? place.per_second / baseline.per_second : 0,
                place_order_writer: placeWriter, baseline_writer: baselineWriter)
        } catch {
            await http?.close()
            server?.stop()
            throw error
        }
    }

    /// The bench's products and customers, generated first into an empty database.
    static func prepare(
        _ store: Store, options: BenchOptions, progress: @escaping @Sendable (String, Double) -> Void
    ) async throws -> (skus: [String], customers: [String]) {
        if try await store.isEmpty() {
            progress("generating \(options.products) products, \(options.customers) customers", 0)
            try await BenchData.load(
                into: store, products: options.products, customers: options.customers, history: options.history, progress: progress)
        }
        let skus = try await store.engine.read(
            Statement("SELECT sku FROM products WHERE sku LIKE 'BN-%' ORDER BY sku", [])
        ).map { try $0.text("sku") }
        let customers = try await store.engine.read(
            Statement("SELECT code FROM customers WHERE code LIKE 'BC-%' ORDER BY code", [])
        ).map { try $0.text("code") }
        guard !skus.isEmpty, !customers.isEmpty else {
            // Not a bench data set: refuse to write into it.
            throw StoreError.configuration("docket bench needs an empty database or one it generated earlier; this one holds other data")
        }
        return (skus, customers)
    }

    /// An API token of the bench's order-desk user (created on first use).
    static func benchToken(_ store: Store) async throws -> String {
        let user: StoredUser
        do {
            user = try await store.auth.user(named: "bench")
        } catch DocketError.notFound {
            user = try await store.auth.addUser(
                User(username: "bench", displayName: "压测客户端", roles: [.orderDesk]), password: UUID().uuidString, by: .cli("bench"))
        }
        return try await store.auth.createAPIToken(for: user.id, name: "docket bench --http", by: .cli("bench")).token
    }

    /// The shared state of the clients: who and what they order, and the orders waiting for confirmation.
    final class World: Sendable {
        let desk: any Desk
        let skus: [String]
        let customers: [String]
        /// Orders waiting for the customer, to confirm; and recent orders, to look up.
        private let waiting = Mutex<[ID<Order>]>([])
        private let recent = Mutex<[ID<Order>]>([])

        init(desk: any Desk, skus: [String], customers: [String]) {
            self.desk = desk
            self.skus = skus
            self.customers = customers
        }

        func placeOrder(key: String, client: Int, _ random: inout SeededRandom) async throws {
            let lines = MixBench.lines(&random, products: skus.count).map { OrderLineDraft(sku: skus[$0.product], quantity: $0.quantity) }
            let draft = OrderDraft(channel: .api, customerCode: customers[random.next(customers.count)], lines: lines)
            let (order, status) = try await desk.place(draft, key: key, client: client)
            guard status == .awaitingConfirmation else { throw BenchError.notPlaced(status.rawValue) }
            waiting.withLock { $0.append(order) }
            recent.withLock {
                if $0.count >= 10_000 { $0.removeFirst(5_000) }
                $0.append(order)
            }
        }

        /// The customer confirms (by phone, recorded by staff): false when no order is waiting.
        func confirm(client: Int) async throws -> Bool {
            guard let id = waiting.withLock({ $0.popLast() }) else { return false }
            try await desk.confirm(id, client: client)
            return true
        }

        func orderStatus(client: Int, _ random: inout SeededRandom) async throws -> Bool {
            guard let id = recent.withLock({ $0.isEmpty ? nil : $0[random.next($0.count)] }) else { return false }
            try await desk.status(id, client: client)
            return true
        }

        func stockLevel(client: Int, _ random: inout SeededRandom) async throws {
            try await desk.stockLevel(sku: skus[random.next(skus.count)], client: client)
        }
    }

    /// An order's lines, the same for Docket and the baseline: 3–8 different products (indices), 1–5 of each.
    static func lines(_ random: inout SeededRandom, products: Int) -> [(product: Int, quantity: Int64)] {
        let count = 3 + random.next(6)
        var lines: [(product: Int, quantity: Int64)] = []
        var used: Set<Int> = []
        while lines.count < count {
            let pick = random.next(products)
            if used.insert(pick).inserted { lines.append((pick, Int64(1 + random.next(5)))) }
        }
        return lines
    }

    enum BenchError: Error, CustomStringConvertible {
        case notPlaced(String)
        var description: String {
            switch self {
            case .notPlaced(let status): "an order stopped at \(status) instead of waiting for the customer (are the bench's rules active?)"
            }
        }
    }

    /// The mix, each operation drawn by its share; each kind timed on its own.
    static func measureMix(
        _ world: World, run: String, options: BenchOptions, progress: @escaping @Sendable (String, Double) -> Void
    ) async throws -> [ScenarioReport] {
        let names = ["mix.place_order", "confirm", "order_status", "stock_level"]
        let recorders = try await drive("mix", seconds: options.seconds, clients: options.clients, kinds: names.count, progress: progress) {
            client, i, random in
            let draw = random.next(100)
            if draw < 45 {
                try await world.placeOrder(key: "\(run)-mix-\(client)-\(i)", client: client, &random)
                return 0
            } else if draw < 88 {
                if try await world.confirm(client: client) { return 1 }
                try await world.placeOrder(key: "\(run)-mix-\(client)-\(i)", client: client, &random)
                return 0
            } else if draw < 92 {
                if try await world.orderStatus(client: client, &random) { return 2 }
                try await world.stockLevel(client: client, &random)
                return 3
            } else {
                try await world.stockLevel(client: client, &random)
                return 3
            }
        }
        return names.indices.map { recorders.report(names[$0], kind: $0) }
    }

    /// One operation from every client for `seconds`.
    static func measure(
        _ name: String, seconds: Double, clients: Int, progress: @escaping @Sendable (String, Double) -> Void,
        _ operation: @escaping @Sendable (Int, Int, inout SeededRandom) async throws -> Void
    ) async throws -> ScenarioReport {
        try await drive(name, seconds: seconds, clients: clients, kinds: 1, progress: progress) { client, i, random in
            try await operation(client, i, &random)
            return 0
        }.report(name, kind: 0)
    }

    /// Latencies per kind of operation, merged over the clients.
    struct Recorders {
        var histograms: [Histogram<UInt64>]
        var errors: [Int]
        var seconds: Double

        func report(_ name: String, kind: Int) -> ScenarioReport {
            let h = histograms[kind]
            func ms(_ p: Double) -> Double { Double(h.valueAtPercentile(p)) / 1000 }
            return ScenarioReport(
                name: name, operations: Int(h.totalCount), per_second: Double(h.totalCount) / seconds, p50_ms: ms(50), p90_ms: ms(90), p99_ms: ms(99),
                errors: errors[kind])
        }
    }

    /// Runs `operation` (which returns the kind of operation it did) from `clients` tasks for `seconds`. An error is
    /// counted, not timed; more than a few in a row stop the run with the error.
    static func drive(
        _ name: String, seconds: Double, clients: Int, kinds: Int, progress: @escaping @Sendable (String, Double) -> Void,
        _ operation: @escaping @Sendable (Int, Int, inout SeededRandom) async throws -> Int
    ) async throws -> Recorders {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .milliseconds(Int64(seconds * 1000)))
        let ticker = Task {
            while !Task.isCancelled, clock.now < deadline {
                let elapsed = start.duration(to: clock.now)
                progress(name, min(1, elapsed.inSeconds / seconds))
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { ticker.cancel() }
        let all = try await withThrowingTaskGroup(of: Recorders.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var recorders = Recorders(
                        histograms: (0..<kinds).map { _ in Histogram<UInt64>(highestTrackableValue: 60_000_000) }, errors: Array(repeating: 0, count: kinds),
                        seconds: seconds)
                    var random = SeededRandom(seed: UInt64(client + 1) &* 0x9E37_79B9)
                    var i = 0
                    var failures = 0
                    while clock.now < deadline {
                        let began = clock.now
                        do {
                            let kind = try await operation(client, i, &random)
                            let elapsed = began.duration(to: clock.now)
                            _ = recorders.histograms[kind].record(
                                elapsed.inMicroseconds)
                            failures = 0
                        } catch {
                            recorders.errors[0] += 1
                            failures += 1
                            if failures > 20 { throw error }
                        }
                        i += 1
                    }
                    return recorders
                }
            }
            var merged: [Recorders] = []
            for try await recorders in group { merged.append(recorders) }
            return merged
        }
        progress(name, 1)
        let elapsed = start.duration(to: clock.now)
        var result = Recorders(
            histograms: (0..<kinds).map { _ in Histogram<UInt64>(highestTrackableValue: 60_000_000) }, errors: Array(repeating: 0, count: kinds),
            seconds: elapsed.inSeconds)
        for recorders in all {
            for kind in 0..<kinds {
                result.histograms[kind].add(recorders.histograms[kind])
                result.errors[kind] += recorders.errors[kind]
            }
        }
        return result
    }
}
