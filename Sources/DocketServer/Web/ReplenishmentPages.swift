import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// The shortage workbench's decisions, transfers (调拨单) and purchasing (采购: suggestions, purchase orders, deliveries).
struct ReplenishmentPages {
    let pages: WebPages
    var store: Store { pages.store }

    func register(on routes: SecureRoutes) {
        routes.get(.shortages, .staff) { request, context in
            let done = request.uri.queryParameters.get("done")
            return try await shortagesPage(context, notice: done == "recorded" ? Message("ui.shortages.recorded").text(context.language) : nil)
        }
        routes.post(.shortageDecision, .shortageDecision) { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            // The button says which option: `transfer:WH-SH`, `substitute:SKU-2`, `delay` …
            let chosen = (form.text("option") ?? "").split(separator: ":", maxSplits: 1).map(String.init)
            var choice = ShortageChoice(
                orderId: form.text("orderId").flatMap(Int64.init).map { ID($0) }, lineId: form.text("lineId").flatMap(Int64.init).map { ID($0) },
                option: chosen.first, consent: form.text("consent"), reason: form.text("reason"), decided: form.text("decided").flatMap { Int($0) })
            if chosen.count == 2 {
                if chosen[0] == ShortageOption.Kind.substitute.rawValue { choice.sku = chosen[1] } else { choice.warehouse = chosen[1] }
            }
            do {
                switch try await ShortageUseCases(store: store).resolve(choice, by: context, path: Route.shortageDecision.path) {
                case .change(let change):
                    return Response(
                        status: .seeOther, headers: [.location: Route.order(change.orderID).with([("done", "changeRequested")]) + "#change-\(change.id)"])
                case .transfer(let transfer):
                    return Response(status: .seeOther, headers: [.location: Route.transfers.with([("done", "requested")]) + "#transfer-\(transfer.id)"])
                case .purchaseOrder(let order):
                    return Response(status: .seeOther, headers: [.location: Route.purchaseOrder(order.id).with([("done", "ordered")])])
                case .productionOrder(let order):
                    return Response(status: .seeOther, headers: [.location: Route.productionOrder(order.id).with([("done", "planned")])])
                case .recorded:
                    return Response(status: .seeOther, headers: [.location: Route.shortages.with([("done", "recorded")])])
                }
            } catch let error as DocketError {
                return try await shortagesPage(context, error: (choice.lineId?.rawValue, Self.sentence(error, context.language)), status: status(error))
            }
        }
        routes.get(.transfers, .staff) { request, context in
            let done = request.uri.queryParameters.get("done") ?? ""
            let notice = ["requested", "ship", "receive", "cancel"].contains(done) ? Message("ui.transfers.done.\(done)").text(context.language) : nil
            return try await transfersPage(context, notice: notice)
        }
        routes.post(.transferAction(.parameter, .ship), .transfers) { request, context in try await transferStep(.ship, request, context) }
        routes.post(.transferAction(.parameter, .receive), .transfers) { request, context in try await transferStep(.receive, request, context) }
        routes.post(.transferAction(.parameter, .cancel), .transfers) { request, context in try await transferStep(.cancel, request, context) }
        routes.get(.purchasing, .staff) { request, context in
            let done = request.uri.queryParameters.get("done")
            return try await purchasingPage(context, notice: done == "cancelled" ? Message("ui.purchasing.cancelled").text(context.language) : nil)
        }
        routes.post(.purchasing, .purchasing) { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            let draft = PurchaseOrderDraft(
                supplierCode: form.text("supplierCode") ?? "", warehouseCode: form.text("warehouseCode") ?? "",
                lines: [PurchaseOrderDraft.Line(sku: form.text("sku") ?? "", quantity: Int64(form.text("quantity") ?? "") ?? 0)])
            do {
                let order = try await store.purchasing.create(draft, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.purchaseOrder(order.id).with([("done", "ordered")])])
            } catch let error as DocketError {
                let messages = problems(error).map { $0.message.text(context.language) }
                return try await purchasingPage(context, error: (draft.lines[0].sku, messages.joined(separator: "；")), status: status(error))
            }
        }
        routes.get(.purchaseOrder(.parameter), .staff) { request, context in
            let done = request.uri.queryParameters.get("done") ?? ""
            let notice = ["ordered", "received"].contains(done) ? Message("ui.purchasing.done.\(done)").text(context.language) : nil
            return try await purchaseOrderPage(try context.id(), context, notice: notice)
        }
        routes.post(.purchaseOrderReceive(.parameter), .purchaseReceive) { request, context in
            let id: ID<PurchaseOrder> = try context.id()
            let form = try await Form.read(request, limit: 256 * 1024)
            let order = try await store.purchasing.purchaseOrder(id: id)
            var lines: [PurchaseDelivery.Line] = []
            for line in order.lines {
                let typed = (form.text("quantity-\(line.id)") ?? "").trimmingCharacters(in: .whitespaces)
                guard !typed.isEmpty, typed != "0" else { continue }
                lines.append(
                    PurchaseDelivery.Line(
                        sku: line.sku, quantity: Int64(typed) ?? -1, lot: form.text("lot-\(line.id)").flatMap { $0.isEmpty ? nil : $0 },
                        expiryDate: form.text("expiry-\(line.id)").flatMap { CalendarDate.parse($0) }))
            }
            let delivery = PurchaseDelivery(
                locationCode: form.text("locationCode").flatMap { $0.isEmpty ? nil : $0 }, lines: lines, version: form.text("version").flatMap(Int64.init))
            do {
                _ = try await store.purchasing.receive(id, delivery, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.purchaseOrder(id).with([("done", "received")])])
            } catch let error as DocketError {
                let messages = problems(error).map { problem in
                    // `lines[1].lot` → the product of the delivery's second line.
                    let index = problem.field.hasPrefix("lines[") ? Int(problem.field.dropFirst(6).prefix { $0.isNumber }) : nil
                    let sku = index.flatMap { $0 < delivery.lines.count ? delivery.lines[$0].sku : nil }
                    return [sku, problem.message.text(context.language)].compactMap { $0 }.joined(separator: "：")
                }
                var typed: [Int64: PurchaseOrderPageModel.Typed] = [:]
                for line in order.lines {
                    typed[line.id] = PurchaseOrderPageModel.Typed(
                        quantity: form.text("quantity-\(line.id)") ?? "", lot: form.text("lot-\(line.id)") ?? "", expiry: form.text("expiry-\(line.id)") ?? "")
                }
                return try await purchaseOrderPage(id, context, error: messages.joined(separator: "；"), typed: typed, status: status(error))
            }
        }
        routes.post(.purchaseOrderCancel(.parameter), .purchasing) { request, context in
            let id: ID<PurchaseOrder> = try context.id()
            let form = try await Form.read(request, limit: 64 * 1024)
            _ = try await store.purchasing.cancel(id, version: form.text("version").flatMap(Int64.init), by: context.actor)
            return Response(status: .seeOther, headers: [.location: Route.purchasing.with([("done", "cancelled")])])
        }
    }

    /// A refusal in one sentence for the page it happened on: a lost race or a stale step says what changed.
    static func sentence(_ error: DocketError, _ language: Language) -> String {
        if case .conflict(let kind, let key, let because) = error {
            return Message("error.conflict.\(because)", ["entity": kind.message.text(language), "key": key]).text(language)
        }
        return problems(error).map { $0.message.text(language) }.joined(separator: "；")
    }

    // MARK: Shortages

    private func shortagesPage(
        _ context: DocketRequestContext, notice: String? = nil, error: (line: Int64?, message: String)? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        let lines = try await store.orders.shortages()
        let people = try await store.auth.people(for: lines.flatMap { $0.decisions.map(\.actor) })
        let roles = context.identity?.roles
        let named = try await placeNames(language)
        let model = ShortagesPageModel(
            tabBar: StockPages.tabBar(.shortages, language),
            lines: lines.map { line in
                let buttons = line.options.filter { ShortageUseCases.access($0.kind).allows(roles) }.map { option in
                    ShortagesPageModel.Button(
                        value: option.kind.rawValue + (option.kind == .transfer ? option.warehouse.map { ":" + $0 } ?? "" : "")
                            + (option.kind == .substitute ? option.sku.map { ":" + $0 } ?? "" : ""),
                        label: Message("ui.shortages.do.\(option.kind.rawValue)", ["warehouse": named(option).warehouse ?? "", "sku": option.sku ?? ""])
                            .text(language))
                }
                return ShortagesPageModel.Line(
                    href: Route.order(line.orderID).path, number: line.number,
                    customer: People.customer(line.customerCode, name: line.customerName, in: language), urgent: line.urgent || line.type != .stock,
                    type: Message("order.type.\(line.type.rawValue)").text(language), promised: line.promisedDate?.iso8601 ?? "—", sku: line.sku,
                    quantity: line.quantity, allocated: line.allocated, short: line.short,
                    options: line.options.map { named($0).message.text(language) },
                    decisions: line.decisions.map { decision in
                        ShortagesPageModel.Decision(
                            text: named(decision.option).message.text(language), reference: Self.reference(decision.reference, order: line.orderID, language),
                            who: people.name(of: decision.actor, in: language), when: displayTime(decision.decidedAt), reason: decision.reason ?? "")
                    },
                    hasDecisions: !line.decisions.isEmpty,
                    decide: buttons.isEmpty
                        ? nil
                        : ShortagesPageModel.Decide(
                            action: Route.shortageDecision.path, orderID: line.orderID.rawValue, lineID: line.lineID.rawValue, decided: line.decisions.count,
                            buttons: buttons,
                            needsConsent: buttons.contains { $0.value.hasPrefix("substitute") }),
                    error: error.flatMap { $0.line == line.lineID.rawValue ? $0.message : nil })
            },
            error: error.flatMap { error in lines.contains { $0.lineID.rawValue == error.line } ? nil : error.message })
        return pages.views.render("shortages", ["page": model], context: context, status: status, current: Route.stock.path, notice: notice)
    }

    /// Warehouses and suppliers by name (上海仓（SH）), for options, transfers and purchase orders.
    private func placeNames(_ language: Language) async throws -> PlaceNames {
        var names = PlaceNames()
        for warehouse in try await store.warehouses.list(ListQuery(limit: 200)).items {
            names.warehouses[warehouse.value.code] = People.place(warehouse.value.name, code: warehouse.value.code, in: language)
        }
        for supplier in try await store.suppliers.list(ListQuery(limit: 200)).items {
            names.suppliers[supplier.value.code] = People.place(supplier.value.name, code: supplier.value.code, in: language)
        }
        return names
    }

    struct PlaceNames {
        var warehouses: [String: String] = [:]
        var suppliers: [String: String] = [:]

        func warehouse(_ code: String) -> String { warehouses[code] ?? code }

        /// The option with its places named, as people read it.
        func callAsFunction(_ option: ShortageOption) -> ShortageOption {
            var option = option
            option.warehouse = option.warehouse.map(warehouse)
            option.toWarehouse = option.toWarehouse.map(warehouse)
            option.supplier = option.supplier.map { suppliers[$0] ?? $0 }
            return option
        }
    }

    /// A decision's document in words, linked: the transfer, the purchase order, or the change request on the order.
    static func reference(_ reference: String?, order: ID<Order>, _ language: Language) -> ShortagesPageModel.Link? {
        guard let reference else { return nil }
        if reference.hasPrefix("change:") {
            return ShortagesPageModel.Link(text: Message("ui.shortages.changeRequest").text(language), href: Route.order(order).path + "#change-\(reference.dropFirst(7))")
        }
        if reference.hasPrefix("TR-") { return ShortagesPageModel.Link(text: reference, href: Route.transfers.path) }
        if reference.hasPrefix("PO-") { return ShortagesPageModel.Link(text: reference, href: Route.purchasing.with([("q", reference)])) }
        return ShortagesPageModel.Link(text: reference, href: nil)
    }

    // MARK: Transfers

    private func transferStep(_ action: Transfer.Action, _ request: Request, _ context: DocketRequestContext) async throws -> Response {
        let id: ID<Transfer> = try context.id()
        let form = try await Form.read(request, limit: 64 * 1024)
        let version = form.text("version").flatMap(Int64.init)
        do {
            switch action {
            case .ship: _ = try await store.transfers.ship(id, version: version, by: context.actor)
            case .receive: _ = try await store.transfers.receive(id, version: version, by: context.actor)
            case .cancel: _ = try await store.transfers.cancel(id, version: version, by: context.actor)
            }
            return Response(status: .seeOther, headers: [.location: Route.transfers.with([("done", action.rawValue)]) + "#transfer-\(id)"])
        } catch let error as DocketError {
            return try await transfersPage(context, error: Self.sentence(error, context.language), status: status(error))
        }
    }

    private func transfersPage(_ context: DocketRequestContext, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let language = context.language
        let transfers = try await store.transfers.transfers(open: false, limit: 200)
        let orders = try await store.orders.numbers(of: transfers.compactMap(\.orderID))
        let people = try await store.auth.people(for: transfers.map(\.createdBy))
        let places = try await placeNames(language)
        let manage = Access.transfers.allows(context.identity?.roles)
        let model = TransfersPageModel(
            tabBar: StockPages.tabBar(.transfers, language), error: error,
            rows: transfers.map { transfer in
                TransfersPageModel.Row(
                    id: transfer.id.rawValue, number: transfer.number, product: "\(transfer.sku) \(transfer.productName)", from: places.warehouse(transfer.fromWarehouse),
                    to: places.warehouse(transfer.toWarehouse), quantity: transfer.quantity, status: Message("transfer.status.\(transfer.status.rawValue)").text(language),
                    statusKey: transfer.status.rawValue, eta: transfer.eta?.iso8601 ?? "—",
                    order: transfer.orderID.map { ShortagesPageModel.Link(text: orders[$0] ?? "—", href: Route.order($0).path) },
                    by: people.name(of: transfer.createdBy, in: language), version: transfer.version,
                    actions: manage
                        ? Transfer.Action.allCases.filter { Transfer.next(transfer.status, $0) != nil }.map {
                            TransfersPageModel.Action(
                                href: Route.transferAction(transfer.id, $0).path, label: Message("ui.transfers.\($0.rawValue)").text(language),
                                key: $0.rawValue)
                        } : [])
            })
        return pages.views.render("transfers", ["page": model], context: context, status: status, current: Route.stock.path, notice: notice)
    }

    // MARK: Purchasing

    private func purchasingPage(_ context: DocketRequestContext, notice: String? = nil, error: (sku: String, message: String)? = nil,
        status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let language = context.language
        let suggestions = try await store.purchasing.suggestions()
        let orders = try await store.purchasing.purchaseOrders(open: false, limit: 200)
        let warehouses = try await store.warehouses.list(ListQuery(limit: 200)).items.filter { $0.value.active }
        let canOrder = Access.purchasing.allows(context.identity?.roles)
        let places = try await placeNames(language)
        let model = PurchasingPageModel(
            tabBar: StockPages.tabBar(.purchasing, language), error: error.flatMap { e in suggestions.contains { $0.sku == e.sku } ? nil : e.message },
            suggestions: suggestions.map { s in
                PurchasingPageModel.Suggestion(
                    sku: s.sku, product: "\(s.sku) \(s.productName)",
                    supplier: s.supplierCode.map { People.place(s.supplierName ?? $0, code: $0, in: language) } ?? Message("ui.purchasing.noSupplier").text(language),
                    supplierCode: s.supplierCode ?? "", leadTime: s.leadTimeDays.map { Message("ui.purchasing.days", ["days": String($0)]).text(language) } ?? "—",
                    waiting: s.waiting, onOrder: s.onOrder, demand: s.recentDemand, suggested: s.suggested,
                    order: canOrder && s.supplierCode != nil,
                    warehouses: warehouses.enumerated().map { offset, site in
                        PurchasingPageModel.Option(
                            value: site.value.code, label: site.value.name, selected: s.warehouse.map { $0 == site.value.code } ?? (offset == 0))
                    },
                    error: error.flatMap { $0.sku == s.sku ? $0.message : nil })
            },
            orders: orders.map { order in
                PurchasingPageModel.Order(
                    href: Route.purchaseOrder(order.id).path, number: order.number,
                    supplier: People.place(order.supplierName ?? order.supplierCode, code: order.supplierCode, in: language), warehouse: places.warehouse(order.warehouseCode),
                    lines: order.lines.map { "\($0.sku) × \($0.quantity)" }.joined(separator: "，"),
                    received: order.lines.map { "\($0.received)/\($0.quantity)" }.joined(separator: "，"),
                    status: Message("purchaseOrder.status.\(order.status.rawValue)").text(language), statusKey: order.status.rawValue,
                    eta: order.eta?.iso8601 ?? "—")
            }, action: Route.purchasing.path)
        return pages.views.render("purchasing", ["page": model], context: context, status: status, current: Route.stock.path, notice: notice)
    }

    /// `typed`: what the receiver typed per line, kept when the delivery is refused.
    private func purchaseOrderPage(_ id: ID<PurchaseOrder>, _ context: DocketRequestContext, notice: String? = nil, error: String? = nil,
        typed: [Int64: PurchaseOrderPageModel.Typed] = [:], status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let language = context.language
        let order = try await store.purchasing.purchaseOrder(id: id)
        let locations = try await store.stock.locations(in: try await store.warehouses.get(key: order.warehouseCode).id).filter(\.location.active)
        let numbers = try await store.orders.numbers(of: order.orderID.map { [$0] } ?? [])
        let number = order.orderID.flatMap { numbers[$0] }
        let people = try await store.auth.people(for: [order.createdBy])
        let places = try await placeNames(language)
        func text(_ key: String) -> String { Message(key).text(language) }
        let model = PurchaseOrderPageModel(
            title: "\(text("entity.purchaseOrder")) \(order.number)", error: error,
            status: Message("purchaseOrder.status.\(order.status.rawValue)").text(language), statusKey: order.status.rawValue,
            facts: [
                (text("ui.field.supplier"), People.place(order.supplierName ?? order.supplierCode, code: order.supplierCode, in: language)),
                (text("ui.field.warehouse"), places.warehouse(order.warehouseCode)), (text("ui.purchasing.eta"), order.eta?.iso8601 ?? "—"),
                (text("ui.field.who"), people.name(of: order.createdBy, in: language)), (text("ui.field.time"), displayTime(order.createdAt)),
            ].map { StockLotPageModel.Fact(label: $0.0, value: $0.1) },
            forOrder: order.orderID.map { ShortagesPageModel.Link(text: number ?? "—", href: Route.order($0).path) },
            lines: order.lines.map {
                PurchaseOrderPageModel.Line(
                    id: $0.id, product: "\($0.sku) \($0.productName)", quantity: $0.quantity, received: $0.received, outstanding: $0.outstanding,
                    typed: typed[$0.id] ?? PurchaseOrderPageModel.Typed(quantity: String($0.outstanding), lot: "", expiry: ""))
            },
            receive: order.status.isOpen && Access.purchaseReceive.allows(context.identity?.roles)
                ? PurchaseOrderPageModel.Receive(
                    action: Route.purchaseOrderReceive(id).path, version: order.version,
                    locations: locations.map {
                        PurchasingPageModel.Option(
                            value: $0.location.code, label: [$0.location.code, $0.location.name].compactMap { $0 }.joined(separator: " "), selected: false)
                    })
                : nil,
            cancel: order.status.isOpen && Access.purchasing.allows(context.identity?.roles)
                ? PurchaseOrderPageModel.Cancel(action: Route.purchaseOrderCancel(id).path, version: order.version) : nil,
            backHref: Route.purchasing.path)
        return pages.views.render("purchaseOrder", ["page": model], context: context, status: status, current: Route.stock.path, notice: notice)
    }
}

