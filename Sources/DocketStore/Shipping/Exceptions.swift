import DocketCore
import Foundation

/// 异常: something went wrong with an order — a delay, goods lost, damaged, of poor quality or the wrong ones —
/// raised by staff, a carrier, the system or the customer (from the tracking page), with its severity, owner and
/// the time it must be handled by. The queue lists the open ones worst first.
public struct ExceptionRepository: Repository {
    public let store: Store
}

extension Store {
    public var exceptions: ExceptionRepository { ExceptionRepository(store: self) }
}

/// An exception as stored, with its order's number and customer.
public struct OrderException: Sendable, Hashable {
    public var id: Int64
    public var number: String
    public var orderID: ID<Order>
    public var orderNumber: String
    public var customerCode: String
    public var customerName: String?
    public var shipmentID: ID<Shipment>?
    public var kind: ExceptionKind
    public var severity: ExceptionSeverity
    public var source: ExceptionSource
    public var status: ExceptionStatus
    public var description: String
    public var contact: String?
    public var owner: String?
    public var dueAt: Timestamp
    public var openedBy: String
    public var openedAt: Timestamp
    public var version: Int64
    public var resolution: ExceptionResolution? = nil
    public var resolutionNote: String? = nil
    public var resolvedBy: String? = nil
    public var resolvedAt: Timestamp? = nil
}

extension ExceptionRepository {
    /// The customer reports a problem from the tracking page: an open exception, numbered after the order
    /// (`SO-…-E1`, `-E2` …), due by its kind's severity, with its audit events on the exception and on the order.
    public func report(_ report: ProblemReport, orderID: ID<Order>, by actor: Actor? = nil) async throws -> OrderException {
        try report.validate()
        let order = try await store.orders.order(id: orderID)
        let actor = actor ?? Actor(.customer, order.customerCode)
        let contact = report.contact?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await open(order) { now in
            try Self.opening(
                orderID: orderID, shipmentID: nil, kind: report.kind, source: .customer,
                description: report.description.trimmingCharacters(in: .whitespacesAndNewlines), contact: (contact ?? "").isEmpty ? nil : contact,
                tell: ExceptionHandling.tellsCustomer(source: .customer) ? order : nil, by: actor, at: now)
        }
    }

    /// Writes the statements that open an exception of `order` (`opening`) and returns it; when another exception of
    /// the order took the number at the same moment, numbers again.
    func open(_ order: StoredOrder, _ opening: (Timestamp) throws -> [Statement]) async throws -> OrderException {
        for _ in 0..<5 {
            do {
                let rows = try await engine.write(try opening(clock.now()))
                return try await exception(id: try rows[0][0].int("id"))
            } catch StoreError.uniqueViolation(let table, _) where table == "order_exceptions" {
                continue
            }
        }
        throw DocketError.conflict(.orderException, key: order.number)
    }

    /// The statements that open an exception, alone or inside another write (a shipment's tracking event): numbered
    /// after the order in the write itself (`SO-…-E<n>`; a lost race for the number fails the write, and the caller
    /// writes again), due by its kind's severity, with its audit events — on the exception, and on the order (a
    /// customer's report names the exception; trouble raised with a shipment says what happened).
    /// `tell`: the order, when the customer hears of it (`exceptionOpened`, with the exception's number and due time).
    static func opening(
        orderID: ID<Order>, shipmentID: ID<Shipment>?, kind: ExceptionKind, severity given: ExceptionSeverity? = nil, source: ExceptionSource,
        description: String, contact: String? = nil, tell order: StoredOrder? = nil, by actor: Actor, at now: Timestamp
    ) throws -> [Statement] {
        let severity = given ?? kind.defaultSeverity
        let due = now.adding(milliseconds: Int64(severity.hoursToHandle) * 3_600_000)
        // Inside another write the new row is found by what it is, not by its position in the write.
        let opened = "(SELECT MAX(id) FROM order_exceptions WHERE order_id = $1 AND opened_at = $2)"
        return [
            Statement(
                """
                INSERT INTO order_exceptions (number, order_id, shipment_id, kind, severity, source, status, description, contact, due_at, opened_by,
                                              opened_at, version)
                SELECT o.number || '-E' || CAST((SELECT COUNT(*) + 1 FROM order_exceptions x WHERE x.order_id = o.id) AS TEXT), o.id, $2, $3, $4,
                       $5, 'open', $6, $7, $8, $9, $10, 1
                FROM orders o WHERE o.id = $1
                RETURNING id
                """,
                [
                    orderID, shipmentID, kind.rawValue, severity.rawValue, source.rawValue, description, contact,
                    due, actor.description, now,
                ], expect: .rows(1), label: "order_exceptions"),
            Statement(
                SQL(
                    """
                    INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)
                    SELECT $2, $3, 'opened', $4, \(opened), $5 FROM orders WHERE id = $1
                    """),
                [orderID, now, actor.description, EntityKind.orderException.rawValue,
                 try JSONColumn.encode(["kind": kind.rawValue, "source": source.rawValue])], expect: .rows(1), label: "audit_events"),
            source == .customer || source == .system
                ? Statement(
                    SQL(
                        """
                        INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)
                        SELECT $2, $3, $5, $4, $1, '{"reason":"' || number || '"}' FROM order_exceptions WHERE id = \(opened)
                        """), [orderID, now, actor.description, EntityKind.order.rawValue, source == .customer ? "exception_reported" : "exception_watched"],
                    expect: .rows(1), label: "audit_events")
                : Store.audit("exception_raised", .order, id: orderID, by: actor, at: now, data: try JSONColumn.encode(["reason": description])),
        ] + (try order.map { try told($0, kind: kind, due: due, opened: opened, at: now) } ?? [])
    }

