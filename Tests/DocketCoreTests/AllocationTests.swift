import DocketCore
import PropertyBased
import Testing

/// A small deterministic generator (SplitMix64), so one random seed drawn by the property check builds a whole
/// scenario and a failure names the seed that reproduces it.
struct SplitMix {
    var state: UInt64
    init(_ seed: Int64) { state = UInt64(bitPattern: seed) }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
}

/// A random allocation problem: warehouses (some inactive), products (some with a shelf life), lots (some expired,
/// quarantined, about to expire or fully reserved), an order of up to 5 lines (a product may repeat).
struct Scenario {
    var demand: AllocationDemand
    var supply: [LotSupply]
    var sites: [WarehouseSite]
    var policy: AllocationPolicy
    var shelfLife: [String: Int]

    init(seed: Int64) {
        var random = SplitMix(seed)
        let today = CalendarDate(year: 2026, month: 11, day: 23)!
        let skus = (0..<random.int(1...5)).map { "P\($0)" }
        var shelfLife: [String: Int] = [:]
        for sku in skus where random.chance(50) { shelfLife[sku] = random.int(30...720) }
        sites = (0..<random.int(1...10)).map { index in
            WarehouseSite(
                code: "W\(index)", active: random.chance(85),
                point: GeoPoint(latitude: 20 + Double(random.int(0...2000)) / 100, longitude: 100 + Double(random.int(0...2200)) / 100))
        }
        var lots: [LotSupply] = []
        var lotID: Int64 = 1
        for site in sites {
            for _ in 0..<random.int(0...20) {
                let sku = skus[random.int(0...(skus.count - 1))]
                let expiry = shelfLife[sku] != nil ? today.adding(days: random.int(-30...400)) : nil
                lots.append(
                    LotSupply(
                        lotID: ID(lotID), sku: sku, warehouse: site.code, location: "A-\(random.int(1...9))", lot: "L\(lotID)",
                        expiry: expiry, receivedAt: Timestamp(millisecondsSince1970: 1_790_000_000_000 + Int64(random.int(0...10_000_000)) * 1000),
                        available: Int64(random.int(0...12)), quarantined: random.chance(8)))
                lotID += 1
            }
        }
        supply = lots
        let lines = (0..<random.int(1...5)).map { index in
            let sku = skus[random.int(0...(skus.count - 1))]
            return AllocationDemand.Line(
                lineID: ID(Int64(index + 1)), sku: sku, quantity: Int64(random.int(1...40)), shelfLifeDays: shelfLife[sku],
                weightGrams: Int64(random.int(0...5000)))
        }
        let minimum: AllocationPolicy.MinimumShelfLife = random.chance(50) ? .days(random.int(0...60)) : .percent(random.int(0...50))
        policy = AllocationPolicy(maxWarehouses: random.int(1...3), minimumShelfLife: minimum)
        demand = AllocationDemand(
            lines: lines, today: today, promisedDate: today.adding(days: random.int(0...30)),
            destination: GeoPoint(latitude: 31.23, longitude: 121.47), province: "上海市")
        self.shelfLife = shelfLife
    }

    /// Whether a lot may be sent at all (the pipeline's rules, restated independently).
    func usable(_ lot: LotSupply) -> Bool {
        guard sites.first(where: { $0.code == lot.warehouse })?.active == true, !lot.quarantined, lot.available > 0 else { return false }
        if let expiry = lot.expiry {
            if expiry < demand.today { return false }
            let keep = max(demand.promisedDate ?? demand.today, demand.today)
            let minimum = policy.minimumShelfLife.days(shelfLifeDays: shelfLife[lot.sku] ?? 0)
            if expiry.daysSince1970 - keep.daysSince1970 < minimum { return false }
        }
        return true
    }

    /// Whether some set of at most `maxWarehouses` warehouses holds enough usable stock for the whole order.
    func coverable(within size: Int) -> Bool {
        var needed: [String: Int64] = [:]
        for line in demand.lines { needed[line.sku, default: 0] += line.quantity }
        let codes = sites.filter(\.active).map(\.code)
        func covers(_ set: [String]) -> Bool {
            needed.allSatisfy { sku, quantity in
                supply.filter { $0.sku == sku && set.contains($0.warehouse) && usable($0) }.reduce(0) { $0 + $1.available } >= quantity
            }
        }
        func search(_ start: Int, _ chosen: [String]) -> Bool {
            if !chosen.isEmpty && covers(chosen) { return true }
            guard chosen.count < size else { return false }
            for i in start..<codes.count where search(i + 1, chosen + [codes[i]]) { return true }
            return false
        }
        return search(0, [])
    }
}

