import DocketCore
import DocketServer
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Signs in through the login form and returns the session cookie value.
func signIn(_ client: any TestClientProtocol, _ username: String, _ password: String) async throws -> String? {
    try await client.execute(
        uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
        body: ByteBuffer(string: "username=\(username)&password=\(password)&next=%2Fcustomers")
    ) { response in
        response.headers[values: .setCookie].first { $0.hasPrefix("\(sessionCookieName)=") }
            .map { String($0.dropFirst(sessionCookieName.count + 1).prefix { $0 != ";" }) }
    }
}

/// The CSRF token of the page's forms.
func csrfToken(in html: String) -> String? {
    guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
}

@Suite("Security")
struct SecurityTests {
    @Test func anonymousRequestsAreTurnedAway() async throws {
        try await withApp(authenticated: false) { client, _ in
            try await client.execute(uri: "/api/v1/customers", method: .get) { response throws in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(try decode(Problem.self, response).title == "请先登录")
            }
            try await client.execute(uri: "/customers?q=x", method: .get) { response throws in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/login?next=") == true)
            }
            try await client.execute(uri: "/api/v1/customers", method: .get, headers: [.authorization: "Bearer nope"]) { response throws in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/health", method: .get) { response throws in #expect(response.status == .ok) }
            try await client.execute(uri: "/login", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("id=\"username\""))
            }
        }
    }

    @Test func loginSessionCookieCSRFAndLogout() async throws {
        let clock = ManualClock()
        try await withApp(clock: clock, authenticated: false) { client, store in
            _ = try await store.auth.addUser(
                User(username: "desk", displayName: "跟单小李", roles: [.orderDesk]), password: "desk-password-1", by: .cli())
            // a successful login sets a hardened cookie and goes where the user was headed
            let setCookie = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=desk&password=desk-password-1&next=%2Fcustomers")
            ) { response throws in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/customers")
                return response.headers[.setCookie] ?? ""
            }
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.lowercased().contains("samesite=lax"))
            #expect(setCookie.contains("Path=/"))
            let token = try #require(try await signIn(client, "desk", "desk-password-1"))
            #expect(!setCookie.contains(token), "every login gets a fresh session token")
            let cookie: HTTPFields = [.cookie: "\(sessionCookieName)=\(token)"]

            // the home page shows the role's queue; the form carries a CSRF token
            let home = try await client.execute(uri: "/", method: .get, headers: cookie) { String(buffer: $0.body) }
            #expect(home.contains("data-role=\"order_desk\""))
            #expect(home.contains("跟单小李"))
            let csrf = try #require(csrfToken(in: home))

            // a state-changing form without the token, or from another site, is refused
            let form: HTTPFields = [.cookie: "\(sessionCookieName)=\(token)", .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/language", method: .post, headers: form, body: ByteBuffer(string: "language=en")) { response throws in
                #expect(response.status == .forbidden)
            }
            var foreign = form
            foreign[.origin] = "https://evil.example"
            try await client.execute(uri: "/language", method: .post, headers: foreign, body: ByteBuffer(string: "_csrf=\(csrf)&language=en")) { response throws in
                #expect(response.status == .forbidden)
            }
            // with the token it works, and the user's language follows them
            try await client.execute(uri: "/language", method: .post, headers: form, body: ByteBuffer(string: "_csrf=\(csrf)&language=en")) { response throws in
                #expect(response.status == .seeOther)
            }
            let english = try await client.execute(uri: "/", method: .get, headers: cookie) { String(buffer: $0.body) }
            #expect(english.contains("My work"))

