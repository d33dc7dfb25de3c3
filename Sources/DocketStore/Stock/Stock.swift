import DocketCore

/// What a receipt produced: the lot as it now stands and the ledger entry written.
public struct ReceiptResult: Sendable, Codable, Hashable {
    public var lot: StockLot
    public var movement: StockMovement
}

extension Store {

    static let lotFrom = """
         FROM stock_lots s JOIN products p ON p.id = s.product_id JOIN warehouses w ON w.id = s.warehouse_id
         JOIN locations l ON l.id = s.location_id
        """
    static let lotSelect = "SELECT s.*, p.sku, p.name_zh, p.name_en, w.code AS warehouse_code, l.code AS location_code"
    static let movementFrom = """
         FROM stock_movements m JOIN stock_lots s ON s.id = m.lot_id JOIN products p ON p.id = s.product_id
         JOIN warehouses w ON w.id = s.warehouse_id JOIN locations l ON l.id = s.location_id
        """
    static let movementSelect = "SELECT m.*, s.lot_code, p.sku, w.code AS warehouse_code, l.code AS location_code"

    static func stockFilter(_ query: StockQuery) -> Conditions {
        var where_ = Conditions()
        if let sku = query.sku, !sku.isEmpty { where_.add("p.sku = \(where_.bind(sku))") }
        if let warehouse = query.warehouseCode, !warehouse.isEmpty { where_.add("w.code = \(where_.bind(warehouse))") }
        if let lot = query.lotID { where_.add("s.id = \(where_.bind(lot))") }
        if let pattern = query.listQuery.likePattern { where_.add("p.search_text LIKE \(where_.bind(pattern)) ESCAPE '\\'") }
        return where_
    }

    static func lot(_ row: SQLRow) throws -> StockLot {
        StockLot(
            id: try row.id(), sku: try row.text("sku"), productName: try row.text("name_zh"),
            warehouseCode: try row.text("warehouse_code"), locationCode: try row.text("location_code"),
            lot: try row.text("lot_code"), expiryDate: try row.optionalDate("expiry_date"),
            firstReceivedAt: try row.timestamp("first_received_at"),
            lastReceivedAt: try row.timestamp("last_received_at"), onHand: try row.int("on_hand"),
            reserved: try row.int("reserved"), quarantined: row.has("quarantined") ? try row.bool("quarantined") : false,
            version: row.optionalInt("version") ?? 0)
    }

    static func movement(_ row: SQLRow) throws -> StockMovement {
        guard let kind = MovementKind(rawValue: try row.text("kind")) else { throw StoreError.decoding(column: "kind") }
        return StockMovement(
            id: try row.id(), occurredAt: try row.timestamp("occurred_at"), kind: kind, lotId: try row.id("lot_id"),
            sku: try row.text("sku"), warehouseCode: try row.text("warehouse_code"),
            locationCode: try row.text("location_code"), lot: try row.text("lot_code"),
            quantity: try row.int("quantity"), reservedDelta: try row.int("reserved_delta"),
            reference: row.optionalText("reference"), note: row.optionalText("note"), actor: try row.text("actor"))
    }
}

extension StockRepository {
    /// Receives goods (入库): adds to the lot at the location (creating it), writes the ledger entry and the
    /// audit event, all in one transaction.
    public func receive(_ receipt: StockReceipt, by actor: Actor) async throws -> ReceiptResult {
        try receipt.validate()
        let now = clock.now()
        let receivedAt = receipt.receivedAt ?? now
        let lotCode = receipt.lotCode
        let row = try await checkReceipt(receipt, receivedAt: receivedAt)
        let statements = try receiptStatements(
            receipt, product: try row.int("product_id"), warehouse: try row.int("warehouse_id"), location: try row.int("location_id"),
            by: actor, at: now, first: 0)
        // The write returns everything the answer needs: no second round trip to read it back.
        let results = try await engine.write(statements)
        var lotRow = results[0][0].values
        var movementRow = results[1][0].values
        let names = ["sku", "name_zh", "warehouse_code", "location_code"]
        let codes: [SQLValue] = [
            .text(receipt.sku), row["name_zh"], .text(receipt.warehouseCode), .text(receipt.locationCode),
        ]
        lotRow += codes
        movementRow += codes + [.text(lotCode)]
        return ReceiptResult(
            lot: try Store.lot(SQLRow(columns: ColumnIndex(results[0][0].columns.names + names), values: lotRow)),
            movement: try Store.movement(
                SQLRow(columns: ColumnIndex(results[1][0].columns.names + names + ["lot_code"]), values: movementRow)))
    }

