import Foundation
import DocketCore
import DocketStore

/// `docket bench`'s data set, generated: the demo's suppliers, warehouses and carriers; `products` stocked products
/// made from the demo's plain ones (no lots, no expiry, not made to order); `customers` A-rated customers with
/// room on their credit, spread over the demo's cities; every product received into every warehouse in plenty.
/// Rules pass routine orders through all four reviews, so a place-order is intake, four passes and a reservation.
/// Orders of history (`BulkOrders`, completed or cancelled, going back from yesterday) make it a desk that has been
/// working, with the planner's statistics gathered over all of it.
public enum BenchData {
    public static let skuPrefix = "BN-"
    public static let customerPrefix = "BC-"

    public static func generate(products productCount: Int, customers customerCount: Int, today: CalendarDate) -> DemoData {
        var data = DemoData(today: today)
        let templates = data.products.filter { !$0.lotTracked && !$0.makeToOrder && $0.shelfLifeDays == nil && $0.sellable }
        let customerTemplates = data.customers
        data.products = (0..<productCount).map { index in
            var product = templates[index % templates.count]
            product.sku = skuPrefix + String(format: "%06d", index + 1)
            product.nameZh = "\(product.nameZh) \(index + 1)"
            product.nameEn = product.nameEn.map { "\($0) \(index + 1)" }
            product.substituteSkus = []
            return product
        }
        data.customers = (0..<customerCount).map { index in
            var customer = customerTemplates[index % customerTemplates.count]
            customer.code = customerPrefix + String(format: "%06d", index + 1)
            customer.name = "\(customer.name)（\(index + 1)）"
            customer.creditRating = .A
            customer.creditLimit = Bounds.amount
            return customer
        }
        data.receipts = data.products.flatMap { product in
            data.warehouses.compactMap { warehouse, locations in
                locations.first.map { StockReceipt(sku: product.sku, warehouseCode: warehouse.code, locationCode: $0.code, quantity: 5_000_000) }
            }
        }
        return data
    }

    /// Loads the data set into an empty database, with rules for every review stage and `history` orders of history.
    public static func load(
        into store: Store, products: Int, customers: Int, history: Int, progress: @escaping @Sendable (String, Double) -> Void
    ) async throws {
        let data = generate(products: products, customers: customers, today: store.clock.now().date(utcOffsetHours: 8))
        try await store.loadMasterData(data, by: .cli("bench"))
        for (code, stage) in [("BENCH-SALES", ReviewStage.sales), ("BENCH-FIN", .finance), ("BENCH-INV", .inventory), ("BENCH-FINAL", .final)] {
            _ = try await store.reviewRules.create(ReviewRule(code: code, name: "常规订单（压测）", stage: stage), by: .cli("bench"))
        }
        _ = try await BulkOrders.fill(store, to: history, products: products, customers: customers, progress: progress)
        // The planner's statistics for the new tables, as autovacuum gathers them on a live database within a minute:
        // without them PostgreSQL guesses, and reads a few lots by hashing whole tables.
        _ = try await store.engine.write(Statement("ANALYZE", cached: false))
    }
}