/// The shortage workbench's list (`shortages` template): each short line, most urgent first, with its options,
/// what was chosen so far, and a button for each option the reader may carry out.
struct ShortagesPageModel {
    struct Link {
        var text: String
        var href: String?
    }

    struct Decision {
        var text: String
        var reference: Link?
        var who: String
        var when: String
        var reason: String
    }

    struct Button {
        var value: String
        var label: String
    }

    struct Decide {
        var action: String
        var orderID: Int64
        var lineID: Int64
        /// The choices the line showed: sent back, so the same choice sent twice is refused.
        var decided: Int
        var buttons: [Button]
        /// A substitute is among the buttons: the customer's consent is asked for.
        var needsConsent: Bool
    }

    struct Line {
        var href: String
        var number: String
        var customer: String
        var urgent: Bool
        var type: String
        var promised: String
        var sku: String
        var quantity: Int64
        var allocated: Int64
        var short: Int64
        var options: [String]
        var decisions: [Decision]
        /// Mustache reads stored properties only.
        var hasDecisions: Bool
        var decide: Decide?
        var error: String?
    }

    var tabBar: ListPageModel.TabBar
    var lines: [Line]
    var error: String?
}

/// `transfers`: every transfer, newest first, with the steps the reader may take.
struct TransfersPageModel {
    struct Action {
        var href: String
        var label: String
        var key: String
    }

