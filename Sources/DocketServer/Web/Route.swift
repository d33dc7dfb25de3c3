import DocketCore
import DocketStore
import Foundation

/// Every back-office page and form target. One definition gives both the router's pattern (`/orders/:id`) and
/// the links (`/orders/42`): routes are registered with `Route.x(.parameter)`, links are `Route.x(id).path`, so no
/// page writes a path by hand.
enum Route: Hashable, Sendable {
    case home, login, logout, language
    case stylesheet, gridScript, entryScript, printScript
    case orders, orderNew, orderImport, orderImportTemplate
    case order(ID<Order>)
    case orderComplete(ID<Order>), orderChange(ID<Order>), orderReview(ID<Order>)
    case orderConfirmation(ID<Order>), orderConfirmationLink(ID<Order>), orderConfirmationResend(ID<Order>)
    case orderAction(ID<Order>, OrderAction)
    /// Plan the order's allocation again (the allocation panel's button).
    case orderAllocation(ID<Order>)
    /// 下发仓库.
    case orderRelease(ID<Order>)
    /// 补发 now (what the order owes, from free stock) and 取消欠货 (one line's, with a reason).
    case orderBackorderServe(ID<Order>), orderBackorderClose(ID<Order>)
    case changeDecision(ID<ChangeRequest>)
    /// The customer's public confirmation page (no sign-in; the token is the key).
    case confirm(token: String)
    case stock, stockReceive, stockTotals, stockMovements, shortages, shortageDecision
    case stockLot(ID<StockLot>), stockLotAdjust(ID<StockLot>), stockLotQuarantine(ID<StockLot>)
    case transfers, transferAction(ID<Transfer>, Transfer.Action)
    case purchasing, purchaseOrder(ID<PurchaseOrder>), purchaseOrderReceive(ID<PurchaseOrder>), purchaseOrderCancel(ID<PurchaseOrder>)
    case production, productionOrder(ID<ProductionOrder>), productionAction(ID<ProductionOrder>, ProductionOrder.Action)
    case warehouseLocations(ID<Warehouse>)
    /// 发货: the warehouse's and logistics' queues (`?stage=`), a wave's pick list, one shipment, its steps and documents.
    case shipping, pickList
    case shipment(ID<Shipment>), shipmentStep(ID<Shipment>, ShipmentStep), shipmentDocument(ID<Shipment>, ShippingDocument)
    case shipmentProof(ID<Shipment>)
    /// 售后: open cases, one case and its steps.
    case cases, afterSalesCase(ID<AfterSalesCase>), caseStep(ID<AfterSalesCase>, CaseStep)
    /// 订单跟踪: the kanban board, the month's service-window penalties; notification deliveries and webhooks.
    case board, penalties, penaltyExempt(Int64)
    case notifications, redeliver(Int64), webhooks, webhook(Int64), webhookRotate(Int64)
    /// 客户自助查询 (no sign-in): the lookup, an order's tracking page by its link, the problem report; 异常 for staff.
    case track, trackOrder(token: String), trackReport(token: String), exceptions
    /// 异常处理: one exception, its forms, a claim's forms and documents; raising one on an order.
    case exception(Int64), exceptionStep(Int64, ExceptionStep), claimStep(Int64, ClaimStep), claimDocument(Int64), orderException(ID<Order>)
    case records(RecordKind), recordNew(RecordKind), record(RecordKind, Int64)
    case customerCredit(ID<Customer>)
    case users, userNew, user(ID<User>)
    case tokens, tokenRevoke(Int64)

    /// What a shipment page's forms post (`/shipments/42/pick`).
    enum ShipmentStep: String, Sendable, CaseIterable {
        case pick, pack, carrier, ship, event, delivery
        case proof = "proof-upload"
    }

    /// What an exception page's forms post (`/exceptions/42/claim`).
    enum ExceptionStep: String, Sendable, CaseIterable {
        case assign, contact, claim, money, reship, resolve
    }

    /// What a claim's forms post (`/claims/7/decide`).
    enum ClaimStep: String, Sendable, CaseIterable {
        case decide, document
    }

    /// What a case page's forms post.
    enum CaseStep: String, Sendable, CaseIterable {
        case receiveReturn = "return"
        case close
    }

    /// The master-data record pages.
    enum RecordKind: String, Sendable, CaseIterable {
        case customers, products, warehouses, suppliers, carriers
        case reviewRules = "review-rules"
    }

