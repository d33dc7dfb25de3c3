import DocketCore
import DocketTestSupport
import Foundation
import Testing

@testable import DocketStore

/// The test carriers, in the store.
func dispatchCarriers(_ store: Store) async throws {
    for carrier in testCarriers { _ = try await store.carriers.create(carrier, by: clerk) }
}

@Suite("Dispatch on both stores", .serialized)
struct DispatchConformanceTests {
    let shipmentTests = ShipmentConformanceTests()

    /// The order's whole way after release: two pick lists, packing, the carrier choice with its explanation (one
    /// overridden with a reason), the handover (stock leaves through the ledger, the customer is told), carrier events
    /// duplicated and out of order, one shipment signed for with a line refused, the other delivered by the carrier,
    /// the case opened, the refused goods returned, the case closed, the order completed and then archived.
    @Test(arguments: Engine.available)
    func fromTwoPickListsToArchive(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let order = try await shipmentTests.releasedSplitOrder(store)
            try await dispatchCarriers(store)
            let shipments = try await store.shipments.shipments(orderID: order.id)
            var sh = try #require(shipments.first { $0.warehouse == "SH" })
            var gz = try #require(shipments.first { $0.warehouse == "GZ" })
            sh = try await store.shipments.confirmPick(sh.id, picked: shipmentTests.pickAll(sh), by: clerk)
            gz = try await store.shipments.confirmPick(gz.id, picked: shipmentTests.pickAll(gz), by: clerk)

            // Packing: as suggested for Shanghai; Guangzhou's entered by hand, and a package that leaves a unit out is refused.
            let suggested = try await store.shipments.suggestedPackages(sh.id)
            #expect(suggested.flatMap(\.contents).reduce(0) { $0 + $1.quantity } == 3)
            sh = try await store.shipments.pack(sh.id, packages: nil, version: sh.version, by: clerk)
            #expect(sh.status == .packed && sh.packages == suggested)
            let line = gz.lines[0].line
            let wrong = PackageDraft(weightGrams: 500, volumeCm3: 1_000, lengthMm: 100, widthMm: 100, heightMm: 100, handling: [],
                contents: [.init(lineID: line.lineID, sku: line.sku, quantity: 2)])
            await #expect(throws: DocketError.self) { _ = try await store.shipments.pack(gz.id, packages: [wrong], by: clerk) }
            var right = wrong
            right.contents[0].quantity = 1
            gz = try await store.shipments.pack(gz.id, packages: [right], by: clerk)
            #expect(try await store.orders.order(id: order.id).status == .packed)

            // The carrier: the rules' choice for Shanghai; Guangzhou overridden, which needs a reason.
            let decision = try await store.shipments.carrierDecision(sh.id)
            let chosen = try #require(decision.chosen)
            #expect(decision.options.count == 2 && decision.options.filter { $0.verdict == .chosen }.count == 1)
            await #expect(throws: DocketError.self) { _ = try await store.shipments.ship(sh.id, trackingNumber: "SF100", by: clerk) }
            sh = try await store.shipments.chooseCarrier(sh.id, by: clerk)
            #expect(sh.carrier?.taken == chosen && sh.carrier?.overrideReason == nil)
            let other = try #require(decision.options.first { $0.verdict != .chosen })
            await #expect(throws: DocketError.invalid("reason", "overrideReasonRequired")) {
                _ = try await store.shipments.chooseCarrier(gz.id, carrierCode: other.carrierCode, by: clerk)
            }
            gz = try await store.shipments.chooseCarrier(gz.id, carrierCode: other.carrierCode, reason: "客户指定", by: clerk)
            #expect(gz.carrier?.taken.carrierCode == other.carrierCode && gz.carrier?.overrideReason == "客户指定")
            #expect(gz.carrier?.decision.options.count == 2, "every option is kept with why it lost")

