import DocketCore
import DocketTestSupport
import Foundation
import Testing

@testable import DocketStore

/// What an order owes after it went to the warehouses (欠货): a short pick, a part shipped with the customer's leave.
/// It is shipped later on a shipment of its own, or closed with a reason; until then the order is never shipped,
/// delivered or complete.
@Suite("Backorders on both stores", .serialized)
struct BackorderConformanceTests {
    let shipmentTests = ShipmentConformanceTests()

    /// Packs as suggested, takes the rules' carrier and hands the shipment over.
    func dispatch(_ store: Store, _ shipment: StoredShipment, tracking: String) async throws -> StoredShipment {
        _ = try await store.shipments.pack(shipment.id, packages: nil, by: clerk)
        _ = try await store.shipments.chooseCarrier(shipment.id, by: clerk)
        return try await store.shipments.ship(shipment.id, trackingNumber: tracking, by: clerk)
    }

    func owed(_ store: Store, _ order: ID<Order>) async throws -> [String: Int64] {
        Dictionary(try await store.shipments.backorders(orderID: order).lines.map { ($0.sku, $0.outstanding) }, uniquingKeysWith: +)
    }

    func reserved(_ store: Store, _ order: ID<Order>) async throws -> Int64 {
        try await store.engine.read(Statement("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS n FROM reservations WHERE order_id = $1", [order]))[0].int("n")
    }

