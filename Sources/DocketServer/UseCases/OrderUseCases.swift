import DocketCore
import DocketStore
import Foundation

/// What people and integrations do to orders, one named use case each, called by the JSON API and by the web
/// pages alike. A use case checks who may do it (beyond the route's roles), asks the store — which asks Core
/// to decide and writes the decision in one transaction — and returns the result. See ARCHITECTURE.md.
struct OrderUseCases {
    let orders: OrderRepository
    /// Refusals are recorded in the security log.
    let auth: AuthRepository

    init(store: Store) {
        orders = store.orders
        auth = store.auth
    }

    /// 分配: plans the order again by hand (what it holds counts as free for it); only while it holds stock.
    func reallocate(orderID: ID<Order>, by caller: DocketRequestContext) async throws -> StoredAllocation {
        try await orders.reallocate(orderID: orderID, by: caller.actor)
    }

    /// 下发仓库: a confirmed, fully and firmly allocated order goes to the warehouse for picking.
    func releaseToWarehouse(orderID: ID<Order>, by caller: DocketRequestContext) async throws -> StoredOrder {
        try await orders.releaseToWarehouse(orderID: orderID, by: caller.actor)
    }

    /// 收单: an order from the desk, the API or a file, checked at intake.
    func submit(_ draft: OrderDraft, idempotencyKey: String?, by caller: DocketRequestContext) async throws -> OrderSubmission {
        try await orders.submitOrder(draft, idempotencyKey: idempotencyKey, by: caller.actor)
    }

    /// A marketplace push (signed by the channel; no person).
    func submit(_ draft: OrderDraft, from channel: OrderChannel) async throws -> OrderSubmission {
        var draft = draft
        draft.channel = channel
        return try await orders.submitOrder(draft, idempotencyKey: nil, by: Actor(.api, "channel:\(channel.rawValue)"))
    }

    /// A review decision. The route admits every reviewer; the stage the order is in says which of them decides
    /// now. A stage already decided is a stale click (409), whoever sends it.
    func decideReview(
        orderID: ID<Order>, stage: ReviewStage, _ decision: ReviewDecision, reason: String?, approveOverrides: Bool,
        by caller: DocketRequestContext, path: String
    ) async throws -> StoredOrder {
        let order = try await orders.order(id: orderID)
        guard ReviewStage(status: order.status) == stage else {
            throw DocketError.staleStage(number: order.number, stage: stage, now: order.status)
        }
        if !(caller.identity?.roles ?? []).contains(where: { $0.reviews(order.status) }) {
            try await auth.recordDenial(caller.actor, userID: caller.identity?.user.id.rawValue, method: "POST", path: path)
            throw AccessError.forbidden
        }
        return try await orders.decideReview(order, stage: stage, decision, reason: reason, approveOverrides: approveOverrides, by: caller.actor)
    }

    /// Hold, resume or cancel, with the reason the action needs.
    func act(_ action: OrderAction, orderID: ID<Order>, reason: String?, by caller: DocketRequestContext) async throws -> StoredOrder {
        try await orders.transition(orderID: orderID, action, reason: reason, by: caller.actor)
    }

    /// 补充资料: the missing information of a `needs_info` order.
    func completeInfo(orderID: ID<Order>, _ edit: OrderEdit, by caller: DocketRequestContext) async throws -> StoredOrder {
        try await orders.completeOrderInfo(orderID: orderID, edit, by: caller.actor)
    }

    /// A confirmation the customer gave by phone, e-mail, fax or WeChat.
    func recordConfirmation(orderID: ID<Order>, via channel: ConfirmationChannel, note: String?, by caller: DocketRequestContext)
        async throws -> StoredOrder
    {
        try await orders.recordConfirmation(orderID: orderID, via: channel, note: note, by: caller.actor)
    }

    /// 重发确认链接: a new request and link to the customer; earlier links stop working.
    func resendConfirmation(orderID: ID<Order>, by caller: DocketRequestContext) async throws {
        try await orders.resendConfirmation(orderID: orderID, by: caller.actor)
    }

    /// 复制新链接: a link shown once to staff, to pass on by hand.
    func issueConfirmationLink(orderID: ID<Order>, by caller: DocketRequestContext) async throws -> ConfirmationLink {
        try await orders.issueConfirmationLink(orderID: orderID, by: caller.actor)
    }

    /// 申请变更.
    func requestChange(orderID: ID<Order>, _ edit: OrderEdit, message: String?, by caller: DocketRequestContext) async throws -> ChangeRequest {
        try await orders.requestChange(orderID: orderID, edit, message: message, by: caller.actor)
    }

    /// 变更审批.
    func decideChange(requestID: ID<ChangeRequest>, approve: Bool, reason: String?, by caller: DocketRequestContext) async throws -> ChangeRequest {
        try await orders.decideChange(requestID: requestID, approve: approve, reason: reason, by: caller.actor)
    }
}
