/// 库存不足处理 (DOMAIN §5): for a line allocation could not cover, the ways to cover it, each with when it could
/// arrive. Pure: the store gathers the facts (the plan's notes, the product's supplier and substitutes).

/// One way to cover a short line.
public struct ShortageOption: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// 调货: from another warehouse that has it.
        case transfer
        /// 补货: a purchase order to the product's supplier.
        case purchase
        /// 替代商品: another product, only with the customer's consent.
        case substitute
        /// 部分发货: ship what is allocated, the rest as a backorder.
        case partialShipment
        /// 延期: a new promised date, the customer told.
        case delay
        /// 取消该行.
        case cancelLine
        /// 安排生产: a production order for what is missing.
        case produce
    }

    public var kind: Kind
    /// The warehouse goods come from (a transfer).
    public var warehouse: String?
    /// The warehouse a transfer brings them to.
    public var toWarehouse: String?
    public var sku: String?
    public var supplier: String?
    public var quantity: Int64?
    public var eta: CalendarDate?
    /// The customer must agree first (a substitute).
    public var needsConsent: Bool

    public init(
        _ kind: Kind, warehouse: String? = nil, toWarehouse: String? = nil, sku: String? = nil, supplier: String? = nil, quantity: Int64? = nil, eta: CalendarDate? = nil,
        needsConsent: Bool = false
    ) {
        self.kind = kind
        self.warehouse = warehouse
        self.toWarehouse = toWarehouse
        self.sku = sku
        self.supplier = supplier
        self.quantity = quantity
        self.eta = eta
        self.needsConsent = needsConsent
    }

    /// The option in words (`shortage.option.<kind>`).
    public var message: Message {
        var arguments: [String: String] = [:]
        if let warehouse { arguments["warehouse"] = warehouse }
        if let toWarehouse { arguments["toWarehouse"] = toWarehouse }
        if let sku { arguments["sku"] = sku }
        if let supplier { arguments["supplier"] = supplier }
        if let quantity { arguments["quantity"] = String(quantity) }
        arguments["eta"] = eta?.iso8601 ?? "—"
        return Message("shortage.option.\(kind.rawValue)", arguments)
    }
}

public enum Shortage {
    /// The options that are carried out as a change of the order (订单变更, approved as any change is): a later date,
    /// the missing quantity taken off the line, or moved to a substitute. The others come with transfers and
    /// purchases, or are only recorded (a partial shipment).
    public static let byChange: Set<ShortageOption.Kind> = [.delay, .cancelLine, .substitute]

    /// The change that carries out `option` for line `lineID` of an order with `lines`, `short` of it missing; nil for
    /// an option that is not a change. The kept lines keep their ids and agreed prices.
    public static func edit(_ option: ShortageOption, lineID: ID<OrderLine>, short: Int64, lines: [OrderIntake.PricedLine]) -> OrderEdit? {
        switch option.kind {
        case .delay:
            return option.eta.map { OrderEdit(requestedDate: $0) }
        case .cancelLine, .substitute:
            var kept = lines.compactMap { line -> OrderLineDraft? in
                let quantity = line.id == lineID ? line.quantity - short : line.quantity
                return quantity > 0 ? OrderLineDraft(lineID: line.id, sku: line.sku, quantity: quantity, unitPrice: line.unitPrice) : nil
            }
            // The substitute comes at the agreed price of what it replaces: the customer pays what was agreed.
            if option.kind == .substitute {
                guard let sku = option.sku, let original = lines.first(where: { $0.id == lineID }) else { return nil }
                kept.append(OrderLineDraft(sku: sku, quantity: short, unitPrice: original.unitPrice))
            }
            return kept.isEmpty ? nil : OrderEdit(lines: kept)
        default:
            return nil
        }
    }

    /// Road freight covers about this many kilometres a day: a transfer's ETA from the distance between warehouses.
    public static let kilometresPerDay = 600

    /// Days a transfer over `kilometres` takes: a day to pick and load, then the road.
    public static func transferDays(kilometres: Int) -> Int { 1 + (max(0, kilometres) + kilometresPerDay - 1) / kilometresPerDay }