@Suite("Allocation pipeline")
struct AllocationTests {
    @Test func plansNeverTakeMoreThanIsFreeAndFollowTheRules() async {
        await propertyCheck(input: Gen.int64(in: 1...Int64.max)) { seed in
            let scenario = Scenario(seed: seed)
            let plan = Allocation.plan(scenario.demand, supply: scenario.supply, warehouses: scenario.sites, carriers: [], policy: scenario.policy)
            let lots = Dictionary(uniqueKeysWithValues: scenario.supply.map { ($0.lotID, $0) })
            // Never more than available, never a lot that may not be sent.
            for (lotID, taken) in plan.reservedByLot {
                let lot = lots[lotID]!
                #expect(taken <= lot.available, "seed \(seed): lot \(lot.lot) over-reserved")
                #expect(scenario.usable(lot), "seed \(seed): lot \(lot.lot) may not be sent")
            }
            // Lines add up; splits stay within the limit; every line is explained.
            #expect(Set(plan.lines.flatMap(\.picks).map(\.warehouse)).count <= scenario.policy.maxWarehouses, "seed \(seed)")
            for (line, demand) in zip(plan.lines, scenario.demand.lines) {
                #expect(line.lineID == demand.lineID && line.quantity == demand.quantity)
                #expect(line.allocated == line.picks.reduce(0) { $0 + $1.quantity } && line.allocated <= line.quantity, "seed \(seed)")
                #expect(!line.explanation.isEmpty, "seed \(seed)")
                #expect(line.explanation.filter { $0.verdict == .picked }.count == line.picks.count, "seed \(seed)")
                #expect(line.allocated == line.quantity || line.explanation.contains { $0.verdict == .short }, "seed \(seed)")
            }
            let full = plan.lines.allSatisfy { $0.allocated == $0.quantity }
            let none = plan.lines.allSatisfy { $0.allocated == 0 }
            #expect(plan.status == (full ? .full : none ? .none : .partial), "seed \(seed)")
            // FEFO for shelf-life products, FIFO otherwise: a later lot is only taken when every earlier usable lot of
            // the product in that warehouse is used up.
            var taken = plan.reservedByLot
            for lot in scenario.supply where taken[lot.lotID] == nil { taken[lot.lotID] = 0 }
            for pick in plan.lines.flatMap(\.picks) {
                let picked = lots[pick.lotID]!
                let earlier = scenario.supply.filter { other in
                    other.sku == picked.sku && other.warehouse == picked.warehouse && scenario.usable(other) && other.lotID != picked.lotID
                        && (scenario.shelfLife[picked.sku] != nil && other.expiry != picked.expiry
                            ? other.expiry! < picked.expiry!
                            : (other.receivedAt, other.lotID) < (picked.receivedAt, picked.lotID))
                }
                for lot in earlier {
                    #expect(taken[lot.lotID] == lot.available, "seed \(seed): \(picked.lot) taken before earlier \(lot.lot)")
                }
            }
            // Never short when the stock allowed it: one warehouse if one covers the order, else within the limit.
            if scenario.coverable(within: 1) {
                #expect(plan.status == .full && plan.warehouses.count == 1, "seed \(seed): one warehouse covers the order")
            } else if scenario.coverable(within: scenario.policy.maxWarehouses) {
                #expect(plan.status == .full, "seed \(seed): the order is coverable within the split limit")
            }
        }
    }

    static let today = CalendarDate(year: 2026, month: 11, day: 23)!
    static func lot(_ id: Int64, _ warehouse: String, _ quantity: Int64, expiry: CalendarDate? = nil, received: Int64 = 0) -> LotSupply {
        LotSupply(
            lotID: ID(id), sku: "P", warehouse: warehouse, location: "A-01", lot: "L\(id)", expiry: expiry,
            receivedAt: Timestamp(millisecondsSince1970: 1_790_000_000_000 + received), available: quantity)
    }

    static let shanghai = GeoPoint(latitude: 31.23, longitude: 121.47)
    static let sites = [
        WarehouseSite(code: "SH", active: true, point: shanghai),
        WarehouseSite(code: "GZ", active: true, point: GeoPoint(latitude: 23.13, longitude: 113.26)),
        WarehouseSite(code: "BJ", active: false, point: GeoPoint(latitude: 39.90, longitude: 116.40)),
    ]

