/// The order workflow: for an action on an order, Core decides the next state and the effects that go with it
/// (DOMAIN §1–3); the store applies both in one transaction. Nothing here reads or writes: it is the one place
/// the rules around the transition table live — which actions need a reason, what entering and leaving
/// `awaiting_confirmation` does, what a review pass needs, which statuses accept changes, what a timer does.

/// Where orders stand, grouped as the order desk talks about them (the list's "stage" filter).
public enum OrderStage: String, Sendable, CaseIterable {
    case intake, review, confirmation, fulfilment, onHold = "on_hold", closed

    public var statuses: [OrderStatus] {
        switch self {
        case .intake: [.received, .needsInfo]
        case .review: OrderStatus.reviewStages
        case .confirmation: [.awaitingConfirmation, .suspended]
        case .fulfilment: [.confirmed, .allocated, .inProduction, .picking, .packed, .partiallyShipped, .shipped, .delivered]
        case .onHold: [.onHold]
        case .closed: [.completed, .cancelled, .archived]
        }
    }
}

/// How a reviewer (or a rule) decided a stage.
public enum ReviewDecision: String, Sendable, Codable, CaseIterable {
    case pass, reject, hold

    public var action: OrderAction {
        switch self {
        case .pass: .pass
        case .reject: .reject
        case .hold: .hold
        }
    }
}

/// Who decided a review stage: a person, or an active review rule (审核规则) that let a routine order through.
public enum ReviewDecider: Sendable, Hashable {
    case person
    case rule(code: String)
}

/// 订单变更 requests: waiting for a decision, then approved (a new revision) or rejected.
public enum ChangeStatus: String, Sendable, Codable, CaseIterable { case pending, approved, rejected }

/// Who asked for a change: staff (with the edit to apply), or the customer in words on the confirmation page
/// (staff then enter the edit).
public enum ChangeSource: String, Sendable, Codable, CaseIterable { case staff, customer }

/// How staff heard the customer confirm.
public enum ConfirmationChannel: String, Sendable, Codable, CaseIterable {
    case phone, email, fax, wechat
}

/// How an order was confirmed: through the customer's link, or recorded by staff from another channel.
public enum ConfirmedVia: Sendable, Hashable {
    case link
    case staff(ConfirmationChannel)

    /// Kept in the audit log and the outbox message.
    public var code: String {
        switch self {
        case .link: "link"
        case .staff(let channel): channel.rawValue
        }
    }
}

/// Why a confirmation request (and its link) closed.
public enum ConfirmationOutcome: String, Sendable, Codable, CaseIterable {
    /// The customer confirmed through this link.
    case confirmed
    /// A newer link (resend, copy a new link, a revised order) replaced it.
    case superseded
    /// The order left `awaiting_confirmation` (confirmed by staff, suspended, held, cancelled).
    case closed
    /// The customer asked for a change instead of confirming.
    case changeRequested = "change_requested"
}

/// What a durable timer does when it is due.
public enum TimerKind: String, Sendable, Codable, CaseIterable {
    /// Remind the customer that the order waits for their confirmation.
    case confirmationReminder = "confirmation_reminder"
    /// The confirmation deadline passed: suspend or cancel (`OrderPolicy.onExpiry`).
    case confirmationDeadline = "confirmation_deadline"
    /// An unconfirmed order's soft reservation lapses (`AllocationPolicy.softReservationHours`).
    case reservationExpiry = "reservation_expiry"
    /// Stock of a product came in or was given back: orders waiting for it are served, most urgent first
    /// (`DemandPriority`). Its subject is the product.
    case serveWaiting = "serve_waiting"
    /// Plan an order again (a lot it held was quarantined).
    case reallocate
    /// A production order's milestone is due: missed, it moves the finish and may threaten the promised date. Its
    /// subject is the production order.
    case milestoneCheck = "milestone_check"
    /// A completed order's archiving is due (`OrderPolicy.archiveAfterDays`).
    case archive
    /// The order's service window ends (`ServiceLevel`): what is not delivered by now is late and penalised.
    case serviceLevel = "service_level"

    /// The timers of a confirmation request.
    public static let confirmation: [TimerKind] = [.confirmationReminder, .confirmationDeadline]
}

