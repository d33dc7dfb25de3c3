import DocketCore
import DocketStore
import Logging

/// Docket's whole configuration: one typed value, read once at start-up.
/// Precedence: command line > environment (`DOCKET_*`) > defaults. Every malformed setting is reported at once.
public struct DocketConfiguration: Sendable, Hashable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Where the data lives. Default: the embedded SQLite file `<dataDirectory>/docket.sqlite`.
    public var database: DatabaseLocation
    public var dataDirectory: String = "./docket-data"
    public var logLevel: Logger.Level = .info
    /// Load demo data into an empty database before serving.
    public var demo: Bool = false
    /// Maximum PostgreSQL connections in this node's pool.
    public var databasePoolSize: Int = 20
    /// SQLite: concurrent writes share one transaction (each in its own savepoint) and one commit.
    public var groupCommit: Bool = true
    /// Mark session cookies `Secure`: set when Docket is served over HTTPS (directly or behind a proxy).
    public var secureCookies: Bool = false
    /// Behind a reverse proxy: take the client's address from `X-Forwarded-For` (for login throttling and the
    /// audit log). Only set it when a proxy you run sets that header; otherwise clients could choose their address.
    public var trustProxy: Bool = false
    /// Service windows, the confirmation deadline, its reminder, and what happens when it passes.
    public var orders: OrderPolicy = .standard
    /// How often this node's timer worker looks for due timers (seconds).
    public var timerInterval: Int = 15
    /// Where customers' e-mail goes out; nil: e-mail is written to the log only.
    public var smtp: SMTPSettings?
    /// The SMS gateway; nil: SMS is written to the log only.
    public var sms: SMSGatewaySettings?
    /// The address customers reach Docket at, for links in messages (confirmation, tracking).
    public var publicURL: String?
    /// Attempts of a delivery before it is a dead letter.
    public var deliveryAttempts: Int = DeliveryPolicy().maxAttempts

    /// The base of links in messages: the public URL, or this server's own address.
    public var linkBase: String { publicURL ?? "http://\(host):\(port)" }

    public init(dataDirectory: String = "./docket-data", database: DatabaseLocation? = nil) {
        self.dataDirectory = dataDirectory
        self.database = database ?? .sqlite(path: dataDirectory + "/docket.sqlite")
    }

    /// The settings, as environment variables name them. Command-line options use the same names
    /// (`--host` ↔ `DOCKET_HOST`).
    public enum Key: String, CaseIterable, Sendable {
        case host = "DOCKET_HOST"
        case port = "DOCKET_PORT"
        case databaseURL = "DOCKET_DATABASE_URL"
        case dataDirectory = "DOCKET_DATA_DIR"
        case logLevel = "DOCKET_LOG_LEVEL"
        case demo = "DOCKET_DEMO"
        case databasePoolSize = "DOCKET_DB_POOL_SIZE"
        case groupCommit = "DOCKET_GROUP_COMMIT"
        case secureCookies = "DOCKET_SECURE_COOKIES"
        case trustProxy = "DOCKET_TRUST_PROXY"
        case confirmationHours = "DOCKET_CONFIRMATION_HOURS"
        case reminderHours = "DOCKET_CONFIRMATION_REMINDER_HOURS"
        case confirmationExpiry = "DOCKET_CONFIRMATION_EXPIRY"
        case serviceWindows = "DOCKET_SERVICE_WINDOWS"
        case penaltyPercent = "DOCKET_PENALTY_PERCENT"
        case timerInterval = "DOCKET_TIMER_INTERVAL"
        case maxWarehouses = "DOCKET_MAX_WAREHOUSES"
        case softReservationHours = "DOCKET_SOFT_RESERVATION_HOURS"
        case minimumShelfLife = "DOCKET_MINIMUM_SHELF_LIFE"
        case preemptSoftReservations = "DOCKET_PREEMPT_SOFT_RESERVATIONS"
        case archiveAfterDays = "DOCKET_ARCHIVE_AFTER_DAYS"
        case shippingModes = "DOCKET_SHIPPING_MODES"
        case packing = "DOCKET_PACKING"
        case smtp = "DOCKET_SMTP"
        case sms = "DOCKET_SMS"
        case publicURL = "DOCKET_PUBLIC_URL"
        case deliveryAttempts = "DOCKET_DELIVERY_ATTEMPTS"
        case silentShipmentHours = "DOCKET_SILENT_SHIPMENT_HOURS"

        public var option: String {
            switch self {
            case .host: "--host"
            case .port: "--port"
            case .databaseURL: "--database"
            case .dataDirectory: "--data-dir"
            case .logLevel: "--log-level"
            case .demo: "--demo"
            case .databasePoolSize: "--db-pool-size"
            case .groupCommit: "--group-commit"
            case .secureCookies: "--secure-cookies"
            case .trustProxy: "--trust-proxy"
            case .confirmationHours: "--confirmation-hours"
            case .reminderHours: "--confirmation-reminder-hours"
            case .confirmationExpiry: "--confirmation-expiry"
            case .serviceWindows: "--service-windows"
            case .penaltyPercent: "--penalty-percent"
            case .timerInterval: "--timer-interval"
            case .maxWarehouses: "--max-warehouses"
            case .softReservationHours: "--soft-reservation-hours"
            case .minimumShelfLife: "--minimum-shelf-life"
            case .preemptSoftReservations: "--preempt-soft-reservations"
            case .archiveAfterDays: "--archive-after-days"
            case .shippingModes: "--shipping-modes"
            case .packing: "--packing"
            case .smtp: "--smtp"
            case .sms: "--sms"
            case .publicURL: "--public-url"
            case .deliveryAttempts: "--delivery-attempts"
            case .silentShipmentHours: "--silent-shipment-hours"
            }
        }
    }

    /// Reads the configuration. `commandLine` holds the options given on the command line, by key.
    public static func load(commandLine: [Key: String] = [:], environment: [String: String]) throws(ConfigurationError)
        -> DocketConfiguration
    {
        func value(_ key: Key) -> (text: String, source: String)? {
            if let text = commandLine[key] { return (text, key.option) }
            if let text = environment[key.rawValue], !text.isEmpty { return (text, key.rawValue) }
            return nil
        }
        var problems: [String] = []
        var configuration = DocketConfiguration(dataDirectory: value(.dataDirectory)?.text ?? "./docket-data")
        if let (text, _) = value(.host) { configuration.host = text }
        if let (text, source) = value(.port) {
            if let port = Int(text), (1...65535).contains(port) { configuration.port = port } else {
                problems.append("\(source): '\(text)' is not a port number (1–65535)")
            }
        }
        if let (text, source) = value(.databaseURL) {
            let location = DatabaseLocation(text)
            if case .sqlite(let path) = location, path.isEmpty || text.contains("://") && !text.hasPrefix("sqlite://") {
                problems.append("\(source): '\(text)' is neither postgres://user@host:5432/db nor a SQLite file path")
            } else {
                configuration.database = location
            }
        }
        if let (text, source) = value(.logLevel) {
            if let level = Logger.Level(rawValue: text.lowercased()) { configuration.logLevel = level } else {
                problems.append(
                    "\(source): '\(text)' is not a log level (trace, debug, info, notice, warning, error, critical)")
            }
        }
        for (key, apply) in [
            (Key.demo, { configuration.demo = $0 }), (.secureCookies, { configuration.secureCookies = $0 }),
            (.trustProxy, { configuration.trustProxy = $0 }), (.groupCommit, { configuration.groupCommit = $0 }),
            (.preemptSoftReservations, { configuration.orders.allocation.preemptSoftReservations = $0 }),
        ]
            as [(Key, (Bool) -> Void)]
        {
            guard let (text, source) = value(key) else { continue }
            switch text.lowercased() {
            case "1", "true", "yes", "on": apply(true)
            case "0", "false", "no", "off": apply(false)
            default: problems.append("\(source): '\(text)' is not true or false")
            }
        }
        if let (text, source) = value(.databasePoolSize) {
            if let size = Int(text), (1...500).contains(size) { configuration.databasePoolSize = size } else {
                problems.append("\(source): '\(text)' is not a pool size (1–500)")
            }
        }
        func integer(_ key: Key, _ range: ClosedRange<Int>, _ what: String, _ apply: (Int) -> Void) {
            guard let (text, source) = value(key) else { return }
            if let number = Int(text), range.contains(number) { apply(number) } else {
                problems.append("\(source): '\(text)' is not \(what) (\(range.lowerBound)–\(range.upperBound))")
            }
        }
        integer(.confirmationHours, 1...720, "a number of hours") { configuration.orders.confirmationHours = $0 }
        integer(.reminderHours, 0...719, "a number of hours") { configuration.orders.reminderHoursBefore = $0 }
        integer(.archiveAfterDays, 0...3650, "a number of days") { configuration.orders.archiveAfterDays = $0 }
        integer(.silentShipmentHours, ExceptionWatch.hoursBounds, "a number of hours") { configuration.orders.exceptionWatch.silentShipmentHours = $0 }
        integer(.timerInterval, 1...3600, "a number of seconds") { configuration.timerInterval = $0 }
        integer(.deliveryAttempts, DeliveryPolicy.attemptsBounds, "a number of attempts") { configuration.deliveryAttempts = $0 }
        if let (text, source) = value(.smtp) {
            switch SMTPSettings.parse(text) {
            case .success(let settings): configuration.smtp = settings
            case .failure(let error): problems.append("\(source): \(error)")
            }
        }
        if let (text, source) = value(.sms) {
            switch SMSGatewaySettings.parse(text) {
            case .success(let settings): configuration.sms = settings
            case .failure(let error): problems.append("\(source): \(error)")
            }
        }
        if let (text, source) = value(.publicURL) {
            if WebAddress.isValid(text) {
                configuration.publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                problems.append("\(source): '\(text)' is not an http:// or https:// address")
            }
        }
        integer(.maxWarehouses, 1...5, "a number of warehouses") { configuration.orders.allocation.maxWarehouses = $0 }
        integer(.softReservationHours, 1...2160, "a number of hours") { configuration.orders.allocation.softReservationHours = $0 }
        if let (text, source) = value(.minimumShelfLife) {
            if let minimum = AllocationPolicy.MinimumShelfLife(text) { configuration.orders.allocation.minimumShelfLife = minimum } else {
                problems.append("\(source): '\(text)' is neither days like 30d (0–3650) nor a share like 33% (0–100)")
            }
        }
        if configuration.orders.reminderHoursBefore >= configuration.orders.confirmationHours {
            problems.append("\(Key.reminderHours.rawValue): the reminder must come before the deadline (fewer hours than \(Key.confirmationHours.rawValue))")
        }
        if let (text, source) = value(.confirmationExpiry) {
            switch text.lowercased() {
            case "suspend": configuration.orders.onExpiry = .suspend
            case "cancel": configuration.orders.onExpiry = .cancel
            default: problems.append("\(source): '\(text)' is neither suspend nor cancel")
            }
        }
        if let (text, source) = value(.serviceWindows) {
            if let windows = OrderPolicy.parseWindows(text) { configuration.orders.serviceWindows = windows } else {
                problems.append("\(source): '\(text)' is not like STOCK=30,RUSH=7,VOR=7 (days 1–365)")
            }
        }
        if let (text, source) = value(.penaltyPercent) {
            if let points = ServiceLevel.parsePercent(text) { configuration.orders.penaltyBasisPoints = points } else {
                problems.append("\(source): '\(text)' is not a percentage from 0 to 100 (at most two decimals), e.g. 10")
            }
        }
        if let (text, source) = value(.shippingModes) {
            if let rules = ModeRules.parse(text) { configuration.orders.modeRules = rules } else {
                problems.append(
                    "\(source): '\(text)' is not like small-kg=20,small-litres=100,valuable-yuan=5000,heavy-kg=100,bulky-litres=1000,rail-km=800,air-km=1000,volumetric=6000")
            }
        }
        if let (text, source) = value(.packing) {
            if let rules = PackingRules.parse(text) { configuration.orders.packingRules = rules } else {
                problems.append("\(source): '\(text)' is not like max-kg=30,max-litres=120,max-packages=200 (at most 10000 kg and 100000 litres)")
            }
        }
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return configuration
    }
}

/// Every setting that could not be read, named, so start-up fails once with the whole list.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { "invalid configuration:\n  " + problems.joined(separator: "\n  ") }
}
