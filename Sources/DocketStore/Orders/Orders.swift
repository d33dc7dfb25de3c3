import DocketCore
import Foundation

/// An order as kept, with its priced lines.
public struct StoredOrder: Sendable, Codable, Hashable {
    public var id: ID<Order>
    public var number: String
    public var channel: OrderChannel
    public var externalRef: String?
    public var customerCode: String
    /// The customer's name as kept in master data now (nil for a customer not known yet).
    public var customerName: String? = nil
    public var type: OrderType
    public var urgent: Bool
    public var status: OrderStatus
    public var heldFrom: OrderStatus?
    public var contactName: String?
    public var contactPhone: String?
    public var deliveryAddress: Address?
    public var requestedDate: CalendarDate?
    public var promisedDate: CalendarDate?
    public var paymentMethod: PaymentMethod
    public var total: Money
    /// What intake found missing (field problems), while the order needs information.
    public var problems: [FieldProblem]
    public var notes: String?
    /// What the customer asked for when confirming (special requirements).
    public var customerRequirements: String?
    public var receivedAt: Timestamp
    /// Content revision: 1 at intake, one more for each approved change.
    public var revision: Int64
    public var version: Int64
    public var lines: [OrderIntake.PricedLine]

    public var state: OrderState { OrderState(status: status, heldFrom: heldFrom) }

    /// The order's content as a draft again, for re-checking an edit with the intake rules. Prices are kept as
    /// they were agreed; a line's price differing from today's list price is flagged again.
    public var draft: OrderDraft {
        OrderDraft(
            channel: channel, externalRef: externalRef, customerCode: customerCode, contactName: contactName,
            contactPhone: contactPhone, deliveryAddress: deliveryAddress, type: type, urgent: urgent, requestedDate: requestedDate,
            paymentMethod: paymentMethod, lines: lines.map { OrderLineDraft(lineID: $0.id, sku: $0.sku, quantity: $0.quantity, unitPrice: $0.agreedPrice) },
            notes: notes)
    }

    public var snapshot: OrderSnapshot {
        OrderSnapshot(
            customerCode: customerCode, contactName: contactName, contactPhone: contactPhone, deliveryAddress: deliveryAddress,
            requestedDate: requestedDate, paymentMethod: paymentMethod, lines: lines, total: total, notes: notes)
    }
}

/// The columns an order list can be sorted by (each a fixed SQL column, never text from the request).
public enum OrderSort: String, Sendable, CaseIterable {
    case received, number, customer, total

    var column: String {
        switch self {
        case .received: "received_at"
        case .number: "number"
        case .customer: "customer_code"
        case .total: "total_minor"
        }
    }
}

/// Which orders a list shows. Every condition given must hold.
public struct OrderFilter: Sendable, Hashable {
    public var statuses: [OrderStatus]
    public var customerCode: String?
    public var channel: OrderChannel?
    public var type: OrderType?
    /// Received on or after this China day.
    public var receivedFrom: CalendarDate?
    /// Received on or before this China day.
    public var receivedTo: CalendarDate?
    /// Part of the order number, customer code or name, or platform order id.
    public var search: String?
    /// The order of the list: newest first unless asked otherwise.
    public var sort: OrderSort = .received
    public var descending = true
    public var limit: Int
    public var offset: Int

    public init(
        statuses: [OrderStatus] = [], customerCode: String? = nil, channel: OrderChannel? = nil, type: OrderType? = nil,
        receivedFrom: CalendarDate? = nil, receivedTo: CalendarDate? = nil, search: String? = nil, limit: Int = 50, offset: Int = 0
    ) {
        self.statuses = statuses
        self.customerCode = customerCode
        self.channel = channel
        self.type = type
        self.receivedFrom = receivedFrom
        self.receivedTo = receivedTo
        self.search = search
        self.limit = limit
        self.offset = offset
    }
}

/// The result of submitting an order: the order, and whether it already existed (same idempotency key, or the
/// same platform order pushed again) so nothing new was created.
public struct OrderSubmission: Sendable {
    public var order: StoredOrder
    public var replayed: Bool
    /// A marketplace pushed an order it had sent before with different content: the difference waits for the
    /// desk's approval as this change request (the order itself is unchanged until then).
    public var changeRequest: ChangeRequest? = nil
}

