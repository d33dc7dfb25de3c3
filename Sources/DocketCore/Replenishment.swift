/// Bringing stock to where orders wait for it (DOMAIN §5): transfers between warehouses (调拨单), purchase orders
/// to suppliers (采购单), and the record of what the desk chose for a short line (库存不足处理). Pure: the store
/// reads the facts and applies what is decided here.

/// 调拨单: goods moved from one warehouse to another, held at the source from the request, off its shelves when
/// shipped (in transit), on the destination's when received.
public struct Transfer: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// 待发出: the quantity is held at the source.
        case requested
        /// 在途: shipped out, not yet received.
        case inTransit
        /// 已收货.
        case received
        /// 已取消: the hold released.
        case cancelled
    }

    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case ship, receive, cancel
    }

    /// The status `action` leads to from `status`, or nil when it may not be taken (goods on the road cannot be
    /// called back; a received or cancelled transfer is done).
    public static func next(_ status: Status, _ action: Action) -> Status? {
        switch (status, action) {
        case (.requested, .ship): .inTransit
        case (.requested, .cancel): .cancelled
        case (.inTransit, .receive): .received
        default: nil
        }
    }

    /// One source lot the transfer takes goods from (its code and expiry travel with the goods).
    public struct Lot: Sendable, Hashable, Codable {
        public var lotID: ID<StockLot>
        public var lot: String
        public var expiryDate: CalendarDate?
        public var quantity: Int64

        public init(lotID: ID<StockLot>, lot: String, expiryDate: CalendarDate?, quantity: Int64) {
            self.lotID = lotID
            self.lot = lot
            self.expiryDate = expiryDate
            self.quantity = quantity
        }
    }

    public var id: ID<Transfer>
    public var number: String
    public var sku: String
    public var productName: String
    public var fromWarehouse: String
    public var toWarehouse: String
    public var quantity: Int64
    public var status: Status
    public var eta: CalendarDate?
    /// The order line waiting for it, when the transfer was chosen on the shortage workbench.
    public var orderID: ID<Order>?
    public var lineID: ID<OrderLine>?
    public var note: String?
    public var createdBy: String
    public var createdAt: Timestamp
    public var shippedAt: Timestamp?
    public var receivedAt: Timestamp?
    public var version: Int64
    public var lots: [Lot]

    public init(
        id: ID<Transfer>, number: String, sku: String, productName: String, fromWarehouse: String, toWarehouse: String, quantity: Int64,
        status: Status, eta: CalendarDate?, orderID: ID<Order>?, lineID: ID<OrderLine>?, note: String?, createdBy: String,
        createdAt: Timestamp, shippedAt: Timestamp?, receivedAt: Timestamp?, version: Int64, lots: [Lot]
    ) {
        self.id = id
        self.number = number
        self.sku = sku
        self.productName = productName
        self.fromWarehouse = fromWarehouse
        self.toWarehouse = toWarehouse
        self.quantity = quantity
        self.status = status
        self.eta = eta
        self.orderID = orderID
        self.lineID = lineID
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.shippedAt = shippedAt
        self.receivedAt = receivedAt
        self.version = version
        self.lots = lots
    }
}

/// A transfer asked for: what, from where to where, how many.
public struct TransferRequest: Sendable, Hashable, Codable {
    public var sku: String
    public var fromWarehouse: String
    public var toWarehouse: String
    public var quantity: Int64
    /// Defaults to the road distance between the two warehouses (`Shortage.transferDays`).
    public var eta: CalendarDate?
    public var note: String?
    public var orderId: ID<Order>?
    public var lineId: ID<OrderLine>?

    public init(
        sku: String, fromWarehouse: String, toWarehouse: String, quantity: Int64, eta: CalendarDate? = nil, note: String? = nil,
        orderId: ID<Order>? = nil, lineId: ID<OrderLine>? = nil
    ) {
        self.sku = sku
        self.fromWarehouse = fromWarehouse
        self.toWarehouse = toWarehouse
        self.quantity = quantity
        self.eta = eta
        self.note = note
        self.orderId = orderId
        self.lineId = lineId
    }

