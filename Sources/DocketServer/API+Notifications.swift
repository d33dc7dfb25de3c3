import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// Notifications: `GET /api/v1/deliveries?status=pending|delivered|dead&orderId=`, `POST /api/v1/deliveries/{id}/redeliver`
/// (a dead letter sent again), and webhook subscriptions (`GET/POST /api/v1/webhooks`, `GET/PUT /api/v1/webhooks/{id}`,
/// `POST /api/v1/webhooks/{id}/rotate-secret`) — administrators only, since the answers carry the signing secret.
struct NotificationsAPI {
    let store: Store

    struct DeliveryView: Encodable {
        var id: Int64
        var messageId: Int64
        var channel: DeliveryChannel
        var recipient: String
        var webhook: String?
        var topic: String
        var orderId: ID<Order>?
        var orderNumber: String?
        var subject: String?
        var status: DeliveryStatus
        var attempts: Int64
        var nextAttemptAt: Timestamp?
        var lastError: String?
        var deliveredAt: Timestamp?
        var createdAt: Timestamp

        init(_ d: MessageDelivery) {
            id = d.id
            messageId = d.outboxID
            channel = d.channel
            recipient = d.channel == .webhook ? (d.webhookURL ?? d.recipient) : d.recipient
            webhook = d.webhookName
            topic = d.topic
            orderId = d.orderID
            orderNumber = d.orderNumber
            subject = d.subject
            status = d.status
            attempts = d.attempts
            nextAttemptAt = d.status == .pending ? d.availableAt : nil
            lastError = d.lastError
            deliveredAt = d.deliveredAt
            createdAt = d.createdAt
        }
    }

    struct SubscriptionView: Encodable {
        var id: Int64
        var name: String
        var url: String
        var topics: [String]
        var active: Bool
        var secret: String
        var version: Int64
        var createdAt: Timestamp
        var updatedAt: Timestamp

        init(_ s: WebhookSubscription) {
            id = s.id
            name = s.draft.name
            url = s.draft.url
            topics = s.draft.topics
            active = s.draft.active
            secret = s.secret
            version = s.version
            createdAt = s.createdAt
            updatedAt = s.updatedAt
        }
    }

    struct Change: Decodable {
        var version: Int64
        var subscription: WebhookSubscriptionDraft

        init(from decoder: any Decoder) throws {
            subscription = try WebhookSubscriptionDraft(from: decoder)
            let c = try decoder.container(keyedBy: Key.self)
            version = try c.decodeIfPresent(Int64.self, forKey: .version) ?? 0
        }

        enum Key: String, CodingKey { case version }
    }

    func register(on routes: SecureRoutes) {
        let deliveries = store.deliveries
        routes.get("/api/v1/deliveries", .notifications) { request, _ in
            let query = request.uri.queryParameters
            var status: DeliveryStatus?
            if let text = query.get("status") {
                guard let parsed = DeliveryStatus(rawValue: text) else {
                    throw DocketError.invalid("status", "invalidValue", ["allowed": DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", ")])
                }
                status = parsed
            }
            var orderID: ID<Order>?
            if let text = query.get("orderId") {
                guard let id = Int64(text), id > 0 else { throw DocketError.invalid("orderId", "invalidNumber") }
                orderID = ID(id)
            }
            let page = try ListParameters(request).listQuery
            try page.validate()
            guard page.offset <= 1_000_000 else { throw DocketError.invalid("offset", "outOfRange", ["min": "0", "max": "1000000"]) }
            return try JSON.response(
                try await deliveries.list(status: status, orderID: orderID, limit: page.limit, offset: page.offset).map(DeliveryView.init))
        }
        routes.post("/api/v1/deliveries/:id/redeliver", .notifications) { _, context in
            let id: Int64 = try context.rawID()
            return try JSON.response(DeliveryView(try await deliveries.redeliver(id: id, by: context.actor)))
        }
        routes.get("/api/v1/webhooks", .administration) { _, _ in
            try JSON.response(try await deliveries.subscriptions().map(SubscriptionView.init))
        }
        routes.get("/api/v1/webhooks/:id", .administration) { _, context in
            try JSON.response(SubscriptionView(try await deliveries.subscription(id: try context.rawID())))
        }
        routes.post("/api/v1/webhooks", .administration) { request, context in
            let draft = try await JSON.decode(WebhookSubscriptionDraft.self, from: request, context: context)
            return try JSON.response(SubscriptionView(try await deliveries.subscribe(draft, by: context.actor)), status: .created)
        }
        routes.put("/api/v1/webhooks/:id", .administration) { request, context in
            let change = try await JSON.decode(Change.self, from: request, context: context)
            let id: Int64 = try context.rawID()
            return try JSON.response(SubscriptionView(try await deliveries.update(id: id, version: change.version, change.subscription, by: context.actor)))
        }
        routes.post("/api/v1/webhooks/:id/rotate-secret", .administration) { request, context in
            return try JSON.response(SubscriptionView(try await deliveries.rotateSecret(id: try context.rawID(), by: context.actor)))
        }
    }
}
