import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// The lot page (批次详情: what is there, what happened to it, adjust or quarantine it) and the ledger's columns.
struct StockPages {
    let pages: WebPages
    var store: Store { pages.store }

    /// The stock pages' tabs (库存查询 · 库存汇总 · 库存流水 · 库存不足处理 · 调拨单 · 采购 · 生产), `current` marked.
    static func tabBar(_ current: Route, _ language: Language) -> ListPageModel.TabBar {
        let tabs: [(Route, String)] = [
            (.stock, "ui.stock.title"), (.stockTotals, "ui.stock.totals"), (.stockMovements, "ui.stock.movements"), (.shortages, "ui.shortages.title"),
            (.transfers, "ui.transfers.title"), (.purchasing, "ui.purchasing.title"), (.production, "ui.production.title"),
        ]
        return ListPageModel.TabBar(
            tabs: tabs.map { ListPageModel.Tab(label: Message($0.1).text(language), href: $0.0.path, current: $0.0 == current) })
    }

    /// The ledger entries `items` in words: their people by name and their orders by number, read once for all of them.
    static func ledger(_ items: [StockMovement], store: Store, language: Language) async throws -> (StockMovement) -> [ListPageModel.Cell] {
        let people = try await store.auth.people(for: items.map(\.actor))
        let orders = try await store.orders.numbers(of: items.compactMap(order(of:)))
        return { movementCells($0, people: people, orders: orders, language: language) }
    }

    static let movementColumns: [ListColumn] = [
        "ui.field.time", "ui.field.movement", "ui.field.sku", "ui.field.warehouse", "ui.field.location", "ui.field.lot",
        .init("ui.field.change", numeric: true), .init("ui.field.reservedChange", numeric: true), "ui.field.who", "ui.field.why",
    ]

    /// The order a ledger entry was made for (`order:<id>` in its reference).
    static func order(of movement: StockMovement) -> ID<Order>? {
        movement.reference.flatMap { $0.hasPrefix("order:") ? Int64($0.dropFirst(6)).map { ID($0) } : nil }
    }

    /// One ledger entry in words: the kind, signed changes, the person by name, the order (by number) or document and
    /// the reason.
    private static func movementCells(_ m: StockMovement, people: People, orders: [ID<Order>: String], language: Language) -> [ListPageModel.Cell] {
        func signed(_ value: Int64) -> String { value > 0 ? "+\(value)" : value == 0 ? "0" : String(value) }
        var why = [m.reference, m.note].compactMap { $0 }.filter { !$0.isEmpty }
        if let reference = m.reference, reference.hasPrefix("order:") {
            why.removeAll { $0 == reference }
        }
        let order = Self.order(of: m)
        if let order { why.insert(orders[order] ?? Message("ui.stock.forOrder").text(language), at: 0) }
        return [
            .init(displayTime(m.occurredAt)), .init(Message("movement.\(m.kind.rawValue)").text(language)), .init(m.sku),
            .init(m.warehouseCode), .init(m.locationCode), .init(m.lot.isEmpty ? "—" : m.lot), .init(signed(m.quantity)),
            .init(signed(m.reservedDelta)), .init(people.name(of: m.actor, in: language)),
            .init(why.joined(separator: " · "), link: order.map { Route.order($0).path }),
        ]
    }

