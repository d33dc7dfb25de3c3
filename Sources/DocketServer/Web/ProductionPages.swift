import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// 生产: the production queue (lines to plan, orders to start — late ones first — and those in progress) and one
/// production order's page (specification, operations, milestones, reports and the report form).
struct ProductionPages {
    let pages: WebPages
    var store: Store { pages.store }

    func register(on routes: SecureRoutes) {
        routes.get(.production, .staff) { request, context in
            let done = request.uri.queryParameters.get("done")
            return try await queuePage(context, notice: done == "cancel" ? Message("ui.production.done.cancel").text(context.language) : nil)
        }
        routes.post(.production, .production) { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            let draft = ProductionDraft(
                sku: form.text("sku") ?? "", quantity: Int64(form.text("quantity") ?? "") ?? 0, warehouseCode: form.text("warehouseCode") ?? "",
                dueDate: form.text("dueDate").flatMap { CalendarDate.parse($0) },
                operations: (form.text("operations") ?? "").split(whereSeparator: { "，,、\n".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty },
                milestones: Self.milestones(form.text("milestones") ?? ""),
                specification: form.text("specification"), orderId: form.text("orderId").flatMap(Int64.init).map { ID($0) },
                lineId: form.text("lineId").flatMap(Int64.init).map { ID($0) })
            do {
                let order = try await store.production.create(draft, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.productionOrder(order.id).with([("done", "planned")])])
            } catch let error as DocketError {
                return try await queuePage(context, error: ReplenishmentPages.sentence(error, context.language), status: status(error))
            }
        }
        routes.get(.productionOrder(.parameter), .staff) { request, context in
            let done = request.uri.queryParameters.get("done") ?? ""
            let notice = ["planned", "confirmSpec", "start", "report"].contains(done) ? Message("ui.production.done.\(done)").text(context.language) : nil
            return try await orderPage(try context.id(), context, notice: notice)
        }
        for action in [ProductionOrder.Action.confirmSpec, .start, .cancel, .report] {
            routes.post(.productionAction(.parameter, action), .production) { request, context in
                let id: ID<ProductionOrder> = try context.id()
                let form = try await Form.read(request, limit: 64 * 1024)
                let version = form.text("version").flatMap(Int64.init)
                do {
                    switch action {
                    case .confirmSpec: _ = try await store.production.confirmSpecification(id, confirmation: form.text("confirmation") ?? "", version: version, by: context.actor)
                    case .start: _ = try await store.production.start(id, version: version, by: context.actor)
                    case .cancel:
                        _ = try await store.production.cancel(id, version: version, by: context.actor)
                        return Response(status: .seeOther, headers: [.location: Route.production.with([("done", "cancel")])])
                    case .report:
                        let typed = (form.text("produced") ?? "").trimmingCharacters(in: .whitespaces)
                        let report = ProgressReport(
                            produced: typed.isEmpty ? 0 : Int64(typed) ?? -1, operation: form.text("operation").flatMap { $0.isEmpty ? nil : $0 },
                            milestone: form.text("milestone").flatMap { $0.isEmpty ? nil : $0 }, problem: form.text("problem"),
                            expectedDate: form.text("expectedDate").flatMap { CalendarDate.parse($0) }, version: version)
                        _ = try await store.production.report(id, report, by: context.actor)
                    }
                    return Response(status: .seeOther, headers: [.location: Route.productionOrder(id).with([("done", action.rawValue)])])
                } catch let error as DocketError {
                    return try await orderPage(id, context, error: ReplenishmentPages.sentence(error, context.language), status: status(error))
                }
            }
        }
    }

    /// Milestones typed as `样品 2026-12-01，验货 2026-12-10`: a name and a date each (a date that does not read is
    /// left out, so validation names it as required).
    static func milestones(_ text: String) -> [ProductionDraft.MilestoneDraft] {
        text.split(whereSeparator: { "，,、;；\n".contains($0) }).compactMap { part in
            let words = part.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let last = words.last else { return nil }
            let date = CalendarDate.parse(last)
            let name = (date == nil ? words : words.dropLast()).joined(separator: " ")
            return ProductionDraft.MilestoneDraft(name: name, due: date)
        }
    }

    private func queuePage(_ context: DocketRequestContext, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let language = context.language
        let today = store.clock.now().date(utcOffsetHours: 8)
        let demand = try await store.production.demand()
        let orders = try await store.production.productionOrders(open: true)
        let numbers = try await store.orders.numbers(of: orders.compactMap(\.orderID))
        let warehouses = try await store.warehouses.list(ListQuery(limit: 200)).items.filter { $0.value.active }
        let plan = Access.production.allows(context.identity?.roles)
        func text(_ key: String) -> String { Message(key).text(language) }
        let model = ProductionPageModel(
            tabBar: StockPages.tabBar(.production, language), error: error,
            demand: demand.map { line in
                ProductionPageModel.Demand(
                    href: Route.order(line.orderID).path, number: line.number,
                    customer: People.customer(line.customerCode, name: line.customerName, in: language), promised: line.promisedDate?.iso8601 ?? "—",
                    sku: line.sku, quantity: line.quantity, specification: line.specification ?? "", orderID: line.orderID.rawValue,
                    lineID: line.lineID.rawValue, due: (line.promisedDate ?? today.adding(days: 7)).iso8601, plan: plan,
                    warehouses: warehouses.enumerated().map { offset, site in
                        PurchasingPageModel.Option(
                            value: site.value.code, label: site.value.name, selected: line.warehouse.map { $0 == site.value.code } ?? (offset == 0))
                    })
            },
            orders: orders.map { order in
                ProductionPageModel.Row(
                    href: Route.productionOrder(order.id).path, number: order.number, product: "\(order.sku) \(order.productName)",
                    progress: "\(order.produced)/\(order.quantity)", status: text("production.status.\(order.status.rawValue)"),
                    statusKey: order.status.rawValue, due: order.dueDate.iso8601, expected: order.expectedDate?.iso8601 ?? "—",
                    late: order.isLate(today: today), atRisk: order.atRisk,
                    order: order.orderID.map { ShortagesPageModel.Link(text: numbers[$0] ?? "—", href: Route.order($0).path) })
            }, action: Route.production.path)
        return pages.views.render("production", ["page": model], context: context, status: status, current: Route.stock.path, notice: notice)
    }

