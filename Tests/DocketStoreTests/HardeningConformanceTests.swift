import DocketCore
import DocketStore
import DocketTestSupport
import Foundation
import Testing

/// What a person who lost a race is told: a typed conflict (HTTP 409), never a raw store error (HTTP 500).
func isConflict(_ error: any Error) -> Bool {
    switch error {
    case DocketError.conflict, DocketError.staleStage, DocketError.illegalTransition, DocketError.versionConflict: true
    default: false
    }
}

/// Runs the same step `count` times at once; returns how many succeeded and the errors of the others.
func race<T: Sendable>(_ count: Int, _ step: @escaping @Sendable (Int) async throws -> T) async -> (successes: [T], errors: [any Error]) {
    await withTaskGroup(of: Result<T, any Error>.self) { group in
        for i in 0..<count { group.addTask { do { return .success(try await step(i)) } catch { return .failure(error) } } }
        var successes: [T] = []
        var errors: [any Error] = []
        for await result in group {
            switch result {
            case .success(let value): successes.append(value)
            case .failure(let error): errors.append(error)
            }
        }
        return (successes, errors)
    }
}

@Suite("Hardening on both stores: bounds, races, refusals", .serialized)
struct HardeningConformanceTests {
    @Test(arguments: Engine.available)
    func moneyBeyondTheBoundsIsRefusedAndBalancesAtTheBoundsStillAddUp(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            // The issue's request: one unit at 10^17 fen was accepted, then every page of the order trapped.
            let huge = OrderDraft(channel: .api, customerCode: "C001", lines: [OrderLineDraft(sku: "P001", quantity: 1, unitPrice: Money(minor: 100_000_000_000_000_000))])
            await #expect(throws: DocketError.invalid("lines[0].unitPrice", "moneyOutOfRange", ["max": "¥100,000,000.00"])) {
                _ = try await store.orders.submitOrder(huge, idempotencyKey: nil, by: clerk)
            }
            let usd = OrderDraft(channel: .api, customerCode: "C001", lines: [OrderLineDraft(sku: "P001", quantity: 1, unitPrice: Money(minor: 100, currency: .usd))])
            await #expect(throws: DocketError.invalid("lines[0].unitPrice", "currencyMismatch", ["currency": "USD", "expected": "CNY"])) {
                _ = try await store.orders.submitOrder(usd, idempotencyKey: nil, by: clerk)
            }
            // Orders at the largest total allowed: the customer's open balance still sums, every review still reads.
            let largest = OrderDraft(
                channel: .api, customerCode: "C001",
                lines: Array(repeating: OrderLineDraft(sku: "P001", quantity: 10, unitPrice: Bounds.unitPrice), count: 10))
            var orders: [StoredOrder] = []
            for _ in 0..<3 { orders.append(try await store.orders.submitOrder(largest, idempotencyKey: nil, by: clerk).order) }
            #expect(orders.allSatisfy { $0.total == Bounds.amount })
            let last = try #require(orders.last)
            let facts = try await store.orders.reviewFacts(last)
            #expect(facts.credit.openBalance == Money(minor: 2 * Bounds.amountMinor))
            let sales = try #require(try await store.orders.assessment(of: last))
            #expect(sales.credit?.outcome == .holdForPrepayment)
            // One line more and the total is beyond the bound: refused, not wrapped.
            var over = largest
            over.lines.append(OrderLineDraft(sku: "P001", quantity: 1, unitPrice: Money(minor: 1)))
            await #expect(throws: DocketError.invalid("lines", "orderTotalOutOfRange", ["max": "¥10,000,000,000.00"])) {
                _ = try await store.orders.submitOrder(over, idempotencyKey: nil, by: clerk)
            }
        }
    }

    /// Credit exposure counts the orders received before this one, not later ones.
    @Test(arguments: Engine.available)
    func creditExposureCountsOnlyEarlierOrders(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let first = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            let second = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            #expect(try await store.orders.reviewFacts(first).credit.openBalance == .zero())
            #expect(try await store.orders.reviewFacts(second).credit.openBalance == first.total)
        }
    }

    @Test(arguments: Engine.available)
    func textWithNULIsRefusedAlikeOnBothEngines(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            var draft = completeDraft()
            draft.notes = "送货\u{0}上午"
            await #expect(throws: DocketError.invalid("notes", "controlCharacters")) {
                _ = try await store.orders.submitOrder(draft, idempotencyKey: nil, by: clerk)
            }
            var customer = sampleCustomer("C009")
            customer.name = "恒通\u{0}贸易"
            await #expect(throws: DocketError.invalid("name", "controlCharacters")) { _ = try await store.customers.create(customer, by: clerk) }
            await #expect(throws: DocketError.invalid("q", "controlCharacters")) { _ = try await store.orders.list(search: "SO\u{0}1") }
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            await #expect(throws: DocketError.invalid("reason", "controlCharacters")) {
                _ = try await store.orders.transition(orderID: order.id, .hold, reason: "等\u{0}货", by: clerk)
            }
            // The floor under every input check: a NUL never reaches either database (PostgreSQL would refuse it).
            await #expect(throws: StoreError.invalidText) { _ = try await store.customers.get(key: "C\u{0}1") }
            #expect(try await store.orders.order(id: order.id).status == .reviewSales)
        }
    }

    /// A double click by someone who may decide every stage passed two stages; now the second click is stale.
    @Test(arguments: Engine.available)
    func aReviewDecisionNamesItsStageAndADoubleClickDecidesOnce(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            let clicks = await race(4) { _ in
                try await store.orders.decideReview(orderID: order.id, stage: .sales, .pass, reason: "ok", approveOverrides: true, by: reviewer)
            }
            #expect(clicks.successes.count == 1)
            #expect(clicks.errors.allSatisfy { ($0 as? DocketError).map { if case .staleStage(_, .sales, _) = $0 { true } else { false } } ?? false })
            #expect(try await store.orders.order(id: order.id).status == .reviewFinance)
            #expect(try await store.orders.reviews(orderID: order.id).map(\.stage) == [.sales])
        }
    }

    /// Two approvals of one change request, an approval racing a hold, two completions of one order: one wins,
    /// the others are told of a conflict — never a raw guard failure.
    @Test(arguments: Engine.available)
    func racesOnChangesAndCompletionEndInOneWinnerAndConflicts(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            let change = try await store.orders.requestChange(orderID: order.id, OrderEdit(notes: "改为下午送"), message: nil, by: clerk)
            let approvals = await race(4) { i in
                try await store.orders.decideChange(requestID: change.id, approve: i % 2 == 0, reason: "客户来电", by: reviewer)
            }
            #expect(approvals.successes.count == 1)
            #expect(approvals.errors.count == 3 && approvals.errors.allSatisfy(isConflict), "\(approvals.errors)")

            let second = try await store.orders.requestChange(orderID: order.id, OrderEdit(notes: "改为周六送"), message: nil, by: clerk)
            let mixed = await race(2) { i in
                if i == 0 {
                    _ = try await store.orders.decideChange(requestID: second.id, approve: true, reason: "ok", by: reviewer)
                } else {
                    _ = try await store.orders.transition(orderID: order.id, .hold, reason: "客户暂缓", by: clerk)
                }
            }
            #expect(mixed.errors.allSatisfy(isConflict), "\(mixed.errors)")
            #expect(try await store.orders.order(id: order.id).status == .onHold, "the hold re-reads and always lands")

            var incomplete = completeDraft()
            incomplete.lines = [OrderLineDraft(sku: "P001", quantity: 0)]
            let waiting = try await store.orders.submitOrder(incomplete, idempotencyKey: nil, by: clerk).order
            #expect(waiting.status == .needsInfo)
            let completions = await race(4) { _ in
                try await store.orders.completeOrderInfo(orderID: waiting.id, OrderEdit(lines: [OrderLineDraft(sku: "P001", quantity: 2)]), by: clerk)
            }
            #expect(completions.successes.count >= 1)
            #expect(completions.errors.allSatisfy(isConflict), "\(completions.errors)")
            #expect(try await store.orders.order(id: waiting.id).status == .reviewSales)
        }
    }

    /// Two nodes starting with `--demo` on one empty database: one loads it, the other finds it loaded.
    @Test(arguments: Engine.available)
    func demoLoadingIsOneTransactionAndSafeToRace(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let loads = await race(2) { _ in try await store.loadDemo() }
            #expect(loads.errors.isEmpty, "\(loads.errors)")
            #expect(loads.successes.sorted { !$0 && $1 } == [false, true])
            let demo = DemoData(today: store.clock.now().date(utcOffsetHours: 8))
            let counts = try await store.engine.read(
                Statement(
                    """
                    SELECT (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM products) AS products,
                           (SELECT COUNT(*) FROM stock_movements WHERE kind = 'receipt') AS receipts
                    """))
            #expect(try counts[0].int("customers") == Int64(demo.customers.count))
            #expect(try counts[0].int("products") == Int64(demo.products.count))
            #expect(try counts[0].int("receipts") == Int64(demo.receipts.count))
            #expect(try await store.orders.list().total == 16, "the demo orders, once (twelve at intake and review, four in fulfilment)")
        }
    }

    /// A marketplace re-push with different content becomes one change request for the desk, however often it
    /// is pushed; the order is unchanged until the desk approves.
    @Test(arguments: Engine.available)
    func aChangedRepushBecomesOneChangeRequest(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let channel = Actor(.api, "channel:taobao")
            let pushed = completeDraft(channel: .taobao, externalRef: "TB-889")
            let first = try await store.orders.submitOrder(pushed, idempotencyKey: nil, by: channel)
            let again = try await store.orders.submitOrder(pushed, idempotencyKey: nil, by: channel)
            #expect(again.replayed && again.changeRequest == nil && again.order.id == first.order.id)

            var changed = pushed
            changed.lines[0].quantity = 5
            changed.deliveryAddress = Address(province: "浙江省", city: "杭州市", district: "西湖区", street: "文三路 1 号", postcode: "310012")
            let repush = changed
            let pushes = await race(3) { _ in try await store.orders.submitOrder(repush, idempotencyKey: nil, by: channel) }
            #expect(pushes.errors.isEmpty, "\(pushes.errors)")
            let requests = Set(pushes.successes.compactMap { $0.changeRequest?.id })
            #expect(requests.count == 1, "one request however often it is pushed")
            let request = try await store.orders.changeRequest(id: try #require(requests.first))
            #expect(request.status == .pending && request.requestedBy == "api:channel:taobao")
            #expect(request.edit.lines?.map(\.quantity) == [5, 1] && request.edit.deliveryAddress?.city == "杭州市")
            #expect(try await store.orders.order(id: first.order.id).lines.map(\.quantity) == [3, 1], "nothing overwritten")
            _ = try await store.orders.decideChange(requestID: request.id, approve: true, reason: "平台改单", by: reviewer)
            let revised = try await store.orders.order(id: first.order.id)
            #expect(revised.revision == 2 && revised.lines.map(\.quantity) == [5, 1])
            let afterwards = try await store.orders.submitOrder(changed, idempotencyKey: nil, by: channel)
            #expect(afterwards.replayed && afterwards.changeRequest == nil, "the order says what the platform says now")
        }
    }

    /// Issued links replace each other; nothing usable is kept.
    @Test(arguments: Engine.available)
    func confirmationLinksAreIssuedWhenSentAndReplaceEachOther(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            await #expect(throws: DocketError.illegalTransition(number: order.number, from: .reviewSales, action: .confirm)) {
                _ = try await store.orders.issueConfirmationLink(orderID: order.id, by: clerk)
            }
            _ = try await passReviews(store, order.id)
            let first = try await store.orders.issueConfirmationLink(orderID: order.id, by: clerk)
            let second = try await store.orders.issueConfirmationLink(orderID: order.id, by: clerk)
            #expect(first.path != second.path && first.deadline == second.deadline)
            #expect(try await store.orders.confirmation(token: String(first.path.dropFirst(9))).open == false)
            #expect(try await store.orders.confirmation(token: String(second.path.dropFirst(9))).open)
            let kept = try await store.engine.read(Statement("SELECT token_hash FROM order_confirmations WHERE order_id = $1", [order.id]))
            let tokens = [first, second].map { String($0.path.dropFirst(9)) }
            #expect(try kept.allSatisfy { row in try !tokens.contains(row.text("token_hash")) })
            #expect(try await store.orders.orderTimeline(orderID: order.id).filter { $0.action == "confirmation_link_issued" }.count == 2)
        }
    }

    /// An order imports whole or not at all, also when the store refuses it (its total is beyond the bound).
    @Test(arguments: Engine.available)
    func importRefusesAnOrderWhole(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let csv = """
                customer_code,external_ref,sku,quantity,unit_price
                C001,PO-1,P001,10000000,100000000
                C001,PO-1,P002,10000000,100000000
                C001,PO-1,P001,1,1
                C001,PO-2,P001,3,
                """
            let report = try await store.orders.importOrders(csv: csv, by: clerk)
            #expect(report.imported.map(\.lines) == [[5]])
            #expect(Set(report.refused.map(\.line)) == [2, 3, 4])
            #expect(report.refused.first { $0.problem.code == "orderTotalOutOfRange" }?.line == 2)
            #expect(try await store.orders.list().total == 1)
        }
    }

    /// 16 wrong passwords and the right one at once: the attempts are counted before the password is checked, so
    /// no more than the allowed five are checked and the account stays throttled.
    @Test(arguments: Engine.available)
    func loginThrottlingCannotBeRaced(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            _ = try await store.auth.addUser(User(username: "li.na", displayName: "李娜", roles: [.orderDesk]), password: "correct-horse-1", by: .cli())
            let attempts = await race(17) { i in
                try await store.auth.login(username: "li.na", password: i == 16 ? "correct-horse-1" : "wrong-\(i)", ip: "10.0.0.\(i)", userAgent: nil)
            }
            #expect(attempts.errors.isEmpty, "\(attempts.errors)")
            let throttled = attempts.successes.filter { if case .throttled = $0 { true } else { false } }.count
            let checked = try await store.engine.read(Statement("SELECT COUNT(*) AS n FROM login_attempts WHERE username = 'li.na'"))
            #expect(try checked[0].int("n") == 5, "exactly the allowed attempts were checked")
            #expect(throttled == 12)
        }
    }
}
