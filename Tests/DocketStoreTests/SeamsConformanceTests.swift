import DocketCore
import DocketStore
import DocketTestSupport
import Foundation
import Testing

private let hour: Int64 = 3_600_000

@Suite("Outbox relay and timer subjects on both stores", .serialized)
struct OutboxConformanceTests {
    /// Two relays on two nodes claim at once: every message goes to exactly one of them while its lease holds;
    /// a message delivered is never claimed again; a relay that died leaves its messages to the other.
    @Test(arguments: Engine.available)
    func relaysShareTheOutboxAndTakeOverFromADeadOne(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await orderSetup(store)
            for _ in 0..<6 { _ = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk) }
            let total = try await store.outbox.outboxBacklog()
            #expect(total == 6)
            async let a = store.outbox.claimOutbox(owner: "node-a", limit: 4)
            async let b = store.outbox.claimOutbox(owner: "node-b", limit: 4)
            let (first, second) = try await (a, b)
            let ids = (first + second).map(\.id)
            #expect(ids.count == 6 && Set(ids).count == 6, "each message claimed once: \(ids)")
            #expect((first + second).allSatisfy { $0.notificationTopic == .acknowledged && $0.subject == "order" && $0.attempts == 1 })
            for message in first { #expect(try await store.outbox.markDelivered(message)) }
            // node-b dies before delivering. Within its lease nobody else takes its messages.
            #expect(try await store.outbox.claimOutbox(owner: "node-a").isEmpty)
            clock.advance(milliseconds: 61_000)
            let takenOver = try await store.outbox.claimOutbox(owner: "node-a")
            #expect(Set(takenOver.map(\.id)) == Set(second.map(\.id)))
            #expect(takenOver.allSatisfy { $0.attempts == 2 })
            // The dead relay wakes up: its lease is gone, so marking changes nothing (node-a delivers; receivers
            // deduplicate by id).
            for message in second { #expect(try await store.outbox.markDelivered(message) == false) }
            for message in takenOver { #expect(try await store.outbox.markDelivered(message)) }
            #expect(try await store.outbox.outboxBacklog() == 0)
            clock.advance(milliseconds: 2 * hour)
            #expect(try await store.outbox.claimOutbox(owner: "node-a").isEmpty, "delivered messages are never claimed again")
        }
    }

    /// A failed delivery waits 30 s, then twice as long after each further failure, and is then delivered.
    @Test(arguments: Engine.available)
    func failedDeliveriesAreRetriedLater(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await orderSetup(store)
            _ = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk)
            let message = try #require(try await store.outbox.claimOutbox(owner: "n").first)
            try await store.outbox.markFailed(message, error: "smtp: connection refused")
            #expect(try await store.outbox.claimOutbox(owner: "n").isEmpty)
            clock.advance(milliseconds: 30_001)
            let again = try #require(try await store.outbox.claimOutbox(owner: "n").first)
            #expect(again.id == message.id && again.attempts == 2)
            try await store.outbox.markFailed(again, error: "smtp: connection refused")
            clock.advance(milliseconds: 30_001)
            #expect(try await store.outbox.claimOutbox(owner: "n").isEmpty, "the second wait is a minute")
            clock.advance(milliseconds: 30_000)
            let third = try #require(try await store.outbox.claimOutbox(owner: "n").first)
            #expect(try await store.outbox.markDelivered(third))
            let row = try #require(try await store.engine.read(Statement("SELECT last_error FROM outbox WHERE id = $1", [message.id])).first)
            #expect(row.optionalText("last_error") == "smtp: connection refused")
        }
    }

    /// A database from before timers had subjects keeps its timers, and new ones number on after them.
    @Test(arguments: Engine.available)
    func upgradingKeepsPendingTimers(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock, migrated: false) { store in
            try await store.migrate(upTo: 6)
            let now = clock.now()
            let rows = try await store.engine.write([
                Statement(
                    """
                    INSERT INTO orders (number, channel, customer_code, type, urgent, status, total_minor, currency, problems,
                                        received_at, version, updated_at)
                    VALUES ('SO-OLD-1', 'phone', 'C001', 'STOCK', FALSE, 'awaiting_confirmation', 100, 'CNY', '[]', $1, 1, $1)
                    RETURNING id
                    """, [now]),
                Statement(
                    "INSERT INTO timers (kind, order_id, due_at, created_at, attempts) VALUES ('confirmation_deadline', $1, $2, $3, 0)",
                    [Bind.result(statement: 0, column: "id"), now.adding(milliseconds: hour), now]),
            ])
            #expect(try await store.migrate() == Array(7...Migration.all.count))
            let order = try await store.orders.order(id: try rows[0][0].id())
            let kept = try await store.timers.list(orderID: order.id)
            #expect(kept.map(\.kind) == [.confirmationDeadline] && kept.first?.doneAt == nil)
            // A new timer gets a new id (PostgreSQL's identity moved past the copied rows).
            _ = try await store.engine.write(
                Statement(
                    "INSERT INTO timers (kind, subject, subject_id, due_at, created_at, attempts) VALUES ('confirmation_reminder', 'order', $1, $2, $2, 0)",
                    [order.id, now]))
            #expect(try await store.timers.list(orderID: order.id).count == 2)
            clock.advance(milliseconds: hour + 1)
            #expect(try await store.timers.runDueTimers(owner: "n") == [.reminded, .suspended])
        }
    }
}

