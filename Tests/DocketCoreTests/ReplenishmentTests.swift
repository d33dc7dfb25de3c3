import DocketCore
import Testing

@Suite("Transfers, purchase orders and shortage decisions in Core")
struct ReplenishmentTests {
    @Test func aTransferMovesRequestedShippedReceivedAndOnlyCancelsBeforeItLeaves() {
        let expected: [Transfer.Status: [Transfer.Action: Transfer.Status]] = [
            .requested: [.ship: .inTransit, .cancel: .cancelled],
            .inTransit: [.receive: .received],
            .received: [:],
            .cancelled: [:],
        ]
        for status in Transfer.Status.allCases {
            for action in Transfer.Action.allCases {
                #expect(Transfer.next(status, action) == expected[status]?[action], "\(status) × \(action)")
            }
        }
    }

    @Test func aTransferTakesTheEarliestExpiryThenTheEarliestReceiptAndNeverAQuarantinedLot() throws {
        func lot(_ id: Int64, expiry: Int?, received: Int64, available: Int64, quarantined: Bool = false) -> LotSupply {
            LotSupply(
                lotID: ID(id), sku: "P", warehouse: "BJ", location: "A", lot: "L\(id)", expiry: expiry.map { CalendarDate(daysSince1970: $0) },
                receivedAt: Timestamp(millisecondsSince1970: received), available: available, quarantined: quarantined)
        }
        let lots = [
            lot(1, expiry: nil, received: 1, available: 10), lot(2, expiry: 20_500, received: 5, available: 3),
            lot(3, expiry: 20_400, received: 9, available: 2), lot(4, expiry: 20_300, received: 0, available: 50, quarantined: true),
        ]
        let picks = try #require(TransferRequest.pick(7, from: lots))
        #expect(picks.map(\.lotID.rawValue) == [3, 2, 1] && picks.map(\.quantity) == [2, 3, 2])
        #expect(TransferRequest.pick(16, from: lots) == nil, "15 free outside quarantine")
    }

