import Foundation

/// Allocation (订单分配, DOMAIN §5): which warehouse, location and lot serve each line of an order, and why. Pure: the
/// store reads the supply, this decides, the store reserves the plan with guards (and plans again when it lost a race).

/// How allocation chooses (configurable; `docket serve --max-warehouses …`).
public struct AllocationPolicy: Sendable, Hashable, Codable {
    /// What a shelf-life lot must still keep on the promised date to be sent: days, or a share of the product's
    /// shelf life in percent (a third is common for food).
    public enum MinimumShelfLife: Sendable, Hashable, Codable {
        case days(Int)
        case percent(Int)

        /// Reads `30d` (days, 0–3650) or `33%` (a share, 0–100), as the configuration writes it.
        public init?(_ text: String) {
            let text = text.trimmingCharacters(in: .whitespaces).lowercased()
            if text.hasSuffix("%"), let percent = Int(text.dropLast()), (0...100).contains(percent) {
                self = .percent(percent)
            } else if text.hasSuffix("d"), let days = Int(text.dropLast()), (0...3650).contains(days) {
                self = .days(days)
            } else {
                return nil
            }
        }

        /// The days a lot of a product with `shelfLifeDays` must keep.
        public func days(shelfLifeDays: Int) -> Int {
            switch self {
            case .days(let days): max(0, days)
            case .percent(let percent): (max(0, shelfLifeDays) * min(100, max(0, percent)) + 99) / 100
            }
        }
    }

    /// At most this many warehouses ship one order (1: never split).
    public var maxWarehouses: Int
    public var minimumShelfLife: MinimumShelfLife
    /// An unconfirmed order's reservation lapses after this many hours (a durable timer); confirming makes it firm.
    public var softReservationHours: Int
    /// 抢占 (off by default): an urgent order short of stock may take the soft reservations of unconfirmed,
    /// non-urgent orders received after it would be served; those go back to the queue (`Preemption`).
    public var preemptSoftReservations: Bool

    public init(
        maxWarehouses: Int = 2, minimumShelfLife: MinimumShelfLife = .days(0), softReservationHours: Int = 48, preemptSoftReservations: Bool = false
    ) {
        self.preemptSoftReservations = preemptSoftReservations
        self.maxWarehouses = min(max(1, maxWarehouses), 5)
        self.minimumShelfLife = minimumShelfLife
        self.softReservationHours = min(max(1, softReservationHours), 24 * 90)
    }

    public static let standard = AllocationPolicy()
}

/// Which waiting demand is served first (DOMAIN §5): urgent orders and RUSH/VOR before STOCK, then first come first
/// served by receipt (the order id breaks ties).
public struct DemandPriority: Sendable, Hashable, Comparable, Codable {
    public var urgent: Bool
    public var type: OrderType
    public var receivedAt: Timestamp
    public var orderID: ID<Order>

    public init(urgent: Bool, type: OrderType, receivedAt: Timestamp, orderID: ID<Order>) {
        self.urgent = urgent
        self.type = type
        self.receivedAt = receivedAt
        self.orderID = orderID
    }

    /// 0 goes first.
    public var rank: Int { urgent || type != .stock ? 0 : 1 }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.rank, lhs.receivedAt, lhs.orderID) < (rhs.rank, rhs.receivedAt, rhs.orderID)
    }
}

