/// 生产安排与跟踪 (DOMAIN §6): make-to-order goods, and the part of a line stock cannot cover when the desk chooses to
/// produce it, become production orders with operations, milestones and a due date. Custom specifications are
/// confirmed with the customer before production starts. Progress reports say what was made, which operation is
/// done, what went wrong and when it will now finish; a report or a missed milestone that threatens the promised
/// date flags the order, tells the customer and opens a new-date agreement. Output enters stock. Pure: the store
/// reads the order and applies what is decided here.
public struct ProductionOrder: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// 待确认规格: a custom specification the customer has not confirmed yet; production may not start.
        case awaitingSpec
        /// 待开工.
        case planned
        /// 生产中.
        case inProgress
        /// 已完工: everything made and in stock.
        case completed
        /// 已取消.
        case cancelled

        public var isOpen: Bool { self != .completed && self != .cancelled }
    }

    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case confirmSpec, start, report, cancel
    }

    /// The status `action` leads to, or nil when it may not be taken. A report while in progress stays in progress
    /// (the store completes the order when everything is made); nothing is cancelled once work has started.
    public static func next(_ status: Status, _ action: Action) -> Status? {
        switch (status, action) {
        case (.awaitingSpec, .confirmSpec): .planned
        case (.planned, .start): .inProgress
        case (.inProgress, .report): .inProgress
        case (.awaitingSpec, .cancel), (.planned, .cancel): .cancelled
        default: nil
        }
    }

    public struct Operation: Sendable, Hashable, Codable {
        public var name: String
        public var done: Bool

        public init(name: String, done: Bool = false) {
            self.name = name
            self.done = done
        }
    }

    public struct Milestone: Sendable, Hashable, Codable {
        public var name: String
        public var due: CalendarDate
        public var reachedAt: Timestamp?

        public init(name: String, due: CalendarDate, reachedAt: Timestamp? = nil) {
            self.name = name
            self.due = due
            self.reachedAt = reachedAt
        }
    }

    public var id: ID<ProductionOrder>
    public var number: String
    public var sku: String
    public var productName: String
    /// Where the output goes into stock.
    public var warehouseCode: String
    public var quantity: Int64
    public var produced: Int64
    public var status: Status
    public var dueDate: CalendarDate
    /// When production now expects to finish (from the last report or a missed milestone).
    public var expectedDate: CalendarDate?
    /// The promised date is threatened: the order is flagged and a new date is being agreed.
    public var atRisk: Bool
    /// 定制规格: what the customer asked for, confirmed before production starts.
    public var specification: String?
    /// How the customer confirmed it (电话，王经理确认 …).
    public var specConfirmation: String?
    public var orderID: ID<Order>?
    public var lineID: ID<OrderLine>?
    public var operations: [Operation]
    public var milestones: [Milestone]
    public var createdBy: String
    public var createdAt: Timestamp
    public var version: Int64

    public init(
        id: ID<ProductionOrder>, number: String, sku: String, productName: String, warehouseCode: String, quantity: Int64, produced: Int64,
        status: Status, dueDate: CalendarDate, expectedDate: CalendarDate?, atRisk: Bool, specification: String?, specConfirmation: String?,
        orderID: ID<Order>?, lineID: ID<OrderLine>?, operations: [Operation], milestones: [Milestone], createdBy: String, createdAt: Timestamp,
        version: Int64
    ) {
        self.id = id
        self.number = number
        self.sku = sku
        self.productName = productName
        self.warehouseCode = warehouseCode
        self.quantity = quantity
        self.produced = produced
        self.status = status
        self.dueDate = dueDate
        self.expectedDate = expectedDate
        self.atRisk = atRisk
        self.specification = specification
        self.specConfirmation = specConfirmation
        self.orderID = orderID
        self.lineID = lineID
        self.operations = operations
        self.milestones = milestones
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.version = version
    }

    /// Late: open, and past its due date or expected after it.
    public func isLate(today: CalendarDate) -> Bool {
        status.isOpen && (dueDate < today || (expectedDate.map { $0 > dueDate } ?? false))
    }

    /// The first milestone not reached by its due date, as of `today`.
    public func missedMilestone(today: CalendarDate) -> Milestone? {
        milestones.first { $0.reachedAt == nil && $0.due < today }
    }

    /// Whether a slip to `date` is news: the order was not at risk yet, or now expects another date. The customer is
    /// told once per new date, not at every report that repeats it.
    public func isNewSlip(_ date: CalendarDate?) -> Bool {
        guard let date else { return false }
        return !atRisk || date != expectedDate
    }

    /// When the next milestone check is due: the day after the earliest milestone not yet reached.
    public var nextMilestoneCheck: CalendarDate? {
        milestones.filter { $0.reachedAt == nil }.map(\.due).min()?.adding(days: 1)
    }
}