    private enum CodingKeys: String, CodingKey { case sku, fromWarehouse, toWarehouse, quantity, eta, note, orderId, lineId }

    /// Missing fields decode as empty, so validation names each of them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sku = try c.decode(.sku, default: "")
        fromWarehouse = try c.decode(.fromWarehouse, default: "")
        toWarehouse = try c.decode(.toWarehouse, default: "")
        quantity = try c.decode(.quantity, default: 0)
        eta = try c.decodeIfPresent(CalendarDate.self, forKey: .eta)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        orderId = try c.decodeIfPresent(ID<Order>.self, forKey: .orderId)
        lineId = try c.decodeIfPresent(ID<OrderLine>.self, forKey: .lineId)
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(sku, "sku")
        v.code(fromWarehouse, "fromWarehouse", max: 20)
        v.code(toWarehouse, "toWarehouse", max: 20)
        if !fromWarehouse.isEmpty && fromWarehouse == toWarehouse { v.add("toWarehouse", "sameWarehouse") }
        v.range(quantity, "quantity", 1...Bounds.quantity)
        v.optionalText(note, "note", max: 500, multiline: true)
        try v.check()
    }

    /// The source lots to take `quantity` from, in the order allocation would send them (earliest expiry, then
    /// earliest receipt): `lots` are the source's usable lots with what is free in each. Nil when they do not
    /// hold enough.
    public static func pick(_ quantity: Int64, from lots: [LotSupply]) -> [Transfer.Lot]? {
        var left = quantity
        var picks: [Transfer.Lot] = []
        let ordered = lots.filter { !$0.quarantined }.sorted {
            ($0.expiry?.daysSince1970 ?? .max, $0.receivedAt.millisecondsSince1970, $0.lotID.rawValue)
                < ($1.expiry?.daysSince1970 ?? .max, $1.receivedAt.millisecondsSince1970, $1.lotID.rawValue)
        }
        for lot in ordered where left > 0 && lot.available > 0 {
            let take = min(left, lot.available)
            picks.append(Transfer.Lot(lotID: lot.lotID, lot: lot.lot, expiryDate: lot.expiry, quantity: take))
            left -= take
        }
        return left == 0 ? picks : nil
    }
}

/// 采购单: goods ordered from a supplier into one warehouse, received in one or more deliveries.
public struct PurchaseOrder: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// 已下单: waiting for the goods.
        case ordered
        /// 部分到货.
        case partiallyReceived
        /// 已到货.
        case received
        /// 已取消.
        case cancelled

        public var isOpen: Bool { self == .ordered || self == .partiallyReceived }
    }

    public struct Line: Sendable, Hashable, Codable {
        public var id: Int64
        public var sku: String
        public var productName: String
        public var quantity: Int64
        public var received: Int64

        public init(id: Int64, sku: String, productName: String, quantity: Int64, received: Int64) {
            self.id = id
            self.sku = sku
            self.productName = productName
            self.quantity = quantity
            self.received = received
        }

        public var outstanding: Int64 { quantity - received }
    }

    public var id: ID<PurchaseOrder>
    public var number: String
    public var supplierCode: String
    public var supplierName: String?
    public var warehouseCode: String
    public var status: Status
    public var eta: CalendarDate?
    public var orderID: ID<Order>?
    public var lineID: ID<OrderLine>?
    public var note: String?
    public var createdBy: String
    public var createdAt: Timestamp
    public var version: Int64
    public var lines: [Line]

    public init(
        id: ID<PurchaseOrder>, number: String, supplierCode: String, supplierName: String?, warehouseCode: String, status: Status,
        eta: CalendarDate?, orderID: ID<Order>?, lineID: ID<OrderLine>?, note: String?, createdBy: String, createdAt: Timestamp,
        version: Int64, lines: [Line]
    ) {
        self.id = id
        self.number = number
        self.supplierCode = supplierCode
        self.supplierName = supplierName
        self.warehouseCode = warehouseCode
        self.status = status
        self.eta = eta
        self.orderID = orderID
        self.lineID = lineID
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.version = version
        self.lines = lines
    }

    /// What a delivery does to the order: each line's new received quantity and the order's status. Refuses a
    /// delivery of a product the order does not hold, more than is outstanding, or on a closed order.
    public func receiving(_ delivery: [(sku: String, quantity: Int64)]) throws(DocketError) -> (received: [Int64: Int64], status: Status) {
        var v = Validator()
        if !status.isOpen { v.add("lines", "purchaseOrderClosed", ["status": status.rawValue]) }
        if delivery.isEmpty { v.add("lines", "required") }
        var received = Dictionary(uniqueKeysWithValues: lines.map { ($0.id, $0.received) })
        for (index, item) in delivery.enumerated() {
            guard let line = lines.first(where: { $0.sku == item.sku }) else {
                v.add("lines[\(index)].sku", "notOnPurchaseOrder", ["value": item.sku])
                continue
            }
            let now = received[line.id] ?? 0
            if item.quantity <= 0 || item.quantity > line.quantity - now {
                v.add("lines[\(index)].quantity", "overReceipt", ["max": String(max(0, line.quantity - now))])
                continue
            }
            received[line.id] = now + item.quantity
        }
        try v.check()
        let complete = lines.allSatisfy { (received[$0.id] ?? 0) >= $0.quantity }
        return (received, complete ? .received : .partiallyReceived)
    }
}