/// What an order needs: its lines, the date the goods must keep until, and where they go.
public struct AllocationDemand: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var lineID: ID<OrderLine>
        public var sku: String
        public var quantity: Int64
        /// Set for shelf-life products: lots go first-expiry-first-out and must keep the policy's minimum.
        public var shelfLifeDays: Int?
        public var weightGrams: Int64
        /// Made to order: produced for the line, never taken from general stock — only from the output of its own
        /// production orders (`producedLots`).
        public var makeToOrder: Bool
        /// The lots production made for this line (their codes are the production orders' numbers).
        public var producedLots: Set<String>

        public init(
            lineID: ID<OrderLine>, sku: String, quantity: Int64, shelfLifeDays: Int? = nil, weightGrams: Int64 = 0, makeToOrder: Bool = false,
            producedLots: Set<String> = []
        ) {
            self.producedLots = producedLots
            self.lineID = lineID
            self.sku = sku
            self.quantity = quantity
            self.shelfLifeDays = shelfLifeDays
            self.weightGrams = weightGrams
            self.makeToOrder = makeToOrder
        }
    }

    public var lines: [Line]
    /// Today in China: a lot that expired before it is never sent.
    public var today: CalendarDate
    /// The date a shelf-life lot must still keep the minimum at: the promised date (or today).
    public var promisedDate: CalendarDate?
    public var destination: GeoPoint?
    public var province: String

    public init(lines: [Line], today: CalendarDate, promisedDate: CalendarDate?, destination: GeoPoint?, province: String) {
        self.lines = lines
        self.today = today
        self.promisedDate = promisedDate
        self.destination = destination
        self.province = province
    }
}

/// Free stock of one lot at one location, as the allocation may use it: on hand less what other orders reserved
/// (what this order itself holds counts as free, so planning again can keep it).
public struct LotSupply: Sendable, Hashable {
    public var lotID: ID<StockLot>
    public var sku: String
    public var warehouse: String
    public var location: String
    public var lot: String
    public var expiry: CalendarDate?
    public var receivedAt: Timestamp
    public var available: Int64
    public var quarantined: Bool

    public init(
        lotID: ID<StockLot>, sku: String, warehouse: String, location: String, lot: String, expiry: CalendarDate?, receivedAt: Timestamp,
        available: Int64, quarantined: Bool = false
    ) {
        self.lotID = lotID
        self.sku = sku
        self.warehouse = warehouse
        self.location = location
        self.lot = lot
        self.expiry = expiry
        self.receivedAt = receivedAt
        self.available = available
        self.quarantined = quarantined
    }
}

/// A warehouse as allocation sees it.
public struct WarehouseSite: Sendable, Hashable {
    public var code: String
    public var active: Bool
    public var point: GeoPoint?

    public init(code: String, active: Bool, point: GeoPoint?) {
        self.code = code
        self.active = active
        self.point = point
    }
}

/// Why a warehouse or lot was used or not, for one line (as data; `message` puts it in words).
public struct AllocationNote: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
        /// Ships (part of) the line.
        case chosen
        /// Would serve the line, but the order is served by warehouses that ship it cheaper.
        case costlier
        /// Ships at the same cost but lies farther from the address.
        case farther
        /// Same cost and distance, but keeps less stock back.
        case lessStockLeft
        /// Could serve the line but not the whole order: using it would split the order.
        case wouldSplit
        /// Would be needed, but the order may ship from no more warehouses (`maxWarehouses`).
        case splitLimit
        /// Has usable stock of the product, fewer than the line needs.
        case notEnough
        /// Has none of the product that may be sent.
        case noStock
        /// The warehouse is inactive.
        case inactive
        /// In a chosen warehouse, not needed: the others served the line.
        case notNeeded
        /// Lot: taken from.
        case picked
        /// Lot: expired.
        case expired
        /// Lot: would not keep the minimum shelf life on the promised date.
        case expiresTooSoon
        /// Lot: quarantined (冻结/待检).
        case quarantined
        /// Lot: everything on hand is reserved for other orders.
        case allReserved
        /// Lot: earlier lots (first-expiry or first-in) were enough.
        case laterLot
        /// Line: made to order, so produced rather than taken from stock.
        case makeToOrder
        /// Line: this much could not be allocated and waits for stock.
        case short
        /// Line: this much came after the order went to the warehouses, on a shipment of its own (补发).
        case backorder
        /// Line: this much will not be delivered; the customer agreed (欠货取消).
        case closedShort
        /// Line: this much left but was lost or spoiled, and goes again (补发, an exception's resolution).
        case resend
    }

    public var verdict: Verdict
    public var warehouse: String?
    public var lot: String?
    public var quantity: Int64?
    public var available: Int64?
    public var expiry: CalendarDate?
    public var cost: Money?
    public var kilometres: Int?
    public var minimumDays: Int?

    public init(
        _ verdict: Verdict, warehouse: String? = nil, lot: String? = nil, quantity: Int64? = nil, available: Int64? = nil,
        expiry: CalendarDate? = nil, cost: Money? = nil, kilometres: Int? = nil, minimumDays: Int? = nil
    ) {
        self.verdict = verdict
        self.warehouse = warehouse
        self.lot = lot
        self.quantity = quantity
        self.available = available
        self.expiry = expiry
        self.cost = cost
        self.kilometres = kilometres
        self.minimumDays = minimumDays
    }

    /// The note in words (`allocation.note.<verdict>`).
    public var message: Message {
        var arguments: [String: String] = [:]
        if let warehouse { arguments["warehouse"] = warehouse }
        if let lot { arguments["lot"] = lot.isEmpty ? "—" : lot }
        if let quantity { arguments["quantity"] = String(quantity) }
        if let available { arguments["available"] = String(available) }
        if let expiry { arguments["expiry"] = expiry.iso8601 }
        if let cost { arguments["cost"] = cost.formatted }
        if let kilometres { arguments["km"] = String(kilometres) }
        if let minimumDays { arguments["days"] = String(minimumDays) }
        // Stock without a lot number is named by its warehouse alone.
        let plain = lot?.isEmpty == true && (verdict == .picked || verdict == .laterLot)
        return Message("allocation.note.\(verdict.rawValue)\(plain ? "Plain" : "")", arguments)
    }
}

