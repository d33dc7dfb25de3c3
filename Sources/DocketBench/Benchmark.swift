import DocketCore
import DocketStore
import Foundation
import Histogram
import Synchronization

/// Throughput and latency of one scenario.
public struct BenchResult: Sendable {
    public var name: String
    public var operations: Int
    public var seconds: Double
    public var p50Microseconds: UInt64
    public var p99Microseconds: UInt64
    public var maxMicroseconds: UInt64
    public var perSecond: Double { Double(operations) / seconds }

    public var line: String {
        let rate = String(format: "%10.0f", perSecond)
        return "\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(rate) ops/s   p50 \(p50Microseconds) µs   p99 \(p99Microseconds) µs   max \(maxMicroseconds) µs   (\(operations) ops)"
    }
}

/// `docket bench`: master-data reads and stock receipts against a store seeded with the demo data.
/// Measures; never asserts. The numbers go into issue notes, not into tests.
public enum Bench {
    public static func run(store: Store, seconds: Double, concurrency: Int, report: @Sendable (String) -> Void) async throws -> [BenchResult] {
        if try await store.isEmpty() {
            report("seeding demo data…")
            try await store.loadDemo(by: .cli("bench"))
        }
        let products = try await store.products.list(ListQuery(limit: 200)).items
        let warehouses = try await store.warehouses.list(ListQuery()).items
        var found: [(String, String)] = []
        for warehouse in warehouses {
            for location in try await store.stock.locations(in: warehouse.id) {
                found.append((warehouse.value.code, location.location.code))
            }
        }
        let locations = found
        let plain = products.filter { !$0.value.lotTracked }
        guard !products.isEmpty, !plain.isEmpty, !locations.isEmpty else { return [] }

        var results: [BenchResult] = []
        results.append(
            try await measure("product by id", seconds: seconds, concurrency: concurrency) { i in
                _ = try await store.products.get(id: products[i % products.count].id)
            })
        results.append(
            try await measure("product by SKU", seconds: seconds, concurrency: concurrency) { i in
                _ = try await store.products.get(key: products[(i * 7) % products.count].value.sku)
            })
        results.append(
            try await measure("customer list page (50)", seconds: seconds, concurrency: concurrency) { i in
                _ = try await store.customers.list(ListQuery(limit: 50, offset: 0))
            })
        results.append(
            try await measure("stock receipt", seconds: seconds, concurrency: concurrency) { i in
                let product = plain[i % plain.count].value
                let (warehouse, location) = locations[(i / plain.count) % locations.count]
                _ = try await store.stock.receive(
                    StockReceipt(sku: product.sku, warehouseCode: warehouse, locationCode: location, quantity: 1),
                    by: .cli("bench"))
            })
        let customers = try await store.customers.list(ListQuery(limit: 200)).items.map(\.value.code)
        let sellable = products.filter { !$0.value.makeToOrder }.map(\.value.sku)
        results.append(
            try await measure("order intake (3 lines)", seconds: seconds, concurrency: concurrency) { i in
                let lines = (0..<3).map { OrderLineDraft(sku: sellable[(i * 3 + $0) % sellable.count], quantity: Int64(1 + i % 5)) }
                _ = try await store.orders.submitOrder(
                    OrderDraft(channel: .api, customerCode: customers[i % customers.count], lines: lines),
                    idempotencyKey: "bench-\(i)", by: .cli("bench"))
            })
        results.append(try await allocationPlan(seconds: seconds))
        results.append(try await carrierChoice(seconds: seconds))
        // Orders holding stock, one per client, planned again and re-reserved over and over (a full plan, its
        // reservations rewritten, the order's version guard, the ledger when a lot changes).
        var holding: [ID<Order>] = []
        for client in 0..<concurrency {
            let lines = (0..<3).map { OrderLineDraft(sku: sellable[(client * 3 + $0) % sellable.count], quantity: 1) }
            let order = try await store.orders.submitOrder(
                OrderDraft(channel: .api, customerCode: customers[client % customers.count], lines: lines),
                idempotencyKey: "bench-holding-\(client)", by: .cli("bench")).order
            var current = try await store.orders.order(id: order.id)
            while let stage = ReviewStage(status: current.status) {
                current = try await store.orders.decideReview(current, stage: stage, .pass, reason: "bench", approveOverrides: true, by: .cli("bench"))
            }
            holding.append(order.id)
        }
        let orders = holding
        results.append(
            try await measure("allocate + reserve (3 lines)", seconds: seconds, concurrency: concurrency) { i in
                _ = try await store.orders.reallocate(orderID: orders[(i / 1_000_003) % orders.count], by: .cli("bench"))
            })
        results.append(try await pickPackShip(store, count: max(40, Int(seconds * 60) * concurrency), concurrency: concurrency, report: report))
        for result in results { report(result.line) }
        return results
    }