@Suite("Order line identity on both stores", .serialized)
struct LineIdentityConformanceTests {
    /// A change revises lines in place: a changed line keeps its id (what reservations and shipments will point
    /// at), a removed line is marked with the revision that removed it, a new line gets the next number.
    @Test(arguments: Engine.available)
    func linesKeepTheirIdsAcrossRevisions(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            _ = try await store.products.create(sampleProduct("P003"), by: clerk)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            let kept = try await store.orders.order(id: order.id).lines
            let (p001, p002) = (try #require(kept[0].id), try #require(kept[1].id))
            #expect(order.lines.map(\.id) == [nil, nil] || order.lines.map(\.id) == [p001, p002])

            await #expect(throws: DocketError.invalid("lines[0].id", "unknownLine", ["value": "999999"])) {
                _ = try await store.orders.requestChange(
                    orderID: order.id, OrderEdit(lines: [OrderLineDraft(lineID: 999_999, sku: "P001", quantity: 5)]), message: nil, by: clerk)
            }
            // P001 matched by SKU, P002 dropped, P003 added.
            let request = try await store.orders.requestChange(
                orderID: order.id, OrderEdit(lines: [OrderLineDraft(sku: "P003", quantity: 2), OrderLineDraft(sku: "P001", quantity: 5)]),
                message: "换货", by: clerk)
            _ = try await store.orders.decideChange(requestID: request.id, approve: true, reason: "客户确认", by: reviewer)
            let revised = try await store.orders.order(id: order.id).lines
            #expect(revised.map(\.sku) == ["P001", "P003"], "kept lines first, in their numbers; the new one after")
            #expect(revised[0].id == p001 && revised[0].quantity == 5)
            #expect(revised[1].id != nil && revised[1].id != p002)
            let rows = try await store.engine.read(
                Statement("SELECT id, line_no, removed_in_revision FROM order_lines WHERE order_id = $1 ORDER BY line_no", [order.id]))
            #expect(try rows.map { try $0.int("line_no") } == [1, 2, 3])
            #expect(try rows.map { try $0.id() as ID<OrderLine> } == [p001, p002, try #require(revised[1].id)])
            #expect(rows.map { $0.optionalInt("removed_in_revision") } == [nil, 2, nil])

            // Naming the line by id changes that line even when the SKU changes.
            let second = try await store.orders.requestChange(
                orderID: order.id,
                OrderEdit(lines: [OrderLineDraft(lineID: p001, sku: "P002", quantity: 1), OrderLineDraft(sku: "P003", quantity: 2)]),
                message: nil, by: clerk)
            _ = try await store.orders.decideChange(requestID: second.id, approve: true, reason: "客户确认", by: reviewer)
            let again = try await store.orders.order(id: order.id).lines
            #expect(again.map(\.id) == revised.map(\.id) && again.map(\.sku) == ["P002", "P003"])
        }
    }
}

@Suite("Customers and people by name on both stores", .serialized)
struct NamesConformanceTests {
    /// Orders carry their customer's name, the list finds them by it, and actors resolve to names in one read.
    @Test(arguments: Engine.available)
    func ordersAndActorsByName(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            _ = try await store.auth.addUser(User(username: "li.na", displayName: "李娜（跟单）", roles: [.orderDesk]), password: "password-long-1", by: clerk)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: Actor(.user, "li.na")).order
            let name = try await store.customers.get(key: "C001").value.name
            #expect(order.customerName == name)
            #expect(try await store.orders.order(id: order.id).customerName == name)
            let found = try await store.orders.list(OrderFilter(search: String(name.prefix(2))))
            #expect(found.items.map(\.id) == [order.id] && found.items[0].customerName == name)
            #expect(try await store.orders.list(OrderFilter(search: "没有这个客户")).items.isEmpty)

            let people = try await store.auth.people(for: ["user:li.na", "customer:C001", "system:timer", "user:ghost"])
            #expect(people.users == ["li.na": "李娜（跟单）"])
            #expect(people.customers == ["C001": name])
            #expect(people.name(of: "user:li.na", in: .zhCN) == "李娜（跟单）")
            #expect(people.name(of: "customer:C001", in: .zhCN) == "客户 \(name)（C001）")
        }
    }
}

