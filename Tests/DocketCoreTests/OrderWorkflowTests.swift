import Testing

@testable import DocketCore

/// The order workflow, enumerated: every status × every action (and every status an order can be held from),
/// with the effects each allowed transition has. The effects are spelled out here independently of the code.
@Suite("Order workflow: transitions × effects")
struct OrderWorkflowTests {
    static let hour: Int64 = 3_600_000
    let received = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    var now: Timestamp { received.adding(milliseconds: 2 * Self.hour) }
    let policy = OrderPolicy.standard

    /// Every position an order can be in: each status, and on hold from each holdable status.
    static let states: [OrderState] =
        OrderStatus.allCases.filter { $0 != .onHold }.map { OrderState(status: $0) }
        + OrderLifecycle.holdable.map { OrderState(status: .onHold, heldFrom: $0) }

    /// Asking the customer to confirm, as DOMAIN §3 has it: the request with its deadline 24 h from receipt, the
    /// deadline and the reminder 4 h before it, and the message.
    var request: [OrderEffect] {
        let deadline = received.adding(milliseconds: 24 * Self.hour)
        return [
            .openConfirmation(deadline: deadline), .startTimer(.confirmationDeadline, due: deadline),
            .startTimer(.confirmationReminder, due: deadline.adding(milliseconds: -4 * Self.hour)), .notify(.confirmationRequested),
        ]
    }

    static let confirmationTimers: [TimerKind] = [.confirmationReminder, .confirmationDeadline]

    /// DOMAIN §5: stock is held (soft) from the passed inventory review until the customer confirms, then firm until
    /// the goods are packed; an order on hold keeps what it held. 0 none, 1 soft, 2 firm.
    static func hold(_ state: OrderState) -> Int {
        let status = state.status == .onHold ? state.heldFrom! : state.status
        if [.confirmed, .allocated, .inProduction, .picking, .packed, .partiallyShipped].contains(status) { return 2 }
        if [.reviewFinal, .awaitingConfirmation].contains(status) { return 1 }
        return 0
    }

    /// Starting to hold plans and reserves (soft with its 48 h expiry, or firm); confirming makes it firm; stopping
    /// before shipping gives it all back.
    func stockEffects(_ state: OrderState, _ next: OrderState) -> [OrderEffect] {
        switch (Self.hold(state), Self.hold(next)) {
        case (0, 1):
            return [.cancelTimers([.reservationExpiry]), .allocate(firm: false), .startTimer(.reservationExpiry, due: now.adding(milliseconds: 48 * Self.hour))]
        case (0, 2), (1, 2):
            return [.allocate(firm: true), .cancelTimers([.reservationExpiry])]
        case (1, 0), (2, 0):
            return [.shipped, .delivered, .completed, .archived].contains(next.status) ? [] : [.releaseStock, .cancelTimers([.reservationExpiry])]
        default:
            return []
        }
    }

    func expectedEffects(_ state: OrderState, _ action: OrderAction, to next: OrderState) -> [OrderEffect] {
        let confirmation: [OrderEffect]
        switch (state.status, next.status) {
        case (.awaitingConfirmation, _) where action == .confirm:
            // RUSH: the service window of 7 days starts with the confirmation (003).
            confirmation = [
                .closeConfirmation(.closed), .cancelTimers(Self.confirmationTimers), .notify(.confirmed),
                .startServiceWindow(due: now.adding(milliseconds: 7 * 24 * Self.hour)),
            ]
        case (.awaitingConfirmation, _):
            confirmation = [.closeConfirmation(.closed), .cancelTimers(Self.confirmationTimers)]
        case (_, .awaitingConfirmation):
            confirmation = [.closeConfirmation(.superseded), .cancelTimers(Self.confirmationTimers)] + request
        default:
            confirmation = []
        }
        return confirmation + stockEffects(state, next)
    }

    @Test(arguments: states)
    func everyActionFromEveryState(_ state: OrderState) throws {
        for action in OrderAction.allCases {
            let allowed = try? OrderLifecycle.apply(action, to: state)
            do {
                let decision = try OrderWorkflow.decide(action, on: state, type: .rush, reason: "客户来电", receivedAt: received, now: now, policy: policy)
                #expect(allowed != nil, "\(state.status) \(action) is not in the table")
                #expect(decision.next == allowed)
                #expect(decision.reason == "客户来电")
                #expect(decision.effects == expectedEffects(state, action, to: decision.next), "\(state.status) \(action)")
            } catch is IllegalTransition {
                #expect(allowed == nil, "\(state.status) \(action) is in the table")
            }
        }
    }

