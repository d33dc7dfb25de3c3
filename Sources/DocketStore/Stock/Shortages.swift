import DocketCore
import Foundation

/// A line allocation could not cover, with the ways to cover it (库存不足处理).
public struct ShortLine: Sendable, Hashable, Codable {
    public var orderID: ID<Order>
    public var number: String
    public var customerCode: String
    public var customerName: String?
    public var urgent: Bool
    public var type: OrderType
    public var receivedAt: Timestamp
    public var promisedDate: CalendarDate?
    public var lineID: ID<OrderLine>
    public var sku: String
    public var quantity: Int64
    public var allocated: Int64
    public var short: Int64
    public var options: [ShortageOption]
    /// What was chosen for the line so far, newest first (a transfer on its way, a purchase ordered …).
    public var decisions: [ShortageDecision]
}

extension OrderRepository {
    /// The numbers of these orders (for pages that name orders found by id, such as the stock ledger's references).
    public func numbers(of ids: [ID<Order>]) async throws -> [ID<Order>: String] {
        let ids = Array(Set(ids)).prefix(1_000)
        guard !ids.isEmpty else { return [:] }
        var where_ = Conditions()
        where_.add("id IN \(where_.list(Array(ids)))")
        var numbers: [ID<Order>: String] = [:]
        for row in try await engine.read(Statement(SQL("SELECT id, number FROM orders\(where_.clause)"), where_.binds)) {
            numbers[try row.id()] = try row.text("number")
        }
        return numbers
    }

