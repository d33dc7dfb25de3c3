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

/// Issue 10: the allocation over HTTP (the plan and why, planning again by hand) and on the order page.
@Suite("Allocation over HTTP and on the order page")
struct AllocationHTTPTests {
    func token(_ store: Store, _ username: String, _ roles: [Role]) async throws -> String {
        let user = try await store.auth.addUser(User(username: username, displayName: username, roles: roles), password: "password-long-1", by: .cli())
        return try await store.auth.createAPIToken(for: user.id, name: username, by: .cli()).token
    }

    /// The customer and product of the order tests, a Shanghai warehouse with one location, and `received` of TEA-1 there.
    func setup(_ store: Store, received: Int64) async throws -> StockLot {
        try await OrdersAPITests().setup(store)
        let warehouse = try await store.warehouses.create(
            Warehouse(
                code: "WH-SH", name: "上海仓",
                address: Address(province: "上海市", city: "上海市", district: "嘉定区", street: "嘉松北路 1 号", latitude: 31.38, longitude: 121.25),
                region: "华东"), by: .cli())
        _ = try await store.stock.createLocation(Location(code: "A-01"), in: warehouse.id, by: .cli())
        return try await store.stock.receive(StockReceipt(sku: "TEA-1", warehouseCode: "WH-SH", locationCode: "A-01", quantity: received), by: .cli()).lot
    }

