import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The order pages: the filtered list, the order with its review, confirmation and change panels, the keyboard
/// entry grid (new orders, completing information, change requests), the CSV import, and the customer's public
/// confirmation page.
struct OrderPages {
    let store: Store
    let views: Views
    var orders: OrderUseCases { OrderUseCases(store: store) }

    func register(on routes: SecureRoutes) {
        routes.staticAsset(.entryScript, type: "text/javascript; charset=utf-8", OrderTemplates.script)
        routes.get(.orders, .staff) { request, context in
            do {
                return try await listPage(request, context, filter: try orderFilter(request), problems: [])
            } catch DocketError.invalid(let problems) {
                return try await listPage(request, context, filter: OrderFilter(), problems: problems)
            }
        }
        routes.get(.order(.parameter), .staff) { request, context in
            let query = request.uri.queryParameters
            let done = query.get("done").flatMap(OrderFeedback.init(rawValue:))
            return try await orderPage(
                try context.orderID(), context, done: done, decidedStage: query.get("stage").flatMap(ReviewStage.init(rawValue:)))
        }
        routes.post(.orderReview(.parameter), .orderReview) { request, context in
            let id = try context.orderID()
            let form = try await Self.form(request)
            guard let decision = form.text("decision").flatMap(ReviewDecision.init(rawValue:)),
                let stage = form.text("stage").flatMap(ReviewStage.init(rawValue:))
            else {
                return try await orderPage(id, context, problems: [FieldProblem("decision", "required")], status: .unprocessableContent)
            }
            return try await after(id, context, done: .reviewed, stage: stage) {
                _ = try await orders.decideReview(
                    orderID: id, stage: stage, decision, reason: form.text("reason"),
                    approveOverrides: form.flag("approveOverrides"), by: context, path: request.uri.path)
            }
        }
        for action in [OrderAction.hold, .resume, .cancel] {
            routes.post(.orderAction(.parameter, action), .orderControl) { request, context in
                let id = try context.orderID()
                let form = try await Self.form(request)
                return try await after(id, context, done: OrderFeedback(action)) {
                    _ = try await orders.act(action, orderID: id, reason: form.text("reason"), by: context)
                }
            }
        }
        routes.post(.orderConfirmation(.parameter), .orderIntake) { request, context in
            let id = try context.orderID()
            let form = try await Self.form(request)
            return try await after(id, context, done: .confirmed) {
                guard let via = form.text("via").flatMap(ConfirmationChannel.init(rawValue:)) else {
                    throw DocketError.invalid("via", "required")
                }
                _ = try await orders.recordConfirmation(orderID: id, via: via, note: form.text("note"), by: context)
            }
        }
        // "Copy a new link": for passing the link on by WeChat. Shown this once (only its hash is kept); the link
        // issued before stops working.
        routes.post(.orderConfirmationLink(.parameter), .orderIntake) { request, context in
            let id = try context.orderID()
            do {
                let link = try await orders.issueConfirmationLink(orderID: id, by: context)
                var response = try await orderPage(id, context, newLink: siteAddress(request, context) + link.path)
                response.headers[.cacheControl] = "no-store"
                return response
            } catch {
                return try await refused(error, id, context)
            }
        }
        routes.post(.orderConfirmationResend(.parameter), .orderIntake) { _, context in
            let id = try context.orderID()
            return try await after(id, context, done: .linkResent) { try await orders.resendConfirmation(orderID: id, by: context) }
        }
        routes.post(.orderRelease(.parameter), .allocation) { _, context in
            let id = try context.orderID()
            return try await after(id, context, done: .released) { _ = try await orders.releaseToWarehouse(orderID: id, by: context) }
        }
        routes.post(.orderBackorderServe(.parameter), .allocation) { _, context in
            let id = try context.orderID()
            var served = false
            let response = try await after(id, context, done: .backorderServed) {
                served = !(try await store.shipments.serveBackorder(orderID: id, by: context.actor)).isEmpty
            }
            // Nothing could be planned (no free stock yet): said as such, not as done.
            return served || response.status != .seeOther
                ? response : Response(status: .seeOther, headers: [.location: Route.order(id).with([("done", OrderFeedback.backorderWaiting.rawValue)])])
        }
        routes.post(.orderBackorderClose(.parameter), .orderControl) { request, context in
            let id = try context.orderID()
            let form = try await Self.form(request)
            guard let line = form.text("line").flatMap(Int64.init) else {
                return try await orderPage(id, context, problems: [FieldProblem("lineId", "required")], status: .unprocessableContent)
            }
            return try await after(id, context, done: .backorderClosed) {
                _ = try await store.shipments.closeBackorder(
                    orderID: id, line: ID(line), reason: form.text("reason"), version: form.text("version").flatMap(Int64.init), by: context.actor)
            }
        }
        routes.post(.orderAllocation(.parameter), .allocation) { _, context in
            let id = try context.orderID()
            return try await after(id, context, done: .allocated) { _ = try await orders.reallocate(orderID: id, by: context) }
        }
        routes.post(.changeDecision(.parameter), .orderChangeApproval) { request, context in
            let requestID: ID<ChangeRequest> = try context.id()
            let change = try await store.orders.changeRequest(id: requestID)
            let form = try await Self.form(request)
            // The form's two buttons send approve=yes or approve=no; anything else decides nothing.
            guard let approve = form.text("approve").flatMap({ ["yes": true, "no": false][$0] }) else {
                return try await orderPage(change.orderID, context, problems: [FieldProblem("approve", "required")], status: .unprocessableContent)
            }
            return try await after(change.orderID, context, done: approve ? .changeApproved : .changeRejected) {
                _ = try await orders.decideChange(requestID: requestID, approve: approve, reason: form.text("reason"), by: context)
            }
        }
        registerEntry(on: routes)
        registerImport(on: routes)
        registerConfirmation(on: routes)
    }

