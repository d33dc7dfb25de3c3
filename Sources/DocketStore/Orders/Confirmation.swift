import DocketCore
import Foundation

/// What the public confirmation page shows for a link.
public struct ConfirmationView: Sendable {
    public var order: StoredOrder
    public var deadline: Timestamp
    /// The link still works: the order waits for this confirmation and the link was not used or replaced.
    public var open: Bool
    public var outcome: ConfirmationOutcome?
}

/// A confirmation link just issued: shown or sent once, never stored (only its hash is).
public struct ConfirmationLink: Sendable, Codable, Hashable {
    /// Path of the public page (`/confirm/…`); the sender puts the site's address in front.
    public var path: String
    public var deadline: Timestamp
}

extension OrderRepository {
    /// The order behind a confirmation link. Unknown links are not found (and say nothing about other orders).
    public func confirmation(token: String) async throws -> ConfirmationView {
        guard token.count >= 20, token.count <= 100,
            let row = try await engine.read(
                Statement("SELECT * FROM order_confirmations WHERE token_hash = $1", [Secret.hash(token)])).first
        else { throw DocketError.notFound(.order, key: "confirmation") }
        let order = try await order(id: ID(try row.int("order_id")))
        let open = row.optionalInt("closed_at") == nil && order.status == .awaitingConfirmation
        return ConfirmationView(order: order, deadline: try row.timestamp("deadline_at"), open: open, outcome: row.optionalText("outcome").flatMap(ConfirmationOutcome.init(rawValue:)))
    }

    /// The link's order, while the link still works; a used or replaced link is a `confirmationClosed` problem.
    func openConfirmation(token: String) async throws -> ConfirmationView {
        let view = try await confirmation(token: token)
        guard view.open else { throw DocketError.invalid("token", "confirmationClosed") }
        return view
    }

    /// The customer confirms through the link, optionally with special requirements (送货要求 etc.).
    public func confirm(token: String, requirements: String?) async throws -> StoredOrder {
        let view = try await openConfirmation(token: token)
        let requirements = requirements?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let requirements, requirements.count > 1000 { throw DocketError.invalid("requirements", "tooLong", ["max": "1000"]) }
        return try await confirm(view.order, via: .link, requirements: requirements, tokenHash: Secret.hash(token),
            by: Actor(.customer, view.order.customerCode))
    }

    /// Staff record a confirmation the customer gave by phone, e-mail, fax or WeChat.
    public func recordConfirmation(orderID: ID<Order>, via channel: ConfirmationChannel, note: String?, by actor: Actor) async throws -> StoredOrder {
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.count > 1000 { throw DocketError.invalid("note", "tooLong", ["max": "1000"]) }
        return try await confirm(try await order(id: orderID), via: .staff(channel), requirements: note, tokenHash: nil, by: actor)
    }

    private func confirm(_ order: StoredOrder, via: ConfirmedVia, requirements: String?, tokenHash: String?, by actor: Actor) async throws
        -> StoredOrder
    {
        let text = (requirements ?? "").isEmpty ? nil : requirements
        var confirmed = try await transition(orderID: order.id, .confirm, reason: via.code, by: actor, read: order) {
            current, _, now, message in
            message.via = via.code
            var statements: [Statement] = []
            if let tokenHash {
                // The link must still be the open one: a link replaced meanwhile confirms nothing.
                statements.append(closeLink(tokenHash: tokenHash, orderID: current.id, outcome: .confirmed, at: now))
            }
            statements.append(
                Statement("UPDATE orders SET customer_requirements = $2 WHERE id = $1", [current.id, text], expect: .rows(1)))
            return statements
        }
        confirmed.customerRequirements = text
        return confirmed
    }

    /// Issues a fresh link (256 random bits; only the SHA-256 is stored) for the order's open confirmation request,
    /// closing the link issued before: the notifier calls this when it delivers the request, and staff when they
    /// pass a link on by WeChat ("copy a new link", shown once). Same deadline as the request.
    public func issueConfirmationLink(orderID: ID<Order>, by actor: Actor) async throws -> ConfirmationLink {
        let rows = try await engine.read([
            Statement("SELECT id, number, status FROM orders WHERE id = $1", [orderID]),
            Statement(
                "SELECT id, deadline_at FROM order_confirmations WHERE order_id = $1 AND closed_at IS NULL ORDER BY id DESC", [orderID]),
        ])
        guard let order = rows[0].first else { throw DocketError.notFound(.order, key: orderID.description) }
        let number = try order.text("number")
        guard try order.text("status") == OrderStatus.awaitingConfirmation.rawValue, let open = rows[1].first else {
            throw DocketError.illegalTransition(
                number: number, from: OrderStatus(rawValue: try order.text("status")) ?? .received, action: .confirm)
        }
        let token = Secret.make()
        let now = clock.now()
        let deadline = try open.timestamp("deadline_at")
        do {
            _ = try await engine.write([
                Statement(
                    "UPDATE order_confirmations SET closed_at = $2, outcome = $3 WHERE id = $1 AND closed_at IS NULL",
                    [try open.int("id"), now, ConfirmationOutcome.superseded.rawValue], expect: .rows(1), label: "order_confirmations.open"),
                Statement(
                    "INSERT INTO order_confirmations (order_id, token_hash, created_at, deadline_at) VALUES ($1, $2, $3, $4)",
                    [orderID, Secret.hash(token), now, deadline], expect: .rows(1), label: "order_confirmations"),
                audit("confirmation_link_issued", .order, id: orderID, by: actor, at: now),
            ])
        } catch StoreError.guardFailed {
            // Confirmed, replaced or closed at this very moment: the person looks again.
            throw DocketError.conflict(.order, key: number)
        }
        return ConfirmationLink(path: "/confirm/\(token)", deadline: deadline)
    }

    /// Sends a new confirmation link (the old one stops working), e.g. when the customer lost the message.
    public func resendConfirmation(orderID: ID<Order>, by actor: Actor) async throws {
        let order = try await order(id: orderID)
        let now = clock.now()
        let effects: [OrderEffect]
        do {
            effects = try OrderWorkflow.resendConfirmation(on: order.status, receivedAt: order.receivedAt, now: now, policy: policy)
        } catch {
            throw DocketError.illegalTransition(number: order.number, from: order.status, action: .confirm)
        }
        try await write(
            [
                Statement(
                    "UPDATE orders SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2",
                    [orderID, order.version, now], expect: .rows(1), label: "orders.version"),
                audit("confirmation_resent", .order, id: orderID, by: actor, at: now),
            ] + (try statements(for: effects, orderID: order.id, message: OrderMessage(order), at: now)), lostRaceOn: order)
    }
}