/// 分配计划: for every line, what comes from where, and why.
public struct AllocationPlan: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case full, partial, none }

    public struct Pick: Sendable, Hashable, Codable {
        public var lotID: ID<StockLot>
        public var warehouse: String
        public var location: String
        public var lot: String
        public var expiry: CalendarDate?
        public var quantity: Int64

        enum CodingKeys: String, CodingKey { case lotID = "lotId", warehouse, location, lot, expiry, quantity }
    }

    public struct Line: Sendable, Hashable, Codable {
        public var lineID: ID<OrderLine>
        public var sku: String
        public var quantity: Int64
        public var allocated: Int64
        /// Made to order: produced, not allocated (DOMAIN §6).
        public var toProduce: Int64
        public var picks: [Pick]
        public var explanation: [AllocationNote]
        /// What will not be delivered: a backorder the customer gave up after the order went to the warehouses.
        public var closed: Int64 = 0

        /// What is still missing from stock.
        public var short: Int64 { quantity - allocated - toProduce - closed }

        public init(
            lineID: ID<OrderLine>, sku: String, quantity: Int64, allocated: Int64, toProduce: Int64, picks: [Pick], explanation: [AllocationNote],
            closed: Int64 = 0
        ) {
            self.lineID = lineID
            self.sku = sku
            self.quantity = quantity
            self.allocated = allocated
            self.toProduce = toProduce
            self.picks = picks
            self.explanation = explanation
            self.closed = closed
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                lineID: try c.decode(ID<OrderLine>.self, forKey: .lineID), sku: try c.decode(String.self, forKey: .sku),
                quantity: try c.decode(Int64.self, forKey: .quantity), allocated: try c.decode(Int64.self, forKey: .allocated),
                toProduce: try c.decode(Int64.self, forKey: .toProduce), picks: try c.decode([Pick].self, forKey: .picks),
                explanation: try c.decode([AllocationNote].self, forKey: .explanation),
                // Plans written before backorders could be closed have no such key.
                closed: try c.decodeIfPresent(Int64.self, forKey: .closed) ?? 0)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(lineID, forKey: .lineID)
            try c.encode(sku, forKey: .sku)
            try c.encode(quantity, forKey: .quantity)
            try c.encode(allocated, forKey: .allocated)
            try c.encode(toProduce, forKey: .toProduce)
            try c.encode(picks, forKey: .picks)
            try c.encode(explanation, forKey: .explanation)
            // Only when something was closed: plans stay as they were written before.
            if closed > 0 { try c.encode(closed, forKey: .closed) }
        }

        enum CodingKeys: String, CodingKey { case lineID = "lineId", sku, quantity, allocated, toProduce, picks, explanation, closed }
    }

    public var status: Status
    /// The warehouses that ship, the main one first.
    public var warehouses: [String]
    public var lines: [Line]

    /// What the plan takes from each lot (all lines together).
    public var reservedByLot: [ID<StockLot>: Int64] {
        var totals: [ID<StockLot>: Int64] = [:]
        for line in lines { for pick in line.picks { totals[pick.lotID, default: 0] += pick.quantity } }
        return totals
    }
}