/// A purchase order asked for.
public struct PurchaseOrderDraft: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var sku: String
        public var quantity: Int64

        public init(sku: String, quantity: Int64) {
            self.sku = sku
            self.quantity = quantity
        }

        private enum CodingKeys: String, CodingKey { case sku, quantity }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sku = try c.decode(.sku, default: "")
            quantity = try c.decode(.quantity, default: 0)
        }
    }

    private enum CodingKeys: String, CodingKey { case supplierCode, warehouseCode, eta, note, lines, orderId, lineId }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        supplierCode = try c.decode(.supplierCode, default: "")
        warehouseCode = try c.decode(.warehouseCode, default: "")
        eta = try c.decodeIfPresent(CalendarDate.self, forKey: .eta)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        lines = try c.decode(.lines, default: [])
        orderId = try c.decodeIfPresent(ID<Order>.self, forKey: .orderId)
        lineId = try c.decodeIfPresent(ID<OrderLine>.self, forKey: .lineId)
    }

    public var supplierCode: String
    public var warehouseCode: String
    /// Defaults to today plus the supplier's lead time.
    public var eta: CalendarDate?
    public var note: String?
    public var lines: [Line]
    public var orderId: ID<Order>?
    public var lineId: ID<OrderLine>?

    public init(
        supplierCode: String, warehouseCode: String, eta: CalendarDate? = nil, note: String? = nil, lines: [Line], orderId: ID<Order>? = nil,
        lineId: ID<OrderLine>? = nil
    ) {
        self.supplierCode = supplierCode
        self.warehouseCode = warehouseCode
        self.eta = eta
        self.note = note
        self.lines = lines
        self.orderId = orderId
        self.lineId = lineId
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(supplierCode, "supplierCode", max: 20)
        v.code(warehouseCode, "warehouseCode", max: 20)
        v.optionalText(note, "note", max: 500, multiline: true)
        if lines.isEmpty { v.add("lines", "required") }
        if lines.count > Bounds.orderLines { v.add("lines", "tooMany", ["max": String(Bounds.orderLines)]) }
        var seen: Set<String> = []
        for (index, line) in lines.prefix(Bounds.orderLines).enumerated() {
            v.nested("lines[\(index)]") { v in
                v.code(line.sku, "sku")
                v.range(line.quantity, "quantity", 1...Bounds.quantity)
                if !seen.insert(line.sku).inserted { v.add("sku", "duplicateInList") }
            }
        }
        try v.check()
    }
}