    static func demand(_ quantity: Int64, shelfLife: Int? = nil, promised: CalendarDate? = nil) -> AllocationDemand {
        AllocationDemand(
            lines: [.init(lineID: 1, sku: "P", quantity: quantity, shelfLifeDays: shelfLife, weightGrams: 1000)], today: today,
            promisedDate: promised, destination: GeoPoint(latitude: 31.30, longitude: 121.50), province: "上海市")
    }

    @Test func oneWarehouseNearestWhenCostIsEqualAndEveryLoserSaysWhy() {
        let supply = [Self.lot(1, "SH", 10), Self.lot(2, "GZ", 10), Self.lot(3, "BJ", 50)]
        let plan = Allocation.plan(Self.demand(8), supply: supply, warehouses: Self.sites, carriers: [], policy: .standard)
        #expect(plan.status == .full && plan.warehouses == ["SH"])
        let notes = plan.lines[0].explanation
        #expect(notes.contains { $0.verdict == .chosen && $0.warehouse == "SH" && $0.quantity == 8 })
        #expect(notes.contains { $0.verdict == .farther && $0.warehouse == "GZ" })
        #expect(notes.contains { $0.verdict == .inactive && $0.warehouse == "BJ" })
        #expect(notes.first { $0.warehouse == "GZ" }?.message.text(.zhCN).hasPrefix("GZ：也能整单供货，运费相同但距离更远") == true)
    }

    @Test func cheaperShippingWinsOverDistance() {
        // Shanghai ships by a carrier rate only to Guangdong; Guangzhou's cheap "*" rate covers Shanghai.
        let carriers = [
            Carrier(
                code: "SF", name: "顺丰",
                services: [
                    CarrierService(
                        code: "STD", name: "标快", mode: .express, pricing: .zone,
                        rates: [Rate(zone: "上海", baseFee: Money(minor: 2_000), transitDays: 1), Rate(zone: "*", baseFee: Money(minor: 900), transitDays: 3)])
                ])
        ]
        let near = ShippingEstimate.cheapest(carriers: carriers, weightGrams: 1000, province: "上海市", kilometres: 5)
        #expect(near?.cost == Money(minor: 2_000), "a province's own row before *")
        let supply = [Self.lot(1, "SH", 10), Self.lot(2, "GZ", 10)]
        let plan = Allocation.plan(Self.demand(8), supply: supply, warehouses: Self.sites, carriers: carriers, policy: .standard)
        #expect(plan.warehouses == ["SH"], "the same rate table from both: equal cost, the nearer one")
    }

    @Test func splitsOnlyWhenNeededAndWithinTheLimit() {
        let supply = [Self.lot(1, "SH", 5), Self.lot(2, "GZ", 5)]
        let split = Allocation.plan(Self.demand(8), supply: supply, warehouses: Self.sites, carriers: [], policy: .standard)
        #expect(split.status == .full && Set(split.warehouses) == ["SH", "GZ"])
        let single = Allocation.plan(Self.demand(8), supply: supply, warehouses: Self.sites, carriers: [], policy: AllocationPolicy(maxWarehouses: 1))
        #expect(single.status == .partial && single.lines[0].allocated == 5 && single.warehouses.count == 1)
        #expect(single.lines[0].explanation.contains { $0.verdict == .splitLimit })
        #expect(single.lines[0].explanation.contains { $0.verdict == .short && $0.quantity == 3 })
    }

    @Test func shelfLifeLotsGoFirstExpiryFirstAndKeepTheMinimum() {
        let supply = [
            Self.lot(1, "SH", 4, expiry: Self.today.adding(days: 200), received: 1),
            Self.lot(2, "SH", 4, expiry: Self.today.adding(days: 20), received: 2),
            Self.lot(3, "SH", 4, expiry: Self.today.adding(days: 5), received: 3),
            Self.lot(4, "SH", 4, expiry: Self.today.adding(days: -1), received: 4),
        ]
        let policy = AllocationPolicy(minimumShelfLife: .days(10))
        let plan = Allocation.plan(
            Self.demand(6, shelfLife: 365, promised: Self.today.adding(days: 3)), supply: supply, warehouses: Self.sites, carriers: [], policy: policy)
        #expect(plan.lines[0].picks.map(\.lot) == ["L2", "L1"], "L3 keeps 2 days at delivery, L4 expired")
        #expect(plan.lines[0].picks.map(\.quantity) == [4, 2])
        let verdicts = Dictionary(uniqueKeysWithValues: plan.lines[0].explanation.compactMap { note in note.lot.map { ($0, note.verdict) } })
        #expect(verdicts == ["L1": .picked, "L2": .picked, "L3": .expiresTooSoon, "L4": .expired])
        #expect(AllocationPolicy.MinimumShelfLife.percent(33).days(shelfLifeDays: 365) == 121)
    }

