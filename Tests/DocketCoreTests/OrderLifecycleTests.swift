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
            let beforeShipment = ![.shipped, .delivered, .completed, .archived, .cancelled].contains(status)
            #expect(canCancel == beforeShipment, "\(status)")
        }
    }
}
