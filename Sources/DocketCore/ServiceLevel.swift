/// 服务时限 (003): each order type has a window — STOCK 30 days, RUSH and VOR 7 (`OrderPolicy.serviceWindows`) —
/// counted from the customer's confirmation to delivery. What is not delivered when the window ends is late, and the
/// late lines incur a penalty (003: 10 % of the lines' amount, `OrderPolicy.penaltyBasisPoints`), recorded once per
/// order with an exemption path: the customer asked for a later date (003: 客户预约安装的时间), or someone writes
/// down why (情况说明).
public enum ServiceLevel {
    /// The end of the order's service window: confirmation plus the type's days.
    public static func due(confirmedAt: Timestamp, type: OrderType, policy: OrderPolicy) -> Timestamp {
        confirmedAt.adding(days: policy.serviceWindowDays(type))
    }

    /// The moment a promised date is over: the end of that day in Beijing.
    public static func endOfDay(_ date: CalendarDate) -> Timestamp {
        date.adding(days: 1).start(utcOffsetHours: 8)
    }

    /// How an order stands against its deadline: the kanban card's colour.
    public enum Standing: String, Sendable, Codable, CaseIterable, Hashable {
        /// More than a fifth of the window left: green.
        case onTrack = "on_track"
        /// A fifth of the window or less left: amber.
        case atRisk = "at_risk"
        /// Past the deadline and not delivered: red.
        case late
        /// Delivered, completed or closed: nothing to watch.
        case finished
    }

    /// The share of the window under which an order is at risk (20 %).
    public static let atRiskPercent: Int64 = 20

    /// How an order whose deadline is `deadline` stands at `now`, its window being `windowDays` long.
    public static func standing(deadline: Timestamp, windowDays: Int, now: Timestamp, finished: Bool) -> Standing {
        if finished { return .finished }
        let left = deadline.millisecondsSince1970.saturatingSubtracting(now.millisecondsSince1970)
        if left < 0 { return .late }
        let window = Int64(max(windowDays, 1)).saturatingMultiplying(86_400_000)
        // left / window <= 20 %, without dividing.
        return left.saturatingMultiplying(100) <= window.saturatingMultiplying(atRiskPercent) ? .atRisk : .onTrack
    }

    /// Whole days from `now` to `deadline`, rounded towards the deadline's side: positive while time is left (a part
    /// of a day counts as a day left), negative once late (a part of a day counts as a day late).
    public static func daysLeft(deadline: Timestamp, now: Timestamp) -> Int {
        let day: Int64 = 86_400_000
        let left = deadline.millisecondsSince1970.saturatingSubtracting(now.millisecondsSince1970)
        if left >= 0 { return Int((left.saturatingAdding(day - 1)) / day) }
        return -Int((left.saturatingMultiplying(-1).saturatingAdding(day - 1)) / day)
    }

    /// One order line's facts when the window ends.
    public struct LineFacts: Sendable, Hashable {
        public var lineID: ID<OrderLine>
        public var sku: String
        public var ordered: Int64
        /// Carried by shipments the customer signed for.
        public var delivered: Int64
        /// Given up with the customer's agreement (欠货取消): not owed, so not late.
        public var closed: Int64
        /// The line's amount at the agreed price.
        public var amount: Money

        public init(lineID: ID<OrderLine>, sku: String, ordered: Int64, delivered: Int64, closed: Int64, amount: Money) {
            self.lineID = lineID
            self.sku = sku
            self.ordered = ordered
            self.delivered = delivered
            self.closed = closed
            self.amount = amount
        }

        /// What was still owed when the window ended.
        public var late: Int64 { max(0, ordered.saturatingSubtracting(closed).saturatingSubtracting(delivered)) }
    }

    /// A late line as recorded: how much of it was late, the late part's amount and its penalty.
    public struct PenaltyLine: Sendable, Hashable, Codable {
        public var lineId: ID<OrderLine>
        public var sku: String
        public var ordered: Int64
        public var late: Int64
        /// The late part's amount (the line's amount × late ÷ ordered), in minor units.
        public var baseMinor: Int64
        public var penaltyMinor: Int64
    }

    /// Why a penalty is not owed.
    public enum Exemption: String, Sendable, Codable, CaseIterable, Hashable {
        /// The customer asked for a date after the window's end (003: 客户预约的时间).
        case customerDate = "customer_date"
        /// Someone wrote down why (情况说明).
        case explained
    }

