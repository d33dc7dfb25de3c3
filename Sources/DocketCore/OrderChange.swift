/// The order desk's configurable rules for orders (DOMAIN §1, §3): service windows by order type and the
/// confirmation deadline.
public struct OrderPolicy: Sendable, Hashable {
    /// Days from receipt within which an order of the type is delivered (STOCK 30, RUSH and VOR 7).
    public var serviceWindows: [OrderType: Int]
    /// The customer confirms within this many hours of receipt.
    public var confirmationHours: Int
    /// The reminder goes this many hours before the deadline.
    public var reminderHoursBefore: Int
    /// What happens when the deadline passes: `suspend` or `cancel`.
    public var onExpiry: OrderAction
    /// How stock is allocated and how long an unconfirmed reservation lasts.
    public var allocation: AllocationPolicy
    /// A completed order is archived this many days after completion (归档).
    public var archiveAfterDays: Int
    /// How the carrier and mode are chosen, and how packages are filled.
    public var modeRules: ModeRules = .standard
    public var packingRules: PackingRules = .standard
    /// The penalty for a breached service window, in basis points of the late lines' amount (003: 10 % = 1000).
    public var penaltyBasisPoints: Int = 1000
    /// When the system raises exceptions by itself (a silent shipment, an order past its promised date).
    public var exceptionWatch: ExceptionWatch = .standard

    public init(
        serviceWindows: [OrderType: Int] = [.stock: 30, .rush: 7, .vor: 7], confirmationHours: Int = 24,
        reminderHoursBefore: Int = 4, onExpiry: OrderAction = .suspend, allocation: AllocationPolicy = .standard,
        archiveAfterDays: Int = 30
    ) {
        self.archiveAfterDays = archiveAfterDays
        self.allocation = allocation
        self.serviceWindows = serviceWindows
        self.confirmationHours = confirmationHours
        self.reminderHoursBefore = reminderHoursBefore
        self.onExpiry = onExpiry
    }

    public static let standard = OrderPolicy()

    public func serviceWindowDays(_ type: OrderType) -> Int { serviceWindows[type] ?? 30 }

    /// The date Docket promises: the customer's requested date, or else the end of the type's service window.
    public func promisedDate(received: CalendarDate, type: OrderType, requested: CalendarDate?) -> CalendarDate {
        requested ?? received.adding(days: serviceWindowDays(type))
    }

    /// The confirmation deadline and reminder time for a request sent at `now` for an order received at
    /// `received`. The deadline counts from receipt; when the request goes out so late that less than the
    /// reminder lead is left, the customer gets a full period from the request instead.
    public func confirmationTimes(received: Timestamp, now: Timestamp) -> (reminder: Timestamp?, deadline: Timestamp) {
        let hour: Int64 = 3_600_000
        var deadline = received.adding(milliseconds: Int64(confirmationHours) * hour)
        if deadline.millisecondsSince1970 - now.millisecondsSince1970 < Int64(max(reminderHoursBefore, 1)) * hour {
            deadline = now.adding(milliseconds: Int64(confirmationHours) * hour)
        }
        let reminder = deadline.adding(milliseconds: -Int64(reminderHoursBefore) * hour)
        return (reminderHoursBefore > 0 && reminder > now ? reminder : nil, deadline)
    }

    /// Parses `STOCK=30,RUSH=7,VOR=7` (the configuration's spelling).
    public static func parseWindows(_ text: String) -> [OrderType: Int]? {
        var windows = OrderPolicy.standard.serviceWindows
        guard let pairs = settingPairs(text) else { return nil }
        for (key, value) in pairs {
            guard let type = OrderType(rawValue: key.uppercased()), let days = Int(value), (1...365).contains(days) else { return nil }
            windows[type] = days
        }
        return windows
    }

    /// A setting written as `key=value` pairs separated by commas (spaces around either ignored); nil when a part
    /// is not one such pair.
    static func settingPairs(_ text: String) -> [(key: String, value: String)]? {
        var pairs: [(key: String, value: String)] = []
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=").map { $0.trimmingSpaces() }
            guard pair.count == 2 else { return nil }
            pairs.append((pair[0], pair[1]))
        }
        return pairs
    }
}