    static func form(_ request: Request) async throws -> Form {
        try await Form.read(request, limit: 1024 * 1024)
    }

    /// Runs a step and goes back to the order; a refused step shows the order again with the problems.
    /// On success the order page says what was done (`done`), and after a review decision offers the next order
    /// waiting in the same stage.
    private func after(
        _ id: ID<Order>, _ context: DocketRequestContext, done: OrderFeedback, stage: ReviewStage? = nil, _ step: () async throws -> Void
    ) async throws -> Response {
        do {
            try await step()
            let location = Route.order(id).with([("done", done.rawValue), ("stage", stage?.rawValue ?? "")])
            return Response(status: .seeOther, headers: [.location: location])
        } catch DocketError.invalid(let problems) {
            return try await orderPage(id, context, problems: problems, status: .unprocessableContent)
        } catch {
            return try await refused(error, id, context)
        }
    }

    /// A step the order's state refuses, or one that lost a race (a double click, two people at once): the order as
    /// it is now, with what happened in words (409). Any other error goes on to the error page.
    private func refused(_ error: any Error, _ id: ID<Order>, _ context: DocketRequestContext) async throws -> Response {
        let (status, problem) = problemFor(error, path: Route.order(id).path, language: context.language)
        guard status == .conflict else { throw error }
        return try await orderPage(id, context, alert: problem.detail ?? problem.title, status: status)
    }

    // MARK: List

