import Crypto
import DocketCore
import Foundation
import Logging

/// One message on its way to one recipient: the customer's e-mail or phone, or one webhook subscription. Made from an
/// outbox row by `DeliveryRepository.dispatch`, sent by the relay, retried after a failure with a growing delay, and
/// a dead letter after the last attempt. Its `outboxID` is what the receiver deduplicates by.
public struct MessageDelivery: Sendable, Hashable {
    public var id: Int64
    public var outboxID: Int64
    public var channel: DeliveryChannel
    /// The e-mail address, the phone number, or the subscription's id.
    public var recipient: String
    public var subscriptionID: Int64?
    public var topic: String
    public var orderID: ID<Order>?
    public var orderNumber: String?
    public var subject: String?
    /// The e-mail's text, the SMS text, or the webhook's JSON body.
    public var body: String
    public var status: DeliveryStatus
    /// Attempts so far (a claim counts one).
    public var attempts: Int64
    public var availableAt: Timestamp
    public var lastError: String?
    public var deliveredAt: Timestamp?
    public var createdAt: Timestamp
    /// The relay holding it while it sends (its lease).
    public var owner: String?
    /// For a webhook: where it goes and what it is signed with.
    public var webhookURL: String?
    public var webhookName: String?
    public var webhookSecret: String?
}

/// A webhook subscription as stored. The secret signs every delivery (`WebhookSignature`).
public struct WebhookSubscription: Sendable, Hashable {
    public var id: Int64
    public var draft: WebhookSubscriptionDraft
    public var secret: String
    public var version: Int64
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

/// Standard Webhooks signing (standardwebhooks.com): the body is signed with HMAC-SHA256 over
/// `"{id}.{timestamp}.{body}"`, the key being the secret's bytes after `whsec_`; the receiver checks the signature and
/// refuses a timestamp more than five minutes off (a replay).
public enum WebhookSignature {
    public static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }

    static func key(_ secret: String) -> SymmetricKey {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        return SymmetricKey(data: Data(base64Encoded: encoded) ?? Data(secret.utf8))
    }

    /// The `webhook-signature` header's value: `v1,<base64 HMAC>`.
    public static func sign(id: String, timestamp: Int64, body: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).\(body)".utf8), using: key(secret))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// What a receiver does: one of the header's space-separated signatures matches, and the timestamp is within
    /// `tolerance` seconds of `now`.
    public static func verify(id: String, timestamp: Int64, body: String, signatures: String, secret: String, now: Int64, tolerance: Int64 = 300) -> Bool {
        guard abs(now - timestamp) <= tolerance else { return false }
        let expected = sign(id: id, timestamp: timestamp, body: body, secret: secret)
        return signatures.split(separator: " ").contains { Secret.equal(String($0), expected) }
    }
}

/// The SMS gateway's request signature (`HTTPSMSProvider`): the hex HMAC-SHA256 with the secret of
/// `{method}\n{path}\n{timestamp}\n{nonce}\n{hex SHA-256 of the body}`.
public enum GatewaySignature {
    public static func sign(method: String, path: String, timestamp: String, nonce: String, body: String, secret: String) -> String {
        let text = "\(method)\n\(path)\n\(timestamp)\n\(nonce)\n\(Secret.hash(body))"
        return Secret.hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(secret.utf8))))
    }
}

/// Notification delivery: from outbox rows to deliveries, and each delivery's attempts. Several relays (one per
/// node) may work at once: outbox rows and deliveries are claimed with a lease, each write is guarded by it, and a
/// delivery is unique per message, channel and recipient.
public struct DeliveryRepository: Repository {
    public let store: Store
}

extension Store {
    public var deliveries: DeliveryRepository { DeliveryRepository(store: self) }
}

extension DeliveryRepository {
    // MARK: From the outbox to deliveries

