/// How a message reaches someone: the customer by e-mail or SMS, a connected system by webhook.
public enum DeliveryChannel: String, Sendable, Codable, CaseIterable, Hashable {
    case email, sms, webhook
}

/// Where a delivery stands: waiting (first try or a retry), sent, or given up after the last attempt (a dead
/// letter, sent again only by a person).
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case pending, delivered, dead
}

/// What the message to the customer is about, read when the relay hands the outbox row on: the order as it is
/// then, plus what the event itself carried (a deadline, a tracking number …).
public struct NoticeFacts: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var name: String
        public var quantity: Int64
        public var unit: String
        public var amount: Money

        public init(name: String, quantity: Int64, unit: String, amount: Money) {
            self.name = name
            self.quantity = quantity
            self.unit = unit
            self.amount = amount
        }
    }

    public var number: String
    public var customerName: String
    public var lines: [Line] = []
    public var total: Money?
    /// Days the order type takes (`acknowledged`).
    public var processingDays: Int?
    /// The confirmation deadline (`confirmationRequested`, `confirmationReminder`).
    public var deadline: Timestamp?
    /// What intake found missing (`needsInfo`).
    public var problems: [FieldProblem] = []
    public var revision: Int64?
    /// The customer's words (`changeRequested`), or what holds production up (`delayed`).
    public var message: String?
    public var newDate: CalendarDate?
    public var shipment: String?
    public var carrier: String?
    public var trackingNumber: String?
    public var eta: CalendarDate?
    /// The exception (`exceptionOpened`, `exceptionResolved`): its number, kind and resolution; `amount` refunded or
    /// credited.
    public var exception: String?
    public var exceptionKind: ExceptionKind?
    public var resolution: ExceptionResolution?
    public var amount: Money?

    public init(number: String, customerName: String) {
        self.number = number
        self.customerName = customerName
    }
}

/// A message in words: the e-mail's subject and body, and the SMS text.
public struct Notice: Sendable, Hashable {
    public var subject: String
    public var body: String
    public var sms: String
}

/// The customer's messages, one template per topic and language (`notice.<topic>.subject|body|sms` in the
/// catalogue, with `{number}`, `{customer}`, `{lines}`, `{total}` …). Pure: the relay reads the facts and sends.
public enum CustomerNotice {
    /// Whether the customer should still get a message of `topic` about an order now in `status`: a request to
    /// confirm (or its reminder) only while the order waits for confirmation — once it was confirmed, cancelled or
    /// suspended, asking is wrong and its link would be closed. Every other message tells what happened, and goes.
    public static func isCurrent(_ topic: NotificationTopic, status: OrderStatus) -> Bool {
        switch topic {
        case .confirmationRequested, .confirmationReminder: status == .awaitingConfirmation
        default: true
        }
    }

    /// Stands for the confirmation link in a rendered message until it is sent: the link is minted only then, so
    /// no usable link lies in the database.
    public static let linkPlaceholder = "{{confirmation-link}}"
    /// Stands for a fresh link to the order's tracking page (客户自助查询), minted when the message is sent.
    public static let trackPlaceholder = "{{tracking-link}}"

    /// Topics whose message asks the customer to confirm, and so carries a fresh link.
    public static func carriesLink(_ topic: NotificationTopic) -> Bool {
        topic == .confirmationRequested || topic == .confirmationReminder
    }

    /// Which channel tells the customer: e-mail when the customer has an address, else SMS to a mobile number; nil
    /// when there is neither (the event still goes to webhooks). One channel only, so a confirmation link is minted
    /// once per message.
    public static func channel(email: String?, phone: String?) -> (channel: DeliveryChannel, recipient: String)? {
        if let email = email?.trimmingSpaces(), !email.isEmpty { return (.email, email) }
        if let phone = phone?.trimmingSpaces(), isMobile(phone) { return (.sms, phone) }
        return nil
    }

    /// A mainland mobile number: 11 digits starting with 1 (an optional +86 in front). Landlines get no SMS.
    public static func isMobile(_ phone: String) -> Bool {
        var digits = phone.filter { $0 != " " && $0 != "-" }
        if digits.hasPrefix("+86") { digits.removeFirst(3) }
        return digits.count == 11 && digits.first == "1" && digits.allSatisfy(\.isASCIIDigit)
    }

    public static func render(_ topic: NotificationTopic, _ facts: NoticeFacts, in language: Language) -> Notice {
        let arguments = self.arguments(facts, language)
        let key = "notice.\(topic.rawValue.replacingAll("order.", with: ""))"
        func text(_ part: String) -> String { Message("\(key).\(part)", arguments).text(language) }
        return Notice(subject: text("subject"), body: text("body") + "\n\n" + Message("notice.footer").text(language), sms: text("sms"))
    }