    private func listPage(_ request: Request, _ context: DocketRequestContext, filter: OrderFilter, problems: [FieldProblem]) async throws
        -> Response
    {
        let language = context.language
        let page = try await store.orders.list(filter)
        let query = request.uri.queryParameters
        // Column headers sort the list; a second click on the same column turns the order round.
        let current = (filter.descending ? "-" : "") + filter.sort.rawValue
        func sort(_ key: OrderSort) -> SortLink {
            sortLink(Route.orders.path, request, key: key.rawValue, current: current, descendingFirst: key == .total || key == .received)
        }
        func options<T: RawRepresentable>(_ all: [T], selected: String?, label: (T) -> String) -> [FormModel.Field.Option]
        where T.RawValue == String {
            all.map { FormModel.Field.Option(value: $0.rawValue, label: label($0), selected: $0.rawValue == selected) }
        }
        let model = OrderListModel(
            canEnter: Access.orderIntake.allows(context.identity?.roles),
            sort: OrderListModel.Sorts(number: sort(.number), customer: sort(.customer), total: sort(.total), received: sort(.received)),
            problemSummary: problems.isEmpty ? nil : problems.map { FieldLabel.problem($0, in: language) }.joined(separator: "；"),
            q: query.get("q") ?? "", customer: query.get("customer") ?? "", from: query.get("from") ?? "", to: query.get("to") ?? "",
            stages: options(OrderStage.allCases, selected: query.get("stage")) { Message("ui.stage.\($0.rawValue)").text(language) },
            statuses: options(OrderStatus.allCases, selected: query.get("status")) { Message("order.status.\($0.rawValue)").text(language) },
            channels: options(OrderChannel.allCases, selected: query.get("channel")) { Message("ui.channel.\($0.rawValue)").text(language) },
            types: options(OrderType.allCases, selected: query.get("type")) { Message("order.type.\($0.rawValue)").text(language) },
            hasUrgent: page.items.contains(where: \.urgent),
            rows: page.items.map { order in
                OrderListModel.Row(
                    href: Route.order(order.id).path, number: order.number, urgent: order.urgent,
                    customer: People.customer(order.customerCode, name: order.customerName, in: language),
                    channel: Message("ui.channel.\(order.channel.rawValue)").text(language), type: Message("order.type.\(order.type.rawValue)").text(language),
                    statusCode: order.status.rawValue, status: Message("order.status.\(order.status.rawValue)").text(language),
                    total: order.total.formatted, received: displayTime(order.receivedAt))
            },
            pager: pager(page, path: Route.orders.path, request: request, language: language))
        return views.render("orders", ["page": model], context: context, status: problems.isEmpty ? .ok : .unprocessableContent, current: Route.orders.path)
    }

    // MARK: The order

    func orderPage(
        _ id: ID<Order>, _ context: DocketRequestContext, problems: [FieldProblem] = [], alert: String? = nil, newLink: String? = nil,
        done: OrderFeedback? = nil, decidedStage: ReviewStage? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        // One snapshot of the order, its records and what its review stage finds; then the people it names, at once.
        let file = try await store.orders.orderFile(id: id)
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        var feedback: OrderPageModel.Feedback?
        if let done {
            feedback = OrderPageModel.Feedback(
                text: text(
                    "feedback.\(done.rawValue)",
                    [
                        "status": text("order.status.\(file.order.status.rawValue)"),
                        "allocation": text("allocation.status.\(file.allocation?.status.rawValue ?? "none")"),
                    ]))
            if done == .reviewed, let decidedStage, let next = try await store.orders.nextInQueue(decidedStage.status, excluding: id) {
                feedback?.nextHref = Route.order(next.id).path
                feedback?.nextLabel = text("ui.order.nextInQueue", ["number": next.number])
            }
        }
        var page = OrderPageModel(
            file, roles: context.identity?.roles ?? [], people: try await store.auth.people(for: OrderPageModel.actors(in: file)),
            language: language, problems: problems, alert: alert, newLink: newLink, done: feedback)
        page.fulfilment = try await fulfilmentPanel(file, language, roles: context.identity?.roles ?? [])
        page.exceptions = try await exceptionsPanel(id, language, roles: context.identity?.roles ?? [])
        return views.render("order", ["page": page], context: context, status: status, current: Route.orders.path)
    }
}

