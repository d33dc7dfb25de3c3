import DocketCore
import Foundation
import Testing

@testable import DocketStore

@Suite("Shipments on both stores", .serialized)
struct ShipmentConformanceTests {
    /// An order of P001 × 3 and P002 × 1 with P001 only in Shanghai and P002 only in Guangzhou: confirmed and released,
    /// it must leave from both.
    func releasedSplitOrder(_ store: Store) async throws -> StoredOrder {
        try await allocationSetup(store)
        try await receive(store, "P001", "SH", 3)
        try await receive(store, "P002", "GZ", 1)
        let order = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
        _ = try await passReviews(store, order.id)
        _ = try await store.orders.recordConfirmation(orderID: order.id, via: .phone, note: nil, by: clerk)
        return try await store.orders.releaseToWarehouse(orderID: order.id, by: clerk)
    }

    func pickAll(_ shipment: StoredShipment, less: Int64 = 0) -> [PickedQuantity] {
        shipment.lines.enumerated().map { index, line in
            PickedQuantity(lineID: line.line.lineID, lotID: line.line.lotID, quantity: line.line.quantity - (index == 0 ? less : 0))
        }
    }

    @Test(arguments: Engine.available)
    func anOrderHeldInTwoWarehousesIsReleasedAsTwoShipments(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let order = try await releasedSplitOrder(store)
            #expect(order.status == .allocated)
            let shipments = try await store.shipments.shipments(orderID: order.id)
            #expect(shipments.count == 2)
            #expect(Set(shipments.map(\.warehouse)) == ["SH", "GZ"])
            #expect(shipments.map(\.number).sorted() == ["\(order.number)-1", "\(order.number)-2"])
            #expect(shipments.allSatisfy { $0.status == .toPick && $0.lines.allSatisfy { $0.picked == nil } })
            let created = try await store.engine.read(
                Statement("SELECT COUNT(*) AS n FROM audit_events WHERE entity = 'shipment' AND action = 'created' AND actor = $1", [clerk.description]))
            #expect(try created[0].int("n") == 2, "each shipment's first event is in the release's write")
            let sh = try #require(shipments.first { $0.warehouse == "SH" })
            #expect(sh.lines.map(\.line.sku) == ["P001"] && sh.lines.map(\.line.quantity) == [3])
            let gz = try #require(shipments.first { $0.warehouse == "GZ" })
            #expect(gz.lines.map(\.line.sku) == ["P002"] && gz.lines.map(\.line.quantity) == [1])
            // Once picking started, the order's stock is on pick lists: it is not planned again.
            _ = try await store.shipments.confirmPick(gz.id, picked: pickAll(gz), by: clerk)
            await #expect(throws: DocketError.illegalTransition(number: order.number, from: .picking, action: .allocate)) {
                _ = try await store.orders.reallocate(orderID: order.id, by: clerk)
            }
            try await checkStockInvariants(store)
        }
    }

    @Test(arguments: Engine.available)
    func aShortPickCorrectsTheLotAndLeavesTheLineShort(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let order = try await releasedSplitOrder(store)
            let sh = try #require(try await store.shipments.shipments(orderID: order.id).first { $0.warehouse == "SH" })
            // More than the list, or a stale version: nothing is written.
            await #expect(throws: DocketError.self) {
                _ = try await store.shipments.confirmPick(sh.id, picked: [PickedQuantity(lineID: sh.lines[0].line.lineID, lotID: sh.lines[0].line.lotID, quantity: 4)], by: clerk)
            }
            await #expect(throws: DocketError.versionConflict(.shipment, key: sh.number, current: 1)) {
                _ = try await store.shipments.confirmPick(sh.id, picked: pickAll(sh), version: 7, by: clerk)
            }
            let picked = try await store.shipments.confirmPick(sh.id, picked: pickAll(sh, less: 1), version: 1, by: clerk)
            #expect(picked.status == .picked)
            #expect(picked.lines.map(\.picked) == [2] && picked.lines.map(\.line.quantity) == [2])
            #expect(try await store.orders.order(id: order.id).status == .picking)
            #expect(try await store.orders.orderTimeline(orderID: order.id).last?.action == "start_picking")
            // The shelf had two: the books say so, the reservation follows, the plan shows the line short by one.
            let lot = try #require(try await store.engine.read(
                Statement("SELECT s.on_hand, s.reserved FROM stock_lots s JOIN products p ON p.id = s.product_id WHERE p.sku = 'P001'")).first)
            #expect(try lot.int("on_hand") == 2 && lot.int("reserved") == 2)
            let movement = try #require(try await store.engine.read(
                Statement("SELECT kind, quantity, reserved_delta, reference FROM stock_movements WHERE note = 'short pick'")).first)
            #expect(try movement.text("kind") == "adjustment" && movement.int("quantity") == -1 && movement.text("reference") == sh.number)
            let allocation = try #require(try await store.orders.allocation(orderID: order.id))
            #expect(allocation.plan.status == .partial)
            #expect(allocation.plan.lines.first { $0.sku == "P001" }?.short == 1)
            try await checkStockInvariants(store)
            // The same pick again: the shipment has moved on.
            await #expect(throws: DocketError.conflict(.shipment, key: sh.number, because: "shipmentStep")) {
                _ = try await store.shipments.confirmPick(sh.id, picked: pickAll(sh), by: clerk)
            }
        }
    }

    @Test(arguments: Engine.available)
    func aHeldOrderIsNotPickedAndACancelledOnesShipmentsAreCancelled(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let order = try await releasedSplitOrder(store)
            let shipments = try await store.shipments.shipments(orderID: order.id)
            _ = try await store.orders.transition(orderID: order.id, .hold, reason: "客户要求暂缓", by: clerk)
            // On hold: its shipments wait; a pick is refused with the order's status named, and nothing is written.
            await #expect(throws: DocketError.illegalTransition(number: order.number, from: .onHold, action: .startPicking)) {
                _ = try await store.shipments.confirmPick(shipments[0].id, picked: pickAll(shipments[0]), by: clerk)
            }
            #expect(try await store.shipments.shipment(id: shipments[0].id).status == .toPick)
            _ = try await store.orders.transition(orderID: order.id, .resume, reason: nil, by: clerk)
            _ = try await store.shipments.confirmPick(shipments[0].id, picked: pickAll(shipments[0]), by: clerk)
            // Cancelled: what it held goes back, and its shipments (picked or not) are cancelled, each with its event.
            _ = try await store.orders.transition(orderID: order.id, .cancel, reason: "客户取消", by: clerk)
            #expect(try await store.shipments.shipments(orderID: order.id).allSatisfy { $0.status == .cancelled })
            let events = try await store.engine.read(
                Statement("SELECT COUNT(*) AS n FROM audit_events WHERE entity = 'shipment' AND action = 'cancel' AND actor = $1", [clerk.description]))
            #expect(try events[0].int("n") == 2)
            await #expect(throws: DocketError.conflict(.shipment, key: shipments[1].number, because: "shipmentStep")) {
                _ = try await store.shipments.confirmPick(shipments[1].id, picked: pickAll(shipments[1]), by: clerk)
            }
            try await checkStockInvariants(store)
        }
    }

    /// Two pickers confirm the two shipments of one order at the same moment, twice over (each pair racing on one
    /// shipment too): every shipment is picked once, and the order's status is what both shipments say.
    @Test(arguments: Engine.available)
    func picksRaceWithoutLosingTheOrdersStatus(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let order = try await releasedSplitOrder(store)
            let shipments = try await store.shipments.shipments(orderID: order.id)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for shipment in shipments + shipments {
                    group.addTask {
                        do {
                            _ = try await store.shipments.confirmPick(shipment.id, picked: self.pickAll(shipment), by: clerk)
                            return true
                        } catch DocketError.conflict(.shipment, _, "shipmentStep") {
                            return false
                        } catch {
                            Issue.record("unexpected \(error)")
                            return false
                        }
                    }
                }
                var results: [Bool] = []
                for await result in group { results.append(result) }
                return results
            }
            #expect(outcomes.filter { $0 }.count == 2, "each shipment picked exactly once")
            #expect(try await store.shipments.shipments(orderID: order.id).allSatisfy { $0.status == .picked })
            #expect(try await store.orders.order(id: order.id).status == .picking)
            let picks = try await store.engine.read(Statement("SELECT COUNT(*) AS n FROM stock_movements WHERE kind = 'pick'"))
            #expect(try picks[0].int("n") == 2)
            try await checkStockInvariants(store)
        }
    }
}