    @Test func aTransferRequestNamesEachProblem() {
        #expect(throws: DocketError.invalid([
            FieldProblem("sku", "required"), FieldProblem("fromWarehouse", "required"), FieldProblem("toWarehouse", "required"),
            FieldProblem("quantity", "outOfRange", ["min": "1", "max": "10000000"]),
        ])) { try TransferRequest(sku: "", fromWarehouse: "", toWarehouse: "", quantity: 0).validate() }
    }

    @Test func theSuggestedQuantityCoversWaitingOrdersAndTheUsualDemandUntilTheNextOrder() {
        // 60 in 30 days: 2 a day × (10 + 14) days + 5 waiting − 8 free − 10 on order.
        #expect(Replenishment.suggestedQuantity(demand: 60, leadTimeDays: 10, available: 8, onOrder: 10, waiting: 5) == 35)
        // Never less than what waiting orders lack, even with no history.
        #expect(Replenishment.suggestedQuantity(demand: 0, leadTimeDays: 3, available: 0, onOrder: 0, waiting: 4) == 4)
        // Enough on order already.
        #expect(Replenishment.suggestedQuantity(demand: 0, leadTimeDays: 3, available: 0, onOrder: 9, waiting: 4) == 0)
        // Bounded however large the history.
        #expect(Replenishment.suggestedQuantity(demand: .max, leadTimeDays: .max, available: 0, onOrder: 0, waiting: .max) == Bounds.quantity)
    }

    @Test func aDeliveryIsCheckedAgainstWhatIsOutstanding() throws {
        let order = PurchaseOrder(
            id: 1, number: "PO-20261123-0001", supplierCode: "S001", supplierName: nil, warehouseCode: "SH", status: .ordered, eta: nil,
            orderID: nil, lineID: nil, note: nil, createdBy: "user:a", createdAt: Timestamp(millisecondsSince1970: 0), version: 1,
            lines: [
                PurchaseOrder.Line(id: 10, sku: "A", productName: "a", quantity: 5, received: 2),
                PurchaseOrder.Line(id: 11, sku: "B", productName: "b", quantity: 4, received: 0),
            ])
        let part = try order.receiving([(sku: "A", quantity: 3)])
        #expect(part.received == [10: 5, 11: 0] && part.status == .partiallyReceived)
        let all = try order.receiving([(sku: "A", quantity: 3), (sku: "B", quantity: 4)])
        #expect(all.status == .received)
        #expect(throws: DocketError.invalid([FieldProblem("lines[0].quantity", "overReceipt", ["max": "3"]), FieldProblem("lines[1].sku", "notOnPurchaseOrder", ["value": "C"])])) {
            try order.receiving([(sku: "A", quantity: 4), (sku: "C", quantity: 1)])
        }
        var closed = order
        closed.status = .cancelled
        #expect(throws: DocketError.invalid([FieldProblem("lines", "purchaseOrderClosed", ["status": "cancelled"])])) {
            try closed.receiving([(sku: "A", quantity: 1)])
        }
    }

    @Test func aSubstituteTakesTheShortQuantityAtTheAgreedPrice() throws {
        let lines = [
            OrderIntake.PricedLine(
                id: 7, sku: "A", description: "a", quantity: 5, unitPrice: Money(minor: 1_000), listPrice: nil, amount: Money(minor: 5_000), priceOverride: false),
            OrderIntake.PricedLine(
                id: 8, sku: "B", description: "b", quantity: 1, unitPrice: Money(minor: 500), listPrice: nil, amount: Money(minor: 500), priceOverride: false),
        ]
        let edit = try #require(Shortage.edit(ShortageOption(.substitute, sku: "A2", quantity: 2, needsConsent: true), lineID: 7, short: 2, lines: lines))
        #expect(edit.lines?.map(\.sku) == ["A", "B", "A2"])
        #expect(edit.lines?.map(\.quantity) == [3, 1, 2])
        #expect(edit.lines?.last?.unitPrice == Money(minor: 1_000) && edit.lines?.first?.lineID == 7)
        #expect(Shortage.edit(ShortageOption(.substitute, quantity: 2), lineID: 7, short: 2, lines: lines) == nil, "a substitute names its product")
    }

    @Test func transfersAreOfferedOnlyTowardTheWarehouseThatShipsTheOrder() {
        let facts = Shortage.Facts(
            sku: "A", short: 3, allocated: 2, elsewhere: [("BJ", 5, 1_000), ("SH", 9, 0)], supplier: nil, substitutes: [], shipFrom: "SH")
        let transfers = Shortage.options(facts, today: CalendarDate(daysSince1970: 20_000)).filter { $0.kind == .transfer }
        #expect(transfers.map(\.warehouse) == ["BJ"] && transfers.map(\.toWarehouse) == ["SH"])
        let nothingShips = Shortage.Facts(sku: "A", short: 3, allocated: 0, elsewhere: [("BJ", 5, 1_000)], supplier: ("S", 7), substitutes: [])
        let options = Shortage.options(nothingShips, today: CalendarDate(daysSince1970: 20_000))
        #expect(!options.contains { $0.kind == .transfer } && options.contains { $0.kind == .purchase })
    }

    @Test func aLaterDateIsOfferedOnlyWhenTheGoodsWouldComeAfterThePromisedOne() {
        let today = CalendarDate(daysSince1970: 20_000)
        func delays(promised: CalendarDate?) -> [CalendarDate?] {
            let facts = Shortage.Facts(sku: "A", short: 1, allocated: 0, elsewhere: [], supplier: ("S", 10), substitutes: [], promised: promised)
            return Shortage.options(facts, today: today).filter { $0.kind == .delay }.map(\.eta)
        }
        #expect(delays(promised: today.adding(days: 30)).isEmpty, "the purchase arrives in 10 days, before the promised date")
        #expect(delays(promised: today.adding(days: 5)) == [today.adding(days: 10)])
        #expect(delays(promised: nil) == [today.adding(days: 10)])
    }
}

@Suite("Production in Core")
struct ProductionTests {
    static let today = CalendarDate(daysSince1970: 20_000)

    func order(_ status: ProductionOrder.Status = .inProgress, produced: Int64 = 0) -> ProductionOrder {
        ProductionOrder(
            id: 1, number: "MO-20261123-0001", sku: "M", productName: "m", warehouseCode: "SH", quantity: 10, produced: produced, status: status,
            dueDate: Self.today.adding(days: 10), expectedDate: nil, atRisk: false, specification: nil, specConfirmation: nil, orderID: nil, lineID: nil,
            operations: [.init(name: "下料"), .init(name: "成型")], milestones: [.init(name: "样品", due: Self.today.adding(days: 3))], createdBy: "user:a",
            createdAt: Timestamp(millisecondsSince1970: 0), version: 1)
    }

