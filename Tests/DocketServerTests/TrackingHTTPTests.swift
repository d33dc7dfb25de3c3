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

/// Issue 13 over HTTP: the kanban board and its overdue list, the month's penalties and their exemption from the page,
/// dead letters sent again from the notifications page, and webhook subscriptions kept in the back office.
@Suite("Tracking pages over HTTP")
struct TrackingHTTPTests {
    func call(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ bearer: String? = nil, body: String = "",
        type: String = "application/json", session: HTTPFields = [:]
    ) async throws -> (HTTPResponse.Status, String, String?) {
        var headers: HTTPFields = [.contentType: type, .acceptLanguage: "zh-CN"]
        if let bearer { headers[.authorization] = "Bearer " + bearer }
        for field in session { headers[field.name] = field.value }
        return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) {
            ($0.status, String(buffer: $0.body), $0.headers[.location])
        }
    }

    /// What a zh-CN page must never show: catalogue keys, raw codes, `user:` ids.
    func readable(_ html: String) {
        for leak in ["ui.", "order.status.", "order.type.", "user:", "notice.", "{{", ">on_track", ">late<", ">RUSH<"] {
            #expect(!html.contains(leak) || leak == "ui." && !html.contains(">ui."), "the page shows \(leak)")
        }
    }

    @Test func aLateRushOrderIsRedOnTheBoardAndItsPenaltyIsExemptedFromThePage() async throws {
        let clock = ManualClock()
        try await withApp(clock: clock) { client, store in
            _ = try await AllocationHTTPTests().setup(store, received: 5)
            let desk = try await AllocationHTTPTests().token(store, "desk", [.orderDesk])
            let rush = #"{"channel":"phone","customerCode":"C100","type":"RUSH","lines":[{"sku":"TEA-1","quantity":2}]}"#
            let order = try await client.execute(uri: "/api/v1/orders", method: .post, body: ByteBuffer(string: rush)) { try decode(StoredOrder.self, $0) }
            while try await store.orders.order(id: order.id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            }
            _ = try await store.orders.recordConfirmation(orderID: order.id, via: .phone, note: nil, by: .cli())
            _ = try await store.orders.releaseToWarehouse(orderID: order.id, by: .cli())

            var page = try await call(client, .get, "/board")
            #expect(page.0 == .ok && page.1.contains(#"data-order="\#(order.number)""#) && page.1.contains("备货 / 生产"), "\(page.1)")
            #expect(page.1.contains(#"data-standing="on_track""#) && page.1.contains("剩 8 天") && page.1.contains("没有逾期订单"))
            #expect(page.1.contains(#"http-equiv="refresh""#), "the board refreshes by itself")
            readable(page.1)

            // Eight days on (signed in again): red, on the overdue list, and the window's end records the penalty.
            clock.advance(days: 8)
            let cookie = "\(sessionCookieName)=\(try #require(try await signIn(client, "admin", "admin-password-1")))"
            let tokenPage = try await client.execute(uri: "/board", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            let session: HTTPFields = [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: try #require(csrfToken(in: tokenPage))]
            #expect(try await store.timers.runDueTimers(owner: "test").contains(.penalized))
            page = try await call(client, .get, "/board?warehouse=WH-SH&type=RUSH&customer=C100", session: session)
            #expect(page.0 == .ok && page.1.contains(#"data-standing="late""#) && page.1.contains("逾期 1 天"))
            #expect(page.1.contains(#"id="overdue-list""#) && page.1.contains("杭州佳和商贸有限公司"))
            readable(page.1)
            page = try await call(client, .get, "/board?type=STOCK", session: session)
            #expect(!page.1.contains(#"data-order="\#(order.number)""#), "filtered out")
            let board = try await call(client, .get, "/api/v1/board?type=RUSH", desk)
            #expect(board.0 == .ok && board.1.contains(#""standing":"late""#) && board.1.contains(#""overdueCount":1"#), "\(board.1)")
            #expect(try await call(client, .get, "/api/v1/board?type=FAST", desk).0 == .unprocessableContent)

            let penalty = try #require(try await store.serviceLevels.penalties(orderID: order.id).first)
            page = try await call(client, .get, "/penalties?month=\(penalty.month)", session: session)
            #expect(page.0 == .ok && page.1.contains(order.number) && page.1.contains("应罚") && page.1.contains(penalty.amount.formatted))
            #expect(page.1.contains("TEA-1 逾期 2/2") && page.1.contains(#"class="exempt-form""#))
            readable(page.1)
            #expect(try await call(client, .get, "/api/v1/penalties?month=2026-1", desk).0 == .unprocessableContent)
            #expect(try await call(client, .post, "/api/v1/penalties/\(penalty.id)/exempt", desk, body: #"{"note":"x"}"#).0 == .forbidden)

            let form = "application/x-www-form-urlencoded"
            var answer = try await call(client, .post, "/penalties/\(penalty.id)/exempt", body: "version=\(penalty.version)&month=\(penalty.month)&note=", type: form, session: session)
            #expect(answer.0 == .unprocessableContent && answer.1.contains(#"role="alert""#) && answer.1.contains("情况说明"), "\(answer.1)")
            answer = try await call(
                client, .post, "/penalties/\(penalty.id)/exempt", body: "version=\(penalty.version)&month=\(penalty.month)&note=%E5%AE%A2%E6%88%B7%E6%94%B9%E7%BA%A6",
                type: form, session: session)
            #expect(answer.0 == .seeOther && answer.2 == "/penalties?month=\(penalty.month)&done=exempt")
            page = try await call(client, .get, answer.2!, session: session)
            #expect(page.1.contains("已免于处罚") && page.1.contains("已免除") && page.1.contains("客户改约") && page.1.contains("管理员"))
            answer = try await call(client, .post, "/penalties/\(penalty.id)/exempt", body: "version=\(penalty.version)&note=again", type: form, session: session)
            #expect(answer.0 == .conflict && answer.1.contains("已被他人处理"), "a stale page is told")
            let api = try await call(client, .get, "/api/v1/penalties?month=\(penalty.month)", desk)
            #expect(api.0 == .ok && api.1.contains(#""status":"exempt""#) && api.1.contains(#""exemption":"explained""#), "\(api.1)")
        }
    }

    @Test func aDeadLetterIsSentAgainFromTheNotificationsPage() async throws {
        let clock = ManualClock()
        try await withApp(clock: clock) { client, store in
            try await OrdersAPITests().setup(store)
            let form = "application/x-www-form-urlencoded"
            // A subscription made on the page, to a receiver that is not there; a bad address is refused in words.
            var answer = try await call(client, .post, "/webhooks", body: "name=ERP&url=ftp%3A%2F%2Fx&topics=order.acknowledged&active=1", type: form)
            #expect(answer.0 == .unprocessableContent && answer.1.contains("应为以 http:// 或 https:// 开头的网址"), "\(answer.1)")
            answer = try await call(client, .post, "/webhooks", body: "name=ERP&url=http%3A%2F%2F127.0.0.1%3A9%2Fhooks&topics=order.acknowledged&active=1", type: form)
            #expect(answer.0 == .seeOther && answer.2 == "/webhooks?done=saved")
            let subscription = try #require(try await store.deliveries.subscriptions().first)
            #expect(subscription.draft.topics == ["order.acknowledged"] && subscription.draft.active)
            var page = try await call(client, .get, "/webhooks?done=saved")
            #expect(page.1.contains("订阅已保存") && page.1.contains("订单已收到") && page.1.contains("http://127.0.0.1:9/hooks"))
            readable(page.1)

            try await client.execute(uri: "/api/v1/orders", method: .post, body: ByteBuffer(string: orderJSON)) { #expect($0.status == .created) }
            let notifier = Notifier(smtp: nil, sms: LoggingSMSProvider(logger: testLogger), publicURL: "https://orders.example.cn", logger: testLogger)
            let relay = OutboxRelay(store: store, notifier: notifier, policy: DeliveryPolicy(maxAttempts: 1), intervalSeconds: 1, logger: testLogger)
            let round = try await relay.deliverDue()
            #expect(round.sent == 1 && round.dead == 1, "the SMS goes; the webhook is dead after its only attempt")
            let dead = try #require(try await store.deliveries.list(status: .dead).first)

            page = try await call(client, .get, "/notifications")
            #expect(page.0 == .ok && page.1.contains(#"data-delivery="\#(dead.id)""#) && page.1.contains("重新发送") && page.1.contains("ERP"))
            #expect(page.1.contains("发送失败") && page.1.contains("订单已收到"))
            #expect(page.1.contains("无法连接接收方") && dead.lastError?.hasPrefix("unreachable: ") == true, "the failure in words, the detail kept: \(dead.lastError ?? "")")
            readable(page.1)
            answer = try await call(client, .post, "/notifications/\(dead.id)/redeliver", type: form)
            #expect(answer.0 == .seeOther && answer.2 == "/notifications?status=pending&done=redeliver")
            #expect(try await store.deliveries.delivery(id: dead.id).status == .pending)
            page = try await call(client, .get, answer.2!)
            #expect(page.1.contains("已重新排队发送") && page.1.contains(#"data-delivery="\#(dead.id)""#))
            answer = try await call(client, .post, "/notifications/\(dead.id)/redeliver", type: form)
            #expect(answer.0 == .conflict && answer.1.contains(#"id="delivery-error""#), "only a dead letter is sent again")

            // The subscription's own page: its secret, replaced on request; a stale version is refused.
            page = try await call(client, .get, "/webhooks/\(subscription.id)")
            #expect(page.0 == .ok && page.1.contains(subscription.secret) && page.1.contains(#"id="rotate-secret""#))
            answer = try await call(client, .post, "/webhooks/\(subscription.id)/rotate-secret", body: "version=\(subscription.version)", type: form)
            #expect(answer.0 == .seeOther && answer.2 == "/webhooks?done=rotated")
            let rotated = try await store.deliveries.subscription(id: subscription.id)
            #expect(rotated.secret != subscription.secret && rotated.secret.hasPrefix("whsec_"))
            answer = try await call(
                client, .post, "/webhooks/\(subscription.id)", body: "version=\(subscription.version)&name=ERP&url=http%3A%2F%2F127.0.0.1%3A9%2Fh", type: form)
            #expect(answer.0 == .conflict, "\(answer.0)")
            answer = try await call(
                client, .post, "/webhooks/\(subscription.id)", body: "version=\(rotated.version)&name=ERP&url=http%3A%2F%2F127.0.0.1%3A9%2Fh", type: form)
            #expect(answer.0 == .seeOther)
            let saved = try await store.deliveries.subscription(id: subscription.id)
            #expect(saved.draft.url == "http://127.0.0.1:9/h" && saved.draft.topics.isEmpty && !saved.draft.active, "unticked: every topic, switched off")
        }
    }

    @Test func thePagesAreForTheirRoles() async throws {
        try await withApp(authenticated: false) { client, store in
            for (username, roles) in [("picker", [Role.warehouse]), ("service", [Role.customerService])] {
                _ = try await store.auth.addUser(User(username: username, displayName: username, roles: roles), password: "password-long-1", by: .cli())
            }
            for (username, allowed) in [("picker", ["/board": true, "/penalties": true, "/notifications": false, "/webhooks": false]),
                                         ("service", ["/board": true, "/notifications": true, "/webhooks": false])] {
                let cookie = "\(sessionCookieName)=\(try #require(try await signIn(client, username, "password-long-1")))"
                for (path, ok) in allowed {
                    let status = try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) { $0.status }
                    #expect(status == (ok ? .ok : .forbidden), "\(username) \(path)")
                }
            }
        }
    }
}
