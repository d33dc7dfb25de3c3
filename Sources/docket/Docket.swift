import ArgumentParser
import DocketBench
import DocketCore
import DocketServer
import DocketStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

@main
struct Docket: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket",
        abstract: "Docket 订单管理系统 — the order desk from intake to settlement.",
        subcommands: [Serve.self, Migrate.self, Demo.self, UserCommand.self, Channel.self, CarrierCommand.self, Import.self, Bench.self, Check.self])
}

/// Options every command that touches the database shares. Each falls back to its `DOCKET_*` variable.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "postgres://user:password@host:5432/db, or a SQLite file path. Env: DOCKET_DATABASE_URL.")
    var database: String?

    @Option(name: .customLong("data-dir"), help: "Folder of the embedded SQLite database. Env: DOCKET_DATA_DIR (default ./docket-data).")
    var dataDirectory: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error. Env: DOCKET_LOG_LEVEL.")
    var logLevel: String?

    var commandLine: [DocketConfiguration.Key: String] {
        var values: [DocketConfiguration.Key: String] = [:]
        values[.databaseURL] = database
        values[.dataDirectory] = dataDirectory
        values[.logLevel] = logLevel
        return values
    }

    func load(_ extra: [DocketConfiguration.Key: String] = [:]) throws -> DocketConfiguration {
        do {
            return try DocketConfiguration.load(
                commandLine: commandLine.merging(extra) { $1 }, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

func bootstrapLogging(_ level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    return Logger(label: "docket")
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API and web UI (default 127.0.0.1:8080).")

    @OptionGroup var options: DatabaseOptions
    @Option(help: "Address to listen on. Env: DOCKET_HOST.") var host: String?
    @Option(help: "Port to listen on. Env: DOCKET_PORT.") var port: String?
    @Option(name: .customLong("db-pool-size"), help: "PostgreSQL connections per node. Env: DOCKET_DB_POOL_SIZE.") var poolSize: String?
    @Option(name: .customLong("group-commit"), help: "SQLite: on (default) or off — concurrent writes share one commit. Env: DOCKET_GROUP_COMMIT.")
    var groupCommit: String?
    @Flag(help: "Load the demo data first if the database is empty. Env: DOCKET_DEMO.") var demo = false
    @Flag(name: .customLong("secure-cookies"), help: "Mark the session cookie Secure (serving over HTTPS). Env: DOCKET_SECURE_COOKIES.")
    var secureCookies = false
    @Flag(name: .customLong("trust-proxy"), help: "Behind a reverse proxy: client address from X-Forwarded-For. Env: DOCKET_TRUST_PROXY.")
    var trustProxy = false
    @Option(name: .customLong("confirmation-hours"), help: "Hours from receipt the customer has to confirm (default 24). Env: DOCKET_CONFIRMATION_HOURS.")
    var confirmationHours: String?
    @Option(name: .customLong("confirmation-reminder-hours"), help: "Remind this many hours before the deadline (default 4, 0: none). Env: DOCKET_CONFIRMATION_REMINDER_HOURS.")
    var reminderHours: String?
    @Option(name: .customLong("confirmation-expiry"), help: "suspend or cancel an order not confirmed in time (default suspend). Env: DOCKET_CONFIRMATION_EXPIRY.")
    var confirmationExpiry: String?
    @Option(name: .customLong("archive-after-days"), help: "Days after completion an order is archived (default 30). Env: DOCKET_ARCHIVE_AFTER_DAYS.")
    var archiveAfterDays: String?

    @Option(name: .customLong("shipping-modes"), help: "Carrier mode rules, e.g. small-kg=20,valuable-yuan=5000,heavy-kg=100,rail-km=800,air-km=1000. Env: DOCKET_SHIPPING_MODES.")
    var shippingModes: String?

    @Option(name: .customLong("packing"), help: "Package limits for suggested packing, e.g. max-kg=30,max-litres=120,max-packages=200. Env: DOCKET_PACKING.")
    var packing: String?
    @Option(name: .customLong("smtp"), help: "Mail server for customers' e-mail, e.g. smtp://user:password@mail.example.com:587?from=orders@example.com (default: e-mail to the log). Env: DOCKET_SMTP.")
    var smtp: String?
    @Option(name: .customLong("sms"), help: "SMS gateway: log (default) or https://gateway/path?key=ID&secret=SECRET&sign=NAME. Env: DOCKET_SMS.")
    var sms: String?
    @Option(name: .customLong("public-url"), help: "The address customers reach Docket at, for links in messages, e.g. https://orders.example.com. Env: DOCKET_PUBLIC_URL.")
    var publicURL: String?
    @Option(name: .customLong("delivery-attempts"), help: "Attempts of a message delivery before it is a dead letter (default 8). Env: DOCKET_DELIVERY_ATTEMPTS.")
    var deliveryAttempts: String?
    @Option(name: .customLong("service-windows"), help: "Days per order type, e.g. STOCK=30,RUSH=7,VOR=7. Env: DOCKET_SERVICE_WINDOWS.")
    var serviceWindows: String?
    @Option(name: .customLong("penalty-percent"), help: "Penalty for a breached service window, % of the late lines' amount (default 10). Env: DOCKET_PENALTY_PERCENT.")
    var penaltyPercent: String?
    @Option(name: .customLong("silent-shipment-hours"), help: "Raise an exception for a shipment with no tracking event for this many hours (default 48). Env: DOCKET_SILENT_SHIPMENT_HOURS.")
    var silentShipmentHours: String?
    @Option(name: .customLong("timer-interval"), help: "Seconds between timer runs on this node (default 15). Env: DOCKET_TIMER_INTERVAL.")
    var timerInterval: String?
    @Option(name: .customLong("max-warehouses"), help: "Ship one order from at most this many warehouses (default 2, 1: never split). Env: DOCKET_MAX_WAREHOUSES.")
    var maxWarehouses: String?
    @Option(name: .customLong("soft-reservation-hours"), help: "Hours an unconfirmed order holds its stock (default 48). Env: DOCKET_SOFT_RESERVATION_HOURS.")
    var softReservationHours: String?
    @Option(name: .customLong("minimum-shelf-life"), help: "Shelf life a lot must keep on the promised date: 30d or 33% (default 0d). Env: DOCKET_MINIMUM_SHELF_LIFE.")
    var minimumShelfLife: String?
    @Flag(name: .customLong("preempt-soft-reservations"), help: "Let urgent orders take unconfirmed, non-urgent orders' soft reservations (default off). Env: DOCKET_PREEMPT_SOFT_RESERVATIONS.")
    var preemptSoftReservations = false

    func run() async throws {
        // Started by `docket bench --http`: go when the bench goes, even if it is killed.
        if ProcessInfo.processInfo.environment["DOCKET_EXIT_WITH_PARENT"] == "1" {
            let parent = getppid()
            Task.detached {
                while getppid() == parent { try? await Task.sleep(for: .seconds(1)) }
                kill(getpid(), SIGTERM)  // a graceful shutdown, as from a supervisor
            }
        }
        var extra: [DocketConfiguration.Key: String] = [:]
        extra[.confirmationHours] = confirmationHours
        extra[.reminderHours] = reminderHours
        extra[.archiveAfterDays] = archiveAfterDays
        extra[.shippingModes] = shippingModes
        extra[.packing] = packing
        extra[.smtp] = smtp
        extra[.sms] = sms
        extra[.publicURL] = publicURL
        extra[.deliveryAttempts] = deliveryAttempts
        extra[.confirmationExpiry] = confirmationExpiry
        extra[.serviceWindows] = serviceWindows
        extra[.penaltyPercent] = penaltyPercent
        extra[.timerInterval] = timerInterval
        extra[.silentShipmentHours] = silentShipmentHours
        extra[.maxWarehouses] = maxWarehouses
        extra[.softReservationHours] = softReservationHours
        extra[.minimumShelfLife] = minimumShelfLife
        extra[.host] = host
        extra[.port] = port
        extra[.databasePoolSize] = poolSize
        extra[.groupCommit] = groupCommit
        if demo { extra[.demo] = "true" }
        if secureCookies { extra[.secureCookies] = "true" }
        if trustProxy { extra[.trustProxy] = "true" }
        if preemptSoftReservations { extra[.preemptSoftReservations] = "true" }
        let configuration = try options.load(extra)
        let logger = bootstrapLogging(configuration.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let (store, engineService) = try Store.open(
            configuration.database, logger: logger, maximumConnections: configuration.databasePoolSize, policy: configuration.orders,
            groupCommit: configuration.groupCommit)
        let timers = TimerWorker(store: store, intervalSeconds: configuration.timerInterval, logger: logger)
        let notifier = Notifier(
            smtp: configuration.smtp.map { SMTPClient(settings: $0) },
            sms: configuration.sms.map { HTTPSMSProvider(settings: $0) as any SMSProvider } ?? LoggingSMSProvider(logger: logger),
            publicURL: configuration.linkBase, logger: logger)
        let relay = OutboxRelay(
            store: store, notifier: notifier, policy: DeliveryPolicy(maxAttempts: configuration.deliveryAttempts),
            intervalSeconds: configuration.timerInterval, logger: logger)
        var app = try buildApplication(
            configuration: configuration, store: store, registry: registry,
            services: (engineService.map { [$0] } ?? []) + [timers, relay], logger: logger)
        app.beforeServerStarts {
            try await store.migrate()
            if configuration.demo {
                if try await store.loadDemo() { logger.notice("docket.demo.ready") }
                if try await store.loadDemoUsers() {
                    logger.notice("docket.demo.users", metadata: ["docket.demo.password": "\(DemoData.password)"])
                }
            }
            logger.notice(
                "docket.serve.ready",
                metadata: [
                    "docket.url": "http://\(configuration.host):\(configuration.port)",
                    "docket.database": "\(configuration.database)",
                ])
        }
        do {
            try await app.runService()
        } catch let error as DocketError {
            throw ValidationError(describe(error))
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date.")
    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let configuration = try options.load()
        let logger = bootstrapLogging(configuration.logLevel)
        let applied = try await Store.withOpened(configuration.database, logger: logger) { try await $0.migrate() }
        print(applied.isEmpty ? "schema is up to date" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the database's invariants (stock, orders, numbering, outbox); exit 1 with a report when any fails.",
        discussion: "Reads one consistent snapshot, so it runs against a live database without stopping it.")
    @OptionGroup var options: DatabaseOptions
    @Option(help: "Findings listed per invariant.") var limit: Int = 20

    func run() async throws {
        let configuration = try options.load()
        let logger = bootstrapLogging(configuration.logLevel)
        let report = try await Store.withOpened(configuration.database, logger: logger) { try await $0.check(limit: max(1, min(limit, 1_000))) }
        for line in report.lines { print(line) }
        if report.isClean {
            print("docket check: all \(Invariant.allCases.count) invariants hold")
        } else {
            print("docket check: \(report.counts.values.filter { $0 > 0 }.count) of \(Invariant.allCases.count) invariants fail")
            throw ExitCode(1)
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo data (customers, products, warehouses, carriers, stock) into an empty database.")
    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let configuration = try options.load()
        let logger = bootstrapLogging(configuration.logLevel)
        let loaded = try await Store.withOpened(configuration.database, logger: logger, policy: configuration.orders) { store in
            try await store.migrate()
            let data = try await store.loadDemo(by: .cli("demo"))
            let users = try await store.loadDemoUsers(by: .cli("demo"))
            return data || users
        }
        print(loaded ? "demo data loaded into \(configuration.database)" : "the database already holds master data; nothing loaded")
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Add.self, Token.self])

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token for a user (for an integration) and print it once; it acts with the user's roles.")
        @OptionGroup var options: DatabaseOptions
        @Option(help: "The user's login name.") var username: String
        @Option(name: .customLong("name"), help: "What the token is for, e.g. 淘宝对接.") var tokenName: String

        func run() async throws {
            let configuration = try options.load()
            let logger = bootstrapLogging(configuration.logLevel)
            do {
                let token = try await Store.withOpened(configuration.database, logger: logger) { store in
                    let user = try await store.auth.user(named: username)
                    return try await store.auth.createAPIToken(for: user.id, name: tokenName, by: .cli()).token
                }
                print(token)
            } catch let error as DocketError {
                throw ValidationError(describe(error))
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user. The password is read from DOCKET_USER_PASSWORD, from standard input with --password-stdin, or asked for.")
        @OptionGroup var options: DatabaseOptions
        @Option(help: "Login name: lower-case letters, digits, '.', '-', '_'.") var username: String
        @Option(name: .customLong("name"), help: "Display name, e.g. 张伟.") var displayName: String
        @Option(name: .customLong("role"), help: "Role (repeatable): \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        var roles: [String]
        @Option(help: "UI language: zh-CN or en.") var language: String = "zh-CN"
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.") var passwordFromStdin = false

        func run() async throws {
            let configuration = try options.load()
            let logger = bootstrapLogging(configuration.logLevel)
            var parsedRoles: [Role] = []
            for role in roles {
                guard let parsed = Role(rawValue: role) else {
                    throw ValidationError("unknown role '\(role)'; roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsedRoles.append(parsed)
            }
            guard let language = Language(rawValue: language) else { throw ValidationError("language must be zh-CN or en") }
            let password = try readPassword()
            let user = User(username: username, displayName: displayName, roles: parsedRoles, language: language)
            do {
                let stored = try await Store.withOpened(configuration.database, logger: logger) { store in
                    try await store.migrate()
                    return try await store.auth.addUser(user, password: password, by: .cli())
                }
                print("added user \(stored.user.username) (id \(stored.id))")
            } catch let error as DocketError {
                throw ValidationError(describe(error))
            }
        }

        func readPassword() throws -> String {
            if let password = ProcessInfo.processInfo.environment["DOCKET_USER_PASSWORD"], !password.isEmpty { return password }
            if passwordFromStdin || isatty(0) == 0 {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("no password on standard input")
                }
                return line
            }
            guard let typed = getpass("Password: ") else { throw ValidationError("no password given") }
            return String(cString: typed)
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import data from files.", subcommands: [Orders.self])

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import offline orders from a CSV file in UTF-8 or GBK/GB18030 (header: \(OrderImport.header.joined(separator: ",")), or the Chinese template's). An order with a bad line is refused whole and reported; other orders are imported; re-importing creates nothing twice.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The CSV file.") var file: String

        func run() async throws {
            let configuration = try options.load()
            let logger = bootstrapLogging(configuration.logLevel)
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            guard let text = decodeCSV(data) else {
                throw ValidationError("\(file) is neither UTF-8 nor GBK/GB18030 text")
            }
            let report = try await Store.withOpened(configuration.database, logger: logger, policy: configuration.orders) { store in
                try await store.migrate()
                return try await store.orders.importOrders(csv: text, by: .cli("import"))
            }
            for order in report.imported {
                print("lines \(order.lines.map(String.init).joined(separator: ",")): \(order.number) \(order.status.rawValue)\(order.alreadyImported ? " (already imported)" : "")")
            }
            for refusal in report.refused {
                let column = refusal.problem.field.isEmpty ? "" : " \(refusal.problem.field):"
                print("line \(refusal.line):\(column) \(refusal.problem.message.text(.en))")
            }
            print("\(report.imported.count) order(s) imported, \(report.refused.count) problem(s)")
        }
    }
}

struct Channel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Marketplace channels.", subcommands: [Secret.self])

    struct Secret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or rotate a channel's signing secret (shop, taobao, jd, pinduoduo) and print it once.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "shop, taobao, jd or pinduoduo") var channel: String

        func run() async throws {
            let configuration = try options.load()
            let logger = bootstrapLogging(configuration.logLevel)
            guard let parsed = OrderChannel(rawValue: channel), parsed.isPlatform else {
                throw ValidationError("channel must be shop, taobao, jd or pinduoduo")
            }
            let secret = try await Store.withOpened(configuration.database, logger: logger) { store in
                try await store.migrate()
                return try await store.auth.rotateChannelSecret(parsed, by: .cli())
            }
            print(secret)
        }
    }
}

struct CarrierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "carrier", abstract: "Carriers.", subcommands: [Secret.self])

    struct Secret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or rotate the secret a carrier signs its tracking pushes with (POST /api/v1/carriers/{code}/events) and print it once.")
        @OptionGroup var options: DatabaseOptions
        @Argument(help: "The carrier's code, as in the carrier master data (e.g. SF)") var code: String

        func run() async throws {
            let configuration = try options.load()
            let logger = bootstrapLogging(configuration.logLevel)
            let secret = try await Store.withOpened(configuration.database, logger: logger) { store in
                try await store.migrate()
                do {
                    return try await store.shipments.rotateCarrierSecret(code, by: .cli())
                } catch DocketError.notFound {
                    throw ValidationError("no carrier has the code \(code)")
                }
            }
            print(secret)
        }
    }
}

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure order throughput: place orders, the raw-SQL baseline, and the TPC-C-like mix (writes data).",
        discussion: """
            Generates a data set (products, customers, stock in every warehouse, rules passing routine orders through
            the four reviews) in an empty database — by default a new scratch SQLite file — then runs, each for
            --seconds with --clients concurrent clients: place_order alone, the raw-SQL baseline (the same place-order
            transaction straight through GRDB or PostgresNIO), and the mix (45 % place order, 43 % confirm, 4 % order
            status, 8 % stock level). --micro measures master-data reads and stock receipts instead.
            """)
    @Option(help: "Database to measure: postgres://… or a SQLite path (it must be empty or a bench data set). Default: a scratch SQLite file.")
    var database: String?
    @Option(help: "Seconds per scenario.") var seconds: Double = 10
    @Option(help: "Concurrent clients.") var clients: Int = 8
    @Option(help: "Products in the generated data set.") var products: Int = 1_000
    @Option(help: "Customers in the generated data set.") var customers: Int = 1_000
    @Option(help: "Orders of history in the generated data set (one day's by default), written by the bulk path before the planner's statistics are gathered, as on a live order desk; 0 starts from no orders.")
    var history: Int = BenchOptions().history
    @Option(name: .customLong("group-commit"), help: "SQLite: on (default) or off.") var groupCommit: String = "on"
    @Option(help: "Also write the figures as JSON to this file (- for standard output).") var json: String?
    @Flag(help: "Measure master-data reads and stock receipts (the earlier micro-benchmarks).") var micro = false
    @Option(help: "Scale run: fill the database to this many orders of history by a bulk path (10000000 for the 10M target), then measure order status, customer order history and the order list's first page there.")
    var orders: Int?
    @Flag(help: "Run the scenarios over HTTP: start docket serve on a loopback port and drive its JSON API with one keep-alive connection per client.")
    var http = false

    func validate() throws {
        guard seconds > 0, seconds <= 3_600 else { throw ValidationError("--seconds must be between 0 and 3600") }
        guard (1...512).contains(clients) else { throw ValidationError("--clients must be between 1 and 512") }
        guard (10...1_000_000).contains(products), (1...1_000_000).contains(customers) else {
            throw ValidationError("--products must be 10–1,000,000 and --customers 1–1,000,000")
        }
        guard ["on", "off"].contains(groupCommit) else { throw ValidationError("--group-commit must be on or off") }
        guard (0...1_000_000).contains(history) else { throw ValidationError("--history must be between 0 and 1,000,000") }
        if let orders, !(1...100_000_000).contains(orders) { throw ValidationError("--orders must be between 1 and 100,000,000") }
        if orders != nil, micro { throw ValidationError("--orders and --micro are different runs: choose one") }
    }

    func run() async throws {
        let logger = bootstrapLogging(.warning)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-\(UUID().uuidString).sqlite").path
        let location = database.map(DatabaseLocation.init) ?? .sqlite(path: scratch)
        defer {
            if database == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
        }
        let quiet = json == "-"
        let progress = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) != 0)
        if !quiet { print("docket bench: \(location), \(clients) clients, \(seconds) s per scenario\(http ? ", over HTTP" : "")") }
        var options = BenchOptions()
        options.seconds = seconds
        options.clients = clients
        options.products = products
        options.customers = customers
        options.history = history
        if http {
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            options.http = HTTPServe(
                executable: executable,
                arguments: ["--database", database ?? scratch, "--group-commit", groupCommit, "--db-pool-size", String(max(clients, 2))])
        }
        let micro = micro, seconds = seconds, clients = clients, chosen = options, scale = orders
        let report = try await Store.withOpened(
            location, logger: logger, maximumConnections: max(clients, 2), groupCommit: groupCommit == "on"
        ) { store -> (any Encodable & Sendable, String)? in
            try await store.migrate()
            if micro {
                _ = try await DocketBench.Bench.run(store: store, seconds: seconds, concurrency: clients) { print($0) }
                return nil
            }
            if let scale {
                let report = try await ScaleBench.run(store: store, orders: scale, options: chosen) { name, fraction in progress.show(name, fraction) }
                return (report, report.text)
            }
            let report = try await MixBench.run(store: store, options: chosen) { name, fraction in progress.show(name, fraction) }
            return (report, report.text)
        }
        progress.finish()
        guard let (report, text) = report else { return }
        if !quiet { print(text) }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(report)
            if json == "-" {
                print(String(decoding: data, as: UTF8.self))
            } else {
                try data.write(to: URL(fileURLWithPath: json))
            }
        }
    }
}

/// A one-line progress bar on standard error, redrawn in place; silent when standard error is not a terminal.
final class ProgressBar: Sendable {
    let enabled: Bool
    init(enabled: Bool) { self.enabled = enabled }

    func show(_ name: String, _ fraction: Double) {
        guard enabled else { return }
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: max(0, width - filled))
        FileHandle.standardError.write(Data("\r\(name.padding(toLength: 16, withPad: " ", startingAt: 0)) [\(bar)] \(Int(fraction * 100)) %\u{1B}[K".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// A domain error as one line of text for the terminal (English: the CLI is for operators).
func describe(_ error: DocketError) -> String {
    switch error {
    case .invalid(let problems):
        return problems.map { "\($0.field): \($0.message.text(.en))" }.joined(separator: "; ")
    case .duplicate(let entity, let field, let value):
        return "\(entity.rawValue) with \(field) '\(value)' already exists"
    case .notFound(let entity, let key):
        return "\(entity.rawValue) '\(key)' not found"
    case .versionConflict(let entity, let key, let current):
        return "\(entity.rawValue) '\(key)' was changed meanwhile (now version \(current))"
    case .archived(let entity, let key):
        return "\(entity.rawValue) '\(key)' is archived"
    case .concurrentRequest(let key):
        return "another request with idempotency key '\(key)' was in progress; retry"
    case .illegalTransition(let number, let from, let action):
        return "order \(number) is \(from.rawValue); \(action.rawValue) is not possible from there"
    case .staleStage(let number, let stage, let now):
        return "order \(number) is no longer in the \(stage.rawValue) review (now \(now.rawValue)); nothing was decided"
    case .conflict(let entity, let key, let because):
        return "\(entity.rawValue) '\(key)': \(Message("error.conflict.\(because)", ["entity": entity.rawValue, "key": key]).text(.en))"
    }
}

/// A CSV file's text: UTF-8 (with or without a BOM), else GB18030 — a superset of GBK, what Excel in China saves.
func decodeCSV(_ data: Data) -> String? {
    if let text = String(data: data, encoding: .utf8) { return text }
    return String(data: data, encoding: String.Encoding(rawValue: 0x8000_0632))  // kCFStringEncodingGB_18030_2000
}
