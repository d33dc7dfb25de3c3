import DocketCore
import Foundation

/// Service levels (003): the end of an order's window (its `service_level` timer) records what was late and its
/// penalty; the penalties of a month, each exempt with a reason; and the kanban board (看板) with its overdue list.
public struct ServiceLevelRepository: Repository {
    public let store: Store
}

extension Store {
    public var serviceLevels: ServiceLevelRepository { ServiceLevelRepository(store: self) }
}

/// A penalty as stored, with its order's number, customer and type.
public struct ServicePenalty: Sendable, Hashable {
    public var id: Int64
    public var orderID: ID<Order>
    public var orderNumber: String
    public var customerCode: String
    public var customerName: String?
    public var type: OrderType
    /// `YYYY-MM`, the window's end in Beijing.
    public var month: String
    public var dueAt: Timestamp
    public var confirmedAt: Timestamp?
    public var lines: [ServiceLevel.PenaltyLine]
    public var base: Money
    public var amount: Money
    public var basisPoints: Int
    public var status: PenaltyStatus
    public var exemption: ServiceLevel.Exemption?
    public var note: String?
    public var decidedBy: String?
    public var decidedAt: Timestamp?
    public var createdAt: Timestamp
    public var version: Int64
}

/// A month's penalties with their sums.
public struct PenaltyMonth: Sendable, Hashable {
    public var month: String
    public var penalties: [ServicePenalty]
    /// Owed (recorded, not exempt).
    public var owed: Money
    public var exempt: Money
}

extension ServiceLevelRepository {
    /// The end of an order's service window (its timer): lines not delivered by now are late. Cancelled orders and
    /// orders already assessed are skipped; an order with nothing late is `met`; otherwise the penalty is recorded
    /// (exempt from the start when the customer asked for a later date), with its audit events — one write with
    /// marking the timer done, under the timer's lease.
    func check(orderID: ID<Order>, due: Timestamp, markDone: (TimerOutcome, Timestamp) -> Statement) async throws -> TimerOutcome {
        let side = try await store.shipments.orderSide(orderID)
        let order = side.order
        let rows = try await engine.read([
            Statement("SELECT id, amount_minor, currency FROM order_lines WHERE order_id = $1 AND removed_in_revision IS NULL", [orderID]),
            Statement(
                "SELECT lines FROM after_sales_cases WHERE order_id = $1 AND kind = 'refusal' AND status = 'open'", [orderID]),
            Statement("SELECT id FROM service_penalties WHERE order_id = $1", [orderID]),
        ])
        let now = clock.now()
        if order.status == .cancelled || !rows[2].isEmpty {
            _ = try await engine.write(markDone(.skipped, now))
            return .skipped
        }
        // Completed: every line was delivered or resolved (a refusal's case settled) — in time, as the window is only now over.
        if [.completed, .archived].contains(order.status) {
            _ = try await engine.write(markDone(.met, now))
            return .met
        }
        var amounts: [ID<OrderLine>: Money] = [:]
        for row in rows[0] {
            amounts[try row.id()] = Money(minor: try row.int("amount_minor"), currency: Currency.named(try row.text("currency")) ?? .cny)
        }
        // Signed for: what delivered shipments carried, less what the customer refused at the door and is not settled yet.
        var delivered: [ID<OrderLine>: Int64] = [:]
        for shipment in side.shipments where shipment.status == .delivered {
            for (line, quantity) in side.carried[shipment.id] ?? [:] { delivered[line, default: 0] = delivered[line, default: 0].saturatingAdding(quantity) }
        }
        for row in rows[1] {
            for refused in try JSONColumn.decode([StoredCase.Line].self, try row.text("lines"), column: "lines") {
                delivered[refused.lineId, default: 0] = delivered[refused.lineId, default: 0].saturatingSubtracting(refused.quantity)
            }
        }
        let closed = Dictionary(side.balances.map { ($0.lineID, $0.closed) }, uniquingKeysWith: { a, _ in a })
        let facts = side.lines.map { line in
            ServiceLevel.LineFacts(
                lineID: line.id, sku: line.sku, ordered: line.quantity, delivered: max(0, delivered[line.id] ?? 0), closed: closed[line.id] ?? 0,
                amount: amounts[line.id] ?? .zero(order.total.currency))
        }
        let basisPoints = policy.penaltyBasisPoints
        guard let assessment = try ServiceLevel.assess(lines: facts, requestedDate: order.requestedDate, due: due, basisPoints: basisPoints) else {
            _ = try await engine.write(markDone(.met, now))
            return .met
        }
        let actor = Actor(.system, "timer")
        let exemptNote = assessment.exemption.map { _ in order.requestedDate?.iso8601 ?? "" }
        let statements = [
            markDone(.penalized, now),
            Statement(
                """
                INSERT INTO service_penalties (order_id, month, due_at, lines, base_minor, amount_minor, currency, basis_points, status, exemption,
                                               note, decided_by, decided_at, created_at, version)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1) RETURNING id
                """,
                [
                    orderID, ServiceLevel.month(of: due), due, try JSONColumn.encode(assessment.lines), assessment.base.minor, assessment.penalty.minor,
                    assessment.penalty.currency.code, basisPoints, (assessment.exemption == nil ? PenaltyStatus.recorded : .exempt).rawValue,
                    assessment.exemption?.rawValue, exemptNote, assessment.exemption.map { _ in actor.description }, assessment.exemption.map { _ in now }, now,
                ], expect: .rows(1), label: "service_penalties"),
            Store.audit([
                ("recorded", .servicePenalty, Bind.result(statement: 1, column: "id"), actor, now,
                 try JSONColumn.encode(["order": order.number, "amount": assessment.penalty.decimalString])),
                ("service_window_breached", .order, orderID, actor, now,
                 try JSONColumn.encode(["reason": assessment.penalty.formatted])),
            ]),
        ]
        _ = try await engine.write(statements)
        return .penalized
    }

