/// Who may use a route. Every route declares one; a test enumerates all routes against all roles.
public enum Access: Sendable, Hashable, CustomStringConvertible {
    /// No sign-in needed (the login page, health checks, static assets).
    case everyone
    /// Any signed-in user, whatever the role.
    case signedIn
    /// Signed in with at least one of these roles.
    case roles(Set<Role>)

    public func allows(_ roles: Set<Role>?) -> Bool {
        switch self {
        case .everyone: true
        case .signedIn: roles != nil
        case .roles(let allowed): roles.map { !allowed.isDisjoint(with: $0) } ?? false
        }
    }

    public var description: String {
        switch self {
        case .everyone: "everyone"
        case .signedIn: "signed in"
        case .roles(let roles): roles.map(\.rawValue).sorted().joined(separator: ", ")
        }
    }
}

/// The policies of Docket's areas, by department (DOMAIN.md, Users).
extension Access {
    /// Master data and stock can be looked up by every member of staff.
    public static let staff = Access.signedIn
    /// 客户: the order desk, sales and customer service keep customer records.
    public static let customersWrite = Access.roles([.admin, .orderDesk, .sales, .customerService])
    /// 信用条款 (credit limit, rating, payment terms): finance; the sales review judges credit by them.
    public static let customerCredit = Access.roles([.admin, .finance])
    /// 商品: purchasing and the order manager keep the catalogue.
    public static let productsWrite = Access.roles([.admin, .purchasing, .orderManager])
    /// 仓库/库位: the warehouse and logistics keep their sites.
    public static let warehousesWrite = Access.roles([.admin, .warehouse, .logistics])
    public static let suppliersWrite = Access.roles([.admin, .purchasing])
    /// 承运商与运价: logistics.
    public static let carriersWrite = Access.roles([.admin, .logistics])
    /// 入库: the warehouse receives goods.
    public static let stockReceive = Access.roles([.admin, .warehouse])
    /// Adjusting and quarantining lots (库存调整, 冻结): the warehouse.
    public static let stockAdjust = Access.roles([.admin, .warehouse])
    /// Allocating an order again by hand (the warehouse and the order manager).
    public static let allocation = Access.roles([.admin, .warehouse, .orderManager])
    /// 发货与物流: choosing the carrier, the handover, tracking events, sign-off and its proof.
    public static let shipping = Access.roles([.admin, .warehouse, .logistics, .orderManager])
    /// 售后单: receiving refused goods back and settling the case.
    public static let afterSales = Access.roles([.admin, .customerService, .orderManager, .warehouse])
    public static let administration = Access.roles([.admin])
    /// The messages sent to customers and systems: who reads them and sends a dead letter again.
    /// Exempting a service-window penalty (the order desk's managers decide what the rules excuse).
    public static let penalties = Access.roles([.admin, .orderManager])
    /// 异常处理: raising, assigning, talking with the customer, sending again, resolving.
    public static let exceptions = Access.roles([.admin, .customerService, .orderManager, .logistics, .warehouse])
    /// 索赔: claims on carriers and insurers.
    public static let claims = Access.roles([.admin, .logistics, .finance, .orderManager, .customerService])
    /// 退款 / 抵扣 recorded for settlement.
    public static let settlements = Access.roles([.admin, .finance, .orderManager, .customerService])
    public static let notifications = Access.roles([.admin, .customerService, .orderManager])
    /// 调拨单: the warehouses and logistics move goods; the order manager may ask for a move.
    public static let transfers = Access.roles([.admin, .warehouse, .logistics, .orderManager])
    /// 采购单: purchasing orders from suppliers (the order manager may too); the warehouse receives deliveries.
    public static let purchasing = Access.roles([.admin, .purchasing, .orderManager])
    public static let purchaseReceive = Access.roles([.admin, .warehouse, .purchasing])
    /// 生产安排与跟踪: production plans and reports; the order manager may plan.
    public static let production = Access.roles([.admin, .production, .orderManager])
    /// 库存不足处理: whoever carries out one of the options (the use case checks the option's own roles).
    public static let shortageDecision = Access.roles([.admin, .orderDesk, .sales, .customerService, .orderManager, .warehouse, .logistics, .purchasing, .production])
    /// 订单录入: the order desk, sales and customer service take orders in (integrations use their tokens).
    public static let orderIntake = Access.roles([.admin, .orderDesk, .sales, .customerService])
    /// Hold, resume and cancel (with a reason).
    public static let orderControl = Access.roles([.admin, .orderDesk, .orderManager, .customerService])
    /// 订单变更审批: approving or rejecting change requests.
    public static let orderChangeApproval = Access.roles([.admin, .orderManager, .sales])
    /// The rules that pass routine orders through a review stage.
    public static let reviewRulesWrite = Access.roles([.admin, .orderManager])
    /// The review stages; which stage a role may decide is `Role.reviews`.
    public static let orderReview = Access.roles([.admin, .sales, .finance, .warehouse, .orderManager])
}

