import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// Production on both engines: a made-to-order line planned, its specification confirmed, started, reported on
/// (output into stock, taken by the line it was made for), a slip that flags the order, tells the customer and
/// opens a new-date agreement; a missed milestone found by the timer.
@Suite("Production on both stores", .serialized)
struct ProductionConformanceTests {
    static let day: Int64 = 86_400_000

    @Test(arguments: Engine.available)
    func aMadeToOrderLineIsProducedReportedOnAndTakesItsOwnOutput(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await allocationSetup(store)
            var product = sampleProduct("M001")
            product.makeToOrder = true
            _ = try await store.products.create(product, by: clerk)
            try await receive(store, "P002", "SH", 5)
            _ = try await store.timers.runDueTimers(owner: "node")
            let orderID = try await reviewedOrder(
                store, clock, [OrderLineDraft(sku: "M001", quantity: 5), OrderLineDraft(sku: "P002", quantity: 1)], urgent: false)
            let order = try await store.orders.order(id: orderID)
            let promised = try #require(order.promisedDate)
            let line = try #require(try await store.production.demand().first { $0.orderID == orderID })
            #expect(line.sku == "M001" && line.quantity == 5 && line.warehouse == "SH")
            let today = clock.now().date(utcOffsetHours: 8)

            let planned = try await store.production.create(
                ProductionDraft(
                    sku: "M001", quantity: 5, warehouseCode: "SH", dueDate: promised, operations: ["下料", "成型"],
                    milestones: [.init(name: "样品", due: today.adding(days: 2))], specification: "杯身印红色 logo", orderId: orderID, lineId: line.lineID),
                by: clerk)
            #expect(planned.status == .awaitingSpec && planned.number.hasPrefix("MO-") && planned.operations.map(\.name) == ["下料", "成型"])
            #expect(try await store.production.demand().isEmpty, "the line is covered now")
            await #expect(throws: DocketError.conflict(.productionOrder, key: planned.number, because: "production.awaitingSpec")) {
                _ = try await store.production.start(planned.id, by: clerk)
            }
            let confirmed = try await store.production.confirmSpecification(planned.id, confirmation: "邮件，张经理确认", by: clerk)
            #expect(confirmed.status == .planned && confirmed.specConfirmation == "邮件，张经理确认")
            let started = try await store.production.start(planned.id, version: confirmed.version, by: clerk)
            #expect(started.status == .inProgress)

            // Output goes into stock under the production order's number and is taken by the line at once.
            var now = try await store.production.report(planned.id, ProgressReport(produced: 2, operation: "下料"), by: clerk)
            #expect(now.produced == 2 && now.operations.map(\.done) == [true, false])
            let output = try #require(try await store.stock.stockLots(StockQuery(sku: "M001")).items.first)
            #expect(output.lot == planned.number && output.onHand == 2 && output.reserved == 2)
            let movements = try await store.stock.stockMovements(StockQuery(sku: "M001")).items
            #expect(movements.contains { $0.kind == .production && $0.quantity == 2 && $0.reference == planned.number })
            var plan = try #require(try await store.orders.allocation(orderID: orderID))
            let made = try #require(plan.plan.lines.first { $0.sku == "M001" })
            #expect(made.allocated == 2 && made.toProduce == 3 && plan.status == .full)
            try await checkStockInvariants(store)

