import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// Transfers, purchase orders and the shortage decisions that start them, on both engines: every step writes its
/// ledger entries, holds are counted in the lots' reserved, and the order waiting for the goods is served when
/// they arrive.
@Suite("Transfers, purchase orders and shortage decisions on both stores", .serialized)
struct ReplenishmentConformanceTests {
    /// One warehouse per order; P001 has S001 (7 days) as its supplier. Shanghai holds 2 × P001 and 10 × P002,
    /// Beijing 9 × P001 (unless told otherwise). An order of 3 × P001 and 1 × P002 ships from Shanghai, 1 × P001 short.
    func shortOrder(_ store: Store, _ clock: ManualClock, p001: Int64 = 3, beijing: Int64 = 9) async throws -> (order: ID<Order>, line: ShortLine) {
        try await allocationSetup(store)
        _ = try await store.suppliers.create(sampleSupplier("S001"), by: clerk)
        var product = try await store.products.get(key: "P001")
        product.value.defaultSupplierCode = "S001"
        _ = try await store.products.update(id: product.id, version: product.version, product.value, by: clerk)
        try await receive(store, "P001", "SH", 2)
        if beijing > 0 { try await receive(store, "P001", "BJ", beijing) }
        try await receive(store, "P002", "SH", 10)
        _ = try await store.timers.runDueTimers(owner: "node")
        let order = try await reviewedOrder(
            store, clock, [OrderLineDraft(sku: "P001", quantity: p001), OrderLineDraft(sku: "P002", quantity: 1)], urgent: false)
        let line = try #require(try await store.orders.shortages().first { $0.orderID == order })
        return (order, line)
    }

    func onePerOrder(_ base: Store, _ clock: ManualClock) -> Store {
        Store(engine: base.engine, clock: clock, logger: base.logger, policy: OrderPolicy(allocation: AllocationPolicy(maxWarehouses: 1)))
    }

    func lot(_ store: Store, _ sku: String, _ warehouse: String) async throws -> StockLot? {
        try await store.stock.stockLots(StockQuery(sku: sku, warehouseCode: warehouse)).items.first
    }

