import Foundation

/// Shipments (发货单): an order allocated across warehouses leaves as one shipment per warehouse, each going its own
/// way — picked, packed, handed to a carrier, delivered or refused — and the order's status follows from them
/// (DOMAIN §8–9). Pure: the store reads, these decide, the store writes.

/// The tag of a shipment's id.
public enum Shipment {}

/// A shipment's place in its life.
public enum ShipmentStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// 待拣货: the pick list can be printed.
    case toPick = "to_pick"
    /// 已拣货: picked quantities confirmed.
    case picked
    /// 已包装: packages weighed and labelled.
    case packed
    /// 已发货: handed to the carrier with a tracking number; the stock has left.
    case shipped
    /// 异常: the carrier reported a problem; it may still go on to delivery.
    case exception
    /// 已签收: signed for (some lines may have been refused).
    case delivered
    /// 拒收: refused whole.
    case refused
    /// 已取消: the order was cancelled before the goods left.
    case cancelled
    /// 已丢失: lost on the way; what it carried was sent again or settled through its exception.
    case lost

    /// The goods have left the warehouse.
    public var hasLeft: Bool { [.shipped, .exception, .delivered, .refused, .lost].contains(self) }
    /// Nothing more happens to it.
    public var isFinal: Bool { [.delivered, .refused, .cancelled, .lost].contains(self) }
}

/// What is done to a shipment.
public enum ShipmentAction: String, Sendable, Codable, CaseIterable, Hashable {
    case pick, pack, ship, exception, resume, deliver, refuse, cancel
    /// 丢失: an exception resolved by sending the goods again (`Reship`).
    case lose
}

public enum ShipmentLifecycle {
    /// The whole table: a shipment only moves forward, except an exception going back in transit.
    public static let transitions: [ShipmentStatus: [ShipmentAction: ShipmentStatus]] = [
        .toPick: [.pick: .picked, .cancel: .cancelled],
        .picked: [.pack: .packed, .cancel: .cancelled],
        .packed: [.ship: .shipped, .cancel: .cancelled],
        .shipped: [.exception: .exception, .deliver: .delivered, .refuse: .refused, .lose: .lost],
        .exception: [.resume: .shipped, .deliver: .delivered, .refuse: .refused, .lose: .lost],
    ]

    /// The next status, or a `409` naming the shipment: the step does not apply where it stands (a double click, or
    /// another person's step first).
    public static func apply(_ action: ShipmentAction, to status: ShipmentStatus, number: String) throws(DocketError) -> ShipmentStatus {
        guard let next = transitions[status]?[action] else {
            throw DocketError.conflict(.shipment, key: number, because: "shipmentStep")
        }
        return next
    }

    public static func actions(from status: ShipmentStatus) -> [ShipmentAction] {
        ShipmentAction.allCases.filter { transitions[status]?[$0] != nil }
    }
}

/// One line of a shipment: a lot of an order line, what the pick list asks for and what was picked.
public struct ShipmentLine: Sendable, Hashable, Codable {
    public var lineID: ID<OrderLine>
    public var sku: String
    public var lotID: ID<StockLot>
    public var location: String
    public var lot: String
    public var expiry: CalendarDate?
    public var quantity: Int64

    public init(
        lineID: ID<OrderLine>, sku: String, lotID: ID<StockLot>, location: String, lot: String, expiry: CalendarDate?, quantity: Int64
    ) {
        self.lineID = lineID
        self.sku = sku
        self.lotID = lotID
        self.location = location
        self.lot = lot
        self.expiry = expiry
        self.quantity = quantity
    }
}

extension ShipmentLine {
    /// The order a picker walks a pick list in: by location, then SKU, then lot.
    public static func inPickingOrder(_ a: ShipmentLine, _ b: ShipmentLine) -> Bool {
        (a.location, a.sku, a.lot, a.lineID) < (b.location, b.sku, b.lot, b.lineID)
    }
}

/// What an order's reservations become when it is released to the warehouses.
public struct ShipmentSplit: Sendable, Hashable {
    public var warehouse: String
    /// In pick order: by location, then SKU, then lot.
    public var lines: [ShipmentLine]
}

