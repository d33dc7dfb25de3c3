import DocketCore
import DocketStore
import Testing

/// A customer and two products to order.
func orderSetup(_ store: Store) async throws {
    _ = try await store.customers.create(sampleCustomer("C001"), by: clerk)
    _ = try await store.products.create(sampleProduct("P001"), by: clerk)
    _ = try await store.products.create(sampleProduct("P002"), by: clerk)
}

func completeDraft(channel: OrderChannel = .api, externalRef: String? = nil) -> OrderDraft {
    OrderDraft(
        channel: channel, externalRef: externalRef, customerCode: "C001",
        lines: [OrderLineDraft(sku: "P001", quantity: 3), OrderLineDraft(sku: "P002", quantity: 1, unitPrice: Money(minor: 7_900))])
}

@Suite("Order store conformance", .serialized)
struct OrderConformanceTests {
    @Test(arguments: Engine.available)
    func completeOrdersGoToSalesReviewIncompleteOnesAreKept(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let complete = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk)
            #expect(complete.replayed == false)
            #expect(complete.order.status == .reviewSales)
            #expect(complete.order.number == "SO-20261122-000001")
            #expect(complete.order.total == Money(minor: 3 * 8_900 + 7_900))
            #expect(complete.order.lines.map(\.priceOverride) == [false, true])
            #expect(complete.order.contactPhone == "13812345678", "defaults from the customer's primary contact")

            var incomplete = completeDraft()
            incomplete.customerCode = "C404"
            incomplete.lines.append(OrderLineDraft(sku: "NOPE", quantity: 0))
            let kept = try await store.orders.submitOrder(incomplete, idempotencyKey: nil, by: clerk)
            #expect(kept.order.status == .needsInfo)
            #expect(kept.order.number == "SO-20261122-000002")
            let fields = Set(kept.order.problems.map(\.field))
            #expect(fields.isSuperset(of: ["customerCode", "lines[2].sku", "lines[2].quantity"]))
            #expect(kept.order.lines.count == 3, "nothing typed is lost")