public enum Allocation {
    /// More warehouse combinations than this and the choice of a split goes greedy (largest cover first) rather
    /// than trying every combination.
    static let combinationLimit = 2_000

    /// Plans `demand` over `supply` at `warehouses`, ranking by the carriers' rate tables. Never takes more from a
    /// lot than its `available`; never uses an inactive warehouse, a quarantined or expired lot, or a lot that
    /// would not keep the minimum shelf life.
    public static func plan(
        _ demand: AllocationDemand, supply: [LotSupply], warehouses: [WarehouseSite], carriers: [Carrier], policy: AllocationPolicy
    ) -> AllocationPlan {
        var planner = Planner(demand: demand, supply: supply, warehouses: warehouses, carriers: carriers, policy: policy)
        return planner.run()
    }
}

/// The working state of one plan.
private struct Planner {
    let demand: AllocationDemand
    let policy: AllocationPolicy
    let carriers: [Carrier]
    let sites: [String: WarehouseSite]
    /// Stock lines only (made-to-order lines are produced).
    let stockLines: [Int]
    /// Per line, per warehouse: the usable lots in the order they go (FEFO or FIFO).
    var usable: [[String: [LotSupply]]]
    /// Per line: notes on lots that may not be used, by warehouse.
    var excluded: [[String: [AllocationNote]]]
    /// Per line: the warehouses that have any lot of the product.
    var stocked: [Set<String>]
    var kilometres: [String: Int] = [:]
    /// Per line, per warehouse: all usable stock.
    var totals: [[String: Int64]] = []
    /// Per warehouse: the carriers' rates that apply to this destination.
    var quoters: [String: ShippingEstimate.Quoter] = [:]

