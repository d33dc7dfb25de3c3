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

/// 客户自助查询 over HTTP, without signing in: the link in a real e-mail opens the order's page; the lookup by number
/// and phone refuses a wrong phone like an unknown number and is throttled; a reported problem is an exception staff
/// see in their queue.
@Suite("Customer self-service over HTTP", .serialized)
struct SelfServiceHTTPTests {
    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .get, headers: [.acceptLanguage: "zh-CN"]) { ($0.status, String(buffer: $0.body)) }
    }

    func post(_ client: any TestClientProtocol, _ uri: String, _ form: String) async throws -> (HTTPResponse.Status, String, String?) {
        try await client.execute(
            uri: uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: "zh-CN"],
            body: ByteBuffer(string: form)
        ) { ($0.status, String(buffer: $0.body), $0.headers[.location]) }
    }

    @Test func theLinkInTheConfirmationMailOpensTheOrdersPageAndAProblemCanBeReported() async throws {
        let sink = try await SMTPSink.start()
        defer { Task { await sink.stop() } }
        try await withApp { client, store in
            try await NotificationDeliveryTests().setup(store, email: "buyer@example.cn")
            let order = try await client.execute(uri: "/api/v1/orders", method: .post, body: ByteBuffer(string: orderJSON)) { try decode(StoredOrder.self, $0) }
            while try await store.orders.order(id: order.id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            }
            _ = try await store.orders.recordConfirmation(orderID: order.id, via: .phone, note: nil, by: .cli())
            let relay = OutboxRelay(store: store, notifier: NotificationDeliveryTests().notifier(sink), intervalSeconds: 1, logger: testLogger)
            _ = try await relay.deliverDue()
            let confirmed = try #require(sink.received.first { $0.text.contains("感谢您确认订单") })
            let text = confirmed.text
            let start = try #require(text.range(of: "https://orders.example.cn/track/"))
            let path = "/track/" + text[start.upperBound...].prefix { !$0.isWhitespace }
            #expect(!(try await store.engine.read(Statement("SELECT body FROM deliveries")).contains { (try? $0.text("body"))?.contains(path) == true }),
                "the stored text holds no usable link")

            // Signed out: the link is the key.
            let anonymous = AnonymousClient(inner: client)
            var page = try await get(anonymous, path)
            #expect(page.0 == .ok && page.1.contains(order.number) && page.1.contains("已确认，正在备货") && page.1.contains("龙井"), "\(page.1)")
            #expect(!page.1.contains("退出") && !page.1.contains("管理员"), "no back office on the customer's page")
            for leak in ["ui.", "order.status.", "confirmed<", "review_", "user:"] { #expect(!page.1.contains(leak), "\(leak)") }
            page = try await get(anonymous, path + "?lang=en")
            #expect(page.1.contains("Confirmed, being prepared") && page.1.contains(#"lang="en""#))

            var answer = try await post(anonymous, path + "/report?lang=zh-CN", "kind=damaged&description=")
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#"id="report-description-error""#))
            answer = try await post(anonymous, path + "/report?lang=zh-CN", "kind=damaged&description=%E5%A4%96%E7%AE%B1%E5%8E%8B%E5%9D%8F&contact=13900001111")
            #expect(answer.0 == .seeOther && answer.2 == path + "?lang=zh-CN&done=reported")
            page = try await get(anonymous, answer.2!)
            #expect(page.1.contains("问题已提交") && page.1.contains("\(order.number)-E1") && page.1.contains("破损"))
            #expect(try await post(anonymous, "/track/nope/report", "kind=lost&description=x").0 == .notFound)
            page = try await get(anonymous, "/track/nope")
            #expect(page.0 == .notFound && page.1.contains("查询链接已失效"))

            // Staff see it in the exceptions queue.
            let queue = try await client.execute(uri: "/exceptions", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(queue.0 == .ok && queue.1.contains("\(order.number)-E1") && queue.1.contains("外箱压坏") && queue.1.contains("高") && queue.1.contains("客户"))
        }
    }

    @Test func theLookupRefusesAWrongPhoneLikeAnUnknownNumberAndIsThrottled() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let order = try await client.execute(uri: "/api/v1/orders", method: .post, body: ByteBuffer(string: orderJSON)) { try decode(StoredOrder.self, $0) }
            let anonymous = AnonymousClient(inner: client)
            let page = try await get(anonymous, "/track")
            #expect(page.0 == .ok && page.1.contains(#"id="track-form""#) && page.1.contains("订单号"))
            var answer = try await post(anonymous, "/track", "number=&phone=")
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#"class="invalid""#))
            let wrongPhone = try await post(anonymous, "/track", "number=\(order.number)&phone=13800000000")
            let unknown = try await post(anonymous, "/track", "number=SO-19990101-000009&phone=13900001111")
            #expect(wrongPhone.0 == .notFound && unknown.0 == .notFound)
            #expect(wrongPhone.1.contains("订单号或手机号不正确") && unknown.1.contains("订单号或手机号不正确"), "the same answer: numbers cannot be probed")
            // C100's contact phone is 139 0000 1111.
            answer = try await post(anonymous, "/track", "number=\(order.number)&phone=139%200000%201111")
            #expect(answer.0 == .seeOther && answer.2?.hasPrefix("/track/") == true)
            let shown = try await get(anonymous, answer.2!)
            #expect(shown.0 == .ok && shown.1.contains("订单已收到，正在处理"))
            for _ in 0..<4 { _ = try await post(anonymous, "/track", "number=\(order.number)&phone=13800000000") }
            answer = try await post(anonymous, "/track", "number=\(order.number)&phone=13900001111")
            #expect(answer.0 == .tooManyRequests && answer.1.contains("尝试次数过多"))
        }
    }
}

extension SelfServiceHTTPTests {
    /// The customer's pages switch language by `?lang=`, as their 中文 · English links do — the confirmation page too.
    @Test func aCustomersPageIsAskedForInALanguage() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let order = try await client.execute(uri: "/api/v1/orders", method: .post, body: ByteBuffer(string: orderJSON)) { try decode(StoredOrder.self, $0) }
            while try await store.orders.order(id: order.id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            }
            let link = try await store.orders.issueConfirmationLink(orderID: order.id, by: .cli())
            let anonymous = AnonymousClient(inner: client)
            #expect(try await get(anonymous, link.path).1.contains(#"<html lang="zh-CN">"#))
            #expect(try await get(anonymous, link.path + "?lang=en").1.contains(#"<html lang="en">"#))
            #expect(try await get(anonymous, "/track?lang=en").1.contains("Track your order"))
            #expect(try await get(anonymous, "/login?lang=en").1.contains(#"<html lang="en">"#))
        }
    }
}

/// The test client without the admin's cookie or token: a customer's browser.
struct AnonymousClient: TestClientProtocol {
    let inner: any TestClientProtocol

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        let base = (inner as? AuthedClient)?.inner ?? inner
        return try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    var port: Int? { inner.port }
}