/// What became of a timer.
public enum TimerOutcome: String, Sendable, Codable, CaseIterable {
    /// The reminder went out.
    case reminded
    /// The deadline passed and the order was suspended.
    case suspended = "suspend"
    /// The deadline passed and the order was cancelled.
    case orderCancelled = "cancel"
    /// The soft reservation lapsed and its stock was released.
    case released
    /// Orders waiting for the product were planned again.
    case served
    /// The order was planned again.
    case replanned
    /// Due, but the order had moved on: nothing to do.
    case skipped
    /// The completed order was archived.
    case archived
    /// Cancelled before it was due (the order left the state that needed it).
    case cancelled
    /// The service window ended with everything delivered.
    case met
    /// The service window ended with lines not delivered: a penalty was recorded.
    case penalized
    /// Another worker took the timer over (this worker's lease ran out): this worker changed nothing.
    case leaseLost
    /// Running it failed; it is retried when its lease runs out.
    case failed
}

/// The messages the order workflow sends (delivered from the outbox by the relay).
public enum NotificationTopic: String, Sendable, Codable, CaseIterable {
    case acknowledged = "order.acknowledged"
    case needsInfo = "order.needsInfo"
    case confirmationRequested = "order.confirmationRequested"
    case confirmationReminder = "order.confirmationReminder"
    case confirmed = "order.confirmed"
    case changeRequested = "order.changeRequested"
    case revised = "order.revised"
    /// Production will finish after the promised date: the customer is told, and a new date is asked for.
    case delayed = "order.delayed"
    /// A shipment was handed to the carrier: its tracking number and the expected arrival.
    case shipped = "order.shipped"
    /// Every shipment of the order was signed for.
    case delivered = "order.delivered"
    /// An exception (异常) was opened: the customer hears it is being looked into, and by when.
    case exceptionOpened = "order.exceptionOpened"
    /// An exception was resolved: how (sent again, refunded, credited, explained).
    case exceptionResolved = "order.exceptionResolved"
}

/// Something a decision makes happen besides the state change, applied by the store in the same transaction.
public enum OrderEffect: Sendable, Hashable {
    /// Open a confirmation request with this deadline (its link is minted when the message is sent).
    case openConfirmation(deadline: Timestamp)
    /// Close the order's open confirmation requests and links.
    case closeConfirmation(ConfirmationOutcome)
    case startTimer(TimerKind, due: Timestamp)
    /// Cancel the order's timers of these kinds that have not run.
    case cancelTimers([TimerKind])
    /// Plan the order's allocation and reserve it, replacing what the order held (`Allocation.plan`): soft until
    /// the customer confirms, firm after.
    case allocate(firm: Bool)
    /// Give back everything the order has reserved.
    case releaseStock
    /// A message in the outbox.
    case notify(NotificationTopic)
    /// The service window starts (the customer confirmed): the order records when, and when the window ends, and
    /// a `serviceLevel` timer is left for that moment.
    case startServiceWindow(due: Timestamp)
}

/// A decided transition: where the order goes, and what happens with it.
public struct OrderDecision: Sendable, Hashable {
    public var action: OrderAction
    public var from: OrderState
    public var next: OrderState
    /// The reason as recorded (trimmed; nil when none was given).
    public var reason: String?
    public var effects: [OrderEffect]
}

/// What a due timer does.
public enum TimerDecision: Sendable, Hashable {
    /// The order moved on: mark the timer done as skipped.
    case skip
    /// Remind the customer.
    case remind([OrderEffect])
    /// Release the order's soft reservation (the order stays where it is).
    case release([OrderEffect])
    /// Plan the order again (what it holds counts as free for it).
    case replan
    /// Run the action on the order (with the reason recorded).
    case act(OrderAction, reason: String, outcome: TimerOutcome)
}

public enum OrderWorkflow {
    /// Actions that must say why (cancel, reject, hold, suspend).
    public static let reasonRequired: Set<OrderAction> = [.cancel, .reject, .hold, .suspend]