            // events and outbox rows were written with the orders
            let timeline = try await store.orders.orderTimeline(orderID: kept.order.id)
            #expect(timeline.map(\.action) == ["received", "request_info"])
            #expect(timeline.last?.to == .needsInfo)
            let outbox = try await store.engine.read(Statement("SELECT topic FROM outbox ORDER BY id"))
            #expect(try outbox.map { try $0.text("topic") } == ["order.acknowledged", "order.needsInfo"])
        }
    }

    @Test(arguments: Engine.available)
    func sameIdempotencyKeyNeverCreatesTwice(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let first = try await store.orders.submitOrder(completeDraft(), idempotencyKey: "k-1", by: clerk)
            let again = try await store.orders.submitOrder(completeDraft(), idempotencyKey: "k-1", by: clerk)
            #expect(again.replayed && again.order.id == first.order.id)
            var different = completeDraft()
            different.lines[0].quantity = 4
            await #expect(throws: DocketError.invalid("Idempotency-Key", "idempotencyMismatch")) {
                _ = try await store.orders.submitOrder(different, idempotencyKey: "k-1", by: clerk)
            }
            // another client's identical key is its own
            #expect(try await store.orders.submitOrder(completeDraft(), idempotencyKey: "k-1", by: Actor(.api, "shop")).replayed == false)

            // ten concurrent duplicates: one order; a twin caught in the act gets a conflict, the others the replay
            let outcomes = try await withThrowingTaskGroup(of: ID<Order>?.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        do {
                            return try await store.orders.submitOrder(completeDraft(), idempotencyKey: "k-2", by: clerk).order.id
                        } catch DocketError.concurrentRequest(let key) {
                            #expect(key == "k-2")
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [ID<Order>?]()) { $0.append($1) }
            }
            #expect(Set(outcomes.compactMap { $0 }).count == 1)
            #expect(outcomes.count == 10)
            // retrying after a conflict returns the order that was made
            let retried = try await store.orders.submitOrder(completeDraft(), idempotencyKey: "k-2", by: clerk)
            #expect(retried.replayed && outcomes.contains(retried.order.id))
            #expect(try await store.orders.list().total == 3)
        }
    }

    @Test(arguments: Engine.available)
    func platformOrdersArePushedOnce(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let ids = try await withThrowingTaskGroup(of: ID<Order>.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await store.orders.submitOrder(completeDraft(channel: .taobao, externalRef: "TB-778899"), idempotencyKey: nil, by: clerk).order.id
                    }
                }
                return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            // the same id on another platform is another order
            #expect(try await store.orders.submitOrder(completeDraft(channel: .jd, externalRef: "TB-778899"), idempotencyKey: nil, by: clerk).replayed == false)
            await #expect(throws: DocketError.invalid("externalRef", "required")) {
                _ = try await store.orders.submitOrder(completeDraft(channel: .pinduoduo), idempotencyKey: nil, by: clerk)
            }
        }
    }

    @Test(arguments: Engine.available)
    func orderNumbersAreUniqueUnderConcurrency(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order.number }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(numbers).count == 20)
            #expect(Set(numbers) == Set((1...20).map { "SO-20261122-" + String(repeating: "0", count: 6 - String($0).count) + String($0) }))
        }
    }

    @Test(arguments: Engine.available)
    func transitionsFollowTheTableAndLeaveATimeline(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            // refused: not in the table, and nothing changes
            await #expect(throws: DocketError.illegalTransition(number: order.number, from: .reviewSales, action: .ship)) {
                _ = try await store.orders.transition(orderID: order.id, .ship, reason: nil, by: clerk)
            }
            await #expect(throws: DocketError.invalid("reason", "reasonRequired")) {
                _ = try await store.orders.transition(orderID: order.id, .hold, reason: " ", by: clerk)
            }
            let held = try await store.orders.transition(orderID: order.id, .hold, reason: "客户要求暂缓", by: clerk)
            #expect(held.status == .onHold && held.heldFrom == .reviewSales)
            let resumed = try await store.orders.transition(orderID: order.id, .resume, reason: nil, by: clerk)
            #expect(resumed.status == .reviewSales && resumed.heldFrom == nil)
            var status = resumed.status
            for _ in 0..<4 { status = try await store.orders.transition(orderID: order.id, .pass, reason: nil, by: clerk).status }
            #expect(status == .awaitingConfirmation)
            let cancelled = try await store.orders.transition(orderID: order.id, .cancel, reason: "客户取消", by: clerk)
            #expect(cancelled.status == .cancelled)
            let timeline = try await store.orders.orderTimeline(orderID: order.id)
            // Passing the inventory review (the third pass) allocates stock.
            #expect(timeline.map(\.action) == ["received", "accept", "hold", "resume", "pass", "pass", "pass", "allocated", "pass", "cancel"])
            #expect(timeline.last?.reason == "客户取消" && timeline.last?.from == .awaitingConfirmation)
            // the schema refuses a held_from on an order that is not on hold
            await #expect(throws: StoreError.self) {
                _ = try await store.engine.write(Statement("UPDATE orders SET held_from = 'confirmed' WHERE id = $1", [order.id]))
            }
        }
    }

    @Test(arguments: Engine.available)
    func concurrentTransitionsDecideOnFreshState(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            // five reviewers press "pass" at once on the sales stage: each pass moves one stage, never skipping the table
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<5 {
                    group.addTask { (try? await store.orders.transition(orderID: order.id, .pass, reason: nil, by: clerk)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let passes = outcomes.filter { $0 }.count
            let final = try await store.orders.order(id: order.id)
            let stages: [OrderStatus] = [.reviewSales, .reviewFinance, .reviewInventory, .reviewFinal, .awaitingConfirmation]
            #expect(final.status == stages[min(passes, 4)])
            #expect(try await store.orders.orderTimeline(orderID: order.id).filter { $0.action == "pass" }.count == passes)
        }
    }

    @Test(arguments: Engine.available)
    func csvImportKeepsGoodOrdersReportsBadLinesAndNeverImportsTwice(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let csv = """
                customer_code,external_ref,channel,contact_name,contact_phone,sku,quantity,unit_price,requested_date,notes
                C001,FAX-1,fax,,,P001,3,,,
                C001,FAX-1,fax,,,P002,1,79.00,,
                C001,,phone,,,P001,x,,,
                C404,,phone,,,P001,1,,,
                """
            let report = try await store.orders.importOrders(csv: csv, by: clerk)
            #expect(report.imported.map(\.status) == [.reviewSales, .needsInfo])
            #expect(report.imported[0].lines == [2, 3])
            #expect(report.refused.map(\.line) == [4])
            let again = try await store.orders.importOrders(csv: csv, by: clerk)
            #expect(again.imported.allSatisfy { $0.alreadyImported })
            #expect(try await store.orders.list().total == 2)
        }
    }
}