            // a role without access is refused, and the refusal is audited
            try await client.execute(uri: "/admin/users", method: .get, headers: cookie) { response throws in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("Not allowed"))
            }
            // idle for longer than the idle timeout: signed out
            clock.advance(milliseconds: AuthPolicy().idleTimeoutMilliseconds + 1)
            try await client.execute(uri: "/", method: .get, headers: cookie) { response throws in
                #expect(response.status == .seeOther)
            }
            // logout ends the session for good
            let fresh = try #require(try await signIn(client, "desk", "desk-password-1"))
            let freshHome = try await client.execute(uri: "/", method: .get, headers: [.cookie: "\(sessionCookieName)=\(fresh)"]) { String(buffer: $0.body) }
            try await client.execute(
                uri: "/logout", method: .post,
                headers: [.cookie: "\(sessionCookieName)=\(fresh)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(try #require(csrfToken(in: freshHome)))")
            ) { response throws in #expect(response.status == .seeOther) }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "\(sessionCookieName)=\(fresh)"]) { response throws in
                #expect(response.status == .seeOther)
            }
            let actions = try await store.auditEvents(entity: .user, id: nil, limit: 50).map(\.action)
            for action in ["login", "logout", "denied", "languageChanged"] {
                #expect(actions.contains(action), "\(action) not audited: \(actions)")
            }
        }
    }

    @Test func failedLoginsAreThrottledPerAccount() async throws {
        try await withApp(authenticated: false) { client, store in
            _ = try await store.auth.addUser(User(username: "fin", displayName: "财务", roles: [.finance]), password: "finance-pass-1", by: .cli())
            for _ in 0..<AuthPolicy().maximumFailuresPerAccount {
                try await client.execute(
                    uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=fin&password=wrong-guess")
                ) { response throws in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("用户名或密码错误"))
                    #expect(String(buffer: response.body).contains("value=\"fin\""), "the user name typed is kept")
                }
            }
            // now even the right password waits out the window
            try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=fin&password=finance-pass-1")
            ) { response throws in #expect(response.status == .tooManyRequests) }
            #expect(try await store.auditEvents(entity: .user, id: nil).filter { $0.action == "loginFailed" }.count == 5)
        }
    }

    @Test(arguments: [true, false])
    func clientAddressFromTrustedProxyOnly(_ trustProxy: Bool) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-proxy-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await Store.withOpened(.sqlite(path: path), logger: testLogger) { store in
            try await store.migrate()
            let built = try buildRouter(store: store, settings: SecuritySettings(trustProxy: trustProxy), logger: testLogger)
            try await Application(router: built.router, logger: testLogger).test(.router) { client in
                try await client.execute(
                    uri: "/login", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-For")!: "6.6.6.6, 203.0.113.9"],
                    body: ByteBuffer(string: "username=nobody&password=x")
                ) { response throws in #expect(response.status == .ok) }
            }
            let rows = try await store.engine.read(Statement("SELECT ip FROM login_attempts"))
            #expect(try rows.map { try $0.text("ip") } == [trustProxy ? "203.0.113.9" : "unknown"])
        }
    }

    @Test func apiTokensWorkUntilRevoked() async throws {
        try await withApp(authenticated: false) { client, store in
            // The ERP brings customers with their credit terms, so its user holds finance's role too.
            let user = try await store.auth.addUser(User(username: "erp", displayName: "ERP 集成", roles: [.sales, .finance]), password: "integration-1", by: .cli())
            let created = try await store.auth.createAPIToken(for: user.id, name: "ERP", by: .cli())
            #expect(created.token.hasPrefix("dkt_"))
            let bearer: HTTPFields = [.authorization: "Bearer \(created.token)"]
            try await client.execute(uri: "/api/v1/customers", method: .post, headers: bearer, body: body(customerJSON)) { response throws in
                #expect(response.status == .created)
            }
            // sales may not receive stock: 403, not 401
            try await client.execute(uri: "/api/v1/stock/receipts", method: .post, headers: bearer, body: body("{}")) { response throws in
                #expect(response.status == .forbidden)
            }
            try await store.auth.revokeAPIToken(created.info.id, of: user.id, by: .cli())
            try await client.execute(uri: "/api/v1/customers", method: .get, headers: bearer) { response throws in
                #expect(response.status == .unauthorized)
            }
            // the audit trail names the integration user
            let events = try await store.auditEvents(entity: .customer, id: nil)
            #expect(events.first?.actor == "api:erp")
        }
    }

    @Test func xssInRecordsIsEscaped() async throws {
        try await withApp { client, _ in
            let evil = customerJSON.replacingOccurrences(of: "杭州佳和商贸有限公司", with: "<script>alert(1)</script>\\\" onfocus=\\\"x")
            try await client.execute(uri: "/api/v1/customers", method: .post, body: body(evil)) { response throws in
                #expect(response.status == .created)
            }
            // the list (text) and the edit form (attribute values) both escape it
            for page in ["/customers", "/customers/1"] {
                let html = try await client.execute(uri: page, method: .get) { String(buffer: $0.body) }
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(page)")
                #expect(!html.contains("<script>alert(1)"), "\(page)")
                #expect(!html.contains("\" onfocus=\"x"), "\(page)")
            }
        }
    }
}