    /// Exactly these transitions have effects; every other one only changes the status.
    @Test func theTransitionsWithEffects() throws {
        var withEffects: [String] = []
        for state in Self.states {
            for action in OrderAction.allCases {
                guard let decision = try? OrderWorkflow.decide(action, on: state, type: .rush, reason: "r", receivedAt: received, now: now, policy: policy),
                    !decision.effects.isEmpty
                else { continue }
                withEffects.append("\(state.status.rawValue)\(state.heldFrom.map { "(\($0.rawValue))" } ?? "") \(action.rawValue)")
            }
        }
        // The confirmation's transitions, and every transition that starts, firms up or ends holding stock.
        let confirmation: Set<String> = [
            "review_final pass", "awaiting_confirmation confirm", "awaiting_confirmation suspend", "awaiting_confirmation hold",
            "awaiting_confirmation cancel", "suspended resume", "on_hold(awaiting_confirmation) resume",
        ]
        var stock: Set<String> = []
        for state in Self.states {
            for action in OrderAction.allCases {
                guard let next = try? OrderLifecycle.apply(action, to: state), !stockEffects(state, next).isEmpty else { continue }
                stock.insert("\(state.status.rawValue)\(state.heldFrom.map { "(\($0.rawValue))" } ?? "") \(action.rawValue)")
            }
        }
        #expect(stock.contains("review_inventory pass") && stock.contains("confirmed cancel") && stock.contains("awaiting_confirmation confirm"))
        #expect(!stock.contains("packed ship"), "shipping uses the reservation, never releases it")
        #expect(Set(withEffects) == confirmation.union(stock))
    }

