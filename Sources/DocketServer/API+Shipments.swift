import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// Shipments (发货单): `GET /api/v1/orders/{id}/shipments`, `POST /api/v1/shipments/{id}/pick`.
struct ShipmentsAPI {
    let store: Store

    /// A shipment as the API shows it: its status as data and in words, its pick list in walking order.
    struct Body: Encodable {
        struct Line: Encodable {
            var lineId: ID<OrderLine>
            var sku: String
            var lotId: ID<StockLot>
            var lot: String
            var location: String
            var expiry: CalendarDate?
            var quantity: Int64
            var picked: Int64?
        }
        var id: ID<Shipment>
        var number: String
        var orderId: ID<Order>
        var warehouse: String
        var status: String
        var statusText: String
        var version: Int64
        var lines: [Line]

        init(_ shipment: StoredShipment, language: Language) {
            id = shipment.id
            number = shipment.number
            orderId = shipment.orderID
            warehouse = shipment.warehouse
            status = shipment.status.rawValue
            statusText = Message("shipment.status.\(shipment.status.rawValue)").text(language)
            version = shipment.version
            lines = shipment.lines.map {
                Line(lineId: $0.line.lineID, sku: $0.line.sku, lotId: $0.line.lotID, lot: $0.line.lot, location: $0.line.location,
                    expiry: $0.line.expiry, quantity: $0.line.quantity, picked: $0.picked)
            }
        }
    }

    /// `{"version"?, "picked":[{"lineId","lotId","quantity"}]}`: what the picker found for every line of the list.
    struct Pick: Decodable {
        var version: Int64?
        var picked: [PickedQuantity]
    }

    func register(on routes: SecureRoutes) {
        routes.get("/api/v1/orders/:id/shipments", .staff) { _, context in
            let shipments = try await store.shipments.shipments(orderID: try context.orderID())
            return try JSON.response(shipments.map { Body($0, language: context.language) })
        }
        routes.post("/api/v1/shipments/:id/pick", .allocation) { request, context in
            let body = try await JSON.decode(Pick.self, from: request, context: context)
            let shipment = try await store.shipments.confirmPick(try context.id(), picked: body.picked, version: body.version, by: context.actor)
            return try JSON.response(Body(shipment, language: context.language))
        }
    }
}
