import DocketCore
import Foundation

/// 客户自助查询: tracking links (the token's hash kept, never the token), looking an order up by number and phone
/// (throttled per order number and per address), and what the customer's page shows.
public struct TrackingRepository: Repository {
    public let store: Store
}

extension Store {
    public var tracking: TrackingRepository { TrackingRepository(store: self) }
}

/// What the customer's tracking page shows of an order: no prices they did not agree to, no people, no internal steps.
public struct TrackingView: Sendable {
    public var order: StoredOrder
    public var customerName: String?
    public var confirmedAt: Timestamp?
    public var shipments: [StoredShipment]
    /// What the customer reported from this page.
    public var reports: [OrderException]
}

/// How a lookup by number and phone ended.
public enum LookupResult: Sendable, Hashable {
    /// The phone is on the order: a link to its page.
    case found(token: String)
    /// No such order, or not this phone — the same answer either way, so numbers cannot be probed.
    case notFound
    /// Too many failures for this order number or from this address lately.
    case throttled
}

extension TrackingRepository {
    /// A new link to the order's page, valid `LookupPolicy.linkDays` days.
    public func issueLink(orderID: ID<Order>, policy: LookupPolicy = .standard) async throws -> String {
        let token = Secret.make()
        let now = clock.now()
        _ = try await engine.write(
            Statement(
                "INSERT INTO tracking_links (token_hash, order_id, created_at, expires_at) SELECT $1, id, $3, $4 FROM orders WHERE id = $2",
                [Secret.hash(token), orderID, now, now.adding(days: policy.linkDays)], expect: .rows(1), label: "tracking_links"))
        return token
    }

    /// The order a link leads to; not found when the token is unknown or the link expired.
    public func order(token: String) async throws -> ID<Order> {
        let now = clock.now()
        guard token.count <= 200,
            let row = try await engine.read(
                Statement("SELECT order_id FROM tracking_links WHERE token_hash = $1 AND expires_at > $2", [Secret.hash(token), now])
            ).first
        else { throw DocketError.notFound(.order, key: "—") }
        return try row.id("order_id")
    }

    /// Looks an order up by its number and a phone number on it (the order's contact, or any of its customer's
    /// contacts). Every try is counted before it is checked, under the same locks as signing in, so a burst gets no
    /// more tries than allowed; a success opens a fresh link.
    public func lookup(number: String, phone: String, ip: String, policy: LookupPolicy = .standard) async throws -> LookupResult {
        let number = String(number.trimmingCharacters(in: .whitespaces).uppercased().prefix(40))
        let now = clock.now()
        let since = now.adding(milliseconds: -policy.windowMilliseconds)
        let attempts = Store.Attempts.lookups
        guard
            let attempt = try await attempts.count(
                key: "order:" + number, ip: String(ip.prefix(64)), at: now, since: since, maximumPerKey: policy.failuresPerOrder,
                maximumPerAddress: policy.failuresPerAddress, in: engine)
        else { return .throttled }
        let rows = try await engine.read([
            Statement("SELECT id, customer_code, contact_phone FROM orders WHERE number = $1", [number]),
        ])
        guard let order = rows[0].first else { return .notFound }
        var phones = [order.optionalText("contact_phone")].compactMap { $0 }
        if let customer = try? await store.customers.get(key: try order.text("customer_code")).value {
            phones += customer.contacts.compactMap(\.phone)
        }
        guard PhoneMatch.matches(phone, any: phones) else { return .notFound }
        _ = try await engine.write(attempts.succeeded(attempt))
        return .found(token: try await issueLink(orderID: try order.id(), policy: policy))
    }

    /// The order's page as the customer sees it.
    public func view(orderID: ID<Order>) async throws -> TrackingView {
        let order = try await store.orders.order(id: orderID)
        let shipments = try await store.shipments.shipments(orderID: orderID).filter { $0.status != .cancelled }
        let confirmed = try await engine.read(Statement("SELECT confirmed_at FROM orders WHERE id = $1", [orderID]))
        let customer = try? await store.customers.get(key: order.customerCode).value
        return TrackingView(
            order: order, customerName: customer?.name,
            confirmedAt: confirmed.first?.optionalInt("confirmed_at").map { Timestamp(millisecondsSince1970: $0) }, shipments: shipments,
            reports: try await store.exceptions.exceptions(orderID: orderID).filter { $0.source == .customer })
    }
}