    @Test func otherLotsGoFirstInFirstOutAndMadeToOrderIsProduced() {
        let supply = [Self.lot(1, "SH", 4, received: 9), Self.lot(2, "SH", 4, received: 1)]
        let plan = Allocation.plan(Self.demand(5), supply: supply, warehouses: Self.sites, carriers: [], policy: .standard)
        #expect(plan.lines[0].picks.map(\.lot) == ["L2", "L1"])
        var demand = Self.demand(5)
        demand.lines[0].makeToOrder = true
        let made = Allocation.plan(demand, supply: supply, warehouses: Self.sites, carriers: [], policy: .standard)
        #expect(made.status == .full && made.lines[0].toProduce == 5 && made.lines[0].picks.isEmpty, "general stock is not for a made-to-order line")
        // What production made for the line (its lot is the production order's number) is taken; the rest is produced.
        demand.lines[0].producedLots = ["L1"]
        let output = Allocation.plan(demand, supply: supply, warehouses: Self.sites, carriers: [], policy: .standard)
        #expect(output.status == .full && output.lines[0].allocated == 4 && output.lines[0].toProduce == 1 && output.lines[0].picks.map(\.lot) == ["L1"])
        #expect(output.warehouses == ["SH"])
    }

    @Test func urgentAndRushGoFirstThenFirstComeFirstServed() {
        let t0 = Timestamp(millisecondsSince1970: 1_790_000_000_000)
        let late = t0.adding(milliseconds: 60_000)
        let stockEarly = DemandPriority(urgent: false, type: .stock, receivedAt: t0, orderID: 1)
        let stockLate = DemandPriority(urgent: false, type: .stock, receivedAt: late, orderID: 2)
        let rushLate = DemandPriority(urgent: false, type: .rush, receivedAt: late, orderID: 3)
        let urgentLate = DemandPriority(urgent: true, type: .stock, receivedAt: late.adding(milliseconds: 1), orderID: 4)
        #expect([stockLate, urgentLate, stockEarly, rushLate].sorted() == [rushLate, urgentLate, stockEarly, stockLate])
    }

    @Test func placesWithoutCoordinatesFallBackToTheirCityOrProvince() {
        #expect(ChinaPlaces.count > 350)
        let suzhou = ChinaPlaces.locate(province: "江苏省", city: "苏州市")!
        #expect(abs(suzhou.latitude - 31.30) < 0.2 && abs(suzhou.longitude - 120.59) < 0.2)
        #expect(ChinaPlaces.locate(province: "江苏", city: "苏州") == suzhou)
        let province = ChinaPlaces.locate(province: "江苏省", city: "不存在市")!
        #expect(province.kilometres(to: GeoPoint(latitude: 32.06, longitude: 118.76)) < 5, "the province's seat, Nanjing")
        #expect(ChinaPlaces.locate(province: "北京市", city: "北京市") != nil)
        #expect(ChinaPlaces.locate(province: "", city: "") == nil)
        // Names written with or without their suffix, and with stray spaces (a full-width one too), are one place.
        #expect(ChinaPlaces.locate(province: " 广西壮族自治区\u{3000}", city: "南宁市 ") == ChinaPlaces.locate(province: "广西", city: "南宁"))
        #expect(ChinaPlaces.locate(province: "广西", city: "南宁") != ChinaPlaces.locate(province: "广西", city: ""))
        let shanghaiToBeijing = GeoPoint(latitude: 31.23, longitude: 121.47).kilometres(to: GeoPoint(latitude: 39.90, longitude: 116.40))
        #expect((1_050...1_090).contains(shanghaiToBeijing))
    }

