import DocketCore
import DocketTestSupport
import Foundation
import Testing

@testable import DocketStore

@Suite("Exception handling on both stores", .serialized)
struct ExceptionHandlingConformanceTests {
    let shipmentTests = ShipmentConformanceTests()

    /// Both shipments of a split order picked, packed and handed to carriers.
    func shippedSplitOrder(_ store: Store) async throws -> (order: StoredOrder, sh: StoredShipment, gz: StoredShipment) {
        let order = try await shipmentTests.releasedSplitOrder(store)
        try await dispatchCarriers(store)
        var sent: [StoredShipment] = []
        for (index, shipment) in try await store.shipments.shipments(orderID: order.id).enumerated() {
            var s = try await store.shipments.confirmPick(shipment.id, picked: shipmentTests.pickAll(shipment), by: clerk)
            s = try await store.shipments.pack(s.id, packages: nil, by: clerk)
            s = try await store.shipments.chooseCarrier(s.id, by: clerk)
            sent.append(try await store.shipments.ship(s.id, trackingNumber: "T\(index)00\(order.id)", by: clerk))
        }
        return (
            try await store.orders.order(id: order.id), try #require(sent.first { $0.warehouse == "SH" }), try #require(sent.first { $0.warehouse == "GZ" })
        )
    }

    func sendOn(_ store: Store, _ shipment: StoredShipment, tracking: String) async throws -> StoredShipment {
        var s = try await store.shipments.confirmPick(shipment.id, picked: shipmentTests.pickAll(shipment), by: clerk)
        s = try await store.shipments.pack(s.id, packages: nil, by: clerk)
        s = try await store.shipments.chooseCarrier(s.id, by: clerk)
        return try await store.shipments.ship(s.id, trackingNumber: tracking, by: clerk)
    }