    /// Shanghai finds two of the three P001: the missing one is owed. Stock arriving while the first shipment is still
    /// in the warehouse (the same lot, so one reservation row stands for both shipments) is served at once on a third
    /// shipment; the order is only partly shipped until that one leaves too, and completes once all are signed for.
    @Test(arguments: Engine.available)
    func aShortPickIsShippedLaterOnAShipmentOfItsOwn(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let order = try await shipmentTests.releasedSplitOrder(store)
            try await dispatchCarriers(store)
            let shipments = try await store.shipments.shipments(orderID: order.id)
            var sh = try #require(shipments.first { $0.warehouse == "SH" })
            var gz = try #require(shipments.first { $0.warehouse == "GZ" })
            sh = try await store.shipments.confirmPick(sh.id, picked: shipmentTests.pickAll(sh, less: 1), by: clerk)
            gz = try await store.shipments.confirmPick(gz.id, picked: shipmentTests.pickAll(gz), by: clerk)
            #expect(try await owed(store, order.id) == ["P001": 1, "P002": 0])
            // Nothing free to serve it yet.
            #expect(try await store.shipments.serveBackorder(orderID: order.id, by: clerk).isEmpty)
            #expect(try await store.orders.shortages().map(\.sku) == ["P001"], "the short line is on the workbench")

            // Guangzhou leaves whole; the order is partly shipped.
            gz = try await dispatch(store, gz, tracking: "GZ100")
            #expect(try await store.orders.order(id: order.id).status == .partiallyShipped)

            // One more P001 arrives in Shanghai (the same lot): the waiting order is served through the timer.
            try await receive(store, "P001", "SH", 1)
            _ = try await store.timers.runDueTimers(owner: "test")
            let third = try #require(try await store.shipments.shipments(orderID: order.id).first { $0.number == "\(order.number)-3" })
            #expect(third.status == .toPick && third.warehouse == "SH" && third.lines.map(\.line.quantity) == [1])
            #expect(third.lines[0].line.lotID == sh.lines[0].line.lotID, "the same lot as the short-picked shipment")
            #expect(try await owed(store, order.id) == ["P001": 0, "P002": 0])
            #expect(try await reserved(store, order.id) == 3, "two for the picked shipment and one for the backorder, in one row")
            #expect(try await store.orders.allocation(orderID: order.id)?.plan.status == .full)
            #expect(try await store.orders.shortages().isEmpty)
            #expect(try await store.orders.orderTimeline(orderID: order.id).contains { $0.action == "backorder_served" })
            #expect(try await store.shipments.serveBackorder(orderID: order.id, by: clerk).isEmpty, "nothing owed: served once")
            try await checkStockInvariants(store)

            // The first Shanghai shipment leaves: the backorder's unit stays reserved.
            sh = try await dispatch(store, sh, tracking: "SH100")
            #expect(try await reserved(store, order.id) == 1)
            #expect(try await store.orders.order(id: order.id).status == .partiallyShipped)
            for shipment in [sh, gz] {
                _ = try await store.shipments.signOff(shipment.id, SignOff(signer: "王经理", signedAt: store.clock.now()), proof: nil, by: clerk)
            }
            #expect(try await store.orders.order(id: order.id).status == .partiallyShipped, "not delivered while a unit is owed")

            // The backorder goes the same way; then everything is delivered and the order completes.
            var backorder = try await store.shipments.confirmPick(third.id, picked: shipmentTests.pickAll(third), by: clerk)
            backorder = try await dispatch(store, backorder, tracking: "SH200")
            #expect(try await reserved(store, order.id) == 0)
            #expect(try await store.orders.order(id: order.id).status == .shipped)
            _ = try await store.shipments.signOff(backorder.id, SignOff(signer: "王经理", signedAt: store.clock.now()), proof: nil, by: clerk)
            #expect(try await store.orders.order(id: order.id).status == .completed)
            let shipped = try await store.engine.read(Statement("SELECT CAST(SUM(-quantity) AS BIGINT) AS n FROM stock_movements WHERE kind = 'shipment'"))
            #expect(try shipped[0].int("n") == 4, "every unit ordered left, once")
            try await checkStockInvariants(store)
        }
    }

    /// The customer will not wait for the missing unit: closing it needs a reason and the order's current version;
    /// then the order is delivered and complete, and the line is no longer short anywhere.
    @Test(arguments: Engine.available)
    func aBackorderTheCustomerGivesUpIsClosedAndTheOrderCompletes(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let order = try await shipmentTests.releasedSplitOrder(store)
            try await dispatchCarriers(store)
            let p001 = try #require(order.lines.first { $0.sku == "P001" }?.id)
            let p002 = try #require(order.lines.first { $0.sku == "P002" }?.id)
            // Closing is for orders at the warehouses: this one is, but owes nothing yet.
            await #expect(throws: DocketError.conflict(.order, key: order.number, because: "nothingOwed")) {
                _ = try await store.shipments.closeBackorder(orderID: order.id, line: p001, reason: "客户不要了", by: clerk)
            }
            for shipment in try await store.shipments.shipments(orderID: order.id) {
                let picked = try await store.shipments.confirmPick(
                    shipment.id, picked: shipmentTests.pickAll(shipment, less: shipment.warehouse == "SH" ? 1 : 0), by: clerk)
                let gone = try await dispatch(store, picked, tracking: "T\(shipment.id.rawValue)")
                _ = try await store.shipments.signOff(gone.id, SignOff(signer: "王经理", signedAt: store.clock.now()), proof: nil, by: clerk)
            }
            #expect(try await store.orders.order(id: order.id).status == .partiallyShipped)
            let version = try await store.orders.order(id: order.id).version
            await #expect(throws: DocketError.invalid("reason", "required")) {
                _ = try await store.shipments.closeBackorder(orderID: order.id, line: p001, reason: "  ", by: clerk)
            }
            await #expect(throws: DocketError.conflict(.order, key: order.number, because: "nothingOwed")) {
                _ = try await store.shipments.closeBackorder(orderID: order.id, line: p002, reason: "客户不要了", by: clerk)
            }
            await #expect(throws: DocketError.versionConflict(.order, key: order.number, current: version)) {
                _ = try await store.shipments.closeBackorder(orderID: order.id, line: p001, reason: "客户不要了", version: version - 1, by: clerk)
            }
            let closed = try await store.shipments.closeBackorder(orderID: order.id, line: p001, reason: "客户不再需要", version: version, by: clerk)
            #expect(closed.status == .completed)
            #expect(try await store.timers.list(orderID: order.id).contains { $0.kind == .archive && $0.outcome == nil })
            let plan = try #require(try await store.orders.allocation(orderID: order.id)?.plan)
            #expect(plan.lines.first { $0.lineID == p001 }?.closed == 1 && plan.status == .full)
            #expect(try await owed(store, order.id) == ["P001": 0, "P002": 0])
            #expect(try await store.orders.shortages().isEmpty)
            let event = try #require(try await store.orders.orderTimeline(orderID: order.id).first { $0.action == "backorder_closed" })
            #expect(event.reason == "客户不再需要")
            // Done: a second close is refused by the order's state.
            await #expect(throws: DocketError.self) {
                _ = try await store.shipments.closeBackorder(orderID: order.id, line: p001, reason: "再来一次", by: clerk)
            }
            try await checkStockInvariants(store)
        }
    }

    /// Short before release: the warehouse takes the order only once the customer agreed to take part now (部分发货)
    /// for every short line; the rest is owed from the start, and the shortage workbench offers bringing it in or
    /// closing it — not the changes an order at the warehouses no longer takes.
    @Test(arguments: Engine.available)
    func aPartialShipmentDecisionReleasesWhatIsThere(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await allocationSetup(store)
            try await receive(store, "P001", "SH", 2)
            try await receive(store, "P002", "GZ", 1)
            let submitted = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            _ = try await passReviews(store, submitted.id)
            _ = try await store.orders.recordConfirmation(orderID: submitted.id, via: .phone, note: nil, by: clerk)
            await #expect(throws: DocketError.conflict(.order, key: submitted.number, because: "notFullyAllocated")) {
                _ = try await store.orders.releaseToWarehouse(orderID: submitted.id, by: clerk)
            }
            let line = try #require(try await store.orders.shortages().first)
            let partial = try #require(line.options.first { $0.kind == .partialShipment })
            try await store.orders.allowPartialShipment(
                ShortageDecisionDraft(orderID: submitted.id, lineID: line.lineID, option: partial, reason: "客户同意先发", actor: clerk))
            let order = try await store.orders.releaseToWarehouse(orderID: submitted.id, by: clerk)
            #expect(order.status == .allocated)
            let shipments = try await store.shipments.shipments(orderID: order.id)
            #expect(shipments.flatMap(\.lines).map(\.line.quantity).reduce(0, +) == 3, "two P001 and one P002")
            #expect(try await owed(store, order.id) == ["P001": 1, "P002": 0])
            let options = try #require(try await store.orders.shortages().first).options.map(\.kind)
            #expect(!options.contains(.partialShipment) && !options.contains(.delay) && !options.contains(.substitute))
            #expect(options.last == .cancelLine)
            // Everything there leaves and is signed for: still owed one, so partly shipped.
            for shipment in shipments {
                let picked = try await store.shipments.confirmPick(shipment.id, picked: shipmentTests.pickAll(shipment), by: clerk)
                try await dispatchCarriersOnce(store)
                let gone = try await dispatch(store, picked, tracking: "T\(shipment.id.rawValue)")
                _ = try await store.shipments.signOff(gone.id, SignOff(signer: "王经理", signedAt: store.clock.now()), proof: nil, by: clerk)
            }
            #expect(try await store.orders.order(id: order.id).status == .partiallyShipped)
            try await checkStockInvariants(store)
        }
    }

    /// A made-to-order line goes to the warehouse still to be produced (its plan is full: produced, not short). Its
    /// output, reported after the release, is shipped on a shipment of its own, not planned into the released one.
    @Test(arguments: Engine.available)
    func madeToOrderOutputAfterReleaseIsShippedOnItsOwnShipment(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await allocationSetup(store)
            var product = sampleProduct("M001")
            product.makeToOrder = true
            _ = try await store.products.create(product, by: clerk)
            try await receive(store, "P002", "SH", 5)
            let orderID = try await reviewedOrder(store, clock, [OrderLineDraft(sku: "M001", quantity: 2), OrderLineDraft(sku: "P002", quantity: 1)], urgent: false)
            _ = try await store.orders.recordConfirmation(orderID: orderID, via: .phone, note: nil, by: clerk)
            let order = try await store.orders.releaseToWarehouse(orderID: orderID, by: clerk)
            let first = try await store.shipments.shipments(orderID: orderID)
            #expect(first.count == 1 && first[0].lines.map(\.line.sku) == ["P002"])
            #expect(try await owed(store, orderID) == ["M001": 2, "P002": 0])
            let line = try #require(order.lines.first { $0.sku == "M001" }?.id)
            let made = try await store.production.create(
                ProductionDraft(sku: "M001", quantity: 2, warehouseCode: "SH", dueDate: order.promisedDate, specification: "按样", orderId: orderID, lineId: line),
                by: clerk)
            _ = try await store.production.confirmSpecification(made.id, confirmation: "电话确认", by: clerk)
            _ = try await store.production.start(made.id, by: clerk)
            _ = try await store.production.report(made.id, ProgressReport(produced: 2), by: clerk)
            let all = try await store.shipments.shipments(orderID: orderID)
            let second = try #require(all.first { $0.number == "\(order.number)-2" })
            #expect(second.lines.map(\.line.sku) == ["M001"] && second.lines.map(\.line.lot) == [made.number] && second.lines.map(\.line.quantity) == [2])
            #expect(all.first { $0.id == first[0].id }?.lines.map(\.line.sku) == ["P002"], "the released shipment is left as it was")
            #expect(try await owed(store, orderID) == ["M001": 0, "P002": 0])
            let plan = try #require(try await store.orders.allocation(orderID: orderID)?.plan)
            #expect(plan.lines.first { $0.sku == "M001" }.map { ($0.allocated, $0.toProduce) } ?? (0, 0) == (2, 0))
            #expect(try await store.orders.order(id: orderID).status == .allocated)
            try await checkStockInvariants(store)
        }
    }

    /// The packing and carrier mode rules are the store's policy (`--packing`, `--shipping-modes`): a 1 kg package
    /// limit packs three P001 of 350 g two to a package; a 1 kg heavy threshold sends them by road, not express.
    @Test(arguments: Engine.available)
    func packingAndModeRulesComeFromThePolicy(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let order = try await shipmentTests.releasedSplitOrder(base)
            try await dispatchCarriers(base)
            var policy = OrderPolicy()
            policy.packingRules = try #require(PackingRules.parse("max-kg=1"))
            policy.modeRules = try #require(ModeRules.parse("small-kg=1,heavy-kg=1"))
            let strict = Store(engine: base.engine, clock: clock, logger: base.logger, policy: policy)
            let sh = try #require(try await base.shipments.shipments(orderID: order.id).first { $0.warehouse == "SH" })
            let picked = try await base.shipments.confirmPick(sh.id, picked: shipmentTests.pickAll(sh), by: clerk)
            let standard = try await base.shipments.suggestedPackages(picked.id)
            let small = try await strict.shipments.suggestedPackages(picked.id)
            #expect(standard.count == 1 && small.count == 2, "\(standard.map(\.weightGrams)) \(small.map(\.weightGrams))")
            _ = try await strict.shipments.pack(picked.id, packages: nil, by: clerk)
            #expect(try await base.shipments.carrierDecision(picked.id).rule != strict.shipments.carrierDecision(picked.id).rule)
        }
    }

    func dispatchCarriersOnce(_ store: Store) async throws {
        if try await store.engine.read(Statement("SELECT COUNT(*) AS n FROM carriers"))[0].int("n") == 0 { try await dispatchCarriers(store) }
    }

    /// Two nodes serve the same backorder at once: one shipment is created, the stock is reserved once.
    @Test(arguments: Engine.available)
    func aBackorderServedTwiceAtOnceIsShippedOnce(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let order = try await shipmentTests.releasedSplitOrder(store)
            let sh = try #require(try await store.shipments.shipments(orderID: order.id).first { $0.warehouse == "SH" })
            _ = try await store.shipments.confirmPick(sh.id, picked: shipmentTests.pickAll(sh, less: 2), by: clerk)
            _ = try await store.stock.receive(StockReceipt(sku: "P001", warehouseCode: "SH", locationCode: "A-01", lot: "L2", quantity: 5), by: clerk)
            async let a = store.shipments.serveBackorder(orderID: order.id, by: clerk)
            async let b = store.shipments.serveBackorder(orderID: order.id, by: clerk)
            let served = try await [a, b]
            #expect(served.map(\.count).sorted() == [0, 1])
            let all = try await store.shipments.shipments(orderID: order.id)
            #expect(all.count == 3 && all.last?.lines.map(\.line.quantity) == [2])
            #expect(try await reserved(store, order.id) == 1 + 1 + 2, "one picked P001, one P002, two for the backorder")
            try await checkStockInvariants(store)
        }
    }
}