    @Test func thePlanSaysWhyAndTheWarehouseAllocatesAgain() async throws {
        try await withApp { client, store in
            _ = try await setup(store, received: 1)
            let desk = try await token(store, "desk", [.orderDesk])
            let keeper = try await token(store, "keeper", [.warehouse])
            func call(_ method: HTTPRequest.Method, _ uri: String, _ bearer: String? = nil, language: String = "zh-CN", body: String = "{}")
                async throws -> (HTTPResponse.Status, String)
            {
                var headers: HTTPFields = [.contentType: "application/json", .acceptLanguage: language]
                if let bearer { headers[.authorization] = "Bearer " + bearer }
                return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: method == .post ? body : "")) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            let id = try await client.execute(uri: "/api/v1/orders", method: .post, body: body(orderJSON)) { try decode(StoredOrder.self, $0).id }
            // Not planned before the inventory review, and not to be planned by hand either.
            var answer = try await call(.get, "/api/v1/orders/\(id)/allocation")
            #expect(answer.0 == .ok && answer.1.contains(#""planned":false"#) && answer.1.contains(#""status":"none""#))
            #expect(try await call(.post, "/api/v1/orders/\(id)/allocate", keeper).0 == .conflict)
            _ = try await store.decideCurrentStage(orderID: id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            while try await store.orders.order(id: id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: id, .pass, reason: "库存不足，已知", approveOverrides: true, by: .cli())
            }
            answer = try await call(.get, "/api/v1/orders/\(id)/allocation")
            #expect(answer.0 == .ok)
            let plan = try JSONSerialization.jsonObject(with: Data(answer.1.utf8)) as? [String: Any]
            #expect(plan?["status"] as? String == "partial" && plan?["firm"] as? Bool == false)
            let line = (plan?["lines"] as? [[String: Any]])?.first
            #expect(line?["allocated"] as? Int == 1 && line?["short"] as? Int == 1 && line?["lineId"] != nil)
            let picks = line?["picks"] as? [[String: Any]]
            #expect(picks?.first?["warehouse"] as? String == "WH-SH" && picks?.first?["location"] as? String == "A-01")
            let notes = (line?["explanation"] as? [[String: Any]])?.compactMap { $0["text"] as? String } ?? []
            #expect(notes.contains("WH-SH：发出 1") && notes.contains("WH-SH：取 1") && notes.contains("缺货 1，到货后按优先级自动分配"), "\(notes)")
            let english = try await call(.get, "/api/v1/orders/\(id)/allocation", language: "en")
            #expect(english.1.contains("1 short; allocated by priority when stock arrives"))
            // The shortage workbench lists the line with the ways to cover it.
            let shortages = try await call(.get, "/api/v1/shortages")
            #expect(shortages.0 == .ok && shortages.1.contains(#""short":1"#) && shortages.1.contains("安排生产 1") && shortages.1.contains("取消该行缺货的 1"), "\(shortages.1)")
            let workbench = try await client.execute(uri: "/stock/shortages", method: .get) { String(buffer: $0.body) }
            #expect(workbench.contains(#"id="shortages""#) && workbench.contains("先发已分配的 1，其余作为欠货"))
            // The ledger names the order a reservation was made for, by its number, linked.
            let number = try await store.orders.order(id: id).number
            let ledger = try await client.execute(uri: "/stock/movements", method: .get) { String(buffer: $0.body) }
            #expect(ledger.contains(#"<a href="/orders/\#(id)">\#(number)</a>"#), "\(ledger)")
            // Choosing a way: no other warehouse has it, so no transfer; cancelling the missing one is a change request.
            let lineID = try #require(line?["lineId"] as? Int)
            var decision = try await call(.post, "/api/v1/shortages/decision", body: #"{"orderId":\#(id),"lineId":\#(lineID),"option":"transfer"}"#)
            #expect(decision.0 == .unprocessableContent && decision.1.contains("option"))
            decision = try await call(
                .post, "/api/v1/shortages/decision", body: #"{"orderId":\#(id),"lineId":\#(lineID),"option":"cancelLine","reason":"客户同意少发"}"#)
            #expect(decision.0 == .created, "\(decision.1)")
            struct Started: Decodable { var option: String; var changeRequest: ChangeRequest }
            let started = try JSONDecoder().decode(Started.self, from: Data(decision.1.utf8))
            let change = started.changeRequest
            #expect(started.option == "cancelLine")
            #expect(change.edit.lines?.map(\.quantity) == [1] && change.edit.lines?.first?.lineID?.rawValue == Int64(lineID))
            #expect(change.message == "取消该行缺货的 1：客户同意少发")
            // Stock arrives; the order desk may not allocate, the warehouse may.
            _ = try await store.stock.receive(StockReceipt(sku: "TEA-1", warehouseCode: "WH-SH", locationCode: "A-01", quantity: 5), by: .cli())
            #expect(try await call(.post, "/api/v1/orders/\(id)/allocate", desk).0 == .forbidden)
            answer = try await call(.post, "/api/v1/orders/\(id)/allocate", keeper)
            #expect(answer.0 == .ok && answer.1.contains(#""status":"full""#), "\(answer.1)")
            // The order page shows where each line comes from and why, warehouses by name.
            let page = try await client.execute(uri: "/orders/\(id)", method: .get) { String(buffer: $0.body) }
            #expect(page.contains(#"id="allocation-panel" data-status="full""#))
            #expect(page.contains("上海仓（WH-SH）") && page.contains("为什么这样分配") && page.contains("临时预留（客户确认前）"))
            #expect(page.contains(#"id="reallocate""#), "the admin may allocate again")
            #expect(!page.contains(#"id="release-to-warehouse""#), "not before the customer confirms")
            // Confirmed and fully allocated: the warehouse releases it for picking.
            #expect(try await call(.post, "/api/v1/orders/\(id)/confirmation", body: #"{"via":"phone"}"#).0 == .ok)
            let confirmedPage = try await client.execute(uri: "/orders/\(id)", method: .get) { String(buffer: $0.body) }
            #expect(confirmedPage.contains(#"id="release-to-warehouse""#) && confirmedPage.contains("正式预留"))
            #expect(try await call(.post, "/api/v1/orders/\(id)/release", desk).0 == .forbidden)
            let released = try await call(.post, "/api/v1/orders/\(id)/release", keeper)
            #expect(released.0 == .ok && released.1.contains(#""status":"allocated""#), "\(released.1)")
            #expect(try await call(.post, "/api/v1/orders/\(id)/release", keeper).0 == .conflict, "once")
            // Released: its shipment's pick list, then the picker's counts.
            let listed = try await call(.get, "/api/v1/orders/\(id)/shipments", keeper)
            #expect(listed.0 == .ok && listed.1.contains(#""status":"to_pick""#) && listed.1.contains("待拣货"), "\(listed.1)")
            let shipments = try #require(try JSONSerialization.jsonObject(with: Data(listed.1.utf8)) as? [[String: Any]])
            let shipment = try #require(shipments.first)
            let shipmentID = try #require(shipment["id"] as? Int)
            let lines = try #require(shipment["lines"] as? [[String: Any]])
            let counts = lines.map { #"{"lineId":\#($0["lineId"] as! Int),"lotId":\#($0["lotId"] as! Int),"quantity":\#($0["quantity"] as! Int)}"# }
            let pick = #"{"picked":["# + counts.joined(separator: ",") + "]}"
            #expect(try await call(.post, "/api/v1/shipments/\(shipmentID)/pick", desk, body: pick).0 == .forbidden)
            let nothing = try await call(.post, "/api/v1/shipments/\(shipmentID)/pick", keeper, body: #"{"picked":[]}"#)
            #expect(nothing.0 == .unprocessableContent && nothing.1.contains("picked["), "\(nothing.1)")
            let picked = try await call(.post, "/api/v1/shipments/\(shipmentID)/pick", keeper, body: pick)
            #expect(picked.0 == .ok && picked.1.contains(#""status":"picked""#), "\(picked.1)")
            let again = try await call(.post, "/api/v1/shipments/\(shipmentID)/pick", keeper, body: pick)
            #expect(again.0 == .conflict && again.1.contains("当前状态不能进行这一步"), "\(again.1)")
        }
    }

    @Test func theWarehouseAdjustsAndQuarantinesALotOnItsPage() async throws {
        try await withApp(authenticated: false) { client, store in
            let lot = try await setup(store, received: 10)
            for (username, roles) in [("keeper", [Role.warehouse]), ("desk", [Role.orderDesk])] {
                _ = try await store.auth.addUser(User(username: username, displayName: username == "keeper" ? "陈强" : "李娜", roles: roles), password: "password-long-1", by: .cli())
            }
            func session(_ username: String) async throws -> (cookie: String, csrf: String) {
                let cookie = "\(sessionCookieName)=\(try #require(try await signIn(client, username, "password-long-1")))"
                let html = try await client.execute(uri: "/stock/lots/\(lot.id)", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
                return (cookie, try #require(csrfToken(in: html)))
            }
            let desk = try await session("desk")
            let deskPage = try await client.execute(uri: "/stock/lots/\(lot.id)", method: .get, headers: [.cookie: desk.cookie]) { String(buffer: $0.body) }
            #expect(deskPage.contains(#"id="lot-facts""#) && !deskPage.contains(#"id="adjust-form""#), "others see the lot, not the forms")
            let keeper = try await session("keeper")
            func post(_ path: String, _ body: String) async throws -> (HTTPResponse.Status, String, String?) {
                try await client.execute(
                    uri: path, method: .post, headers: [.cookie: keeper.cookie, .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "_csrf=\(keeper.csrf)&" + body)
                ) { ($0.status, String(buffer: $0.body), $0.headers[.location]) }
            }
            var answer = try await post("/stock/lots/\(lot.id)/adjust", "quantity=-2&reason=")
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#"id="adjust-reason-error""#) && answer.1.contains(#"value="-2""#))
            answer = try await post("/stock/lots/\(lot.id)/adjust", "quantity=abc&reason=x")
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#"id="adjust-quantity-error""#))
            answer = try await post("/stock/lots/\(lot.id)/adjust", "quantity=-2&reason=%E7%9B%98%E4%BA%8F")
            #expect(answer.0 == .seeOther && answer.2 == "/stock/lots/\(lot.id)?done=adjusted")
            #expect(try await store.stock.lot(id: lot.id).onHand == 8)
            answer = try await post("/stock/lots/\(lot.id)/quarantine", "quarantined=on&quarantineReason=%E5%BE%85%E6%A3%80")
            let frozen = try await store.stock.lot(id: lot.id)
            #expect(answer.0 == .seeOther && frozen.quarantined)
            let page = try await client.execute(uri: "/stock/lots/\(lot.id)?done=quarantine", method: .get, headers: [.cookie: keeper.cookie]) {
                String(buffer: $0.body)
            }
            #expect(page.contains(#"id="lot-quarantined""#) && page.contains("批次状态已更新。") && page.contains("解冻批次"))
            // The ledger in words: the adjustment by 陈强 with its reason, the receipt before it.
            let ledger = try await client.execute(uri: "/stock/movements", method: .get, headers: [.cookie: keeper.cookie]) { String(buffer: $0.body) }
            #expect(ledger.contains("库存调整") && ledger.contains("<td>陈强</td>") && ledger.contains("盘亏") && ledger.contains("入库"), "\(ledger)")
            #expect(ledger.contains(#"id="tabs""#))
            let totals = try await client.execute(uri: "/stock/totals?q=TEA", method: .get, headers: [.cookie: keeper.cookie]) { String(buffer: $0.body) }
            #expect(totals.contains("TEA-1") && totals.contains("龙井"))
        }
    }
}
