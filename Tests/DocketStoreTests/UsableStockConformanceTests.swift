import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// Intake judges usable stock from the supply it reads for allocation (`UsableStock(products:lots:warehouses:)`),
/// everything else from `Store.usableStock`'s SQL: the two spell one rule and must give the same figures.
@Suite("Usable stock from the supply equals the SQL, on both stores", .serialized)
struct UsableStockConformanceTests {
    @Test(arguments: Engine.available)
    func theSupplyGivesWhatTheUsableStockQueryGives(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await allocationSetup(store)
            _ = try await store.products.create(sampleProduct("F001", shelfLife: 365), by: clerk)
            // Lots are received before they expire; two days later one expires that day and one the day before.
            let received = store.clock.now().date(utcOffsetHours: 8)
            let today = CalendarDate(daysSince1970: received.daysSince1970 + 2)
            func receive(_ sku: String, _ warehouse: String, _ quantity: Int64, lot: String, expiry: CalendarDate? = nil) async throws -> StockLot {
                var receipt = StockReceipt(sku: sku, warehouseCode: warehouse, locationCode: "A-01", quantity: quantity)
                receipt.lot = lot
                receipt.expiryDate = expiry
                return try await store.stock.receive(receipt, by: clerk).lot
            }
            // Counted: a plain lot, one expiring today, and one partly reserved by an order through the reviews.
            _ = try await receive("P001", "SH", 5, lot: "L-PLAIN")
            _ = try await receive("F001", "SH", 2, lot: "L-TODAY", expiry: today)
            // Not counted: expired yesterday, quarantined, and a lot in a warehouse switched off.
            _ = try await receive("F001", "GZ", 7, lot: "L-OLD", expiry: CalendarDate(daysSince1970: today.daysSince1970 - 1))
            let frozen = try await receive("P002", "GZ", 4, lot: "L-FROZEN")
            _ = try await store.stock.setQuarantine(lotID: frozen.id, LotQuarantine(quarantined: true, reason: "待检"), by: clerk)
            _ = try await receive("P002", "BJ", 9, lot: "L-OFF")
            _ = try await receive("P002", "GZ", 3, lot: "L-P2")
            clock.advance(days: 2)
            #expect(store.clock.now().date(utcOffsetHours: 8) == today)
            let beijing = try await store.warehouses.get(key: "BJ")
            var off = beijing.value
            off.active = false
            _ = try await store.warehouses.update(id: beijing.id, version: beijing.version, off, by: clerk)
            let order = try await reviewedOrder(store, clock, [OrderLineDraft(sku: "P001", quantity: 3)], urgent: false)
            #expect(try await store.orders.allocation(orderID: order) != nil, "the order holds stock")

            let skus = ["P001", "P002", "F001", "NOPE"]
            let supply = Store.supplyStatements(skus: skus, heldBy: nil)
            let rows = try await store.engine.read([
                Store.products(skus: skus), supply[0], supply[1], Store.usableStock(.list(skus), today: today),
            ])
            let fromSupply = try UsableStock(products: rows[0], lots: rows[1], warehouses: rows[2], today: today)
            let fromSQL = try UsableStock(rows: rows[3])
            #expect(fromSupply == fromSQL)
            #expect(fromSupply.available == ["P001": 2, "P002": 3, "F001": 2], "5 less the 3 reserved; the lot expiring today; one usable lot of P002")
        }
    }
}
