import DocketCore
import Foundation

/// 采购单: ordered from a supplier into one warehouse, received against in one or more deliveries (each a receipt
/// in the ledger whose reference is the order's number), each delivery guarded by the order's version so the same
/// goods are never booked twice.
public struct PurchasingRepository: Repository {
    public let store: Store
}

/// A product that orders are waiting for, with what purchasing would order (采购建议).
public struct PurchaseSuggestion: Sendable, Hashable, Codable {
    public var sku: String
    public var productName: String
    public var supplierCode: String?
    public var supplierName: String?
    public var leadTimeDays: Int?
    /// What the waiting orders lack, all together.
    public var waiting: Int64
    public var available: Int64
    /// Still to arrive on open purchase orders.
    public var onOrder: Int64
    /// Ordered in the last `Replenishment.demandWindowDays` days.
    public var recentDemand: Int64
    public var suggested: Int64
    /// Where the first waiting order wants it delivered (the warehouse that ships it, or the nearest).
    public var warehouse: String?
}

extension Store {
    public var purchasing: PurchasingRepository { PurchasingRepository(store: self) }
}

extension PurchasingRepository {
    static let select = """
        SELECT po.*, s.code AS supplier_code, s.name AS supplier_name, w.code AS warehouse_code
        FROM purchase_orders po JOIN suppliers s ON s.id = po.supplier_id JOIN warehouses w ON w.id = po.warehouse_id
        """

    /// 下采购单: checks the supplier, the warehouse and the products; the ETA defaults to the supplier's lead time.
    /// `decision` is the shortage decision it carries out, written in the same transaction.
    public func create(_ draft: PurchaseOrderDraft, by actor: Actor, decision: ShortageDecisionDraft? = nil) async throws -> PurchaseOrder {
        try draft.validate()
        let now = clock.now()
        let today = now.date(utcOffsetHours: 8)
        var products = Conditions()
        products.add("sku IN \(products.list(draft.lines.map(\.sku)))")
        let facts = try await engine.read([
            Statement("SELECT id, archived, lead_time_days FROM suppliers WHERE code = $1", [draft.supplierCode]),
            Statement("SELECT id, active, archived FROM warehouses WHERE code = $1", [draft.warehouseCode]),
            Statement(SQL("SELECT id, sku, archived FROM products\(products.clause)"), products.binds),
        ])
        var v = Validator()
        let supplier = facts[0].first, warehouse = facts[1].first
        if let supplier {
            if try supplier.bool("archived") { v.add("supplierCode", "archived", ["value": draft.supplierCode]) }
        } else {
            v.add("supplierCode", "notFound", ["value": draft.supplierCode])
        }
        if let warehouse {
            if try warehouse.bool("archived") || !(try warehouse.bool("active")) { v.add("warehouseCode", "inactive", ["value": draft.warehouseCode]) }
        } else {
            v.add("warehouseCode", "notFound", ["value": draft.warehouseCode])
        }
        var productID: [String: Int64] = [:]
        for row in facts[2] where !(try row.bool("archived")) { productID[try row.text("sku")] = try row.int("id") }
        for (index, line) in draft.lines.enumerated() where productID[line.sku] == nil {
            v.add("lines[\(index)].sku", "notFound", ["value": line.sku])
        }
        try v.check()
        let leadTime = Int(try supplier!.int("lead_time_days"))
        let eta = draft.eta ?? today.adding(days: leadTime)
        let day = today.compactISO
        let insert = """
            INSERT INTO purchase_orders (supplier_id, warehouse_id, status, eta, order_id, line_id, note, created_by, created_at, version, number)
            VALUES ($1, $2, 'ordered', $3, $4, $5, $6, $7, $8, 1, %@)
            RETURNING id
            """
        var statements = [
            Store.nextNumber(key: "PO-\(day)"),
            Statement(
                Store.numbered(insert, prefix: "PO", day: 9, value: 10),
                [try supplier!.int("id"), try warehouse!.int("id"), eta, draft.orderId, draft.lineId,
                 draft.note?.trimmingCharacters(in: .whitespacesAndNewlines), actor.description, now, day, Bind.result(statement: 0, column: "last_value")],
                expect: .rows(1), label: "purchase_orders"),
        ]
        let order = Bind.result(statement: 1, column: "id")
        var values: [String] = []
        var binds: [any SQLBindable] = [order]
        for line in draft.lines {
            values.append("($1, $\(binds.count + 1), $\(binds.count + 2), 0)")
            binds += [productID[line.sku]!, line.quantity]
        }
        statements += [
            Statement(
                SQL("INSERT INTO purchase_order_lines (purchase_order_id, product_id, quantity, received) VALUES \(values.joined(separator: ", "))"), binds,
                expect: .rows(draft.lines.count), label: "purchase_order_lines"),
            audit("ordered", .purchaseOrder, id: order, by: actor, at: now, data: try JSONColumn.encode(draft)),
        ]
        if let decision { statements += try decision.statements(reference: "SELECT number FROM purchase_orders WHERE id = $1", order, at: now) }
        let rows = try await engine.write(statements)
        return try await purchaseOrder(id: try rows[1][0].id())
    }

