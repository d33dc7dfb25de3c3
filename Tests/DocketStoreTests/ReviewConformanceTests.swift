import DocketCore
import DocketStore
import DocketTestSupport
import Foundation
import Testing

let reviewer = Actor(.user, "reviewer")
private let hour: Int64 = 3_600_000

/// Passes the order through whatever review stages remain, approving overrides and giving reasons.
func passReviews(_ store: Store, _ id: ID<Order>) async throws -> StoredOrder {
    var order = try await store.orders.order(id: id)
    while order.status.isReview {
        order = try await store.decideCurrentStage(orderID: id, .pass, reason: "checked", approveOverrides: true, by: reviewer)
    }
    return order
}

/// A confirmation link for the order's open request, issued as the notifier (or "copy a new link") issues it:
/// no usable link is kept anywhere, so a test gets one the way the customer's message would.
func confirmationToken(_ store: Store, orderID: ID<Order>) async throws -> String {
    let link = try await store.orders.issueConfirmationLink(orderID: orderID, by: reviewer)
    return String(link.path.dropFirst("/confirm/".count))
}


@Suite("Review, confirmation, timers and changes on both stores", .serialized)
struct ReviewConformanceTests {
    @Test(arguments: Engine.available)
    func fourStagesRecordTheirFindingsAndDecisions(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            let sales = try #require(try await store.orders.assessment(of: order))
            #expect(sales.stage == .sales)
            #expect(sales.credit?.outcome == .pass)
            #expect(sales.priceOverrides.map { $0.arguments["sku"] } == ["P002"])
            // The line priced below list needs the recorded approval; passing over a warning needs a reason.
            await #expect(throws: DocketError.invalid([FieldProblem("approveOverrides", "overrideApprovalRequired"), FieldProblem("reason", "reasonRequiredForFindings")])) {
                _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: nil, by: reviewer)
            }
            var next = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "老客户促销价", approveOverrides: true, by: reviewer)
            #expect(next.status == .reviewFinance)
            next = try await store.decideCurrentStage(orderID: order.id, .pass, reason: nil, by: reviewer)
            #expect(next.status == .reviewInventory)
            // No stock at all: the inventory stage finds the shortage per SKU.
            let inventory = try #require(try await store.orders.assessment(of: next))
            #expect(inventory.findings.map(\.code) == ["stockShortage", "stockShortage"])
            #expect(inventory.findings.first?.arguments["short"] == "3")
            await #expect(throws: DocketError.invalid("reason", "reasonRequiredForFindings")) {
                _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: " ", by: reviewer)
            }
            next = try await store.decideCurrentStage(orderID: order.id, .hold, reason: "等采购到货", by: reviewer)
            #expect(next.status == .onHold)
            next = try await store.orders.transition(orderID: order.id, .resume, reason: nil, by: reviewer)
            #expect(next.status == .reviewInventory)
            next = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "采购下周到货", by: reviewer)
            next = try await store.decideCurrentStage(orderID: order.id, .pass, reason: nil, by: reviewer)
            #expect(next.status == .awaitingConfirmation)

            let records = try await store.orders.reviews(orderID: order.id)
            #expect(records.map(\.stage) == [.sales, .finance, .inventory, .inventory, .final])
            #expect(records.map(\.decision) == [.pass, .pass, .hold, .pass, .pass])
            #expect(records[0].reason == "老客户促销价" && records[0].actor == "user:reviewer")
            #expect(records[0].assessment.priceOverrides.count == 1, "the approved override is kept with the decision")
            // Not in review any more: a decision for the final stage is stale (409), not a silent no-op.
            await #expect(throws: DocketError.staleStage(number: order.number, stage: .final, now: .awaitingConfirmation)) {
                _ = try await store.orders.decideReview(orderID: order.id, stage: .final, .pass, reason: "x", by: reviewer)
            }
        }
    }

    @Test(arguments: Engine.available)
    func creditSeesOpenBalanceAndOverdueOrders(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            var customer = try await store.customers.get(key: "C001")
            customer.value.creditLimit = Money(minor: 60_000)  // 600 元
            _ = try await store.customers.update(id: customer.id, version: customer.version, customer.value, by: clerk)
            let first = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order  // 346 元
            #expect(try await store.orders.assessment(of: first)?.credit?.outcome == .pass)
            let second = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            let credit = try #require(try await store.orders.assessment(of: second)?.credit)
            #expect(credit.openBalance == Money(minor: 34_600))
            #expect(credit.outcome == .reduce)
            #expect(credit.suggestedMaxTotal == Money(minor: 60_000 - 34_600))
            // The first order delivered and 31 days past its 30-day terms: overdue, hold for prepayment.
            _ = try await store.engine.write(
                Statement("UPDATE orders SET status = 'delivered', updated_at = $2 WHERE id = $1", [first.id, store.clock.now().adding(days: -61)]))
            let overdue = try #require(try await store.orders.assessment(of: second)?.credit)
            #expect(overdue.outcome == .holdForPrepayment)
            #expect(overdue.overdue == Money(minor: 34_600))
            #expect(overdue.reasons.contains { $0.code == "creditOverdue" && $0.arguments["days"] == "31" })
        }
    }

    @Test(arguments: Engine.available)
    func rulesPassRoutineOrdersAndSayWhichRule(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            _ = try await store.reviewRules.create(
                ReviewRule(code: "A-SMALL", name: "A 级客户小额订单", stage: .sales, maxTotal: Money(minor: 100_000), ratings: [.A]), by: clerk)
            _ = try await store.reviewRules.create(ReviewRule(code: "FIN-ALL", name: "财务常规", stage: .finance), by: clerk)
            // List prices, within the limit: passes sales and finance by rule, waits at inventory (no rule there).
            let routine = OrderDraft(channel: .api, customerCode: "C001", lines: [OrderLineDraft(sku: "P001", quantity: 2)])
            let passed = try await store.orders.submitOrder(routine, idempotencyKey: nil, by: clerk).order
            #expect(passed.status == .reviewInventory)
            let records = try await store.orders.reviews(orderID: passed.id)
            #expect(records.map(\.ruleCode) == ["A-SMALL", "FIN-ALL"])
            #expect(records.map(\.actor) == ["system:rule:A-SMALL", "system:rule:FIN-ALL"])
            #expect(try await store.orders.orderTimeline(orderID: passed.id).map(\.rule).contains("A-SMALL"))
            // A price override is never routine; neither is an order over the rule's amount.
            let special = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            #expect(special.status == .reviewSales)
            // A disabled (archived) rule passes nothing.
            let rule = try await store.reviewRules.get(key: "A-SMALL")
            _ = try await store.reviewRules.setArchived(id: rule.id, true, by: clerk)
            #expect(try await store.orders.submitOrder(routine, idempotencyKey: nil, by: clerk).order.status == .reviewSales)
        }
    }

    @Test(arguments: Engine.available)
    func customerConfirmsThroughTheLinkOnce(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            #expect(try await passReviews(store, order.id).status == .awaitingConfirmation)
            let token = try await confirmationToken(store, orderID: order.id)
            #expect(token.count >= 43, "256 bits, base64url")
            let stored = try await store.engine.read(
                Statement("SELECT token_hash FROM order_confirmations WHERE order_id = $1 AND closed_at IS NULL", [order.id]))
            #expect(try stored.map { try $0.text("token_hash") } == [Secret.hash(token)], "only the hash is kept")
            // No usable link at rest: the customer's message in the outbox names the order, not a link.
            let messages = try await store.engine.read(Statement("SELECT payload FROM outbox WHERE aggregate_id = $1", [order.id]))
            #expect(try messages.allSatisfy { try !$0.text("payload").contains("/confirm/") && !$0.text("payload").contains(token) })

            let view = try await store.orders.confirmation(token: token)
            #expect(view.open && view.order.id == order.id)
            await #expect(throws: DocketError.notFound(.order, key: "confirmation")) {
                _ = try await store.orders.confirmation(token: token + "x")
            }
            let confirmed = try await store.orders.confirm(token: token, requirements: "请周一上午送货")
            #expect(confirmed.status == .confirmed)
            #expect(try await store.orders.order(id: order.id).customerRequirements == "请周一上午送货")
            await #expect(throws: DocketError.invalid("token", "confirmationClosed")) {
                _ = try await store.orders.confirm(token: token, requirements: nil)
            }
            // Pending confirmation timers were closed with the confirmation; the service window's starts.
            let timers = try await store.timers.list(orderID: order.id)
            #expect(timers.filter { TimerKind.confirmation.contains($0.kind) }.allSatisfy { $0.doneAt != nil && $0.outcome == .cancelled })
            #expect(timers.filter { $0.doneAt == nil }.map(\.kind) == [.serviceLevel])
            #expect(try await store.orders.orderTimeline(orderID: order.id).last?.actor == "customer:C001")
        }
    }

    @Test(arguments: Engine.available)
    func staffRecordConfirmationsAndResendingReplacesTheLink(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            _ = try await passReviews(store, order.id)
            let old = try await confirmationToken(store, orderID: order.id)
            try await store.orders.resendConfirmation(orderID: order.id, by: clerk)
            let new = try await confirmationToken(store, orderID: order.id)
            #expect(old != new)
            #expect(try await store.orders.confirmation(token: old).open == false)
            let confirmed = try await store.orders.recordConfirmation(orderID: order.id, via: .phone, note: "王芳电话确认", by: clerk)
            #expect(confirmed.status == .confirmed)
            #expect(try await store.orders.confirmation(token: new).open == false)
            let timeline = try await store.orders.orderTimeline(orderID: order.id)
            let last = try #require(timeline.last { $0.action != "allocated" })
            #expect(last.action == "confirm" && last.reason == "phone" && last.actor == "user:clerk")
            #expect(timeline.last?.action == "allocated", "confirming makes the reservation firm, in the same write")
        }
    }

    @Test(arguments: Engine.available)
    func theDeadlineRemindsThenSuspendsExactlyOnceWithTwoWorkers(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            clock.advance(milliseconds: 2 * hour)
            _ = try await passReviews(store, order.id)
            #expect(try await store.timers.runDueTimers(owner: "node-a").isEmpty, "nothing is due yet")

            // 24 h from receipt, reminder 4 h before: at 20 h the reminder is due.
            clock.advance(milliseconds: 18 * hour + 1)
            async let a = store.timers.runDueTimers(owner: "node-a")
            async let b = store.timers.runDueTimers(owner: "node-b")
            let reminded = try await a + b
            #expect(reminded == [.reminded])
            let reminders = try await store.engine.read(Statement("SELECT id FROM outbox WHERE topic = 'order.confirmationReminder'"))
            #expect(reminders.count == 1)

            clock.advance(milliseconds: 4 * hour)
            async let c = store.timers.runDueTimers(owner: "node-a")
            async let d = store.timers.runDueTimers(owner: "node-b")
            #expect(try await c + d == [.suspended])
            let suspended = try await store.orders.order(id: order.id)
            #expect(suspended.status == .suspended)
            let timeline = try await store.orders.orderTimeline(orderID: order.id)
            #expect(timeline.filter { $0.action == "suspend" }.count == 1)
            #expect(timeline.last?.reason == "confirmationDeadlinePassed" && timeline.last?.actor == "system:timer")
            #expect(try await store.timers.runDueTimers(owner: "node-a").isEmpty)

            // Resumed: a new link and a new full period (the old deadline has passed).
            _ = try await store.orders.transition(orderID: order.id, .resume, reason: nil, by: clerk)
            let pending = try await store.timers.list(orderID: order.id).filter { $0.doneAt == nil }
            // … and the stock it gave back when suspended is planned and held (soft) again.
            #expect(pending.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.confirmationDeadline, .confirmationReminder, .reservationExpiry])
            #expect(pending.first { $0.kind == .confirmationDeadline }?.dueAt == clock.now().adding(milliseconds: 24 * hour))
        }
    }

    @Test(arguments: Engine.available)
    func aWorkerThatLostItsLeaseChangesNothing(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            _ = try await passReviews(store, order.id)
            clock.advance(milliseconds: 25 * hour)
            // Node A claims both timers and stalls; its lease runs out and node B takes over and finishes.
            let stalled = try await store.timers.claimDueTimers(owner: "node-a", leaseMilliseconds: 60_000)
            #expect(stalled.map(\.kind) == [.confirmationReminder, .confirmationDeadline])
            #expect(try await store.timers.claimDueTimers(owner: "node-b").isEmpty, "leased timers are not taken")
            clock.advance(milliseconds: 61_000)
            #expect(try await store.timers.runDueTimers(owner: "node-b") == [.reminded, .suspended])
            // Node A wakes up: both of its timers are gone from under it.
            for timer in stalled { #expect(try await store.timers.fire(timer) == .leaseLost) }
            let outbox = try await store.engine.read(Statement("SELECT topic FROM outbox WHERE topic = 'order.confirmationReminder'"))
            #expect(outbox.count == 1)
            #expect(try await store.orders.orderTimeline(orderID: order.id).filter { $0.action == "suspend" }.count == 1)
        }
    }

    @Test(arguments: Engine.available)
    func cancelOnExpiryWhenConfigured(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let store = Store(engine: base.engine, clock: clock, logger: base.logger, policy: OrderPolicy(confirmationHours: 48, onExpiry: .cancel))
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            _ = try await passReviews(store, order.id)
            clock.advance(milliseconds: 47 * hour)
            #expect(try await store.timers.runDueTimers(owner: "n") == [.reminded])
            clock.advance(milliseconds: 1 * hour)
            // The soft reservation (48 h by default) lapses at the same moment, first: it was made earlier.
            #expect(try await store.timers.runDueTimers(owner: "n") == [.released, .orderCancelled])
            #expect(try await store.orders.order(id: order.id).status == .cancelled)
        }
    }

    @Test(arguments: Engine.available)
    func approvedChangesMakeRevisionsWithTheirDiff(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            _ = try await passReviews(store, order.id)
            let token = try await confirmationToken(store, orderID: order.id)
            _ = try await store.orders.confirm(token: token, requirements: nil)

            // Bad edits are refused at once with field problems.
            await #expect(throws: DocketError.invalid("lines[1].sku", "notFound", ["value": "NOPE"])) {
                _ = try await store.orders.requestChange(
                    orderID: order.id, OrderEdit(lines: [OrderLineDraft(sku: "P001", quantity: 5), OrderLineDraft(sku: "NOPE", quantity: 1)]),
                    message: nil, by: clerk)
            }
            let edit = OrderEdit(lines: [OrderLineDraft(sku: "P001", quantity: 5), OrderLineDraft(sku: "P002", quantity: 1, unitPrice: Money(minor: 7_900))])
            let request = try await store.orders.requestChange(orderID: order.id, edit, message: "客户加订 2 个", by: clerk)
            #expect(request.status == .pending)
            #expect(request.assessment.diff.contains(RevisionChange(field: "lines[P001].quantity", before: "3", after: "5")))
            #expect(request.assessment.credit?.outcome == .pass)
            #expect(request.assessment.stock.contains { $0.code == "stockShortage" }, "stock is re-checked")
            #expect(try await store.orders.order(id: order.id).lines[0].quantity == 3, "nothing changes before approval")

            await #expect(throws: DocketError.invalid("reason", "reasonRequiredForFindings")) {
                _ = try await store.orders.decideChange(requestID: request.id, approve: true, reason: nil, by: reviewer)
            }
            let approved = try await store.orders.decideChange(requestID: request.id, approve: true, reason: "库存下周补足", by: reviewer)
            #expect(approved.status == .approved && approved.revision == 2)
            let changed = try await store.orders.order(id: order.id)
            #expect(changed.revision == 2 && changed.status == .confirmed)
            #expect(changed.lines.map(\.quantity) == [5, 1])
            #expect(changed.total == Money(minor: 5 * 8_900 + 7_900))
            let revisions = try await store.orders.revisions(orderID: order.id)
            #expect(revisions.map(\.revision) == [2])
            #expect(revisions[0].diff.contains(RevisionChange(field: "total", before: "346.00", after: "524.00")))
            await #expect(throws: DocketError.conflict(.changeRequest, key: "#\(request.id)", because: "alreadyDecided")) {
                _ = try await store.orders.decideChange(requestID: request.id, approve: true, reason: "again", by: reviewer)
            }
            // A request made against revision 1 is stale once revision 2 exists.
            let stale = try await store.orders.requestChange(orderID: order.id, OrderEdit(notes: "改送货时间"), message: nil, by: clerk)
            _ = try await store.orders.decideChange(
                requestID: try await store.orders.requestChange(orderID: order.id, OrderEdit(requestedDate: CalendarDate(year: 2026, month: 12, day: 20)), message: nil, by: clerk).id,
                approve: true, reason: "客户改期", by: reviewer)
            await #expect(throws: DocketError.conflict(.changeRequest, key: "#\(stale.id)", because: "staleRevision")) {
                _ = try await store.orders.decideChange(requestID: stale.id, approve: true, reason: nil, by: reviewer)
            }
            await #expect(throws: DocketError.invalid("reason", "reasonRequired")) {
                _ = try await store.orders.decideChange(requestID: stale.id, approve: false, reason: nil, by: reviewer)
            }
            #expect(try await store.orders.decideChange(requestID: stale.id, approve: false, reason: "已被新版本取代", by: reviewer).status == .rejected)
            #expect(try await store.orders.order(id: order.id).promisedDate == CalendarDate(year: 2026, month: 12, day: 20))
        }
    }

    @Test(arguments: Engine.available)
    func customersAskForChangesOnTheLinkAndGetANewOne(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            _ = try await passReviews(store, order.id)
            let token = try await confirmationToken(store, orderID: order.id)
            let asked = try await store.orders.requestChange(token: token, message: "数量改为 4 个")
            #expect(asked.source == .customer && asked.requestedBy == "customer:C001")
            #expect(try await store.orders.confirmation(token: token).open == false)
            // The desk makes the change; approving it sends a new link for the changed order.
            let edit = try await store.orders.requestChange(
                orderID: order.id, OrderEdit(lines: [OrderLineDraft(sku: "P001", quantity: 4), OrderLineDraft(sku: "P002", quantity: 1, unitPrice: Money(minor: 7_900))]),
                message: "按客户要求", by: clerk)
            _ = try await store.orders.decideChange(requestID: edit.id, approve: true, reason: "客户要求", by: reviewer)
            _ = try await store.orders.decideChange(requestID: asked.id, approve: false, reason: "已按 #\(edit.id) 修改", by: reviewer)
            let fresh = try await confirmationToken(store, orderID: order.id)
            #expect(fresh != token)
            #expect(try await store.orders.confirm(token: fresh, requirements: nil).status == .confirmed)
        }
    }

    @Test(arguments: Engine.available)
    func completingInformationMovesTheOrderOn(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            var draft = completeDraft()
            draft.customerCode = "C404"
            draft.lines[1].sku = "NOPE"
            let order = try await store.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
            #expect(order.status == .needsInfo)
            // Half fixed: still waiting, with what is left.
            let half = try await store.orders.completeOrderInfo(orderID: order.id, OrderEdit(customerCode: "C001"), by: clerk)
            #expect(half.status == .needsInfo)
            #expect(half.problems.map(\.field) == ["lines[1].sku"])
            let done = try await store.orders.completeOrderInfo(
                orderID: order.id, OrderEdit(lines: [OrderLineDraft(sku: "P001", quantity: 3), OrderLineDraft(sku: "P002", quantity: 2)]), by: clerk)
            #expect(done.status == .reviewSales)
            #expect(done.problems.isEmpty && done.total == Money(minor: 5 * 8_900))
            #expect(try await store.orders.orderTimeline(orderID: order.id).map(\.action) == ["received", "request_info", "info_updated", "complete_info"])
            await #expect(throws: DocketError.illegalTransition(number: order.number, from: .reviewSales, action: .completeInfo)) {
                _ = try await store.orders.completeOrderInfo(orderID: order.id, OrderEdit(notes: "x"), by: clerk)
            }
        }
    }

    @Test(arguments: Engine.available)
    func aProductUnknownAtIntakeTakesItsListPriceOnceKnown(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            var draft = completeDraft()
            draft.lines[1] = OrderLineDraft(sku: "NEW-1", quantity: 2)
            let order = try await store.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
            #expect(order.status == .needsInfo && order.lines[1].unitPrice == .zero())
            // Purchasing creates the product; completing the order without touching the line prices it at list.
            _ = try await store.products.create(sampleProduct("NEW-1"), by: clerk)
            let completed = try await store.orders.completeOrderInfo(orderID: order.id, OrderEdit(notes: "产品已建档"), by: clerk)
            #expect(completed.status == .reviewSales)
            #expect(completed.lines[1].unitPrice == Money(minor: 8_900) && !completed.lines[1].priceOverride)
            #expect(completed.lines[0].unitPrice == Money(minor: 8_900), "an agreed price stays")
        }
    }

    @Test(arguments: Engine.available)
    func housekeepingRemovesOnlyWhatIsPastItsTime(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await orderSetup(store)
            _ = try await store.auth.addUser(User(username: "li.na", displayName: "李娜", roles: [.orderDesk]), password: "password-long-1", by: clerk)
            _ = try await store.auth.login(username: "li.na", password: "wrong-password", ip: "10.0.0.1", userAgent: nil)
            _ = try await store.auth.login(username: "li.na", password: "password-long-1", ip: "10.0.0.1", userAgent: nil)
            let first = try await store.orders.submitOrder(completeDraft(), idempotencyKey: "old-key", by: clerk).order
            #expect(try await store.timers.houseKeep() == Housekeeping(loginAttempts: 0, idempotencyKeys: 0, sessions: 0), "nothing is old yet")
            clock.advance(days: Store.idempotencyKeyDays + 1)
            _ = try await store.orders.submitOrder(completeDraft(), idempotencyKey: "new-key", by: clerk)
            #expect(try await store.timers.houseKeep() == Housekeeping(loginAttempts: 2, idempotencyKeys: 1, sessions: 1))
            #expect(try await store.orders.submitOrder(completeDraft(), idempotencyKey: "new-key", by: clerk).replayed, "recent keys stay")
            #expect(try await store.orders.order(id: first.id).number == first.number, "orders are never removed")
        }
    }

    @Test(arguments: Engine.available)
    func inventoryCountsUsableStockAndKnowsMadeToOrderGoods(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await orderSetup(store)
            _ = try await stockSetup(store, product: sampleProduct("F001", shelfLife: 365))
            var madeToOrder = sampleProduct("M001")
            madeToOrder.makeToOrder = true
            _ = try await store.products.create(madeToOrder, by: clerk)
            _ = try await store.stock.receive(StockReceipt(sku: "P001", warehouseCode: "SH", locationCode: "A-01-01", quantity: 10), by: clerk)
            _ = try await store.stock.receive(
                StockReceipt(sku: "F001", warehouseCode: "SH", locationCode: "A-01-01", lot: "L1", quantity: 5,
                    expiryDate: clock.now().date(utcOffsetHours: 8).adding(days: 1)), by: clerk)
            clock.advance(days: 2)  // the F001 lot has expired
            let draft = OrderDraft(
                channel: .phone, customerCode: "C001",
                lines: [OrderLineDraft(sku: "P001", quantity: 3), OrderLineDraft(sku: "F001", quantity: 2), OrderLineDraft(sku: "M001", quantity: 1)])
            let order = try await store.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
            _ = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "ok", by: reviewer)
            let atInventory = try await store.decideCurrentStage(orderID: order.id, .pass, reason: "ok", by: reviewer)
            let findings = try #require(try await store.orders.assessment(of: atInventory)).findings
            #expect(findings.map(\.code) == ["stockCovered", "stockShortage", "stockMakeToOrder"])
            #expect(findings[0].arguments["available"] == "10")
            #expect(findings[1].arguments["available"] == "0", "an expired lot is not available")
            // The entry grid reads the same definition of usable stock.
            let grid = try await store.stock.availability(skus: ["P001", "F001", "M001", "NOPE", ""])
            #expect(grid["P001"]?.available == 10 && grid["F001"]?.available == 0)
            #expect(grid["M001"]?.product.makeToOrder == true && grid["NOPE"] == nil && grid.count == 3)
        }
    }
}