    static let select = """
        SELECT p.*, o.number AS order_number, o.customer_code, o.type, o.confirmed_at,
               (SELECT name FROM customers c WHERE c.code = o.customer_code) AS customer_name
        FROM service_penalties p JOIN orders o ON o.id = p.order_id
        """

    static func decode(_ row: SQLRow) throws -> ServicePenalty {
        guard let status = PenaltyStatus(rawValue: try row.text("status")), let type = OrderType(rawValue: try row.text("type")) else {
            throw StoreError.decoding(column: "status")
        }
        let currency = Currency.named(try row.text("currency")) ?? .cny
        return ServicePenalty(
            id: try row.int("id"), orderID: try row.id("order_id"), orderNumber: try row.text("order_number"), customerCode: try row.text("customer_code"),
            customerName: row.optionalText("customer_name"), type: type, month: try row.text("month"), dueAt: try row.timestamp("due_at"),
            confirmedAt: row.optionalInt("confirmed_at").map { Timestamp(millisecondsSince1970: $0) },
            lines: try JSONColumn.decode([ServiceLevel.PenaltyLine].self, try row.text("lines"), column: "lines"),
            base: Money(minor: try row.int("base_minor"), currency: currency), amount: Money(minor: try row.int("amount_minor"), currency: currency),
            basisPoints: Int(try row.int("basis_points")), status: status,
            exemption: row.optionalText("exemption").flatMap(ServiceLevel.Exemption.init(rawValue:)), note: row.optionalText("note"),
            decidedBy: row.optionalText("decided_by"), decidedAt: row.optionalInt("decided_at").map { Timestamp(millisecondsSince1970: $0) },
            createdAt: try row.timestamp("created_at"), version: try row.int("version"))
    }

    public func penalty(id: Int64) async throws -> ServicePenalty {
        guard let row = try await engine.read(Statement(SQL(Self.select + " WHERE p.id = $1"), [id])).first else {
            throw DocketError.notFound(.servicePenalty, key: String(id))
        }
        return try Self.decode(row)
    }

    public func penalties(orderID: ID<Order>) async throws -> [ServicePenalty] {
        try await engine.read(Statement(SQL(Self.select + " WHERE p.order_id = $1 ORDER BY p.id"), [orderID])).map(Self.decode)
    }