/// Changes to an order's content: completing a `needs_info` order, or a change request after confirmation.
/// Fields left out stay as they are.
public struct OrderEdit: Sendable, Hashable, Codable {
    /// Only while the order still needs information (the customer was unknown).
    public var customerCode: String?
    public var contactName: String?
    public var contactPhone: String?
    public var deliveryAddress: Address?
    public var requestedDate: CalendarDate?
    public var paymentMethod: PaymentMethod?
    public var lines: [OrderLineDraft]?
    public var notes: String?

    public init(
        customerCode: String? = nil, contactName: String? = nil, contactPhone: String? = nil, deliveryAddress: Address? = nil,
        requestedDate: CalendarDate? = nil, paymentMethod: PaymentMethod? = nil, lines: [OrderLineDraft]? = nil,
        notes: String? = nil
    ) {
        self.customerCode = customerCode
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.deliveryAddress = deliveryAddress
        self.requestedDate = requestedDate
        self.paymentMethod = paymentMethod
        self.lines = lines
        self.notes = notes
    }

    public var isEmpty: Bool { self == OrderEdit() }

    /// What a marketplace's second push of an order changes of the order kept from the first: each field the
    /// push gives that differs. Lines differ when SKUs, quantities or order differ, or a price the push names
    /// differs from the one agreed (a line without a price takes the list price, as at intake).
    public init(repush pushed: OrderDraft, kept: OrderDraft) {
        self.init()
        if let value = pushed.contactName, value != kept.contactName { contactName = value }
        if let value = pushed.contactPhone, value != kept.contactPhone { contactPhone = value }
        if let value = pushed.deliveryAddress, value != kept.deliveryAddress { deliveryAddress = value }
        if let value = pushed.requestedDate, value != kept.requestedDate { requestedDate = value }
        if let value = pushed.paymentMethod, value != kept.paymentMethod { paymentMethod = value }
        if let value = pushed.notes, value != kept.notes { notes = value }
        let sameLines =
            pushed.lines.count == kept.lines.count
            && zip(pushed.lines, kept.lines).allSatisfy { new, old in
                new.sku == old.sku && new.quantity == old.quantity && (new.unitPrice == nil || new.unitPrice == old.unitPrice)
            }
        if !sameLines { lines = pushed.lines }
    }

    /// The draft the edited order would be, re-checked by the same intake rules.
    public func applied(to draft: OrderDraft) -> OrderDraft {
        var next = draft
        if let customerCode { next.customerCode = customerCode }
        if let contactName { next.contactName = contactName }
        if let contactPhone { next.contactPhone = contactPhone }
        if let deliveryAddress { next.deliveryAddress = deliveryAddress }
        if let requestedDate { next.requestedDate = requestedDate }
        if let paymentMethod { next.paymentMethod = paymentMethod }
        if let lines { next.lines = lines }
        if let notes { next.notes = notes }
        return next
    }
}

/// What an order says at one revision: what the revision diff compares.
public struct OrderSnapshot: Sendable, Hashable, Codable {
    public var customerCode: String
    public var contactName: String?
    public var contactPhone: String?
    public var deliveryAddress: Address?
    public var requestedDate: CalendarDate?
    public var paymentMethod: PaymentMethod
    public var lines: [OrderIntake.PricedLine]
    public var total: Money
    public var notes: String?

    public init(
        customerCode: String, contactName: String?, contactPhone: String?, deliveryAddress: Address?,
        requestedDate: CalendarDate?, paymentMethod: PaymentMethod, lines: [OrderIntake.PricedLine], total: Money, notes: String?
    ) {
        self.customerCode = customerCode
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.deliveryAddress = deliveryAddress
        self.requestedDate = requestedDate
        self.paymentMethod = paymentMethod
        self.lines = lines
        self.total = total
        self.notes = notes
    }
}

extension OrderIntake.Decision {
    /// What the order says once this decision on `draft` is kept.
    public func snapshot(of draft: OrderDraft) -> OrderSnapshot {
        OrderSnapshot(
            customerCode: draft.customerCode, contactName: contactName, contactPhone: contactPhone, deliveryAddress: deliveryAddress,
            requestedDate: draft.requestedDate, paymentMethod: paymentMethod, lines: lines, total: total, notes: draft.notes)
    }
}