    init(demand: AllocationDemand, supply: [LotSupply], warehouses: [WarehouseSite], carriers: [Carrier], policy: AllocationPolicy) {
        self.demand = demand
        self.policy = policy
        self.carriers = carriers
        var sites: [String: WarehouseSite] = [:]
        for site in warehouses { sites[site.code] = site }
        self.sites = sites
        let bySKU = Dictionary(grouping: supply, by: \.sku)
        let keepUntil = demand.promisedDate.map { max($0, demand.today) } ?? demand.today
        var usable: [[String: [LotSupply]]] = []
        var excluded: [[String: [AllocationNote]]] = []
        var stocked: [Set<String>] = []
        var stockLines: [Int] = []
        for (index, line) in demand.lines.enumerated() {
            var lineUsable: [String: [LotSupply]] = [:]
            var lineExcluded: [String: [AllocationNote]] = [:]
            var lineStocked: Set<String> = []
            if !line.makeToOrder {
                stockLines.append(index)
                let minimumDays = line.shelfLifeDays.map { policy.minimumShelfLife.days(shelfLifeDays: $0) }
                for lot in bySKU[line.sku] ?? [] {
                    lineStocked.insert(lot.warehouse)
                    guard sites[lot.warehouse]?.active == true else { continue }
                    var note: AllocationNote?
                    if lot.quarantined {
                        note = AllocationNote(.quarantined, warehouse: lot.warehouse, lot: lot.lot)
                    } else if let expiry = lot.expiry, expiry < demand.today {
                        note = AllocationNote(.expired, warehouse: lot.warehouse, lot: lot.lot, expiry: expiry)
                    } else if let expiry = lot.expiry, let minimumDays, expiry.daysSince1970 - keepUntil.daysSince1970 < minimumDays {
                        note = AllocationNote(.expiresTooSoon, warehouse: lot.warehouse, lot: lot.lot, expiry: expiry, minimumDays: minimumDays)
                    } else if lot.available <= 0 {
                        note = AllocationNote(.allReserved, warehouse: lot.warehouse, lot: lot.lot)
                    }
                    if let note { lineExcluded[lot.warehouse, default: []].append(note) } else { lineUsable[lot.warehouse, default: []].append(lot) }
                }
            } else {
                // Only what production made for this line, wherever it is (an active warehouse, not quarantined).
                for lot in bySKU[line.sku] ?? [] where line.producedLots.contains(lot.lot) && lot.available > 0 && !lot.quarantined {
                    guard sites[lot.warehouse]?.active == true, lot.expiry.map({ $0 >= demand.today }) ?? true else { continue }
                    lineUsable[lot.warehouse, default: []].append(lot)
                }
            }
            do {
                let firstExpiry = line.shelfLifeDays != nil
                for (warehouse, lots) in lineUsable {
                    lineUsable[warehouse] = lots.sorted { a, b in
                        if firstExpiry, a.expiry != b.expiry {
                            return (a.expiry?.daysSince1970 ?? .max) < (b.expiry?.daysSince1970 ?? .max)
                        }
                        return (a.receivedAt, a.lotID) < (b.receivedAt, b.lotID)
                    }
                }
            }
            usable.append(lineUsable)
            excluded.append(lineExcluded)
            stocked.append(lineStocked)
        }
        self.usable = usable
        self.excluded = excluded
        self.stocked = stocked
        self.stockLines = stockLines
        if let destination = demand.destination {
            for site in warehouses { if let point = site.point { kilometres[site.code] = point.kilometres(to: destination) } }
        }
        totals = usable.map { byWarehouse in byWarehouse.mapValues { $0.reduce(Int64(0)) { $0.saturatingAdding($1.available) } } }
        for site in warehouses where site.active {
            quoters[site.code] = ShippingEstimate.Quoter(carriers: carriers, province: demand.province, kilometres: kilometres[site.code])
        }
    }

    /// How much of line `index` the warehouse can serve.
    /// (All of the usable stock with `ignoringQuantity`.)
    func cover(_ index: Int, _ warehouse: String, ignoringQuantity: Bool = false) -> Int64 {
        let total = totals[index][warehouse] ?? 0
        return ignoringQuantity ? total : min(total, demand.lines[index].quantity)
    }

    /// A candidate set of warehouses and what it would ship.
    struct Option {
        var warehouses: [String]
        /// Per line, per warehouse in `warehouses` order: quantity.
        var shares: [[Int64]]
        var covered: Int64
        var full: Bool
        var cost: Int64
        var distance: Int
        var stockLeft: Int64
    }

    /// Ranks options: covers the order, fewer warehouses, cheaper, nearer, more stock left, then by codes (stable).
    static func better(_ a: Option, _ b: Option) -> Bool {
        if a.full != b.full { return a.full }
        if a.covered != b.covered { return a.covered > b.covered }
        if a.warehouses.count != b.warehouses.count { return a.warehouses.count < b.warehouses.count }
        if a.cost != b.cost { return a.cost < b.cost }
        if a.distance != b.distance { return a.distance < b.distance }
        if a.stockLeft != b.stockLeft { return a.stockLeft > b.stockLeft }
        return a.warehouses.lexicographicallyPrecedes(b.warehouses)
    }

    func estimate(_ warehouse: String, weightGrams: Int64) -> Int64 {
        quoters[warehouse]?.cost(weightGrams: weightGrams) ?? Int64.max / 4
    }