    /// The short lines of orders holding stock, most urgent first, then by receipt (`DemandPriority`), each with its
    /// options (`Shortage.options`): what other warehouses have (from the plan's notes), the product's supplier
    /// and lead time, its substitutes' usable stock.
    public func shortages(limit: Int = 200) async throws -> [ShortLine] {
        let orders = try await engine.read(
            Statement(
                SQL(
                    """
                    SELECT o.id, o.number, o.status AS order_status, o.customer_code, c.name AS customer_name, o.urgent, o.type, o.received_at, o.promised_date,
                           o.delivery_address, a.status, a.firm, a.plan, a.planned_at, a.expires_at
                    FROM orders o JOIN order_allocations a ON a.order_id = o.id LEFT JOIN customers c ON c.code = o.customer_code
                    WHERE a.status IN ('partial', 'none') AND \(Store.holdsStockCondition)
                    ORDER BY o.received_at, o.id LIMIT $1
                    """), [Int64(max(1, min(limit, 1000)))]))
        struct Waiting {
            var row: SQLRow
            var plan: AllocationPlan
            var priority: DemandPriority
        }
        // Their current lines, so lines a change added (planned before they had ids) are named by id too.
        var ids = Conditions()
        ids.add("order_id IN \(ids.list(try orders.map { try $0.id() as ID<Order> }))")
        ids.add("removed_in_revision IS NULL")
        var linesOf: [Int64: [OrderIntake.PricedLine]] = [:]
        if !orders.isEmpty {
            for row in try await engine.read(Statement(SQL("SELECT *, NULL AS name_en FROM order_lines\(ids.clause) ORDER BY order_id, line_no"), ids.binds)) {
                linesOf[try row.int("order_id"), default: []].append(try Store.orderLine(row))
            }
        }
        let waiting = try orders.map { row in
            Waiting(
                row: row, plan: try Store.storedAllocation(row, lines: linesOf[try row.int("id")] ?? []).plan,
                priority: DemandPriority(
                    urgent: try row.bool("urgent"), type: OrderType(rawValue: try row.text("type")) ?? .stock,
                    receivedAt: try row.timestamp("received_at"), orderID: try row.id()))
        }.sorted { $0.priority < $1.priority }
        let skus = Array(Set(waiting.flatMap { $0.plan.lines.filter { $0.short > 0 }.map(\.sku) }))
        guard !skus.isEmpty else { return [] }
        var products = Conditions()
        products.add("sku IN \(products.list(skus))")
        let facts = try await engine.read([
            Statement(SQL("SELECT sku, default_supplier_code, substitute_skus, make_to_order FROM products\(products.clause)"), products.binds),
            Statement("SELECT code, lead_time_days FROM suppliers WHERE archived = FALSE", []),
            Statement("SELECT code, latitude, longitude, active, archived FROM warehouses ORDER BY code", []),
        ])
        var supplierOf: [String: String] = [:]
        var substitutesOf: [String: [String]] = [:]
        var producible: Set<String> = []
        for row in facts[0] {
            let sku = try row.text("sku")
            // Made in house: made to order, or bought from no one.
            if try row.bool("make_to_order") || row.optionalText("default_supplier_code") == nil { producible.insert(sku) }
            supplierOf[sku] = row.optionalText("default_supplier_code")
            substitutesOf[sku] = try JSONColumn.decode([String].self, try row.text("substitute_skus"), column: "substitute_skus")
        }
        var leadTime: [String: Int] = [:]
        for row in facts[1] { leadTime[try row.text("code")] = Int(try row.int("lead_time_days")) }
        var sites: [String: GeoPoint] = [:]
        var active: [String] = []
        for row in facts[2] {
            let code = try row.text("code")
            if try row.bool("active") && !(try row.bool("archived")) { active.append(code) }
            sites[code] = row.geoPoint
        }
        let decisions = Dictionary(grouping: try await shortageDecisions(orderIDs: waiting.map(\.priority.orderID)), by: { $0.lineID })
        let substituteStock = try await store.stock.availability(skus: Array(Set(substitutesOf.values.flatMap { $0 })))
        let today = clock.now().date(utcOffsetHours: 8)
        var result: [ShortLine] = []
        for order in waiting {
            let address = try order.row.optionalText("delivery_address").map { try JSONColumn.decode(Address.self, $0, column: "delivery_address") }
            // Distances to the warehouse that ships the order, or to the address when none does yet.
            let shipFrom = order.plan.warehouses.first
            let target = shipFrom.flatMap { sites[$0] } ?? address?.point
            // A purchase for an order nothing ships yet goes to the active warehouse nearest the address.
            let receiveAt =
                shipFrom
                ?? active.min { a, b in
                    (both(sites[a], address?.point).map { $0.kilometres(to: $1) } ?? .max) < (both(sites[b], address?.point).map { $0.kilometres(to: $1) } ?? .max)
                }
            for line in order.plan.lines where line.short > 0 {
                let elsewhere = line.explanation.compactMap { note -> (warehouse: String, available: Int64, kilometres: Int)? in
                    guard [.notEnough, .splitLimit, .wouldSplit].contains(note.verdict), let warehouse = note.warehouse,
                        let available = note.available, available > 0
                    else { return nil }
                    let kilometres = both(sites[warehouse], target).map { $0.kilometres(to: $1) } ?? 1_000
                    return (warehouse, available, kilometres)
                }
                let supplier = supplierOf[line.sku].flatMap { code in leadTime[code].map { (code: code, leadTimeDays: $0) } }
                let substitutes = (substitutesOf[line.sku] ?? []).map { (sku: $0, available: substituteStock[$0]?.available ?? 0) }
                let options = Shortage.options(
                    Shortage.Facts(
                        sku: line.sku, short: line.short, allocated: line.allocated, elsewhere: elsewhere, supplier: supplier,
                        substitutes: substitutes, shipFrom: shipFrom, receiveAt: receiveAt, promised: try order.row.optionalDate("promised_date"),
                        producible: producible.contains(line.sku),
                        atWarehouses: OrderWorkflow.released.contains(OrderStatus(rawValue: try order.row.text("order_status")) ?? .confirmed)),
                    today: today)
                result.append(
                    ShortLine(
                        orderID: order.priority.orderID, number: try order.row.text("number"), customerCode: try order.row.text("customer_code"),
                        customerName: order.row.optionalText("customer_name"), urgent: order.priority.urgent, type: order.priority.type,
                        receivedAt: order.priority.receivedAt, promisedDate: try order.row.optionalDate("promised_date"), lineID: line.lineID,
                        sku: line.sku, quantity: line.quantity, allocated: line.allocated, short: line.short, options: options,
                        decisions: decisions[line.lineID] ?? []))
            }
        }
        return result
    }
}