/// One difference between two revisions: `field` is a path (`lines[SKU].quantity`, `deliveryAddress`).
public struct RevisionChange: Sendable, Hashable, Codable {
    public var field: String
    public var before: String?
    public var after: String?

    public init(field: String, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }
}

public enum OrderRevisionDiff {
    public static func diff(_ old: OrderSnapshot, _ new: OrderSnapshot) -> [RevisionChange] {
        var changes: [RevisionChange] = []
        func compare(_ field: String, _ a: String?, _ b: String?) {
            if (a ?? "") != (b ?? "") { changes.append(RevisionChange(field: field, before: a, after: b)) }
        }
        compare("customerCode", old.customerCode, new.customerCode)
        compare("contactName", old.contactName, new.contactName)
        compare("contactPhone", old.contactPhone, new.contactPhone)
        compare("deliveryAddress", old.deliveryAddress?.oneLine, new.deliveryAddress?.oneLine)
        compare("requestedDate", old.requestedDate?.iso8601, new.requestedDate?.iso8601)
        compare("paymentMethod", old.paymentMethod.rawValue, new.paymentMethod.rawValue)
        compare("notes", old.notes, new.notes)
        // Lines are compared by SKU: quantities and prices summed per SKU, so reordering is not a change.
        func bySKU(_ lines: [OrderIntake.PricedLine]) -> (order: [String], quantity: [String: Int64], price: [String: Money]) {
            var order: [String] = []
            var quantity: [String: Int64] = [:]
            var price: [String: Money] = [:]
            for line in lines {
                if quantity[line.sku] == nil { order.append(line.sku) }
                quantity[line.sku, default: 0] = quantity[line.sku, default: 0].saturatingAdding(line.quantity)
                price[line.sku] = line.unitPrice
            }
            return (order, quantity, price)
        }
        let a = bySKU(old.lines)
        let b = bySKU(new.lines)
        for sku in a.order + b.order.filter({ a.quantity[$0] == nil }) {
            compare("lines[\(sku)].quantity", a.quantity[sku].map(String.init), b.quantity[sku].map(String.init))
            if a.quantity[sku] != nil, b.quantity[sku] != nil {
                compare("lines[\(sku)].unitPrice", a.price[sku]?.decimalString, b.price[sku]?.decimalString)
            }
        }
        compare("total", old.total.decimalString, new.total.decimalString)
        return changes
    }
}

extension Address {
    /// The address on one line, as a label or a diff shows it.
    public var oneLine: String {
        [province, city, district, street].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// Line identity across revisions: a revised order's lines keep the ids of the lines they change, so
/// reservations and shipments that point at a line still point at it after a change.
public enum OrderLineIdentity {
    public struct Match: Sendable, Hashable {
        /// The revised lines, each with the id of the kept line it changes (nil: a new line).
        public var lines: [OrderIntake.PricedLine]
        /// Kept lines the revision no longer has.
        public var removed: [ID<OrderLine>]
        /// Lines naming an id the order does not have, or a line twice.
        public var problems: [FieldProblem]
    }

    /// A revised line is the kept line its id names; without an id, the first kept line of the same SKU not yet
    /// matched; otherwise new. Kept lines left over are removed.
    public static func match(_ revised: [OrderIntake.PricedLine], to kept: [OrderIntake.PricedLine]) -> Match {
        let keptIDs = kept.compactMap(\.id)
        var taken = Set<ID<OrderLine>>()
        var lines = revised
        var problems: [FieldProblem] = []
        for (i, line) in revised.enumerated() {
            guard let id = line.id else { continue }
            if !keptIDs.contains(id) {
                problems.append(FieldProblem("lines[\(i)].id", "unknownLine", ["value": id.description]))
                lines[i].id = nil
            } else if !taken.insert(id).inserted {
                problems.append(FieldProblem("lines[\(i)].id", "duplicateLine", ["value": id.description]))
                lines[i].id = nil
            }
        }
        for i in lines.indices where lines[i].id == nil && !problems.contains(where: { $0.field == "lines[\(i)].id" }) {
            if let same = kept.first(where: { $0.sku == lines[i].sku && $0.id.map { !taken.contains($0) } == true }), let id = same.id {
                lines[i].id = id
                taken.insert(id)
            }
        }
        return Match(lines: lines, removed: keptIDs.filter { !taken.contains($0) }, problems: problems)
    }
}