    /// What `warehouses` would ship: each line from the warehouse that covers most of the order first.
    func option(_ warehouses: [String], covers: [String: Int64]) -> Option {
        let ordered = warehouses.sorted { (covers[$0] ?? 0, $1) > (covers[$1] ?? 0, $0) }
        var shares: [[Int64]] = []
        var covered: Int64 = 0
        var full = true
        var weights = [Int64](repeating: 0, count: ordered.count)
        var stockLeft: Int64 = 0
        // Two lines of one product draw on the same lots.
        var consumed: [String: Int64] = [:]
        for index in stockLines {
            let line = demand.lines[index]
            var needed = line.quantity
            var lineShares: [Int64] = []
            for (position, warehouse) in ordered.enumerated() {
                let key = line.sku + "\u{0}" + warehouse
                let available = max(0, cover(index, warehouse, ignoringQuantity: true) - (consumed[key] ?? 0))
                let take = min(needed, available)
                consumed[key, default: 0] += take
                lineShares.append(take)
                needed -= take
                weights[position] = weights[position].saturatingAdding(take.saturatingMultiplying(max(0, line.weightGrams)))
                stockLeft = stockLeft.saturatingAdding(available - take)
            }
            if needed > 0 { full = false }
            covered = covered.saturatingAdding(line.quantity - needed)
            shares.append(lineShares)
        }
        var cost: Int64 = 0
        var distance = 0
        for (position, warehouse) in ordered.enumerated() where weights[position] > 0 || shares.contains(where: { $0[position] > 0 }) {
            cost = cost.saturatingAdding(estimate(warehouse, weightGrams: weights[position]))
            distance += kilometres[warehouse] ?? 100_000
        }
        return Option(warehouses: ordered, shares: shares, covered: covered, full: full, cost: cost, distance: distance, stockLeft: stockLeft)
    }

    mutating func run() -> AllocationPlan {
        // Candidates: active warehouses with usable stock for some line.
        var covers: [String: Int64] = [:]
        for index in stockLines {
            for warehouse in usable[index].keys { covers[warehouse, default: 0] += cover(index, warehouse) }
        }
        let candidates = covers.filter { $0.value > 0 }.keys.sorted()
        var best: Option?
        var singles: [String: Option] = [:]
        func consider(_ option: Option) {
            if best.map({ Self.better(option, $0) }) ?? true { best = option }
        }
        for warehouse in candidates {
            let single = option([warehouse], covers: covers)
            singles[warehouse] = single
            consider(single)
        }
        if best?.full != true && policy.maxWarehouses > 1 && candidates.count > 1 {
            var size = 2
            while size <= min(policy.maxWarehouses, candidates.count) && best?.full != true {
                if Self.combinations(candidates.count, size) <= Allocation.combinationLimit {
                    for combination in Self.choose(candidates, size) { consider(option(combination, covers: covers)) }
                } else {
                    // Too many to try: the warehouses that cover most, greedily.
                    let greedy = candidates.sorted { (covers[$0] ?? 0, $1) > (covers[$1] ?? 0, $0) }.prefix(size)
                    consider(option(Array(greedy), covers: covers))
                }
                size += 1
            }
        }
        return explain(best, singles: singles, covers: covers)
    }

    static func combinations(_ n: Int, _ k: Int) -> Int {
        var result = 1
        for i in 0..<k {
            result = result * (n - i) / (i + 1)
            if result > Allocation.combinationLimit { return result }
        }
        return result
    }

    static func choose(_ items: [String], _ size: Int) -> [[String]] {
        var result: [[String]] = []
        var current: [String] = []
        func walk(_ start: Int) {
            if current.count == size {
                result.append(current)
                return
            }
            guard start < items.count else { return }
            for i in start..<items.count where items.count - i >= size - current.count {
                current.append(items[i])
                walk(i + 1)
                current.removeLast()
            }
        }
        walk(0)
        return result
    }