    /// Resolves a receipt's codes and checks it against the product, the warehouse, the location and the lot
    /// already there (one round trip); the row holds `product_id`, `warehouse_id`, `location_id` and `name_zh`.
    func checkReceipt(_ receipt: StockReceipt, receivedAt: Timestamp) async throws -> SQLRow {
        let lotCode = receipt.lotCode
        // One round trip resolves the codes and finds the lot, if it exists.
        let rows = try await engine.read(
            Statement(
                """
                SELECT p.id AS product_id, p.archived AS product_archived, p.lot_tracked, p.shelf_life_days, p.name_zh,
                       w.id AS warehouse_id, w.active AS warehouse_active, w.archived AS warehouse_archived,
                       l.id AS location_id, l.active AS location_active,
                       s.id AS lot_id, s.expiry_date AS lot_expiry
                FROM (SELECT 1 AS one) AS x
                LEFT JOIN products p ON p.sku = $1
                LEFT JOIN warehouses w ON w.code = $2
                LEFT JOIN locations l ON l.warehouse_id = w.id AND l.code = $3
                LEFT JOIN stock_lots s ON s.product_id = p.id AND s.location_id = l.id AND s.lot_code = $4
                """, [receipt.sku, receipt.warehouseCode, receipt.locationCode, lotCode]))
        let row = rows[0]
        var v = Validator()
        if row.optionalInt("product_id") == nil {
            v.add("sku", "notFound", ["value": receipt.sku])
        } else if try row.bool("product_archived") {
            v.add("sku", "archived", ["value": receipt.sku])
        }
        if row.optionalInt("warehouse_id") == nil {
            v.add("warehouseCode", "notFound", ["value": receipt.warehouseCode])
        } else if try row.bool("warehouse_archived") || !(try row.bool("warehouse_active")) {
            v.add("warehouseCode", "inactive", ["value": receipt.warehouseCode])
        } else if row.optionalInt("location_id") == nil {
            v.add("locationCode", "notFound", ["value": receipt.locationCode])
        } else if !(try row.bool("location_active")) {
            v.add("locationCode", "inactive", ["value": receipt.locationCode])
        }
        try v.check()
        let existingExpiry: CalendarDate?? = row.optionalInt("lot_id") == nil ? .none : .some(try row.optionalDate("lot_expiry"))
        try receipt.validate(
            lotTracked: try row.bool("lot_tracked"), shelfLifeDays: row.optionalInt("shelf_life_days").map { Int($0) },
            existingExpiry: existingExpiry, receivedAt: receivedAt)

        return row
    }

    /// The lot upsert, the ledger entry and the audit event of a checked receipt; statement `first` of the write
    /// is the upsert (the other two refer to its `id`).
    func receiptStatements(
        _ receipt: StockReceipt, product productID: any SQLBindable, warehouse warehouseID: any SQLBindable,
        location locationID: any SQLBindable, by actor: Actor, at now: Timestamp, first: Int, kind: MovementKind = .receipt
    ) throws -> [Statement] {
        let receivedAt = receipt.receivedAt ?? now
        let lotCode = receipt.lotCode
        return [
            Statement(
                """
                INSERT INTO stock_lots (product_id, warehouse_id, location_id, lot_code, expiry_date,
                                        first_received_at, last_received_at, on_hand, reserved, version)
                VALUES ($1, $2, $3, $4, $5, $6, $6, $7, 0, 1)
                ON CONFLICT (product_id, location_id, lot_code) DO UPDATE SET
                    on_hand = stock_lots.on_hand + excluded.on_hand,
                    first_received_at = CASE WHEN excluded.first_received_at < stock_lots.first_received_at
                        THEN excluded.first_received_at ELSE stock_lots.first_received_at END,
                    last_received_at = CASE WHEN excluded.last_received_at > stock_lots.last_received_at
                        THEN excluded.last_received_at ELSE stock_lots.last_received_at END,
                    version = stock_lots.version + 1
                RETURNING id, lot_code, expiry_date, first_received_at, last_received_at, on_hand, reserved
                """,
                [productID, warehouseID, locationID, lotCode, receipt.expiryDate, receivedAt, receipt.quantity],
                expect: .rows(1), label: "stock_lots"),
            Statement(
                """
                INSERT INTO stock_movements (occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor)
                VALUES ($1, $7, $2, $3, 0, $4, $5, $6) RETURNING *
                """,
                [receivedAt, Bind.result(statement: first, column: "id"), receipt.quantity, receipt.reference, receipt.note,
                 actor.description, kind.rawValue],
                expect: .rows(1), label: "stock_movements"),
            audit(
                kind == .receipt ? "received" : kind.rawValue, .stockLot, id: Bind.result(statement: first, column: "id"), by: actor, at: now,
                data: try JSONColumn.encode(receipt)),
            // Orders waiting for the product are served by the timer worker (durable: a crash after this commit loses
            // nothing; one pending timer per product however many receipts).
            Store.serveWaitingTimer(productID: productID, due: now, at: now),
        ]
    }

