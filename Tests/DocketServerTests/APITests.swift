import DocketCore
import DocketServer
import DocketStore
import DocketTestSupport
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing

let testLogger: Logger = {
    var logger = Logger(label: "docket.test")
    logger.logLevel = .critical
    return logger
}()

/// An application on a fresh migrated SQLite file, driven through the router (no sockets). Unless `authenticated`
/// is false the client is an admin: the API token under `/api` (and `/metrics`), a signed-in session with its
/// CSRF token for the pages (API tokens do not open the back office).
func withApp(
    clock: ManualClock = ManualClock(), authenticated: Bool = true,
    _ body: @Sendable (any TestClientProtocol, Store) async throws -> Void
) async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-api-\(UUID().uuidString).sqlite").path
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    try await Store.withOpened(.sqlite(path: path), clock: clock, logger: testLogger) { store in
        try await store.migrate()
        var headers: HTTPFields = [:]
        if authenticated {
            let admin = try await store.auth.addUser(
                User(username: "admin", displayName: "管理员", roles: [.admin]), password: "admin-password-1", by: .cli())
            headers[.authorization] = "Bearer " + (try await store.auth.createAPIToken(for: admin.id, name: "tests", by: .cli()).token)
        }
        let app = try buildApplication(configuration: DocketConfiguration(), store: store, logger: testLogger)
        let credentials = headers
        try await app.test(.router) { client in
            var pageHeaders: HTTPFields = [:]
            if authenticated, let cookie = try await signIn(client, "admin", "admin-password-1") {
                pageHeaders[.cookie] = "\(sessionCookieName)=\(cookie)"
                let home = try await client.execute(uri: "/customers/new", method: .get, headers: pageHeaders) { String(buffer: $0.body) }
                pageHeaders[HTTPField.Name("X-CSRF-Token")!] = csrfToken(in: home) ?? ""
            }
            try await body(AuthedClient(inner: client, headers: credentials, pageHeaders: pageHeaders), store)
        }
    }
}

/// Adds fixed headers (credentials) to every request: `headers` to the API, `pageHeaders` to the pages.
struct AuthedClient: TestClientProtocol {
    let inner: any TestClientProtocol
    let headers: HTTPFields
    var pageHeaders: HTTPFields = [:]

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws
        -> TestResponse
    {
        let api = uri.hasPrefix("/api/") || uri.hasPrefix("/metrics") || uri.hasPrefix("/health")
        var merged = api ? self.headers : pageHeaders
        for field in headers { merged[field.name] = field.value }
        return try await inner.executeRequest(uri: uri, method: method, headers: merged, body: body)
    }

    var port: Int? { inner.port }
}

func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }


func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
}

let customerJSON = """
    {"code":"C100","name":"杭州佳和商贸有限公司","creditRating":"A","paymentTermsDays":30,
     "creditLimit":{"minor":2000000,"currency":"CNY"},
     "contacts":[{"name":"陈静","phone":"13900001111","isPrimary":true}],
     "addresses":[{"province":"浙江省","city":"杭州市","district":"西湖区","street":"文三路 1 号","postcode":"310012"}]}
    """