public enum Fulfilment {
    /// One shipment per warehouse holding the order's stock, the warehouses in `preferred` order (the plan's, main
    /// one first) and any other after them by code; lines sorted for a picker's walk (location, SKU, lot).
    public static func split(_ held: [(warehouse: String, line: ShipmentLine)], preferred: [String]) -> [ShipmentSplit] {
        var byWarehouse: [String: [ShipmentLine]] = [:]
        for (warehouse, line) in held where line.quantity > 0 { byWarehouse[warehouse, default: []].append(line) }
        let rank = { (code: String) in preferred.firstIndex(of: code) ?? preferred.count }
        return byWarehouse.keys.sorted { (rank($0), $0) < (rank($1), $1) }.map { warehouse in
            ShipmentSplit(
                warehouse: warehouse,
                lines: byWarehouse[warehouse]!.sorted(by: ShipmentLine.inPickingOrder))
        }
    }

    /// The order's status as its shipments have it, or nil when they say nothing (none, or all cancelled).
    /// `allocated` until a pick is confirmed; `picking` while some are not packed; `packed` when all are;
    /// `partially_shipped` (部分发货) when some have left and some not; `shipped` when all have; `delivered` when
    /// every one is delivered or refused. While the order still owes goods (`backordered`, a backorder to be served
    /// or closed), it is `partially_shipped` once anything has left, never shipped or delivered.
    public static func orderStatus(_ shipments: [ShipmentStatus], backordered: Bool = false) -> OrderStatus? {
        let live = shipments.filter { $0 != .cancelled }
        guard !live.isEmpty else { return nil }
        let left = live.filter(\.hasLeft).count
        if backordered && left > 0 { return .partiallyShipped }
        if live.allSatisfy(\.isFinal) { return .delivered }
        if left == live.count { return .shipped }
        if left > 0 { return .partiallyShipped }
        if live.allSatisfy({ $0 == .packed }) { return .packed }
        if live.allSatisfy({ $0 == .toPick }) { return .allocated }
        return .picking
    }

    /// What a confirmed pick means for each line of the pick list: the quantity picked (at most the list's), and
    /// the shortfall when less was found. A short pick is never silent: the caller records the shortfall against
    /// the order line (back to the shortage workbench) and corrects the lot.
    public struct PickOutcome: Sendable, Hashable {
        public var line: ShipmentLine
        public var picked: Int64
        public var short: Int64 { line.quantity - picked }
    }

    /// Checks the picked quantities against the pick list: one entry per line (by lot and order line), each between
    /// 0 and the listed quantity; a shipment must take at least one unit.
    public static func confirmPick(_ lines: [ShipmentLine], picked: [PickedQuantity]) throws(DocketError) -> [PickOutcome] {
        var v = Validator()
        var found: [PickOutcome] = []
        for (index, line) in lines.enumerated() {
            let entries = picked.enumerated().filter { $0.element.lineID == line.lineID && $0.element.lotID == line.lotID }
            guard let entry = entries.first else {
                v.add("picked[\(index)]", "required")
                continue
            }
            if entries.count > 1 { v.add("picked[\(entries[1].offset)]", "duplicateLine", ["value": line.lineID.description]) }
            v.range(entry.element.quantity, "picked[\(entry.offset)].quantity", 0...line.quantity)
            found.append(PickOutcome(line: line, picked: min(max(entry.element.quantity, 0), line.quantity)))
        }
        for (index, entry) in picked.enumerated() where !lines.contains(where: { $0.lineID == entry.lineID && $0.lotID == entry.lotID }) {
            v.add("picked[\(index)]", "notOnPickList")
        }
        if v.problems.isEmpty && !found.contains(where: { $0.picked > 0 }) { v.add("picked", "nothingPicked") }
        try v.check()
        return found
    }
}

/// A picker's count for one line of a pick list.
public struct PickedQuantity: Sendable, Hashable, Codable {
    public var lineID: ID<OrderLine>
    public var lotID: ID<StockLot>
    public var quantity: Int64

    public init(lineID: ID<OrderLine>, lotID: ID<StockLot>, quantity: Int64) {
        self.lineID = lineID
        self.lotID = lotID
        self.quantity = quantity
    }

    enum CodingKeys: String, CodingKey { case lineID = "lineId", lotID = "lotId", quantity }
}

extension Fulfilment {
    /// The fulfilment statuses in the order an order passes them.
    static let progress: [OrderStatus] = [.allocated, .inProduction, .picking, .packed, .partiallyShipped, .shipped, .delivered, .completed]

    /// The actions an order's shipments move it by.
    static let shipmentDriven: [OrderAction] = [.startPicking, .pack, .shipPart, .ship, .deliver]