    /// Orders whose content may still change: in review, waiting for confirmation, or confirmed (before any stock
    /// is allocated; allocation brings its own release and re-reservation).
    public static let changeable: [OrderStatus] = OrderStatus.reviewStages + [.awaitingConfirmation, .confirmed]

    /// Statuses that count towards a customer's open balance: accepted and not yet settled (everything from the
    /// reviews to delivery; payments come with settlement). Every other status does not.
    public static let notOwing: [OrderStatus] = [.received, .needsInfo, .cancelled, .completed, .archived]

    /// Statuses an order can be late in (past its promised date): accepted, not yet delivered, not closed.
    public static let lateable: [OrderStatus] =
        OrderStatus.reviewStages
        + [.awaitingConfirmation, .confirmed, .onHold, .suspended, .allocated, .inProduction, .picking, .packed, .partiallyShipped, .shipped]

    /// Statuses in which an order holds stock: from the passed inventory review until its last shipment leaves
    /// (each shipment takes its own stock out). Soft until the customer confirms, firm from confirmation on.
    public static let softStock: [OrderStatus] = [.reviewFinal, .awaitingConfirmation]
    public static let firmStock: [OrderStatus] = [.confirmed, .allocated, .inProduction, .picking, .packed, .partiallyShipped]
    /// Statuses after the goods left: their reservations were used by the shipment, never released.
    public static let shippedOn: [OrderStatus] = [.shipped, .delivered, .completed, .archived]

    /// How an order in `state` holds stock (an order on hold keeps what it held).
    public enum StockHold: Sendable, Hashable { case none, soft, firm }

    public static func stockHold(_ state: OrderState) -> StockHold {
        let status = state.status == .onHold ? (state.heldFrom ?? .onHold) : state.status
        if firmStock.contains(status) { return .firm }
        if softStock.contains(status) { return .soft }
        return .none
    }

    /// Where a transition from `from` to `next` leaves the order's stock: a soft plan when it starts holding (the
    /// inventory review passed, a suspended order resumed), a firm one when the customer confirms, everything given
    /// back when it stops (cancelled, suspended, sent back to review).
    public static func stockEffects(from: OrderState, to next: OrderState, now: Timestamp, policy: OrderPolicy) -> [OrderEffect] {
        let before = stockHold(from)
        let after = stockHold(next)
        switch (before, after) {
        case (.none, .soft):
            let due = now.adding(milliseconds: Int64(policy.allocation.softReservationHours) * 3_600_000)
            return [.cancelTimers([.reservationExpiry]), .allocate(firm: false), .startTimer(.reservationExpiry, due: due)]
        case (.none, .firm), (.soft, .firm):
            return [.allocate(firm: true), .cancelTimers([.reservationExpiry])]
        case (.soft, .none), (.firm, .none):
            return shippedOn.contains(next.status) ? [] : [.releaseStock, .cancelTimers([.reservationExpiry])]
        default:
            return []
        }
    }

    /// The reason a timer records when the confirmation deadline acts.
    public static let deadlineReason = "confirmationDeadlinePassed"
    /// The reason a timer records when it archives a completed order.
    public static let archiveReason = "archiveDue"

    /// Decides `action` on an order in `state`, received at `receivedAt` (the confirmation deadline counts from
    /// receipt). Throws `DocketError.invalid` for a missing or bad reason and `IllegalTransition` when the table
    /// does not allow the action.
    public static func decide(
        _ action: OrderAction, on state: OrderState, type: OrderType, reason: String?, receivedAt: Timestamp, now: Timestamp, policy: OrderPolicy
    ) throws -> OrderDecision {
        let reason = reason?.trimmingSpaces()
        var v = Validator()
        if reasonRequired.contains(action), (reason ?? "").isEmpty { v.add("reason", "reasonRequired") }
        v.optionalText(reason, "reason", max: 2000, multiline: true)
        try v.check()
        let next = try OrderLifecycle.apply(action, to: state)
        var effects: [OrderEffect] = []
        if state.status == .awaitingConfirmation || next.status == .awaitingConfirmation {
            // Leaving the wait closes the request; entering it again (resume after a suspension) replaces it.
            effects += [.closeConfirmation(next.status == .awaitingConfirmation ? .superseded : .closed), .cancelTimers(TimerKind.confirmation)]
        }
        if next.status == .awaitingConfirmation {
            effects += confirmationRequest(receivedAt: receivedAt, now: now, policy: policy)
        }
        if action == .confirm {
            effects.append(.notify(.confirmed))
            effects.append(.startServiceWindow(due: ServiceLevel.due(confirmedAt: now, type: type, policy: policy)))
        }
        effects += stockEffects(from: state, to: next, now: now, policy: policy)
        return OrderDecision(action: action, from: state, next: next, reason: (reason ?? "").isEmpty ? nil : reason, effects: effects)
    }

