/// The kinds of stock movement. Every change of on-hand or reserved stock is one ledger entry, so on-hand is
/// always explainable as the sum of the lot's movements.
public enum MovementKind: String, Sendable, Codable, CaseIterable, Hashable {
    case receipt, reservation, release, pick, shipment, transferOut, transferIn, adjustment, `return`, production
}

/// 入库: goods received into a warehouse location, optionally into a lot with an expiry date.
public struct StockReceipt: Sendable, Hashable, Codable {
    public var sku: String
    public var warehouseCode: String
    public var locationCode: String
    public var lot: String?
    public var quantity: Int64
    public var receivedAt: Timestamp?
    public var expiryDate: CalendarDate?
    /// The document this receipt belongs to: a purchase order, a production order, a return.
    public var reference: String?
    public var note: String?

    public init(
        sku: String, warehouseCode: String, locationCode: String, lot: String? = nil, quantity: Int64,
        receivedAt: Timestamp? = nil, expiryDate: CalendarDate? = nil, reference: String? = nil, note: String? = nil
    ) {
        self.sku = sku
        self.warehouseCode = warehouseCode
        self.locationCode = locationCode
        self.lot = lot
        self.quantity = quantity
        self.receivedAt = receivedAt
        self.expiryDate = expiryDate
        self.reference = reference
        self.note = note
    }

    private enum CodingKeys: String, CodingKey {
        case sku, warehouseCode, locationCode, lot, quantity, receivedAt, expiryDate, reference, note
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sku = try c.decode(.sku, default: "")
        warehouseCode = try c.decode(.warehouseCode, default: "")
        locationCode = try c.decode(.locationCode, default: "")
        lot = try c.decodeIfPresent(String.self, forKey: .lot)
        quantity = try c.decode(.quantity, default: 0)
        receivedAt = try c.decodeIfPresent(Timestamp.self, forKey: .receivedAt)
        expiryDate = try c.decodeIfPresent(CalendarDate.self, forKey: .expiryDate)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }

    /// The lot code as stored: empty for products that are not lot-tracked.
    public var lotCode: String { lot?.trimmingSpaces() ?? "" }

    /// Checks the receipt on its own: codes present, quantity positive.
    public func validate() throws(DocketError) {
        var v = Validator()
        shapeProblems(&v)
        try v.check()
    }

    /// Checks the receipt against the product it receives (lot tracking, shelf life) and the lot already on hand:
    /// `existingExpiry` is nil when the lot is new, `.some(nil)` when it exists without an expiry date.
    /// `receivedAt` has already been defaulted to now by the caller.
    public func validate(lotTracked: Bool, shelfLifeDays: Int?, existingExpiry: CalendarDate??, receivedAt: Timestamp)
        throws(DocketError)
    {
        var v = Validator()
        shapeProblems(&v)
        if lotTracked && lotCode.isEmpty { v.add("lot", "lotRequired") }
        if shelfLifeDays != nil {
            if let expiryDate {
                if expiryDate < receivedAt.date(utcOffsetHours: 8) { v.add("expiryDate", "expiryBeforeReceipt") }
                if case .some(.some(let existing)) = existingExpiry, existing != expiryDate {
                    v.add("expiryDate", "lotExpiryMismatch", ["expected": existing.iso8601])
                }
            } else {
                v.add("expiryDate", "expiryRequired")
            }
        } else if expiryDate != nil {
            v.add("expiryDate", "notShelfLife")
        }
        try v.check()
    }

    private func shapeProblems(_ v: inout Validator) {
        v.code(sku, "sku")
        v.code(warehouseCode, "warehouseCode", max: 20)
        v.code(locationCode, "locationCode", max: 30)
        v.optionalText(lot, "lot", max: 40)
        v.positive(quantity, "quantity")
        if quantity > Bounds.quantity { v.add("quantity", "outOfRange", ["min": "1", "max": String(Bounds.quantity)]) }
        v.optionalText(reference, "reference", max: 60)
        v.optionalText(note, "note", max: 500, multiline: true)
    }
}

