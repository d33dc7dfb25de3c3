import DocketCore
import DocketServer
import DocketStore
import DocketTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Order reviews, confirmation and changes over HTTP")
struct OrderWorkTests {
    func post(_ client: any TestClientProtocol, _ uri: String, _ json: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: body(json)) { $0 }
    }

    @Test func reviewConfirmChangeAndReviseThroughTheAPI() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let created = try await post(client, "/api/v1/orders", orderJSON)
            let id = try decode(StoredOrder.self, created).id
            // The current stage's findings come with the decisions so far.
            let reviews = try await client.execute(uri: "/api/v1/orders/\(id)/reviews", method: .get) { String(buffer: $0.body) }
            #expect(reviews.contains("\"stage\":\"sales\"") && reviews.contains("creditSummary"))
            #expect(try await post(client, "/api/v1/orders/\(id)/review", #"{"decision":"maybe"}"#).status == .unprocessableContent)
            // A decision names the stage it decides; without one it is refused.
            #expect(try await post(client, "/api/v1/orders/\(id)/review", #"{"decision":"pass","reason":"ok"}"#).status == .unprocessableContent)
            for stage in ["sales", "finance", "inventory", "final"] {
                let response = try await post(
                    client, "/api/v1/orders/\(id)/review", #"{"stage":"\#(stage)","decision":"pass","reason":"ok","approveOverrides":true}"#)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            #expect(try await store.orders.order(id: id).status == .awaitingConfirmation)
            #expect(try await post(client, "/api/v1/orders/\(id)/confirmation", #"{"via":"pigeon"}"#).status == .unprocessableContent)
            let confirmed = try await post(client, "/api/v1/orders/\(id)/confirmation", #"{"via":"phone","note":"王经理确认"}"#)
            #expect(try decode(StoredOrder.self, confirmed).status == .confirmed)

            let bad = try await post(client, "/api/v1/orders/\(id)/changes", #"{"edit":{"lines":[{"sku":"NOPE","quantity":1}]}}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try decode(Problem.self, bad).errors?.map(\.field) == ["lines[0].sku"])
            let requested = try await post(client, "/api/v1/orders/\(id)/changes", #"{"edit":{"lines":[{"sku":"TEA-1","quantity":5}]},"message":"加量"}"#)
            #expect(requested.status == .created)
            let change = try decode(ChangeRequest.self, requested)
            let decided = try await post(client, "/api/v1/change-requests/\(change.id)/decision", #"{"approve":true,"reason":"库存充足以外的情况已知"}"#)
            #expect(try decode(ChangeRequest.self, decided).status == .approved)
            let revisions = try await client.execute(uri: "/api/v1/orders/\(id)/revisions", method: .get) { try decode([OrderRevisionRecord].self, $0) }
            #expect(revisions.map(\.revision) == [2])
            #expect(revisions[0].diff.contains(RevisionChange(field: "lines[TEA-1].quantity", before: "2", after: "5")))
        }
    }

    @Test func orderListFiltersAreCheckedAndApplied() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            _ = try await post(client, "/api/v1/orders", orderJSON)
            _ = try await post(client, "/api/v1/orders", orderJSON.replacingOccurrences(of: "\"phone\"", with: "\"fax\""))
            func total(_ query: String) async throws -> Int {
                try await client.execute(uri: "/api/v1/orders?\(query)", method: .get) { try decode(Page<StoredOrder>.self, $0).total }
            }
            #expect(try await total("channel=fax") == 1)
            #expect(try await total("stage=review&customer=C100") == 2)
            #expect(try await total("stage=closed") == 0)
            #expect(try await total("from=2026-11-22&to=2026-11-22") == 2, "the manual clock's day, in China time")
            #expect(try await total("from=2026-11-23") == 0)
            for query in ["status=confirmed&stage=review", "from=22-11-2026", "channel=telegram", "type=XL"] {
                try await client.execute(uri: "/api/v1/orders?\(query)", method: .get) { response throws in
                    #expect(response.status == .unprocessableContent, "\(query)")
                }
            }
            let page = try await client.execute(uri: "/orders?channel=fax", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("SO-20261122-000002") && !page.contains("SO-20261122-000001"))
            // The pager keeps the filters.
            let first = try await client.execute(uri: "/orders?stage=review&limit=1", method: .get) { String(buffer: $0.body) }
            #expect(first.contains("href=\"/orders?offset=1&amp;stage=review&amp;limit=1\""))
        }
    }

    @Test func theCustomersConfirmationPage() async throws {
        try await withApp(authenticated: false) { client, store in
            try await OrdersAPITests().setup(store)
            let order = try await store.orders.submitOrder(
                try JSONDecoder().decode(OrderDraft.self, from: Data(orderJSON.utf8)), idempotencyKey: nil, by: .cli()).order
            while try await store.orders.order(id: order.id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            }
            let link = try await store.orders.issueConfirmationLink(orderID: order.id, by: .cli()).path
            try await client.execute(uri: "/confirm/not-a-real-token-at-all-123", method: .get) { #expect($0.status == .notFound) }
            let page = try await client.execute(uri: link, method: .get) { String(buffer: $0.body) }
            #expect(page.contains(order.number) && page.contains("id=\"confirm-order\""))
            // A form posted from another site is refused; from our own page it confirms.
            try await client.execute(uri: link, method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example"], body: ByteBuffer(string: "op=confirm")) {
                #expect($0.status == .forbidden)
            }
            let done = try await client.execute(uri: link, method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "op=confirm&requirements=%E4%B8%8A%E5%8D%88%E9%80%81")) {
                String(buffer: $0.body)
            }
            #expect(done.contains("id=\"confirm-done\""))
            #expect(try await store.orders.order(id: order.id).status == .confirmed)
            #expect(try await store.orders.order(id: order.id).customerRequirements == "上午送")
            let again = try await client.execute(uri: link, method: .get) { String(buffer: $0.body) }
            #expect(again.contains("id=\"confirm-closed\"") && !again.contains("id=\"confirm-order\""))
            #expect(again.contains("此链接已失效（订单状态：已确认）"), "closed, and why, in words")
        }
    }
}

@Suite("Timer worker")
struct TimerWorkerTests {
    @Test func theWorkerRunsDueTimersUntilCancelled() async throws {
        let clock = ManualClock()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-timers-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await Store.withOpened(.sqlite(path: path), clock: clock, logger: testLogger) { store in
            // The worker starts before the schema exists and waits for it, as on a node starting up.
            let worker = Task { try await TimerWorker(store: store, intervalSeconds: 1, logger: testLogger).run() }
            defer { worker.cancel() }
            try await store.migrate()
            try await OrdersAPITests().setup(store)
            let order = try await store.orders.submitOrder(
                try JSONDecoder().decode(OrderDraft.self, from: Data(orderJSON.utf8)), idempotencyKey: nil, by: .cli()).order
            while try await store.orders.order(id: order.id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            }
            clock.advance(milliseconds: 25 * 3_600_000)
            var status = try await store.orders.order(id: order.id).status
            for _ in 0..<300 where status != .suspended {  // up to 30 s on a loaded machine
                try await Task.sleep(for: .milliseconds(100))
                status = try await store.orders.order(id: order.id).status
            }
            #expect(status == .suspended)
            // The reservation's expiry went with the stock the suspension gave back.
            #expect(try await store.timers.list(orderID: order.id).map(\.outcome) == [.cancelled, .suspended, .reminded])
        }
    }
}

@Suite("Order forms")
struct OrderFormTests {
    @Test func completeInformationThenRequestAndApproveAChangeThroughThePages() async throws {
        try await withApp(authenticated: false) { client, store in
            try await OrdersAPITests().setup(store)
            _ = try await store.auth.addUser(User(username: "desk.li", displayName: "李娜", roles: [.orderDesk, .sales]), password: "password-long-1", by: .cli())
            let cookie = "\(sessionCookieName)=\(try #require(try await signIn(client, "desk.li", "password-long-1")))"
            let incomplete = #"{"channel":"fax","customerCode":"C100","lines":[{"sku":"TEA-1","quantity":0}]}"#
            let order = try await store.orders.submitOrder(try JSONDecoder().decode(OrderDraft.self, from: Data(incomplete.utf8)), idempotencyKey: nil, by: .cli()).order
            #expect(order.status == .needsInfo)
            func post(_ path: String, _ fields: String) async throws -> TestResponse {
                let page = try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
                let csrf = try #require(csrfToken(in: page))
                return try await client.execute(uri: path, method: .post,
                    headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "_csrf=\(csrf)&" + fields)) { $0 }
            }
            // A quantity that is still not a number is shown next to its line, and nothing moves.
            let still = try await post("/orders/\(order.id)/complete", "customerCode=C100&sku=TEA-1&quantity=x&price=")
            #expect(still.status == .unprocessableContent)
            #expect(String(buffer: still.body).contains("应为整数"))
            let completed = try await post("/orders/\(order.id)/complete", "customerCode=C100&sku=TEA-1&quantity=2&price=")
            #expect(completed.status == .seeOther)
            #expect(try await store.orders.order(id: order.id).status == .reviewSales)
            // A change requested on the grid waits for approval, then makes revision 2.
            let changed = try await post("/orders/\(order.id)/change", "customerCode=C100&sku=TEA-1&quantity=6&price=268.00&message=%E5%8A%A0%E9%87%8F")
            #expect(changed.status == .seeOther)
            let change = try #require(try await store.orders.changeRequests(orderID: order.id).first)
            #expect(change.edit.lines?.first?.quantity == 6 && change.message == "加量")
            let page = try await client.execute(uri: "/orders/\(order.id)", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(page.contains("id=\"approve-change-\(change.id)\""))
            let csrf = try #require(csrfToken(in: page))
            try await client.execute(uri: "/change-requests/\(change.id)/decision", method: .post,
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)&approve=yes&reason=ok")) { #expect($0.status == .seeOther) }
            let revised = try await store.orders.order(id: order.id)
            #expect(revised.revision == 2 && revised.lines.first?.quantity == 6)
            let after = try await client.execute(uri: "/orders/\(order.id)", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(after.contains("id=\"revisions\"") && after.contains("TEA-1 数量") && !after.contains("lines["))
        }
    }
}