    /// The penalties whose window ended in `month` (`YYYY-MM`), by the window's end, with the month's sums (saturated
    /// rather than trapping, like the home page's figures: each penalty is bounded, so they never come near the limit).
    public func month(_ month: String, limit: Int = 1000) async throws -> PenaltyMonth {
        guard ServiceLevel.parseMonth(month) != nil else { throw DocketError.invalid("month", "invalidValue", ["allowed": "YYYY-MM"]) }
        let penalties = try await engine.read(Statement(SQL(Self.select + " WHERE p.month = $1 ORDER BY p.due_at, p.id LIMIT $2"), [month, limit]))
            .map(Self.decode)
        var owed: Int64 = 0
        var exempt: Int64 = 0
        for penalty in penalties {
            if penalty.status == .exempt { exempt = exempt.saturatingAdding(penalty.amount.minor) } else { owed = owed.saturatingAdding(penalty.amount.minor) }
        }
        return PenaltyMonth(month: month, penalties: penalties, owed: Money(minor: owed), exempt: Money(minor: exempt))
    }

    /// 免于处罚: the penalty is not owed, for a reason written down (003: 情况说明). Guarded by its version: of two
    /// people deciding at once, the second is told it was decided.
    public func exempt(id: Int64, note: String?, version: Int64?, by actor: Actor) async throws -> ServicePenalty {
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        var v = Validator()
        if (note ?? "").isEmpty { v.add("note", "required") }
        v.optionalText(note, "note", max: 2000, multiline: true)
        try v.check()
        let stored = try await penalty(id: id)
        guard stored.status == .recorded else { throw DocketError.conflict(.servicePenalty, key: stored.orderNumber, because: "penaltyDecided") }
        if let version, version != stored.version {
            throw DocketError.versionConflict(.servicePenalty, key: stored.orderNumber, current: stored.version)
        }
        let now = clock.now()
        do {
            _ = try await engine.write([
                Statement(
                    """
                    UPDATE service_penalties SET status = 'exempt', exemption = $3, note = $4, decided_by = $5, decided_at = $6, version = version + 1
                    WHERE id = $1 AND version = $2 AND status = 'recorded'
                    """, [id, stored.version, ServiceLevel.Exemption.explained.rawValue, note, actor.description, now], expect: .rows(1),
                    label: "service_penalties.version"),
                Store.audit([
                    ("exempted", .servicePenalty, id, actor, now, try JSONColumn.encode(["note": note ?? ""])),
                    ("penalty_exempted", .order, stored.orderID, actor, now, try JSONColumn.encode(["reason": note ?? ""])),
                ]),
            ])
        } catch StoreError.guardFailed(let label) where label == "service_penalties.version" {
            throw DocketError.conflict(.servicePenalty, key: stored.orderNumber, because: "penaltyDecided")
        }
        return try await penalty(id: id)
    }
}

// MARK: Kanban

/// The kanban board (看板): open orders by stage, each card measured against its deadline.
public struct Board: Sendable {
    /// Encoded as it is by the API (`GET /api/v1/board`).
    public struct Card: Sendable, Hashable, Encodable {
        public var id: ID<Order>
        public var number: String
        public var customerCode: String
        public var customerName: String?
        public var type: OrderType
        public var urgent: Bool
        public var status: OrderStatus
        public var heldFrom: OrderStatus?
        public var promisedDate: CalendarDate?
        /// The promised date's end (else the type's window from receipt).
        public var deadline: Timestamp
        public var standing: ServiceLevel.Standing
        public var daysLeft: Int
        public var total: Money
        /// The end of the service window, once confirmed.
        public var serviceDueAt: Timestamp?
    }

    public struct Column: Sendable {
        public var column: BoardColumn
        public var count: Int64
        public var cards: [Card]
    }

    public var columns: [Column]
    /// Open orders past their promised date, most late first.
    public var overdue: [Card]
    public var overdueCount: Int64
}

/// What the board shows: one warehouse's orders (shipped from it, or holding stock in it), one customer's, one type.
public struct BoardFilter: Sendable, Hashable {
    public var warehouse: String?
    public var customer: String?
    public var type: OrderType?

    public init(warehouse: String? = nil, customer: String? = nil, type: OrderType? = nil) {
        self.warehouse = warehouse
        self.customer = customer
        self.type = type
    }
}