            // The handover: a bad tracking number is a field problem; each shipment leaves with its stock.
            await #expect(throws: DocketError.invalid("trackingNumber", "invalidTrackingNumber")) {
                _ = try await store.shipments.ship(sh.id, trackingNumber: "SF 1/00", by: clerk)
            }
            sh = try await store.shipments.ship(sh.id, trackingNumber: "SF100", version: sh.version, by: clerk)
            #expect(sh.status == .shipped && sh.trackingNumber == "SF100")
            #expect(sh.eta == clock.now().date(utcOffsetHours: 8).adding(days: chosen.transitDays ?? 0))
            #expect(try await store.orders.order(id: order.id).status == .partiallyShipped)
            try await checkStockInvariants(store)
            gz = try await store.shipments.ship(gz.id, trackingNumber: "DB200", by: clerk)
            #expect(try await store.orders.order(id: order.id).status == .shipped)
            // The order's file still reads (the allocation is `shipped`: its reservations were used by the handover).
            #expect(try await store.orders.orderAllocation(orderID: order.id).allocation?.status == .shipped)
            #expect(try await store.orders.orderFile(id: order.id).order.status == .shipped)
            #expect(try await store.engine.read(Statement("SELECT COUNT(*) AS n FROM reservations WHERE order_id = $1", [order.id]))[0].int("n") == 0)
            let movements = try await store.engine.read(Statement("SELECT reference, quantity FROM stock_movements WHERE kind = 'shipment' ORDER BY id"))
            #expect(try movements.map { try $0.text("reference") } == [sh.number, gz.number] && movements.map { try $0.int("quantity") } == [-3, -1])
            let told = try await store.engine.read(Statement("SELECT payload FROM outbox WHERE topic = 'order.shipped' ORDER BY id"))
            #expect(told.count == 2)
            #expect(try told[0].text("payload").contains("\"trackingNumber\":\"SF100\"") && told[0].text("payload").contains("\"eta\""))
            try await checkStockInvariants(store)

            // Carrier events, duplicated and out of order.
            let t0 = clock.now()
            let at = { (hours: Int64) in t0.adding(milliseconds: hours * 3_600_000) }
            #expect(try await store.shipments.carrierEvent(carrier: chosen.carrierCode, trackingNumber: "SF100",
                TrackingEvent(key: "e1", kind: .inTransit, occurredAt: at(1), location: "上海转运中心", eta: t0.date(utcOffsetHours: 8).adding(days: 3))) == .recorded)
            #expect(try await store.shipments.carrierEvent(carrier: chosen.carrierCode, trackingNumber: "SF100",
                TrackingEvent(key: "e3", kind: .exception, occurredAt: at(3), note: "地址不详")) == .recorded)
            #expect(try await store.shipments.shipment(id: sh.id).status == .exception)
            // The trouble is an exception in the queue, raised by the carrier with the shipment (异常).
            let raised = try await store.exceptions.exceptions(orderID: order.id)
            #expect(raised.count == 1 && raised[0].source == .carrier && raised[0].shipmentID == sh.id && raised[0].description == "地址不详")
            #expect(try await store.shipments.carrierEvent(carrier: chosen.carrierCode, trackingNumber: "SF100",
                TrackingEvent(key: "e1", kind: .inTransit, occurredAt: at(1))) == .duplicate)
            // An older event arriving late does not undo the newer exception; a newer one resumes the journey.
            #expect(try await store.shipments.carrierEvent(carrier: chosen.carrierCode, trackingNumber: "SF100",
                TrackingEvent(key: "e2", kind: .inTransit, occurredAt: at(2))) == .recorded)
            #expect(try await store.shipments.shipment(id: sh.id).status == .exception)
            #expect(try await store.shipments.carrierEvent(carrier: chosen.carrierCode, trackingNumber: "SF100",
                TrackingEvent(key: "e4", kind: .outForDelivery, occurredAt: at(4))) == .recorded)
            sh = try await store.shipments.shipment(id: sh.id)
            #expect(sh.status == .shipped && sh.events.map(\.key) == ["e1", "e2", "e3", "e4"])
            #expect(sh.eta == t0.date(utcOffsetHours: 8).adding(days: 3), "the carrier's latest estimate")
            #expect(try await store.shipments.carrierEvent(carrier: chosen.carrierCode, trackingNumber: "NOPE",
                TrackingEvent(key: "x", kind: .inTransit, occurredAt: at(1))) == .unknownShipment)
            // Guangzhou: delivered reported before the in-transit event it follows.
            #expect(try await store.shipments.carrierEvent(carrier: other.carrierCode, trackingNumber: "DB200",
                TrackingEvent(key: "d2", kind: .delivered, occurredAt: at(5), signer: "王经理")) == .recorded)
            #expect(try await store.shipments.carrierEvent(carrier: other.carrierCode, trackingNumber: "DB200",
                TrackingEvent(key: "d1", kind: .inTransit, occurredAt: at(2))) == .recorded)
            gz = try await store.shipments.shipment(id: gz.id)
            #expect(gz.status == .delivered && gz.signer == "王经理" && gz.deliveredAt == at(5))
            #expect(try await store.orders.order(id: order.id).status == .shipped)

            // Shanghai signed for with one unit refused as damaged: the case opens, the order is delivered, not complete.
            clock.advance(milliseconds: 6 * 3_600_000)
            let p001 = sh.lines[0].line.lineID
            await #expect(throws: DocketError.self) {
                _ = try await store.shipments.signOff(sh.id, SignOff(signer: "李四", signedAt: at(6), refusals: [Refusal(lineID: p001, quantity: 4, reason: .damaged)]), proof: nil, by: clerk)
            }
            sh = try await store.shipments.signOff(
                sh.id, SignOff(signer: "李四", signedAt: at(6), refusals: [Refusal(lineID: p001, quantity: 1, reason: .damaged, note: "外箱压损")]),
                proof: DeliveryProof(fileName: "回单.png", contentType: "image/png", bytes: [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]), by: clerk)
            #expect(sh.status == .delivered && sh.signer == "李四" && sh.proof?.size == 7)
            #expect(try await store.shipments.proof(sh.id).bytes == [0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
            await #expect(throws: DocketError.conflict(.shipment, key: sh.number, because: "shipmentStep")) {
                _ = try await store.shipments.signOff(sh.id, SignOff(signer: "李四", signedAt: at(6)), proof: nil, by: clerk)
            }
            #expect(try await store.orders.order(id: order.id).status == .delivered)
            let cases = try await store.cases.cases(orderID: order.id)
            let opened = try #require(cases.first)
            #expect(cases.count == 1 && opened.status == .open && opened.lines.map(\.quantity) == [1] && opened.lines[0].reason == .damaged)

            // The refused unit comes back; the case is settled; the order completes, and is archived when due.
            let onHand = { try await store.engine.read(Statement("SELECT on_hand FROM stock_lots WHERE id = $1", [p001Lot(sh)]))[0].int("on_hand") }
            let before = try await onHand()
            _ = try await store.engine.write([Statement("UPDATE timers SET outcome = 'served', done_at = due_at WHERE kind = 'serve_waiting' AND done_at IS NULL")])
            _ = try await store.cases.receiveReturn(opened.id, by: clerk)
            #expect(try await onHand() == before + 1)
            // The returned unit is stock again: orders waiting for the product are served, as after a receipt.
            let waiting = try await store.engine.read(
                Statement(
                    """
                    SELECT COUNT(*) AS n FROM timers t JOIN stock_lots s ON s.product_id = t.subject_id
                    WHERE t.kind = 'serve_waiting' AND t.done_at IS NULL AND s.id = $1
                    """, [p001Lot(sh)]))
            #expect(try waiting[0].int("n") == 1)
            await #expect(throws: DocketError.conflict(.afterSalesCase, key: opened.number, because: "caseStep")) {
                _ = try await store.cases.receiveReturn(opened.id, by: clerk)
            }
            let closed = try await store.cases.close(opened.id, resolution: .refund, note: "退一件货款", by: clerk)
            #expect(closed.status == .closed && closed.resolution == .refund)
            #expect(try await store.orders.order(id: order.id).status == .completed)
            #expect(try await store.timers.list(orderID: order.id).contains { $0.kind == .archive && $0.outcome == nil })
            try await checkStockInvariants(store)
            clock.advance(days: store.policy.archiveAfterDays + 1)
            _ = try await store.timers.runDueTimers(owner: "test")
            #expect(try await store.orders.order(id: order.id).status == .archived)
            // Its service window (STOCK, 30 days) ended after completion: met, no penalty.
            #expect(try await store.timers.list(orderID: order.id).contains { $0.kind == .serviceLevel && $0.outcome == .met })
            #expect(try await store.serviceLevels.penalties(orderID: order.id).isEmpty)
            let timeline = try await store.orders.orderTimeline(orderID: order.id).map(\.action)
            #expect(Array(timeline.suffix(7)) == ["pack", "ship_part", "ship", "exception_raised", "deliver", "complete", "archive"])
        }
    }

    func p001Lot(_ shipment: StoredShipment) -> ID<StockLot> { shipment.lines[0].line.lotID }

    /// Two pushes of the same carrier event at the same moment: one is recorded, the other a duplicate.
    @Test(arguments: Engine.available)
    func theSameEventPushedTwiceAtOnceIsKeptOnce(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let order = try await shipmentTests.releasedSplitOrder(store)
            try await dispatchCarriers(store)
            var sh = try #require(try await store.shipments.shipments(orderID: order.id).first { $0.warehouse == "SH" })
            sh = try await store.shipments.confirmPick(sh.id, picked: shipmentTests.pickAll(sh), by: clerk)
            sh = try await store.shipments.pack(sh.id, packages: nil, by: clerk)
            sh = try await store.shipments.chooseCarrier(sh.id, carrierCode: "SF", reason: "快", by: clerk)
            sh = try await store.shipments.ship(sh.id, trackingNumber: "SF777", by: clerk)
            let now = store.clock.now()
            let outcomes = try await withThrowingTaskGroup(of: ShipmentRepository.EventOutcome.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await store.shipments.carrierEvent(carrier: "SF", trackingNumber: "SF777", TrackingEvent(key: "same", kind: .exception, occurredAt: now))
                    }
                }
                var all: [ShipmentRepository.EventOutcome] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == .recorded }.count == 1 && outcomes.filter { $0 == .duplicate }.count == 3)
            let stored = try await store.shipments.shipment(id: sh.id)
            #expect(stored.status == .exception && stored.events.count == 1)
            #expect(try await store.exceptions.exceptions(orderID: order.id).count == 1, "one event, one exception")
            #expect(try await store.orders.order(id: order.id).status == .partiallyShipped)
        }
    }
}