extension Role {
    /// The order statuses that wait on this role: its work queue on the home page.
    public var queue: [OrderStatus] {
        switch self {
        case .orderDesk: [.needsInfo, .awaitingConfirmation]
        case .sales: [.reviewSales]
        case .finance: [.reviewFinance]
        case .warehouse: [.reviewInventory, .confirmed]
        case .orderManager: [.reviewFinal, .onHold]
        case .customerService: [.needsInfo, .suspended]
        case .admin, .production, .purchasing, .logistics: []
        }
    }

    /// The stages whose counts and amounts head this role's home page (each a link to its list): the order manager
    /// and the admin watch every stage, the desk what comes in and waits for customers, the warehouse side what is
    /// being fulfilled.
    public var homeStages: [OrderStage] {
        switch self {
        case .admin, .orderManager: [.intake, .review, .confirmation, .fulfilment, .onHold]
        case .orderDesk: [.intake, .confirmation]
        case .customerService: [.confirmation, .onHold]
        case .warehouse, .logistics, .production, .purchasing: [.fulfilment]
        case .sales, .finance: []
        }
    }

    /// The other panels of this role's home page.
    public var homePanels: HomePanels {
        switch self {
        case .admin, .orderManager: .all
        case .orderDesk, .customerService: [.today, .confirmationsDue, .overdue]
        case .sales: [.today, .overdue]
        case .finance: [.today]
        case .warehouse: [.overdue, .shortages, .transfers]
        case .purchasing: [.overdue, .shortages, .purchasing]
        case .production: [.overdue, .shortages, .production]
        case .logistics: [.overdue]
        }
    }

    /// The review stage this role decides (DOMAIN §2): 初审 sales, 财务审核 finance, 库存审核 warehouse,
    /// 终审 the order manager; an admin may decide any.
    public func reviews(_ stage: OrderStatus) -> Bool {
        switch (self, stage) {
        case (.admin, _) where stage.isReview: true
        case (.sales, .reviewSales), (.finance, .reviewFinance), (.warehouse, .reviewInventory), (.orderManager, .reviewFinal): true
        default: false
        }
    }
}

/// What a home page shows besides the stage figures and the work queues.
public struct HomePanels: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Today's intake: count and amount.
    public static let today = HomePanels(rawValue: 1)
    /// Customer confirmations due within hours.
    public static let confirmationsDue = HomePanels(rawValue: 2)
    /// Open orders past their promised date.
    public static let overdue = HomePanels(rawValue: 4)
    /// Order lines short of stock (库存不足), with a link to the workbench.
    public static let shortages = HomePanels(rawValue: 8)
    /// Products to buy (采购建议).
    public static let purchasing = HomePanels(rawValue: 16)
    /// Lines to plan and production orders to start or late (生产).
    public static let production = HomePanels(rawValue: 32)
    /// Transfers to ship or receive (调拨单).
    public static let transfers = HomePanels(rawValue: 64)
    public static let all: HomePanels = [.today, .confirmationsDue, .overdue, .shortages, .purchasing, .production, .transfers]
}