    /// The order action that takes an order from `state` to the status its shipments now give (nil when it stays),
    /// walked through the one transition table: the shortest path of shipment-driven actions, since one step may
    /// carry an order over more than one status. The action returned is the last of the path. An order never goes
    /// back (a backorder's new pick list leaves a packed order packed). A status the table cannot reach from where
    /// the order stands (held, cancelled) is a `409` naming the order: the step is refused.
    public static func orderMove(from state: OrderState, number: String, shipments: [ShipmentStatus], backordered: Bool = false)
        throws(DocketError) -> (action: OrderAction, next: OrderState)?
    {
        guard let target = orderStatus(shipments, backordered: backordered), target != state.status else { return nil }
        if let here = progress.firstIndex(of: state.status), let there = progress.firstIndex(of: target), there < here { return nil }
        var frontier = [state]
        var seen: Set<OrderStatus> = [state.status]
        while !frontier.isEmpty {
            var further: [OrderState] = []
            for current in frontier {
                for action in shipmentDriven {
                    guard let reached = try? OrderLifecycle.apply(action, to: current), seen.insert(reached.status).inserted else { continue }
                    if reached.status == target { return (action, reached) }
                    further.append(reached)
                }
            }
            frontier = further
        }
        let action = OrderLifecycle.transitions.first { $0.target == .to(target) }?.action ?? .startPicking
        throw .illegalTransition(number: number, from: state.status, action: action)
    }
}

/// Handling marks a package carries, from the products' flags (易碎 fragile, 液体 liquid).
public enum Handling: String, Sendable, Codable, CaseIterable, Hashable {
    case fragile, liquid

    /// What the packer does (`packing.handling.<rawValue>`): padding, sealing.
    public var note: Message { Message("packing.handling.\(rawValue)") }
}

/// What goes into packages: a line of the shipment with its product's physical facts.
public struct PackingItem: Sendable, Hashable {
    public var lineID: ID<OrderLine>
    public var sku: String
    public var quantity: Int64
    public var unitWeightGrams: Int64
    public var unitVolumeCm3: Int64
    public var dimensionsMm: [Int64]?
    public var fragile: Bool
    public var liquid: Bool

    public init(
        lineID: ID<OrderLine>, sku: String, quantity: Int64, unitWeightGrams: Int64, unitVolumeCm3: Int64, dimensionsMm: [Int64]? = nil,
        fragile: Bool = false, liquid: Bool = false
    ) {
        self.lineID = lineID
        self.sku = sku
        self.quantity = quantity
        self.unitWeightGrams = unitWeightGrams
        self.unitVolumeCm3 = unitVolumeCm3
        self.dimensionsMm = dimensionsMm
        self.fragile = fragile
        self.liquid = liquid
    }
}

/// One package (包裹) as suggested or as entered: weight, volume, dimensions, handling marks, and what is in it.
public struct PackageDraft: Sendable, Hashable, Codable {
    public struct Content: Sendable, Hashable, Codable {
        public var lineID: ID<OrderLine>
        public var sku: String
        public var quantity: Int64

        public init(lineID: ID<OrderLine>, sku: String, quantity: Int64) {
            self.lineID = lineID
            self.sku = sku
            self.quantity = quantity
        }

        enum CodingKeys: String, CodingKey { case lineID = "lineId", sku, quantity }
    }

    public var weightGrams: Int64
    public var volumeCm3: Int64
    public var lengthMm: Int64
    public var widthMm: Int64
    public var heightMm: Int64
    public var handling: [Handling]
    public var contents: [Content]

    public init(
        weightGrams: Int64, volumeCm3: Int64, lengthMm: Int64, widthMm: Int64, heightMm: Int64, handling: [Handling], contents: [Content]
    ) {
        self.weightGrams = weightGrams
        self.volumeCm3 = volumeCm3
        self.lengthMm = lengthMm
        self.widthMm = widthMm
        self.heightMm = heightMm
        self.handling = handling
        self.contents = contents
    }

    /// Bounds of one package as entered: up to 10 t and 100 m³, each side up to 20 m.
    public static let maxGrams: Int64 = 10_000_000
    public static let maxCm3: Int64 = 100_000_000
    public static let maxSideMm: Int64 = 20_000

    func validate(_ v: inout Validator) {
        v.range(weightGrams, "weightGrams", 1...Self.maxGrams)
        v.range(volumeCm3, "volumeCm3", 0...Self.maxCm3)
        v.range(lengthMm, "lengthMm", 0...Self.maxSideMm)
        v.range(widthMm, "widthMm", 0...Self.maxSideMm)
        v.range(heightMm, "heightMm", 0...Self.maxSideMm)
        v.count(contents, "contents", min: 1, max: Bounds.orderLines)
        for (i, content) in contents.enumerated() { v.range(content.quantity, "contents[\(i)].quantity", 1...Bounds.quantity) }
    }
}

