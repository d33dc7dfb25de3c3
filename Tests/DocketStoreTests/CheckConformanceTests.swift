import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// `docket check` on both engines: clean on a database Docket wrote, and each invariant caught when the data is
/// broken behind Docket's back (raw SQL, as a faulty import or a manual edit would).
@Suite("docket check on both stores", .serialized)
struct CheckConformanceTests {
    @Test(arguments: Engine.available)
    func aDatabaseDocketWroteIsCleanAndBreakageIsNamed(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await allocationSetup(store)
            try await receive(store, "P001", "SH", 5)
            try await receive(store, "P002", "SH", 5)
            _ = try await store.timers.runDueTimers(owner: "node")
            let held = try await reviewedOrder(store, clock, [OrderLineDraft(sku: "P001", quantity: 2)], urgent: false)
            let waiting = try await store.orders.submitOrder(completeDraft(), idempotencyKey: "key-1", by: clerk).order
            _ = try await store.orders.recordConfirmation(orderID: held, via: .phone, note: nil, by: clerk)
            var report = try await store.check()
            #expect(report.isClean, "\(report.lines.joined(separator: "\n"))")
            #expect(report.lines.count == Invariant.allCases.count)

            let lot = try #require(try await store.stock.stockLots(StockQuery(sku: "P001")).items.first)
            let number = try await store.orders.order(id: waiting.id).number
            _ = try await store.engine.write([
                // A reservation nobody holds, written past the ledger.
                Statement("UPDATE stock_lots SET reserved = reserved + 1 WHERE id = $1", [lot.id]),
                // A total that is not its lines'.
                Statement("UPDATE orders SET total_minor = total_minor + 100 WHERE id = $1", [waiting.id]),
                // A status nobody recorded.
                Statement("UPDATE orders SET status = 'confirmed' WHERE id = $1", [waiting.id]),
                // A confirmation message nobody sent.
                Statement("DELETE FROM outbox WHERE topic = 'order.confirmed' AND aggregate_id = $1", [held]),
                // A number taken twice would be refused by the schema; a gap is not.
                Statement("UPDATE orders SET number = replace(number, '-000002', '-000005') WHERE id = $1", [waiting.id]),
            ])
            report = try await store.check()
            #expect(!report.isClean)
            #expect(report.counts[.reservedIsHeld] == 1 && report.counts[.ledgerReplays] == 1)
            #expect(report.counts[.lotBounds] == 0)
            #expect(report.counts[.orderTotals] == 1 && report.counts[.statusMatchesHistory] == 1)
            #expect(report.counts[.oneMessagePerEvent] == 1)
            #expect((report.counts[.orderNumbersContiguous] ?? 0) >= 1)
            let text = report.lines.joined(separator: "\n")
            #expect(text.contains("✘ reserved = reservations") && text.contains("lot \(lot.id) (P001)") && text.contains(number.replacingOccurrences(of: "-000002", with: "-000005")))
            #expect(text.contains("status confirmed, last recorded change to review_sales"), "\(text)")
        }
    }
}
