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

/// Every answer of these tests must be below 500: a 5xx is always a defect.
private func noServerError(_ response: TestResponse, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status.code < 500, "\(what): \(response.status) \(String(buffer: response.body))", sourceLocation: sourceLocation)
}

private func post(_ client: any TestClientProtocol, _ uri: String, _ json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
    var headers = headers
    headers[.contentType] = "application/json"
    return try await client.execute(uri: uri, method: .post, headers: headers, body: body(json)) { $0 }
}

@Suite("Hardening over HTTP: no 5xx, field errors, 409 and 413")
struct HardeningHTTPTests {
    /// The issue's request: accepted with 201, after which every read of the order answered 500 or trapped.
    @Test func theOverflowingPriceIsAFieldErrorAndOrdersAtTheBoundsStillRead() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let overflowing = try await post(
                client, "/api/v1/orders",
                #"{"customerCode":"C100","lines":[{"sku":"TEA-1","quantity":1,"unitPrice":{"minor":100000000000000000,"currency":"CNY"}}]}"#)
            #expect(overflowing.status == .unprocessableContent)
            let problem = try decode(Problem.self, overflowing)
            #expect(problem.errors?.map(\.field) == ["lines[0].unitPrice"])
            #expect(problem.errors?.first?.message == "金额超出范围，最多 ¥100,000,000.00")
            let usd = try await post(
                client, "/api/v1/orders", #"{"customerCode":"C100","lines":[{"sku":"TEA-1","quantity":1,"unitPrice":{"minor":100,"currency":"USD"}}]}"#)
            #expect(usd.status == .unprocessableContent)
            #expect(try decode(Problem.self, usd).errors?.map(\.code) == ["currencyMismatch"])
            // The largest order allowed, twice: the reviews, the order page and the list all answer.
            let line = #"{"sku":"TEA-1","quantity":10,"unitPrice":{"minor":10000000000,"currency":"CNY"}}"#
            let largest = #"{"customerCode":"C100","lines":[\#(Array(repeating: line, count: 10).joined(separator: ","))]}"#
            var ids: [ID<Order>] = []
            for _ in 0..<2 {
                let created = try await post(client, "/api/v1/orders", largest)
                #expect(created.status == .created)
                ids.append(try decode(StoredOrder.self, created).id)
            }
            for uri in ["/api/v1/orders/\(ids[1])/reviews", "/orders/\(ids[1])", "/api/v1/orders", "/orders", "/"] {
                try await client.execute(uri: uri, method: .get) { noServerError($0, uri) }
            }
            // Its lines are priced off the list: the marker's legend says what the * means.
            let page = try await client.execute(uri: "/orders/\(ids[1])", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("id=\"override-legend\"") && page.contains("单价与目录价不同"))
            let beyond = #"{"customerCode":"C100","lines":[\#(Array(repeating: line, count: 11).joined(separator: ","))]}"#
            let refused = try await post(client, "/api/v1/orders", beyond)
            #expect(refused.status == .unprocessableContent)
            #expect(try decode(Problem.self, refused).errors?.map(\.code) == ["orderTotalOutOfRange"])
        }
    }

    @Test func numbersTypesAndEnumsAreFieldErrorsInWords() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            for quantity in ["2.5", "1e30", "-1e30"] {
                let response = try await post(client, "/api/v1/orders", #"{"customerCode":"C100","lines":[{"sku":"TEA-1","quantity":\#(quantity)}]}"#)
                #expect(response.status == .unprocessableContent, "\(quantity)")
                let problem = try decode(Problem.self, response)
                #expect(problem.errors?.map(\.field) == ["lines[0].quantity"], "\(quantity)")
                #expect(problem.errors?.first?.message == "应为 1 到 10000000 之间的整数", "\(quantity)")
            }
            let object = try await post(client, "/api/v1/orders", #"{"customerCode":"C100","lines":[{"sku":"TEA-1","quantity":1}],"deliveryAddress":"上海"}"#)
            #expect(try decode(Problem.self, object).errors?.first?.message == "类型错误，应为对象")
            let channel = try await post(client, "/api/v1/orders", #"{"customerCode":"C100","channel":"telegram","lines":[]}"#)
            let message = try #require(try decode(Problem.self, channel).errors?.first?.message)
            #expect(message.contains("taobao") && message.contains("phone") && !message.contains("—"), "\(message)")
        }
    }

    /// Orders kept waiting for information say what is missing in the reader's language.
    @Test func keptProblemsCarryTheirMessage() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let response = try await post(
                client, "/api/v1/orders", #"{"customerCode":"C100","contactName":"赵六","lines":[{"sku":"TEA-1","quantity":1}]}"#)
            let order = try decode(StoredOrder.self, response)
            #expect(order.status == .needsInfo)
            #expect(order.problems.map(\.field) == ["contactPhone"], "a contact the customer has no record of needs a phone")
            #expect(order.problems.first?.text == "必填")
            let english = try await client.execute(uri: "/api/v1/orders/\(order.id)", method: .get, headers: [.acceptLanguage: "en"]) {
                try decode(StoredOrder.self, $0)
            }
            #expect(english.problems.first?.text == "Required")
        }
    }