/// One step of an order's timeline, read from the audit log.
public struct OrderEvent: Sendable, Codable, Hashable {
    public var occurredAt: Timestamp
    public var actor: String
    public var action: String
    public var from: OrderStatus?
    public var to: OrderStatus?
    public var reason: String?
    /// The review rule (审核规则) that decided the step, when a rule did.
    public var rule: String?
}

struct TransitionData: Codable {
    var from: OrderStatus?
    var to: OrderStatus
    var reason: String?
    var problems: [FieldProblem]?
    /// The review rule that decided, when a rule did.
    var rule: String?
}

extension Store {

    /// An order's current lines, in their numbers, with the product's English name for the English pages.
    static let linesSQL = SQL(
        """
        SELECT order_lines.*, (SELECT name_en FROM products WHERE products.sku = order_lines.sku) AS name_en FROM order_lines
        WHERE order_id = $1 AND removed_in_revision IS NULL ORDER BY line_no
        """)

    /// The customer's current name next to an order's columns.
    static let customerNameSQL = "(SELECT name FROM customers WHERE customers.code = orders.customer_code) AS customer_name"

    /// One order by id, with its customer's name.
    static let orderSQL = SQL("SELECT orders.*, \(customerNameSQL) FROM orders WHERE id = $1")

    /// An order with its lines in one statement (a row per line, the line's columns prefixed `l_`): on PostgreSQL one
    /// round trip instead of a read transaction's four.
    static let orderWithLinesSQL = SQL(
        """
        SELECT orders.*, \(customerNameSQL), l.id AS l_id, l.sku AS l_sku, l.description AS l_description, l.quantity AS l_quantity,
               l.unit_price_minor AS l_unit_price_minor, l.list_price_minor AS l_list_price_minor, l.currency AS l_currency,
               l.amount_minor AS l_amount_minor, l.price_override AS l_price_override,
               (SELECT name_en FROM products WHERE products.sku = l.sku) AS l_name_en
        FROM orders LEFT JOIN order_lines l ON l.order_id = orders.id AND l.removed_in_revision IS NULL
        WHERE orders.id = $1 ORDER BY l.line_no
        """)

    /// The order's INSERT; `%@` is its number.
    private static let insertOrderTemplate = """
        INSERT INTO orders (number, channel, external_ref, customer_code, customer_id, type, urgent, status, contact_name,
                            contact_phone, delivery_address, requested_date, total_minor, currency, problems, notes,
                            received_at, version, updated_at, payment_method, promised_date, revision)
        VALUES (%@, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $20, $17, $18, $19, 1)
        RETURNING id, number
        """

    /// The order inserted with a provisional number (`$1`), numbered later by `numberOrderSQL`.
    static let insertOrderSQL = SQL(insertOrderTemplate.replacingOccurrences(of: "%@", with: "$1"))

    /// The order inserted with its number, SO-YYYYMMDD-NNNNNN, from the day (`$1`) and the day's counter (`$21`).
    static let insertNumberedOrderSQL = numbered(insertOrderTemplate, prefix: "SO", day: 1, value: 21, digits: 6)

    /// PostgreSQL: the day's (`$1`) next number over the order's (`$2`) provisional one, in one statement. The counter
    /// row's lock is held from here to the commit, so the fewer round trips after taking it the better; SQLite (one
    /// writer, no DML in a CTE) takes the counter first and inserts the order numbered (`insertNumberedOrderSQL`).
    static let numberOrderSQL = numbered(
        "WITH counter AS (\(nextNumberSQL)) UPDATE orders SET number = %@ FROM counter WHERE orders.id = $2 RETURNING orders.number AS number",
        prefix: "SO", day: 1, counter: "counter.last_value", digits: 6)

    /// The order's latest 1,000 audit events (newest first; `timeline(_ rows:)` turns them into oldest first).
    static func timeline(_ orderID: ID<Order>) -> Statement {
        Statement("SELECT * FROM audit_events WHERE entity = 'order' AND entity_id = $1 ORDER BY id DESC LIMIT 1000", [orderID])
    }

    static func timeline(_ rows: [SQLRow]) throws -> [OrderEvent] {
        try rows.reversed().map { orderEvent(try auditEvent($0)) }
    }