    /// Stock by lot (查库存): per warehouse, location and lot, with on hand, reserved and available.
    public func stockLots(_ query: StockQuery) async throws -> Page<StockLot> {
        try await stockPage(
            query, select: Store.lotSelect, from: Store.lotFrom, order: "p.sku, w.code, l.code, s.lot_code",
            decode: Store.lot)
    }

    /// The stock ledger (库存流水), newest first, with in/out times.
    public func stockMovements(_ query: StockQuery) async throws -> Page<StockMovement> {
        try await stockPage(query, select: Store.movementSelect, from: Store.movementFrom, order: "m.id DESC", decode: Store.movement)
    }

    private func stockPage<Item>(
        _ query: StockQuery, select: String, from: String, order: String, decode: (SQLRow) throws -> Item
    ) async throws -> Page<Item> {
        try query.listQuery.validate()
        let page = Store.stockFilter(query).page(select: select, from: from, order: order, limit: query.limit, offset: query.offset)
        let results = try await engine.read([page.items, page.count])
        return Page(
            items: try results[0].map(decode), counted: Int(try results[1][0].int("n")), limit: query.limit,
            offset: query.offset)
    }
}

/// What an order line can count on: a product's usable stock and whether it is made to order.
public struct ProductAvailability: Sendable, Hashable {
    public var product: Product
    public var archived: Bool
    /// On hand minus reserved, in unexpired lots of active warehouses.
    public var available: Int64
}

extension Store {
    /// The one definition of usable stock (DOMAIN §2): on hand minus reserved, in lots not expired on `today`, in
    /// active warehouses; one row per product (`sku`, `make_to_order`, `available`). The inventory review reads
    /// it, the entry grid shows it, and allocation will reserve against it.
    /// The SKUs a usable-stock read is for: named, or an order's current lines (read in the same statement).
    enum SKUSet {
        case list([String])
        case ofOrder(any SQLBindable)
    }

    /// Reserves more of each lot, in one statement (none for no lots): every lot must still have its quantity free
    /// and not be quarantined, or fewer rows change and the write is refused (`stock_lots.available`: a lost race).
    static func reserve(_ lots: [(lot: ID<StockLot>, quantity: Int64)]) -> [Statement] {
        lotsUpdate(lots, label: "stock_lots.available") { quantity in
            ("reserved = reserved + \(quantity)", "on_hand - reserved >= \(quantity) AND quarantined = FALSE")
        }
    }

    /// Gives reservations back, in one statement (none for no lots): every lot must still hold its quantity reserved.
    static func unreserve(_ lots: [(lot: ID<StockLot>, quantity: Int64)], label: String = "stock_lots.reserved") -> [Statement] {
        lotsUpdate(lots, label: label) { quantity in ("reserved = reserved - \(quantity)", "reserved >= \(quantity)") }
    }

    /// One UPDATE of several lots, each by its own quantity (a CASE over the lot ids, given to `change` for the SET
    /// and the guard), expected to change every lot.
    private static func lotsUpdate(
        _ lots: [(lot: ID<StockLot>, quantity: Int64)], label: String, _ change: (_ quantity: String) -> (set: String, guard: String)
    ) -> [Statement] {
        guard !lots.isEmpty else { return [] }
        var binds: [any SQLBindable] = []
        var cases = "CASE id"
        var ids: [String] = []
        for entry in lots {
            binds.append(entry.lot)
            ids.append("$\(binds.count)")
            binds.append(entry.quantity)
            cases += " WHEN \(ids.last!) THEN CAST($\(binds.count) AS BIGINT)"
        }
        cases += " END"
        let (set, condition) = change(cases)
        return [
            Statement(
                SQL("UPDATE stock_lots SET \(set), version = version + 1 WHERE id IN (\(ids.joined(separator: ", "))) AND \(condition)"),
                binds, expect: .rows(lots.count), label: label)
        ]
    }