@Suite("Route × role matrix")
struct RouteMatrixTests {
    @Test func everyRouteDeclaresAccessAndEnforcesIt() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-matrix-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await Store.withOpened(.sqlite(path: path), logger: testLogger) { store in
            try await store.migrate()
            // one signed-in session per role
            var sessions: [Role: (cookie: String, csrf: String)] = [:]
            for role in Role.allCases {
                _ = try await store.auth.addUser(
                    User(username: "u.\(role.rawValue)", displayName: role.rawValue, roles: [role]), password: "matrix-password-1", by: .cli())
                guard case .success(let token, let identity) = try await store.auth.login(
                    username: "u.\(role.rawValue)", password: "matrix-password-1", ip: "127.0.0.1", userAgent: nil)
                else { Issue.record("login failed for \(role)"); return }
                sessions[role] = (token, identity.csrfToken!)
            }
            let built = try buildRouter(store: store, logger: testLogger)
            // Signing out ends the session the rest of the matrix uses: test it last.
            let permissions = built.permissions.sorted { ($0.path == "/logout" ? 1 : 0) < ($1.path == "/logout" ? 1 : 0) }
            let signedIn = sessions
            let declared = Set(built.permissions.map { "\($0.method) \($0.path)" })
            let routes = built.router.routes
            #expect(routes.count == built.permissions.count)
            for route in routes {
                #expect(declared.contains("\(route.method) \(route.path)"), "\(route) has no declared access")
            }
            let app = Application(router: built.router, logger: testLogger)
            try await app.test(.router) { client in
                for permission in permissions {
                    let uri = permission.path.split(separator: "/").map { $0.hasPrefix("{") ? "1" : String($0) }.joined(separator: "/")
                    let target = uri.isEmpty ? "/" : (uri.hasPrefix("/") ? uri : "/" + uri)
                    // anonymous
                    let anonymous = try await client.execute(uri: target, method: permission.method) { $0.status }
                    if case .everyone = permission.access {
                        #expect(anonymous != .unauthorized && anonymous != .forbidden, "\(permission.method) \(target) anonymous → \(anonymous)")
                    } else {
                        #expect(anonymous == .unauthorized || anonymous == .seeOther, "\(permission.method) \(target) anonymous → \(anonymous)")
                    }
                    for role in Role.allCases {
                        let session = signedIn[role]!
                        let status = try await client.execute(
                            uri: target, method: permission.method,
                            headers: [.cookie: "\(sessionCookieName)=\(session.cookie)", HTTPField.Name("X-CSRF-Token")!: session.csrf]
                        ) { $0.status }
                        if permission.access.allows([role]) {
                            #expect(status != .forbidden && status != .unauthorized, "\(permission.method) \(target) as \(role) → \(status)")
                        } else {
                            #expect(status == .forbidden, "\(permission.method) \(target) as \(role) → \(status)")
                        }
                    }
                }
            }
        }
    }
}

