import DocketCore
import Testing

@Suite struct OrderLifecycleTests {
    /// Every (status, action) pair: allowed exactly when the table says so, and then landing where it says.
    @Test(arguments: OrderStatus.allCases)
    func everyTransitionIsAllowedOrRefusedByTheTable(_ status: OrderStatus) throws {
        let rows = OrderLifecycle.transitions.filter { $0.from == status }
        for action in OrderAction.allCases {
            let row = rows.first { $0.action == action }
            let state = OrderState(status: status, heldFrom: status == .onHold ? .reviewFinance : nil)
            switch row?.target {
            case nil:
                #expect(throws: IllegalTransition(from: status, action: action)) {
                    try OrderLifecycle.apply(action, to: state)
                }
            case .to(let target)?:
                let next = try OrderLifecycle.apply(action, to: state)
                #expect(next.status == target)
                #expect(next.heldFrom == (target == .onHold ? status : nil))
            case .heldFrom?:
                #expect(try OrderLifecycle.apply(action, to: state) == OrderState(status: .reviewFinance))
            }
        }
    }

    @Test func theHappyPathRunsThroughEveryReviewStage() throws {
        var state = OrderState(status: .received)
        for action: OrderAction in [.accept, .pass, .pass, .pass, .pass, .confirm, .allocate, .startPicking, .pack, .ship, .deliver, .complete, .archive] {
            state = try OrderLifecycle.apply(action, to: state)
        }
        #expect(state.status == .archived)
        #expect(OrderLifecycle.actions(from: .archived).isEmpty)
        #expect(OrderLifecycle.actions(from: .cancelled).isEmpty)
    }

    @Test func holdResumesWhereTheOrderStood() throws {
        let held = try OrderLifecycle.apply(.hold, to: OrderState(status: .awaitingConfirmation))
        #expect(held == OrderState(status: .onHold, heldFrom: .awaitingConfirmation))
        #expect(try OrderLifecycle.apply(.resume, to: held) == OrderState(status: .awaitingConfirmation))
        // a hold cannot be stacked, and a held order without a record of where it was cannot resume
        #expect(throws: IllegalTransition.self) { try OrderLifecycle.apply(.hold, to: held) }
        #expect(throws: IllegalTransition.self) { try OrderLifecycle.apply(.resume, to: OrderState(status: .onHold)) }
    }

    @Test func cancelIsPossibleUntilShipment() {
        for status in OrderStatus.allCases {
            let canCancel = (try? OrderLifecycle.apply(.cancel, to: OrderState(status: status, heldFrom: .confirmed))) != nil
            let beforeShipment = ![.partiallyShipped, .shipped, .delivered, .completed, .archived, .cancelled].contains(status)
            #expect(canCancel == beforeShipment, "\(status)")
        }
    }
}

@Suite struct OrderImportTests {
    @Test func csvHandlesQuotesBOMAndLineBreaks() {
        let rows = CSV.parse("\u{FEFF}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",2")
        #expect(rows == [["a", "b"], ["x, y", "say \"hi\""], ["multi\nline", "2"]])
    }

    @Test func linesGroupIntoOrdersAndBadLinesAreReported() {
        let csv = """
            customer_code,external_ref,channel,contact_name,contact_phone,sku,quantity,unit_price,requested_date,notes
            C001,FAX-1,fax,王芳,13812345678,P001,3,,,
            C001,FAX-1,fax,王芳,13812345678,P002,1,79.00,,
            C002,,phone,,,P001,two,,,
            C003,EM-9,email,,,P002,5,,2027-02-30,
            C004,,phone,,,P001,1,,,"请送到 3 号门, 谢谢"
            """
        let parsed = OrderImport.parse(csv)
        #expect(parsed.orders.count == 2)
        #expect(parsed.orders[0].lines == [2, 3])
        #expect(parsed.orders[0].draft.lines.map(\.sku) == ["P001", "P002"])
        #expect(parsed.orders[0].draft.channel == .fax)
        #expect(parsed.orders[1].draft.notes == "请送到 3 号门, 谢谢")
        #expect(parsed.problems.map(\.line) == [4, 5])
        #expect(parsed.problems.map(\.problem.field) == ["quantity", "requested_date"])
        #expect(OrderImport.parse("sku\nP1").problems.map(\.problem.field) == ["customer_code", "quantity"])
    }
}
