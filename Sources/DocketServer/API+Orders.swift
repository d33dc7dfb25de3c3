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
        var stage: String?
        var decision: String?
        var reason: String?
        var approveOverrides: Bool?
    }

    struct ConfirmationBody: Decodable {
        var via: String?
        var note: String?
    }

    struct ChangeBody: Decodable {
        var edit: OrderEdit?
        var message: String?
    }

    struct ChangeDecision: Decodable {
        var approve: Bool?
        var reason: String?
    }

    struct Reviews: Encodable {
        /// What the order's current stage finds (nil when it is not in review).
        var current: StageAssessment?
        var decisions: [ReviewRecord]
    }

    var orders: OrderUseCases { OrderUseCases(store: store) }

    func register(on routes: SecureRoutes) {
        routes.post("/api/v1/orders", .orderIntake) { request, context in
            let draft = try await JSON.decode(OrderDraft.self, from: request, context: context)
            let key = request.headers[HTTPField.Name("Idempotency-Key")!]
            return try submissionResponse(try await orders.submit(draft, idempotencyKey: key, by: context), context)
        }
        routes.get("/api/v1/orders", .staff) { request, context in
            let page = try await store.orders.list(try orderFilter(request))
            return try JSON.response(
                Page(items: page.items.map { $0.localized(context.language) }, total: page.total, totalCapped: page.totalCapped, limit: page.limit, offset: page.offset))
        }
        routes.get("/api/v1/orders/:id", .staff) { _, context in
            try JSON.response(try await store.orders.order(id: try orderID(context)).localized(context.language))
        }
        routes.get("/api/v1/orders/:id/timeline", .staff) { _, context in
            try JSON.response(try await store.orders.orderTimeline(orderID: try orderID(context)))
        }
        routes.get("/api/v1/orders/:id/reviews", .staff) { _, context in
            let order = try await store.orders.order(id: try orderID(context))
            return try JSON.response(
                Reviews(current: try await store.orders.assessment(of: order), decisions: try await store.orders.reviews(orderID: order.id)))
        }
        routes.post("/api/v1/orders/:id/review", .orderReview) { request, context in
            let id = try orderID(context)
            let body = try await decision(request, context)
            var v = Validator()
            let decision = body.decision.flatMap(ReviewDecision.init(rawValue:))
            if decision == nil { v.add("decision", "invalidValue", ["allowed": ReviewDecision.allCases.map(\.rawValue).joined(separator: ", ")]) }
            // The stage the reviewer saw: a decision must not land on the next stage after a double click.
            let stage = body.stage.flatMap(ReviewStage.init(rawValue:))
            if body.stage == nil {
                v.add("stage", "required")
            } else if stage == nil {
                v.add("stage", "invalidValue", ["allowed": ReviewStage.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            try v.check()
            return try JSON.response(
                try await orders.decideReview(
                    orderID: id, stage: stage!, decision!, reason: body.reason, approveOverrides: body.approveOverrides ?? false,
                    by: context, path: request.uri.path
                ).localized(context.language))
        }
        for action in [OrderAction.hold, .resume, .cancel] {
            routes.post("/api/v1/orders/:id/\(action.rawValue)", .orderControl) { request, context in
                let body = try await decision(request, context)
                return try JSON.response(
                    try await orders.act(action, orderID: try orderID(context), reason: body.reason, by: context).localized(context.language))
            }
        }
        routes.post("/api/v1/orders/:id/complete-info", .orderIntake) { request, context in
            let edit = try await JSON.decode(OrderEdit.self, from: request, context: context)
            return try JSON.response(try await orders.completeInfo(orderID: try orderID(context), edit, by: context).localized(context.language))
        }
        routes.post("/api/v1/orders/:id/confirmation", .orderIntake) { request, context in
            let body = try await JSON.decode(ConfirmationBody.self, from: request, context: context)
            guard let via = body.via.flatMap(ConfirmationChannel.init(rawValue:)) else {
                throw DocketError.invalid("via", "invalidValue", ["allowed": ConfirmationChannel.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            return try JSON.response(
                try await orders.recordConfirmation(orderID: try orderID(context), via: via, note: body.note, by: context).localized(context.language))
        }
        routes.post("/api/v1/orders/:id/confirmation/resend", .orderIntake) { _, context in
            let id = try orderID(context)
            try await orders.resendConfirmation(orderID: id, by: context)
            return try JSON.response(try await store.orders.order(id: id).localized(context.language))
        }
        // A new link to pass on by hand (WeChat …): returned this once, never stored; the previous link stops working.
        routes.post("/api/v1/orders/:id/confirmation/link", .orderIntake) { _, context in
            let link = try await orders.issueConfirmationLink(orderID: try orderID(context), by: context)
            return try JSON.response(link, status: .created, headers: [.cacheControl: "no-store"])
        }
        routes.get("/api/v1/orders/:id/changes", .staff) { _, context in
            let id = try orderID(context)
            _ = try await store.orders.order(id: id)
            return try JSON.response(try await store.orders.changeRequests(orderID: id))
        }
        routes.post("/api/v1/orders/:id/changes", .orderIntake) { request, context in
            let body = try await JSON.decode(ChangeBody.self, from: request, context: context)
            let change = try await orders.requestChange(orderID: try orderID(context), body.edit ?? OrderEdit(), message: body.message, by: context)
            return try JSON.response(change, status: .created)
        }
        routes.post("/api/v1/change-requests/:id/decision", .orderChangeApproval) { request, context in
            let id: ID<ChangeRequest> = try context.id()
            let body = try await JSON.decode(ChangeDecision.self, from: request, context: context)
            guard let approve = body.approve else { throw DocketError.invalid("approve", "required") }
            return try JSON.response(try await orders.decideChange(requestID: id, approve: approve, reason: body.reason, by: context))
        }
        routes.get("/api/v1/orders/:id/revisions", .staff) { _, context in
            let id = try orderID(context)
            _ = try await store.orders.order(id: id)
            return try JSON.response(try await store.orders.revisions(orderID: id))
        }
    }

    /// The body is optional (`resume` needs none).
    private func decision(_ request: Request, _ context: DocketRequestContext) async throws -> Decision {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 { return Decision() }
        return try JSON.decode(Decision.self, from: Data(buffer.readableBytesView))
    }

    private func orderID(_ context: DocketRequestContext) throws -> ID<Order> { try context.orderID() }
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
            guard let secret = try await store.auth.channelSecret(channel),
                let signature = request.headers[HTTPField.Name("X-Docket-Signature")!], signature.hasPrefix("sha256="),
                Secret.equal(String(signature.dropFirst(7)).lowercased(), hmacHex(secret: secret, body: body))
            else {
                throw AccessError.unauthenticated
            }
            let draft = try JSON.decode(OrderDraft.self, from: Data(body.readableBytesView))
            return try submissionResponse(try await OrderUseCases(store: store).submit(draft, from: channel), context)
        }
    }
}

/// 201 with the new order; 200 with the order already received (`Idempotent-Replayed`); 202 with the change
/// request when a marketplace re-pushed an order with different content (the desk approves it).
func submissionResponse(_ submission: OrderSubmission, _ context: DocketRequestContext) throws -> Response {
    var headers: HTTPFields = [.location: "/api/v1/orders/\(submission.order.id)"]
    if submission.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
    if let change = submission.changeRequest {
        headers[.location] = "/api/v1/orders/\(submission.order.id)/changes"
        return try JSON.response(change, status: .accepted, headers: headers)
    }
    return try JSON.response(submission.order.localized(context.language), status: submission.replayed ? .ok : .created, headers: headers)
}

extension StoredOrder {
    /// The order as an answer: each kept problem with its message in the reader's language.
    func localized(_ language: Language) -> StoredOrder {
        var copy = self
        copy.problems = problems.map { $0.localized(language) }
        return copy
    }
}

extension DocketRequestContext {
    /// The `:id` of an order route; a malformed id is simply not found.
    func orderID() throws -> ID<Order> {
        guard let id = parameters.get("id").flatMap(Int64.init), id > 0 else { throw HTTPError(.notFound) }
        return ID(id)
    }
}

/// The order list's query: `status` (repeatable), `stage`, `customer`, `channel`, `type`, `from`, `to` (YYYY-MM-DD,
/// China days), `q`, `limit`, `offset`.
func orderFilter(_ request: Request) throws -> OrderFilter {
    let list = try ListParameters(request)
    let query = request.uri.queryParameters
    var v = Validator()
    var filter = OrderFilter(search: list.search, limit: list.limit, offset: list.offset)
    func nonEmpty(_ name: String) -> String? {
        guard let value = query.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }
    for text in query.getAll("status") where !text.isEmpty {
        if let status = OrderStatus(rawValue: text) { filter.statuses.append(status) } else {
            v.add("status", "invalidValue", ["allowed": OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")])
        }
    }
    if let text = nonEmpty("stage") {
        if let stage = OrderStage(rawValue: text) {
            if filter.statuses.isEmpty {
                filter.statuses = stage.statuses
            } else if !filter.statuses.allSatisfy(stage.statuses.contains) {
                v.add("stage", "conflictsWithStatus")
            }
        } else {
            v.add("stage", "invalidValue", ["allowed": OrderStage.allCases.map(\.rawValue).joined(separator: ", ")])
        }
    }
    filter.customerCode = nonEmpty("customer")
    // `sort=total` ascending, `sort=-total` descending.
    if let text = nonEmpty("sort") {
        if let sort = OrderSort(rawValue: text.hasPrefix("-") ? String(text.dropFirst()) : text) {
            filter.sort = sort
            filter.descending = text.hasPrefix("-")
        } else {
            v.add("sort", "invalidValue", ["allowed": OrderSort.allCases.map(\.rawValue).joined(separator: ", ")])
        }
    }
    if let text = nonEmpty("channel") {
        if let channel = OrderChannel(rawValue: text) { filter.channel = channel } else {
            v.add("channel", "invalidValue", ["allowed": OrderChannel.allCases.map(\.rawValue).joined(separator: ", ")])
        }
    }
    if let text = nonEmpty("type") {
        if let type = OrderType(rawValue: text.uppercased()) { filter.type = type } else {
            v.add("type", "invalidValue", ["allowed": OrderType.allCases.map(\.rawValue).joined(separator: ", ")])
        }
    }
    for (name, apply) in [("from", { filter.receivedFrom = $0 }), ("to", { filter.receivedTo = $0 })] as [(String, (CalendarDate) -> Void)] {
        guard let text = nonEmpty(name) else { continue }
        if let date = CalendarDate.parse(text) { apply(date) } else { v.add(name, "invalidDate") }
    }
    try v.check()
    return filter
}

/// Hex HMAC-SHA256, as connectors compute it.
func hmacHex(secret: String, body: ByteBuffer) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: Array(body.readableBytesView), using: SymmetricKey(data: Data(secret.utf8)))
    return mac.map { String(format: "%02x", $0) }.joined()
}