    /// The customer's message that an exception was opened, numbered by the row the same write inserted.
    static func told(_ order: StoredOrder, kind: ExceptionKind, due: Timestamp, opened: String, at now: Timestamp) throws -> [Statement] {
        var message = OrderMessage(order)
        message.exceptionKind = kind
        message.deadline = due
        return [
            Statement(
                SQL(
                    """
                    INSERT INTO outbox (created_at, topic, aggregate, aggregate_id, payload, available_at, attempts)
                    SELECT $1, $2, 'order', $3, '{"exception":"' || number || '",' || substr($4, 2), $1, 0 FROM order_exceptions WHERE id = \(opened)
                    """.replacingOccurrences(of: "order_id = $1 AND opened_at = $2", with: "order_id = $3 AND opened_at = $1")),
                [now, NotificationTopic.exceptionOpened.rawValue, order.id, try JSONColumn.encode(message)], expect: .rows(1),
                label: OrderRepository.messageLabel)
        ]
    }

    static let select = """
        SELECT x.*, o.number AS order_number, o.customer_code, (SELECT name FROM customers c WHERE c.code = o.customer_code) AS customer_name
        FROM order_exceptions x JOIN orders o ON o.id = x.order_id
        """

    static func decode(_ row: SQLRow) throws -> OrderException {
        guard let kind = ExceptionKind(rawValue: try row.text("kind")), let severity = ExceptionSeverity(rawValue: try row.text("severity")),
            let source = ExceptionSource(rawValue: try row.text("source")), let status = ExceptionStatus(rawValue: try row.text("status"))
        else { throw StoreError.decoding(column: "kind") }
        return OrderException(
            id: try row.int("id"), number: try row.text("number"), orderID: try row.id("order_id"), orderNumber: try row.text("order_number"),
            customerCode: try row.text("customer_code"), customerName: row.optionalText("customer_name"),
            shipmentID: row.optionalInt("shipment_id").map { ID($0) }, kind: kind, severity: severity, source: source, status: status,
            description: try row.text("description"), contact: row.optionalText("contact"), owner: row.optionalText("owner"),
            dueAt: try row.timestamp("due_at"), openedBy: try row.text("opened_by"), openedAt: try row.timestamp("opened_at"),
            version: try row.int("version"), resolution: row.optionalText("resolution").flatMap(ExceptionResolution.init(rawValue:)),
            resolutionNote: row.optionalText("resolution_note"), resolvedBy: row.optionalText("resolved_by"),
            resolvedAt: row.optionalInt("resolved_at").map { Timestamp(millisecondsSince1970: $0) })
    }

    public func exception(id: Int64) async throws -> OrderException {
        guard let row = try await engine.read(Statement(SQL(Self.select + " WHERE x.id = $1"), [id])).first else {
            throw DocketError.notFound(.orderException, key: String(id))
        }
        return try Self.decode(row)
    }

    public func exceptions(orderID: ID<Order>) async throws -> [OrderException] {
        try await engine.read(Statement(SQL(Self.select + " WHERE x.order_id = $1 ORDER BY x.id"), [orderID])).map(Self.decode)
    }

    /// The open exceptions, worst first: by severity, then the earliest due.
    public func open(limit: Int = 200) async throws -> [OrderException] {
        let worst = "CASE x.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
        return try await engine.read(Statement(SQL(Self.select + " WHERE x.status = 'open' ORDER BY \(worst), x.due_at, x.id LIMIT $1"), [limit]))
            .map(Self.decode)
    }
}
