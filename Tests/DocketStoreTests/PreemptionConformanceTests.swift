import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// Pre-empting soft reservations (off by default) on both engines: an urgent order takes an unconfirmed order's
/// soft reservation, the loser goes back to the queue and both histories say so; a confirmed order is never taken.
@Suite("Pre-empting soft reservations on both stores", .serialized)
struct PreemptionConformanceTests {
    func store(_ base: Store, _ clock: ManualClock, preempt: Bool) -> Store {
        Store(
            engine: base.engine, clock: clock, logger: base.logger,
            policy: OrderPolicy(allocation: AllocationPolicy(maxWarehouses: 1, preemptSoftReservations: preempt)))
    }

    func reserved(_ store: Store, _ order: ID<Order>) async throws -> Int64 {
        try await store.orders.allocation(orderID: order)?.plan.lines.reduce(0) { $0 + $1.allocated } ?? 0
    }

    @Test(arguments: Engine.available)
    func anUrgentOrderTakesAnUnconfirmedOrdersSoftReservation(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let store = store(base, clock, preempt: true)
            try await allocationSetup(store)
            try await receive(store, "P001", "SH", 3)
            _ = try await store.timers.runDueTimers(owner: "node")
            let early = try await reviewedOrder(store, clock, [OrderLineDraft(sku: "P001", quantity: 2)], urgent: false)
            let late = try await reviewedOrder(store, clock, [OrderLineDraft(sku: "P001", quantity: 1)], urgent: false)
            #expect(try await reserved(store, early) == 2)
            #expect(try await reserved(store, late) == 1)
            let urgent = try await reviewedOrder(store, clock, [OrderLineDraft(sku: "P001", quantity: 1)], urgent: true)
            // The last in line gives way, and only it.
            #expect(try await store.orders.allocation(orderID: urgent)?.status == .full)
            #expect(try await store.orders.allocation(orderID: late)?.status == .released)
            #expect(try await reserved(store, early) == 2)
            let lateNumber = try await store.orders.order(id: late).number
            let urgentNumber = try await store.orders.order(id: urgent).number
            let lost = try await store.orders.orderTimeline(orderID: late).last
            #expect(lost?.action == "preempted" && lost?.reason == urgentNumber)
            let took = try await store.orders.orderTimeline(orderID: urgent).last { $0.action == "preempted_others" }
            #expect(took?.reason == lateNumber)
            try await checkStockInvariants(store)
            // Back in the queue: planned again by the worker, short now.
            _ = try await store.timers.runDueTimers(owner: "node")
            let replanned = try #require(try await store.orders.allocation(orderID: late))
            #expect(replanned.status == .none && replanned.plan.lines.first?.short == 1)
            #expect(try await store.orders.shortages().map(\.orderID) == [late])
            try await checkStockInvariants(store)
        }
    }

    @Test(arguments: Engine.available)
    func nothingIsTakenWhenTheSwitchIsOffOrTheOrderIsConfirmed(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { base in
            let off = store(base, clock, preempt: false)
            try await allocationSetup(off)
            try await receive(off, "P001", "SH", 2)
            _ = try await off.timers.runDueTimers(owner: "node")
            let first = try await reviewedOrder(off, clock, [OrderLineDraft(sku: "P001", quantity: 1)], urgent: false)
            let second = try await reviewedOrder(off, clock, [OrderLineDraft(sku: "P001", quantity: 1)], urgent: false)
            let urgent = try await reviewedOrder(off, clock, [OrderLineDraft(sku: "P001", quantity: 1)], urgent: true)
            #expect(try await off.orders.allocation(orderID: urgent)?.status == StoredAllocation.Status.none, "off by default")
            // Switched on, but the holders are confirmed: firm reservations are never taken.
            let on = store(base, clock, preempt: true)
            for order in [first, second] { _ = try await on.orders.recordConfirmation(orderID: order, via: .phone, note: nil, by: clerk) }
            let again = try await on.orders.reallocate(orderID: urgent, by: clerk)
            #expect(again.status == .none)
            #expect(try await reserved(on, first) == 1)
            #expect(try await reserved(on, second) == 1)
            try await checkStockInvariants(on)
        }
    }
}
