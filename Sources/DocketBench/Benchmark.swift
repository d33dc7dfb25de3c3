import DocketCore
import DocketStore
import Foundation
import Histogram

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
        for result in results { report(result.line) }
        return results
    }

    /// Runs `operation` from `concurrency` tasks for `seconds`, recording each call's latency.
    static func measure(
        _ name: String, seconds: Double, concurrency: Int, _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> BenchResult {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .milliseconds(Int64(seconds * 1000)))
        let histograms = try await withThrowingTaskGroup(of: Histogram<UInt64>.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                    var i = worker * 1_000_003
                    while clock.now < deadline {
                        let began = clock.now
                        try await operation(i)
                        let elapsed = began.duration(to: clock.now)
                        _ = histogram.record(UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000))
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
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            p50Microseconds: merged.valueAtPercentile(50), p99Microseconds: merged.valueAtPercentile(99),
            maxMicroseconds: merged.max)
    }
}