/// A production order asked for.
public struct ProductionDraft: Sendable, Hashable, Codable {
    public struct MilestoneDraft: Sendable, Hashable, Codable {
        public var name: String
        public var due: CalendarDate?

        public init(name: String, due: CalendarDate?) {
            self.name = name
            self.due = due
        }
    }

    public var sku: String
    public var quantity: Int64
    public var warehouseCode: String
    public var dueDate: CalendarDate?
    public var operations: [String]
    public var milestones: [MilestoneDraft]
    public var specification: String?
    public var orderId: ID<Order>?
    public var lineId: ID<OrderLine>?

    public init(
        sku: String, quantity: Int64, warehouseCode: String, dueDate: CalendarDate?, operations: [String] = [], milestones: [MilestoneDraft] = [],
        specification: String? = nil, orderId: ID<Order>? = nil, lineId: ID<OrderLine>? = nil
    ) {
        self.sku = sku
        self.quantity = quantity
        self.warehouseCode = warehouseCode
        self.dueDate = dueDate
        self.operations = operations
        self.milestones = milestones
        self.specification = specification
        self.orderId = orderId
        self.lineId = lineId
    }

    private enum CodingKeys: String, CodingKey { case sku, quantity, warehouseCode, dueDate, operations, milestones, specification, orderId, lineId }

    /// Missing fields decode as empty, so validation names each of them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sku = try c.decode(.sku, default: "")
        quantity = try c.decode(.quantity, default: 0)
        warehouseCode = try c.decode(.warehouseCode, default: "")
        dueDate = try c.decodeIfPresent(CalendarDate.self, forKey: .dueDate)
        operations = try c.decode(.operations, default: [])
        milestones = try c.decode(.milestones, default: [])
        specification = try c.decodeIfPresent(String.self, forKey: .specification)
        orderId = try c.decodeIfPresent(ID<Order>.self, forKey: .orderId)
        lineId = try c.decodeIfPresent(ID<OrderLine>.self, forKey: .lineId)
    }

    /// Operations and milestones are named and at most 20 each; milestones fall on or before the due date, which is
    /// not in the past.
    public func validate(today: CalendarDate) throws(DocketError) {
        var v = Validator()
        v.code(sku, "sku")
        v.range(quantity, "quantity", 1...Bounds.quantity)
        v.code(warehouseCode, "warehouseCode", max: 20)
        if let dueDate {
            if dueDate < today { v.add("dueDate", "dateInPast", ["value": dueDate.iso8601]) }
        } else {
            v.add("dueDate", "required")
        }
        if operations.count > 20 { v.add("operations", "tooMany", ["max": "20"]) }
        for (index, name) in operations.prefix(20).enumerated() { v.text(name, "operations[\(index)]", max: 60) }
        if milestones.count > 20 { v.add("milestones", "tooMany", ["max": "20"]) }
        for (index, milestone) in milestones.prefix(20).enumerated() {
            v.nested("milestones[\(index)]") { v in
                v.text(milestone.name, "name", max: 60)
                if let due = milestone.due {
                    if let dueDate, due > dueDate { v.add("due", "milestoneAfterDue") }
                } else {
                    v.add("due", "required")
                }
            }
        }
        v.optionalText(specification, "specification", max: 2000, multiline: true)
        try v.check()
    }
}

/// 生产进度汇报: what was made since the last report, an operation finished, a milestone reached, a problem, and
/// when production now expects to finish.
public struct ProgressReport: Sendable, Hashable, Codable {
    public var produced: Int64
    public var operation: String?
    public var milestone: String?
    public var problem: String?
    public var expectedDate: CalendarDate?
    /// The production order's version as the reporter read it: a report sent twice is a 409, never booked twice.
    public var version: Int64?