/// One delivery against a purchase order (到货入库): into a location of its warehouse, lots and expiries as the
/// goods are labelled.
public struct PurchaseDelivery: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var sku: String
        public var quantity: Int64
        public var lot: String?
        public var expiryDate: CalendarDate?

        public init(sku: String, quantity: Int64, lot: String? = nil, expiryDate: CalendarDate? = nil) {
            self.sku = sku
            self.quantity = quantity
            self.lot = lot
            self.expiryDate = expiryDate
        }

        private enum CodingKeys: String, CodingKey { case sku, quantity, lot, expiryDate }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sku = try c.decode(.sku, default: "")
            quantity = try c.decode(.quantity, default: 0)
            lot = try c.decodeIfPresent(String.self, forKey: .lot)
            expiryDate = try c.decodeIfPresent(CalendarDate.self, forKey: .expiryDate)
        }
    }

    private enum CodingKeys: String, CodingKey { case locationCode, lines, version }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        locationCode = try c.decodeIfPresent(String.self, forKey: .locationCode)
        lines = try c.decode(.lines, default: [])
        version = try c.decodeIfPresent(Int64.self, forKey: .version)
    }

    /// Defaults to the warehouse's first active location.
    public var locationCode: String?
    public var lines: [Line]
    /// The purchase order's version as the receiver read it: a delivery booked meanwhile makes this a 409, so the
    /// same goods are never booked twice.
    public var version: Int64?

    public init(locationCode: String? = nil, lines: [Line], version: Int64? = nil) {
        self.locationCode = locationCode
        self.lines = lines
        self.version = version
    }
}

public enum Replenishment {
    /// Days of demand a purchase covers beyond the supplier's lead time (two weeks between reorders).
    public static let coverDays = 14
    /// Days of order history the demand rate is taken from.
    public static let demandWindowDays = 30

    /// 建议采购量: enough for the orders waiting now, plus the usual demand until the goods arrive and two weeks
    /// more, less what is free and what is already on order; never less than what the waiting orders lack.
    /// `demand` is the quantity ordered in the last `demandWindowDays`. Bounded by one line's maximum.
    public static func suggestedQuantity(demand: Int64, leadTimeDays: Int, available: Int64, onOrder: Int64, waiting: Int64) -> Int64 {
        let demand = min(max(0, demand), Bounds.amountMinor)
        let days = Int64(max(0, min(leadTimeDays, 3_650)) + coverDays)
        let daily = (demand + Int64(demandWindowDays) - 1) / Int64(demandWindowDays)
        let usual = daily.checkedMultiplying(days) ?? Bounds.quantity
        let lacking = max(0, waiting - max(0, available) - max(0, onOrder))
        let target = (usual.checkedAdding(waiting) ?? Bounds.quantity).checkedSubtracting(max(0, available) + max(0, onOrder)) ?? 0
        return min(Bounds.quantity, max(lacking, target, 0))
    }
}

/// What the desk chose for a short line (库存不足处理), with who, why and what it started: a transfer, a purchase
/// order, a change of the order; a partial shipment needs nothing more than this record.
public struct ShortageDecision: Sendable, Hashable, Codable {
    public var id: Int64
    public var orderID: ID<Order>
    public var lineID: ID<OrderLine>
    public var option: ShortageOption
    /// The document it started: `TR-…`, `PO-…`, or the change request's number on the order.
    public var reference: String?
    public var reason: String?
    public var actor: String
    public var decidedAt: Timestamp

    public init(
        id: Int64, orderID: ID<Order>, lineID: ID<OrderLine>, option: ShortageOption, reference: String?, reason: String?, actor: String,
        decidedAt: Timestamp
    ) {
        self.id = id
        self.orderID = orderID
        self.lineID = lineID
        self.option = option
        self.reference = reference
        self.reason = reason
        self.actor = actor
        self.decidedAt = decidedAt
    }
}