    func register(on routes: SecureRoutes) {
        routes.get(.stockLot(.parameter), .staff) { request, context in
            let done = request.uri.queryParameters.get("done")
            let notice = done == "adjusted" ? "ui.stock.adjusted" : done == "quarantine" ? "ui.stock.quarantineSaved" : nil
            return try await page(try context.id(), context, notice: notice.map { Message($0).text(context.language) })
        }
        routes.post(.stockLotAdjust(.parameter), .stockAdjust) { request, context in
            let id: ID<StockLot> = try context.id()
            let form = try await Form.read(request, limit: 64 * 1024)
            let typed = form.text("quantity") ?? ""
            do {
                guard let quantity = Int64(typed.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "＋", with: "+")
                    .replacingOccurrences(of: "－", with: "-"))
                else { throw DocketError.invalid("quantity", "adjustmentOutOfRange", ["max": String(Bounds.quantity)]) }
                _ = try await store.stock.adjust(
                    StockAdjustment(lotID: id, quantity: quantity, reason: form.text("reason") ?? "", version: form.text("version").flatMap(Int64.init)),
                    by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.stockLot(id).with([("done", "adjusted")])])
            } catch let error as DocketError {
                return try await page(
                    id, context, typed: (typed, form.text("reason") ?? ""), problems: problems(error), status: status(error))
            }
        }
        routes.post(.stockLotQuarantine(.parameter), .stockAdjust) { request, context in
            let id: ID<StockLot> = try context.id()
            let form = try await Form.read(request, limit: 64 * 1024)
            do {
                _ = try await store.stock.setQuarantine(
                    lotID: id, LotQuarantine(quarantined: form.text("quarantined") == "on", reason: form.text("quarantineReason") ?? ""),
                    by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.stockLot(id).with([("done", "quarantine")])])
            } catch DocketError.invalid(let problems) {
                return try await page(
                    id, context, quarantineProblems: problems.map { $0.message.text(context.language) }, status: .unprocessableContent)
            }
        }
    }

    private func page(
        _ id: ID<StockLot>, _ context: DocketRequestContext, notice: String? = nil, typed: (quantity: String, reason: String) = ("", ""),
        problems: [FieldProblem] = [], quarantineProblems: [String] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let lot = try await store.stock.lot(id: id)
        let site = try? await store.warehouses.get(key: lot.warehouseCode)
        let movements = try await store.stock.stockMovements(StockQuery(lotID: id, limit: 50))
        let language = context.language
        let cells = try await Self.ledger(movements.items, store: store, language: language)
        func text(_ key: String) -> String { Message(key).text(language) }
        func problem(_ field: String) -> String? { problems.first { $0.field == field }.map { $0.message.text(language) } }
        let model = StockLotPageModel(
            title: "\(text("ui.stock.lot")) · \(lot.sku) \(lot.productName)",
            facts: [
                (text("ui.field.warehouse"), site.map { People.place($0.value.name, code: lot.warehouseCode, in: language) } ?? lot.warehouseCode),
                (text("ui.field.location"), lot.locationCode),
                (text("ui.field.lot"), lot.lot.isEmpty ? "—" : lot.lot), (text("ui.field.expiryDate"), lot.expiryDate?.iso8601 ?? "—"),
                (text("ui.field.onHand"), String(lot.onHand)), (text("ui.field.reserved"), String(lot.reserved)),
                (text("ui.field.available"), String(lot.available)),
            ].map { StockLotPageModel.Fact(label: $0.0, value: $0.1) },
            quarantined: lot.quarantined,
            manage: Access.stockAdjust.allows(context.identity?.roles)
                ? StockLotPageModel.Manage(
                    adjustAction: Route.stockLotAdjust(id).path, version: lot.version, quarantineAction: Route.stockLotQuarantine(id).path,
                    quantity: typed.quantity,
                    reason: typed.reason, quantityError: problem("quantity") ?? problem(""), reasonError: problem("reason"),
                    quarantineErrors: quarantineProblems.isEmpty ? nil : quarantineProblems.joined(separator: "；"))
                : nil,
            columns: Self.movementColumns.map { ListPageModel.Column(label: text($0.label), num: $0.numeric, mark: "") },
            movements: movements.items.map { ListPageModel.Row(cells($0), columns: Self.movementColumns) },
            backHref: Route.stock.with([("q", lot.sku)]))
        return pages.views.render("stockLot", ["page": model], context: context, status: status, current: Route.stock.path, notice: notice)
    }
}

/// The lot page's model (`stockLot` template).
struct StockLotPageModel {
    struct Fact {
        var label: String
        var value: String
    }

    struct Manage {
        var adjustAction: String
        /// The lot's version as shown: booked meanwhile, the count is refused rather than booked twice.
        var version: Int64
        var quarantineAction: String
        var quantity: String
        var reason: String
        var quantityError: String?
        var reasonError: String?
        var quarantineErrors: String?
    }


    var title: String
    var facts: [Fact]
    var quarantined: Bool
    /// For the warehouse and the admin.
    var manage: Manage?
    var columns: [ListPageModel.Column]
    var movements: [ListPageModel.Row]
    var backHref: String
}
