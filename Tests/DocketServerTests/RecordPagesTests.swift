import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import DocketServer

/// Issue 9, items 13, 14 and 16: credit terms are finance's, the customer page, sortable master-data lists.
@Suite("Record pages")
struct RecordPagesTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    /// A bearer token for a new user with `roles`.
    func token(_ store: Store, _ username: String, _ roles: [Role]) async throws -> String {
        let user = try await store.auth.addUser(User(username: username, displayName: username, roles: roles), password: "password-long-1", by: .cli())
        return try await store.auth.createAPIToken(for: user.id, name: username, by: .cli()).token
    }

    @Test func creditTermsAreChangedByFinanceOnly() async throws {
        try await withApp { client, store in
            let created = try await store.customers.create(
                Customer(code: "C1", name: "恒通贸易", contacts: [Contact(name: "王", phone: "13812345678")], creditLimit: Money(minor: 100_000),
                         paymentTermsDays: 30, creditRating: .A), by: .cli())
            let sales = try await token(store, "sales", [.sales])
            let finance = try await token(store, "finance", [.finance])
            func put(_ uri: String, _ token: String, _ body: String) async throws -> (HTTPResponse.Status, String) {
                var headers = Self.json
                headers[.authorization] = "Bearer " + token
                return try await client.execute(uri: uri, method: .put, headers: headers, body: ByteBuffer(string: body)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            // Sales keeps the record but may not raise the limit: a field problem, nothing written.
            var record = created.value
            record.name = "恒通贸易有限公司"
            record.creditLimit = Money(minor: 900_000)
            var body = String(decoding: try JSONEncoder().encode(record), as: UTF8.self).dropLast() + #","version":1}"#
            var answer = try await put("/api/v1/customers/\(created.id)", sales, String(body))
            #expect(answer.0 == .unprocessableContent)
            #expect(answer.1.contains("creditLimit") && answer.1.contains("信用条款只能由财务或管理员修改"))
            #expect(try await store.customers.get(id: created.id).version == 1)
            // The same change without touching credit is theirs to make.
            record.creditLimit = created.value.creditLimit
            body = String(decoding: try JSONEncoder().encode(record), as: UTF8.self).dropLast() + #","version":1}"#
            answer = try await put("/api/v1/customers/\(created.id)", sales, String(body))
            #expect(answer.0 == .ok)
            // Finance sets the terms through their own route; sales may not use it.
            let terms = #"{"creditLimit":{"minor":500000,"currency":"CNY"},"creditRating":"B","paymentTermsDays":45,"version":2}"#
            #expect(try await put("/api/v1/customers/\(created.id)/credit", sales, terms).0 == .forbidden)
            answer = try await put("/api/v1/customers/\(created.id)/credit", finance, terms)
            #expect(answer.0 == .ok)
            let now = try await store.customers.get(id: created.id)
            #expect(now.version == 3 && now.value.creditLimit == Money(minor: 500_000) && now.value.creditRating == .B)
            #expect(now.value.paymentTermsDays == 45 && now.value.name == "恒通贸易有限公司", "the rest of the record as it was")
            // A decision on terms that changed meanwhile is a conflict.
            #expect(try await put("/api/v1/customers/\(created.id)/credit", finance, terms).0 == .conflict)
            // A customer created by sales starts with no credit line; one with terms is refused.
            var fresh = Customer(code: "C2", name: "新客户", contacts: [Contact(name: "李", phone: "13812345679")])
            var headers = Self.json
            headers[.authorization] = "Bearer " + sales
            #expect(try await client.execute(uri: "/api/v1/customers", method: .post, headers: headers, body: ByteBuffer(bytes: try JSONEncoder().encode(fresh))) { $0.status } == .created)
            fresh.code = "C3"
            fresh.creditRating = .A
            #expect(try await client.execute(uri: "/api/v1/customers", method: .post, headers: headers, body: ByteBuffer(bytes: try JSONEncoder().encode(fresh))) { $0.status } == .unprocessableContent)
        }
    }

    @Test func financeEditsCreditOnTheCustomerPageAndSeesNoOtherSaveButton() async throws {
        try await withApp(authenticated: false) { client, store in
            let created = try await store.customers.create(
                Customer(code: "C1", name: "恒通贸易", contacts: [Contact(name: "王", phone: "13812345678")], creditLimit: Money(minor: 100_000)),
                by: .cli())
            for (username, roles) in [("cai.wu", [Role.finance]), ("xiao.shou", [Role.sales])] {
                _ = try await store.auth.addUser(User(username: username, displayName: username, roles: roles), password: "password-long-1", by: .cli())
            }
            func page(_ username: String) async throws -> (cookie: String, html: String) {
                let cookie = "\(sessionCookieName)=\(try #require(try await signIn(client, username, "password-long-1")))"
                let html = try await client.execute(uri: "/customers/\(created.id)", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
                return (cookie, html)
            }
            let sales = try await page("xiao.shou")
            #expect(sales.html.contains("id=\"save\"") && !sales.html.contains("id=\"credit-form\""))
            #expect(sales.html.contains("id=\"credit-rating\""), "everyone sees the terms")
            let finance = try await page("cai.wu")
            #expect(!finance.html.contains("id=\"save\""), "finance may not change the rest of the record")
            #expect(finance.html.contains("id=\"credit-form\"") && finance.html.contains("id=\"save-credit\""))
            let csrf = try #require(csrfToken(in: finance.html))
            let headers: HTTPFields = [.cookie: finance.cookie, .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(
                uri: "/customers/\(created.id)/credit", method: .post, headers: headers,
                body: ByteBuffer(string: "_csrf=\(csrf)&version=1&creditRating=C&creditLimit=abc&paymentTermsDays=30")
            ) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains("id=\"creditLimit-error\"") && html.contains("value=\"abc\""), "the problem beside what was typed")
            }
            try await client.execute(
                uri: "/customers/\(created.id)/credit", method: .post, headers: headers,
                body: ByteBuffer(string: "_csrf=\(csrf)&version=1&creditRating=C&creditLimit=2000&paymentTermsDays=30")
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/customers/\(created.id)?credit=1")
            }
            let saved = try await store.customers.get(id: created.id)
            #expect(saved.value.creditRating == .C && saved.value.creditLimit == Money(minor: 200_000) && saved.value.paymentTermsDays == 30)
            let after = try await client.execute(uri: "/customers/\(created.id)?credit=1", method: .get, headers: [.cookie: finance.cookie]) { String(buffer: $0.body) }
            #expect(after.contains("信用条款已保存。"))
            // Sales may not post to finance's form.
            let salesCSRF = try #require(csrfToken(in: sales.html))
            try await client.execute(
                uri: "/customers/\(created.id)/credit", method: .post, headers: [.cookie: sales.cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(salesCSRF)&version=2&creditRating=A&creditLimit=9000000&paymentTermsDays=90")
            ) { response in #expect(response.status == .forbidden) }
        }
    }

    @Test func masterDataListsSortByTheirColumns() async throws {
        try await withApp { client, store in
            for (sku, price) in [("P-B", 300), ("P-A", 900), ("P-C", 100)] {
                _ = try await store.products.create(Product(sku: sku, nameZh: "商品 \(sku)", listPrice: Money(minor: Int64(price))), by: .cli())
            }
            struct Listing: Decodable { struct Item: Decodable { var sku: String }; var items: [Item] }
            func skus(_ query: String) async throws -> [String] {
                try await client.execute(uri: "/api/v1/products?\(query)", method: .get) { response in
                    try JSONDecoder().decode(Listing.self, from: Data(String(buffer: response.body).utf8)).items.map(\.sku)
                }
            }
            #expect(try await skus("") == ["P-A", "P-B", "P-C"])
            #expect(try await skus("sort=-listPrice") == ["P-A", "P-B", "P-C"])
            #expect(try await skus("sort=listPrice") == ["P-C", "P-B", "P-A"])
            #expect(try await skus("sort=-sku") == ["P-C", "P-B", "P-A"])
            try await client.execute(uri: "/api/v1/products?sort=password", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("\"sort\""))
            }
            // The page's headers link to the sorts; the active one is marked and turns round on a second click.
            let html = try await client.execute(uri: "/products?sort=-listPrice", method: .get) { String(buffer: $0.body) }
            #expect(html.contains("href=\"/products?sort=listPrice\""))
            #expect(html.contains("▼"))
            #expect(html.contains("<td class=\"num\">¥9.00</td>"), "amounts right-aligned")
        }
    }

    @Test func reviewRulesTickRatingsAndChannelsAndSayStagesInWords() async throws {
        try await withApp { client, store in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let body = "code=A-SMALL&name=%E5%B0%8F%E9%A2%9D&stage=sales&maxTotal=5000&ratings.A=on&ratings.B=on&channels.phone=on"
            let status = try await client.execute(uri: "/review-rules", method: .post, headers: form, body: ByteBuffer(string: body)) { $0.status }
            #expect(status == .seeOther)
            let rule = try await store.reviewRules.get(key: "A-SMALL")
            #expect(rule.value.ratings == [.A, .B] && rule.value.channels == [.phone] && rule.value.maxTotal == Money(minor: 500_000))
            let list = try await client.execute(uri: "/review-rules", method: .get) { String(buffer: $0.body) }
            #expect(list.contains("初审") && list.contains("电话") && !list.contains(">sales<") && !list.contains(">phone<"))
            let page = try await client.execute(uri: "/review-rules/\(rule.id)", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("<option value=\"sales\" selected>初审</option>"))
            #expect(page.contains("id=\"ratings-A\" value=\"on\" checked") && !page.contains("id=\"ratings-C\" value=\"on\" checked"))
        }
    }

    @Test func eachRoleHasItsOwnHomePageAndTheAdminSeesAllOfIt() async throws {
        try await withApp(authenticated: false) { client, store in
            func home(_ username: String, _ roles: [Role]) async throws -> String {
                _ = try await store.auth.addUser(User(username: username, displayName: username, roles: roles), password: "password-long-1", by: .cli())
                let cookie = "\(sessionCookieName)=\(try #require(try await signIn(client, username, "password-long-1")))"
                return try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            }
            func stages(_ html: String) -> [String] {
                OrderStage.allCases.map(\.rawValue).filter { html.contains("data-stage=\"\($0)\"") }
            }
            let admin = try await home("boss", [.admin])
            #expect(stages(admin) == ["intake", "review", "confirmation", "fulfilment", "on_hold"])
            #expect(admin.contains("id=\"today\"") && admin.contains("id=\"due-soon\"") && admin.contains("id=\"overdue\""))
            let finance = try await home("cai.wu", [.finance])
            #expect(stages(finance).isEmpty)
            #expect(finance.contains("data-status=\"review_finance\"") && finance.contains("待我处理：财务审核"))
            #expect(finance.contains("id=\"today\"") && !finance.contains("id=\"due-soon\"") && !finance.contains("id=\"overdue\""))
            let desk = try await home("gen.dan", [.orderDesk])
            #expect(stages(desk) == ["intake", "confirmation"])
            #expect(desk.contains("data-status=\"needs_info\"") && desk.contains("data-status=\"awaiting_confirmation\""))
            #expect(desk.contains("id=\"due-soon\"") && desk.contains("id=\"overdue\""))
            let warehouse = try await home("cang.ku", [.warehouse])
            #expect(stages(warehouse) == ["fulfilment"])
            #expect(warehouse.contains("id=\"overdue\"") && !warehouse.contains("id=\"today\""))
            // The warehouse, purchasing and the admin see how many lines are short, linked to the workbench; the desk does not.
            #expect(warehouse.contains("data-status=\"shortages\"") && warehouse.contains("href=\"/stock/shortages\""))
            #expect(admin.contains("data-status=\"shortages\"") && !desk.contains("data-status=\"shortages\""))
            let purchasing = try await home("cai.gou", [.purchasing])
            #expect(purchasing.contains("data-status=\"shortages\""))
            // Two roles see what both see.
            let both = try await home("liang.ge", [.sales, .warehouse])
            #expect(stages(both) == ["fulfilment"] && both.contains("data-status=\"review_sales\"") && both.contains("data-status=\"review_inventory\""))
        }
    }
}