    @Test(arguments: Engine.available)
    func aTransferHoldsShipsAndReceivesAndTheWaitingLineIsServed(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let store = onePerOrder(base, clock)
            let (orderID, line) = try await shortOrder(store, clock)
            #expect(line.sku == "P001" && line.short == 1 && line.allocated == 2)
            let option = try #require(line.options.first { $0.kind == .transfer })
            #expect(option.warehouse == "BJ" && option.toWarehouse == "SH", "from Beijing to the warehouse that ships the order")
            let decision = ShortageDecisionDraft(orderID: orderID, lineID: line.lineID, option: option, reason: "北京仓有货", actor: clerk)
            let transfer = try await store.transfers.request(
                TransferRequest(sku: "P001", fromWarehouse: "BJ", toWarehouse: "SH", quantity: 1, orderId: orderID, lineId: line.lineID), by: clerk,
                decision: decision)
            #expect(transfer.status == .requested && transfer.number.hasPrefix("TR-") && transfer.lots.map(\.quantity) == [1])
            // Shanghai–Beijing is about 1,070 km: a day to load, two on the road.
            #expect(transfer.eta == clock.now().date(utcOffsetHours: 8).adding(days: 3))
            #expect(try await lot(store, "P001", "BJ")?.reserved == 1, "held at the source")
            try await checkStockInvariants(store)
            let recorded = try #require(try await store.orders.shortages().first { $0.orderID == orderID }?.decisions.first)
            #expect(recorded.option.kind == .transfer && recorded.reference == transfer.number && recorded.reason == "北京仓有货")
            #expect(try await store.orders.orderTimeline(orderID: orderID).last?.action == "shortage_decided")

            let shipped = try await store.transfers.ship(transfer.id, version: transfer.version, by: clerk)
            #expect(shipped.status == .inTransit && shipped.shippedAt != nil)
            let beijing = try #require(try await lot(store, "P001", "BJ"))
            #expect(beijing.onHand == 8 && beijing.reserved == 0)
            let totals = try await store.stock.stockTotals(StockQuery(sku: "P001")).items
            #expect(totals.first { $0.warehouseCode == "SH" }?.inTransit == 1)
            try await checkStockInvariants(store)
            await #expect(throws: DocketError.conflict(.transfer, key: transfer.number, because: "transfer.inTransit")) {
                _ = try await store.transfers.ship(transfer.id, by: clerk)
            }
            await #expect(throws: DocketError.conflict(.transfer, key: transfer.number, because: "transfer.inTransit")) {
                _ = try await store.transfers.cancel(transfer.id, by: clerk)
            }

            let received = try await store.transfers.receive(transfer.id, by: clerk)
            #expect(received.status == .received && received.receivedAt != nil)
            #expect(try await lot(store, "P001", "SH")?.onHand == 3)
            let moves = try await store.stock.stockMovements(StockQuery(sku: "P001")).items
            #expect(moves.contains { $0.kind == .transferOut && $0.warehouseCode == "BJ" && $0.quantity == -1 && $0.reference == transfer.number })
            #expect(moves.contains { $0.kind == .transferIn && $0.warehouseCode == "SH" && $0.quantity == 1 && $0.reference == transfer.number })
            // The receipt leaves a timer that serves the order waiting for P001.
            _ = try await store.timers.runDueTimers(owner: "node")
            let plan = try #require(try await store.orders.allocation(orderID: orderID))
            #expect(plan.status == .full && plan.plan.warehouses == ["SH"])
            #expect(try await store.orders.shortages().isEmpty)
            try await checkStockInvariants(store)
        }
    }

    @Test(arguments: Engine.available)
    func aTransferIsCheckedAndCancellingItReleasesTheHold(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let store = onePerOrder(base, clock)
            try await allocationSetup(store)
            try await receive(store, "P001", "BJ", 4)
            await #expect(throws: DocketError.invalid("quantity", "notEnoughAtSource", ["available": "4"])) {
                _ = try await store.transfers.request(TransferRequest(sku: "P001", fromWarehouse: "BJ", toWarehouse: "SH", quantity: 5), by: clerk)
            }
            await #expect(throws: DocketError.invalid("toWarehouse", "sameWarehouse")) {
                _ = try await store.transfers.request(TransferRequest(sku: "P001", fromWarehouse: "BJ", toWarehouse: "BJ", quantity: 1), by: clerk)
            }
            await #expect(throws: DocketError.invalid("fromWarehouse", "notFound", ["value": "XX"])) {
                _ = try await store.transfers.request(TransferRequest(sku: "P001", fromWarehouse: "XX", toWarehouse: "SH", quantity: 1), by: clerk)
            }
            let transfer = try await store.transfers.request(
                TransferRequest(sku: "P001", fromWarehouse: "BJ", toWarehouse: "GZ", quantity: 4, eta: CalendarDate(year: 2026, month: 12, day: 1)), by: clerk)
            #expect(transfer.eta == CalendarDate(year: 2026, month: 12, day: 1))
            #expect(try await lot(store, "P001", "BJ")?.available == 0)
            await #expect(throws: DocketError.invalid("quantity", "notEnoughAtSource", ["available": "0"]), "what a transfer holds is not free") {
                _ = try await store.transfers.request(TransferRequest(sku: "P001", fromWarehouse: "BJ", toWarehouse: "SH", quantity: 1), by: clerk)
            }
            await #expect(throws: DocketError.conflict(.transfer, key: transfer.number, because: "transfer.requested")) {
                _ = try await store.transfers.receive(transfer.id, by: clerk)
            }
            await #expect(throws: DocketError.conflict(.transfer, key: transfer.number), "a stale version") {
                _ = try await store.transfers.cancel(transfer.id, version: transfer.version - 1, by: clerk)
            }
            let cancelled = try await store.transfers.cancel(transfer.id, version: transfer.version, by: clerk)
            #expect(cancelled.status == .cancelled)
            let beijing = try #require(try await lot(store, "P001", "BJ"))
            #expect(beijing.onHand == 4 && beijing.reserved == 0)
            #expect(try await store.transfers.transfers(open: true).isEmpty)
            #expect(try await store.transfers.transfers(open: false).map(\.status) == [.cancelled])
            try await checkStockInvariants(store)
        }
    }

    /// Two people ship the same transfer at the same moment: one ships it, the other is told it already left.
    @Test(arguments: Engine.available)
    func twoShippingTheSameTransferShipItOnce(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await allocationSetup(store)
            try await receive(store, "P001", "BJ", 4)
            let transfer = try await store.transfers.request(TransferRequest(sku: "P001", fromWarehouse: "BJ", toWarehouse: "SH", quantity: 3), by: clerk)
            let results = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        do {
                            _ = try await store.transfers.ship(transfer.id, version: transfer.version, by: clerk)
                            return true
                        } catch let error as DocketError {
                            if case .conflict(.transfer, _, _) = error { return false }
                            Issue.record("unexpected \(error)")
                            return false
                        } catch {
                            Issue.record("unexpected \(error)")
                            return false
                        }
                    }
                }
                var all: [Bool] = []
                for await result in group { all.append(result) }
                return all
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await lot(store, "P001", "BJ")?.onHand == 1)
            try await checkStockInvariants(store)
        }
    }

    @Test(arguments: Engine.available)
    func aPurchaseOrderIsReceivedInDeliveriesAndServesTheWaitingLine(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let store = onePerOrder(base, clock)
            let (orderID, line) = try await shortOrder(store, clock, p001: 6, beijing: 0)
            #expect(line.short == 4)
            let suggestion = try #require(try await store.purchasing.suggestions().first { $0.sku == "P001" })
            #expect(suggestion.waiting == 4 && suggestion.supplierCode == "S001" && suggestion.leadTimeDays == 7 && suggestion.onOrder == 0)
            #expect(suggestion.warehouse == "SH", "delivered where the waiting order ships from")
            // 6 ordered in the window: 1 a day × (7 + 14) days + the 4 waiting.
            #expect(suggestion.recentDemand == 6 && suggestion.suggested == 25)
            let option = try #require(line.options.first { $0.kind == .purchase })
            #expect(option.supplier == "S001" && option.toWarehouse == "SH")
            let decision = ShortageDecisionDraft(orderID: orderID, lineID: line.lineID, option: option, reason: nil, actor: clerk)
            let order = try await store.purchasing.create(
                PurchaseOrderDraft(supplierCode: "S001", warehouseCode: "SH", lines: [.init(sku: "P001", quantity: 10)], orderId: orderID, lineId: line.lineID),
                by: clerk, decision: decision)
            #expect(order.status == .ordered && order.number.hasPrefix("PO-") && order.eta == clock.now().date(utcOffsetHours: 8).adding(days: 7))
            #expect(try await store.orders.shortages().first?.decisions.first?.reference == order.number)
            #expect(try await store.stock.stockTotals(StockQuery(sku: "P001")).items.first { $0.warehouseCode == "SH" }?.onOrder == 10)
            #expect(try await store.purchasing.suggestions().isEmpty, "covered by what is on order")

            let part = try await store.purchasing.receive(order.id, PurchaseDelivery(lines: [.init(sku: "P001", quantity: 3)], version: order.version), by: clerk)
            #expect(part.status == .partiallyReceived && part.lines.map(\.received) == [3])
            _ = try await store.timers.runDueTimers(owner: "node")
            #expect(try await store.orders.shortages().first?.short == 1, "three of the four served")
            await #expect(throws: DocketError.invalid("lines[0].quantity", "overReceipt", ["max": "7"])) {
                _ = try await store.purchasing.receive(order.id, PurchaseDelivery(lines: [.init(sku: "P001", quantity: 8)]), by: clerk)
            }
            await #expect(throws: DocketError.invalid("lines[0].sku", "notOnPurchaseOrder", ["value": "P002"])) {
                _ = try await store.purchasing.receive(order.id, PurchaseDelivery(lines: [.init(sku: "P002", quantity: 1)]), by: clerk)
            }
            await #expect(throws: DocketError.conflict(.purchaseOrder, key: order.number), "the same delivery booked twice") {
                _ = try await store.purchasing.receive(order.id, PurchaseDelivery(lines: [.init(sku: "P001", quantity: 3)], version: order.version), by: clerk)
            }
            let done = try await store.purchasing.receive(order.id, PurchaseDelivery(lines: [.init(sku: "P001", quantity: 7)]), by: clerk)
            #expect(done.status == .received && done.lines.map(\.received) == [10])
            _ = try await store.timers.runDueTimers(owner: "node")
            #expect(try await store.orders.allocation(orderID: orderID)?.status == .full)
            let receipts = try await store.stock.stockMovements(StockQuery(sku: "P001", warehouseCode: "SH")).items.filter { $0.kind == .receipt }
            #expect(receipts.filter { $0.reference == order.number }.map(\.quantity).sorted() == [3, 7])
            await #expect(throws: DocketError.conflict(.purchaseOrder, key: order.number, because: "purchaseOrder.received")) {
                _ = try await store.purchasing.cancel(order.id, by: clerk)
            }
            #expect(try await store.purchasing.purchaseOrders(open: true).isEmpty)
            try await checkStockInvariants(store)
        }
    }

    @Test(arguments: Engine.available)
    func aPurchaseOrderIsCheckedAndALotTrackedDeliveryNeedsItsLot(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await allocationSetup(store)
            _ = try await store.suppliers.create(sampleSupplier("S001"), by: clerk)
            _ = try await store.products.create(sampleProduct("L001", shelfLife: 365, lotTracked: true), by: clerk)
            await #expect(throws: DocketError.self) {
                _ = try await store.purchasing.create(PurchaseOrderDraft(supplierCode: "S404", warehouseCode: "SH", lines: []), by: clerk)
            }
            do {
                _ = try await store.purchasing.create(
                    PurchaseOrderDraft(supplierCode: "S404", warehouseCode: "SH", lines: [.init(sku: "NOPE", quantity: 1)]), by: clerk)
                Issue.record("an unknown supplier and product are refused")
            } catch DocketError.invalid(let problems) {
                #expect(Set(problems.map(\.field)) == ["supplierCode", "lines[0].sku"])
            }
            let order = try await store.purchasing.create(
                PurchaseOrderDraft(supplierCode: "S001", warehouseCode: "SH", lines: [.init(sku: "L001", quantity: 5), .init(sku: "P001", quantity: 2)]), by: clerk)
            do {
                _ = try await store.purchasing.receive(order.id, PurchaseDelivery(lines: [.init(sku: "P001", quantity: 2), .init(sku: "L001", quantity: 5)]), by: clerk)
                Issue.record("a lot-tracked product needs its lot and expiry")
            } catch DocketError.invalid(let problems) {
                #expect(Set(problems.map(\.field)) == ["lines[1].lot", "lines[1].expiryDate"])
            }
            #expect(try await store.purchasing.purchaseOrder(id: order.id).lines.map(\.received) == [0, 0], "nothing of a refused delivery is kept")
            let received = try await store.purchasing.receive(
                order.id,
                PurchaseDelivery(lines: [.init(sku: "L001", quantity: 5, lot: "B2611", expiryDate: CalendarDate(year: 2027, month: 11, day: 1))]),
                by: clerk)
            #expect(received.status == .partiallyReceived)
            let cancelled = try await store.purchasing.cancel(order.id, by: clerk)
            #expect(cancelled.status == .cancelled && cancelled.lines.map(\.received) == [5, 0], "what arrived stays")
            try await checkStockInvariants(store)
        }
    }

    @Test(arguments: Engine.available)
    func changesAndPartialShipmentsAreRecordedWithTheirDocument(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let store = onePerOrder(base, clock)
            let (orderID, line) = try await shortOrder(store, clock)
            let partial = try #require(line.options.first { $0.kind == .partialShipment })
            try await store.orders.allowPartialShipment(
                ShortageDecisionDraft(orderID: orderID, lineID: line.lineID, option: partial, reason: "客户同意先发", actor: clerk))
            let cancel = try #require(line.options.first { $0.kind == .cancelLine })
            let order = try await store.orders.order(id: orderID)
            let edit = try #require(Shortage.edit(cancel, lineID: line.lineID, short: line.short, lines: order.lines))
            let change = try await store.orders.requestChange(
                orderID: orderID, edit, message: "取消缺货", by: clerk,
                decision: ShortageDecisionDraft(orderID: orderID, lineID: line.lineID, option: cancel, reason: nil, actor: clerk))
            let decisions = try #require(try await store.orders.shortages().first?.decisions)
            #expect(decisions.map(\.option.kind) == [.cancelLine, .partialShipment], "newest first")
            #expect(decisions.first?.reference == "change:\(change.id)" && decisions.last?.reference == nil)
            _ = try await store.orders.decideChange(requestID: change.id, approve: true, reason: "同意", by: clerk)
            #expect(try await store.orders.order(id: orderID).lines.first { $0.sku == "P001" }?.quantity == 2)
            #expect(try await store.orders.shortages().isEmpty, "nothing short once the missing one is off the line")
            try await checkStockInvariants(store)
        }
    }

    /// A later date and a substitute are changes of the order: requested from the workbench with the decision, approved
    /// as any change is, and then the order is what was agreed — a new promised date, the missing quantity moved to
    /// the substitute at the agreed price and allocated.
    @Test(arguments: Engine.available)
    func aLaterDateAndASubstituteReachTheOrderOnceApproved(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let store = onePerOrder(base, clock)
            try await allocationSetup(store)
            _ = try await store.suppliers.create(sampleSupplier("S001"), by: clerk)
            _ = try await store.products.create(sampleProduct("P003"), by: clerk)
            var product = try await store.products.get(key: "P001")
            product.value.defaultSupplierCode = "S001"
            product.value.substituteSkus = ["P003"]
            _ = try await store.products.update(id: product.id, version: product.version, product.value, by: clerk)
            try await receive(store, "P001", "SH", 2)
            try await receive(store, "P003", "SH", 10)
            _ = try await store.timers.runDueTimers(owner: "node")
            let today = clock.now().date(utcOffsetHours: 8)
            var draft = OrderDraft(channel: .api, customerCode: "C001", lines: [OrderLineDraft(sku: "P001", quantity: 4, unitPrice: Money(minor: 8_000))])
            draft.requestedDate = today.adding(days: 2)
            let orderID = try await store.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order.id
            _ = try await passReviews(store, orderID)
            var line = try #require(try await store.orders.shortages().first)
            #expect(line.short == 2)
            // The supplier needs 7 days, after the promised date: a later date is offered, to the purchase's arrival.
            let delay = try #require(line.options.first { $0.kind == .delay })
            #expect(delay.eta == today.adding(days: 7))
            var order = try await store.orders.order(id: orderID)
            let later = try await store.orders.requestChange(
                orderID: orderID, try #require(Shortage.edit(delay, lineID: line.lineID, short: line.short, lines: order.lines)), message: "延期", by: clerk,
                decision: ShortageDecisionDraft(orderID: orderID, lineID: line.lineID, option: delay, reason: "客户同意延期", actor: clerk))
            _ = try await store.orders.decideChange(requestID: later.id, approve: true, reason: "客户同意", by: clerk)
            order = try await store.orders.order(id: orderID)
            #expect(order.requestedDate == today.adding(days: 7) && order.promisedDate == today.adding(days: 7))

            line = try #require(try await store.orders.shortages().first)
            let substitute = try #require(line.options.first { $0.kind == .substitute && $0.sku == "P003" })
            let swap = try await store.orders.requestChange(
                orderID: orderID, try #require(Shortage.edit(substitute, lineID: line.lineID, short: line.short, lines: order.lines)),
                message: "客户同意替代", by: clerk,
                decision: ShortageDecisionDraft(orderID: orderID, lineID: line.lineID, option: substitute, reason: "电话，王经理同意", actor: clerk))
            _ = try await store.orders.decideChange(requestID: swap.id, approve: true, reason: "同意", by: clerk)
            order = try await store.orders.order(id: orderID)
            #expect(order.lines.map(\.sku) == ["P001", "P003"] && order.lines.map(\.quantity) == [2, 2])
            #expect(order.lines.map(\.unitPrice) == [Money(minor: 8_000), Money(minor: 8_000)], "the substitute at the agreed price")
            #expect(try await store.orders.allocation(orderID: orderID)?.status == .full)
            #expect(try await store.orders.shortages().isEmpty)
            let decisions = try await store.orders.shortageDecisions(orderIDs: [orderID])
            #expect(decisions.map(\.option.kind) == [.substitute, .delay] && decisions.first?.reason == "电话，王经理同意")
            try await checkStockInvariants(store)
        }
    }

    /// The same choice sent twice at once (a double click), each as the line was shown: one transfer, the other
    /// refused by the decision's number on the line, and the stock held once.
    @Test(arguments: Engine.available)
    func theSameChoiceSentTwiceAtOnceIsCarriedOutOnce(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let store = onePerOrder(base, clock)
            let (orderID, line) = try await shortOrder(store, clock)
            let option = try #require(line.options.first { $0.kind == .transfer })
            let results = await withTaskGroup(of: Result<Transfer, any Error>.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        do {
                            return .success(
                                try await store.transfers.request(
                                    TransferRequest(sku: "P001", fromWarehouse: "BJ", toWarehouse: "SH", quantity: 1, orderId: orderID, lineId: line.lineID),
                                    by: clerk,
                                    decision: ShortageDecisionDraft(orderID: orderID, lineID: line.lineID, option: option, reason: nil, actor: clerk, seen: 0)))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var all: [Result<Transfer, any Error>] = []
                for await result in group { all.append(result) }
                return all
            }
            #expect(results.filter { if case .success = $0 { true } else { false } }.count == 1)
            for case .failure(let error) in results {
                guard case StoreError.uniqueViolation(let table, _) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(table == "shortage_decisions")
            }
            #expect(try await store.transfers.transfers(open: true).count == 1)
            #expect(try await lot(store, "P001", "BJ")?.reserved == 1, "held once")
            #expect(try await store.orders.shortageDecisions(orderIDs: [orderID]).count == 1)
            try await checkStockInvariants(store)
        }
    }
}