extension OrderPages {
    /// 发货: the order's shipments with their status, carrier, tracking number and expected arrival, the after-sales
    /// cases its refusals opened, and what it still owes (欠货) with the buttons to serve it now or close a line's;
    /// nil before the order reaches the warehouse.
    func fulfilmentPanel(_ file: OrderFile, _ language: Language, roles: Set<Role>) async throws -> OrderPageModel.FulfilmentPanel? {
        let id = file.order.id
        let shipments = try await store.shipments.shipments(orderID: id)
        let account = try await store.shipments.backorders(orderID: id)
        guard !shipments.isEmpty || account.atWarehouses else { return nil }
        let cases = try await store.cases.cases(orderID: id)
        let names = Dictionary(
            try await store.warehouses.list(ListQuery(limit: 200)).items.map { ($0.value.code, $0.value.name) }, uniquingKeysWith: { a, _ in a })
        func text(_ key: String) -> String { Message(key).text(language) }
        return OrderPageModel.FulfilmentPanel(
            rows: shipments.map { shipment in
                OrderPageModel.FulfilmentPanel.Row(
                    number: shipment.number, href: Route.shipment(shipment.id).path, warehouse: names[shipment.warehouse] ?? shipment.warehouse,
                    status: OrderPageModel.Badge(code: shipment.status.rawValue, label: text("shipment.status.\(shipment.status.rawValue)")),
                    carrier: shipment.carrier.map { "\($0.taken.carrierName) \($0.taken.serviceName)" } ?? "—", tracking: shipment.trackingNumber ?? "—",
                    eta: shipment.eta?.iso8601 ?? "—", delivered: shipment.deliveredAt.map(displayTime) ?? "—")
            },
            cases: cases.map {
                ShipmentPageModel.Link(text: "\($0.number) · \(text("case.status.\($0.status.rawValue)"))", href: Route.afterSalesCase($0.id).path)
            },
            owed: account.lines.filter { $0.outstanding > 0 }.map { line in
                let ordered = file.order.lines.first { $0.id == line.lineID }
                return OrderPageModel.FulfilmentPanel.Owed(
                    lineID: line.lineID.rawValue, sku: line.sku,
                    name: (language == .en ? ordered?.nameEn ?? ordered?.description : ordered?.description) ?? line.sku, ordered: line.ordered,
                    carried: line.carried, closed: line.closed, owed: line.outstanding)
            },
            version: account.version,
            serveAction: account.atWarehouses && Access.allocation.allows(roles) ? Route.orderBackorderServe(id).path : nil,
            closeAction: account.atWarehouses && Access.orderControl.allows(roles) ? Route.orderBackorderClose(id).path : nil)
    }
}

/// The order list (`orders` template): filters, sortable columns, the rows and the pager.
struct OrderListModel {
    struct Sorts {
        var number: SortLink
        var customer: SortLink
        var total: SortLink
        var received: SortLink
    }

    struct Row {
        var href: String
        var number: String
        var urgent: Bool
        var customer: String
        var channel: String
        var type: String
        var statusCode: String
        var status: String
        var total: String
        var received: String
    }

    var canEnter: Bool
    var sort: Sorts
    var problemSummary: String?
    var q: String
    var customer: String
    var from: String
    var to: String
    var stages: [FormModel.Field.Option]
    var statuses: [FormModel.Field.Option]
    var channels: [FormModel.Field.Option]
    var types: [FormModel.Field.Option]
    var hasUrgent: Bool
    var rows: [Row]
    var pager: PagerModel
}

/// What the order page confirms after a step (`?done=`): a fixed list, so the address carries no text of its own.
enum OrderFeedback: String, CaseIterable {
    case reviewed, held, resumed, cancelled, confirmed, linkResent, changeApproved, changeRejected, allocated, released
    case backorderServed, backorderWaiting, backorderClosed

    init(_ action: OrderAction) {
        switch action {
        case .hold: self = .held
        case .resume: self = .resumed
        default: self = .cancelled
        }
    }
}