    static func arguments(_ facts: NoticeFacts, _ language: Language) -> [String: String] {
        var arguments: [String: String] = [
            "number": facts.number, "customer": facts.customerName,
            "total": facts.total?.formatted ?? "—",
            "days": facts.processingDays.map(String.init) ?? "—",
            "deadline": facts.deadline.map(chinaTime) ?? "—",
            "link": linkPlaceholder,
            "track": trackPlaceholder,
            "revision": facts.revision.map(String.init) ?? "—",
            "message": facts.message ?? "—",
            "newDate": facts.newDate?.iso8601 ?? "—",
            "shipment": facts.shipment ?? "—",
            "carrier": facts.carrier ?? "—",
            "tracking": facts.trackingNumber ?? "—",
            "eta": facts.eta?.iso8601 ?? "—",
            "exception": facts.exception ?? "—",
            "problem": facts.exceptionKind.map { Message("exception.kind.\($0.rawValue)").text(language) } ?? "—",
            "resolution": facts.resolution.map { Message("notice.resolution.\($0.rawValue)", ["amount": facts.amount?.formatted ?? "—", "shipment": facts.shipment ?? "—"]).text(language) } ?? "—",
            "amount": facts.amount?.formatted ?? "—",
        ]
        arguments["lines"] = facts.lines.map { line in
            Message("notice.line", ["name": line.name, "quantity": String(line.quantity), "unit": line.unit, "amount": line.amount.formatted])
                .text(language)
        }.joined(separator: "\n")
        arguments["problems"] = facts.problems.map { problem in
            "- " + FieldLabel.problem(problem, in: language)
        }.joined(separator: "\n")
        return arguments
    }

    /// A time as the customer reads it: Beijing time, to the minute.
    static func chinaTime(_ time: Timestamp) -> String {
        let local = time.adding(milliseconds: 8 * 3_600_000)
        let minutes = (local.millisecondsSince1970 / 60_000) % 1_440
        let clock = (minutes < 0 ? minutes + 1_440 : minutes)
        let hh = clock / 60, mm = clock % 60
        return "\(time.date(utcOffsetHours: 8).iso8601) \(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
    }
}

/// How often a failed delivery is tried again: after 30 s, doubling up to an hour, and after `maxAttempts` it is a
/// dead letter.
public struct DeliveryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public static let attemptsBounds = 1...50

    public init(maxAttempts: Int = 8) { self.maxAttempts = maxAttempts }

    /// After the `attempts`-th failed attempt: the delay before the next one, or nil when it was the last.
    public func retryDelayMilliseconds(afterAttempt attempts: Int) -> Int64? {
        guard attempts < maxAttempts else { return nil }
        let shift = Int64(min(max(attempts - 1, 0), 7))
        return min(Int64(30_000) << shift, 3_600_000)
    }
}

/// A connected system that wants to hear about order events (a webhook): where to post, which topics (none listed
/// means every topic), and whether it is switched on. The secret signs each delivery; it is made by Docket.
public struct WebhookSubscriptionDraft: Sendable, Hashable, Codable {
    public var name: String
    public var url: String
    public var topics: [String]
    public var active: Bool

    public init(name: String, url: String, topics: [String] = [], active: Bool = true) {
        self.name = name
        self.url = url
        self.topics = topics
        self.active = active
    }

    private enum CodingKeys: String, CodingKey { case name, url, topics, active }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(.name, default: "")
        url = try c.decode(.url, default: "")
        topics = try c.decode(.topics, default: [])
        active = try c.decode(.active, default: true)
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.text(name, "name", max: 100)
        v.text(url, "url", max: 500)
        if !url.isEmpty && !WebAddress.isValid(url) { v.add("url", "invalidURL") }
        v.count(topics, "topics", max: NotificationTopic.allCases.count)
        for (i, topic) in topics.enumerated() where NotificationTopic(rawValue: topic) == nil {
            v.add("topics[\(i)]", "invalidValue", ["allowed": NotificationTopic.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        try v.check()
    }

    /// Whether a message of `topic` goes to this subscription.
    public func wants(_ topic: String) -> Bool { active && (topics.isEmpty || topics.contains(topic)) }
}

/// An address Docket posts to or links to: `http://` or `https://` with a host, and nothing that is not printable
/// ASCII.
public enum WebAddress {
    public static func isValid(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard let rest = lower.hasPrefix("https://") ? lower.dropFirst(8) : lower.hasPrefix("http://") ? lower.dropFirst(7) : nil else {
            return false
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !host.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }
}

/// Why a delivery failed, in a word people can act on; the stored error is `kind: detail` (the detail is technical,
/// kept for whoever looks into it). Errors stored before kinds existed read as `other`.
public enum DeliveryFailure: String, Sendable, CaseIterable, Hashable {
    /// No connection to the mail server or the receiver (refused, reset, name not found).
    case unreachable
    /// No answer in time.
    case timeout
    /// The mail server refused the message (an address that does not exist, a policy).
    case rejected
    /// The receiver answered with an error status.
    case receiverError = "receiver_error"
    /// The message carried a confirmation link, and the order no longer waits for confirmation.
    case linkClosed = "link_closed"
    /// The settings do not allow it (TLS required and not offered).
    case settings
    /// The webhook subscription is gone.
    case noSubscription = "no_subscription"
    case other

    public func stored(_ detail: String) -> String { "\(rawValue): \(detail)" }

    /// The kind and the detail of a stored error.
    public static func parse(_ stored: String) -> (kind: DeliveryFailure, detail: String) {
        if let colon = stored.firstIndex(of: ":"), let kind = DeliveryFailure(rawValue: String(stored[..<colon])) {
            return (kind, String(stored[stored.index(after: colon)...]).trimmingSpaces())
        }
        return (.other, stored)
    }
}