    @Test(arguments: Array(OrderWorkflow.reasonRequired))
    func actionsThatMustSayWhy(_ action: OrderAction) throws {
        let state = OrderState(status: action == .suspend ? .awaitingConfirmation : .reviewSales)
        for reason in [nil, "", "  \u{3000}"] as [String?] {
            #expect(throws: DocketError.invalid("reason", "reasonRequired")) {
                try OrderWorkflow.decide(action, on: state, type: .rush, reason: reason, receivedAt: received, now: now, policy: policy)
            }
        }
        #expect(throws: DocketError.self) {
            try OrderWorkflow.decide(action, on: state, type: .rush, reason: "a\u{0}b", receivedAt: received, now: now, policy: policy)
        }
    }

    @Test func aLateRequestGivesTheCustomerAFullPeriod() throws {
        let late = received.adding(milliseconds: 30 * Self.hour)
        let effects = try OrderWorkflow.resendConfirmation(on: .awaitingConfirmation, receivedAt: received, now: late, policy: policy)
        let deadline = late.adding(milliseconds: 24 * Self.hour)
        #expect(
            effects == [
                .closeConfirmation(.superseded), .cancelTimers(Self.confirmationTimers), .openConfirmation(deadline: deadline),
                .startTimer(.confirmationDeadline, due: deadline), .startTimer(.confirmationReminder, due: deadline.adding(milliseconds: -4 * Self.hour)),
                .notify(.confirmationRequested),
            ])
        #expect(throws: IllegalTransition(from: .confirmed, action: .confirm)) {
            try OrderWorkflow.resendConfirmation(on: .confirmed, receivedAt: received, now: late, policy: policy)
        }
    }

    @Test(arguments: states)
    func whatATimerDoes(_ state: OrderState) {
        let status = state.status
        for kind in TimerKind.allCases {
            let decision = OrderWorkflow.onTimer(kind, state: state, policy: policy)
            switch (status, kind) {
            case (.awaitingConfirmation, .confirmationReminder): #expect(decision == .remind([.notify(.confirmationReminder)]))
            case (.awaitingConfirmation, .confirmationDeadline):
                #expect(decision == .act(.suspend, reason: OrderWorkflow.deadlineReason, outcome: .suspended))
            case (_, .reservationExpiry) where Self.hold(state) == 1:
                #expect(decision == .release([.releaseStock]), "a soft reservation lapses (\(state))")
            case (_, .reallocate) where Self.hold(state) > 0 && !OrderWorkflow.released.contains(state.heldFrom ?? status):
                #expect(decision == .replan, "an order holding stock, not yet at the warehouses, is planned again (\(state))")
            case (.completed, .archive): #expect(decision == .act(.archive, reason: OrderWorkflow.archiveReason, outcome: .archived))
            default: #expect(decision == .skip, "\(state) \(kind)")
            }
        }
        let cancelling = OrderPolicy(onExpiry: .cancel)
        if status == .awaitingConfirmation {
            #expect(
                OrderWorkflow.onTimer(.confirmationDeadline, state: state, policy: cancelling)
                    == .act(.cancel, reason: OrderWorkflow.deadlineReason, outcome: .orderCancelled))
        }
    }

    @Test func whichOrdersAcceptChanges() {
        for status in OrderStatus.allCases {
            let accepts = (try? OrderWorkflow.checkChangeable(status)) != nil
            #expect(accepts == (status.isReview || status == .awaitingConfirmation || status == .confirmed), "\(status)")
        }
    }

    @Test func decidingAChangeRequest() throws {
        func check(approve: Bool = true, status: ChangeStatus = .pending, source: ChangeSource = .staff, base: Int64 = 2,
                   order: OrderStatus = .confirmed, reason: String? = nil) throws {
            try OrderWorkflow.checkChangeDecision(
                approve: approve, status: status, source: source, baseRevision: base, orderRevision: 2, orderStatus: order, reason: reason)
        }
        try check()
        try check(approve: false, source: .customer, base: 1, order: .shipped, reason: "客户撤回")
        #expect(throws: ChangeRefusal.alreadyDecided) { try check(status: .approved) }
        #expect(throws: ChangeRefusal.alreadyDecided) { try check(approve: false, status: .rejected, reason: "x") }
        #expect(throws: DocketError.invalid("reason", "reasonRequired")) { try check(approve: false) }
        #expect(throws: DocketError.invalid("edit", "customerRequestNeedsEdit")) { try check(source: .customer) }
        #expect(throws: ChangeRefusal.staleRevision) { try check(base: 1) }
        #expect(throws: ChangeRefusal.notChangeable) { try check(order: .picking) }

        #expect(throws: DocketError.invalid("reason", "reasonRequiredForFindings")) {
            try OrderWorkflow.approveChange(worst: .warning, reason: nil, orderStatus: .confirmed, receivedAt: received, now: now, policy: policy)
        }
        #expect(
            try OrderWorkflow.approveChange(worst: .info, reason: nil, orderStatus: .confirmed, receivedAt: received, now: now, policy: policy)
                == [.notify(.revised), .allocate(firm: true)])
        #expect(
            try OrderWorkflow.approveChange(worst: .info, reason: nil, orderStatus: .reviewSales, receivedAt: received, now: now, policy: policy)
                == [.notify(.revised)], "nothing held yet, nothing to plan")
        #expect(
            try OrderWorkflow.approveChange(
                worst: .warning, reason: "已和客户确认", orderStatus: .awaitingConfirmation, receivedAt: received, now: now, policy: policy)
                == [.notify(.revised), .closeConfirmation(.superseded), .cancelTimers(Self.confirmationTimers)] + request + [.allocate(firm: false)])
    }

    @Test func intakeTellsTheCustomer() {
        #expect(OrderWorkflow.intake(.accept) == [.notify(.acknowledged)])
        #expect(OrderWorkflow.intake(.requestInfo) == [.notify(.needsInfo)])
    }
}

@Suite("Order line identity")
struct OrderLineIdentityTests {
    func line(_ id: ID<OrderLine>?, _ sku: String, _ quantity: Int64 = 1) -> OrderIntake.PricedLine {
        OrderIntake.PricedLine(
            id: id, sku: sku, description: sku, quantity: quantity, unitPrice: Money(minor: 100), listPrice: Money(minor: 100),
            amount: Money(minor: 100 * quantity), priceOverride: false)
    }

    @Test func byIdThenBySKUThenNew() {
        let kept = [line(1, "A"), line(2, "B"), line(3, "A")]
        let match = OrderLineIdentity.match([line(nil, "A", 5), line(3, "C"), line(nil, "A"), line(nil, "D")], to: kept)
        #expect(match.lines.map(\.id) == [1, 3, nil, nil], "line 3 is named; the second A has no kept A left")
        #expect(match.removed == [2])
        #expect(match.problems.isEmpty)
    }

    @Test func unknownAndRepeatedIdsAreProblems() {
        let match = OrderLineIdentity.match([line(7, "A"), line(1, "A"), line(1, "B")], to: [line(1, "A")])
        #expect(
            match.problems == [
                FieldProblem("lines[0].id", "unknownLine", ["value": "7"]), FieldProblem("lines[2].id", "duplicateLine", ["value": "1"]),
            ])
    }
}