    @Test func aProductionOrderStartsOnlyOnceItsSpecificationIsConfirmedAndIsNeverCancelledOnceStarted() {
        let expected: [ProductionOrder.Status: [ProductionOrder.Action: ProductionOrder.Status]] = [
            .awaitingSpec: [.confirmSpec: .planned, .cancel: .cancelled],
            .planned: [.start: .inProgress, .cancel: .cancelled],
            .inProgress: [.report: .inProgress],
            .completed: [:], .cancelled: [:],
        ]
        for status in ProductionOrder.Status.allCases {
            for action in ProductionOrder.Action.allCases {
                #expect(ProductionOrder.next(status, action) == expected[status]?[action], "\(status) × \(action)")
            }
        }
    }

    @Test func aReportMarksWhatItSaysAndRefusesWhatTheOrderDoesNotHave() throws {
        let now = Timestamp(millisecondsSince1970: 1_000)
        let progress = try Production.apply(ProgressReport(produced: 4, operation: "下料", milestone: "样品"), to: order(produced: 3), at: now)
        #expect(progress.produced == 7 && !progress.complete && progress.operations.map(\.done) == [true, false])
        #expect(progress.milestones.first?.reachedAt == now)
        #expect(try Production.apply(ProgressReport(produced: 7), to: order(produced: 3), at: now).complete)
        #expect(throws: DocketError.invalid([
            FieldProblem("produced", "overProduction", ["max": "7"]), FieldProblem("operation", "unknownOperation", ["value": "喷漆"]),
        ])) { try Production.apply(ProgressReport(produced: 8, operation: "喷漆"), to: order(produced: 3), at: now) }
        #expect(throws: DocketError.invalid([FieldProblem("produced", "emptyReport")])) { try Production.apply(ProgressReport(), to: order(), at: now) }
        #expect(throws: DocketError.invalid([FieldProblem("status", "productionNotStarted", ["status": "planned"])])) {
            try Production.apply(ProgressReport(produced: 1), to: order(.planned), at: now)
        }
    }

    @Test func aSlipIsAFinishAfterThePromisedDate() {
        let due = Self.today.adding(days: 10)
        #expect(Production.slip(expected: due.adding(days: 2), due: due, promised: due.adding(days: 5)) == nil, "still before the promise")
        #expect(Production.slip(expected: due.adding(days: 6), due: due, promised: due.adding(days: 5)) == due.adding(days: 6))
        #expect(Production.slip(expected: due.adding(days: 1), due: due, promised: nil) == due.adding(days: 1), "without an order: its own due date")
        #expect(Production.slip(expected: nil, due: due, promised: nil) == nil)
        let missed = order().milestones[0]
        #expect(Production.expectedAfterMissing(missed, order: order(), today: missed.due.adding(days: 4)) == due.adding(days: 4))
        #expect(order().missedMilestone(today: missed.due) == nil && order().missedMilestone(today: missed.due.adding(days: 1)) == missed)
        #expect(order().nextMilestoneCheck == missed.due.adding(days: 1))
    }
}

@Suite("Pre-empting soft reservations in Core")
struct PreemptionTests {
    static let t0 = Timestamp(millisecondsSince1970: 1_790_000_000_000)

    func priority(_ id: Int64, urgent: Bool = false, type: OrderType = .stock, minutes: Int64) -> DemandPriority {
        DemandPriority(urgent: urgent, type: type, receivedAt: Self.t0.adding(milliseconds: minutes * 60_000), orderID: ID(id))
    }

    @Test func onlyAnUrgentOrderTakesAndOnlyFromLessUrgentOnesLastInLineFirst() {
        let winner = priority(9, urgent: true, minutes: 30)
        let holds = [
            Preemption.Hold(priority: priority(1, minutes: 0), lotID: 100, quantity: 3),
            Preemption.Hold(priority: priority(2, minutes: 10), lotID: 100, quantity: 2),
            Preemption.Hold(priority: priority(2, minutes: 10), lotID: 200, quantity: 4),
            Preemption.Hold(priority: priority(3, type: .rush, minutes: 20), lotID: 100, quantity: 5),
        ]
        #expect(Preemption.losers(needed: [100: 2], holds: holds, winner: winner) == [2], "the last in line, and only as many as needed")
        #expect(Preemption.losers(needed: [100: 4], holds: holds, winner: winner) == [2, 1])
        #expect(Preemption.losers(needed: [100: 2, 200: 3], holds: holds, winner: winner) == [2], "one loser frees both lots")
        #expect(Preemption.losers(needed: [100: 2], holds: holds, winner: priority(8, minutes: 40)).isEmpty, "a STOCK order never takes")
        #expect(!Preemption.mayTake(holds[3], winner: winner), "RUSH holds are never taken")
        #expect(Preemption.losers(needed: [100: 20], holds: holds, winner: winner) == [2, 1], "never more than there is")
    }
}