/// How packages are filled: up to this weight and volume each (configurable; carriers' parcel limits).
public struct PackingRules: Sendable, Hashable, Codable {
    public var maxPackageGrams: Int64
    public var maxPackageCm3: Int64
    /// More packages than this are not suggested (pallets are entered by hand).
    public var maxPackages: Int

    public init(maxPackageGrams: Int64 = 30_000, maxPackageCm3: Int64 = 120_000, maxPackages: Int = 200) {
        self.maxPackageGrams = maxPackageGrams
        self.maxPackageCm3 = maxPackageCm3
        self.maxPackages = maxPackages
    }

    public static let standard = PackingRules()
}

public enum Packing {
    /// Suggests packages for `items`: lines in order, whole units, each package up to the rules' weight and volume
    /// (a unit heavier or larger than that goes alone). Fragile and liquid goods are marked on every package that
    /// holds them. Throws `tooManyPackages` past `maxPackages` (a pallet load is entered by hand).
    public static func suggest(_ items: [PackingItem], rules: PackingRules = .standard) throws(DocketError) -> [PackageDraft] {
        var packages: [PackageDraft] = []
        var current = PackageDraft(weightGrams: 0, volumeCm3: 0, lengthMm: 0, widthMm: 0, heightMm: 0, handling: [], contents: [])
        func close() {
            guard !current.contents.isEmpty else { return }
            packages.append(finished(current, items: items))
            current = PackageDraft(weightGrams: 0, volumeCm3: 0, lengthMm: 0, widthMm: 0, heightMm: 0, handling: [], contents: [])
        }
        for item in items where item.quantity > 0 {
            let weight = max(0, item.unitWeightGrams), volume = max(0, item.unitVolumeCm3)
            var left = item.quantity
            while left > 0 {
                if packages.count >= rules.maxPackages { throw .invalid("packages", "tooManyPackages", ["max": String(rules.maxPackages)]) }
                let roomWeight = rules.maxPackageGrams.saturatingSubtracting(current.weightGrams)
                let roomVolume = rules.maxPackageCm3.saturatingSubtracting(current.volumeCm3)
                var fits = min(left, weight == 0 ? left : max(0, roomWeight) / weight, volume == 0 ? left : max(0, roomVolume) / volume)
                if fits == 0 {
                    if !current.contents.isEmpty {
                        close()
                        continue
                    }
                    fits = 1  // a unit larger than a package travels alone
                }
                current.weightGrams = current.weightGrams.saturatingAdding(weight.saturatingMultiplying(fits))
                current.volumeCm3 = current.volumeCm3.saturatingAdding(volume.saturatingMultiplying(fits))
                if item.fragile && !current.handling.contains(.fragile) { current.handling.append(.fragile) }
                if item.liquid && !current.handling.contains(.liquid) { current.handling.append(.liquid) }
                current.contents.append(PackageDraft.Content(lineID: item.lineID, sku: item.sku, quantity: fits))
                left -= fits
                if left > 0 { close() }
            }
        }
        close()
        return packages
    }

    /// A package's dimensions: one unit of a product with known sides keeps them; otherwise a cube of its volume.
    static func finished(_ package: PackageDraft, items: [PackingItem]) -> PackageDraft {
        var package = package
        package.weightGrams = max(1, min(package.weightGrams, PackageDraft.maxGrams))
        package.volumeCm3 = min(package.volumeCm3, PackageDraft.maxCm3)
        if package.contents.count == 1, package.contents[0].quantity == 1,
            let sides = items.first(where: { $0.lineID == package.contents[0].lineID })?.dimensionsMm, sides.count == 3
        {
            (package.lengthMm, package.widthMm, package.heightMm) = (sides[0], sides[1], sides[2])
        } else {
            let side = Int64(cubeRootMm(package.volumeCm3))
            (package.lengthMm, package.widthMm, package.heightMm) = (side, side, side)
        }
        package.lengthMm = min(package.lengthMm, PackageDraft.maxSideMm)
        package.widthMm = min(package.widthMm, PackageDraft.maxSideMm)
        package.heightMm = min(package.heightMm, PackageDraft.maxSideMm)
        return package
    }

