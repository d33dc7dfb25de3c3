import Crypto
import DocketCore
import DocketServer
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

let orderJSON = #"{"channel":"phone","customerCode":"C100","lines":[{"sku":"TEA-1","quantity":2}]}"#

@Suite("Orders API")
struct OrdersAPITests {
    func setup(_ store: Store) async throws {
        _ = try await store.customers.create(try JSONDecoder().decode(Customer.self, from: Data(customerJSON.utf8)), by: .cli())
        _ = try await store.products.create(Product(sku: "TEA-1", nameZh: "龙井", listPrice: Money(minor: 26_800)), by: .cli())
    }

    @Test func intakeIsIdempotent() async throws {
        try await withApp { client, store in
            try await setup(store)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "phone-0001"]
            let first = try await client.execute(uri: "/api/v1/orders", method: .post, headers: key, body: body(orderJSON)) { response throws in
                #expect(response.status == .created)
                let order = try decode(StoredOrder.self, response)
                #expect(order.status == .reviewSales && order.total == Money(minor: 53_600))
                return order.id
            }
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: key, body: body(orderJSON)) { response throws in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                #expect(try decode(StoredOrder.self, response).id == first)
            }
            let changed = orderJSON.replacingOccurrences(of: "\"quantity\":2", with: "\"quantity\":3")
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: key, body: body(changed)) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try decode(Problem.self, response).errors?.first?.field == "Idempotency-Key")
            }
            // an incomplete order is accepted and kept, with what is missing
            let incomplete = #"{"channel":"fax","customerCode":"C100","lines":[{"sku":"TEA-1","quantity":0}]}"#
            try await client.execute(uri: "/api/v1/orders", method: .post, body: body(incomplete)) { response throws in
                #expect(response.status == .created)
                let order = try decode(StoredOrder.self, response)
                #expect(order.status == .needsInfo && order.problems.map(\.field) == ["lines[0].quantity"])
            }
            try await client.execute(uri: "/api/v1/orders?status=needs_info", method: .get) { response throws in
                #expect(try decode(Page<StoredOrder>.self, response).total == 1)
            }
        }
    }

    @Test func reviewsBelongToTheirStageAndIllegalStepsAreRefused() async throws {
        try await withApp(authenticated: false) { client, store in
            try await setup(store)
            var tokens: [Role: HTTPFields] = [:]
            for role in [Role.orderDesk, .sales, .finance] {
                let user = try await store.auth.addUser(User(username: "u.\(role.rawValue)", displayName: role.rawValue, roles: [role]), password: "password-long-1", by: .cli())
                tokens[role] = [.authorization: "Bearer " + (try await store.auth.createAPIToken(for: user.id, name: "t", by: .cli()).token)]
            }
            let id = try await client.execute(uri: "/api/v1/orders", method: .post, headers: tokens[.orderDesk]!, body: body(orderJSON)) { response throws in
                try decode(StoredOrder.self, response).id
            }
            // finance cannot decide the sales review
            try await client.execute(uri: "/api/v1/orders/\(id)/review", method: .post, headers: tokens[.finance]!, body: body(#"{"stage":"sales","decision":"pass"}"#)) { response throws in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/orders/\(id)/review", method: .post, headers: tokens[.sales]!, body: body(#"{"stage":"sales","decision":"pass"}"#)) { response throws in
                #expect(try decode(StoredOrder.self, response).status == .reviewFinance)
            }
            try await client.execute(uri: "/api/v1/orders/\(id)/review", method: .post, headers: tokens[.finance]!, body: body(#"{"stage":"finance","decision":"reject"}"#)) { response throws in
                #expect(response.status == .unprocessableContent, "a rejection needs a reason")
            }
            // hold, then an illegal resume-twice
            try await client.execute(uri: "/api/v1/orders/\(id)/hold", method: .post, headers: tokens[.orderDesk]!, body: body(#"{"reason":"等客户预付款"}"#)) { response throws in
                #expect(try decode(StoredOrder.self, response).status == .onHold)
            }
            try await client.execute(uri: "/api/v1/orders/\(id)/resume", method: .post, headers: tokens[.orderDesk]!) { response throws in
                #expect(try decode(StoredOrder.self, response).status == .reviewFinance)
            }
            try await client.execute(uri: "/api/v1/orders/\(id)/resume", method: .post, headers: tokens[.orderDesk]!) { response throws in
                #expect(response.status == .conflict)
                let problem = try decode(Problem.self, response)
                #expect(problem.type == "/problems/illegal-transition")
                #expect(problem.detail?.contains("财务审核") == true)
            }
            try await client.execute(uri: "/api/v1/orders/\(id)/timeline", method: .get, headers: tokens[.sales]!) { response throws in
                let events = try decode([OrderEvent].self, response)
                #expect(events.map(\.action) == ["received", "accept", "pass", "hold", "resume"])
                #expect(events[2].actor == "api:u.sales")
            }
        }
    }
}

@Suite("Channel intake")
struct ChannelIntakeTests {
    @Test func signedPushesCreateOnceAndBadSignaturesAreRefused() async throws {
        try await withApp(authenticated: false) { client, store in
            try await OrdersAPITests().setup(store)
            let secret = try await store.auth.rotateChannelSecret(.taobao, by: .cli())
            let push = #"{"externalRef":"TB-20261122-001","customerCode":"C100","lines":[{"sku":"TEA-1","quantity":1}]}"#
            func signature(_ text: String, _ key: String = secret) -> HTTPFields {
                [HTTPField.Name("X-Docket-Signature")!: "sha256=" + hmacHexForTest(secret: key, body: text)]
            }
            let id = try await client.execute(uri: "/api/v1/channels/taobao/orders", method: .post, headers: signature(push), body: body(push)) { response throws in
                #expect(response.status == .created)
                let order = try decode(StoredOrder.self, response)
                #expect(order.channel == .taobao && order.externalRef == "TB-20261122-001")
                return order.id
            }
            // pushed again: recognised, not created twice
            try await client.execute(uri: "/api/v1/channels/taobao/orders", method: .post, headers: signature(push), body: body(push)) { response throws in
                #expect(response.status == .ok)
                #expect(try decode(StoredOrder.self, response).id == id)
            }
            // wrong key, tampered body, no signature, a channel without a secret, an unknown channel
            try await client.execute(uri: "/api/v1/channels/taobao/orders", method: .post, headers: signature(push, "wrong"), body: body(push)) {
                #expect($0.status == .unauthorized)
            }
            let tampered = push.replacingOccurrences(of: "\"quantity\":1", with: "\"quantity\":100")
            try await client.execute(uri: "/api/v1/channels/taobao/orders", method: .post, headers: signature(push), body: body(tampered)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/channels/taobao/orders", method: .post, body: body(push)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/channels/jd/orders", method: .post, headers: signature(push), body: body(push)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/channels/phone/orders", method: .post, headers: signature(push), body: body(push)) {
                #expect($0.status == .notFound)
            }
            #expect(try await store.orders.list().total == 1)
        }
    }
}

/// Computes the signature as a connector would, independently of the server's helper.
func hmacHexForTest(secret: String, body: String) -> String {
    HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        .map { String(format: "%02x", $0) }.joined()
}

@Suite("Order pages")
struct OrderPageTests {
    /// The order list sorts by a column header and offers page sizes; an unknown sort is a field error.
    @Test func theOrderListSortsAndPages() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            for _ in 0..<3 {
                _ = try await store.orders.submitOrder(
                    try JSONDecoder().decode(OrderDraft.self, from: Data(orderJSON.utf8)), idempotencyKey: nil, by: .cli())
            }
            let page = try await client.execute(uri: "/orders?sort=-total&limit=2", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("id=\"sort-total\"") && page.contains(" ▼"))
            #expect(page.contains("sort=total"), "a second click turns the order round")
            #expect(page.contains("class=\"page-current\">1<") && page.contains("class=\"page\">2<"))
            #expect(page.contains("class=\"page-size\">50<"))
            try await client.execute(uri: "/api/v1/orders?sort=colour", method: .get) { #expect($0.status == .unprocessableContent) }
        }
    }

    /// Someone who may look at a record but not change it sees no Save button; someone who may, does.
    @Test func noSaveButtonForThoseWhoMayNotSave() async throws {
        try await withApp(authenticated: false) { client, store in
            try await OrdersAPITests().setup(store)
            for (name, role) in [("wh.zhao", Role.warehouse), ("desk.li", .orderDesk)] {
                _ = try await store.auth.addUser(User(username: name, displayName: name, roles: [role]), password: "password-long-1", by: .cli())
            }
            let customer = try await store.customers.get(key: "C100")
            let order = try await store.orders.submitOrder(
                try JSONDecoder().decode(OrderDraft.self, from: Data(orderJSON.utf8)), idempotencyKey: nil, by: .cli()).order
            for (name, canSave) in [("wh.zhao", false), ("desk.li", true)] {
                let cookie = "\(sessionCookieName)=\(try #require(try await signIn(client, name, "password-long-1")))"
                let page = try await client.execute(uri: "/customers/\(customer.id)", method: .get, headers: [.cookie: cookie]) {
                    String(buffer: $0.body)
                }
                #expect(page.contains("杭州佳和商贸有限公司"))
                #expect(page.contains("id=\"save\"") == canSave, "\(name)")
                #expect(page.contains("id=\"read-only\"") == !canSave, "\(name)")
                // The customer page: balance, credit used, latest orders (the order in review counts towards the balance).
                #expect(page.contains("id=\"open-balance\"") && page.contains(order.total.formatted))
                #expect(page.contains("href=\"/orders/\(order.id)\"") && page.contains("/orders?customer=C100"))
            }
        }
    }

    @Test func queuesDetailAndReviewThroughThePages() async throws {
        try await withApp(authenticated: false) { client, store in
            try await OrdersAPITests().setup(store)
            let order = try await store.orders.submitOrder(
                try JSONDecoder().decode(OrderDraft.self, from: Data(orderJSON.utf8)), idempotencyKey: nil, by: .cli()).order
            for (name, display, role) in [("sales.li", "李明（销售）", Role.sales), ("fin.wang", "王芳（财务）", .finance)] {
                _ = try await store.auth.addUser(User(username: name, displayName: display, roles: [role]), password: "password-long-1", by: .cli())
            }
            let sales = "\(sessionCookieName)=\(try #require(try await signIn(client, "sales.li", "password-long-1")))"
            let finance = "\(sessionCookieName)=\(try #require(try await signIn(client, "fin.wang", "password-long-1")))"
            // the sales queue lists the order; the finance queue does not (yet)
            let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: sales]) { String(buffer: $0.body) }
            #expect(home.contains(order.number))
            #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: finance]) { String(buffer: $0.body) }.contains(order.number) == false)
            // only the stage's role gets the review buttons
            let page = try await client.execute(uri: "/orders/\(order.id)", method: .get, headers: [.cookie: sales]) { String(buffer: $0.body) }
            #expect(page.contains("id=\"review-pass\"") && page.contains("初审"))
            let financePage = try await client.execute(uri: "/orders/\(order.id)", method: .get, headers: [.cookie: finance]) { String(buffer: $0.body) }
            #expect(!financePage.contains("id=\"review-pass\""))
            // finance posting the form anyway is refused; sales passes it
            let form = "_csrf=\(try #require(csrfToken(in: financePage)))&stage=sales&decision=pass"
            try await client.execute(uri: "/orders/\(order.id)/review", method: .post,
                headers: [.cookie: finance, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)) {
                #expect($0.status == .forbidden)
            }
            let salesForm = "_csrf=\(try #require(csrfToken(in: page)))&stage=sales&decision=pass"
            try await client.execute(uri: "/orders/\(order.id)/review", method: .post,
                headers: [.cookie: sales, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: salesForm)) {
                #expect($0.status == .seeOther)
                #expect($0.headers[.location] == "/orders/\(order.id)?done=reviewed&stage=sales")
            }
            // Feedback after the decision, and the next order waiting in the same stage.
            let waiting = try await store.orders.submitOrder(
                try JSONDecoder().decode(OrderDraft.self, from: Data(orderJSON.utf8)), idempotencyKey: nil, by: .cli()).order
            let feedback = try await client.execute(
                uri: "/orders/\(order.id)?done=reviewed&stage=sales", method: .get, headers: [.cookie: sales]) { String(buffer: $0.body) }
            #expect(feedback.contains("id=\"order-done\"") && feedback.contains("审核决定已保存，订单现在：财务审核。"))
            #expect(feedback.contains("href=\"/orders/\(waiting.id)\"") && feedback.contains("下一单：\(waiting.number)"))
            let plain = try await client.execute(uri: "/orders/\(order.id)?done=<b>x</b>", method: .get, headers: [.cookie: sales]) {
                String(buffer: $0.body)
            }
            #expect(!plain.contains("id=\"order-done\""), "only known feedback is shown")
            let after = try await client.execute(uri: "/orders/\(order.id)", method: .get, headers: [.cookie: finance]) { String(buffer: $0.body) }
            #expect(after.contains("data-status=\"review_finance\""))
            // People by name, never by code: who decided is 李明（销售）, the customer is named in the header.
            #expect(after.contains("审核通过") && after.contains("李明（销售）") && !after.contains("user:"))
            #expect(after.contains("杭州佳和商贸有限公司（C100）"))
        }
    }
}