    /// What an order event's data may say: a transition's statuses, or only a reason (an allocation, a shortage
    /// decision, a pre-emption, a production slip).
    private struct EventData: Decodable {
        var from: OrderStatus?
        var to: OrderStatus?
        var reason: String?
        var rule: String?
    }

    static func orderEvent(_ event: AuditEvent) -> OrderEvent {
        let data = try? JSONDecoder().decode(EventData.self, from: Data(event.data.utf8))
        var reason = data?.reason
        var rule = data?.rule
        if rule == nil, let legacy = reason, legacy.hasPrefix("rule:") {  // events written before `rule` had its own field
            rule = String(legacy.dropFirst(5))
            reason = nil
        }
        return OrderEvent(
            occurredAt: event.occurredAt, actor: event.actor, action: event.action, from: data?.from, to: data?.to,
            reason: reason, rule: rule)
    }

    static func order(_ row: SQLRow, lines: [SQLRow]) throws -> StoredOrder {
        func decodeEnum<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: try row.text(column)) else { throw StoreError.decoding(column: column) }
            return value
        }
        let currency = Currency.named(try row.text("currency")) ?? .cny
        return StoredOrder(
            id: ID(try row.int("id")), number: try row.text("number"), channel: try decodeEnum(OrderChannel.self, "channel"),
            externalRef: row.optionalText("external_ref"), customerCode: try row.text("customer_code"), customerName: row.optionalText("customer_name"),
            type: try decodeEnum(OrderType.self, "type"), urgent: try row.bool("urgent"),
            status: try decodeEnum(OrderStatus.self, "status"), heldFrom: row.optionalText("held_from").flatMap(OrderStatus.init),
            contactName: row.optionalText("contact_name"), contactPhone: row.optionalText("contact_phone"),
            deliveryAddress: try row.optionalText("delivery_address").map { try JSONColumn.decode(Address.self, $0, column: "delivery_address") },
            requestedDate: try row.optionalDate("requested_date"), promisedDate: try row.optionalDate("promised_date"),
            paymentMethod: try decodeEnum(PaymentMethod.self, "payment_method"),
            total: Money(minor: try row.int("total_minor"), currency: currency),
            problems: try JSONColumn.decode([FieldProblem].self, try row.text("problems"), column: "problems"),
            notes: row.optionalText("notes"), customerRequirements: row.optionalText("customer_requirements"),
            receivedAt: try row.timestamp("received_at"), revision: try row.int("revision"), version: try row.int("version"),
            lines: try lines.map { try orderLine($0) })
    }

    /// A row of `linesSQL` (or of `orderWithLinesSQL`, its line's columns named with `prefix`).
    static func orderLine(_ line: SQLRow, prefix: String = "") throws -> OrderIntake.PricedLine {
        let currency = Currency.named(try line.text(prefix + "currency")) ?? .cny
        return OrderIntake.PricedLine(
            id: ID(try line.int(prefix + "id")), sku: try line.text(prefix + "sku"),
            nameEn: line.optionalText(prefix + "name_en").flatMap { $0.isEmpty ? nil : $0 },
            description: try line.text(prefix + "description"), quantity: try line.int(prefix + "quantity"),
            unitPrice: Money(minor: try line.int(prefix + "unit_price_minor"), currency: currency),
            listPrice: line.optionalInt(prefix + "list_price_minor").map { Money(minor: $0, currency: currency) },
            amount: Money(minor: try line.int(prefix + "amount_minor"), currency: currency),
            priceOverride: try line.bool(prefix + "price_override"))
    }
}