    /// Turns the chosen option into picks (lots in FEFO/FIFO order) and notes for every warehouse and lot looked at.
    func explain(_ chosen: Option?, singles: [String: Option], covers: [String: Int64]) -> AllocationPlan {
        let chosenWarehouses = chosen?.warehouses ?? []
        let primary = chosenWarehouses.first.flatMap { singles[$0] }
        var lines: [AllocationPlan.Line] = []
        var anyAllocated = false
        var allFull = true
        var shareRow = 0
        var lotUsed: [ID<StockLot>: Int64] = [:]
        for (index, line) in demand.lines.enumerated() {
            if line.makeToOrder {
                // What production made for the line, from the order's warehouses first; the rest is to produce.
                var picks: [AllocationPlan.Pick] = []
                var notes: [AllocationNote] = []
                var remaining = line.quantity
                let order = chosenWarehouses + usable[index].keys.filter { !chosenWarehouses.contains($0) }.sorted()
                for warehouse in order {
                    for lot in usable[index][warehouse] ?? [] where remaining > 0 {
                        let take = min(remaining, lot.available - (lotUsed[lot.lotID] ?? 0))
                        guard take > 0 else { continue }
                        remaining -= take
                        lotUsed[lot.lotID, default: 0] += take
                        picks.append(
                            AllocationPlan.Pick(lotID: lot.lotID, warehouse: warehouse, location: lot.location, lot: lot.lot, expiry: lot.expiry, quantity: take))
                        notes.append(AllocationNote(.picked, warehouse: warehouse, lot: lot.lot, quantity: take, expiry: lot.expiry))
                    }
                }
                if remaining > 0 { notes.append(AllocationNote(.makeToOrder, quantity: remaining)) }
                if remaining < line.quantity { anyAllocated = true }
                lines.append(
                    AllocationPlan.Line(
                        lineID: line.lineID, sku: line.sku, quantity: line.quantity, allocated: line.quantity - remaining, toProduce: remaining,
                        picks: picks, explanation: notes))
                continue
            }
            let shares = chosen?.shares[shareRow] ?? []
            shareRow += 1
            var picks: [AllocationPlan.Pick] = []
            var notes: [AllocationNote] = []
            // The chosen warehouses, in order, then every other warehouse that has the product.
            for (position, warehouse) in chosenWarehouses.enumerated() {
                var remaining = position < shares.count ? shares[position] : 0
                let taken = remaining
                if taken > 0 {
                    notes.append(AllocationNote(.chosen, warehouse: warehouse, quantity: taken, kilometres: kilometres[warehouse]))
                } else if stocked[index].contains(warehouse) {
                    notes.append(AllocationNote(.notNeeded, warehouse: warehouse))
                }
                for lot in usable[index][warehouse] ?? [] {
                    let free = lot.available - (lotUsed[lot.lotID] ?? 0)
                    if remaining > 0 && free > 0 {
                        let take = min(remaining, free)
                        remaining -= take
                        lotUsed[lot.lotID, default: 0] += take
                        picks.append(
                            AllocationPlan.Pick(
                                lotID: lot.lotID, warehouse: warehouse, location: lot.location, lot: lot.lot, expiry: lot.expiry, quantity: take))
                        notes.append(AllocationNote(.picked, warehouse: warehouse, lot: lot.lot, quantity: take, expiry: lot.expiry))
                    } else if taken > 0 {
                        notes.append(AllocationNote(.laterLot, warehouse: warehouse, lot: lot.lot, expiry: lot.expiry))
                    }
                }
                notes += excluded[index][warehouse] ?? []
            }
            let allocated = picks.reduce(Int64(0)) { $0 + $1.quantity }
            for warehouse in stocked[index].sorted() where !chosenWarehouses.contains(warehouse) {
                guard let site = sites[warehouse], site.active else {
                    notes.append(AllocationNote(.inactive, warehouse: warehouse))
                    continue
                }
                let available = cover(index, warehouse)
                if available == 0 {
                    notes.append(AllocationNote(.noStock, warehouse: warehouse))
                } else if allocated < line.quantity && chosenWarehouses.count >= policy.maxWarehouses {
                    notes.append(AllocationNote(.splitLimit, warehouse: warehouse, available: available))
                } else if available < line.quantity {
                    notes.append(AllocationNote(.notEnough, warehouse: warehouse, available: available))
                } else if let alone = singles[warehouse], alone.full, let primary, chosen?.warehouses.count == 1 {
                    if alone.cost != primary.cost {
                        notes.append(AllocationNote(.costlier, warehouse: warehouse, cost: Money(minor: alone.cost)))
                    } else if alone.distance != primary.distance {
                        notes.append(AllocationNote(.farther, warehouse: warehouse, kilometres: kilometres[warehouse]))
                    } else {
                        notes.append(AllocationNote(.lessStockLeft, warehouse: warehouse))
                    }
                } else if chosen?.full == true {
                    notes.append(AllocationNote(.wouldSplit, warehouse: warehouse, available: available))
                } else {
                    notes.append(AllocationNote(.splitLimit, warehouse: warehouse, available: available))
                }
                notes += excluded[index][warehouse] ?? []
            }
            if allocated < line.quantity {
                allFull = false
                notes.append(AllocationNote(.short, quantity: line.quantity - allocated))
            }
            if allocated > 0 { anyAllocated = true }
            lines.append(
                AllocationPlan.Line(
                    lineID: line.lineID, sku: line.sku, quantity: line.quantity, allocated: allocated, toProduce: 0, picks: picks,
                    explanation: notes))
        }
        let status: AllocationPlan.Status = allFull ? .full : (anyAllocated ? .partial : .none)
        let picked = Set(lines.flatMap { $0.picks.map(\.warehouse) })
        let shipping = (chosenWarehouses + picked.subtracting(chosenWarehouses).sorted()).filter { picked.contains($0) }
        return AllocationPlan(status: status, warehouses: shipping, lines: lines)
    }
}