    /// Whether a lot (alias `lot`, its warehouse `w`) may be sent on `today` (a bound placeholder): an active
    /// warehouse, not quarantined, not expired. Allocation applies the same rule in Core (`Allocation.plan`).
    static func usableLot(lot: String, today: String) -> String {
        "w.active = TRUE AND \(lot).quarantined = FALSE AND (\(lot).expiry_date IS NULL OR \(lot).expiry_date >= \(today))"
    }

    static func usableStock(_ skus: SKUSet, today: CalendarDate) -> Statement {
        var where_ = Conditions()
        let day = where_.bind(today.iso8601)
        switch skus {
        case .list(let list): where_.add("p.sku IN \(where_.list(list))")
        case .ofOrder(let order):
            where_.add("p.sku IN (SELECT sku FROM order_lines WHERE order_id = \(where_.bind(order)) AND removed_in_revision IS NULL)")
        }
        return Statement(
            SQL(
                """
                SELECT p.sku AS sku, p.make_to_order AS make_to_order,
                       CAST(COALESCE(SUM(CASE WHEN \(usableLot(lot: "l", today: day)) THEN l.on_hand - l.reserved ELSE 0 END), 0) AS BIGINT) AS available
                FROM products p LEFT JOIN stock_lots l ON l.product_id = p.id LEFT JOIN warehouses w ON w.id = l.warehouse_id
                \(where_.clause)
                GROUP BY p.sku, p.make_to_order
                """), where_.binds)
    }
}

/// Usable stock per SKU (on hand less reserved, over lots in active warehouses, not quarantined, not expired) and
/// which of the SKUs are made to order: what the inventory review judges.
struct UsableStock: Equatable {
    var available: [String: Int64] = [:]
    var makeToOrder: Set<String> = []

    /// From the rows of `Store.usableStock`.
    init(rows: [SQLRow]) throws {
        for row in rows {
            let sku = try row.text("sku")
            available[sku] = try row.int("available")
            if try row.bool("make_to_order") { makeToOrder.insert(sku) }
        }
    }

    /// The same figures from rows already read for allocation: the products, the lots with stock on hand
    /// (`supplyStatements`, held by no order) and the warehouses. The rule is `Store.usableLot`'s, spelled here in
    /// Swift; `UsableStockConformanceTests` holds the two to the same answer.
    init(products: [SQLRow], lots: [SQLRow], warehouses: [SQLRow], today: CalendarDate) throws {
        var active: Set<String> = []
        for row in warehouses where try row.bool("active") { active.insert(try row.text("code")) }
        for row in products {
            let sku = try row.text("sku")
            available[sku] = 0
            if try row.bool("make_to_order") { makeToOrder.insert(sku) }
        }
        for row in lots {
            let sku = try row.text("sku")
            guard available[sku] != nil, active.contains(try row.text("warehouse_code")), !(try row.bool("quarantined")) else { continue }
            if let expiry = try row.optionalDate("expiry_date"), expiry < today { continue }
            // 0 ≤ reserved ≤ on hand per lot (a CHECK); the sum saturates rather than trap on absurd totals.
            let free = try row.int("on_hand") - row.int("reserved")
            let (sum, overflow) = available[sku]!.addingReportingOverflow(free)
            available[sku] = overflow ? Int64.max : sum
        }
    }
}

extension StockRepository {

    /// The products of these SKUs with their usable stock, in one snapshot (unknown SKUs are left out).
    public func availability(skus: [String]) async throws -> [String: ProductAvailability] {
        let skus = Array(Set(skus.filter { !$0.isEmpty }).prefix(Bounds.orderLines))
        guard !skus.isEmpty else { return [:] }
        var where_ = Conditions()
        where_.add("sku IN \(where_.list(skus))")
        let rows = try await engine.read([
            Statement(SQL("SELECT * FROM products\(where_.clause)"), where_.binds),
            Store.usableStock(.list(skus), today: clock.now().date(utcOffsetHours: 8)),
        ])
        let available = try UsableStock(rows: rows[1]).available
        var result: [String: ProductAvailability] = [:]
        for row in rows[0] {
            let product = try MasterTable<Product>.products.decode(row)
            result[product.sku] = ProductAvailability(product: product, archived: try row.bool("archived"), available: available[product.sku] ?? 0)
        }
        return result
    }
}