    /// The side in millimetres of a cube holding `cm3`, rounded up.
    static func cubeRootMm(_ cm3: Int64) -> Double {
        guard cm3 > 0 else { return 0 }
        return (cbrt(Double(cm3) * 1000) - 1e-9).rounded(.up)
    }

    /// Checks packages as entered against the shipment: bounds, and every picked unit packed exactly once.
    public static func check(_ packages: [PackageDraft], against picked: [ID<OrderLine>: Int64]) throws(DocketError) {
        var v = Validator()
        v.count(packages, "packages", min: 1, max: 500)
        var packed: [ID<OrderLine>: Int64] = [:]
        for (i, package) in packages.enumerated() {
            v.nested("packages[\(i)]") { package.validate(&$0) }
            for content in package.contents {
                if picked[content.lineID] == nil { v.add("packages[\(i)].contents", "notInShipment", ["value": content.sku]) }
                packed[content.lineID] = packed[content.lineID, default: 0].saturatingAdding(max(0, content.quantity))
            }
        }
        if v.problems.isEmpty {
            for (line, quantity) in picked.sorted(by: { $0.key < $1.key }) where packed[line, default: 0] != quantity {
                v.add("packages", "packedMismatch", ["line": line.description, "picked": String(quantity), "packed": String(packed[line, default: 0])])
            }
        }
        try v.check()
    }
}

extension AllocationPlan {
    /// The plan after a short pick: `quantity` of `lot` was not on the shelf for `line`, so the line is that much
    /// less allocated (short again, for the shortage workbench) and the plan no longer full.
    public mutating func shortPicked(line: ID<OrderLine>, lot: ID<StockLot>, quantity: Int64) {
        guard quantity > 0, let index = lines.firstIndex(where: { $0.lineID == line }) else { return }
        if let pick = lines[index].picks.firstIndex(where: { $0.lotID == lot }) {
            let taken = min(quantity, lines[index].picks[pick].quantity)
            lines[index].picks[pick].quantity -= taken
            if lines[index].picks[pick].quantity == 0 { lines[index].picks.remove(at: pick) }
        }
        lines[index].allocated = max(0, lines[index].allocated - quantity)
        lines[index].explanation.append(AllocationNote(.short, quantity: lines[index].short))
        refreshStatus()
    }
}

extension Fulfilment {
    /// The value of the goods a shipment carries, for the carrier rules: each line's unit price times what it carries,
    /// summed without trapping (capped at the business bound for an amount; only compared with a threshold).
    public static func goodsValue(_ lines: [(unitPrice: Money, quantity: Int64)], currency: Currency) -> Money {
        var total: Int64 = 0
        for line in lines {
            total = total.saturatingAdding(max(0, line.unitPrice.minor).saturatingMultiplying(max(0, line.quantity)))
        }
        return Money(minor: min(total, Bounds.amountMinor), currency: currency)
    }

    /// The handover to the carrier: a tracking number (letters, digits and dashes, up to 40), a carrier chosen; the
    /// expected arrival is the handover's China date plus the service's transit days.
    public static func ship(trackingNumber: String, carrier: CarrierRecord?, today: CalendarDate) throws(DocketError) -> CalendarDate? {
        var v = Validator()
        let number = trackingNumber.trimmingSpaces()
        v.text(number, "trackingNumber", max: 40)
        if !number.isEmpty, !number.unicodeScalars.allSatisfy({ ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" }) {
            v.add("trackingNumber", "invalidTrackingNumber")
        }
        if carrier == nil { v.add("carrierCode", "carrierRequired") }
        try v.check()
        return carrier?.taken.transitDays.map { today.adding(days: $0) }
    }
}

extension PackingRules {
    /// The rules as configured (`--packing`): `max-kg`, `max-litres` per package and `max-packages` suggested,
    /// e.g. `max-kg=25,max-litres=100`. Nil when a key is unknown or a value is out of range (a package's bounds).
    public static func parse(_ text: String) -> PackingRules? {
        var rules = PackingRules.standard
        guard let pairs = OrderPolicy.settingPairs(text) else { return nil }
        for (key, text) in pairs {
            guard let value = Int64(text) else { return nil }
            switch (key, value) {
            case ("max-kg", 1...(PackageDraft.maxGrams / 1_000)): rules.maxPackageGrams = value * 1_000
            case ("max-litres", 1...(PackageDraft.maxCm3 / 1_000)): rules.maxPackageCm3 = value * 1_000
            case ("max-packages", 1...1_000): rules.maxPackages = Int(value)
            default: return nil
            }
        }
        return rules
    }
}