    /// An order taken in: the customer hears at once — an acknowledgement, or what is missing.
    public static func intake(_ action: OrderAction) -> [OrderEffect] {
        [.notify(action == .requestInfo ? .needsInfo : .acknowledged)]
    }

    /// Asking the customer to confirm (DOMAIN §3): an open request with its deadline, the deadline and reminder
    /// timers, and the message.
    public static func confirmationRequest(receivedAt: Timestamp, now: Timestamp, policy: OrderPolicy) -> [OrderEffect] {
        let times = policy.confirmationTimes(received: receivedAt, now: now)
        var effects: [OrderEffect] = [.openConfirmation(deadline: times.deadline), .startTimer(.confirmationDeadline, due: times.deadline)]
        if let reminder = times.reminder { effects.append(.startTimer(.confirmationReminder, due: reminder)) }
        effects.append(.notify(.confirmationRequested))
        return effects
    }

    /// Sending the customer a new link: only while the order waits for confirmation; the earlier request closes.
    public static func resendConfirmation(on status: OrderStatus, receivedAt: Timestamp, now: Timestamp, policy: OrderPolicy)
        throws(IllegalTransition) -> [OrderEffect]
    {
        guard status == .awaitingConfirmation else { throw IllegalTransition(from: status, action: .confirm) }
        return [.closeConfirmation(.superseded), .cancelTimers(TimerKind.confirmation)] + confirmationRequest(receivedAt: receivedAt, now: now, policy: policy)
    }

    /// What a reviewer's pass needs: price overrides approved, and a reason to pass over a warning. A rule never
    /// passes a stage that found anything (`OrderReview.automaticPass`), so this is for people.
    public static func checkReview(_ decision: ReviewDecision, _ assessment: StageAssessment, reason: String?, approveOverrides: Bool)
        throws
    {
        guard decision == .pass else { return }
        var v = Validator()
        if !assessment.priceOverrides.isEmpty && !approveOverrides { v.add("approveOverrides", "overrideApprovalRequired") }
        if assessment.worst > .info && (reason ?? "").isEmpty { v.add("reason", "reasonRequiredForFindings") }
        try v.check()
    }

    /// Whether a change may be asked for an order in `status`.
    public static func checkChangeable(_ status: OrderStatus) throws(IllegalTransition) {
        guard changeable.contains(status) else { throw IllegalTransition(from: status, action: .revise) }
    }

    /// The rules of deciding a change request (订单变更审批), apart from the re-check of the edit itself: the request
    /// still waits; a rejection says why; only a staff request carries an edit to apply; the order has not been
    /// revised since the request was made; the order still accepts changes; approving over a credit or stock
    /// warning says why.
    public static func checkChangeDecision(
        approve: Bool, status: ChangeStatus, source: ChangeSource, baseRevision: Int64, orderRevision: Int64, orderStatus: OrderStatus,
        reason: String?
    ) throws {
        guard status == .pending else { throw ChangeRefusal.alreadyDecided }
        guard approve else {
            if (reason ?? "").isEmpty { throw DocketError.invalid("reason", "reasonRequired") }
            return
        }
        guard source == .staff else { throw DocketError.invalid("edit", "customerRequestNeedsEdit") }
        guard orderRevision == baseRevision else { throw ChangeRefusal.staleRevision }
        guard changeable.contains(orderStatus) else { throw ChangeRefusal.notChangeable }
    }