    @Test func aShortLineHasItsOptionsSoonestFirst() {
        let facts = Shortage.Facts(
            sku: "P", short: 5, allocated: 3,
            elsewhere: [(warehouse: "BJ", available: 9, kilometres: 1_070), (warehouse: "GZ", available: 2, kilometres: 1_200), (warehouse: "HZ", available: 6, kilometres: 170)],
            supplier: (code: "S001", leadTimeDays: 10), substitutes: [(sku: "P-RED", available: 5), (sku: "P-BLUE", available: 1)], shipFrom: "SH")
        let options = Shortage.options(facts, today: Self.today)
        #expect(options.map(\.kind) == [.transfer, .transfer, .transfer, .purchase, .substitute, .partialShipment, .delay, .cancelLine])
        #expect(options.prefix(3).map(\.warehouse) == ["HZ", "BJ", "GZ"], "those that cover the line first, nearest first")
        #expect(options[0].eta == Self.today.adding(days: 2) && options[1].eta == Self.today.adding(days: 3))
        #expect(options[2].quantity == 2, "part of it")
        #expect(options[3].supplier == "S001" && options[3].eta == Self.today.adding(days: 10))
        #expect(options[4].sku == "P-RED" && options[4].needsConsent, "only a substitute that covers it, with consent")
        #expect(options[6].eta == Self.today.adding(days: 10), "delay to the latest arrival offered")
        #expect(options[0].message.text(.zhCN) == "从 HZ 调货 5 到 SH，预计 2026-11-25 到")
        let nothing = Shortage.options(
            Shortage.Facts(sku: "P", short: 1, allocated: 0, elsewhere: [], supplier: nil, substitutes: []), today: Self.today)
        #expect(nothing.map(\.kind) == [.delay, .cancelLine] && nothing[0].eta == Self.today.adding(days: 7))
    }

    @Test func aDelayOrACancelledShortfallIsAChangeOfTheOrder() {
        let lines = [
            OrderIntake.PricedLine(id: 1, sku: "P", description: "P", quantity: 5, unitPrice: Money(minor: 900), listPrice: Money(minor: 1_000), amount: Money(minor: 4_500), priceOverride: true),
            OrderIntake.PricedLine(id: 2, sku: "Q", description: "Q", quantity: 2, unitPrice: Money(minor: 100), listPrice: Money(minor: 100), amount: Money(minor: 200), priceOverride: false),
        ]
        let later = Self.today.adding(days: 9)
        #expect(Shortage.edit(ShortageOption(.delay, eta: later), lineID: 1, short: 3, lines: lines) == OrderEdit(requestedDate: later))
        let cancel = Shortage.edit(ShortageOption(.cancelLine, quantity: 3), lineID: 1, short: 3, lines: lines)
        #expect(cancel?.lines == [OrderLineDraft(lineID: 1, sku: "P", quantity: 2, unitPrice: Money(minor: 900)), OrderLineDraft(lineID: 2, sku: "Q", quantity: 2, unitPrice: Money(minor: 100))])
        let whole = Shortage.edit(ShortageOption(.cancelLine, quantity: 2), lineID: 2, short: 2, lines: lines)
        #expect(whole?.lines?.map(\.sku) == ["P"], "a line missing entirely goes")
        #expect(Shortage.edit(ShortageOption(.transfer, warehouse: "BJ", quantity: 3), lineID: 1, short: 3, lines: lines) == nil)
    }
}

/// A carrier's zone matches the delivery province whichever way either is written (the zone rate tables say 江苏,
/// customers' addresses 江苏省).
@Suite struct ZoneNameTests {
    @Test func zonesMatchWithOrWithoutTheirSuffix() {
        let rates = ["江苏", "广西壮族自治区", "上海市", "*"].enumerated().map { index, zone in
            Rate(zone: zone, baseFee: Money(minor: Int64(1_000 + index)), perKg: Money(minor: 0), transitDays: 1)
        }
        let carrier = Carrier(code: "SF", name: "顺丰", services: [CarrierService(code: "STD", name: "标准", mode: .express, pricing: .zone, rates: rates)])
        func fee(_ province: String) -> Int64? { ShippingEstimate.Quoter(carriers: [carrier], province: province, kilometres: nil).cost(weightGrams: 1) }
        #expect(fee("江苏省") == 1_000 && fee("江苏") == 1_000)
        #expect(fee("广西") == 1_001 && fee(" 广西壮族自治区 ") == 1_001)
        #expect(fee("上海") == 1_002)
        #expect(fee("湖北省") == 1_003, "elsewhere: the * rate")
        #expect(fee("") == 1_003)
    }
}
