import DocketCore
import DocketTestSupport
import Foundation
import Testing

@testable import DocketStore

/// Service levels (003) on both stores: the window starts at confirmation, its end records the penalty for what was
/// not delivered, a person exempts it once, and the board shows the order where it stands.
@Suite("Service levels on both stores", .serialized)
struct ServiceLevelConformanceTests {
    /// A RUSH order confirmed and released to the warehouse, stock in Shanghai.
    func releasedRushOrder(_ store: Store, requested: CalendarDate? = nil) async throws -> StoredOrder {
        try await allocationSetup(store)
        try await receive(store, "P001", "SH", 3)
        try await receive(store, "P002", "SH", 1)
        var draft = completeDraft()
        draft.type = .rush
        draft.requestedDate = requested
        let order = try await store.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
        _ = try await passReviews(store, order.id)
        _ = try await store.orders.recordConfirmation(orderID: order.id, via: .phone, note: nil, by: clerk)
        return try await store.orders.releaseToWarehouse(orderID: order.id, by: clerk)
    }

    @Test(arguments: Engine.available)
    func aRushOrderPastSevenDaysIsPenalisedOnceAndExemptedOnce(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let confirmedAt = clock.now()
            let order = try await releasedRushOrder(store)
            let window = try await store.engine.read(Statement("SELECT confirmed_at, service_due_at FROM orders WHERE id = $1", [order.id]))[0]
            #expect(try window.timestamp("confirmed_at") == confirmedAt)
            #expect(try window.timestamp("service_due_at") == confirmedAt.adding(days: 7), "RUSH: 7 days from confirmation")
            #expect(try await store.timers.list(orderID: order.id).contains { $0.kind == .serviceLevel && $0.dueAt == confirmedAt.adding(days: 7) })

            // Six and a half days on: on the board, in the preparing column, at risk — 28 hours to the promised date's
            // end (24:00 Beijing), under a fifth of the seven-day window.
            clock.advance(milliseconds: 156 * 3_600_000)
            var board = try await store.serviceLevels.board(BoardFilter())
            var card = try #require(board.columns.first { $0.column == .preparing }?.cards.first { $0.id == order.id })
            #expect(card.standing == .atRisk && card.daysLeft == 2)
            #expect(board.overdue.isEmpty)
            #expect(!(try await store.timers.runDueTimers(owner: "test")).contains(.penalized), "the window is not over yet")

            // Day 8: nothing delivered — late on the board, and the window's end records the penalty.
            clock.advance(milliseconds: 36 * 3_600_000)
            board = try await store.serviceLevels.board(BoardFilter(warehouse: "SH", customer: "C001", type: .rush))
            card = try #require(board.columns.first { $0.column == .preparing }?.cards.first { $0.id == order.id })
            #expect(card.standing == .late && card.daysLeft < 0)
            #expect(board.overdue.map(\.id) == [order.id] && board.overdueCount == 1)
            #expect(try await store.serviceLevels.board(BoardFilter(warehouse: "GZ")).columns.allSatisfy { $0.count == 0 }, "held only in Shanghai")
            #expect(try await store.serviceLevels.board(BoardFilter(type: .stock)).overdueCount == 0)

            #expect(try await store.timers.runDueTimers(owner: "test").filter { $0 == .penalized }.count == 1)
            let penalties = try await store.serviceLevels.penalties(orderID: order.id)
            let penalty = try #require(penalties.first)
            #expect(penalties.count == 1)
            let amounts = order.lines.map(\.amount.minor)
            #expect(penalty.base.minor == amounts.reduce(0, +))
            #expect(penalty.amount.minor == amounts.map { ($0 * 1_000 + 5_000) / 10_000 }.reduce(0, +), "10 % of each late line, to the fen")
            #expect(penalty.lines.map(\.late) == [3, 1] && penalty.status == .recorded && penalty.basisPoints == 1_000)
            #expect(penalty.month == ServiceLevel.month(of: confirmedAt.adding(days: 7)))
            let timeline = try await store.orders.orderTimeline(orderID: order.id)
            #expect(timeline.last?.action == "service_window_breached" && timeline.last?.reason == penalty.amount.formatted)

            let month = try await store.serviceLevels.month(penalty.month)
            #expect(month.penalties.map(\.id) == [penalty.id] && month.owed == penalty.amount && month.exempt.minor == 0)
            await #expect(throws: DocketError.invalid("month", "invalidValue", ["allowed": "YYYY-MM"])) { _ = try await store.serviceLevels.month("2026-13") }

            // Exempting needs the explanation; a stale version is refused; of two at once, one wins and the other is told.
            await #expect(throws: DocketError.invalid("note", "required")) {
                _ = try await store.serviceLevels.exempt(id: penalty.id, note: "  ", version: penalty.version, by: clerk)
            }
            await #expect(throws: DocketError.versionConflict(.servicePenalty, key: order.number, current: penalty.version)) {
                _ = try await store.serviceLevels.exempt(id: penalty.id, note: "客户要求延期", version: penalty.version + 1, by: clerk)
            }
            let results = await withTaskGroup(of: Result<ServicePenalty, any Error>.self) { group in
                for who in ["wang", "li"] {
                    group.addTask {
                        do { return .success(try await store.serviceLevels.exempt(id: penalty.id, note: "客户来电改约安装时间（\(who)）", version: penalty.version, by: Actor(.user, who))) }
                        catch { return .failure(error) }
                    }
                }
                var all: [Result<ServicePenalty, any Error>] = []
                for await result in group { all.append(result) }
                return all
            }
            let won = results.compactMap { try? $0.get() }
            #expect(won.count == 1 && won[0].status == .exempt && won[0].exemption == .explained)
            for case .failure(let error) in results {
                #expect(error as? DocketError == .conflict(.servicePenalty, key: order.number, because: "penaltyDecided"))
            }
            let after = try await store.serviceLevels.month(penalty.month)
            #expect(after.owed.minor == 0 && after.exempt == penalty.amount)
            let audit = try await store.engine.read(
                Statement("SELECT action FROM audit_events WHERE entity = 'servicePenalty' AND entity_id = $1 ORDER BY id", [penalty.id]))
            #expect(try audit.map { try $0.text("action") } == ["recorded", "exempted"])
            #expect(try await store.orders.orderTimeline(orderID: order.id).last?.action == "penalty_exempted")

            // The timer is done: nothing records a second penalty.
            clock.advance(days: 30)
            #expect(!(try await store.timers.runDueTimers(owner: "test")).contains(.penalized))
            #expect(try await store.serviceLevels.penalties(orderID: order.id).count == 1)
        }
    }

    @Test(arguments: Engine.available)
    func aLaterDateTheCustomerAskedForExemptsFromTheStart(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let requested = clock.now().date(utcOffsetHours: 8).adding(days: 20)
            let order = try await releasedRushOrder(store, requested: requested)
            clock.advance(days: 8)
            #expect(try await store.timers.runDueTimers(owner: "test").contains(.penalized))
            let penalty = try #require(try await store.serviceLevels.penalties(orderID: order.id).first)
            #expect(penalty.status == .exempt && penalty.exemption == .customerDate && penalty.note == requested.iso8601)
            await #expect(throws: DocketError.conflict(.servicePenalty, key: order.number, because: "penaltyDecided")) {
                _ = try await store.serviceLevels.exempt(id: penalty.id, note: "重复", version: nil, by: clerk)
            }
            // Promised for the customer's date: not late on the board.
            let card = try #require(try await store.serviceLevels.board(BoardFilter()).columns.flatMap(\.cards).first { $0.id == order.id })
            #expect(card.standing == .onTrack && card.promisedDate == requested)
        }
    }

    @Test(arguments: Engine.available)
    func aCancelledOrderIsNotPenalised(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            try await allocationSetup(store)
            try await receive(store, "P001", "SH", 3)
            try await receive(store, "P002", "SH", 1)
            var draft = completeDraft()
            draft.type = .vor
            let order = try await store.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
            _ = try await passReviews(store, order.id)
            _ = try await store.orders.recordConfirmation(orderID: order.id, via: .phone, note: nil, by: clerk)
            _ = try await store.orders.transition(orderID: order.id, .cancel, reason: "客户取消", by: clerk)
            clock.advance(days: 8)
            let outcomes = try await store.timers.runDueTimers(owner: "test")
            #expect(!outcomes.contains(.penalized))
            #expect(try await store.serviceLevels.penalties(orderID: order.id).isEmpty)
            #expect(try await store.serviceLevels.board(BoardFilter()).columns.allSatisfy { $0.count == 0 }, "a cancelled order is off the board")
        }
    }
}