    /// 拣货-包装-发运: released shipments taken through the four writes of fulfilment — confirm the pick, pack as
    /// suggested, take the rules' carrier, hand over with a tracking number — one shipment per operation, `concurrency`
    /// at a time. The shipments are prepared first (orders of one stocked product passed through the reviews,
    /// confirmed and released), untimed; all of them are then worked off and timed.
    static func pickPackShip(_ store: Store, count: Int, concurrency: Int, report: @Sendable (String) -> Void) async throws -> BenchResult {
        let actor = Actor.cli("bench")
        guard let customer = try await store.customers.list(ListQuery(limit: 200)).items.first(where: { $0.value.creditRating == .A })?.value.code,
            let product = try await store.products.list(ListQuery(limit: 200)).items.first(where: {
                !$0.value.lotTracked && !$0.value.makeToOrder && $0.value.sellable && $0.value.weightGrams > 0
            })?.value,
            let warehouse = try await store.warehouses.list(ListQuery(limit: 1)).items.first,
            let location = try await store.stock.locations(in: warehouse.id).first
        else { return BenchResult(name: "pick-pack-ship (shipment)", operations: 0, seconds: 1, p50Microseconds: 0, p99Microseconds: 0, maxMicroseconds: 0) }
        _ = try await store.stock.receive(
            StockReceipt(sku: product.sku, warehouseCode: warehouse.value.code, locationCode: location.location.code, quantity: Int64(count * 2 + 10)),
            by: actor)
        report("preparing \(count) released shipments…")
        let run = UUID().uuidString.prefix(8)
        var prepared: [ID<Shipment>] = []
        for n in 0..<count {
            var order = try await store.orders.submitOrder(
                OrderDraft(channel: .api, customerCode: customer, lines: [OrderLineDraft(sku: product.sku, quantity: 2)]),
                idempotencyKey: "bench-ship-\(run)-\(n)", by: actor).order
            while let stage = ReviewStage(status: order.status) {
                order = try await store.orders.decideReview(order, stage: stage, .pass, reason: "bench", approveOverrides: true, by: actor)
            }
            order = try await store.orders.recordConfirmation(orderID: order.id, via: .phone, note: nil, by: actor)
            guard (try await store.orders.orderAllocation(orderID: order.id)).allocation?.readyForWarehouse() == true else { continue }
            _ = try await store.orders.releaseToWarehouse(orderID: order.id, by: actor)
            prepared += try await store.shipments.shipments(orderID: order.id).map(\.id)
        }
        let pool = Mutex(prepared)
        return try await measure("pick-pack-ship (shipment)", seconds: 3_600, concurrency: concurrency, until: { pool.withLock { $0.isEmpty } }) { _ in
            guard let id = pool.withLock({ $0.popLast() }) else { throw Drained() }
            var shipment = try await store.shipments.shipment(id: id)
            let picked = shipment.lines.map { PickedQuantity(lineID: $0.line.lineID, lotID: $0.line.lotID, quantity: $0.line.quantity) }
            shipment = try await store.shipments.confirmPick(id, picked: picked, version: shipment.version, by: actor)
            shipment = try await store.shipments.pack(id, packages: nil, version: shipment.version, by: actor)
            shipment = try await store.shipments.chooseCarrier(id, carrierCode: nil, serviceCode: nil, reason: nil, version: shipment.version, by: actor)
            _ = try await store.shipments.ship(id, trackingNumber: "BN\(id.rawValue)", version: shipment.version, by: actor)
        }
    }

    /// The Core pipeline alone, one caller: a 5-line order over 10 warehouses × 20 lots of each product, with two
    /// carriers' zone rate tables to rank by.
    static func allocationPlan(seconds: Double) async throws -> BenchResult {
        let today = CalendarDate(year: 2026, month: 11, day: 23)!
        let provinces = ["上海", "江苏", "浙江", "广东", "北京", "四川", "湖北", "山东", "河南", "福建"]
        let sites = provinces.enumerated().map { index, province in
            WarehouseSite(
                code: "W\(index)", active: index != 7,
                point: ChinaPlaces.locate(province: province, city: "") ?? GeoPoint(latitude: 30, longitude: 115))
        }
        var supply: [LotSupply] = []
        var lotID: Int64 = 1
        for site in sites {
            for sku in 0..<5 {
                for lot in 0..<20 {
                    supply.append(
                        LotSupply(
                            lotID: ID(lotID), sku: "S\(sku)", warehouse: site.code, location: "A-\(lot % 4)", lot: "L\(lotID)",
                            expiry: sku < 2 ? today.adding(days: 10 + Int(lotID % 300)) : nil,
                            receivedAt: Timestamp(millisecondsSince1970: 1_790_000_000_000 + lotID * 60_000), available: 1 + lotID % 7,
                            quarantined: lotID % 97 == 0))
                    lotID += 1
                }
            }
        }
        let rates = provinces.map { Rate(zone: $0, baseFee: Money(minor: 1_200), perKg: Money(minor: 200), transitDays: 2) }
            + [Rate(zone: "*", baseFee: Money(minor: 2_000), perKg: Money(minor: 500), transitDays: 4)]
        let carriers = ["SF", "ZTO"].map { code in
            Carrier(code: code, name: code, services: [CarrierService(code: "STD", name: "标准", mode: .express, pricing: .zone, rates: rates)])
        }
        let demand = AllocationDemand(
            lines: (0..<5).map { (index: Int) -> AllocationDemand.Line in
                let shelfLife: Int? = index < 2 ? 365 : nil
                return AllocationDemand.Line(
                    lineID: ID(Int64(index + 1)), sku: "S\(index)", quantity: Int64(40 + index * 10), shelfLifeDays: shelfLife, weightGrams: 800)
            },
            today: today, promisedDate: today.adding(days: 7), destination: GeoPoint(latitude: 31.23, longitude: 121.47), province: "上海市")
        let lots = supply
        let plan = Allocation.plan(demand, supply: lots, warehouses: sites, carriers: carriers, policy: .standard)
        precondition(!plan.lines.isEmpty)
        return try await measure("allocation plan (Core)", seconds: seconds, concurrency: 1) { _ in
            _ = Allocation.plan(demand, supply: lots, warehouses: sites, carriers: carriers, policy: .standard)
        }
    }

