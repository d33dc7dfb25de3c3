import DocketCore
import Foundation

/// The payload of every order message in the outbox (one shape for every `NotificationTopic`; the fields a topic
/// does not use are left out). It never carries a confirmation link: the relay mints one when it delivers a
/// `confirmationRequested` message (`issueConfirmationLink`), so no usable link lies at rest.
struct OrderMessage: Codable, Hashable {
    var orderID: ID<Order>?
    var number: String?
    var customerCode: String
    var contactPhone: String?
    var total: Money?
    /// What intake found missing (`needsInfo`).
    var problems: [FieldProblem]?
    /// Days the order type takes (`acknowledged`).
    var processingDays: Int?
    /// The confirmation deadline (`confirmationRequested`).
    var deadline: Timestamp?
    /// How the order was confirmed (`confirmed`).
    var via: String?
    /// The new revision (`revised`).
    var revision: Int64?
    /// The customer's words (`changeRequested`), or what delays production (`delayed`).
    var message: String?
    /// The date production now finishes, to be agreed as the new promised date (`delayed`).
    var newDate: CalendarDate?
    /// The shipment handed over, its carrier, tracking number and expected arrival (`shipped`).
    var shipment: String?
    var carrier: String?
    var trackingNumber: String?
    var eta: CalendarDate?
    /// The exception told of, its kind, and how it ended (`exceptionOpened`, `exceptionResolved`); `deadline` is
    /// when it will be handled by, `shipment` the new shipments of a reship, `amount` a refund or credit.
    var exception: String?
    var exceptionKind: ExceptionKind?
    var resolution: ExceptionResolution?
    var amount: Money?

    init(_ order: StoredOrder) {
        orderID = order.id
        number = order.number
        customerCode = order.customerCode
        contactPhone = order.contactPhone
    }

    init(customerCode: String, contactPhone: String?) {
        self.customerCode = customerCode
        self.contactPhone = contactPhone
    }
}

extension OrderRepository {
    /// Carries out the effects Core decided, as statements for the decision's own transaction. `orderID` may be a
    /// bind to a row inserted earlier in the same write; `message` is the payload of any message sent (the
    /// confirmation deadline is filled in from the request opened alongside).
    /// Allocating needs `stock` (the input read for this attempt, `allocationInput`); releasing needs only who acts.
    func statements(
        for effects: [OrderEffect], orderID: any SQLBindable, message: OrderMessage, at now: Timestamp, stock: StockWork? = nil
    ) throws -> [Statement] {
        var message = message
        var statements: [Statement] = []
        for effect in effects {
            switch effect {
            case .openConfirmation(let deadline):
                message.deadline = deadline
                // No usable link yet: the hash column holds a `pending:` marker no token hashes to.
                statements.append(
                    Statement(
                        "INSERT INTO order_confirmations (order_id, token_hash, created_at, deadline_at) VALUES ($1, $2, $3, $4)",
                        [orderID, "pending:" + Secret.make(), now, deadline], expect: .rows(1), label: "order_confirmations"))
            case .closeConfirmation where Self.insertedInThisWrite(orderID), .cancelTimers where Self.insertedInThisWrite(orderID):
                continue  // an order written by this very write has no request or timer yet
            case .closeConfirmation(let outcome):
                statements.append(
                    Statement(
                        "UPDATE order_confirmations SET closed_at = $2, outcome = $3 WHERE order_id = $1 AND closed_at IS NULL",
                        [orderID, now, outcome.rawValue]))
            case .startTimer(let kind, let due):
                statements.append(
                    Statement(
                        "INSERT INTO timers (kind, subject, subject_id, due_at, created_at, attempts) VALUES ($1, 'order', $2, $3, $4, 0)",
                        [kind.rawValue, orderID, due, now], expect: .rows(1), label: "timers"))
            case .cancelTimers(let kinds):
                var where_ = Conditions()
                let binds = [where_.bind(orderID), where_.bind(now), where_.bind(TimerOutcome.cancelled.rawValue)]
                let list = where_.list(kinds.map(\.rawValue))
                statements.append(
                    Statement(
                        SQL(
                            """
                            UPDATE timers SET done_at = \(binds[1]), outcome = \(binds[2])
                            WHERE subject = 'order' AND subject_id = \(binds[0]) AND done_at IS NULL AND kind IN \(list)
                            """), where_.binds))
            case .startServiceWindow(let due):
                // Counted from the latest confirmation: a window left from an earlier one is stood down first.
                statements += [
                    Statement("UPDATE orders SET confirmed_at = $2, service_due_at = $3 WHERE id = $1", [orderID, now, due], expect: .rows(1), label: "orders"),
                    Statement(
                        "UPDATE timers SET done_at = $2, outcome = $3 WHERE subject = 'order' AND subject_id = $1 AND kind = $4 AND done_at IS NULL",
                        [orderID, now, TimerOutcome.cancelled.rawValue, TimerKind.serviceLevel.rawValue]),
                    Statement(
                        "INSERT INTO timers (kind, subject, subject_id, due_at, created_at, attempts) VALUES ($1, 'order', $2, $3, $4, 0)",
                        [TimerKind.serviceLevel.rawValue, orderID, due, now], expect: .rows(1), label: "timers"),
                ]
            case .allocate(let firm):
                guard let input = stock?.input, let actor = stock?.actor else { throw StoreError.configuration("allocation without its input") }
                statements += try allocationStatements(input, planned: stock?.plan, orderID: orderID, firm: firm, by: actor, at: now).statements
            case .releaseStock:
                guard let stock, let id = orderID as? ID<Order> else { throw StoreError.configuration("release without its actor") }
                statements += releaseStatements(orderID: id, by: stock.actor, at: now)
            case .notify(let topic):
                statements.append(
                    Statement(
                        """
                        INSERT INTO outbox (created_at, topic, aggregate, aggregate_id, payload, available_at, attempts)
                        VALUES ($1, $2, 'order', $3, $4, $1, 0)
                        """, [now, topic.rawValue, orderID, try JSONColumn.encode(message)], expect: .rows(1), label: Self.messageLabel))
            }
        }
        return statements
    }

    static let messageLabel = "outbox"

    /// Whether `orderID` is the id of a row this write inserts (a bind to its statement's result): nothing can refer
    /// to that order yet, so statements closing or deleting what it had would change nothing.
    static func insertedInThisWrite(_ orderID: any SQLBindable) -> Bool {
        if case .result = orderID.bind { true } else { false }
    }

    /// A message of `statements(for:)` for an order written in the same write, completed with the order's id and
    /// `number` (a bind to the statement that numbered it): its payload gets `number` and `orderID` in front.
    func numbered(_ message: Statement, number: Bind) -> Statement {
        var message = message
        message.sql = SQL(
            """
            INSERT INTO outbox (created_at, topic, aggregate, aggregate_id, payload, available_at, attempts)
            VALUES ($1, $2, 'order', $3, '{"number":"' || $5 || '","orderID":' || CAST($3 AS TEXT) || ',' || substr($4, 2), $1, 0)
            """)
        message.binds.append(number)
        return message
    }

    /// Closes one link (the one the customer used), guarded: a link replaced or closed meanwhile does nothing.
    func closeLink(tokenHash: String, orderID: ID<Order>, outcome: ConfirmationOutcome, at now: Timestamp) -> Statement {
        Statement(
            """
            UPDATE order_confirmations SET closed_at = $3, outcome = $4
            WHERE token_hash = $1 AND order_id = $2 AND closed_at IS NULL
            """, [tokenHash, orderID, now, outcome.rawValue], expect: .rows(1), label: "order_confirmations.open")
    }
}
