import DocketCore
import DocketTestSupport
import Foundation
import Testing

@testable import DocketStore

/// 客户自助查询 on both stores: a lookup by number and phone gives the same answer for an unknown number and a wrong
/// phone, is throttled per order number and per address, and opens a link that expires; a problem the customer
/// reports opens a numbered exception, due by its kind, in the queue worst first.
@Suite("Customer self-service on both stores", .serialized)
struct TrackingConformanceTests {
    func placed(_ store: Store, phone: String = "139 0000 1111") async throws -> StoredOrder {
        try await orderSetup(store)
        var draft = completeDraft()
        draft.contactPhone = phone
        return try await store.orders.submitOrder(draft, idempotencyKey: nil, by: clerk).order
    }

    @Test(arguments: Engine.available)
    func aLookupNeedsTheRightPhoneAndIsThrottled(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let order = try await placed(store)
            let tracking = store.tracking
            #expect(try await tracking.lookup(number: "SO-19990101-000001", phone: "13900001111", ip: "10.0.0.1") == .notFound)
            #expect(try await tracking.lookup(number: order.number, phone: "13900002222", ip: "10.0.0.1") == .notFound)
            #expect(try await tracking.lookup(number: order.number, phone: "1111", ip: "10.0.0.1") == .notFound, "a few digits never match")
            guard case .found(let token) = try await tracking.lookup(number: order.number.lowercased(), phone: "+86 139-0000-1111", ip: "10.0.0.1") else {
                Issue.record("the order's own phone finds it")
                return
            }
            #expect(try await tracking.order(token: token) == order.id)
            let view = try await tracking.view(orderID: order.id)
            #expect(view.order.number == order.number && view.order.lines.count == 2 && view.shipments.isEmpty)

            // Five failures for this order number within 15 minutes: even the right phone is refused for a while,
            // from any address; another order is not affected.
            for _ in 0..<3 { #expect(try await tracking.lookup(number: order.number, phone: "13800000000", ip: "10.0.0.2") == .notFound) }
            #expect(try await tracking.lookup(number: order.number, phone: "13900001111", ip: "10.0.0.3") == .throttled)
            clock.advance(milliseconds: 16 * 60_000)
            guard case .found = try await tracking.lookup(number: order.number, phone: "13900001111", ip: "10.0.0.3") else {
                Issue.record("the window passed")
                return
            }
            // Ten failures from one address: that address waits, whatever it asks for.
            for n in 0..<10 { _ = try await tracking.lookup(number: "SO-X-\(n)", phone: "13900001111", ip: "10.0.0.9") }
            #expect(try await tracking.lookup(number: order.number, phone: "13900001111", ip: "10.0.0.9") == .throttled)

            // Links expire.
            clock.advance(days: 91)
            await #expect(throws: DocketError.self) { _ = try await tracking.order(token: token) }
            await #expect(throws: DocketError.self) { _ = try await tracking.order(token: "not-a-token") }
        }
    }