extension ServiceLevelRepository {
    /// The board, read in one snapshot: per column its count and its first `perColumn` cards (most urgent deadline
    /// first), and the overdue list.
    public func board(_ filter: BoardFilter, perColumn: Int = 40, overdueLimit: Int = 100) async throws -> Board {
        let now = clock.now()
        let today = now.date(utcOffsetHours: 8)
        func conditions() -> Conditions {
            var c = Conditions()
            if let warehouse = filter.warehouse {
                let code = c.bind(warehouse)
                c.add(
                    """
                    (EXISTS (SELECT 1 FROM shipments s JOIN warehouses w ON w.id = s.warehouse_id WHERE s.order_id = orders.id AND w.code = \(code))
                     OR EXISTS (SELECT 1 FROM reservations r JOIN stock_lots l ON l.id = r.lot_id JOIN warehouses w ON w.id = l.warehouse_id
                                WHERE r.order_id = orders.id AND w.code = \(code)))
                    """)
            }
            if let customer = filter.customer { c.add("orders.customer_code = \(c.bind(customer))") }
            if let type = filter.type { c.add("orders.type = \(c.bind(type.rawValue))") }
            return c
        }
        /// Orders standing in `statuses`, or on hold from one of them (a held order stays in its column).
        func standing(in statuses: [OrderStatus]) -> Conditions {
            var c = conditions()
            let list = c.list(statuses.map(\.rawValue))
            c.add("(orders.status IN \(list) OR (orders.status = 'on_hold' AND orders.held_from IN \(list)))")
            return c
        }
        var statements: [Statement] = []
        let counting = standing(in: BoardColumn.allCases.flatMap(\.statuses))
        statements.append(
            Statement(SQL("SELECT orders.status, orders.held_from, COUNT(*) AS n FROM orders\(counting.clause) GROUP BY orders.status, orders.held_from"),
                counting.binds))
        let select = "SELECT orders.*, \(Store.customerNameSQL) FROM orders"
        for column in BoardColumn.allCases {
            let c = standing(in: column.statuses)
            let order = column == .delivered ? "orders.updated_at DESC, orders.id DESC" : "CASE WHEN orders.promised_date IS NULL THEN 1 ELSE 0 END, orders.promised_date, orders.id"
            statements.append(Statement(SQL("\(select)\(c.clause) ORDER BY \(order) LIMIT \(perColumn)"), c.binds))
        }
        var late = conditions()
        Store.late(&late, today: today)
        statements.append(Statement(SQL("\(select)\(late.clause) ORDER BY orders.promised_date, orders.id LIMIT \(overdueLimit)"), late.binds))
        statements.append(Statement(SQL("SELECT COUNT(*) AS n FROM orders\(late.clause)"), late.binds))
        let rows = try await engine.read(statements)

        var counts: [BoardColumn: Int64] = [:]
        for row in rows[0] {
            guard let status = OrderStatus(rawValue: try row.text("status")) else { continue }
            let state = OrderState(status: status, heldFrom: row.optionalText("held_from").flatMap(OrderStatus.init(rawValue:)))
            if let column = BoardColumn.of(state) { counts[column, default: 0] += try row.int("n") }
        }
        func card(_ row: SQLRow) throws -> Board.Card {
            let order = try Store.order(row, lines: [])
            let window = policy.serviceWindowDays(order.type)
            let deadline = order.promisedDate.map(ServiceLevel.endOfDay) ?? order.receivedAt.adding(days: window)
            let finished = [.delivered, .completed, .archived, .cancelled].contains(order.status)
            return Board.Card(
                id: order.id, number: order.number, customerCode: order.customerCode, customerName: order.customerName, type: order.type,
                urgent: order.urgent, status: order.status, heldFrom: order.heldFrom, promisedDate: order.promisedDate, deadline: deadline,
                standing: ServiceLevel.standing(deadline: deadline, windowDays: window, now: now, finished: finished),
                daysLeft: ServiceLevel.daysLeft(deadline: deadline, now: now), total: order.total,
                serviceDueAt: row.optionalInt("service_due_at").map { Timestamp(millisecondsSince1970: $0) })
        }
        let columns = try BoardColumn.allCases.enumerated().map { index, column in
            Board.Column(column: column, count: counts[column] ?? 0, cards: try rows[index + 1].map(card))
        }
        let overdueIndex = BoardColumn.allCases.count + 1
        return Board(columns: columns, overdue: try rows[overdueIndex].map(card), overdueCount: try rows[overdueIndex + 1][0].int("n"))
    }
}
