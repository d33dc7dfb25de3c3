import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import DocketServer

/// Issue 9, part 7: one route enum builds the router's patterns and the pages' links.
@Suite("Routes and links")
struct RouteTests {
    @Test func aLinkAndItsPatternComeFromTheSameCase() {
        #expect(Route.order(.parameter).path == "/orders/:id")
        #expect(Route.order(42).path == "/orders/42")
        #expect(Route.orderAction(.parameter, .hold).path == "/orders/:id/hold")
        #expect(Route.record(.reviewRules, Route.parameter).path == "/review-rules/:id")
        #expect(Route.record(.customers, ID<Customer>(7)).with([("credit", "1")]) == "/customers/7?credit=1")
        #expect(Route.orders.with([("customer", "恒通 & 子"), ("q", "")]) == "/orders?customer=%E6%81%92%E9%80%9A%20%26%20%E5%AD%90")
        #expect(Route.confirm(token: Route.tokenParameter).path == "/confirm/:token")
    }

    /// Every page a link can lead to answers: the links the pages build are the routes the router knows.
    @Test func everyLinkTheRouteEnumBuildsIsServed() async throws {
        try await withApp { client, store in
            #expect(try await store.loadDemo())
            let order = try #require(try await store.orders.list(limit: 1).items.first)
            let customer = try #require(try await store.customers.list(ListQuery(limit: 1)).items.first)
            let warehouse = try #require(try await store.warehouses.list(ListQuery(limit: 1)).items.first)
            let user = try #require(try await store.auth.users().first)
            var links: [Route] = [
                .home, .orders, .orderNew, .orderImport, .orderImportTemplate, .order(order.id), .stock, .stockReceive,
                .warehouseLocations(warehouse.id), .users, .userNew, .user(user.id), .tokens, .stylesheet, .gridScript, .entryScript,
                .record(.customers, customer.id), .stockTotals, .stockMovements,
            ]
            if let lot = try await store.stock.stockLots(StockQuery(limit: 1)).items.first { links.append(.stockLot(lot.id)) }
            // The demo's shipments stand at every step: each one's page and documents (customs is for cross-border only).
            let shipments = try await store.shipments.queue(ShipmentStatus.allCases)
            #expect(shipments.count >= 4)
            links += [.shipping, .cases, .printScript, .pickList, .board, .penalties, .notifications, .webhooks]
            for shipment in shipments {
                links.append(.shipment(shipment.id))
                links += ShippingDocument.available(crossBorder: false).map { .shipmentDocument(shipment.id, $0) }
            }
            links += Route.RecordKind.allCases.flatMap { [Route.records($0), .recordNew($0)] }
            // An exception with a claim and its document: its page, the document, and raising one on the order.
            let raised = try await store.exceptions.raise(ExceptionDraft(kind: .lost, description: "丢件"), orderID: order.id, by: .cli())
            let claim = try await store.exceptions.fileClaim(raised.id, ClaimDraft(party: .carrier, amount: Money(minor: 100)), by: .cli())
            let filed = try await store.exceptions.attach(
                ClaimDocument(fileName: "a.png", contentType: "image/png", bytes: [0x89, 0x50]), toClaim: claim.id, by: .cli())
            links += [.exceptions, .exception(raised.id), .claimDocument(filed.documents[0].id), .orderException(order.id)]
            for route in links {
                let status = try await client.execute(uri: route.path, method: .get) { $0.status }
                #expect(status == .ok, "\(route.path)")
            }
        }
    }
}
