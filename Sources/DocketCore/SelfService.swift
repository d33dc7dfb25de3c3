/// 客户自助查询 (DOMAIN §7): what the customer sees of an order — where it is in words of their own, never the
/// desk's internal steps — how a phone number proves it is theirs, and the problem they can report from it.

/// The order's stage as the customer sees it: the four reviews are one "being processed", holds and suspensions one
/// "paused", and so on.
public enum CustomerPhase: String, Sendable, CaseIterable, Hashable {
    case received, awaitingYou = "awaiting_you", preparing, partlyShipped = "partly_shipped", shipped, delivered, completed, cancelled, paused

    public static func of(_ status: OrderStatus) -> CustomerPhase {
        switch status {
        case .received, .needsInfo, .reviewSales, .reviewFinance, .reviewInventory, .reviewFinal: .received
        case .awaitingConfirmation: .awaitingYou
        case .confirmed, .allocated, .inProduction, .picking, .packed: .preparing
        case .partiallyShipped: .partlyShipped
        case .shipped: .shipped
        case .delivered: .delivered
        case .completed, .archived: .completed
        case .cancelled: .cancelled
        case .onHold, .suspended: .paused
        }
    }

    /// The milestones shown as steps, in order.
    public static let steps: [CustomerPhase] = [.received, .preparing, .shipped, .delivered]
}

/// A phone number as the customer types it and as the order keeps it: only the digits count, and a mainland
/// number may carry the country code (+86, 0086).
public enum PhoneMatch {
    public static func digits(_ text: String) -> String {
        var digits = String(text.unicodeScalars.filter { $0.properties.numericType != nil && $0.isASCII }.map(Character.init))
        for prefix in ["0086", "86"] where digits.hasPrefix(prefix) && digits.count == prefix.count + 11 {
            digits = String(digits.dropFirst(prefix.count))
        }
        return digits
    }

    /// Whether `typed` is one of `known` (at least 7 digits, so a short guess never matches).
    public static func matches(_ typed: String, any known: [String]) -> Bool {
        let wanted = digits(typed)
        guard wanted.count >= 7 else { return false }
        return known.contains { digits($0) == wanted }
    }
}

/// What went wrong (异常).
public enum ExceptionKind: String, Sendable, Codable, CaseIterable, Hashable {
    case delay, lost, damaged, quality, wrongGoods = "wrong_goods", other

    /// How bad it is when nobody says otherwise: goods lost, damaged or wrong are high; a delay or a quality question
    /// normal.
    public var defaultSeverity: ExceptionSeverity {
        switch self {
        case .lost, .damaged, .wrongGoods: .high
        case .delay, .quality, .other: .normal
        }
    }
}

public enum ExceptionSeverity: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    case low, normal, high, critical

    /// Hours to handle it in (critical 4, high 24, normal 48, low 72).
    public var hoursToHandle: Int {
        switch self {
        case .critical: 4
        case .high: 24
        case .normal: 48
        case .low: 72
        }
    }

    var rank: Int { ExceptionSeverity.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// Who raised it.
public enum ExceptionSource: String, Sendable, Codable, CaseIterable, Hashable {
    case staff, customer, carrier, system
}

public enum ExceptionStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case open, resolved
}

/// A problem the customer reports from the tracking page: what kind, in their words, and how to reach them.
public struct ProblemReport: Sendable, Hashable, Codable {
    public var kind: ExceptionKind
    public var description: String
    public var contact: String?

    public init(kind: ExceptionKind, description: String, contact: String? = nil) {
        self.kind = kind
        self.description = description
        self.contact = contact
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.text(description, "description", max: 1000, multiline: true)
        v.optionalText(contact, "contact", max: 100)
        try v.check()
    }

    /// When it must be handled by, reported at `now`.
    public func due(at now: Timestamp) -> Timestamp {
        now.adding(milliseconds: Int64(kind.defaultSeverity.hoursToHandle) * 3_600_000)
    }
}

/// The limits on looking an order up by number and phone: failures allowed per order number and per address within
/// the window, before further tries are refused for a while.
public struct LookupPolicy: Sendable, Hashable {
    public var windowMilliseconds: Int64 = 15 * 60_000
    public var failuresPerOrder = 5
    public var failuresPerAddress = 10
    /// Days a tracking link lasts.
    public var linkDays = 90

    public init() {}
    public static let standard = LookupPolicy()
}