@Suite("Back office forms")
struct FormPageTests {
    @Test func customerFormKeepsWhatWasTypedAndShowsFieldErrors() async throws {
        try await withApp(authenticated: false) { client, store in
            _ = try await store.auth.addUser(User(username: "desk", displayName: "跟单", roles: [.orderDesk]), password: "desk-password-1", by: .cli())
            let token = try #require(try await signIn(client, "desk", "desk-password-1"))
            let cookie = "\(sessionCookieName)=\(token)"
            let newForm = try await client.execute(uri: "/customers/new", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            let csrf = try #require(csrfToken(in: newForm))
            // Contacts and addresses are rows of tables; the second contact row is typed with a bad phone, the first
            // left blank (so the value's contacts[0] is the form's row 1), and the desk tries to set a credit limit.
            func body(_ fields: [(String, String)]) -> String {
                fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                    .joined(separator: "&")
            }
            var fields: [(String, String)] = [
                ("_csrf", csrf), ("code", "C900"), ("name", "成都测试"), ("contacts[0].name", ""), ("contacts[0].phone", ""),
                ("contacts[1].name", "张"), ("contacts[1].phone", "123"), ("contacts[1].isPrimary", "on"),
                ("addresses[0].province", "四川省"), ("addresses[0].city", "成都市"), ("addresses[0].street", "x"),
                ("invoice.kind", "special"), ("invoice.title", "成都测试有限公司"), ("invoice.taxNumber", "91510100MA61234567"),
            ]
            let headers: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/customers", method: .post, headers: headers, body: ByteBuffer(string: body(fields))) { response throws in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains("id=\"form-errors\""))
                #expect(html.contains("value=\"C900\""), "typed code kept")
                #expect(html.contains("value=\"成都测试\""), "typed name kept")
                #expect(html.contains("id=\"contacts-1-phone-error\""), "the phone's problem sits in the row it was typed in")
                #expect(!html.contains("id=\"contacts-0-phone-error\""))
                #expect(html.contains("联系人 2 电话"), "listed by row and column")
                #expect(html.contains("id=\"invoice-bankName-error\""), "a special invoice needs the bank")
                #expect(!html.contains("name=\"creditLimit\""), "credit terms are not on the desk's form")
            }
            fields = fields.map { $0.0 == "contacts[1].phone" ? ($0.0, "13912345678") : $0 }.filter { $0.0 != "invoice.kind" }
            try await client.execute(uri: "/customers", method: .post, headers: headers, body: ByteBuffer(string: body(fields))) { response throws in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/customers/1?saved=1")
            }
            let saved = try await store.customers.get(key: "C900")
            #expect(saved.value.creditLimit == .zero() && saved.value.creditRating == .B, "a new customer starts with no credit line")
            #expect(saved.value.contacts.map(\.phone) == ["13912345678"] && saved.value.contacts[0].isPrimary)
            #expect(saved.value.invoice?.kind == .ordinary && saved.value.invoice?.taxNumber == "91510100MA61234567")
            #expect(try await store.auditEvents(entity: .customer, id: saved.id.rawValue).first?.actor == "user:desk")
        }
    }

    @Test func masterDataPagesCoverEveryKind() async throws {
        try await withApp { client, store in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            func post(_ uri: String, _ body: String) async throws -> (HTTPResponse.Status, String, String?) {
                try await client.execute(uri: uri, method: .post, headers: form, body: ByteBuffer(string: body)) {
                    ($0.status, String(buffer: $0.body), $0.headers[.location])
                }
            }
            // supplier
            var result = try await post("/suppliers", "code=S-1&name=%E4%BE%9B%E5%BA%94%E5%95%86&leadTimeDays=5&phone=0512-66881234")
            #expect(result.0 == .seeOther)
            // warehouse: coordinates are required, kept when missing
            result = try await post("/warehouses", "code=WH1&name=%E6%B5%8B%E8%AF%95%E4%BB%93&region=%E5%8D%8E%E4%B8%9C&active=on&address.province=a&address.city=b&address.street=c")
            #expect(result.0 == .unprocessableContent)
            #expect(result.1.contains("id=\"address-latitude-error\""))
            result = try await post("/warehouses", "code=WH1&name=%E6%B5%8B%E8%AF%95%E4%BB%93&region=%E5%8D%8E%E4%B8%9C&active=on&address.province=a&address.city=b&address.street=c&address.latitude=31.2&address.longitude=121.5")
            #expect(result.0 == .seeOther)
            let warehouse = try await store.warehouses.get(key: "WH1")
            #expect(warehouse.value.active && warehouse.value.address.latitude == 31.2)
            // location
            result = try await post("/warehouses/\(warehouse.id)/locations", "code=A-01-01&zone=A")
            #expect(result.0 == .seeOther)
            result = try await post("/warehouses/\(warehouse.id)/locations", "code=A-01-01")
            #expect(result.0 == .conflict)
            #expect(result.1.contains("id=\"location-errors\"") && result.1.contains("value=\"A-01-01\""), "the problem shown, what was typed kept")
            let locations = try await client.execute(uri: "/warehouses/\(warehouse.id)/locations", method: .get) { String(buffer: $0.body) }
            #expect(locations.contains("A-01-01"))
            // stock receipt through the form
            _ = try await store.products.create(Product(sku: "P-1", nameZh: "测试品", listPrice: Money(minor: 100)), by: .cli())
            result = try await post("/stock/receive", "sku=P-1&warehouseCode=WH1&locationCode=A-01-01&quantity=abc")
            #expect(result.0 == .unprocessableContent)
            #expect(result.1.contains("value=\"P-1\""))
            result = try await post("/stock/receive", "sku=P-1&warehouseCode=WH1&locationCode=A-01-01&quantity=7&reference=PO-7")
            #expect(result.0 == .seeOther)
            #expect(try await store.stock.stockLots(StockQuery(sku: "P-1")).items.map(\.onHand) == [7])
            // carrier: services and rates as tables; a problem is shown in the row it was typed in
            func encoded(_ fields: [(String, String)]) -> String {
                fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                    .joined(separator: "&")
            }
            var carrierForm: [(String, String)] = [
                ("code", "ZT"), ("name", "中通"), ("active", "on"),
                ("services[0].code", "ZT-1"), ("services[0].name", "标准"), ("services[0].mode", "express"), ("services[0].pricing", "zone"),
                ("services[0].active", "on"), ("services[1].code", ""), ("services[1].name", ""), ("services[1].active", "on"),
                ("rates[0].service", "ZT-1"), ("rates[0].zone", "上海市"), ("rates[0].baseFee", "5.00"), ("rates[0].perKg", "1.00"),
                ("rates[0].transitDays", "1"),
                ("rates[1].service", ""), ("rates[1].zone", ""), ("rates[1].baseFee", ""),
                ("rates[2].service", "ZT-1"), ("rates[2].zone", "*"), ("rates[2].baseFee", "8.00"), ("rates[2].perKg", "4.00"),
                ("rates[2].transitDays", "91"),
                ("rates[3].service", "YD-9"), ("rates[3].zone", "北京市"), ("rates[3].baseFee", "9"), ("rates[3].transitDays", "2"),
                ("rates[4].service", "ZT-1"), ("rates[4].zone", "江苏省"), ("rates[4].baseFee", "abc"), ("rates[4].transitDays", "2"),
            ]
            result = try await post("/carriers", encoded(carrierForm))
            #expect(result.0 == .unprocessableContent)
            #expect(result.1.contains("id=\"rates-2-transitDays-error\""), "the value's second rate is the form's row 3")
            #expect(result.1.contains("运价第 3 行 时效（天）"))
            #expect(result.1.contains("id=\"rates-3-service-error\""))
            #expect(result.1.contains("服务列表中没有这个服务编码"))
            #expect(result.1.contains("value=\"北京市\""), "what was typed is kept")
            #expect(result.1.contains("id=\"rates-4-baseFee-error\"") && result.1.contains("value=\"abc\""), "an unreadable amount in its own row")
            carrierForm = carrierForm.filter { !$0.0.hasPrefix("rates[3]") && !$0.0.hasPrefix("rates[4]") }.map { $0.0 == "rates[2].transitDays" ? ($0.0, "3") : $0 }
            result = try await post("/carriers", encoded(carrierForm))
            #expect(result.0 == .seeOther)
            let carrier = try await store.carriers.get(key: "ZT")
            #expect(carrier.value.services.count == 1 && carrier.value.services[0].rates.count == 2)
            #expect(carrier.value.services[0].rates[1].perKg == Money(minor: 400))
        }
    }
}