extension OrderRepository {
    func existingSubmission(_ draft: OrderDraft, scopedKey: String?, requestHash: String, by actor: Actor) async throws
        -> OrderSubmission?
    {
        if let scopedKey,
            let row = try await engine.read(Statement("SELECT * FROM idempotency_keys WHERE idempotency_key = $1", [scopedKey])).first
        {
            guard try row.text("request_hash") == requestHash else {
                throw DocketError.invalid("Idempotency-Key", "idempotencyMismatch")
            }
            return OrderSubmission(order: try await order(id: ID(try row.int("order_id"))), replayed: true)
        }
        if draft.channel.isPlatform, let ref = draft.externalRef,
            let row = try await engine.read(
                Statement("SELECT id FROM orders WHERE channel = $1 AND external_ref = $2", [draft.channel.rawValue, ref])).first
        {
            let kept = try await order(id: ID(try row.int("id")))
            let edit = OrderEdit(repush: draft, kept: kept.draft)
            if edit.isEmpty { return OrderSubmission(order: kept, replayed: true) }
            // The platform changed the order (quantity, address …): nothing is overwritten; the desk approves the
            // difference like any other change. An order still waiting for information is completed by it.
            if kept.status == .needsInfo {
                return OrderSubmission(order: try await completeOrderInfo(orderID: kept.id, edit, by: actor), replayed: true)
            }
            let change = try await requestChange(orderID: kept.id, edit, message: nil, by: actor, requestKey: requestHash)
            return OrderSubmission(order: kept, replayed: true, changeRequest: change)
        }
        return nil
    }