    /// Claims due outbox rows for `owner` and turns each into its deliveries, rendered in the customer's language,
    /// in the same write that marks the row handed on (guarded by the lease: a relay that lost the row to another
    /// writes nothing). Returns how many rows were handed on.
    @discardableResult
    public func dispatch(owner: String, limit: Int = 50, leaseMilliseconds: Int64 = 60_000) async throws -> (dispatched: Int, claimed: Int) {
        let messages = try await store.outbox.claimOutbox(owner: owner, limit: limit, leaseMilliseconds: leaseMilliseconds)
        guard !messages.isEmpty else { return (0, 0) }
        let subscriptions = try await self.subscriptions().filter(\.draft.active)
        var dispatched = 0
        for message in messages {
            do {
                let planned = try await deliveries(for: message, subscriptions: subscriptions)
                let now = clock.now()
                _ = try await engine.write([OutboxRepository.markDelivered(message, at: now)] + planned.map { insert($0, of: message, at: now) })
                dispatched += 1
            } catch StoreError.guardFailed(let label) where label == OutboxRepository.leaseLabel {
                continue  // another relay took the row over; it hands it on
            } catch {
                logger.warning("docket.outbox.dispatchFailed", metadata: ["docket.message": "\(message.id)", "error": "\(error)"])
                try? await store.outbox.markFailed(message, error: String(describing: error))
            }
        }
        return (dispatched, messages.count)
    }

    struct Planned {
        var channel: DeliveryChannel
        var recipient: String
        var subscriptionID: Int64?
        var subject: String?
        var body: String
    }

    /// Who hears of `message` and what they read: the customer by one channel (an order message, when the customer
    /// has an e-mail address or a mobile number), and every subscription that listens to the topic.
    func deliveries(for message: OutboxMessage, subscriptions: [WebhookSubscription]) async throws -> [Planned] {
        var planned: [Planned] = []
        if let topic = message.notificationTopic, message.subject == "order", let orderID = message.subjectID,
            let notice = try await customerNotice(topic, orderID: ID(orderID), payload: message.payload)
        {
            planned.append(notice)
        }
        let listeners = subscriptions.filter { $0.draft.wants(message.topic) }
        if !listeners.isEmpty {
            let body = Self.webhookBody(message)
            for subscription in listeners {
                planned.append(Planned(channel: .webhook, recipient: String(subscription.id), subscriptionID: subscription.id, subject: nil, body: body))
            }
        }
        return planned
    }

    /// The webhook's JSON: `{"id","type","timestamp","data"}`, `data` being the event's payload as written.
    static func webhookBody(_ message: OutboxMessage) -> String {
        let data = message.payload.isEmpty ? "{}" : message.payload
        var topic: [UInt8] = []
        ColumnJSON.string(message.topic, into: &topic)
        return "{\"id\":\"\(message.id)\",\"type\":\(String(decoding: topic, as: UTF8.self)),\"timestamp\":\"\(message.createdAt.iso8601)\",\"data\":\(data)}"
    }

    func customerNotice(_ topic: NotificationTopic, orderID: ID<Order>, payload: String) async throws -> Planned? {
        let order: StoredOrder
        do { order = try await store.orders.order(id: orderID) } catch DocketError.notFound { return nil }
        // A request to confirm an order that no longer waits for it is not sent (connected systems still hear of it).
        guard CustomerNotice.isCurrent(topic, status: order.status) else { return nil }
        let customer: Customer?
        do { customer = try await store.customers.get(key: order.customerCode).value } catch DocketError.notFound { customer = nil }
        let contact = customer?.primaryContact
        guard let (channel, recipient) = CustomerNotice.channel(email: contact?.email, phone: order.contactPhone ?? contact?.phone) else {
            return nil
        }
        let event = (try? JSONColumn.decode(OrderMessage.self, payload, column: "payload")) ?? OrderMessage(order)
        let language = customer?.language ?? .default
        let products = try await store.products.bySKU(order.lines.map(\.sku))
        var facts = NoticeFacts(number: order.number, customerName: customer?.name ?? order.customerCode)
        facts.lines = order.lines.map { line in
            let product = products[line.sku]
            let name = language == .en ? (line.nameEn ?? product?.name(.en) ?? line.description) : line.description
            return NoticeFacts.Line(name: name, quantity: line.quantity, unit: product?.unit ?? "", amount: line.amount)
        }
        facts.total = event.total ?? order.total
        facts.processingDays = event.processingDays
        facts.deadline = event.deadline
        facts.problems = event.problems ?? []
        facts.revision = event.revision ?? order.revision
        facts.message = event.message
        facts.newDate = event.newDate
        facts.shipment = event.shipment
        facts.carrier = event.carrier
        facts.trackingNumber = event.trackingNumber
        facts.eta = event.eta
        facts.exception = event.exception
        facts.exceptionKind = event.exceptionKind
        facts.resolution = event.resolution
        facts.amount = event.amount
        let notice = CustomerNotice.render(topic, facts, in: language)
        switch channel {
        case .email: return Planned(channel: .email, recipient: recipient, subject: notice.subject, body: notice.body)
        default: return Planned(channel: .sms, recipient: recipient, subject: nil, body: notice.sms)
        }
    }

