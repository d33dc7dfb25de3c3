import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// Transfers (调拨单) and purchase orders (采购单): `GET/POST /api/v1/transfers`, `POST /api/v1/transfers/{id}/ship|receive|cancel`,
/// `GET/POST /api/v1/purchase-orders`, `POST /api/v1/purchase-orders/{id}/receipts|cancel`, `GET /api/v1/purchase-suggestions`.
struct ReplenishmentAPI {
    let store: Store

    /// `{"version"?, "locationCode"?}`: the version as read (a step taken meanwhile is a 409) and, on receipt, where the
    /// goods go.
    struct Step: Decodable {
        var version: Int64?
        var locationCode: String?
    }

    func register(on routes: SecureRoutes) {
        routes.get("/api/v1/transfers", .staff) { request, _ in
            let all = request.uri.queryParameters.get("all") == "true"
            return try JSON.response(try await store.transfers.transfers(open: !all))
        }
        routes.get("/api/v1/transfers/:id", .staff) { _, context in
            try JSON.response(try await store.transfers.transfer(id: try context.id()))
        }
        routes.post("/api/v1/transfers", .transfers) { request, context in
            let body = try await JSON.decode(TransferRequest.self, from: request, context: context)
            return try JSON.response(try await store.transfers.request(body, by: context.actor), status: .created)
        }
        for action in Transfer.Action.allCases {
            routes.post("/api/v1/transfers/:id/\(action.rawValue)", .transfers) { request, context in
                let step = try await JSON.decode(Step.self, from: request, context: context, emptyAllowed: true)
                let id: ID<Transfer> = try context.id()
                let transfers = store.transfers
                let result =
                    switch action {
                    case .ship: try await transfers.ship(id, version: step.version, by: context.actor)
                    case .receive: try await transfers.receive(id, locationCode: step.locationCode, version: step.version, by: context.actor)
                    case .cancel: try await transfers.cancel(id, version: step.version, by: context.actor)
                    }
                return try JSON.response(result)
            }
        }
        routes.get("/api/v1/purchase-orders", .staff) { request, _ in
            let all = request.uri.queryParameters.get("all") == "true"
            return try JSON.response(try await store.purchasing.purchaseOrders(open: !all))
        }
        routes.get("/api/v1/purchase-orders/:id", .staff) { _, context in
            try JSON.response(try await store.purchasing.purchaseOrder(id: try context.id()))
        }
        routes.get("/api/v1/purchase-suggestions", .staff) { _, _ in
            try JSON.response(try await store.purchasing.suggestions())
        }
        routes.post("/api/v1/purchase-orders", .purchasing) { request, context in
            let draft = try await JSON.decode(PurchaseOrderDraft.self, from: request, context: context)
            return try JSON.response(try await store.purchasing.create(draft, by: context.actor), status: .created)
        }
        routes.post("/api/v1/purchase-orders/:id/receipts", .purchaseReceive) { request, context in
            let delivery = try await JSON.decode(PurchaseDelivery.self, from: request, context: context)
            return try JSON.response(try await store.purchasing.receive(try context.id(), delivery, by: context.actor), status: .created)
        }
        routes.post("/api/v1/purchase-orders/:id/cancel", .purchasing) { request, context in
            let step = try await JSON.decode(Step.self, from: request, context: context, emptyAllowed: true)
            return try JSON.response(try await store.purchasing.cancel(try context.id(), version: step.version, by: context.actor))
        }
    }
}