    public init(
        produced: Int64 = 0, operation: String? = nil, milestone: String? = nil, problem: String? = nil, expectedDate: CalendarDate? = nil,
        version: Int64? = nil
    ) {
        self.produced = produced
        self.operation = operation
        self.milestone = milestone
        self.problem = problem
        self.expectedDate = expectedDate
        self.version = version
    }

    private enum CodingKeys: String, CodingKey { case produced, operation, milestone, problem, expectedDate, version }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        produced = try c.decode(.produced, default: 0)
        operation = try c.decodeIfPresent(String.self, forKey: .operation)
        milestone = try c.decodeIfPresent(String.self, forKey: .milestone)
        problem = try c.decodeIfPresent(String.self, forKey: .problem)
        expectedDate = try c.decodeIfPresent(CalendarDate.self, forKey: .expectedDate)
        version = try c.decodeIfPresent(Int64.self, forKey: .version)
    }
}

public enum Production {
    /// What a report does to the order: the new produced total, its operations and milestones, whether it is now
    /// complete, and the date it now expects to finish. Refuses more output than is left, an operation or
    /// milestone the order does not have, and an empty report.
    public struct Progress: Sendable, Hashable {
        public var produced: Int64
        public var complete: Bool
        public var operations: [ProductionOrder.Operation]
        public var milestones: [ProductionOrder.Milestone]
        public var expectedDate: CalendarDate?
    }

    public static func apply(_ report: ProgressReport, to order: ProductionOrder, at now: Timestamp) throws(DocketError) -> Progress {
        var v = Validator()
        if ProductionOrder.next(order.status, .report) == nil { v.add("status", "productionNotStarted", ["status": order.status.rawValue]) }
        let left = order.quantity - order.produced
        if report.produced < 0 || report.produced > left { v.add("produced", "overProduction", ["max": String(max(0, left))]) }
        v.optionalText(report.operation, "operation", max: 60)
        v.optionalText(report.milestone, "milestone", max: 60)
        v.optionalText(report.problem, "problem", max: 2000, multiline: true)
        var operations = order.operations
        if let name = report.operation?.trimmingSpaces(), !name.isEmpty {
            if let index = operations.firstIndex(where: { $0.name == name }) { operations[index].done = true } else {
                v.add("operation", "unknownOperation", ["value": name])
            }
        }
        var milestones = order.milestones
        if let name = report.milestone?.trimmingSpaces(), !name.isEmpty {
            if let index = milestones.firstIndex(where: { $0.name == name }) {
                if milestones[index].reachedAt == nil { milestones[index].reachedAt = now }
            } else {
                v.add("milestone", "unknownMilestone", ["value": name])
            }
        }
        let empty = report.produced == 0 && (report.operation ?? "").trimmingSpaces().isEmpty && (report.milestone ?? "").trimmingSpaces().isEmpty
            && (report.problem ?? "").trimmingSpaces().isEmpty && report.expectedDate == nil
        if empty { v.add("produced", "emptyReport") }
        try v.check()
        let produced = order.produced + report.produced
        return Progress(
            produced: produced, complete: produced >= order.quantity, operations: operations, milestones: milestones,
            expectedDate: report.expectedDate ?? order.expectedDate)
    }

    /// The new date to agree with the customer when production now finishes after the date the order was promised
    /// (or, without an order, after its own due date); nil when the date still holds.
    public static func slip(expected: CalendarDate?, due: CalendarDate, promised: CalendarDate?) -> CalendarDate? {
        guard let expected else { return nil }
        return expected > (promised ?? due) ? expected : nil
    }

    /// When a missed milestone moves the finish: as many days later as the milestone is late.
    public static func expectedAfterMissing(_ milestone: ProductionOrder.Milestone, order: ProductionOrder, today: CalendarDate) -> CalendarDate {
        let late = today.daysSince1970 - milestone.due.daysSince1970
        return max(order.expectedDate ?? order.dueDate, order.dueDate.adding(days: max(1, late)))
    }
}