    func insert(_ planned: Planned, of message: OutboxMessage, at now: Timestamp) -> Statement {
        // A row handed on twice (its first relay's write landed after the lease ran out) makes no second delivery.
        return Statement(
            """
            INSERT INTO deliveries (outbox_id, channel, recipient, subscription_id, topic, order_id, subject, body, status, attempts,
                                    available_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9)
            ON CONFLICT (outbox_id, channel, recipient) DO NOTHING
            """,
            [
                message.id, planned.channel.rawValue, planned.recipient, planned.subscriptionID, message.topic,
                message.subject == "order" ? message.subjectID : nil, planned.subject, planned.body, now,
            ])
    }

    // MARK: Sending

    static let columns = """
        d.*, o.number AS order_number, w.url AS webhook_url, w.name AS webhook_name, w.secret AS webhook_secret
        """
    static let joins = "LEFT JOIN orders o ON o.id = d.order_id LEFT JOIN webhook_subscriptions w ON w.id = d.subscription_id"

    /// Takes up to `limit` pending deliveries that are due, for `owner`, with a lease; one whose relay died is taken
    /// again once the lease runs out.
    public func claim(owner: String, limit: Int = 50, leaseMilliseconds: Int64 = 60_000) async throws -> [MessageDelivery] {
        let now = clock.now()
        let claimed = try await engine.write(
            Store.claim(
                "deliveries", pending: "status = 'pending' AND available_at <= $3", order: "id", returning: "id", owner: owner,
                leaseUntil: now.adding(milliseconds: leaseMilliseconds), now: now, limit: limit))
        let ids = try claimed.map { try $0.int("id") }
        guard !ids.isEmpty else { return [] }
        var conditions = Conditions()
        let list = conditions.list(ids)
        let rows = try await engine.read(
            Statement(SQL("SELECT \(Self.columns) FROM deliveries d \(Self.joins) WHERE d.id IN \(list) ORDER BY d.id"), conditions.binds))
        return try rows.map(Self.delivery).filter { $0.owner == owner }
    }

    /// Marks a delivery sent; false when another relay took it over meanwhile (it sends again: at least once).
    @discardableResult
    public func markSent(_ delivery: MessageDelivery) async throws -> Bool {
        do {
            _ = try await engine.write(
                Statement(
                    """
                    UPDATE deliveries SET status = 'delivered', delivered_at = $3, lease_until = NULL, last_error = NULL
                    WHERE id = $1 AND lease_owner = $2 AND status = 'pending'
                    """, [delivery.id, delivery.owner, clock.now()], expect: .rows(1), label: "deliveries.lease"))
            return true
        } catch StoreError.guardFailed(let label) where label == "deliveries.lease" {
            return false
        }
    }

