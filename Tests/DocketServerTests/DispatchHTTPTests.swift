import DocketCore
import DocketStore
import DocketTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import DocketServer

/// Issue 12 over HTTP: packing, the carrier choice with its explanation, the handover, tracking from staff and from a
/// carrier's signed webhook, sign-off with a refusal and its proof of delivery, and the case it opens.
@Suite("Dispatch over HTTP")
struct DispatchHTTPTests {
    @Test func aShipmentGoesFromPackingToSignOffThroughTheAPI() async throws {
        try await withApp { client, store in
            _ = try await AllocationHTTPTests().setup(store, received: 5)
            for carrier in testCarriers { _ = try await store.carriers.create(carrier, by: .cli()) }
            let keeper = try await AllocationHTTPTests().token(store, "keeper", [.warehouse])
            let desk = try await AllocationHTTPTests().token(store, "desk", [.orderDesk])
            func call(_ method: HTTPRequest.Method, _ uri: String, _ bearer: String? = nil, body: String = "", type: String = "application/json",
                headers extra: HTTPFields = [:], language: String = "zh-CN") async throws -> (HTTPResponse.Status, String)
            {
                var headers: HTTPFields = [.contentType: type, .acceptLanguage: language]
                if let bearer { headers[.authorization] = "Bearer " + bearer }
                for field in extra { headers.append(field) }
                return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            // An order confirmed and released: one shipment, picked.
            let id = try await client.execute(uri: "/api/v1/orders", method: .post, body: ByteBuffer(string: orderJSON)) { try decode(StoredOrder.self, $0).id }
            while try await store.orders.order(id: id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            }
            _ = try await store.orders.recordConfirmation(orderID: id, via: .phone, note: nil, by: .cli())
            _ = try await store.orders.releaseToWarehouse(orderID: id, by: .cli())
            var shipment = try #require(try await store.shipments.shipments(orderID: id).first)
            shipment = try await store.shipments.confirmPick(
                shipment.id, picked: shipment.lines.map { PickedQuantity(lineID: $0.line.lineID, lotID: $0.line.lotID, quantity: $0.line.quantity) },
                by: .cli())
            let base = "/api/v1/shipments/\(shipment.id)"

            // Packing as suggested (the suggestion is readable first); the order desk may not pack.
            let suggested = try await call(.get, base + "/packing", keeper)
            #expect(suggested.0 == .ok && suggested.1.contains(#""packages":[{"#), "\(suggested.1)")
            #expect(try await call(.post, base + "/pack", desk).0 == .forbidden)
            var answer = try await call(.post, base + "/pack", keeper)
            #expect(answer.0 == .ok && answer.1.contains(#""status":"packed""#) && answer.1.contains("已包装"), "\(answer.1)")

            // The carrier choice in words; another option needs a reason, named as a field in Chinese.
            answer = try await call(.get, base + "/carrier", keeper)
            #expect(answer.0 == .ok && answer.1.contains(#""verdict":"chosen""#) && answer.1.contains("选用"), "\(answer.1)")
            let options = try #require((try JSONSerialization.jsonObject(with: Data(answer.1.utf8)) as? [String: Any])?["options"] as? [[String: Any]])
            let loser = try #require(options.first { $0["verdict"] as? String != "chosen" }?["carrierCode"] as? String)
            answer = try await call(.post, base + "/carrier", keeper, body: #"{"carrierCode":"\#(loser)"}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains("请填写原因"), "\(answer.1)")
            answer = try await call(.post, base + "/carrier", keeper, body: #"{"carrierCode":"\#(loser)","reason":"客户指定"}"#)
            #expect(answer.0 == .ok && answer.1.contains(#""overrideReason":"客户指定""#), "\(answer.1)")

            // The handover: a bad tracking number is a 422 on that field; then shipped.
            answer = try await call(.post, base + "/ship", keeper, body: #"{"trackingNumber":"单号?"}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains("运单号"), "\(answer.1)")
            answer = try await call(.post, base + "/ship", keeper, body: #"{"trackingNumber":"T-100"}"#)
            #expect(answer.0 == .ok && answer.1.contains(#""status":"shipped""#) && answer.1.contains(#""eta":"#), "\(answer.1)")
            #expect(try await store.orders.order(id: id).status == .shipped)

            // A staff event, then the carrier's signed webhook: duplicated, with a bad signature refused.
            answer = try await call(.post, base + "/events", keeper, body: #"{"kind":"picked_up","location":"上海"}"#)
            #expect(answer.0 == .created && answer.1.contains("已揽收"), "\(answer.1)")
            let secret = try await store.shipments.rotateCarrierSecret(loser, by: .cli())
            let push = #"{"events":[{"eventId":"ev-1","trackingNumber":"T-100","kind":"exception","occurredAt":"\#(store.clock.now().iso8601)","note":"破损"},{"eventId":"ev-1","trackingNumber":"T-100","kind":"exception","occurredAt":"\#(store.clock.now().iso8601)"},{"eventId":"ev-2","trackingNumber":"NOPE","kind":"in_transit","occurredAt":"\#(store.clock.now().iso8601)"}]}"#
            let signed: HTTPFields = [HTTPField.Name("X-Docket-Signature")!: "sha256=" + hmacHexForTest(secret: secret, body: push)]
            answer = try await call(.post, "/api/v1/carriers/\(loser)/events", body: push, headers: [HTTPField.Name("X-Docket-Signature")!: "sha256=00"])
            #expect(answer.0 == .unauthorized)
            // One event dated years back refuses the whole push: the good one before it is not recorded either.
            let stale = #"{"events":[{"eventId":"ev-0","trackingNumber":"T-100","kind":"in_transit","occurredAt":"\#(store.clock.now().iso8601)"},{"eventId":"ev-9","trackingNumber":"T-100","kind":"in_transit","occurredAt":"2020-01-01T00:00:00Z"}]}"#
            answer = try await call(.post, "/api/v1/carriers/\(loser)/events", body: stale,
                headers: [HTTPField.Name("X-Docket-Signature")!: "sha256=" + hmacHexForTest(secret: secret, body: stale)])
            #expect(answer.0 == .unprocessableContent && answer.1.contains("events[1].occurredAt"), "\(answer.1)")
            #expect(try await store.shipments.shipment(id: shipment.id).events.map(\.key).allSatisfy { $0.hasPrefix("staff-") })
            answer = try await call(.post, "/api/v1/carriers/\(loser)/events", body: push, headers: signed)
            #expect(answer.0 == .ok, "\(answer.1)")
            #expect(answer.1.contains(#"{"eventId":"ev-1","outcome":"recorded"},{"eventId":"ev-1","outcome":"duplicate"},{"eventId":"ev-2","outcome":"unknownShipment"}"#), "\(answer.1)")
            answer = try await call(.post, "/api/v1/carriers/\(loser)/events", body: push, headers: signed)
            #expect(answer.1.contains(#"{"eventId":"ev-1","outcome":"duplicate"}"#), "a retried push changes nothing")
            #expect(try await store.shipments.shipment(id: shipment.id).status == .exception)

            // Sign-off with the one line partly refused; the proof of delivery uploaded and read back.
            let lineID = shipment.lines[0].line.lineID
            answer = try await call(.post, base + "/delivery", keeper, body: #"{"signer":"张三","refusals":[{"lineId":\#(lineID),"quantity":9,"reason":"damaged"}]}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#""field":"refusals[0].quantity""#) && answer.1.contains("应在 1 到 2 之间"), "\(answer.1)")
            answer = try await call(.post, base + "/delivery", keeper, body: #"{"signer":"张三","refusals":[{"lineId":\#(lineID),"quantity":1,"reason":"damaged"}]}"#)
            #expect(answer.0 == .ok && answer.1.contains(#""status":"delivered""#) && answer.1.contains(#""signer":"张三""#), "\(answer.1)")
            #expect(try await call(.put, base + "/proof?name=scan.pdf", keeper, body: "%PDF-1.4", type: "text/html").0 == .unprocessableContent)
            answer = try await call(.put, base + "/proof?name=scan.pdf", keeper, body: "%PDF-1.4 test", type: "application/pdf")
            #expect(answer.0 == .ok && answer.1.contains(#""fileName":"scan.pdf""#), "\(answer.1)")
            answer = try await call(.get, base + "/proof", keeper)
            #expect(answer.0 == .ok && answer.1 == "%PDF-1.4 test")

            // The case the refusal opened: the order waits for it; settled, the order completes.
            #expect(try await store.orders.order(id: id).status == .delivered)
            answer = try await call(.get, "/api/v1/orders/\(id)/cases", keeper)
            #expect(answer.0 == .ok && answer.1.contains("破损") && answer.1.contains("处理中"), "\(answer.1)")
            let caseID = try #require((try JSONSerialization.jsonObject(with: Data(answer.1.utf8)) as? [[String: Any]])?.first?["id"] as? Int)
            #expect(try await call(.post, "/api/v1/cases/\(caseID)/return", keeper).0 == .ok)
            #expect(try await call(.post, "/api/v1/cases/\(caseID)/close", desk, body: #"{"resolution":"refund"}"#).0 == .forbidden)
            answer = try await call(.post, "/api/v1/cases/\(caseID)/close", keeper, body: #"{"resolution":"refund","note":"退一件"}"#)
            #expect(answer.0 == .ok && answer.1.contains("已结案") && answer.1.contains("退款"), "\(answer.1)")
            #expect(try await store.orders.order(id: id).status == .completed)
        }
    }

    /// A short pick leaves the order owing: the API reads it, the order page shows it with its buttons, and the
    /// order desk closes it with a reason (a warehouse keeper may not; no reason is a field problem in Chinese).
    @Test func aBackorderIsReadShownAndClosed() async throws {
        try await withApp { client, store in
            _ = try await AllocationHTTPTests().setup(store, received: 2)  // what the order takes: nothing left over
            let keeper = try await AllocationHTTPTests().token(store, "keeper", [.warehouse])
            let desk = try await AllocationHTTPTests().token(store, "desk", [.orderDesk])
            func call(_ method: HTTPRequest.Method, _ uri: String, _ bearer: String? = nil, body: String = "") async throws -> (HTTPResponse.Status, String) {
                var headers: HTTPFields = [.contentType: "application/json", .acceptLanguage: "zh-CN"]
                if let bearer { headers[.authorization] = "Bearer " + bearer }
                return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) { ($0.status, String(buffer: $0.body)) }
            }
            let id = try await client.execute(uri: "/api/v1/orders", method: .post, body: ByteBuffer(string: orderJSON)) { try decode(StoredOrder.self, $0).id }
            while try await store.orders.order(id: id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            }
            _ = try await store.orders.recordConfirmation(orderID: id, via: .phone, note: nil, by: .cli())
            _ = try await store.orders.releaseToWarehouse(orderID: id, by: .cli())
            let shipment = try #require(try await store.shipments.shipments(orderID: id).first)
            let line = shipment.lines[0].line
            _ = try await store.shipments.confirmPick(
                shipment.id, picked: [PickedQuantity(lineID: line.lineID, lotID: line.lotID, quantity: line.quantity - 1)], by: .cli())

            var answer = try await call(.get, "/api/v1/orders/\(id)/backorders", keeper)
            #expect(answer.0 == .ok && answer.1.contains(#""owed":1"#) && answer.1.contains(#""atWarehouses":true"#), "\(answer.1)")
            let page = try await client.execute(uri: Route.order(id).path, method: .get) { String(buffer: $0.body) }
            #expect(page.contains(#"id="order-backorders""#) && page.contains("取消欠货") && page.contains("立即补发"))
            // Nothing free: serving answers no shipment (200, not 201).
            answer = try await call(.post, "/api/v1/orders/\(id)/backorders/serve", keeper)
            #expect(answer.0 == .ok && answer.1.contains(#""shipments":[]"#), "\(answer.1)")
            let close = #"{"lineId":\#(line.lineID.rawValue),"reason":"客户不再需要"}"#
            #expect(try await call(.post, "/api/v1/orders/\(id)/backorders/close", keeper, body: close).0 == .forbidden)
            answer = try await call(.post, "/api/v1/orders/\(id)/backorders/close", desk, body: #"{"lineId":\#(line.lineID.rawValue)}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains("reason") && answer.1.contains("必填"), "\(answer.1)")
            answer = try await call(.post, "/api/v1/orders/\(id)/backorders/close", desk, body: close)
            #expect(answer.0 == .ok && answer.1.contains(#""owed":0"#) && answer.1.contains(#""closed":1"#), "\(answer.1)")
            answer = try await call(.post, "/api/v1/orders/\(id)/backorders/close", desk, body: close)
            #expect(answer.0 == .conflict && answer.1.contains("没有欠货"), "\(answer.1)")
            let after = try await client.execute(uri: Route.order(id).path, method: .get) { String(buffer: $0.body) }
            #expect(!after.contains(#"id="order-backorders""#))
        }
    }
}