    /// Inserts lines numbered 1, 2, 3 … (a new order), or `after` the order's highest line number (lines added by
    /// a revision; numbers of removed lines are not reused). One multi-row statement for all of them.
    func orderLines(_ orderID: any SQLBindable, _ lines: [OrderIntake.PricedLine], after: Bool = false) -> [Statement] {
        guard !lines.isEmpty else { return [] }
        var binds: [any SQLBindable] = [orderID]
        func bind(_ value: any SQLBindable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let base = after ? "(SELECT COALESCE(MAX(line_no), 0) FROM order_lines WHERE order_id = $1)" : "0"
        let rows = lines.enumerated().map { number, line in
            let values = [
                bind(Int64(number + 1)), bind(line.sku), bind(line.description), bind(max(line.quantity, 0)), bind(line.unitPrice.minor),
                bind(line.listPrice?.minor), bind(line.unitPrice.currency.code), bind(line.amount.minor), bind(line.priceOverride),
            ]
            return "($1, \(base) + \(values[0]), \(values.dropFirst().joined(separator: ", ")))"
        }
        return [
            Statement(
                SQL(
                    """
                    INSERT INTO order_lines (order_id, line_no, sku, description, quantity, unit_price_minor, list_price_minor,
                                             currency, amount_minor, price_override)
                    VALUES \(rows.joined(separator: ", "))
                    """), binds, expect: .rows(lines.count))
        ]
    }

    public func order(id: ID<Order>) async throws -> StoredOrder {
        let rows = try await engine.read(Statement(Store.orderWithLinesSQL, [id]))
        guard let row = rows.first else { throw DocketError.notFound(.order, key: id.description) }
        var order = try Store.order(row, lines: [])
        order.lines = try rows.filter { $0.optionalInt("l_id") != nil }.map { try Store.orderLine($0, prefix: "l_") }
        return order
    }

    /// Orders, newest first, optionally by status and by number or customer code.
    public func list(status: OrderStatus? = nil, search: String? = nil, limit: Int = 50, offset: Int = 0) async throws -> Page<StoredOrder> {
        try await list(OrderFilter(statuses: status.map { [$0] } ?? [], search: search, limit: limit, offset: offset))
    }

    /// Orders matching every condition of the filter, newest first.
    public func list(_ filter: OrderFilter) async throws -> Page<StoredOrder> {
        let list = ListQuery(search: filter.search, limit: filter.limit, offset: filter.offset)
        try list.validate()
        var where_ = Conditions()
        if !filter.statuses.isEmpty { where_.add("status IN \(where_.list(filter.statuses.map(\.rawValue)))") }
        if let customer = filter.customerCode { where_.add("customer_code = \(where_.bind(customer))") }
        if let channel = filter.channel { where_.add("channel = \(where_.bind(channel.rawValue))") }
        if let type = filter.type { where_.add("type = \(where_.bind(type.rawValue))") }
        // Dates are China days: [from 00:00, to+1 00:00) at UTC+8.
        let day: Int64 = 86_400_000
        if let from = filter.receivedFrom {
            where_.add("received_at >= \(where_.bind(Int64(from.daysSince1970) * day - 8 * 3_600_000))")
        }
        if let to = filter.receivedTo {
            where_.add("received_at < \(where_.bind(Int64(to.daysSince1970 + 1) * day - 8 * 3_600_000))")
        }
        if let pattern = list.likePattern {
            let p = where_.bind(pattern)
            where_.add(
                """
                (lower(number) LIKE \(p) ESCAPE '\\' OR lower(customer_code) LIKE \(p) ESCAPE '\\' OR lower(external_ref) LIKE \(p) ESCAPE '\\'
                 OR customer_code IN (SELECT code FROM customers WHERE lower(name) LIKE \(p) ESCAPE '\\'))
                """)
        }
        let direction = filter.descending ? "DESC" : "ASC"
        let page = where_.page(
            select: "SELECT orders.*, \(Store.customerNameSQL)", from: " FROM orders",
            order: "\(filter.sort.column) \(direction), id \(direction)", limit: filter.limit, offset: filter.offset)
        let results = try await engine.read([page.items, page.count])
        return Page(
            items: try results[0].map { try Store.order($0, lines: []) }, counted: Int(try results[1][0].int("n")), limit: filter.limit,
            offset: filter.offset)
    }

    /// Moves an order through its state machine: Core decides the next state and its effects (`OrderWorkflow`),
    /// and the state change, its audit event and the effects are one write, guarded by the version the order was
    /// read in. Cancel, reject, hold and suspend need a reason.
    public func transition(orderID: ID<Order>, _ action: OrderAction, reason: String?, by actor: Actor) async throws -> StoredOrder {
        try await transition(orderID: orderID, action, reason: reason, by: actor) { _, _, _, _ in [] }
    }

    /// The transition with statements of the caller's in the same write (`also` gets the order as read, the
    /// decision, the time and the payload of any message the effects send, to add to).
    func transition(
        orderID: ID<Order>, _ action: OrderAction, reason: String?, by actor: Actor, read: StoredOrder? = nil, rule: String? = nil,
        also: (StoredOrder, OrderDecision, Timestamp, inout OrderMessage) throws -> [Statement]
    ) async throws -> StoredOrder {
        var known = read
        for _ in 0..<10 {
            let current: StoredOrder
            if let known { current = known } else { current = try await order(id: orderID) }
            known = nil
            let now = clock.now()
            let decision: OrderDecision
            do {
                decision = try OrderWorkflow.decide(
                    action, on: current.state, type: current.type, reason: reason, receivedAt: current.receivedAt, now: now, policy: policy)
            } catch is IllegalTransition {
                throw DocketError.illegalTransition(number: current.number, from: current.status, action: action)
            }
            let next = decision.next
            var statements = [
                Statement(
                    """
                    UPDATE orders SET status = $3, held_from = $4, version = version + 1, updated_at = $5
                    WHERE id = $1 AND version = $2
                    """, [orderID, current.version, next.status.rawValue, next.heldFrom?.rawValue, now],
                    expect: .rows(1), label: "orders.version"),
                audit(action.rawValue, .order, id: orderID, by: actor, at: now,
                    data: try JSONColumn.encode(TransitionData(from: current.status, to: next.status, reason: decision.reason, rule: rule))),
            ]
            var message = OrderMessage(current)
            statements += try also(current, decision, now, &message)
            let stock = try await StockWork.prepare(decision.effects, current, by: actor, in: self)
            statements += try self.statements(for: decision.effects, orderID: orderID, message: message, at: now, stock: stock)
            do {
                _ = try await engine.write(statements)
                var updated = current
                updated.status = next.status
                updated.heldFrom = next.heldFrom
                updated.version += 1
                return updated
            } catch StoreError.guardFailed(let label) where Self.replanOn.contains(label) {
                continue  // the order or its stock changed meanwhile: decide (and plan) again on what it is now
            }
        }
        throw DocketError.versionConflict(.order, key: orderID.description, current: try await order(id: orderID).version)
    }

    /// The order's timeline (who, when, from → to, why), oldest first.
    public func orderTimeline(orderID: ID<Order>) async throws -> [OrderEvent] {
        try await orderTimeline(of: try await order(id: orderID))
    }

    /// The timeline of an order already read.
    public func orderTimeline(of order: StoredOrder) async throws -> [OrderEvent] {
        try Store.timeline(try await engine.read(Store.timeline(order.id)))
    }
}

extension OrderIntake.PricedLine {
    /// The price agreed for the line; nil when none was (an unknown product got no price at intake and takes the
    /// list price once it is known).
    public var agreedPrice: Money? { listPrice == nil && unitPrice.minor == 0 ? nil : unitPrice }
}


extension OrderRepository {
    /// The order a person takes next from a queue (the orders in `status`): urgent first, then first come, first
    /// served (DOMAIN §2), other than the one just done.
    public func nextInQueue(_ status: OrderStatus, excluding id: ID<Order>) async throws -> (id: ID<Order>, number: String)? {
        guard
            let row = try await engine.read(
                Statement(
                    "SELECT id, number FROM orders WHERE status = $1 AND id <> $2 ORDER BY urgent DESC, received_at, id LIMIT 1",
                    [status.rawValue, id])
            ).first
        else { return nil }
        return (ID(try row.int("id")), try row.text("number"))
    }
}

/// Everything the order page shows about an order, read in one snapshot: the order, its timeline, review
/// decisions, change requests, revisions and timers, as they stood at one moment.
public struct OrderFile: Sendable {
    public var order: StoredOrder
    public var timeline: [OrderEvent]
    public var reviews: [ReviewRecord]
    public var changes: [ChangeRequest]
    public var revisions: [OrderRevisionRecord]
    public var timers: [TimerRecord]
    /// The allocation plan and whether its reservation is firm; nil until the order was first allocated.
    public var allocation: StoredAllocation?
    /// The names of the warehouses the plan mentions, by code.
    public var warehouseNames: [String: String]
    /// What the order's current review stage finds, from facts read in the same snapshot; nil outside review.
    public var assessment: StageAssessment?
    /// The lines the customer agreed to receive in part, the rest as a backorder (部分发货).
    public var backorderAccepted: Set<ID<OrderLine>>
}

extension OrderRepository {
    /// The order, its records and what its review stage finds, in one read transaction (one snapshot on both
    /// engines).
    public func orderFile(id: ID<Order>) async throws -> OrderFile {
        // The same statements as the single reads (`order(id:)`, `orderTimeline`, `reviews`, `reviewFacts` …); the
        // review facts take the order's customer and receipt time from the order row read first.
        let now = clock.now()
        let order = { (column: String) in Bind.result(statement: 0, column: column) }
        let rows: [[SQLRow]]
        do {
            rows = try await engine.read(
                [
                    Statement(Store.orderSQL, [id]), Statement(Store.linesSQL, [id]), Store.timeline(id), Store.reviews(id),
                    Store.changeRequests(id), Store.revisions(id), Store.timers(id),
                ]
                    + Store.reviewFactStatements(
                        customerCode: order("customer_code"), orderID: id, receivedAt: order("received_at"), skus: .ofOrder(id), now: now)
                    + [Store.allocation(id), Statement("SELECT code, name FROM warehouses", []), Store.backorderAccepted(id)])
        } catch StoreError.guardFailed(let label) where label.hasPrefix("reference to statement 0.") {
            throw DocketError.notFound(.order, key: id.description)  // no order row to take the customer from
        }
        guard let row = rows[0].first else { throw DocketError.notFound(.order, key: id.description) }
        let stored = try Store.order(row, lines: rows[1])
        let assessment = try ReviewStage(status: stored.status).map { stage in
            OrderReview.assess(stage, try Store.reviewFacts(stored, lines: stored.lines, total: nil, from: rows[7...], now: now))
        }
        return OrderFile(
            order: stored, timeline: try Store.timeline(rows[2]),
            reviews: try rows[3].map(Store.reviewRecord), changes: try rows[4].map(Store.changeRequest),
            revisions: try rows[5].map(Store.revision), timers: try rows[6].map(Store.timerRecord),
            allocation: try rows[11].first.map { try Store.storedAllocation($0, lines: stored.lines) },
            warehouseNames: Dictionary(try rows[12].map { (try $0.text("code"), try $0.text("name")) }, uniquingKeysWith: { a, _ in a }),
            assessment: assessment, backorderAccepted: Set(try rows[13].map { try $0.id("line_id") }))
    }
}