            // A problem pushes the finish past the promised date: flagged, the customer told, a new date asked for.
            now = try await store.production.report(
                planned.id, ProgressReport(problem: "模具损坏，等待维修", expectedDate: promised.adding(days: 5)), by: clerk)
            #expect(now.atRisk && now.expectedDate == promised.adding(days: 5))
            #expect(try await store.orders.orderTimeline(orderID: orderID).contains { $0.action == "production_slipped" })
            let told = try await store.engine.read(Statement("SELECT payload FROM outbox WHERE topic = 'order.delayed' AND aggregate_id = $1", [orderID]))
            #expect(told.count == 1)
            let payload = try told.first?.text("payload") ?? ""
            #expect(payload.contains(promised.adding(days: 5).iso8601), "\(payload)")
            let agreement = try await store.orders.orderFile(id: orderID).changes
            #expect(agreement.contains { $0.edit.requestedDate == promised.adding(days: 5) && $0.status == .pending }, "\(agreement)")
            // The same news again does not tell the customer twice.
            _ = try await store.production.report(planned.id, ProgressReport(problem: "仍在维修", expectedDate: promised.adding(days: 5)), by: clerk)
            #expect(try await store.engine.read(Statement("SELECT id FROM outbox WHERE topic = 'order.delayed'")).count == 1)

            await #expect(throws: DocketError.invalid("produced", "overProduction", ["max": "3"])) {
                _ = try await store.production.report(planned.id, ProgressReport(produced: 4), by: clerk)
            }
            await #expect(throws: DocketError.conflict(.productionOrder, key: planned.number), "a report sent twice") {
                _ = try await store.production.report(planned.id, ProgressReport(produced: 1, version: started.version), by: clerk)
            }
            now = try await store.production.report(planned.id, ProgressReport(produced: 3, operation: "成型"), by: clerk)
            #expect(now.status == .completed && now.produced == 5 && !now.atRisk)
            plan = try #require(try await store.orders.allocation(orderID: orderID))
            #expect(plan.plan.lines.first { $0.sku == "M001" }?.allocated == 5)
            #expect(try await store.production.reports(planned.id).count == 4, "the refused ones are not kept")
            await #expect(throws: DocketError.conflict(.productionOrder, key: planned.number, because: "production.completed")) {
                _ = try await store.production.cancel(planned.id, by: clerk)
            }
            try await checkStockInvariants(store)
        }
    }

    @Test(arguments: Engine.available)
    func aMissedMilestoneMovesTheFinishAndFlagsIt(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await allocationSetup(store)
            let today = clock.now().date(utcOffsetHours: 8)
            let order = try await store.production.create(
                ProductionDraft(
                    sku: "P001", quantity: 10, warehouseCode: "GZ", dueDate: today.adding(days: 5),
                    milestones: [.init(name: "备料", due: today.adding(days: 1)), .init(name: "完工检验", due: today.adding(days: 4))]), by: clerk)
            #expect(order.status == .planned)
            _ = try await store.production.start(order.id, by: clerk)
            clock.advance(milliseconds: Self.day)
            #expect(try await store.timers.runDueTimers(owner: "node").isEmpty, "not before the day after the milestone")
            clock.advance(milliseconds: 2 * Self.day)
            #expect(try await store.timers.runDueTimers(owner: "node") == [.replanned])
            let late = try await store.production.productionOrder(id: order.id)
            // 备料 was due on day 1; on day 3 it is two days late: the finish moves two days.
            #expect(late.expectedDate == today.adding(days: 7) && late.atRisk && late.isLate(today: today.adding(days: 3)))
            // Reached: the next check is for the next milestone.
            _ = try await store.production.report(order.id, ProgressReport(milestone: "备料"), by: clerk)
            clock.advance(milliseconds: Self.day)
            #expect(try await store.timers.runDueTimers(owner: "node") == [.skipped])
            #expect(try await store.production.productionOrders(open: true).map(\.id) == [order.id])
            let now = clock.now().date(utcOffsetHours: 8)
            do {
                _ = try await store.production.create(
                    ProductionDraft(sku: "P001", quantity: 0, warehouseCode: "XX", dueDate: now.adding(days: 1), milestones: [.init(name: "晚", due: now.adding(days: 9))]),
                    by: clerk)
                Issue.record("refused")
            } catch DocketError.invalid(let problems) {
                #expect(Set(problems.map(\.field)) == ["quantity", "milestones[0].due"])
            }
        }
    }
}
