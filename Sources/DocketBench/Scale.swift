import DocketCore
import DocketStore
import Foundation

/// `docket bench --orders N`: a database holding N orders of history, built by a bulk path, and the reads people do
/// there — an order's status, a customer's order history, the first page of the order list.
public enum ScaleBench {
    /// `--json` in scale mode.
    public struct Report: Sendable, Codable {
        public var engine: String
        public var transport: String
        public var clients: Int
        public var orders: Int
        /// Seconds this run took to add orders (a new data set's generation and history included; 0 when the database
        /// held them already).
        public var build_seconds: Double
        public var scenarios: [ScenarioReport]
        public var server_peak_rss_mb: Double?

        public var text: String {
            var lines = ["engine \(engine), \(transport), \(clients) clients, \(orders) orders" + (build_seconds > 0 ? String(format: " (built in %.0f s)", build_seconds) : "")]
            lines += scenarios.map(\.line)
            if let server_peak_rss_mb { lines.append("docket serve peak resident memory \(String(format: "%.0f", server_peak_rss_mb)) MB") }
            return lines.joined(separator: "\n")
        }
    }

    public static func run(
        store: Store, orders target: Int, options: BenchOptions, progress: @escaping @Sendable (String, Double) -> Void
    ) async throws -> Report {
        let before = try await BulkOrders.count(store)
        let clock = ContinuousClock()
        let began = clock.now
        // A new data set's history counts towards the target, and never passes it.
        var generated = options
        generated.history = min(options.history, target)
        let (skus, customers) = try await MixBench.prepare(store, options: generated, progress: progress)
        _ = try await BulkOrders.fill(store, to: target, products: skus.count, customers: customers.count, progress: progress)
        let built = began.duration(to: clock.now)
        let count = try await BulkOrders.count(store)
        // Orders to look up: a spread sample of the ids there are (PostgreSQL's ids have gaps where a write rolled back).
        let step = max(1, try await BulkOrders.lastID(store) / 100_000)
        let ids = try await store.engine.read(Statement("SELECT id FROM orders WHERE id % $1 = 0 LIMIT 200000", [step])).map {
            ID<Order>(try $0.int("id"))
        }
        guard !ids.isEmpty else { throw StoreError.configuration("no orders to look up") }

        let (server, http) = try await HTTPDesk.start(options, store: store, progress: progress)
        let desk: any ScaleDesk = http ?? InProcessDesk(store: store)
        do {
            var scenarios: [ScenarioReport] = []
            scenarios.append(
                try await MixBench.measure("order_status", seconds: options.seconds, clients: options.clients, progress: progress) { client, _, random in
                    try await desk.status(ids[random.next(ids.count)], client: client)
                })
            scenarios.append(
                try await MixBench.measure("customer_history", seconds: options.seconds, clients: options.clients, progress: progress) { client, _, random in
                    try await desk.history(customer: customers[random.next(customers.count)], client: client)
                })
            scenarios.append(
                try await MixBench.measure("order_list_page", seconds: options.seconds, clients: options.clients, progress: progress) { client, _, _ in
                    try await desk.listPage(client: client)
                })
            let peak = server?.peakResidentMB
            await http?.close()
            server?.stop()
            return Report(
                engine: store.dialect.rawValue, transport: options.http == nil ? "in-process" : "http", clients: options.clients, orders: count,
                build_seconds: count > before ? built.inSeconds : 0,
                scenarios: scenarios, server_peak_rss_mb: peak)
        } catch {
            await http?.close()
            server?.stop()
            throw error
        }
    }
}

/// The reads of the scale run, in-process or over HTTP.
protocol ScaleDesk: Desk {
    /// The customer's orders, newest first, first page (20).
    func history(customer: String, client: Int) async throws
    /// The order list as it opens: every order, newest first, first page (50), with the total.
    func listPage(client: Int) async throws
}

extension InProcessDesk: ScaleDesk {
    func history(customer: String, client: Int) async throws {
        _ = try await store.orders.list(OrderFilter(customerCode: customer, limit: 20))
    }

    func listPage(client: Int) async throws {
        _ = try await store.orders.list(OrderFilter(limit: 50))
    }
}

extension HTTPDesk: ScaleDesk {
    func history(customer: String, client: Int) async throws {
        _ = try await get("/api/v1/orders?customer=\(customer)&limit=20", client: client)
    }

    func listPage(client: Int) async throws {
        _ = try await get("/api/v1/orders?limit=50", client: client)
    }
}

/// The bulk path: orders of history (completed, every twentieth cancelled) with 1–5 lines each priced from the
/// bench's products, each with the audit event of its last step, numbered per day without gaps — written by
/// INSERT … SELECT statements, one China day (20,000 orders) per transaction, going back from yesterday. The data
/// keeps every invariant `docket check` verifies.
enum BulkOrders {
    static let perDay = 20_000

