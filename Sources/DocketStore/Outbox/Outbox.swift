import DocketCore
import Foundation

/// One message claimed from the outbox for delivery. Its `id` is the receiver's deduplication key: delivery is at
/// least once (a relay that dies after sending but before marking the row delivered sends it again later).
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    public var topic: String
    /// What the message is about (the kind of record and its id).
    public var subject: String
    public var subjectID: Int64?
    /// JSON: the topic's payload struct (for order messages, every field of `OrderMessage` the topic uses).
    public var payload: String
    /// Delivery attempts so far, this one included.
    public var attempts: Int64
    public var createdAt: Timestamp
    public var owner: String

    /// The order topic, when the message is one of the order workflow's.
    public var notificationTopic: NotificationTopic? { NotificationTopic(rawValue: topic) }
}

extension OutboxRepository {
    /// Takes up to `limit` messages that are due for `owner` for `leaseMilliseconds`, oldest first. A message whose
    /// lease ran out (its relay died) can be taken by another relay; the guard in the same statement makes two
    /// claims exclusive, so several nodes may run relays.
    public func claimOutbox(owner: String, limit: Int = 50, leaseMilliseconds: Int64 = 60_000) async throws -> [OutboxMessage] {
        let now = clock.now()
        let rows = try await engine.write(
            Store.claim(
                "outbox", pending: "delivered_at IS NULL AND available_at <= $3", order: "id",
                returning: "id, topic, aggregate, aggregate_id, payload, attempts, created_at", owner: owner,
                leaseUntil: now.adding(milliseconds: leaseMilliseconds), now: now, limit: limit))
        return try rows.map { row in
            OutboxMessage(
                id: try row.int("id"), topic: try row.text("topic"), subject: try row.text("aggregate"),
                subjectID: row.optionalInt("aggregate_id"), payload: try row.text("payload"), attempts: try row.int("attempts"),
                createdAt: try row.timestamp("created_at"), owner: owner)
        }.sorted { $0.id < $1.id }
    }

    /// Marks a message delivered. Guarded by the lease: returns false when another relay took the message over
    /// meanwhile (it will deliver it again; receivers deduplicate by id).
    @discardableResult
    public func markDelivered(_ message: OutboxMessage) async throws -> Bool {
        do {
            _ = try await engine.write(Self.markDelivered(message, at: clock.now()))
            return true
        } catch StoreError.guardFailed(let label) where label == Self.leaseLabel {
            return false
        }
    }

    static let leaseLabel = "outbox.lease"

    /// The message handed on, if `message.owner` still holds its lease (else the write fails on `leaseLabel`).
    static func markDelivered(_ message: OutboxMessage, at now: Timestamp) -> Statement {
        Statement(
            "UPDATE outbox SET delivered_at = $3, lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL",
            [message.id, message.owner, now], expect: .rows(1), label: leaseLabel)
    }

    /// Records a failed delivery and when to try again: after 30 s, doubling with each attempt up to an hour.
    public func markFailed(_ message: OutboxMessage, error: String) async throws {
        let now = clock.now()
        let delay = Int64(30_000) << Int64(min(max(message.attempts - 1, 0), 7))
        _ = try await engine.write(
            Statement(
                """
                UPDATE outbox SET last_error = $3, available_at = $4, lease_until = NULL
                WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL
                """, [message.id, message.owner, String(error.prefix(500)), now.adding(milliseconds: min(delay, 3_600_000))]))
    }

    /// Messages not delivered yet (for `/metrics` and the admin's view).
    public func outboxBacklog() async throws -> Int64 {
        try await engine.read(Statement("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL")).first?.int("n") ?? 0
    }
}
