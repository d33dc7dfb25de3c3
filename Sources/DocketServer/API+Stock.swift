import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// Locations inside warehouses, stock receipts, stock levels and the stock ledger.
struct StockAPI {
    let stock: StockRepository

    func register(on routes: SecureRoutes) {
        routes.get("/api/v1/warehouses/:id/locations", .staff) { _, context in
            try JSON.response(try await stock.locations(in: try context.id()))
        }
        routes.post("/api/v1/warehouses/:id/locations", .warehousesWrite) { request, context in
            let location = try await JSON.decode(Location.self, from: request, context: context)
            let stored = try await stock.createLocation(location, in: try context.id(), by: context.actor)
            return try JSON.response(stored, status: .created)
        }
        routes.put("/api/v1/warehouses/:id/locations/:location", .warehousesWrite) { request, context in
            let body = Data((try await request.body.collect(upTo: context.maxUploadSize)).readableBytesView)
            let location = try JSON.decode(Location.self, from: body)
            let stored = try await stock.updateLocation(
                try context.id("location"), in: try context.id(), version: try expectedVersion(request, body: body),
                location, by: context.actor)
            return try JSON.response(stored)
        }
        routes.post("/api/v1/stock/receipts", .stockReceive) { request, context in
            let receipt = try await JSON.decode(StockReceipt.self, from: request, context: context)
            return try JSON.response(try await stock.receive(receipt, by: context.actor), status: .created)
        }
        routes.get("/api/v1/stock", .staff) { request, _ in
            try JSON.response(try await stock.stockLots(try stockQuery(request)))
        }
        routes.get("/api/v1/stock/totals", .staff) { request, _ in
            try JSON.response(try await stock.stockTotals(try stockQuery(request)))
        }
        routes.get("/api/v1/stock/lots/:id", .staff) { _, context in
            try JSON.response(try await stock.lot(id: try context.id()))
        }
        routes.post("/api/v1/stock/adjustments", .stockAdjust) { request, context in
            let adjustment = try await JSON.decode(StockAdjustment.self, from: request, context: context)
            return try JSON.response(try await stock.adjust(adjustment, by: context.actor), status: .created)
        }
        routes.post("/api/v1/stock/lots/:id/quarantine", .stockAdjust) { request, context in
            let change = try await JSON.decode(LotQuarantine.self, from: request, context: context)
            return try JSON.response(try await stock.setQuarantine(lotID: try context.id(), change, by: context.actor))
        }
        routes.get("/api/v1/stock/movements", .staff) { request, _ in
            try JSON.response(try await stock.stockMovements(try stockQuery(request)))
        }
    }

    private func stockQuery(_ request: Request) throws -> StockQuery {
        let list = try ListParameters(request)
        let query = request.uri.queryParameters
        return StockQuery(
            sku: query.get("sku"), warehouseCode: query.get("warehouse"), search: list.search,
            limit: query.get("limit") == nil ? 100 : list.limit, offset: list.offset)
    }
}