    /// Approving a change over what the re-check found needs a reason; the revision is announced and, when the
    /// order still waits for the customer, the confirmation request goes out again for the changed order. An order
    /// that holds stock is planned again for its new content (what it held counts as free for it).
    public static func approveChange(
        worst: ReviewFinding.Severity, reason: String?, orderStatus: OrderStatus, receivedAt: Timestamp, now: Timestamp, policy: OrderPolicy
    ) throws -> [OrderEffect] {
        if worst > .info && (reason ?? "").isEmpty { throw DocketError.invalid("reason", "reasonRequiredForFindings") }
        var effects: [OrderEffect] = [.notify(.revised)]
        if orderStatus == .awaitingConfirmation {
            effects += [.closeConfirmation(.superseded), .cancelTimers(TimerKind.confirmation)]
                + confirmationRequest(receivedAt: receivedAt, now: now, policy: policy)
        }
        switch stockHold(OrderState(status: orderStatus)) {
        case .none: break
        case .soft: effects.append(.allocate(firm: false))
        case .firm: effects.append(.allocate(firm: true))
        }
        return effects
    }

    /// 下发仓库 (`allocate`: confirmed → allocated): the warehouse takes an order over for picking only when every line is
    /// allocated (or is to be produced) and the reservation is firm; otherwise its shortage is dealt with first.
    /// A plan short of stock goes too when the customer agreed to take part now and the rest as a backorder (部分发货)
    /// for every short line (`backorderAccepted`), as long as something is allocated.
    public static func checkRelease(
        planStatus: AllocationPlan.Status?, firm: Bool, shortLines: [ID<OrderLine>] = [], backorderAccepted: Set<ID<OrderLine>> = []
    ) -> Bool {
        guard firm else { return false }
        if planStatus == .full { return true }
        return planStatus == .partial && !shortLines.isEmpty && shortLines.allSatisfy(backorderAccepted.contains)
    }

    /// Whether the order's stock may be planned again: it holds stock, and it has not gone to the warehouses (what it
    /// holds is on its shipments' pick lists; what it still owes is a backorder, `released`).
    public static func replannable(_ state: OrderState) -> Bool {
        let status = state.status == .onHold ? (state.heldFrom ?? .onHold) : state.status
        return stockHold(state) != .none && !released.contains(status)
    }

    /// Allocating again by hand (`POST /orders/{id}/allocate`): only while the order holds stock and has not gone to
    /// the warehouses.
    public static func reallocate(_ state: OrderState) throws(IllegalTransition) -> [OrderEffect] {
        guard replannable(state) else { throw IllegalTransition(from: state.status, action: .allocate) }
        switch stockHold(state) {
        case .none: throw IllegalTransition(from: state.status, action: .allocate)
        case .soft: return [.allocate(firm: false)]
        case .firm: return [.allocate(firm: true)]
        }
    }

    /// What a due timer does to an order in `state`. Only an order still waiting for confirmation is reminded or
    /// suspended/cancelled; only a soft reservation lapses; otherwise the timer is skipped.
    public static func onTimer(_ kind: TimerKind, state: OrderState, policy: OrderPolicy) -> TimerDecision {
        if kind == .reservationExpiry {
            return stockHold(state) == .soft ? .release([.releaseStock]) : .skip
        }
        if kind == .reallocate {
            return replannable(state) ? .replan : .skip
        }
        if kind == .archive {
            return state.status == .completed ? .act(.archive, reason: archiveReason, outcome: .archived) : .skip
        }
        guard state.status == .awaitingConfirmation else { return .skip }
        switch kind {
        case .confirmationReminder:
            return .remind([.notify(.confirmationReminder)])
        case .confirmationDeadline:
            return .act(policy.onExpiry, reason: deadlineReason, outcome: policy.onExpiry == .cancel ? .orderCancelled : .suspended)
        case .reservationExpiry, .serveWaiting, .reallocate, .milestoneCheck, .archive, .serviceLevel:
            return .skip
        }
    }
}

/// A change request that cannot be decided as asked.
public enum ChangeRefusal: Error, Sendable, Hashable {
    /// Someone decided it first.
    case alreadyDecided
    /// The order has a newer revision than the one the request was made against.
    case staleRevision
    /// The order no longer accepts changes.
    case notChangeable
}