    /// 丢件 → 异常 → 索赔 → 补发 → 签收: the carrier reports trouble, staff find the parcel lost, claim it from the
    /// carrier with a document, send the goods again — no stock at first, so the reship waits like a backorder and
    /// goes out as a new shipment when stock arrives — the new parcel is signed for, the carrier pays, and resolving
    /// the exception completes the order and tells the customer.
    @Test(arguments: Engine.available)
    func aLostParcelIsClaimedAndSentAgainUntilDelivered(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let (order, sh, gz) = try await shippedSplitOrder(store)
            #expect(order.status == .shipped)
            let carrier = try #require(sh.carrier?.taken.carrierCode)
            #expect(try await store.shipments.carrierEvent(carrier: carrier, trackingNumber: sh.trackingNumber!,
                TrackingEvent(key: "x1", kind: .exception, occurredAt: clock.now(), location: "上海转运中心", note: "包裹破损待查")) == .recorded)
            var x = try #require(try await store.exceptions.exceptions(orderID: order.id).first)
            #expect(x.source == .carrier && x.kind == .delay && x.shipmentID == sh.id && x.status == .open)

            // Staff find it lost: the kind, severity and owner change; the due time follows the severity.
            x = try await store.exceptions.assign(x.id, ExceptionAssignment(owner: "王客服", severity: .critical, kind: .lost), version: x.version, by: clerk)
            #expect(x.kind == .lost && x.severity == .critical && x.owner == "王客服")
            #expect(x.dueAt == x.openedAt.adding(milliseconds: 4 * 3_600_000))
            await #expect(throws: DocketError.versionConflict(.orderException, key: x.number, current: x.version)) {
                _ = try await store.exceptions.assign(x.id, ExceptionAssignment(owner: nil, severity: .low), version: x.version - 1, by: clerk)
            }
            _ = try await store.exceptions.recordContact(x.id, ContactRecord(channel: .phone, summary: "告知客户包裹丢失，将补发"), by: clerk)

            // A claim on the carrier, with a document; a paid claim needs what was recovered, at most the claim.
            let claim = try await store.exceptions.fileClaim(x.id, ClaimDraft(party: .carrier, amount: Money(minor: 26_700), reference: "SF-CL-1"), by: clerk)
            #expect(claim.number == "\(x.number)-C1" && claim.status == .filed)
            await #expect(throws: DocketError.self) {
                _ = try await store.exceptions.fileClaim(x.id, ClaimDraft(party: .carrier, amount: Money(minor: 0)), by: clerk)
            }
            let withDocument = try await store.exceptions.attach(
                ClaimDocument(fileName: "理赔单.pdf", contentType: "application/pdf", bytes: Array("%PDF-1.4".utf8)), toClaim: claim.id, by: clerk)
            #expect(withDocument.documents.map(\.fileName) == ["理赔单.pdf"])
            #expect(try await store.exceptions.document(withDocument.documents[0].id).document.bytes == Array("%PDF-1.4".utf8))
            let accepted = try await store.exceptions.decideClaim(claim.id, ClaimUpdate(status: .accepted), version: claim.version, by: clerk)
            await #expect(throws: DocketError.invalid("recovered", "moneyOutOfRange", ["max": "¥267.00"])) {
                _ = try await store.exceptions.decideClaim(claim.id, ClaimUpdate(status: .paid, recovered: Money(minor: 26_701)), version: nil, by: clerk)
            }

            // Resolving as reshipped before anything was sent again is refused.
            await #expect(throws: DocketError.invalid("resolution", "reshipFirst")) {
                _ = try await store.exceptions.resolve(x.id, resolution: .reshipped, note: "已补发", version: nil, by: clerk)
            }

            // The reship: the parcel is lost, the order owes its goods again, and there is no P001 left — it waits.
            try await checkStockInvariants(store)
            let outcome = try await store.exceptions.reship(x.id, by: clerk)
            #expect(outcome.shipments.isEmpty, "no free stock yet")
            #expect(try await store.shipments.shipment(id: sh.id).status == .lost)
            #expect(try await store.orders.order(id: order.id).status == .partiallyShipped)
            let owed = try await store.shipments.backorders(orderID: order.id)
            #expect(owed.lines.map(\.outstanding) == [3, 0])
            try await checkStockInvariants(store)
            // Sending the same goods again twice is refused: nothing is left to send.
            await #expect(throws: DocketError.invalid("lines", "nothingToReship")) { _ = try await store.exceptions.reship(x.id, by: clerk) }

            // Stock arrives: allocation serves the reship as a new shipment, numbered after the order's others.
            try await receive(store, "P001", "SH", 5)
            _ = try await store.timers.runDueTimers(owner: "test")
            let all = try await store.shipments.shipments(orderID: order.id)
            let again = try #require(all.first { $0.number == "\(order.number)-3" })
            #expect(again.status == .toPick && again.lines.map(\.line.quantity) == [3] && again.warehouse == "SH")
            try await checkStockInvariants(store)

            // The new parcel and the other one are signed for: the order is delivered, but the open exception keeps it
            // from completing.
            let sent = try await sendOn(store, again, tracking: "SF300")
            _ = try await store.shipments.carrierEvent(carrier: sent.carrier!.taken.carrierCode, trackingNumber: "SF300",
                TrackingEvent(key: "d3", kind: .delivered, occurredAt: clock.now(), signer: "李四"))
            _ = try await store.shipments.carrierEvent(carrier: gz.carrier!.taken.carrierCode, trackingNumber: gz.trackingNumber!,
                TrackingEvent(key: "d2", kind: .delivered, occurredAt: clock.now(), signer: "王经理"))
            #expect(try await store.orders.order(id: order.id).status == .delivered)

            // The carrier pays; the exception is resolved; the order completes; the customer hears with the new shipment.
            let paid = try await store.exceptions.decideClaim(claim.id, ClaimUpdate(status: .paid, recovered: Money(minor: 20_000)), version: accepted.version, by: clerk)
            #expect(paid.status == .paid && paid.recovered == Money(minor: 20_000))
            await #expect(throws: DocketError.invalid("note", "required")) {
                _ = try await store.exceptions.resolve(x.id, resolution: .reshipped, note: " ", version: nil, by: clerk)
            }
            x = try await store.exceptions.exception(id: x.id)
            let resolved = try await store.exceptions.resolve(x.id, resolution: .reshipped, note: "已补发并签收", version: x.version, by: clerk)
            #expect(resolved.status == .resolved && resolved.resolution == .reshipped && resolved.resolvedBy == clerk.description)
            #expect(try await store.orders.order(id: order.id).status == .completed)
            await #expect(throws: DocketError.conflict(.orderException, key: x.number, because: "exceptionResolved")) {
                _ = try await store.exceptions.resolve(x.id, resolution: .explained, note: "再次", version: nil, by: clerk)
            }
            let told = try await store.engine.read(Statement("SELECT payload FROM outbox WHERE topic = 'order.exceptionResolved'"))
            #expect(told.count == 1)
            let payload = try told[0].text("payload")
            #expect(payload.contains("\"exception\":\"\(x.number)\"") && payload.contains("\"resolution\":\"reshipped\"") && payload.contains(again.number))
            let file = try await store.exceptions.file(id: x.id)
            #expect(file.contacts.count == 1 && file.claims.count == 1 && file.reshipments.map(\.quantity) == [3])
            #expect(Set(file.history.map(\.action)).isSuperset(of: ["opened", "assigned", "contacted", "claim_filed", "claim_paid", "reshipped", "resolved"]))
            let timeline = try await store.orders.orderTimeline(orderID: order.id).map(\.action)
            #expect(timeline.contains("reship") && timeline.suffix(2) == ["exception_resolved", "complete"])
            try await checkStockInvariants(store)
        }
    }

    /// Damaged goods already signed for go again in part; a refund is bounded by the order's total; two people
    /// resolving at once: one wins, the other hears it was resolved.
    @Test(arguments: Engine.available)
    func damagedGoodsArePartlySentAgainAndMoneyIsBounded(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let (order, sh, gz) = try await shippedSplitOrder(store)
            try await receive(store, "P001", "GZ", 10)
            // Raised by staff on the order page, the customer told.
            let x = try await store.exceptions.raise(
                ExceptionDraft(kind: .damaged, description: "两件外箱压损", shipmentID: sh.id, notifyCustomer: true), orderID: order.id, by: clerk)
            #expect(x.source == .staff && x.severity == .high && x.number == "\(order.number)-E1")
            let opened = try await store.engine.read(Statement("SELECT payload FROM outbox WHERE topic = 'order.exceptionOpened'"))
            #expect(try opened.count == 1 && opened[0].text("payload").contains("\"exception\":\"\(x.number)\""))
            await #expect(throws: DocketError.invalid("shipmentId", "notOnOrder")) {
                let other = try await store.orders.submitOrder(completeDraft(), idempotencyKey: nil, by: clerk).order
                _ = try await store.exceptions.raise(ExceptionDraft(kind: .damaged, description: "x", shipmentID: sh.id), orderID: other.id, by: clerk)
            }
            // Signed for first; then two of three units go again, from Guangzhou's free stock.
            _ = try await store.shipments.carrierEvent(carrier: sh.carrier!.taken.carrierCode, trackingNumber: sh.trackingNumber!,
                TrackingEvent(key: "d1", kind: .delivered, occurredAt: store.clock.now(), signer: "李四"))
            let line = sh.lines[0].line.lineID
            await #expect(throws: DocketError.self) { _ = try await store.exceptions.reship(x.id, lines: [line: 4], by: clerk) }
            let outcome = try await store.exceptions.reship(x.id, lines: [line: 2], by: clerk)
            #expect(outcome.shipments.map { $0.lines.map(\.line.quantity) } == [[2]])
            #expect(try await store.shipments.shipment(id: sh.id).status == .delivered, "signed-for goods stay delivered")
            // What may still go again, as the page offers it: what the shipment carried less what was sent again.
            let file = try await store.exceptions.file(id: x.id)
            #expect(file.replaced[sh.id] == [line: 2])
            #expect(Reship.left(carried: sh.carried, replacedBefore: file.replaced[sh.id] ?? [:]) == [line: 1])
            try await checkStockInvariants(store)

            // Money: at most the order's total, all refunds and credits together.
            let total = order.total
            await #expect(throws: DocketError.self) {
                _ = try await store.exceptions.recordSettlement(x.id, SettlementDraft(kind: .refund, amount: Money(minor: total.minor + 1)), by: clerk)
            }
            _ = try await store.exceptions.recordSettlement(x.id, SettlementDraft(kind: .credit, amount: Money(minor: total.minor - 100)), by: clerk)
            await #expect(throws: DocketError.invalid("amount", "moneyOutOfRange", ["max": "¥1.00"])) {
                _ = try await store.exceptions.recordSettlement(x.id, SettlementDraft(kind: .refund, amount: Money(minor: 101)), by: clerk)
            }
            #expect(try await store.exceptions.openSettlements().map(\.amount.minor) == [total.minor - 100])

            // Two resolutions at once: exactly one wins.
            let current = try await store.exceptions.exception(id: x.id)
            let results = await withTaskGroup(of: Result<OrderException, any Error>.self) { group in
                for resolution in [ExceptionResolution.reshipped, .credited] {
                    group.addTask {
                        do { return .success(try await store.exceptions.resolve(x.id, resolution: resolution, note: "处理完毕", version: current.version, by: clerk)) } catch {
                            return .failure(error)
                        }
                    }
                }
                var all: [Result<OrderException, any Error>] = []
                for await result in group { all.append(result) }
                return all
            }
            #expect(results.filter { if case .success = $0 { true } else { false } }.count == 1)
            for case .failure(let error) in results {
                #expect(error as? DocketError == .conflict(.orderException, key: x.number, because: "exceptionResolved")
                    || error as? DocketError == .versionConflict(.orderException, key: x.number, current: current.version + 1))
            }
            #expect(try await store.engine.read(Statement("SELECT COUNT(*) AS n FROM outbox WHERE topic = 'order.exceptionResolved'"))[0].int("n") == 1)
            _ = gz
        }
    }

    /// The system watches: a shipment silent past the hours and an order past its promised date each raise one
    /// delay, however many watchers run at once; they do not keep the order from completing, and its delivery
    /// closes them.
    @Test(arguments: Engine.available)
    func theWatchRaisesSilentShipmentsAndLateOrdersOnce(_ engine: Engine) async throws {
        let clock = ManualClock()
        try await withTestStore(engine, clock: clock) { store in
            let (order, sh, gz) = try await shippedSplitOrder(store)
            #expect(try await store.exceptions.watch() == 0)
            clock.advance(milliseconds: 49 * 3_600_000)
            let raised = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { (try? await store.exceptions.watch()) ?? 0 } }
                return await group.reduce(0, +)
            }
            #expect(raised == 2, "one per silent shipment")
            var open = try await store.exceptions.exceptions(orderID: order.id)
            #expect(open.count == 2 && open.allSatisfy { $0.source == .system && $0.kind == .delay && $0.shipmentID != nil })
            #expect(open[0].describe(.zhCN).contains("小时没有物流更新") && open[0].describe(.en).contains("No tracking update"))
            // Past the promised date: one more, on the order.
            let promised = try #require(try await store.orders.order(id: order.id).promisedDate)
            clock.advance(days: promised.daysSince1970 - clock.now().date(utcOffsetHours: 8).daysSince1970 + 1)
            #expect(try await store.exceptions.watch() == 1)
            #expect(try await store.exceptions.watch() == 0)
            open = try await store.exceptions.exceptions(orderID: order.id)
            #expect(open.count == 3 && open.filter { $0.shipmentID == nil }.count == 1)
            // Both delivered: the order completes, and the system's delays close with it.
            for s in [sh, gz] {
                _ = try await store.shipments.carrierEvent(carrier: s.carrier!.taken.carrierCode, trackingNumber: s.trackingNumber!,
                    TrackingEvent(key: "d\(s.id)", kind: .delivered, occurredAt: clock.now(), signer: "李四"))
            }
            #expect(try await store.orders.order(id: order.id).status == .completed)
            open = try await store.exceptions.exceptions(orderID: order.id)
            #expect(open.allSatisfy { $0.status == .resolved && $0.resolution == .delivered })
            #expect(try await store.exceptions.open().isEmpty)

            // Archived later, the customer reports a problem from the tracking link: it is worked and resolved, and the
            // archived order stays as it is.
            clock.advance(days: store.policy.archiveAfterDays + 1)
            _ = try await store.timers.runDueTimers(owner: "test")
            #expect(try await store.orders.order(id: order.id).status == .archived)
            let late = try await store.exceptions.report(ProblemReport(kind: .quality, description: "杯口有裂纹"), orderID: order.id)
            await #expect(throws: DocketError.illegalTransition(number: order.number, from: .archived, action: .reship)) {
                _ = try await store.exceptions.reship(late.id, shipment: sh.id, by: clerk)
            }
            _ = try await store.exceptions.recordSettlement(late.id, SettlementDraft(kind: .credit, amount: Money(minor: 500)), by: clerk)
            let settled = try await store.exceptions.resolve(late.id, resolution: .credited, note: "下次结算抵扣 ¥5", version: nil, by: clerk)
            #expect(settled.status == .resolved)
            #expect(try await store.orders.order(id: order.id).status == .archived)
        }
    }
}