    /// What the end of the window decides.
    public struct Assessment: Sendable, Hashable {
        public var lines: [PenaltyLine]
        public var base: Money
        public var penalty: Money
        /// Set when the penalty is exempt from the start (the customer's own later date).
        public var exemption: Exemption?
    }

    /// Assesses the order when its window ends (`due`): nil when nothing was late; otherwise the late lines, each
    /// penalised `basisPoints` of its late part's amount (rounded half up to the fen), and — when the customer
    /// asked for a date after the window's end — exempt from the start. Amounts are bounded at input, and the
    /// arithmetic is checked all the same: an overflow is refused, never a trap.
    public static func assess(lines: [LineFacts], requestedDate: CalendarDate?, due: Timestamp, basisPoints: Int) throws(DocketError) -> Assessment? {
        let currency = lines.first?.amount.currency ?? .cny
        var penaltyLines: [PenaltyLine] = []
        var base: Int64 = 0
        var penalty: Int64 = 0
        for line in lines where line.late > 0 && line.ordered > 0 {
            guard let scaled = line.amount.minor.checkedMultiplying(line.late) else { throw overflow }
            let lineBase = scaled / line.ordered
            let points = Int64(min(max(basisPoints, 0), 10_000))
            guard let product = lineBase.checkedMultiplying(points), let rounded = product.checkedAdding(5_000) else { throw overflow }
            let linePenalty = rounded / 10_000
            guard let nextBase = base.checkedAdding(lineBase), let nextPenalty = penalty.checkedAdding(linePenalty) else { throw overflow }
            base = nextBase
            penalty = nextPenalty
            penaltyLines.append(
                PenaltyLine(lineId: line.lineID, sku: line.sku, ordered: line.ordered, late: line.late, baseMinor: lineBase, penaltyMinor: linePenalty))
        }
        guard !penaltyLines.isEmpty else { return nil }
        let windowEnd = due.date(utcOffsetHours: 8)
        let exemption: Exemption? = requestedDate.map { $0 > windowEnd } == true ? .customerDate : nil
        return Assessment(lines: penaltyLines, base: Money(minor: base, currency: currency), penalty: Money(minor: penalty, currency: currency), exemption: exemption)
    }

    private static var overflow: DocketError { DocketError.invalid("amount", "outOfRange", ["min": "0", "max": Bounds.amount.decimalString]) }

    /// The month a penalty counts in (the window's end, Beijing time), written `YYYY-MM`.
    public static func month(of due: Timestamp) -> String {
        let date = due.date(utcOffsetHours: 8)
        return String(date.iso8601.prefix(7))
    }

    /// A `YYYY-MM` month, checked; its first day.
    public static func parseMonth(_ text: String) -> CalendarDate? {
        guard text.count == 7 else { return nil }
        return CalendarDate.parse(text + "-01")
    }

    /// Parses a penalty rate written as a percentage (`10`, `12.5`, `0`): basis points, 0–100 %.
    public static func parsePercent(_ text: String) -> Int? {
        var trimmed = text.trimmingSpaces()
        if trimmed.hasSuffix("%") { trimmed = String(trimmed.dropLast()).trimmingSpaces() }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int(parts[0]), whole >= 0, whole <= 100, parts[0].allSatisfy(\.isASCII) else { return nil }
        var points = whole * 100
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(fraction) else { return nil }
            points += fraction.count == 1 ? value * 10 : value
        }
        return points <= 10_000 ? points : nil
    }
}

/// The kanban's columns (看板): an open order's stage from intake to delivery. An order on hold stands in the column
/// of the status it was held from (with its hold shown on the card); completed, cancelled and archived orders are not
/// on the board.
public enum BoardColumn: String, Sendable, CaseIterable, Hashable {
    case intake, review, confirmation, preparing, warehouse, transit, delivered

    public var statuses: [OrderStatus] {
        switch self {
        case .intake: [.received, .needsInfo]
        case .review: OrderStatus.reviewStages
        case .confirmation: [.awaitingConfirmation, .suspended]
        case .preparing: [.confirmed, .allocated, .inProduction]
        case .warehouse: [.picking, .packed]
        case .transit: [.partiallyShipped, .shipped]
        case .delivered: [.delivered]
        }
    }

    /// The column an order in `state` stands in; nil when it is not on the board.
    public static func of(_ state: OrderState) -> BoardColumn? {
        let status = state.status == .onHold ? (state.heldFrom ?? .onHold) : state.status
        return allCases.first { $0.statuses.contains(status) }
    }
}

/// A penalty's state: recorded (owed), or exempt with a reason and a note.
public enum PenaltyStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case recorded
    case exempt
}