/// A lot of one product at one location: what is on hand, what is reserved for orders, what is free.
public struct StockLot: Sendable, Hashable, Codable {
    public var id: ID<StockLot>
    public var sku: String
    public var productName: String
    public var warehouseCode: String
    public var locationCode: String
    public var lot: String
    public var expiryDate: CalendarDate?
    public var firstReceivedAt: Timestamp
    public var lastReceivedAt: Timestamp
    public var onHand: Int64
    public var reserved: Int64
    /// 冻结: never allocated.
    public var quarantined: Bool
    /// Changes with every movement of the lot: a form that books against the lot as read carries it.
    public var version: Int64
    public var available: Int64 { onHand - reserved }

    public init(
        id: ID<StockLot>, sku: String, productName: String, warehouseCode: String, locationCode: String, lot: String,
        expiryDate: CalendarDate?, firstReceivedAt: Timestamp, lastReceivedAt: Timestamp, onHand: Int64,
        reserved: Int64, quarantined: Bool = false, version: Int64 = 0
    ) {
        self.version = version
        self.quarantined = quarantined
        self.id = id
        self.sku = sku
        self.productName = productName
        self.warehouseCode = warehouseCode
        self.locationCode = locationCode
        self.lot = lot
        self.expiryDate = expiryDate
        self.firstReceivedAt = firstReceivedAt
        self.lastReceivedAt = lastReceivedAt
        self.onHand = onHand
        self.reserved = reserved
    }

    private enum CodingKeys: String, CodingKey {
        case id, sku, productName, warehouseCode, locationCode, lot, expiryDate, firstReceivedAt, lastReceivedAt
        case onHand, reserved, available, quarantined, version
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ID<StockLot>.self, forKey: .id)
        sku = try c.decode(String.self, forKey: .sku)
        productName = try c.decode(String.self, forKey: .productName)
        warehouseCode = try c.decode(String.self, forKey: .warehouseCode)
        locationCode = try c.decode(String.self, forKey: .locationCode)
        lot = try c.decode(String.self, forKey: .lot)
        expiryDate = try c.decodeIfPresent(CalendarDate.self, forKey: .expiryDate)
        firstReceivedAt = try c.decode(Timestamp.self, forKey: .firstReceivedAt)
        lastReceivedAt = try c.decode(Timestamp.self, forKey: .lastReceivedAt)
        onHand = try c.decode(Int64.self, forKey: .onHand)
        reserved = try c.decode(Int64.self, forKey: .reserved)
        quarantined = try c.decodeIfPresent(Bool.self, forKey: .quarantined) ?? false
        version = try c.decodeIfPresent(Int64.self, forKey: .version) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(sku, forKey: .sku)
        try c.encode(productName, forKey: .productName)
        try c.encode(warehouseCode, forKey: .warehouseCode)
        try c.encode(locationCode, forKey: .locationCode)
        try c.encode(lot, forKey: .lot)
        try c.encodeIfPresent(expiryDate, forKey: .expiryDate)
        try c.encode(firstReceivedAt, forKey: .firstReceivedAt)
        try c.encode(lastReceivedAt, forKey: .lastReceivedAt)
        try c.encode(onHand, forKey: .onHand)
        try c.encode(reserved, forKey: .reserved)
        try c.encode(available, forKey: .available)
        try c.encode(quarantined, forKey: .quarantined)
        try c.encode(version, forKey: .version)
    }
}

/// One entry of the stock ledger (库存流水).
public struct StockMovement: Sendable, Hashable, Codable {
    public var id: ID<StockMovement>
    public var occurredAt: Timestamp
    public var kind: MovementKind
    public var lotId: ID<StockLot>
    public var sku: String
    public var warehouseCode: String
    public var locationCode: String
    public var lot: String
    /// Change of on-hand quantity (positive in, negative out).
    public var quantity: Int64
    /// Change of reserved quantity.
    public var reservedDelta: Int64
    public var reference: String?
    public var note: String?
    public var actor: String

    public init(
        id: ID<StockMovement>, occurredAt: Timestamp, kind: MovementKind, lotId: ID<StockLot>, sku: String,
        warehouseCode: String, locationCode: String, lot: String, quantity: Int64, reservedDelta: Int64,
        reference: String?, note: String?, actor: String
    ) {
        self.id = id
        self.occurredAt = occurredAt
        self.kind = kind
        self.lotId = lotId
        self.sku = sku
        self.warehouseCode = warehouseCode
        self.locationCode = locationCode
        self.lot = lot
        self.quantity = quantity
        self.reservedDelta = reservedDelta
        self.reference = reference
        self.note = note
        self.actor = actor
    }
}