    private func orderPage(_ id: ID<ProductionOrder>, _ context: DocketRequestContext, notice: String? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let language = context.language
        let order = try await store.production.productionOrder(id: id)
        let reports = try await store.production.reports(id)
        let people = try await store.auth.people(for: reports.map(\.actor) + [order.createdBy])
        let numbers = try await store.orders.numbers(of: order.orderID.map { [$0] } ?? [])
        let site = try? await store.warehouses.get(key: order.warehouseCode)
        let today = store.clock.now().date(utcOffsetHours: 8)
        let manage = Access.production.allows(context.identity?.roles)
        func text(_ key: String) -> String { Message(key).text(language) }
        func can(_ action: ProductionOrder.Action) -> Bool { manage && ProductionOrder.next(order.status, action) != nil }
        let model = ProductionOrderPageModel(
            title: "\(text("entity.productionOrder")) \(order.number)", error: error,
            status: text("production.status.\(order.status.rawValue)"), statusKey: order.status.rawValue, atRisk: order.atRisk,
            late: order.isLate(today: today),
            facts: [
                (text("ui.field.product"), "\(order.sku) \(order.productName)"),
                (text("ui.production.progress"), "\(order.produced)/\(order.quantity)"),
                (text("ui.field.warehouse"), site.map { People.place($0.value.name, code: order.warehouseCode, in: language) } ?? order.warehouseCode),
                (text("ui.production.due"), order.dueDate.iso8601), (text("ui.production.expected"), order.expectedDate?.iso8601 ?? "—"),
                (text("ui.field.who"), people.name(of: order.createdBy, in: language)),
            ].map { StockLotPageModel.Fact(label: $0.0, value: $0.1) },
            forOrder: order.orderID.map { ShortagesPageModel.Link(text: numbers[$0] ?? "—", href: Route.order($0).path) },
            specification: order.specification, specConfirmation: order.specConfirmation,
            confirmSpec: can(.confirmSpec) ? Route.productionAction(id, .confirmSpec).path : nil,
            start: can(.start) ? Route.productionAction(id, .start).path : nil, cancel: can(.cancel) ? Route.productionAction(id, .cancel).path : nil,
            report: can(.report) ? Route.productionAction(id, .report).path : nil, version: order.version,
            operations: order.operations.map { ProductionOrderPageModel.Step(name: $0.name, done: $0.done, when: "") },
            openOperations: order.operations.filter { !$0.done }.map(\.name),
            milestones: order.milestones.map {
                ProductionOrderPageModel.Step(
                    name: "\($0.name)（\($0.due.iso8601)）", done: $0.reachedAt != nil, when: $0.reachedAt.map(displayTime) ?? "")
            },
            openMilestones: order.milestones.filter { $0.reachedAt == nil }.map(\.name),
            reports: reports.map { entry in
                ProductionOrderPageModel.Report(
                    when: displayTime(entry.at), who: people.name(of: entry.actor, in: language), produced: entry.report.produced,
                    what: [entry.report.operation.map { Message("ui.production.operationDone", ["name": $0]).text(language) },
                           entry.report.milestone.map { Message("ui.production.milestoneReached", ["name": $0]).text(language) },
                           entry.report.expectedDate.map { Message("ui.production.expectedOn", ["date": $0.iso8601]).text(language) }]
                        .compactMap { $0 }.joined(separator: "；"),
                    problem: entry.report.problem ?? "")
            },
            backHref: Route.production.path)
        return pages.views.render("productionOrder", ["page": model], context: context, status: status, current: Route.stock.path, notice: notice)
    }
}

/// `production`: lines to plan, and the open production orders (not started first, by due date).
struct ProductionPageModel {
    struct Demand {
        var href: String
        var number: String
        var customer: String
        var promised: String
        var sku: String
        var quantity: Int64
        var specification: String
        var orderID: Int64
        var lineID: Int64
        var due: String
        var plan: Bool
        var warehouses: [PurchasingPageModel.Option]
    }

    struct Row {
        var href: String
        var number: String
        var product: String
        var progress: String
        var status: String
        var statusKey: String
        var due: String
        var expected: String
        var late: Bool
        var atRisk: Bool
        var order: ShortagesPageModel.Link?
    }

    var tabBar: ListPageModel.TabBar
    var error: String?
    var demand: [Demand]
    var orders: [Row]
    var action: String
}

/// `productionOrder`: one production order.
struct ProductionOrderPageModel {
    struct Step {
        var name: String
        var done: Bool
        var when: String
    }

    struct Report {
        var when: String
        var who: String
        var produced: Int64
        var what: String
        var problem: String
    }

    var title: String
    var error: String?
    var status: String
    var statusKey: String
    var atRisk: Bool
    var late: Bool
    var facts: [StockLotPageModel.Fact]
    var forOrder: ShortagesPageModel.Link?
    var specification: String?
    var specConfirmation: String?
    var confirmSpec: String?
    var start: String?
    var cancel: String?
    var report: String?
    var version: Int64
    var operations: [Step]
    var openOperations: [String]
    var milestones: [Step]
    var openMilestones: [String]
    var reports: [Report]
    var backHref: String
}
