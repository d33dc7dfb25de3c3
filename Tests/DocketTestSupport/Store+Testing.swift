import DocketCore
import DocketStore

extension Store {
    /// Decides the stage the order is in now: tests walk orders through the stages. (Real decisions always name
    /// their stage, so a double-click cannot pass two.)
    public func decideCurrentStage(
        orderID: ID<Order>, _ decision: ReviewDecision, reason: String?, approveOverrides: Bool = false, by actor: Actor
    ) async throws -> StoredOrder {
        let order = try await orders.order(id: orderID)
        return try await orders.decideReview(
            order, stage: ReviewStage(status: order.status) ?? .sales, decision, reason: reason, approveOverrides: approveOverrides, by: actor)
    }
}