/// Filters for stock lots and movements.
public struct StockQuery: Sendable, Hashable {
    public var sku: String?
    public var warehouseCode: String?
    /// Matches SKU or product name (zh/en), for "查库存" by code or name.
    public var search: String?
    /// One lot only (its movements on the lot's page).
    public var lotID: ID<StockLot>?
    public var limit: Int
    public var offset: Int

    public init(
        sku: String? = nil, warehouseCode: String? = nil, search: String? = nil, lotID: ID<StockLot>? = nil, limit: Int = 100, offset: Int = 0
    ) {
        self.lotID = lotID
        self.sku = sku
        self.warehouseCode = warehouseCode
        self.search = search
        self.limit = limit
        self.offset = offset
    }

    public var listQuery: ListQuery { ListQuery(search: search, limit: limit, offset: offset) }
}

/// 库存调整: a counted difference booked on one lot (盘盈 +, 盘亏/报损 −), always with a reason.
public struct StockAdjustment: Sendable, Hashable, Codable {
    public var lotID: ID<StockLot>
    /// The change of on-hand quantity: positive found, negative lost.
    public var quantity: Int64
    public var reason: String
    /// The lot's version as the counter read it: the same count sent twice, or booked on a lot that moved
    /// meanwhile, is a 409 instead of a second booking.
    public var version: Int64?

    public init(lotID: ID<StockLot>, quantity: Int64, reason: String, version: Int64? = nil) {
        self.lotID = lotID
        self.quantity = quantity
        self.reason = reason
        self.version = version
    }

    private enum CodingKeys: String, CodingKey { case lotID = "lotId", quantity, reason, version }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lotID = try c.decode(.lotID, default: ID(0))
        quantity = try c.decode(.quantity, default: 0)
        reason = try c.decode(.reason, default: "")
        version = try c.decodeIfPresent(Int64.self, forKey: .version)
    }

    /// The adjustment on its own, and against the lot as it stands: never below what orders hold (release or
    /// re-plan them first), never below zero.
    public func validate(onHand: Int64, reserved: Int64) throws(DocketError) {
        var v = Validator()
        if quantity == 0 || quantity < -Bounds.quantity || quantity > Bounds.quantity {
            v.add("quantity", "adjustmentOutOfRange", ["max": String(Bounds.quantity)])
        } else if onHand + quantity < reserved {
            v.add("quantity", "belowReserved", ["onHand": String(onHand), "reserved": String(reserved)])
        }
        v.text(reason, "reason", max: 500, multiline: true)
        try v.check()
    }
}

/// 冻结 / 解冻 a lot (待检, damaged, recalled): a quarantined lot is never allocated; orders holding it are planned
/// again.
public struct LotQuarantine: Sendable, Hashable, Codable {
    public var quarantined: Bool
    public var reason: String

    public init(quarantined: Bool, reason: String) {
        self.quarantined = quarantined
        self.reason = reason
    }

    private enum CodingKeys: String, CodingKey { case quarantined, reason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        quarantined = try c.decode(.quarantined, default: true)
        reason = try c.decode(.reason, default: "")
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.text(reason, "reason", max: 500, multiline: true)
        try v.check()
    }
}

/// Stock of one product in one warehouse, all lots and locations together (库存汇总).
public struct StockTotal: Sendable, Hashable, Codable {
    public var sku: String
    public var productName: String
    public var warehouseCode: String
    public var onHand: Int64
    public var reserved: Int64
    /// On hand less reserved, in lots that may be sent (not quarantined, not expired).
    public var available: Int64
    public var quarantined: Int64
    public var expired: Int64
    /// 在途: shipped to this warehouse by transfers not yet received.
    public var inTransit: Int64
    /// 采购在途: still to arrive on open purchase orders into this warehouse.
    public var onOrder: Int64

    public init(
        sku: String, productName: String, warehouseCode: String, onHand: Int64, reserved: Int64, available: Int64, quarantined: Int64,
        expired: Int64, inTransit: Int64 = 0, onOrder: Int64 = 0
    ) {
        self.inTransit = inTransit
        self.onOrder = onOrder
        self.sku = sku
        self.productName = productName
        self.warehouseCode = warehouseCode
        self.onHand = onHand
        self.reserved = reserved
        self.available = available
        self.quarantined = quarantined
        self.expired = expired
    }
}