    @Test func controlCharactersAreFieldErrorsNever500() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let nul = try await post(client, "/api/v1/orders", #"{"customerCode":"C100","notes":"送货\u0000上午","lines":[{"sku":"TEA-1","quantity":1}]}"#)
            #expect(nul.status == .unprocessableContent)
            #expect(try decode(Problem.self, nul).errors?.map(\.field) == ["notes"])
            let escape = try await post(client, "/api/v1/customers", customerJSON.replacingOccurrences(of: "陈静", with: #"陈\u001b静"#))
            #expect(try decode(Problem.self, escape).errors?.map(\.code) == ["controlCharacters"])
            try await client.execute(uri: "/api/v1/orders?q=SO%00", method: .get) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/customers/C%00", method: .get) { noServerError($0, "NUL in a path") }
            let form = try await client.execute(
                uri: "/customers", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "code=C7&name=%E6%81%92%00%E9%80%9A")) { $0 }
            #expect(form.status == .unprocessableContent)
        }
    }

    /// Over the limit is 413 everywhere: API bodies, reviews, holds, signed pushes, login, language, web forms.
    @Test func oversizeBodiesAre413() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let order = try await store.orders.submitOrder(
                try JSONDecoder().decode(OrderDraft.self, from: Data(orderJSON.utf8)), idempotencyKey: nil, by: .cli()).order
            let big = ByteBuffer(string: #"{"reason":""# + String(repeating: "x", count: 1 << 21) + #""}"#)
            for (method, uri) in [
                (HTTPRequest.Method.put, "/api/v1/customers/1"), (.post, "/api/v1/orders/\(order.id)/review"), (.post, "/api/v1/orders/\(order.id)/hold"),
                (.post, "/api/v1/channels/taobao/orders"), (.post, "/api/v1/orders"), (.post, "/login"), (.post, "/language"),
                (.post, "/customers"), (.post, "/orders/\(order.id)/hold"), (.post, "/orders/import"),
            ] {
                try await client.execute(uri: uri, method: method, headers: [.contentType: "application/json"], body: big) { response in
                    #expect(response.status == .contentTooLarge, "\(method) \(uri): \(response.status)")
                }
            }
            let login = ByteBuffer(string: "username=admin&password=" + String(repeating: "x", count: 70_000))
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: login) {
                #expect($0.status == .contentTooLarge)
            }
        }
    }

    /// A double click on "pass" decided two stages; now the second click is told the stage was decided.
    @Test func aStaleStageIs409OnTheAPIAndOnThePage() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let id = try decode(StoredOrder.self, try await post(client, "/api/v1/orders", orderJSON)).id
            let pass = #"{"stage":"sales","decision":"pass","reason":"ok","approveOverrides":true}"#
            #expect(try await post(client, "/api/v1/orders/\(id)/review", pass).status == .ok)
            let again = try await post(client, "/api/v1/orders/\(id)/review", pass)
            #expect(again.status == .conflict)
            let problem = try decode(Problem.self, again)
            #expect(problem.type == "/problems/stale-stage")
            #expect(problem.detail?.contains("已不在「初审」环节（现在：财务审核）") == true, "\(problem.detail ?? "")")
            #expect(try await store.orders.order(id: id).status == .reviewFinance)
            // The page's form carries the stage it was shown for: the second click shows the order, not a 500.
            let page = try await client.execute(
                uri: "/orders/\(id)/review", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "stage=sales&decision=pass&reason=ok&approveOverrides=on")) { $0 }
            #expect(page.status == .conflict)
            #expect(String(buffer: page.body).contains("已不在「初审」环节"))
        }
    }

    /// Two approvals of one change request at once: one 200, the other 409 — never 500.
    @Test func concurrentChangeDecisionsAre200And409() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let id = try decode(StoredOrder.self, try await post(client, "/api/v1/orders", orderJSON)).id
            let change = try decode(ChangeRequest.self, try await post(client, "/api/v1/orders/\(id)/changes", #"{"edit":{"notes":"改为下午送"}}"#))
            let statuses = await withTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        (try? await post(client, "/api/v1/change-requests/\(change.id)/decision", #"{"approve":true,"reason":"ok"}"#).status)
                            ?? .internalServerError
                    }
                }
                return await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 3, "\(statuses)")
        }
    }

    /// A changed re-push is answered 202 with the change request the desk will decide.
    @Test func aChangedRepushIsAccepted202WithItsChangeRequest() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let secret = try await store.auth.rotateChannelSecret(.jd, by: .cli())
            func push(_ json: String) async throws -> TestResponse {
                try await post(
                    client, "/api/v1/channels/jd/orders", json,
                    headers: [HTTPField.Name("X-Docket-Signature")!: "sha256=" + hmacHexForTest(secret: secret, body: json)])
            }
            let original = orderJSON.replacingOccurrences(of: "\"customerCode\"", with: "\"externalRef\":\"JD-77\",\"customerCode\"")
            #expect(try await push(original).status == .created)
            #expect(try await push(original).status == .ok)
            let changed = original.replacingOccurrences(of: "\"quantity\":2", with: "\"quantity\":5")
            #expect(changed != original)
            let answer = try await push(changed)
            #expect(answer.status == .accepted)
            let request = try decode(ChangeRequest.self, answer)
            #expect(request.status == .pending && request.requestedBy == "api:channel:jd")
            #expect(answer.headers[.location] == "/api/v1/orders/\(request.orderID)/changes")
        }
    }

    @Test func signInRedirectsOnlyToThisSitesPaths() async throws {
        try await withApp(authenticated: false) { client, store in
            _ = try await store.auth.addUser(User(username: "li.na", displayName: "李娜", roles: [.orderDesk]), password: "password-long-1", by: .cli())
            for (next, expected) in [
                ("%2F%09%2Fevil.example", "/"), ("%2F%0A%2Fevil.example", "/"), ("%2F%5Cevil.example", "/"), ("%2F%2Fevil.example", "/"),
                ("https%3A%2F%2Fevil.example", "/"), ("%2Forders%3Fstage%3Dreview", "/orders?stage=review"),
            ] {
                let location = try await client.execute(
                    uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=li.na&password=password-long-1&next=\(next)")
                ) { $0.headers[.location] }
                #expect(location == expected, "\(next)")
            }
        }
    }

    @Test func apiTokensDoNotOpenTheBackOffice() async throws {
        try await withApp(authenticated: false) { client, store in
            let admin = try await store.auth.addUser(User(username: "ops", displayName: "运维", roles: [.admin]), password: "password-long-1", by: .cli())
            let token = try await store.auth.createAPIToken(for: admin.id, name: "prometheus", by: .cli()).token
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            try await client.execute(uri: "/api/v1/customers", method: .get, headers: bearer) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer) { #expect($0.status == .ok) }
            for page in ["/customers", "/admin/users", "/orders"] {
                try await client.execute(uri: page, method: .get, headers: bearer) { response in
                    #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true, "\(page)")
                }
            }
        }
    }

    /// `https://` on a plain http server is another origin; the server's own scheme and host are not.
    @Test func originChecksTheScheme() async throws {
        try await withApp(authenticated: false) { client, store in
            _ = try await store.auth.addUser(User(username: "li.na", displayName: "李娜", roles: [.orderDesk]), password: "password-long-1", by: .cli())
            func login(origin: String) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/login", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .origin: origin],
                    body: ByteBuffer(string: "username=li.na&password=password-long-1")) { $0.status }
            }
            // The test router serves http://localhost.
            #expect(try await login(origin: "https://localhost") == .forbidden)
            #expect(try await login(origin: "http://evil.example") == .forbidden)
            #expect(try await login(origin: "http://localhost:8443") == .forbidden)
            #expect(try await login(origin: "http://localhost") == .seeOther)
        }
    }

    @Test func theImportTemplateDownloadsInTheUsersLanguage() async throws {
        try await withApp { client, _ in
            let (headers, text) = try await client.execute(uri: "/orders/import/template.csv", method: .get) { ($0.headers, String(buffer: $0.body)) }
            #expect(headers[.contentType] == "text/csv; charset=utf-8")
            #expect(headers[.contentDisposition]?.contains("attachment") == true)
            #expect(text.hasPrefix("\u{FEFF}客户编码,客户单号,渠道"))
        }
    }

    /// "Copy a new link": shown once, on the page and through the API; the link before stops working.
    @Test func staffCopyANewConfirmationLink() async throws {
        try await withApp { client, store in
            try await OrdersAPITests().setup(store)
            let order = try await store.orders.submitOrder(
                try JSONDecoder().decode(OrderDraft.self, from: Data(orderJSON.utf8)), idempotencyKey: nil, by: .cli()).order
            while try await store.orders.order(id: order.id).status.isReview {
                _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "ok", approveOverrides: true, by: .cli())
            }
            let issued = try await post(client, "/api/v1/orders/\(order.id)/confirmation/link", "")
            #expect(issued.status == .created && issued.headers[.cacheControl] == "no-store")
            let link = try decode(ConfirmationLink.self, issued)
            #expect(link.path.hasPrefix("/confirm/"))
            let page = try await client.execute(
                uri: "/orders/\(order.id)/confirmation/link", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "")) { String(buffer: $0.body) }
            #expect(page.contains("id=\"new-link\" value=\"http://localhost/confirm/"))
            #expect(try await store.orders.confirmation(token: String(link.path.dropFirst(9))).open == false, "the page's new link replaced it")
            let again = try await client.execute(uri: "/orders/\(order.id)", method: .get) { String(buffer: $0.body) }
            #expect(again.contains("id=\"copy-new-link\""))
            #expect(!again.contains("id=\"new-link\""), "the link is shown once, not on the next visit")
        }
    }
}
