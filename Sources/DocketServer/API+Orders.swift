import DocketCore
import DocketStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/orders`: intake from any channel (with `Idempotency-Key`), lists, the order, its timeline,
/// reviews and hold/resume/cancel.
struct OrdersAPI {
    let store: Store

    struct Decision: Decodable {
        var decision: String?
        var reason: String?
    }

    func register(on routes: SecureRoutes) {
        routes.post("/api/v1/orders", .orderIntake) { request, context in
            let draft = try await JSON.decode(OrderDraft.self, from: request, context: context)
            let key = request.headers[HTTPField.Name("Idempotency-Key")!]
            let submission = try await store.submitOrder(draft, idempotencyKey: key, by: context.actor)
            var headers: HTTPFields = [.location: "/api/v1/orders/\(submission.order.id)"]
            if submission.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
            return try JSON.response(submission.order, status: submission.replayed ? .ok : .created, headers: headers)
        }
        routes.get("/api/v1/orders", .staff) { request, _ in
            let list = try ListParameters(request)
            var status: OrderStatus?
            if let text = request.uri.queryParameters.get("status") {
                guard let parsed = OrderStatus(rawValue: text) else {
                    throw DocketError.invalid("status", "invalidValue", ["allowed": OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")])
                }
                status = parsed
            }
            return try JSON.response(try await store.orders(status: status, search: list.search, limit: list.limit, offset: list.offset))
        }
        routes.get("/api/v1/orders/:id", .staff) { _, context in
            try JSON.response(try await store.order(id: try orderID(context)))
        }
        routes.get("/api/v1/orders/:id/timeline", .staff) { _, context in
            try JSON.response(try await store.orderTimeline(orderID: try orderID(context)))
        }
        routes.post("/api/v1/orders/:id/review", .orderReview) { request, context in
            let id = try orderID(context)
            let body = try await decision(request, context)
            guard let decision = body.decision, decision == "pass" || decision == "reject" else {
                throw DocketError.invalid("decision", "invalidValue", ["allowed": "pass, reject"])
            }
            return try JSON.response(
                try await decideReview(store: store, orderID: id, pass: decision == "pass", reason: body.reason, context: context, path: request.uri.path))
        }
        for action in [OrderAction.hold, .resume, .cancel] {
            routes.post("/api/v1/orders/:id/\(action.rawValue)", .orderControl) { request, context in
                let body = try await decision(request, context)
                return try JSON.response(try await store.transition(orderID: try orderID(context), action, reason: body.reason, by: context.actor))
            }
        }
    }

    /// The body is optional (`resume` needs none).
    private func decision(_ request: Request, _ context: DocketRequestContext) async throws -> Decision {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 { return Decision() }
        return try JSON.decode(Decision.self, from: Data(buffer.readableBytesView))
    }

    private func orderID(_ context: DocketRequestContext) throws -> Int64 { try context.orderID() }
}

/// `POST /api/v1/channels/{channel}/orders`: marketplace connectors push orders, signed with the channel's
/// secret: header `X-Docket-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. A re-pushed platform order
/// is recognised by its id and answered with the existing order.
struct ChannelsAPI {
    let store: Store

    func register(on routes: SecureRoutes) {
        // No user session: the signature is the authentication.
        routes.post("/api/v1/channels/:channel/orders", .everyone) { request, context in
            guard let channel = context.parameters.get("channel").flatMap(OrderChannel.init(rawValue:)), channel.isPlatform else {
                throw HTTPError(.notFound)
            }
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            guard let secret = try await store.channelSecret(channel),
                let signature = request.headers[HTTPField.Name("X-Docket-Signature")!], signature.hasPrefix("sha256="),
                Secret.equal(String(signature.dropFirst(7)).lowercased(), hmacHex(secret: secret, body: body))
            else {
                throw AccessError.unauthenticated
            }
            var draft = try JSON.decode(OrderDraft.self, from: Data(body.readableBytesView))
            draft.channel = channel
            let submission = try await store.submitOrder(draft, idempotencyKey: nil, by: Actor(.api, "channel:\(channel.rawValue)"))
            var headers: HTTPFields = [.location: "/api/v1/orders/\(submission.order.id)"]
            if submission.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
            return try JSON.response(submission.order, status: submission.replayed ? .ok : .created, headers: headers)
        }
    }
}

extension DocketRequestContext {
    /// The `:id` of an order route; a malformed id is simply not found.
    func orderID() throws -> Int64 {
        guard let id = parameters.get("id").flatMap(Int64.init), id > 0 else { throw HTTPError(.notFound) }
        return id
    }
}

/// A review decision: the route admits every reviewer; the stage the order is in says which of them decides now.
func decideReview(store: Store, orderID: Int64, pass: Bool, reason: String?, context: DocketRequestContext, path: String)
    async throws -> StoredOrder
{
    let order = try await store.order(id: orderID)
    if order.status.isReview, !(context.identity?.roles ?? []).contains(where: { $0.reviews(order.status) }) {
        try await store.recordDenial(context.actor, userID: context.identity?.user.id.rawValue, method: "POST", path: path)
        throw AccessError.forbidden
    }
    return try await store.transition(orderID: orderID, pass ? .pass : .reject, reason: reason, by: context.actor)
}

/// Hex HMAC-SHA256, as connectors compute it.
func hmacHex(secret: String, body: ByteBuffer) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: Array(body.readableBytesView), using: SymmetricKey(data: Data(secret.utf8)))
    return mac.map { String(format: "%02x", $0) }.joined()
}