    @Test(arguments: Engine.available)
    func aReportedProblemOpensANumberedExceptionDueByItsKind(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let order = try await placed(store)
            await #expect(throws: DocketError.invalid("description", "required")) {
                _ = try await store.exceptions.report(ProblemReport(kind: .damaged, description: "  "), orderID: order.id)
            }
            // Two customers' reports at the same moment: both kept, numbered one after the other.
            let reports = try await withThrowingTaskGroup(of: OrderException.self) { group in
                group.addTask { try await store.exceptions.report(ProblemReport(kind: .delay, description: "还没到货"), orderID: order.id) }
                group.addTask {
                    try await store.exceptions.report(ProblemReport(kind: .damaged, description: "外箱压坏，杯子碎了两个", contact: "13900001111"), orderID: order.id)
                }
                var all: [OrderException] = []
                for try await report in group { all.append(report) }
                return all
            }
            #expect(Set(reports.map(\.number)) == ["\(order.number)-E1", "\(order.number)-E2"])
            let damaged = try #require(reports.first { $0.kind == .damaged })
            #expect(damaged.severity == .high && damaged.source == .customer && damaged.status == .open && damaged.contact == "13900001111")
            #expect(damaged.dueAt == clock.now().adding(milliseconds: 24 * 3_600_000) && damaged.openedBy == "customer:C001")
            let delay = try #require(reports.first { $0.kind == .delay })
            #expect(delay.severity == .normal && delay.dueAt == clock.now().adding(milliseconds: 48 * 3_600_000))
            #expect(try await store.exceptions.open().map(\.kind) == [.damaged, .delay], "worst first")
            let timeline = try await store.orders.orderTimeline(orderID: order.id).filter { $0.action == "exception_reported" }
            #expect(timeline.count == 2)
            #expect(try await store.tracking.view(orderID: order.id).reports.count == 2)
        }
    }

    /// A carrier reporting a shipment in trouble raises an exception in the same write as its event, once per trouble:
    /// an exception event while it is already in trouble raises nothing more; back on its way and in trouble again, a
    /// second. Both are in the queue with the shipment, and the customer's page shows the shipment's trouble.
    @Test(arguments: Engine.available)
    func aCarriersExceptionEventRaisesAnException(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let order = try await ServiceLevelConformanceTests().releasedRushOrder(store)
            try await dispatchCarriers(store)
            var shipment = try #require(try await store.shipments.shipments(orderID: order.id).first)
            shipment = try await store.shipments.confirmPick(shipment.id, picked: ShipmentConformanceTests().pickAll(shipment), by: clerk)
            shipment = try await store.shipments.pack(shipment.id, packages: nil, by: clerk)
            shipment = try await store.shipments.chooseCarrier(shipment.id, by: clerk)
            shipment = try await store.shipments.ship(shipment.id, trackingNumber: "SF777", by: clerk)
            let carrier = try #require(shipment.carrier?.taken.carrierCode)
            let at = { (hours: Int64) in clock.now().adding(milliseconds: hours * 3_600_000) }
            clock.advance(milliseconds: 5 * 3_600_000)
            #expect(try await store.shipments.carrierEvent(carrier: carrier, trackingNumber: "SF777",
                TrackingEvent(key: "x1", kind: .exception, occurredAt: at(-1), location: "杭州转运中心", note: "地址不详，无法派送")) == .recorded)
            #expect(try await store.shipments.carrierEvent(carrier: carrier, trackingNumber: "SF777",
                TrackingEvent(key: "x2", kind: .exception, occurredAt: at(-1).adding(milliseconds: 60_000), note: "再次派送失败")) == .recorded)
            var raised = try await store.exceptions.exceptions(orderID: order.id)
            #expect(raised.count == 1, "one trouble, one exception")
            let first = try #require(raised.first)
            #expect(first.number == "\(order.number)-E1" && first.source == .carrier && first.shipmentID == shipment.id && first.kind == .delay)
            #expect(first.description == "杭州转运中心 · 地址不详，无法派送" && first.dueAt == clock.now().adding(milliseconds: 48 * 3_600_000))
            #expect(try await store.orders.orderTimeline(orderID: order.id).last?.action == "exception_raised")
            // Back on its way, then in trouble again: a second exception.
            _ = try await store.shipments.carrierEvent(carrier: carrier, trackingNumber: "SF777", TrackingEvent(key: "t1", kind: .inTransit, occurredAt: at(0)))
            clock.advance(milliseconds: 3_600_000)
            _ = try await store.shipments.carrierEvent(carrier: carrier, trackingNumber: "SF777", TrackingEvent(key: "x3", kind: .exception, occurredAt: at(0)))
            raised = try await store.exceptions.exceptions(orderID: order.id)
            #expect(raised.map(\.number) == ["\(order.number)-E1", "\(order.number)-E2"] && raised[1].description.isEmpty)
            #expect(try await store.exceptions.open().count == 2)
            #expect(try await store.tracking.view(orderID: order.id).shipments.first?.status == .exception)
        }
    }
}