    var path: String {
        switch self {
        case .home: "/"
        case .login: "/login"
        case .logout: "/logout"
        case .language: "/language"
        case .stylesheet: "/static/docket.css"
        case .gridScript: "/static/grid.js"
        case .entryScript: "/static/order-entry.js"
        case .printScript: "/static/print.js"
        case .orders: "/orders"
        case .orderNew: "/orders/new"
        case .orderImport: "/orders/import"
        case .orderImportTemplate: "/orders/import/template.csv"
        case .order(let id): "/orders/\(Self.segment(id))"
        case .orderComplete(let id): "/orders/\(Self.segment(id))/complete"
        case .orderChange(let id): "/orders/\(Self.segment(id))/change"
        case .orderReview(let id): "/orders/\(Self.segment(id))/review"
        case .orderConfirmation(let id): "/orders/\(Self.segment(id))/confirmation"
        case .orderConfirmationLink(let id): "/orders/\(Self.segment(id))/confirmation/link"
        case .orderConfirmationResend(let id): "/orders/\(Self.segment(id))/confirmation/resend"
        case .orderAction(let id, let action): "/orders/\(Self.segment(id))/\(action.rawValue)"
        case .orderAllocation(let id): "/orders/\(Self.segment(id))/allocation"
        case .orderRelease(let id): "/orders/\(Self.segment(id))/release"
        case .orderBackorderServe(let id): "/orders/\(Self.segment(id))/backorder/serve"
        case .orderBackorderClose(let id): "/orders/\(Self.segment(id))/backorder/close"
        case .changeDecision(let id): "/change-requests/\(Self.segment(id))/decision"
        case .confirm(let token): "/confirm/\(token)"
        case .stock: "/stock"
        case .stockReceive: "/stock/receive"
        case .stockTotals: "/stock/totals"
        case .stockMovements: "/stock/movements"
        case .shortages: "/stock/shortages"
        case .shortageDecision: "/stock/shortages/decision"
        case .stockLot(let id): "/stock/lots/\(Self.segment(id))"
        case .stockLotAdjust(let id): "/stock/lots/\(Self.segment(id))/adjust"
        case .stockLotQuarantine(let id): "/stock/lots/\(Self.segment(id))/quarantine"
        case .transfers: "/stock/transfers"
        case .transferAction(let id, let action): "/stock/transfers/\(Self.segment(id))/\(action.rawValue)"
        case .purchasing: "/purchasing"
        case .purchaseOrder(let id): "/purchasing/\(Self.segment(id))"
        case .purchaseOrderReceive(let id): "/purchasing/\(Self.segment(id))/receive"
        case .purchaseOrderCancel(let id): "/purchasing/\(Self.segment(id))/cancel"
        case .production: "/production"
        case .productionOrder(let id): "/production/\(Self.segment(id))"
        case .productionAction(let id, let action): "/production/\(Self.segment(id))/\(action.rawValue)"
        case .warehouseLocations(let id): "/warehouses/\(Self.segment(id))/locations"
        case .shipping: "/shipping"
        case .pickList: "/shipping/pick-list"
        case .shipment(let id): "/shipments/\(Self.segment(id))"
        case .shipmentStep(let id, let step): "/shipments/\(Self.segment(id))/\(step.rawValue)"
        case .shipmentDocument(let id, let document): "/shipments/\(Self.segment(id))/\(document.rawValue)"
        case .shipmentProof(let id): "/shipments/\(Self.segment(id))/proof"
        case .cases: "/cases"
        case .afterSalesCase(let id): "/cases/\(Self.segment(id))"
        case .caseStep(let id, let step): "/cases/\(Self.segment(id))/\(step.rawValue)"
        case .board: "/board"
        case .track: "/track"
        case .trackOrder(let token): "/track/\(token)"
        case .trackReport(let token): "/track/\(token)/report"
        case .exceptions: "/exceptions"
        case .exception(let id): "/exceptions/\(Self.segment(id))"
        case .exceptionStep(let id, let step): "/exceptions/\(Self.segment(id))/\(step.rawValue)"
        case .claimStep(let id, let step): "/claims/\(Self.segment(id))/\(step.rawValue)"
        case .claimDocument(let id): "/claim-documents/\(Self.segment(id))"
        case .orderException(let id): "/orders/\(Self.segment(id))/exception"
        case .penalties: "/penalties"
        case .penaltyExempt(let id): "/penalties/\(Self.segment(id))/exempt"
        case .notifications: "/notifications"
        case .redeliver(let id): "/notifications/\(Self.segment(id))/redeliver"
        case .webhooks: "/webhooks"
        case .webhook(let id): "/webhooks/\(Self.segment(id))"
        case .webhookRotate(let id): "/webhooks/\(Self.segment(id))/rotate-secret"
        case .records(let kind): "/\(kind.rawValue)"
        case .recordNew(let kind): "/\(kind.rawValue)/new"
        case .record(let kind, let id): "/\(kind.rawValue)/\(Self.segment(id))"
        case .customerCredit(let id): "/customers/\(Self.segment(id))/credit"
        case .users: "/admin/users"
        case .userNew: "/admin/users/new"
        case .user(let id): "/admin/users/\(Self.segment(id))"
        case .tokens: "/account/tokens"
        case .tokenRevoke(let id): "/account/tokens/\(Self.segment(id))/revoke"
        }
    }

    /// The path with query parameters (blank ones left out).
    func with(_ query: [(String, String)]) -> String {
        var components = URLComponents()
        components.queryItems = query.filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
        guard let encoded = components.percentEncodedQuery, !encoded.isEmpty else { return path }
        return path + "?" + encoded
    }

    /// A link to a record of master data (the list's rows link to it).
    static func record<T>(_ kind: RecordKind, _ id: ID<T>) -> Route { .record(kind, id.rawValue) }

    private static func segment<T>(_ id: ID<T>) -> String { segment(id.rawValue) }
    private static func segment(_ id: Int64) -> String { id == parameter ? ":id" : String(id) }

    /// Stands for the `:id` path parameter when a route is registered (`.record(.customers, Route.parameter)`);
    /// never a real row's id.
    static let parameter = Int64.min
    /// Stands for the `:token` path parameter.
    static let tokenParameter = ":token"
}

extension ID {
    /// Stands for the `:id` path parameter when a route is registered: `routes.get(.order(.parameter), …)`.
    static var parameter: ID { ID(Route.parameter) }
}

extension SecureRoutes {
    func get(_ route: Route, _ access: Access, _ handler: @escaping Handler) { get(route.path, access, handler) }
    func post(_ route: Route, _ access: Access, _ handler: @escaping Handler) { post(route.path, access, handler) }
}