    /// Records a failed attempt: tried again later (`DeliveryPolicy`), or a dead letter after the last attempt or
    /// when trying again cannot help (`permanent`: a mail server's 5xx, a link for an order no longer waiting).
    /// Returns the status it is left in.
    @discardableResult
    public func markFailed(_ delivery: MessageDelivery, error: String, permanent: Bool = false, policy: DeliveryPolicy) async throws -> DeliveryStatus {
        let now = clock.now()
        let delay = permanent ? nil : policy.retryDelayMilliseconds(afterAttempt: Int(delivery.attempts))
        let status: DeliveryStatus = delay == nil ? .dead : .pending
        _ = try await engine.write(
            Statement(
                """
                UPDATE deliveries SET status = $3, last_error = $4, available_at = $5, lease_until = NULL
                WHERE id = $1 AND lease_owner = $2 AND status = 'pending'
                """, [delivery.id, delivery.owner, status.rawValue, String(error.prefix(500)), now.adding(milliseconds: delay ?? 0)]))
        return status
    }

    /// Sends a dead letter again from the start (its attempts counted anew). A delivery that is not dead is a
    /// conflict: it is on its way, or was delivered.
    public func redeliver(id: Int64, by actor: Actor) async throws -> MessageDelivery {
        let now = clock.now()
        do {
            _ = try await engine.write([
                Statement(
                    """
                    UPDATE deliveries SET status = 'pending', attempts = 0, available_at = $2, lease_owner = NULL, lease_until = NULL
                    WHERE id = $1 AND status = 'dead'
                    """, [id, now], expect: .rows(1), label: "deliveries.dead"),
                audit("redeliver", .delivery, id: id, by: actor, at: now),
            ])
        } catch StoreError.guardFailed {
            _ = try await delivery(id: id)
            throw DocketError.conflict(.delivery, key: String(id))
        }
        return try await delivery(id: id)
    }

    public func delivery(id: Int64) async throws -> MessageDelivery {
        guard let row = try await engine.read(Statement(SQL("SELECT \(Self.columns) FROM deliveries d \(Self.joins) WHERE d.id = $1"), [id])).first
        else { throw DocketError.notFound(.delivery, key: String(id)) }
        return try Self.delivery(row)
    }

    /// Deliveries for the notifications page and the API, newest first: all, or those in one status, or one order's.
    public func list(status: DeliveryStatus? = nil, orderID: ID<Order>? = nil, limit: Int = 50, offset: Int = 0) async throws -> [MessageDelivery] {
        var conditions = Conditions()
        if let status { conditions.add("d.status = \(conditions.bind(status.rawValue))") }
        if let orderID { conditions.add("d.order_id = \(conditions.bind(orderID))") }
        let limitBind = conditions.bind(Int64(min(max(limit, 1), 200)))
        let offsetBind = conditions.bind(Int64(max(offset, 0)))
        let rows = try await engine.read(
            Statement(
                SQL("SELECT \(Self.columns) FROM deliveries d \(Self.joins)\(conditions.clause) ORDER BY d.id DESC LIMIT \(limitBind) OFFSET \(offsetBind)"),
                conditions.binds))
        return try rows.map(Self.delivery)
    }

    /// How many deliveries are in each status (the page's tabs, `/metrics`).
    public func counts() async throws -> [DeliveryStatus: Int64] {
        let rows = try await engine.read(Statement("SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status"))
        var counts: [DeliveryStatus: Int64] = [:]
        for row in rows { if let status = DeliveryStatus(rawValue: try row.text("status")) { counts[status] = try row.int("n") } }
        return counts
    }