    /// The carrier choice alone, one caller (issue 12's target: ≤ 100 µs): 4 carriers, each with a rate row for
    /// every one of the 34 provincial divisions, an express, an air, a road and a rail service; the destination
    /// cycles through the provinces, the goods through parcels, urgent valuables and heavy loads.
    static func carrierChoice(seconds: Double) async throws -> BenchResult {
        let provinces = [
            "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省", "安徽省",
            "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省",
            "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
        ]
        func rates(_ base: Int64, _ perKg: Int64, _ days: Int) -> [Rate] {
            provinces.enumerated().map { index, province in
                Rate(zone: province, baseFee: Money(minor: base + Int64(index) * 50), perKg: Money(minor: perKg + Int64(index % 5) * 20),
                    transitDays: days + index % 3)
            }
        }
        let modes: [TransportMode] = [.express, .air, .road, .rail]
        let carriers = ["SF", "JD", "ZTO", "CRE"].enumerated().map { number, code in
            Carrier(code: code, name: code, services: modes.enumerated().map { index, mode in
                CarrierService(code: "\(code)-\(mode.rawValue)", name: mode.rawValue, mode: mode, pricing: .zone,
                    maxWeightKg: mode == .express ? 50 : nil, rates: rates(Int64(800 + number * 300 + index * 1_000), Int64(100 + index * 150), 1 + index))
            })
        }
        let profiles = provinces.indices.map { index in
            ShipmentProfile(
                weightGrams: Int64([2_000, 8_000, 400_000][index % 3]), volumeCm3: Int64([8_000, 30_000, 2_500_000][index % 3]),
                value: Money(minor: Int64([20_000, 900_000, 300_000][index % 3])), urgent: index % 3 == 1, province: provinces[index],
                kilometres: 200 + index * 90, daysToPromise: index % 2 == 0 ? 3 : nil)
        }
        precondition(CarrierChoice.choose(profiles[0], carriers: carriers).chosen != nil)
        return try await measure("carrier choice (Core)", seconds: seconds, concurrency: 1) { i in
            _ = CarrierChoice.choose(profiles[i % profiles.count], carriers: carriers)
        }
    }

    /// Thrown by an operation with no work left: its worker stops, the call not counted.
    struct Drained: Error {}

    /// Runs `operation` from `concurrency` tasks for `seconds` (or until `done`), recording each call's latency.
    static func measure(
        _ name: String, seconds: Double, concurrency: Int, until done: @escaping @Sendable () -> Bool = { false },
        _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> BenchResult {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .milliseconds(Int64(seconds * 1000)))
        let histograms = try await withThrowingTaskGroup(of: Histogram<UInt64>.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                    var i = worker * 1_000_003
                    while clock.now < deadline, !done() {
                        let began = clock.now
                        do { try await operation(i) } catch is Drained { break }
                        let elapsed = began.duration(to: clock.now)
                        _ = histogram.record(elapsed.inMicroseconds)
                        i += 1
                    }
                    return histogram
                }
            }
            var all: [Histogram<UInt64>] = []
            for try await histogram in group { all.append(histogram) }
            return all
        }
        let elapsed = start.duration(to: clock.now)
        var merged = Histogram<UInt64>(highestTrackableValue: 60_000_000)
        for histogram in histograms { merged.add(histogram) }
        return BenchResult(
            name: name, operations: Int(merged.totalCount),
            seconds: elapsed.inSeconds,
            p50Microseconds: merged.valueAtPercentile(50), p99Microseconds: merged.valueAtPercentile(99),
            maxMicroseconds: merged.max)
    }
}

extension Duration {
    /// The duration in seconds, as the reports print rates and shares.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// Whole microseconds, as the latency histograms record them (a measured duration is never negative).
    var inMicroseconds: UInt64 { UInt64(components.seconds) * 1_000_000 + UInt64(components.attoseconds / 1_000_000_000_000) }
}
