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

/// Issue 10: the shortage workbench's options carried out over HTTP — a transfer shipped and received, a substitute
/// only with the customer's consent, a purchase order received against — and the pages that show them.
@Suite("Transfers, purchasing and shortage decisions over HTTP")
struct ReplenishmentHTTPTests {
    /// Three warehouses with one TEA-1 each, TEA-2 (its substitute) in Shanghai, supplier S100 for TEA-1, and an
    /// order of 3 × TEA-1 through the reviews: two warehouses allowed, so 2 are allocated and 1 is short.
    func shortOrder(_ store: Store, client: any TestClientProtocol) async throws -> ID<Order> {
        try await OrdersAPITests().setup(store)
        _ = try await store.suppliers.create(Supplier(code: "S100", name: "杭州茶厂", leadTimeDays: 5), by: .cli())
        _ = try await store.products.create(Product(sku: "TEA-2", nameZh: "碧螺春", listPrice: Money(minor: 25_800)), by: .cli())
        var tea = try await store.products.get(key: "TEA-1")
        tea.value.substituteSkus = ["TEA-2"]
        tea.value.defaultSupplierCode = "S100"
        _ = try await store.products.update(id: tea.id, version: tea.version, tea.value, by: .cli())
        let sites = [("WH-SH", "上海仓", "上海市", 31.38, 121.25), ("WH-BJ", "北京仓", "北京市", 39.90, 116.40), ("WH-GZ", "广州仓", "广东省", 23.13, 113.26)]
        for (code, name, province, latitude, longitude) in sites {
            let warehouse = try await store.warehouses.create(
                Warehouse(
                    code: code, name: name, address: Address(province: province, city: province, district: "区", street: "路 1 号", latitude: latitude, longitude: longitude),
                    region: "华东"), by: .cli())
            _ = try await store.stock.createLocation(Location(code: "A-01"), in: warehouse.id, by: .cli())
            _ = try await store.stock.receive(StockReceipt(sku: "TEA-1", warehouseCode: code, locationCode: "A-01", quantity: 1), by: .cli())
        }
        _ = try await store.stock.receive(StockReceipt(sku: "TEA-2", warehouseCode: "WH-SH", locationCode: "A-01", quantity: 5), by: .cli())
        _ = try await store.timers.runDueTimers(owner: "test")
        let json = orderJSON.replacingOccurrences(of: "\"quantity\":2", with: "\"quantity\":3")
        let id = try await client.execute(uri: "/api/v1/orders", method: .post, body: body(json)) { try decode(StoredOrder.self, $0).id }
        while try await store.orders.order(id: id).status.isReview {
            _ = try await store.decideCurrentStage(orderID: id, .pass, reason: "库存不足，已知", approveOverrides: true, by: .cli())
        }
        return id
    }

