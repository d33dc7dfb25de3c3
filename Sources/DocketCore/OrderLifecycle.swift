/// Where an order is in its life (DOMAIN.md §1–3, §7). The review stages are statuses of their own, so one
/// column says exactly where an order waits and whose queue it is in.
public enum OrderStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case received
    case needsInfo = "needs_info"
    case reviewSales = "review_sales"
    case reviewFinance = "review_finance"
    case reviewInventory = "review_inventory"
    case reviewFinal = "review_final"
    case awaitingConfirmation = "awaiting_confirmation"
    case confirmed
    case onHold = "on_hold"
    case suspended
    case cancelled
    // Later stages (allocation, production, fulfilment issues) plug into the same table.
    case allocated
    case inProduction = "in_production"
    case picking
    case packed
    /// 部分发货: some of its shipments have left, some not yet.
    case partiallyShipped = "partially_shipped"
    case shipped
    case delivered
    case completed
    case archived

    /// The four review stages, in order.
    public static let reviewStages: [OrderStatus] = [.reviewSales, .reviewFinance, .reviewInventory, .reviewFinal]

    public var isReview: Bool { OrderStatus.reviewStages.contains(self) }
    /// Nothing more happens to the order.
    public var isFinal: Bool { self == .cancelled || self == .archived }
}

/// What someone (or the system) does to an order.
public enum OrderAction: String, Sendable, Codable, CaseIterable, Hashable {
    /// Intake found the order complete: into the first review.
    case accept
    /// Intake found problems: kept, waiting for the customer's information.
    case requestInfo = "request_info"
    /// The missing information arrived.
    case completeInfo = "complete_info"
    /// A review stage passes (the final one sends the confirmation request).
    case pass
    /// A review stage rejects: the order is cancelled with the reason.
    case reject
    case confirm
    /// The confirmation deadline passed (or staff suspended it).
    case suspend
    case cancel
    case hold
    case resume
    case allocate
    case startProduction = "start_production"
    case startPicking = "start_picking"
    case pack
    /// The first of several shipments left (部分发货).
    case shipPart = "ship_part"
    case ship
    case deliver
    case complete
    case archive
    /// Goods that left are sent again (补发, an exception's resolution): the order owes them until they leave.
    case reship
    /// A change of the order's content (a new revision). Not a status change, so not in the table; named here so
    /// a refusal says what was attempted.
    case revise
}

/// An order's lifecycle position: its status, and where it was before a hold.
public struct OrderState: Sendable, Hashable, Codable {
    public var status: OrderStatus
    public var heldFrom: OrderStatus?

    public init(status: OrderStatus, heldFrom: OrderStatus? = nil) {
        self.status = status
        self.heldFrom = heldFrom
    }
}

/// A transition the table does not allow. Never a silent no-op.
public struct IllegalTransition: Error, Sendable, Hashable {
    public var from: OrderStatus
    public var action: OrderAction

    public init(from: OrderStatus, action: OrderAction) {
        self.from = from
        self.action = action
    }
}

/// The order state machine: one table of every allowed transition.
public enum OrderLifecycle {
    public enum Target: Sendable, Hashable {
        case to(OrderStatus)
        /// Back to the status the order had when it was put on hold.
        case heldFrom
    }

    public struct Transition: Sendable, Hashable {
        public var from: OrderStatus
        public var action: OrderAction
        public var target: Target
    }

    /// Statuses an order can be held in, resumed later where it stood.
    public static let holdable: [OrderStatus] =
        [.received, .needsInfo] + OrderStatus.reviewStages
        + [.awaitingConfirmation, .confirmed, .allocated, .inProduction, .picking, .packed]

    /// Statuses an order can still be cancelled in: everything before shipment.
    public static let cancellable: [OrderStatus] = holdable + [.onHold, .suspended]

    /// The whole table.
    public static let transitions: [Transition] = {
        var table: [Transition] = [
            Transition(from: .received, action: .accept, target: .to(.reviewSales)),
            Transition(from: .received, action: .requestInfo, target: .to(.needsInfo)),
            Transition(from: .needsInfo, action: .completeInfo, target: .to(.reviewSales)),
            Transition(from: .reviewSales, action: .pass, target: .to(.reviewFinance)),
            Transition(from: .reviewFinance, action: .pass, target: .to(.reviewInventory)),
            Transition(from: .reviewInventory, action: .pass, target: .to(.reviewFinal)),
            Transition(from: .reviewFinal, action: .pass, target: .to(.awaitingConfirmation)),
            Transition(from: .awaitingConfirmation, action: .confirm, target: .to(.confirmed)),
            Transition(from: .awaitingConfirmation, action: .suspend, target: .to(.suspended)),
            Transition(from: .suspended, action: .resume, target: .to(.awaitingConfirmation)),
            Transition(from: .onHold, action: .resume, target: .heldFrom),
            Transition(from: .confirmed, action: .allocate, target: .to(.allocated)),
            Transition(from: .allocated, action: .startProduction, target: .to(.inProduction)),
            Transition(from: .allocated, action: .startPicking, target: .to(.picking)),
            Transition(from: .inProduction, action: .startPicking, target: .to(.picking)),
            Transition(from: .picking, action: .pack, target: .to(.packed)),
            Transition(from: .packed, action: .ship, target: .to(.shipped)),
            // An order's fulfilment statuses follow its shipments (`Fulfilment.orderStatus`): one warehouse's
            // shipment may leave while another is still picking.
            Transition(from: .picking, action: .shipPart, target: .to(.partiallyShipped)),
            Transition(from: .packed, action: .shipPart, target: .to(.partiallyShipped)),
            Transition(from: .partiallyShipped, action: .ship, target: .to(.shipped)),
            Transition(from: .shipped, action: .deliver, target: .to(.delivered)),
            Transition(from: .delivered, action: .complete, target: .to(.completed)),
            Transition(from: .shipped, action: .reship, target: .to(.partiallyShipped)),
            Transition(from: .delivered, action: .reship, target: .to(.partiallyShipped)),
            Transition(from: .completed, action: .archive, target: .to(.archived)),
        ]
        table += OrderStatus.reviewStages.map { Transition(from: $0, action: .reject, target: .to(.cancelled)) }
        table += holdable.map { Transition(from: $0, action: .hold, target: .to(.onHold)) }
        table += cancellable.map { Transition(from: $0, action: .cancel, target: .to(.cancelled)) }
        return table
    }()

    private static let index: [OrderStatus: [OrderAction: Target]] = {
        var index: [OrderStatus: [OrderAction: Target]] = [:]
        for transition in transitions {
            precondition(index[transition.from]?[transition.action] == nil, "duplicate transition \(transition)")
            index[transition.from, default: [:]][transition.action] = transition.target
        }
        return index
    }()

    /// The actions allowed from a status (for buttons and queues).
    public static func actions(from status: OrderStatus) -> [OrderAction] {
        OrderAction.allCases.filter { index[status]?[$0] != nil }
    }

    /// Applies an action, or throws `IllegalTransition`.
    public static func apply(_ action: OrderAction, to state: OrderState) throws(IllegalTransition) -> OrderState {
        guard let target = index[state.status]?[action] else {
            throw IllegalTransition(from: state.status, action: action)
        }
        switch target {
        case .to(.onHold):
            return OrderState(status: .onHold, heldFrom: state.status)
        case .to(let status):
            return OrderState(status: status, heldFrom: nil)
        case .heldFrom:
            guard let previous = state.heldFrom else { throw IllegalTransition(from: state.status, action: action) }
            return OrderState(status: previous, heldFrom: nil)
        }
    }
}