    /// 到货入库: a delivery against the order; each line a receipt (lot and expiry checked as any receipt) on a
    /// location of the order's warehouse. Orders waiting for the products are served.
    public func receive(_ id: ID<PurchaseOrder>, _ delivery: PurchaseDelivery, by actor: Actor) async throws -> PurchaseOrder {
        let order = try await purchaseOrder(id: id)
        let now = clock.now()
        let received = try order.receiving(delivery.lines.map { (sku: $0.sku, quantity: $0.quantity) })
        let location: String
        if let code = delivery.locationCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            location = code
        } else {
            guard
                let row = try await engine.read(
                    Statement(
                        "SELECT l.code FROM locations l JOIN warehouses w ON w.id = l.warehouse_id WHERE w.code = $1 AND l.active = TRUE ORDER BY l.code LIMIT 1",
                        [order.warehouseCode])
                ).first
            else { throw DocketError.invalid("locationCode", "noActiveLocation", ["value": order.warehouseCode]) }
            location = try row.text("code")
        }
        var statements = [
            Statement(
                "UPDATE purchase_orders SET status = $2, version = version + 1 WHERE id = $1 AND version = $3",
                [id, received.status.rawValue, delivery.version ?? order.version], expect: .rows(1), label: "purchase_orders.version"),
            audit("delivered", .purchaseOrder, id: id, by: actor, at: now, data: try JSONColumn.encode(delivery)),
        ]
        for (index, item) in delivery.lines.enumerated() {
            let receipt = StockReceipt(
                sku: item.sku, warehouseCode: order.warehouseCode, locationCode: location, lot: item.lot, quantity: item.quantity, receivedAt: now,
                expiryDate: item.expiryDate, reference: order.number)
            let row: SQLRow
            do {
                try receipt.validate()
                row = try await store.stock.checkReceipt(receipt, receivedAt: now)
            } catch DocketError.invalid(let problems) {
                // Named by the delivery's line, except the location, which is the delivery's.
                throw DocketError.invalid(
                    problems.map { FieldProblem($0.field == "locationCode" ? $0.field : "lines[\(index)].\($0.field)", $0.code, $0.arguments) })
            }
            let line = order.lines.first { $0.sku == item.sku }!
            statements.append(
                Statement(
                    "UPDATE purchase_order_lines SET received = received + $2 WHERE id = $1 AND received + $2 <= quantity", [line.id, item.quantity],
                    expect: .rows(1), label: "purchase_orders.version"))
            statements += try store.stock.receiptStatements(
                receipt, product: try row.int("product_id"), warehouse: try row.int("warehouse_id"), location: try row.int("location_id"), by: actor,
                at: now, first: statements.count)
        }
        do {
            _ = try await engine.write(statements)
        } catch StoreError.guardFailed(let label) where label == "purchase_orders.version" {
            throw DocketError.conflict(.purchaseOrder, key: order.number)
        }
        return try await purchaseOrder(id: id)
    }

    /// 取消采购单: what has arrived stays; nothing more is expected.
    public func cancel(_ id: ID<PurchaseOrder>, version: Int64? = nil, by actor: Actor) async throws -> PurchaseOrder {
        let order = try await purchaseOrder(id: id)
        guard order.status.isOpen else {
            throw DocketError.conflict(.purchaseOrder, key: order.number, because: "purchaseOrder.\(order.status.rawValue)")
        }
        let now = clock.now()
        do {
            _ = try await engine.write([
                Statement(
                    "UPDATE purchase_orders SET status = 'cancelled', version = version + 1 WHERE id = $1 AND version = $2",
                    [id, version ?? order.version], expect: .rows(1), label: "purchase_orders.version"),
                audit("cancelled", .purchaseOrder, id: id, by: actor, at: now),
            ])
        } catch StoreError.guardFailed {
            throw DocketError.conflict(.purchaseOrder, key: order.number)
        }
        return try await purchaseOrder(id: id)
    }

    public func purchaseOrder(id: ID<PurchaseOrder>) async throws -> PurchaseOrder {
        let rows = try await engine.read([
            Statement(SQL(Self.select + " WHERE po.id = $1"), [id]),
            Statement(
                """
                SELECT l.*, p.sku, p.name_zh FROM purchase_order_lines l JOIN products p ON p.id = l.product_id
                WHERE l.purchase_order_id = $1 ORDER BY l.id
                """, [id]),
        ])
        guard let row = rows[0].first else { throw DocketError.notFound(.purchaseOrder, key: id.description) }
        return try Self.purchaseOrder(row, lines: rows[1])
    }

    /// Purchase orders, newest first: the open ones unless `open` is false.
    public func purchaseOrders(open: Bool = true, limit: Int = 200) async throws -> [PurchaseOrder] {
        let filter = open ? " WHERE po.status IN ('ordered', 'partiallyReceived')" : ""
        let orders = try await engine.read(Statement(SQL(Self.select + filter + " ORDER BY po.id DESC LIMIT \(max(1, min(limit, 1000)))")))
        guard !orders.isEmpty else { return [] }
        var where_ = Conditions()
        where_.add("l.purchase_order_id IN \(where_.list(try orders.map { try $0.int("id") }))")
        var linesOf: [Int64: [SQLRow]] = [:]
        for row in try await engine.read(
            Statement(
                SQL("SELECT l.*, p.sku, p.name_zh FROM purchase_order_lines l JOIN products p ON p.id = l.product_id\(where_.clause) ORDER BY l.id"),
                where_.binds))
        {
            linesOf[try row.int("purchase_order_id"), default: []].append(row)
        }
        return try orders.map { try Self.purchaseOrder($0, lines: linesOf[try $0.int("id")] ?? []) }
    }

    static func purchaseOrder(_ row: SQLRow, lines: [SQLRow]) throws -> PurchaseOrder {
        guard let status = PurchaseOrder.Status(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
        return PurchaseOrder(
            id: try row.id(), number: try row.text("number"), supplierCode: try row.text("supplier_code"), supplierName: row.optionalText("supplier_name"),
            warehouseCode: try row.text("warehouse_code"), status: status, eta: try row.optionalDate("eta"),
            orderID: row.optionalInt("order_id").map { ID($0) }, lineID: row.optionalInt("line_id").map { ID($0) }, note: row.optionalText("note"),
            createdBy: try row.text("created_by"), createdAt: try row.timestamp("created_at"), version: try row.int("version"),
            lines: try lines.map {
                PurchaseOrder.Line(
                    id: try $0.int("id"), sku: try $0.text("sku"), productName: try $0.text("name_zh"), quantity: try $0.int("quantity"),
                    received: try $0.int("received"))
            })
    }

    /// 采购建议: every product short lines wait for, with its supplier, what is free and on order, the last 30 days'
    /// demand and the quantity `Replenishment.suggestedQuantity` would order. Products fully covered by what is
    /// on order are left out. `shortages`: the short lines when the caller has read them already.
    public func suggestions(shortages: [ShortLine]? = nil) async throws -> [PurchaseSuggestion] {
        var waiting: [String: Int64] = [:]
        var deliverTo: [String: String] = [:]
        let lines: [ShortLine]
        if let shortages { lines = shortages } else { lines = try await store.orders.shortages(limit: 1000) }
        for line in lines {
            waiting[line.sku, default: 0] += line.short
            if deliverTo[line.sku] == nil { deliverTo[line.sku] = line.options.first { $0.kind == .purchase }?.toWarehouse }
        }
        guard !waiting.isEmpty else { return [] }
        let now = clock.now()
        var where_ = Conditions()
        let skus = where_.list(Array(waiting.keys))
        let since = where_.bind(now.adding(days: -Replenishment.demandWindowDays))
        let rows = try await engine.read(
            Statement(
                SQL(
                    """
                    SELECT p.sku, p.name_zh, s.code AS supplier_code, s.name AS supplier_name, s.lead_time_days,
                        CAST(COALESCE((SELECT SUM(l.quantity - l.received) FROM purchase_order_lines l JOIN purchase_orders po ON po.id = l.purchase_order_id
                            WHERE l.product_id = p.id AND po.status IN ('ordered', 'partiallyReceived')), 0) AS BIGINT) AS on_order,
                        CAST(COALESCE((SELECT SUM(ol.quantity) FROM order_lines ol JOIN orders o ON o.id = ol.order_id
                            WHERE ol.sku = p.sku AND ol.removed_in_revision IS NULL AND o.received_at >= \(since) AND o.status <> 'cancelled'), 0) AS BIGINT) AS demand
                    FROM products p LEFT JOIN suppliers s ON s.code = p.default_supplier_code AND s.archived = FALSE
                    WHERE p.sku IN \(skus) ORDER BY p.sku
                    """), where_.binds))
        let available = try await store.stock.availability(skus: Array(waiting.keys))
        return try rows.compactMap { row in
            let sku = try row.text("sku")
            let short = waiting[sku] ?? 0
            let onOrder = try row.int("on_order")
            let lead = row.optionalInt("lead_time_days").map { Int($0) }
            let free = available[sku]?.available ?? 0
            guard onOrder < short else { return nil }
            return PurchaseSuggestion(
                sku: sku, productName: try row.text("name_zh"), supplierCode: row.optionalText("supplier_code"),
                supplierName: row.optionalText("supplier_name"), leadTimeDays: lead, waiting: short, available: free, onOrder: onOrder,
                recentDemand: try row.int("demand"),
                // The short quantity is what allocation could not take from free stock: it is not counted twice.
                suggested: Replenishment.suggestedQuantity(
                    demand: try row.int("demand"), leadTimeDays: lead ?? 0, available: 0, onOrder: onOrder, waiting: short),
                warehouse: deliverTo[sku])
        }
    }
}