    struct Row {
        var id: Int64
        var number: String
        var product: String
        var from: String
        var to: String
        var quantity: Int64
        var status: String
        var statusKey: String
        var eta: String
        var order: ShortagesPageModel.Link?
        var by: String
        var version: Int64
        var actions: [Action]
    }

    var tabBar: ListPageModel.TabBar
    var error: String?
    var rows: [Row]
}

extension Array where Element == PurchasingPageModel.Option {
    /// A list's warehouse filter (the shipping queue's, the board's): all warehouses first, then each by name.
    static func warehouseFilter(_ warehouses: [Warehouse], chosen: String?, _ language: Language) -> [PurchasingPageModel.Option] {
        [PurchasingPageModel.Option(value: "", label: Message("ui.ship.allWarehouses").text(language), selected: chosen == nil)]
            + warehouses.map { PurchasingPageModel.Option(value: $0.code, label: $0.name, selected: $0.code == chosen) }
    }
}

/// `purchasing`: what to buy (采购建议) and the purchase orders.
struct PurchasingPageModel {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Suggestion {
        var sku: String
        var product: String
        var supplier: String
        var supplierCode: String
        var leadTime: String
        var waiting: Int64
        var onOrder: Int64
        var demand: Int64
        var suggested: Int64
        /// The reader may order it (and it has a supplier).
        var order: Bool
        var warehouses: [Option]
        var error: String?
    }

    struct Order {
        var href: String
        var number: String
        var supplier: String
        var warehouse: String
        var lines: String
        var received: String
        var status: String
        var statusKey: String
        var eta: String
    }

    var tabBar: ListPageModel.TabBar
    var error: String?
    var suggestions: [Suggestion]
    var orders: [Order]
    var action: String
}

/// `purchaseOrder`: one purchase order, its lines, and the delivery form.
struct PurchaseOrderPageModel {
    struct Typed {
        var quantity: String
        var lot: String
        var expiry: String
    }

    struct Line {
        var id: Int64
        var product: String
        var quantity: Int64
        var received: Int64
        var outstanding: Int64
        /// The delivery form's inputs: the outstanding quantity at first, what was typed after a refusal.
        var typed: Typed
    }

    struct Receive {
        var action: String
        var version: Int64
        var locations: [PurchasingPageModel.Option]
    }

    struct Cancel {
        var action: String
        var version: Int64
    }

    var title: String
    var error: String?
    var status: String
    var statusKey: String
    var facts: [StockLotPageModel.Fact]
    var forOrder: ShortagesPageModel.Link?
    var lines: [Line]
    var receive: Receive?
    var cancel: Cancel?
    var backHref: String
}
