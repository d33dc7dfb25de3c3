import DocketCore
import Foundation

/// The home page's figures (DOMAIN §2: what waits where, what is due, what is late), read in one snapshot.
public struct Dashboard: Sendable {
    public struct Figure: Sendable, Hashable {
        public var count: Int64
        /// Fen; sums are saturated at `Int64.max` rather than trap (they never come near it in practice).
        public var amount: Money
    }

    public struct Item: Sendable, Hashable {
        public var id: ID<Order>
        public var number: String
        public var customerCode: String
        public var customerName: String?
        public var status: OrderStatus
        public var total: Money
        /// The confirmation deadline (due soon).
        public var deadline: Timestamp?
        /// The promised date (overdue).
        public var promisedDate: CalendarDate?
    }

    /// Open orders per status. Closed ones (completed, cancelled, archived) are not counted: no home page shows
    /// them, and counting them read every order ever taken (seconds at ten million).
    public var byStatus: [OrderStatus: Figure]
    /// Received since midnight, China time.
    public var today: Figure
    /// Orders whose confirmation deadline falls within the next four hours.
    public var confirmationsDue: [Item]
    /// Open orders past their promised date.
    public var overdue: [Item]
    public var overdueCount: Int64

    /// One status's figure (none: zero).
    public func figure(_ status: OrderStatus) -> Figure { byStatus[status] ?? Figure(count: 0, amount: .zero()) }

    public func figure(_ stage: OrderStage) -> Figure {
        stage.statuses.reduce(Figure(count: 0, amount: .zero())) { sum, status in
            let figure = figure(status)
            return Figure(
                count: sum.count.saturatingAdding(figure.count), amount: Money(minor: sum.amount.minor.saturatingAdding(figure.amount.minor)))
        }
    }
}

extension Store {
    /// Orders past their promised date (逾期): accepted, not yet delivered, and their promised day is over in China.
    /// The home page's overdue panel and the board's overdue list read the same.
    static func late(_ conditions: inout Conditions, today: CalendarDate) {
        conditions.add("orders.promised_date < \(conditions.bind(today.iso8601))")
        conditions.add("orders.status IN \(conditions.list(OrderWorkflow.lateable.map(\.rawValue)))")
    }
}

extension OrderRepository {
    public func dashboard(dueWithinHours hours: Int64 = 4, limit: Int = 10) async throws -> Dashboard {
        let now = clock.now()
        let today = now.date(utcOffsetHours: 8)
        let midnight = Int64(today.daysSince1970) * 86_400_000 - 8 * 3_600_000
        // Sums as floating point on the database side (exact far beyond any real order book), so an extreme sum
        // cannot overflow in SQL; Swift turns them back into saturated fen.
        func summing(_ text: String) -> SQL {
            SQL(postgres: text.replacingOccurrences(of: "{sum}", with: "CAST(SUM(total_minor) AS DOUBLE PRECISION)"),
                sqlite: text.replacingOccurrences(of: "{sum}", with: "TOTAL(total_minor)"))
        }
        var open = Conditions()
        open.add("status IN \(open.list(OrderStatus.allCases.filter { !OrderStage.closed.statuses.contains($0) }.map(\.rawValue)))")
        var late = Conditions()
        Store.late(&late, today: today)
        let rows = try await engine.read([
            Statement(summing("SELECT status, COUNT(*) AS n, {sum} AS amount FROM orders\(open.clause) GROUP BY status"), open.binds),
            Statement(summing("SELECT COUNT(*) AS n, {sum} AS amount FROM orders WHERE received_at >= $1"), [midnight]),
            Statement(
                SQL(
                    """
                    SELECT orders.*, \(Store.customerNameSQL), t.due_at AS due FROM timers t JOIN orders ON orders.id = t.subject_id
                    WHERE t.subject = 'order' AND t.kind = 'confirmation_deadline' AND t.done_at IS NULL AND t.due_at <= $1
                      AND orders.status = 'awaiting_confirmation'
                    ORDER BY t.due_at, orders.id LIMIT $2
                    """), [now.adding(milliseconds: hours * 3_600_000), limit]),
            Statement(
                SQL("SELECT orders.*, \(Store.customerNameSQL) FROM orders\(late.clause) ORDER BY promised_date, id LIMIT \(limit)"), late.binds),
            Statement(SQL("SELECT COUNT(*) AS n FROM orders\(late.clause)"), late.binds),
        ])
        func fen(_ row: SQLRow) -> Money {
            let value = row.optionalDouble("amount") ?? Double(row.optionalInt("amount") ?? 0)
            return Money(minor: value >= 9.2e18 ? Int64.max : Int64(max(value, 0)))
        }
        var byStatus: [OrderStatus: Dashboard.Figure] = [:]
        for row in rows[0] {
            guard let status = OrderStatus(rawValue: try row.text("status")) else { continue }
            byStatus[status] = Dashboard.Figure(count: try row.int("n"), amount: fen(row))
        }
        func item(_ row: SQLRow, deadline: Timestamp? = nil) throws -> Dashboard.Item {
            let order = try Store.order(row, lines: [])
            return Dashboard.Item(
                id: order.id, number: order.number, customerCode: order.customerCode, customerName: order.customerName, status: order.status,
                total: order.total, deadline: deadline, promisedDate: order.promisedDate)
        }
        return Dashboard(
            byStatus: byStatus, today: Dashboard.Figure(count: try rows[1][0].int("n"), amount: fen(rows[1][0])),
            confirmationsDue: try rows[2].map { try item($0, deadline: try $0.timestamp("due")) },
            overdue: try rows[3].map { try item($0) },
            overdueCount: try rows[4][0].int("n"))
    }
}