    @Test func eachOptionIsCarriedOutAndRecorded() async throws {
        try await withApp { client, store in
            let id = try await shortOrder(store, client: client)
            let desk = try await AllocationHTTPTests().token(store, "desk", [.orderDesk])
            func call(_ method: HTTPRequest.Method, _ uri: String, _ bearer: String? = nil, body: String = "") async throws -> (HTTPResponse.Status, String) {
                var headers: HTTPFields = [.contentType: "application/json", .acceptLanguage: "zh-CN"]
                if let bearer { headers[.authorization] = "Bearer " + bearer }
                return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) { ($0.status, String(buffer: $0.body)) }
            }
            let shortages = try JSONSerialization.jsonObject(with: Data(try await call(.get, "/api/v1/shortages").1.utf8)) as? [[String: Any]]
            let line = try #require(shortages?.first)
            #expect(line["short"] as? Int == 1 && line["allocated"] as? Int == 2)
            let lineID = try #require(line["lineId"] as? Int)
            let options = line["options"] as? [[String: Any]] ?? []
            let transfer = try #require(options.first { $0["kind"] as? String == "transfer" })
            let (from, to) = (try #require(transfer["warehouse"] as? String), try #require(transfer["toWarehouse"] as? String))
            #expect(from != to && (transfer["text"] as? String)?.hasPrefix("从 \(from) 调货 1 到 \(to)") == true, "\(transfer)")
            #expect(options.contains { $0["kind"] as? String == "substitute" && $0["sku"] as? String == "TEA-2" && $0["needsConsent"] as? Bool == true })
            let prefix = #"{"orderId":\#(id),"lineId":\#(lineID),"#

            // A substitute only with the customer's consent; it is a change of the order at the agreed price.
            var answer = try await call(.post, "/api/v1/shortages/decision", body: prefix + #""option":"substitute","sku":"TEA-2"}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#""field":"consent""#) && answer.1.contains("须先取得客户同意"), "\(answer.1)")
            answer = try await call(.post, "/api/v1/shortages/decision", body: prefix + #""option":"substitute","sku":"TEA-2","consent":"电话，王经理同意"}"#)
            #expect(answer.0 == .created, "\(answer.1)")
            #expect(answer.1.contains(#""sku":"TEA-2""#) && answer.1.contains("客户同意：电话，王经理同意"))
            // The order desk carries out changes, not transfers.
            #expect(try await call(.post, "/api/v1/shortages/decision", desk, body: prefix + #""option":"transfer"}"#).0 == .forbidden)
            // Two choices are on the line now (the substitute's change request above, and this one will be the second).
            answer = try await call(.post, "/api/v1/shortages/decision", body: prefix + #""option":"transfer","warehouse":"\#(from)","decided":1}"#)
            #expect(answer.0 == .created && answer.1.contains(#""status":"requested""#), "\(answer.1)")
            let again = try await call(.post, "/api/v1/shortages/decision", body: prefix + #""option":"transfer","warehouse":"\#(from)","decided":1}"#)
            #expect(again.0 == .conflict && again.1.contains("已被处理"), "the same choice sent again: \(again.1)")
            let started = try JSONSerialization.jsonObject(with: Data(answer.1.utf8)) as? [String: Any]
            let moved = try #require(started?["transfer"] as? [String: Any])
            let transferID = try #require(moved["id"] as? Int)
            let number = try #require(moved["number"] as? String)
            // Both choices are on the line, newest first, with who chose.
            let after = try await call(.get, "/api/v1/shortages")
            #expect(after.1.contains(#""reference":"\#(number)""#) && after.1.contains(#""decidedBy":"api:admin""#), "\(after.1)")

            // The transfer over its life: shipped once, received at the warehouse that ships the order.
            #expect(try await call(.post, "/api/v1/transfers/\(transferID)/receive").0 == .conflict, "not shipped yet")
            answer = try await call(.post, "/api/v1/transfers/\(transferID)/ship")
            #expect(answer.0 == .ok && answer.1.contains(#""status":"inTransit""#))
            answer = try await call(.post, "/api/v1/transfers/\(transferID)/ship")
            #expect(answer.0 == .conflict && answer.1.contains("已发出在途"), "\(answer.1)")
            let totals = try await call(.get, "/api/v1/stock/totals?q=TEA-1")
            #expect(totals.1.contains(#""inTransit":1"#), "\(totals.1)")
            answer = try await call(.post, "/api/v1/transfers/\(transferID)/receive", body: #"{"locationCode":"A-01"}"#)
            #expect(answer.0 == .ok && answer.1.contains(#""status":"received""#))
            _ = try await store.timers.runDueTimers(owner: "test")
            #expect(try await call(.get, "/api/v1/orders/\(id)/allocation").1.contains(#""status":"full""#))
            #expect(try await call(.get, "/api/v1/shortages").1 == "[]")
            let orderNumber = try await store.orders.order(id: id).number
            let page = try await client.execute(uri: "/stock/transfers", method: .get) { String(buffer: $0.body) }
            #expect(page.contains(number) && page.contains("已收货") && page.contains(#"<a href="/orders/\#(id)">\#(orderNumber)</a>"#), "\(page)")
        }
    }

    @Test func purchaseOrdersAreCheckedPlacedAndReceived() async throws {
        try await withApp { client, store in
            let id = try await shortOrder(store, client: client)
            let keeper = try await AllocationHTTPTests().token(store, "keeper", [.warehouse])
            func call(_ method: HTTPRequest.Method, _ uri: String, _ bearer: String? = nil, body: String = "") async throws -> (HTTPResponse.Status, String) {
                var headers: HTTPFields = [.contentType: "application/json", .acceptLanguage: "zh-CN"]
                if let bearer { headers[.authorization] = "Bearer " + bearer }
                return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) { ($0.status, String(buffer: $0.body)) }
            }
            let suggestions = try await call(.get, "/api/v1/purchase-suggestions")
            #expect(suggestions.0 == .ok && suggestions.1.contains(#""sku":"TEA-1""#) && suggestions.1.contains(#""waiting":1"#), "\(suggestions.1)")
            var answer = try await call(.post, "/api/v1/purchase-orders", body: #"{"lines":[{"sku":"TEA-1","quantity":0}]}"#)
            #expect(answer.0 == .unprocessableContent)
            for field in ["supplierCode", "warehouseCode", "lines[0].quantity"] { #expect(answer.1.contains(#""field":"\#(field)""#), "\(field): \(answer.1)") }
            #expect(try await call(.post, "/api/v1/purchase-orders", keeper, body: #"{}"#).0 == .forbidden, "the warehouse receives, purchasing orders")
            answer = try await call(
                .post, "/api/v1/purchase-orders", body: #"{"supplierCode":"S100","warehouseCode":"WH-SH","lines":[{"sku":"TEA-1","quantity":6}]}"#)
            #expect(answer.0 == .created && answer.1.contains(#""status":"ordered""#), "\(answer.1)")
            let order = try JSONSerialization.jsonObject(with: Data(answer.1.utf8)) as? [String: Any]
            let poID = try #require(order?["id"] as? Int)
            answer = try await call(.post, "/api/v1/purchase-orders/\(poID)/receipts", keeper, body: #"{"lines":[{"sku":"TEA-1","quantity":7}]}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#""field":"lines[0].quantity""#), "\(answer.1)")
            answer = try await call(.post, "/api/v1/purchase-orders/\(poID)/receipts", keeper, body: #"{"lines":[{"sku":"TEA-1","quantity":6}],"version":1}"#)
            #expect(answer.0 == .created && answer.1.contains(#""status":"received""#), "\(answer.1)")
            answer = try await call(.post, "/api/v1/purchase-orders/\(poID)/receipts", keeper, body: #"{"lines":[{"sku":"TEA-1","quantity":1}],"version":1}"#)
            #expect(answer.0 == .unprocessableContent, "a closed order takes no more: \(answer.1)")
            _ = try await store.timers.runDueTimers(owner: "test")
            #expect(try await call(.get, "/api/v1/orders/\(id)/allocation").1.contains(#""status":"full""#))
            let page = try await client.execute(uri: "/purchasing/\(poID)", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("已到货") && page.contains("杭州茶厂（S100）"), "\(page)")
        }
    }
}

/// Production over HTTP: planned, refused before its specification is confirmed, started, reported on, by role.
@Suite("Production over HTTP")
struct ProductionHTTPTests {
    @Test func aProductionOrderIsPlannedConfirmedStartedAndReported() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let warehouse = try await store.warehouses.create(
                Warehouse(code: "WH-SH", name: "上海仓", address: Address(province: "上海市", city: "上海市", district: "嘉定区", street: "路 1 号", latitude: 31.38, longitude: 121.25), region: "华东"),
                by: .cli())
            _ = try await store.stock.createLocation(Location(code: "A-01"), in: warehouse.id, by: .cli())
            let desk = try await AllocationHTTPTests().token(store, "desk", [.orderDesk])
            func call(_ method: HTTPRequest.Method, _ uri: String, _ bearer: String? = nil, body: String = "") async throws -> (HTTPResponse.Status, String) {
                var headers: HTTPFields = [.contentType: "application/json", .acceptLanguage: "zh-CN"]
                if let bearer { headers[.authorization] = "Bearer " + bearer }
                return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) { ($0.status, String(buffer: $0.body)) }
            }
            var answer = try await call(.post, "/api/v1/production-orders", body: #"{"sku":"TEA-1","quantity":0,"milestones":[{"name":""}]}"#)
            #expect(answer.0 == .unprocessableContent)
            for field in ["quantity", "warehouseCode", "dueDate", "milestones[0].name", "milestones[0].due"] {
                #expect(answer.1.contains(#""field":"\#(field)""#), "\(field): \(answer.1)")
            }
            #expect(try await call(.post, "/api/v1/production-orders", desk, body: "{}").0 == .forbidden, "production plans, not the order desk")
            answer = try await call(
                .post, "/api/v1/production-orders",
                body: #"{"sku":"TEA-1","quantity":10,"warehouseCode":"WH-SH","dueDate":"2026-12-20","operations":["炒制","包装"],"specification":"礼盒装"}"#)
            #expect(answer.0 == .created && answer.1.contains(#""status":"awaitingSpec""#), "\(answer.1)")
            let id = try #require((try JSONSerialization.jsonObject(with: Data(answer.1.utf8)) as? [String: Any])?["id"] as? Int)
            answer = try await call(.post, "/api/v1/production-orders/\(id)/start")
            #expect(answer.0 == .conflict && answer.1.contains("还未经客户确认"), "\(answer.1)")
            #expect(try await call(.post, "/api/v1/production-orders/\(id)/confirmSpec", body: "{}").0 == .unprocessableContent, "how the customer confirmed")
            #expect(try await call(.post, "/api/v1/production-orders/\(id)/confirmSpec", body: #"{"confirmation":"微信，李总确认"}"#).0 == .ok)
            #expect(try await call(.post, "/api/v1/production-orders/\(id)/start").1.contains(#""status":"inProgress""#))
            answer = try await call(.post, "/api/v1/production-orders/\(id)/report", body: #"{"produced":4,"operation":"炒制"}"#)
            #expect(answer.0 == .created && answer.1.contains(#""produced":4"#), "\(answer.1)")
            answer = try await call(.post, "/api/v1/production-orders/\(id)/report", body: #"{"produced":7}"#)
            #expect(answer.0 == .unprocessableContent && answer.1.contains("不能超过剩余数量"), "\(answer.1)")
            let detail = try await call(.get, "/api/v1/production-orders/\(id)")
            #expect(detail.1.contains(#""operation":"炒制""#) && detail.1.contains(#""reportedBy":"api:admin""#), "\(detail.1)")
            let totals = try await call(.get, "/api/v1/stock/totals?q=TEA-1")
            #expect(totals.1.contains(#""onHand":4"#), "the output is in stock: \(totals.1)")
            let page = try await client.execute(uri: "/production/\(id)", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("微信，李总确认") && page.contains("4/10") && page.contains(#"id="report-form""#))
        }
    }
}