private func both(_ a: GeoPoint?, _ b: GeoPoint?) -> (GeoPoint, GeoPoint)? {
    guard let a, let b else { return nil }
    return (a, b)
}

/// A shortage decision about to be written with what carries it out (a transfer, a purchase order, a change
/// request), so the choice and its document commit together.
public struct ShortageDecisionDraft: Sendable {
    public var orderID: ID<Order>
    public var lineID: ID<OrderLine>
    public var option: ShortageOption
    public var reason: String?
    public var actor: Actor
    /// How many decisions the line had when the person chose (the page sends what it showed): this one is numbered
    /// after them, and the line's numbers are unique, so the same choice sent twice is refused, not carried out twice.
    /// Nil: after those in the database now.
    public var seen: Int?

    public init(orderID: ID<Order>, lineID: ID<OrderLine>, option: ShortageOption, reason: String?, actor: Actor, seen: Int? = nil) {
        self.seen = seen
        self.orderID = orderID
        self.lineID = lineID
        self.option = option
        self.reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.actor = actor
    }

    /// The decision's row and the order's audit event; `reference` is a one-value query of the document's number
    /// from its id bound at `$1` (`document`).
    func statements(reference: String, _ document: any SQLBindable, at now: Timestamp) throws -> [Statement] {
        let option = try JSONColumn.encode(self.option)
        return [
            Statement(
                SQL(
                    """
                    INSERT INTO shortage_decisions (order_id, line_id, kind, option, reference, reason, actor, decided_at, seq)
                    SELECT $2, $3, $4, $5, (\(reference)), $6, $7, $8,
                           COALESCE($9, (SELECT COUNT(*) FROM shortage_decisions d WHERE d.order_id = $2 AND d.line_id = $3)) + 1
                    """), [document, orderID, lineID, self.option.kind.rawValue, option, reason, actor.description, now, seen.map { Int64($0) }],
                expect: .rows(1), label: "shortage_decisions"),
            Store.audit(
                "shortage_decided", .order, id: orderID, by: actor, at: now,
                data: try JSONColumn.encode(["option": self.option.kind.rawValue, "reason": reason ?? ""])),
        ]
    }
}

extension OrderRepository {
    /// 部分发货: what is allocated may ship, the rest waits as a backorder and is served when stock arrives. Only the
    /// decision is written (fulfilment reads it).
    public func allowPartialShipment(_ decision: ShortageDecisionDraft) async throws {
        _ = try await engine.write(try decision.statements(reference: "SELECT CAST($1 AS TEXT)", Optional<String>.none, at: clock.now()))
    }

    /// The decisions taken on an order's short lines, newest first.
    public func shortageDecisions(orderIDs: [ID<Order>]) async throws -> [ShortageDecision] {
        guard !orderIDs.isEmpty else { return [] }
        var where_ = Conditions()
        where_.add("order_id IN \(where_.list(Array(Set(orderIDs)).prefix(1_000).map { $0 }))")
        return try await engine.read(Statement(SQL("SELECT * FROM shortage_decisions\(where_.clause) ORDER BY id DESC"), where_.binds)).map { row in
            ShortageDecision(
                id: try row.int("id"), orderID: try row.id("order_id"), lineID: try row.id("line_id"),
                option: try JSONColumn.decode(ShortageOption.self, try row.text("option"), column: "option"), reference: row.optionalText("reference"),
                reason: row.optionalText("reason"), actor: try row.text("actor"), decidedAt: try row.timestamp("decided_at"))
        }
    }
}