@Suite("HTTP API")
struct APITests {
    @Test func healthAndMetrics() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/health", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(try decode([String: String].self, response) == ["status": "ok", "database": "sqlite"])
            }
            try await client.execute(uri: "/metrics", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("docket_info{database=\"sqlite\"} 1"))
            }
        }
    }

    @Test func customerCreateReadUpdateWithVersions() async throws {
        try await withApp { client, _ in
            // act: create
            let id = try await client.execute(uri: "/api/v1/customers", method: .post, body: body(customerJSON)) { response throws in
                #expect(response.status == .created)
                #expect(response.headers[.eTag] == "\"1\"")
                let created = try decode(Stored<Customer>.self, response)
                #expect(response.headers[.location] == "/api/v1/customers/\(created.id)")
                #expect(created.value.contacts[0].name == "陈静")
                #expect(created.value.creditLimit == Money(minor: 2_000_000))
                return created.id
            }
            // read
            try await client.execute(uri: "/api/v1/customers/\(id)", method: .get) { response throws in
                #expect(response.status == .ok)
                #expect(try decode(Stored<Customer>.self, response).value.code == "C100")
            }
            // update with If-Match
            let renamed = customerJSON.replacingOccurrences(of: "杭州佳和商贸有限公司", with: "杭州佳和集团")
            try await client.execute(
                uri: "/api/v1/customers/\(id)", method: .put, headers: [.ifMatch: "\"1\""], body: body(renamed)
            ) { response throws in
                #expect(response.status == .ok)
                let updated = try decode(Stored<Customer>.self, response)
                #expect(updated.version == 2 && updated.value.name == "杭州佳和集团")
            }
            // stale version: 409 with a localized problem
            try await client.execute(
                uri: "/api/v1/customers/\(id)", method: .put, headers: [.ifMatch: "\"1\""], body: body(customerJSON)
            ) { response throws in
                #expect(response.status == .conflict)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try decode(Problem.self, response)
                #expect(problem.type == "/problems/version-conflict")
                #expect(problem.detail?.contains("当前版本 2") == true)
            }
            // no version at all: a field problem, not a guess
            try await client.execute(uri: "/api/v1/customers/\(id)", method: .put, body: body(customerJSON)) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try decode(Problem.self, response).errors?.map(\.field) == ["version"])
            }
            // version in the body works as well
            let withVersion = renamed.replacingOccurrences(of: "{\"code\"", with: "{\"version\":2,\"code\"")
            try await client.execute(uri: "/api/v1/customers/\(id)", method: .put, body: body(withVersion)) { response throws in
                #expect(response.status == .ok)
            }
            // history lists every change
            try await client.execute(uri: "/api/v1/customers/\(id)/history", method: .get) { response throws in
                #expect(try decode([AuditEvent].self, response).map(\.action) == ["updated", "updated", "created"])
            }
        }
    }

    @Test func validationProblemsAreFieldLevelAndLocalized() async throws {
        try await withApp { client, store in
            let bad = """
                {"code":"bad code!","name":"","contacts":[{"name":"王","phone":"12"}],
                 "addresses":[{"province":"上海市","city":"上海市","street":"x","postcode":"1"}]}
                """
            try await client.execute(uri: "/api/v1/customers", method: .post, body: body(bad)) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentLanguage] == "zh-CN")
                let problem = try decode(Problem.self, response)
                #expect(problem.title == "提交的数据有误")
                let fields = Dictionary(uniqueKeysWithValues: (problem.errors ?? []).map { ($0.field, $0.message) })
                #expect(fields["name"] == "必填")
                #expect(fields["contacts[0].phone"]?.contains("电话号码格式不正确") == true)
                #expect(fields["addresses[0].postcode"] == "邮政编码应为 6 位数字")
                #expect(fields["code"] != nil)
            }
            try await client.execute(
                uri: "/api/v1/customers", method: .post, headers: [.acceptLanguage: "en-US,en;q=0.9,zh;q=0.5"], body: body(bad)
            ) { response throws in
                let problem = try decode(Problem.self, response)
                #expect(response.headers[.contentLanguage] == "en")
                #expect(problem.title == "The submitted data is invalid")
                #expect(problem.errors?.first { $0.field == "name" }?.message == "Required")
            }
            // nothing was stored
            #expect(try await store.customers.list(ListQuery(includeArchived: true)).total == 0)
        }
    }

    @Test func typeErrorsNameTheField() async throws {
        try await withApp { client, _ in
            let cases: [(String, String, String)] = [
                (#"{"code":"C1","name":"n","paymentTermsDays":"thirty"}"#, "paymentTermsDays", "invalidType"),
                (#"{"code":"C1","name":"n","creditRating":"Z"}"#, "creditRating", "invalidValue"),
                (#"{"code":"C1","name":"n","creditLimit":{"minor":1,"currency":"XXX"}}"#, "creditLimit.currency", "invalidCurrency"),
                (#"{"code":"C1","name":"n","contacts":[{"name":"a","phone":7}]}"#, "contacts[0].phone", "invalidType"),
            ]
            for (json, field, code) in cases {
                try await client.execute(uri: "/api/v1/customers", method: .post, body: body(json)) { response throws in
                    #expect(response.status == .unprocessableContent, "\(json)")
                    let problem = try decode(Problem.self, response)
                    #expect(problem.errors?.first?.field == field, "\(json)")
                    #expect(problem.errors?.first?.code == code, "\(json)")
                }
            }
        }
    }

    @Test func badInputNeverYieldsA500() async throws {
        try await withApp { client, _ in
            let bodies = [
                "", "null", "[]", "42", "\"text\"", "{", "{}", #"{"code":null}"#, #"{"code":{"a":1}}"#,
                String(repeating: "[", count: 10_000), #"{"quantity":1e400}"#, "\u{FEFF}{}", #"{"services":[{}]}"#,
                #"{"receivedAt":"yesterday"}"#, #"{"expiryDate":"2027-02-30"}"#,
            ]
            let targets = [
                "/api/v1/customers", "/api/v1/products", "/api/v1/warehouses", "/api/v1/suppliers", "/api/v1/carriers",
                "/api/v1/stock/receipts", "/api/v1/warehouses/1/locations",
            ]
            for target in targets {
                for json in bodies {
                    try await client.execute(uri: target, method: .post, body: body(json)) { response throws in
                        #expect(response.status.code < 500, "\(target) \(json.prefix(40)) → \(response.status)")
                        #expect(response.status.code >= 400)
                    }
                }
            }
            for uri in ["/api/v1/customers/abc", "/api/v1/customers/-1", "/api/v1/customers/99999999999999999999",
                        "/api/v1/customers?limit=abc", "/api/v1/customers?limit=100000", "/api/v1/stock?offset=-5"] {
                try await client.execute(uri: uri, method: .get) { response throws in
                    #expect((400..<500).contains(Int(response.status.code)), "\(uri) → \(response.status)")
                }
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: "a"), count: 2 << 20)
            try await client.execute(uri: "/api/v1/customers", method: .post, body: huge) { response throws in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func duplicatesArchiveAndPaging() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/v1/customers", method: .post, body: body(customerJSON)) { _ in }
            try await client.execute(uri: "/api/v1/customers", method: .post, body: body(customerJSON)) { response throws in
                #expect(response.status == .conflict)
                let problem = try decode(Problem.self, response)
                #expect(problem.detail == "客户的编码「C100」已存在。")
                #expect(problem.errors?.first?.field == "code")
            }
            try await client.execute(uri: "/api/v1/customers/1/archive", method: .post) { response throws in
                #expect(try decode(Stored<Customer>.self, response).archived)
            }
            try await client.execute(uri: "/api/v1/customers", method: .get) { response throws in
                #expect(try decode(Page<Stored<Customer>>.self, response).total == 0)
            }
            try await client.execute(uri: "/api/v1/customers?archived=true&q=%E4%BD%B3%E5%92%8C", method: .get) { response throws in
                let page = try decode(Page<Stored<Customer>>.self, response)
                #expect(page.total == 1 && page.items[0].value.code == "C100")
            }
            try await client.execute(uri: "/api/v1/customers/1/restore", method: .post) { response throws in
                #expect(try decode(Stored<Customer>.self, response).archived == false)
            }
            try await client.execute(uri: "/api/v1/customers/77", method: .get) { response throws in
                #expect(response.status == .notFound)
                #expect(try decode(Problem.self, response).detail == "客户「77」不存在。")
            }
        }
    }

    @Test func warehouseLocationsAndStockReceipt() async throws {
        try await withApp { client, _ in
            let warehouse = """
                {"code":"GZ","name":"广州白云仓","region":"华南","address":{"province":"广东省","city":"广州市",
                 "district":"白云区","street":"太和镇 8 号","latitude":23.3,"longitude":113.35}}
                """
            try await client.execute(uri: "/api/v1/warehouses", method: .post, body: body(warehouse)) { response throws in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/v1/warehouses/1/locations", method: .post, body: body(#"{"code":"A-01-01","zone":"A"}"#)) { response throws in
                #expect(response.status == .created)
            }
            let product = """
                {"sku":"TEA-LJ-250G","nameZh":"西湖龙井茶 250克","unit":"盒","listPrice":{"minor":26800,"currency":"CNY"},"shelfLifeDays":540}
                """
            try await client.execute(uri: "/api/v1/products", method: .post, body: body(product)) { response throws in
                #expect(response.status == .created)
                #expect(try decode(Stored<Product>.self, response).value.lotTracked)
            }
            // a shelf-life product needs lot and expiry: both problems at once, in English here
            try await client.execute(
                uri: "/api/v1/stock/receipts", method: .post, headers: [.acceptLanguage: "en"],
                body: body(#"{"sku":"TEA-LJ-250G","warehouseCode":"GZ","locationCode":"A-01-01","quantity":10}"#)
            ) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try decode(Problem.self, response).errors?.map(\.field) == ["lot", "expiryDate"])
            }
            let receipt = #"{"sku":"TEA-LJ-250G","warehouseCode":"GZ","locationCode":"A-01-01","quantity":10,"lot":"L1","expiryDate":"2028-01-31","reference":"PO-9"}"#
            try await client.execute(uri: "/api/v1/stock/receipts", method: .post, body: body(receipt)) { response throws in
                #expect(response.status == .created)
                let result = try decode(ReceiptResult.self, response)
                #expect(result.lot.onHand == 10 && result.movement.reference == "PO-9")
            }
            try await client.execute(uri: "/api/v1/stock?sku=TEA-LJ-250G", method: .get) { response throws in
                let page = try decode(Page<StockLot>.self, response)
                #expect(page.items.map(\.available) == [10])
                #expect(String(buffer: response.body).contains("\"available\":10"))
            }
            try await client.execute(uri: "/api/v1/stock/movements?warehouse=GZ", method: .get) { response throws in
                let page = try decode(Page<StockMovement>.self, response)
                #expect(page.items.map(\.kind) == [.receipt])
            }
        }
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test func defaults() throws {
        let configuration = try DocketConfiguration.load(environment: [:])
        #expect(configuration.host == "127.0.0.1" && configuration.port == 8080)
        #expect(configuration.database == .sqlite(path: "./docket-data/docket.sqlite"))
        #expect(configuration.demo == false)
    }

    @Test func commandLineBeatsEnvironmentBeatsDefaults() throws {
        let configuration = try DocketConfiguration.load(
            commandLine: [.port: "9000"],
            environment: [
                "DOCKET_PORT": "7000", "DOCKET_HOST": "0.0.0.0", "DOCKET_DATABASE_URL": "postgres://d@db:5432/docket",
                "DOCKET_DEMO": "yes", "DOCKET_TRUST_PROXY": "true",
            ])
        #expect(configuration.trustProxy)
        #expect(configuration.port == 9000)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.database == .postgres(url: "postgres://d@db:5432/docket"))
        #expect(configuration.demo)
        let dataDir = try DocketConfiguration.load(environment: ["DOCKET_DATA_DIR": "/var/lib/docket"])
        #expect(dataDir.database == .sqlite(path: "/var/lib/docket/docket.sqlite"))
    }

    /// Mail server, SMS gateway, public address and delivery attempts: read from their URL forms; each bad one is
    /// named with its own reason (an SMS problem does not speak of SMTP).
    @Test func notificationSettings() throws {
        let standard = try DocketConfiguration.load(environment: [:])
        #expect(standard.smtp == nil && standard.sms == nil && standard.deliveryAttempts == 8 && standard.linkBase == "http://127.0.0.1:8080")
        let set = try DocketConfiguration.load(
            commandLine: [.smtp: "smtp://relay:p%40ss@mail.example.cn:587?from=orders@example.cn&starttls=required&name=多克特"],
            environment: [
                "DOCKET_SMS": "https://sms.example.cn/send?key=K1&secret=S1&sign=多克特", "DOCKET_PUBLIC_URL": "https://orders.example.cn/",
                "DOCKET_DELIVERY_ATTEMPTS": "3",
            ])
        let smtp = try #require(set.smtp)
        #expect(smtp.host == "mail.example.cn" && smtp.port == 587 && smtp.security == .startTLS && smtp.username == "relay" && smtp.password == "p@ss")
        #expect(smtp.from == "orders@example.cn" && smtp.fromName == "多克特")
        let sms = try #require(set.sms)
        #expect(sms.url == "https://sms.example.cn/send" && sms.keyID == "K1" && sms.secret == "S1" && sms.signName == "多克特")
        #expect(set.linkBase == "https://orders.example.cn" && set.deliveryAttempts == 3)
        #expect(try DocketConfiguration.load(environment: ["DOCKET_SMTP": "smtps://mail.example.cn?from=a@b.cn"]).smtp?.port == 465)
        let error = #expect(throws: ConfigurationError.self) {
            _ = try DocketConfiguration.load(
                environment: [
                    "DOCKET_SMTP": "smtp://mail.example.cn", "DOCKET_SMS": "https://sms.example.cn/send?key=K1",
                    "DOCKET_PUBLIC_URL": "orders.example.cn", "DOCKET_DELIVERY_ATTEMPTS": "0",
                ])
        }
        let problems = error?.problems ?? []
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains("DOCKET_SMS: the gateway URL needs key= and secret="), "\(problems)")
        #expect(problems.contains("DOCKET_SMTP: from= must name the sender's address"), "\(problems)")
    }

    @Test func allocationSettings() throws {
        let standard = try DocketConfiguration.load(environment: [:]).orders.allocation
        #expect(standard == AllocationPolicy(maxWarehouses: 2, minimumShelfLife: .days(0), softReservationHours: 48))
        let set = try DocketConfiguration.load(
            commandLine: [.maxWarehouses: "1"], environment: ["DOCKET_SOFT_RESERVATION_HOURS": "12", "DOCKET_MINIMUM_SHELF_LIFE": "33%"])
        #expect(set.orders.allocation == AllocationPolicy(maxWarehouses: 1, minimumShelfLife: .percent(33), softReservationHours: 12))
        #expect(try DocketConfiguration.load(environment: ["DOCKET_MINIMUM_SHELF_LIFE": "30d"]).orders.allocation.minimumShelfLife == .days(30))
        let error = #expect(throws: ConfigurationError.self) {
            _ = try DocketConfiguration.load(
                environment: ["DOCKET_MAX_WAREHOUSES": "9", "DOCKET_SOFT_RESERVATION_HOURS": "0", "DOCKET_MINIMUM_SHELF_LIFE": "30"])
        }
        #expect(error?.problems.count == 3)
    }

    /// The carrier mode and packing rules are settings: any subset of their keys, the rest standard; a bad key or
    /// value is named with the form it takes.
    @Test func shippingRuleSettings() throws {
        let standard = try DocketConfiguration.load(environment: [:]).orders
        #expect(standard.modeRules == .standard && standard.packingRules == .standard)
        let set = try DocketConfiguration.load(
            commandLine: [.packing: "max-kg=25, max-packages=50"],
            environment: ["DOCKET_SHIPPING_MODES": "small-kg=10,valuable-yuan=20000,air-km=1500,small-litres=60", "DOCKET_PACKING": "max-kg=5"])
        #expect(set.orders.modeRules == ModeRules(smallMaxKg: 10, smallMaxCm3: 60_000, valuableMinor: 2_000_000, airFromKm: 1_500))
        #expect(set.orders.packingRules == PackingRules(maxPackageGrams: 25_000, maxPackages: 50), "the command line wins")
        let error = #expect(throws: ConfigurationError.self) {
            _ = try DocketConfiguration.load(environment: ["DOCKET_SHIPPING_MODES": "fast=1", "DOCKET_PACKING": "max-kg=20000"])
        }
        #expect(error?.problems.count == 2 && error?.description.contains("max-kg=30") == true)
        #expect(ModeRules.parse("volumetric=5000") == ModeRules(volumetricDivisor: 5_000))
        #expect(ModeRules.parse("rail-km") == nil && ModeRules.parse("heavy-kg=0") == nil && PackingRules.parse("max-litres=x") == nil)
    }

    @Test func everyMalformedSettingIsNamed() {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try DocketConfiguration.load(
                commandLine: [.logLevel: "loud"],
                environment: ["DOCKET_PORT": "http", "DOCKET_DATABASE_URL": "mysql://x", "DOCKET_DB_POOL_SIZE": "0"])
        }
        let text = error?.description ?? ""
        #expect(error?.problems.count == 4)
        for name in ["DOCKET_PORT", "DOCKET_DATABASE_URL", "--log-level", "DOCKET_DB_POOL_SIZE"] {
            #expect(text.contains(name), "\(name) missing from: \(text)")
        }
    }
}