@Suite("The order file on both stores", .serialized)
struct OrderFileConformanceTests {
    /// The order page's one-snapshot read holds exactly what the separate reads return.
    @Test(arguments: Engine.available)
    func oneSnapshotHoldsWhatTheSeparateReadsDo(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            // In review, the stage's findings come from facts read in the same snapshot, equal to the separate read's.
            let inReview = try await store.orders.orderFile(id: order.id)
            #expect(inReview.order.status == .reviewSales)
            let separate = try await store.orders.assessment(of: order)
            #expect(inReview.assessment != nil && inReview.assessment == separate)
            #expect(inReview.assessment?.credit != nil, "the sales stage judged credit from the customer read with the order")
            _ = try await passReviews(store, order.id)
            _ = try await store.orders.requestChange(
                orderID: order.id, OrderEdit(lines: [OrderLineDraft(sku: "P001", quantity: 4)]), message: "少订一个", by: clerk)
            let file = try await store.orders.orderFile(id: order.id)
            #expect(file.order == (try await store.orders.order(id: order.id)))
            #expect(file.timeline == (try await store.orders.orderTimeline(orderID: order.id)))
            #expect(file.reviews == (try await store.orders.reviews(orderID: order.id)) && file.reviews.count == 4)
            #expect(file.changes == (try await store.orders.changeRequests(orderID: order.id)) && file.changes.count == 1)
            #expect(file.revisions == (try await store.orders.revisions(orderID: order.id)))
            #expect(file.timers == (try await store.timers.list(orderID: order.id)) && file.timers.count == 3, "confirmation and reservation")
            let allocation = try await store.orders.allocation(orderID: order.id)
            #expect(file.allocation != nil && file.allocation == allocation)
            #expect(file.assessment == nil, "out of review, no stage findings")
            await #expect(throws: DocketError.notFound(.order, key: "999999")) { _ = try await store.orders.orderFile(id: 999_999) }
        }
    }
}

@Suite("The home dashboard on both stores", .serialized)
struct DashboardConformanceTests {
    @Test(arguments: Engine.available)
    func figuresPerStageTodayDueSoonAndLate(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await orderSetup(store)
            let waiting = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            let confirming = try await passReviews(store, try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order.id)
            #expect(confirming.status == .awaitingConfirmation)
            var board = try await store.orders.dashboard()
            #expect(board.figure(.review).count == 1 && board.figure(.review).amount == waiting.total)
            #expect(board.figure(.confirmation).count == 1)
            #expect(board.today.count == 2 && board.today.amount == Money(minor: 2 * waiting.total.minor))
            #expect(board.confirmationsDue.isEmpty && board.overdue.isEmpty)
            // A cancelled order leaves the figures (closed orders are not counted at all).
            let cancelled = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            _ = try await store.orders.transition(orderID: cancelled.id, .cancel, reason: "客户取消", by: clerk)
            board = try await store.orders.dashboard()
            #expect(board.figure(.review).count == 1 && board.figure(.cancelled).count == 0 && board.byStatus[.cancelled] == nil)
            #expect(board.today.count == 3, "today counts what came in, closed or not")

            clock.advance(milliseconds: 21 * 3_600_000)  // the 24 h deadline is now 3 h away
            board = try await store.orders.dashboard()
            #expect(board.confirmationsDue.map(\.id) == [confirming.id])
            #expect(board.confirmationsDue.first?.customerName != nil)

            clock.advance(milliseconds: 31 * 86_400_000)  // past the 30-day promise of a STOCK order
            board = try await store.orders.dashboard()
            #expect(board.today.count == 0)
            #expect(Set(board.overdue.map(\.id)) == [waiting.id, confirming.id] && board.overdueCount == 2)

            // The customer page's standing: both accepted orders count (the cancelled one not); the latest order first.
            let standing = try await store.orders.customerStanding(code: "C001")
            #expect(standing.openBalance == Money(minor: 2 * waiting.total.minor) && standing.overdue == .zero())
            #expect(standing.recentOrders.map(\.id) == [cancelled.id, confirming.id, waiting.id])
        }
    }
}

@Suite("Sorted order lists on both stores", .serialized)
struct OrderSortConformanceTests {
    @Test(arguments: Engine.available)
    func listsSortByTheColumnAskedFor(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await orderSetup(store)
            var small = completeDraft()
            small.lines = [OrderLineDraft(sku: "P001", quantity: 1)]
            let big = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
            let little = try await store.orders.submitOrder(small, idempotencyKey: nil, by: clerk).order
            #expect(try await store.orders.list(OrderFilter()).items.map(\.id) == [little.id, big.id], "newest first by default")
            var byTotal = OrderFilter()
            byTotal.sort = .total
            byTotal.descending = false
            #expect(try await store.orders.list(byTotal).items.map(\.id) == [little.id, big.id])
            byTotal.descending = true
            #expect(try await store.orders.list(byTotal).items.map(\.id) == [big.id, little.id])
            var byNumber = OrderFilter(limit: 1, offset: 1)
            byNumber.sort = .number
            byNumber.descending = false
            let second = try await store.orders.list(byNumber)
            #expect(second.items.map(\.id) == [little.id] && second.total == 2)
        }
    }
}