    static func delivery(_ row: SQLRow) throws -> MessageDelivery {
        guard let channel = DeliveryChannel(rawValue: try row.text("channel")) else { throw StoreError.decoding(column: "channel") }
        guard let status = DeliveryStatus(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
        return MessageDelivery(
            id: try row.int("id"), outboxID: try row.int("outbox_id"), channel: channel, recipient: try row.text("recipient"),
            subscriptionID: row.optionalInt("subscription_id"), topic: try row.text("topic"), orderID: row.optionalInt("order_id").map { ID<Order>($0) },
            orderNumber: row.optionalText("order_number"), subject: row.optionalText("subject"), body: try row.text("body"), status: status,
            attempts: try row.int("attempts"), availableAt: try row.timestamp("available_at"), lastError: row.optionalText("last_error"),
            deliveredAt: row.optionalInt("delivered_at").map { Timestamp(millisecondsSince1970: $0) }, createdAt: try row.timestamp("created_at"),
            owner: row.optionalText("lease_owner"), webhookURL: row.optionalText("webhook_url"), webhookName: row.optionalText("webhook_name"),
            webhookSecret: row.optionalText("webhook_secret"))
    }

    // MARK: Webhook subscriptions

    public func subscriptions() async throws -> [WebhookSubscription] {
        try await engine.read(Statement("SELECT * FROM webhook_subscriptions ORDER BY id")).map(Self.subscription)
    }

    public func subscription(id: Int64) async throws -> WebhookSubscription {
        guard let row = try await engine.read(Statement("SELECT * FROM webhook_subscriptions WHERE id = $1", [id])).first else {
            throw DocketError.notFound(.webhookSubscription, key: String(id))
        }
        return try Self.subscription(row)
    }

    /// A new subscription, with a secret made here (shown to whoever set it up, and on the subscription's page).
    public func subscribe(_ draft: WebhookSubscriptionDraft, by actor: Actor) async throws -> WebhookSubscription {
        try draft.validate()
        let now = clock.now()
        let rows = try await engine.write([
            Statement(
                """
                INSERT INTO webhook_subscriptions (name, url, topics, secret, active, version, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING *
                """,
                [draft.name, draft.url, try JSONColumn.encode(draft.topics), WebhookSignature.makeSecret(), draft.active, now],
                expect: .rows(1)),
            audit("created", .webhookSubscription, id: Bind.result(statement: 0, column: "id"), by: actor, at: now,
                  data: try JSONColumn.encode(draft)),
        ])
        return try Self.subscription(rows[0][0])
    }

    /// Changes a subscription, guarded by its version; `rotateSecret` makes a new secret (the old one stops signing).
    public func update(id: Int64, version: Int64, _ draft: WebhookSubscriptionDraft, rotateSecret: Bool = false, by actor: Actor) async throws
        -> WebhookSubscription
    {
        try draft.validate()
        let now = clock.now()
        do {
            let rows = try await engine.write([
                Statement(
                    """
                    UPDATE webhook_subscriptions SET name = $3, url = $4, topics = $5, active = $6, secret = COALESCE($7, secret),
                           version = version + 1, updated_at = $8
                    WHERE id = $1 AND version = $2 RETURNING *
                    """,
                    [id, version, draft.name, draft.url, try JSONColumn.encode(draft.topics), draft.active,
                     rotateSecret ? WebhookSignature.makeSecret() : nil, now], expect: .rows(1), label: "webhook_subscriptions.version"),
                audit(rotateSecret ? "secret_rotated" : "updated", .webhookSubscription, id: id, by: actor, at: now, data: try JSONColumn.encode(draft)),
            ])
            return try Self.subscription(rows[0][0])
        } catch StoreError.guardFailed {
            let current = try await subscription(id: id)
            throw DocketError.versionConflict(.webhookSubscription, key: current.draft.name, current: current.version)
        }
    }

    /// A new secret for the subscription as it stands (the old one stops signing), guarded by `version` when given.
    public func rotateSecret(id: Int64, version: Int64? = nil, by actor: Actor) async throws -> WebhookSubscription {
        let current = try await subscription(id: id)
        return try await update(id: id, version: version ?? current.version, current.draft, rotateSecret: true, by: actor)
    }

    static func subscription(_ row: SQLRow) throws -> WebhookSubscription {
        WebhookSubscription(
            id: try row.int("id"),
            draft: WebhookSubscriptionDraft(
                name: try row.text("name"), url: try row.text("url"), topics: try JSONColumn.decode([String].self, try row.text("topics"), column: "topics"),
                active: try row.bool("active")),
            secret: try row.text("secret"), version: try row.int("version"), createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"))
    }
}