    static func count(_ store: Store) async throws -> Int {
        Int(try await store.engine.read(Statement("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders", []))[0].int("n"))
    }

    static func lastID(_ store: Store) async throws -> Int64 {
        try await store.engine.read(Statement("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM orders", []))[0].int("n")
    }

    /// Adds orders until the database holds `target`; answers how many it added.
    static func fill(
        _ store: Store, to target: Int, products: Int, customers: Int, progress: @escaping @Sendable (String, Double) -> Void
    ) async throws -> Int {
        let start = try await count(store)
        guard target > start else { return 0 }
        let dayMilliseconds: Int64 = 86_400_000
        let today = store.clock.now().date(utcOffsetHours: 8)
        // Going back from yesterday, or from the day before the earliest day an earlier run filled.
        let earliest = try await store.engine.read(
            Statement("SELECT MIN(day) AS day FROM order_number_counters WHERE length(day) = 8 AND day < $1", [today.compactISO])
        ).first?.optionalText("day").flatMap { text -> CalendarDate? in
            guard let value = Int(text) else { return nil }
            return CalendarDate(year: value / 10_000, month: value / 100 % 100, day: value % 100)
        }
        var added = 0
        var date = (earliest ?? today).adding(days: -1)
        while start + added < target {
            let orders = min(perDay, target - start - added)
            let before = try await lastID(store)
            let dayStart = Int64(date.daysSince1970) * dayMilliseconds - 8 * 3_600_000
            _ = try await store.engine.write(
                statements(
                    day: date.compactISO, orders: orders, before: before, dayStart: dayStart, step: dayMilliseconds / Int64(perDay),
                    products: products, customers: customers))
            added += orders
            date = date.adding(days: -1)
            progress("orders \(start + added)", Double(added) / Double(target - start))
        }
        return added
    }

    static func statements(day: String, orders: Int, before: Int64, dayStart: Int64, step: Int64, products: Int, customers: Int) -> [Statement] {
        let actor = Actor.cli("bench").description
        return [
            Statement(
                """
                WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < $1)
                INSERT INTO orders (number, channel, customer_code, customer_id, type, urgent, status, total_minor, currency, problems,
                                    received_at, version, updated_at, payment_method, revision)
                SELECT 'SO-' || $2 || '-' || substr(CAST(1000000 + i AS TEXT), 2), 'api', g.code,
                       (SELECT c.id FROM customers c WHERE c.code = g.code), 'STOCK', FALSE,
                       CASE WHEN i % 20 = 0 THEN 'cancelled' ELSE 'completed' END, 0, 'CNY', '[]',
                       $3 + (i - 1) * $4, 2, $3 + (i - 1) * $4, 'on_account', 1
                FROM (SELECT i, 'BC-' || substr(CAST(1000000 + ((i * 7919 + $6) % $5) + 1 AS TEXT), 2) AS code FROM n) AS g
                ORDER BY i
                """, [Int64(orders), day, dayStart, step, Int64(customers), before], expect: .rows(orders)),
            Statement(
                """
                INSERT INTO order_lines (order_id, line_no, sku, description, quantity, unit_price_minor, list_price_minor, currency,
                                         amount_minor, price_override)
                SELECT g.id, g.line_no, p.sku, p.name_zh, g.quantity, p.list_price_minor, p.list_price_minor, 'CNY',
                       g.quantity * p.list_price_minor, FALSE
                FROM (SELECT o.id, k.line_no, 1 + (o.id + k.line_no) % 5 AS quantity,
                             'BN-' || substr(CAST(1000000 + ((o.id * 31 + k.line_no * 977) % $2) + 1 AS TEXT), 2) AS sku
                      FROM orders o
                      CROSS JOIN (SELECT 1 AS line_no UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) AS k
                      WHERE o.id > $1 AND k.line_no <= 1 + o.id % 5) AS g
                JOIN products p ON p.sku = g.sku
                ORDER BY g.id, g.line_no
                """, [before, Int64(products)]),
            Statement(
                """
                UPDATE orders SET total_minor = (SELECT COALESCE(SUM(l.amount_minor), 0) FROM order_lines l WHERE l.order_id = orders.id)
                WHERE id > $1
                """, [before], expect: .rows(orders)),
            Statement(
                """
                INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)
                SELECT received_at + 3 * 86400000, $2, CASE WHEN status = 'cancelled' THEN 'cancel' ELSE 'complete' END, 'order', id,
                       CASE WHEN status = 'cancelled' THEN '{"from":"on_hold","reason":"客户取消","to":"cancelled"}'
                            ELSE '{"from":"delivered","to":"completed"}' END
                FROM orders WHERE id > $1 ORDER BY id
                """, [before, actor], expect: .rows(orders)),
            Statement(
                "INSERT INTO order_number_counters (day, last_value) VALUES ($1, $2)", [day, Int64(orders)], expect: .rows(1)),
        ]
    }
}