/// 抢占临时预留 (`AllocationPolicy.preemptSoftReservations`): which unconfirmed orders give up their soft reservations so
/// an urgent order can be covered. Only orders that are neither urgent nor RUSH/VOR, hold their stock softly (the
/// customer has not confirmed), and come after the urgent order in `DemandPriority`; the last in line first, and
/// no more of them than the urgent order needs. A loser gives up everything it holds and is planned again.
public enum Preemption {
    /// A soft reservation another order holds on a lot.
    public struct Hold: Sendable, Hashable {
        public var priority: DemandPriority
        public var lotID: ID<StockLot>
        public var quantity: Int64

        public init(priority: DemandPriority, lotID: ID<StockLot>, quantity: Int64) {
            self.priority = priority
            self.lotID = lotID
            self.quantity = quantity
        }
    }

    /// Whether `winner` may take `hold`.
    public static func mayTake(_ hold: Hold, winner: DemandPriority) -> Bool {
        winner.isUrgent && !hold.priority.isUrgent && winner < hold.priority && hold.priority.orderID != winner.orderID
    }

    /// The orders that give up their holds so the urgent order can take `needed` more of each lot: per lot, the
    /// holders last in line first, until the lot is covered. Every hold of a loser frees stock, so a loser chosen
    /// for one lot counts on the others too.
    public static func losers(needed: [ID<StockLot>: Int64], holds: [Hold], winner: DemandPriority) -> [ID<Order>] {
        let eligible = holds.filter { mayTake($0, winner: winner) }
        var chosen: [ID<Order>] = []
        var freed: [ID<StockLot>: Int64] = [:]
        for (lot, need) in needed.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where need > 0 {
            for hold in eligible.filter({ $0.lotID == lot }).sorted(by: { $1.priority < $0.priority }) where (freed[lot] ?? 0) < need {
                guard !chosen.contains(hold.priority.orderID) else { continue }
                chosen.append(hold.priority.orderID)
                for other in eligible where other.priority.orderID == hold.priority.orderID { freed[other.lotID, default: 0] += other.quantity }
            }
        }
        return chosen
    }
}

extension DemandPriority {
    /// Urgent, or an order type served before STOCK (RUSH, VOR).
    public var isUrgent: Bool { urgent || type != .stock }
}