    /// The facts about one short line.
    public struct Facts: Sendable {
        public var sku: String
        public var short: Int64
        public var allocated: Int64
        /// Other warehouses with usable stock of the product (from the plan's notes), with the kilometres to the
        /// warehouse that ships the order.
        public var elsewhere: [(warehouse: String, available: Int64, kilometres: Int)]
        /// The warehouse that ships the order, which a transfer or a purchase would bring the goods to; nil when
        /// nothing is allocated yet (then a purchase goes to the nearest warehouse).
        public var shipFrom: String?
        /// Where a purchase is delivered: the warehouse that ships the order, else the one nearest the address.
        public var receiveAt: String?
        /// The date promised to the customer: a later date is only offered when the goods would come after it.
        public var promised: CalendarDate?
        /// Made in house (made to order, or bought from no supplier): production is offered, due by the promised date.
        public var producible: Bool
        public var supplier: (code: String, leadTimeDays: Int)?
        /// The product's allowed substitutes with their usable stock.
        public var substitutes: [(sku: String, available: Int64)]
        /// The order is at the warehouses already (a short pick, a part shipped): the order is no longer changed,
        /// so what is short is brought in or closed as a backorder (`cancelLine`), not substituted or re-dated.
        public var atWarehouses: Bool

        public init(
            sku: String, short: Int64, allocated: Int64, elsewhere: [(warehouse: String, available: Int64, kilometres: Int)],
            supplier: (code: String, leadTimeDays: Int)?, substitutes: [(sku: String, available: Int64)], shipFrom: String? = nil,
            receiveAt: String? = nil, promised: CalendarDate? = nil, producible: Bool = false, atWarehouses: Bool = false
        ) {
            self.atWarehouses = atWarehouses
            self.producible = producible
            self.promised = promised
            self.shipFrom = shipFrom
            self.receiveAt = receiveAt ?? shipFrom
            self.sku = sku
            self.short = short
            self.allocated = allocated
            self.elsewhere = elsewhere
            self.supplier = supplier
            self.substitutes = substitutes
        }
    }

    /// Every way to cover the line, soonest first among those that bring goods: transfers from the nearest
    /// warehouses that have enough (or part), a purchase from the supplier with its lead time, substitutes that
    /// cover it (with consent); then ship part now (when some is allocated), a new date when the goods would come after
    /// the promised one (the latest ETA above, or a week), or cancel the line. An order at the warehouses only brings
    /// goods in or closes the backorder.
    public static func options(_ facts: Facts, today: CalendarDate) -> [ShortageOption] {
        var options: [ShortageOption] = []
        // A transfer brings goods to the warehouse that ships the order.
        let sources = facts.shipFrom == nil ? [] : facts.elsewhere.filter { $0.warehouse != facts.shipFrom }
        for source in sources.sorted(by: { ($0.available >= facts.short ? 0 : 1, $0.kilometres) < ($1.available >= facts.short ? 0 : 1, $1.kilometres) })
        where source.available > 0 {
            options.append(
                ShortageOption(
                    .transfer, warehouse: source.warehouse, toWarehouse: facts.shipFrom, quantity: min(facts.short, source.available),
                    eta: today.adding(days: transferDays(kilometres: source.kilometres))))
        }
        if let supplier = facts.supplier {
            options.append(
                ShortageOption(.purchase, toWarehouse: facts.receiveAt, supplier: supplier.code, quantity: facts.short, eta: today.adding(days: max(0, supplier.leadTimeDays))))
        }
        if facts.producible {
            options.append(
                ShortageOption(.produce, toWarehouse: facts.receiveAt, quantity: facts.short, eta: max(facts.promised ?? today.adding(days: 7), today.adding(days: 1))))
        }
        if facts.atWarehouses {
            options.append(ShortageOption(.cancelLine, quantity: facts.short))
            return options
        }
        for substitute in facts.substitutes where substitute.available >= facts.short {
            options.append(ShortageOption(.substitute, sku: substitute.sku, quantity: facts.short, eta: today, needsConsent: true))
        }
        if facts.allocated > 0 { options.append(ShortageOption(.partialShipment, quantity: facts.allocated)) }
        let latest = max(options.compactMap(\.eta).max() ?? today.adding(days: 7), today.adding(days: 1))
        if facts.promised.map({ latest > $0 }) ?? true { options.append(ShortageOption(.delay, eta: latest)) }
        options.append(ShortageOption(.cancelLine, quantity: facts.short))
        return options
    }
}
