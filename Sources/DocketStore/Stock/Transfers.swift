import DocketCore
import Foundation

/// 调拨单: requested (the quantity held at the source, FEFO/FIFO lots), shipped (off the source's shelves, in
/// transit), received (on the destination's shelves, orders waiting for the product served), or cancelled before
/// it left (the hold released). Every step is guarded by the transfer's status and version, writes its ledger
/// entries and an audit event in one transaction.
public struct TransferRepository: Repository {
    public let store: Store
}

extension Store {
    public var transfers: TransferRepository { TransferRepository(store: self) }

    /// The next value of a numbering counter (`key`: the day for orders, `TR-` and the day for transfers …), returned
    /// as `last_value`; one row per key, so numbers run without gaps.
    static func nextNumber(key: String) -> Statement {
        Statement(SQL(nextNumberSQL), [key], expect: .rows(1), label: "order_number_counters")
    }

    /// The counter's key at `$1`; also taken inside a statement of its own (`numberOrderSQL`).
    static let nextNumberSQL = """
        INSERT INTO order_number_counters (day, last_value) VALUES ($1, 1)
        ON CONFLICT (day) DO UPDATE SET last_value = order_number_counters.last_value + 1 RETURNING last_value
        """

    /// A document's statement whose `%@` becomes its number, `prefix-day-0001` (`digits` wide, wider past it), from
    /// the day bound at `$day` and the counter's value at `$value` (`nextNumber` earlier in the write): the one place
    /// the dialects spell a function differently.
    static func numbered(_ insert: String, prefix: String, day: Int, value: Int, digits: Int = 4) -> SQL {
        numbered(insert, prefix: prefix, day: day, counter: "$\(value)", digits: digits)
    }

    /// `numbered` with the counter's value from an expression (a column of a CTE, say) instead of a placeholder.
    static func numbered(_ insert: String, prefix: String, day: Int, counter value: String, digits: Int) -> SQL {
        let limit = (0..<digits).reduce(1) { power, _ in power * 10 }
        return SQL(
            postgres: insert.replacingOccurrences(
                of: "%@",
                with: "'\(prefix)-' || $\(day) || '-' || CASE WHEN \(value) < \(limit) THEN lpad(CAST(\(value) AS TEXT), \(digits), '0') ELSE CAST(\(value) AS TEXT) END"),
            sqlite: insert.replacingOccurrences(of: "%@", with: "'\(prefix)-' || $\(day) || '-' || printf('%0\(digits)d', \(value))"))
    }
}

extension TransferRepository {
    static let select = """
        SELECT t.*, p.sku, p.name_zh, f.code AS from_code, w.code AS to_code
        FROM transfers t JOIN products p ON p.id = t.product_id JOIN warehouses f ON f.id = t.from_warehouse_id
        JOIN warehouses w ON w.id = t.to_warehouse_id
        """

    /// Asks for a transfer: checks it, takes the source's usable lots (earliest expiry, then earliest receipt) and
    /// holds them, so what is promised to travel is not sold meanwhile. `decision` is the shortage decision the
    /// transfer carries out, written in the same transaction.
    public func request(_ request: TransferRequest, by actor: Actor, decision: ShortageDecisionDraft? = nil) async throws -> Transfer {
        try request.validate()
        let now = clock.now()
        let today = now.date(utcOffsetHours: 8)
        let facts = try await engine.read([
            Statement("SELECT id, name_zh, archived FROM products WHERE sku = $1", [request.sku]),
            Statement("SELECT id, code, active, archived, latitude, longitude FROM warehouses WHERE code IN ($1, $2)", [request.fromWarehouse, request.toWarehouse]),
            Statement(
                SQL(
                    """
                    SELECT s.id, s.lot_code, s.expiry_date, s.first_received_at, s.on_hand - s.reserved AS available
                    FROM stock_lots s JOIN products p ON p.id = s.product_id JOIN warehouses w ON w.id = s.warehouse_id
                    WHERE p.sku = $1 AND w.code = $2 AND s.on_hand > s.reserved AND \(Store.usableLot(lot: "s", today: "$3"))
                    """), [request.sku, request.fromWarehouse, today.iso8601]),
        ])
        var v = Validator()
        let product = facts[0].first
        if product == nil { v.add("sku", "notFound", ["value": request.sku]) } else if try product!.bool("archived") { v.add("sku", "archived", ["value": request.sku]) }
        var sites: [String: SQLRow] = [:]
        for row in facts[1] { sites[try row.text("code")] = row }
        for (field, code) in [("fromWarehouse", request.fromWarehouse), ("toWarehouse", request.toWarehouse)] {
            guard let site = sites[code] else {
                v.add(field, "notFound", ["value": code])
                continue
            }
            if try site.bool("archived") || !(try site.bool("active")) { v.add(field, "inactive", ["value": code]) }
        }
        try v.check()
        let supply = try facts[2].map { row in
            LotSupply(
                lotID: try row.id(), sku: request.sku, warehouse: request.fromWarehouse, location: "", lot: try row.text("lot_code"),
                expiry: try row.optionalDate("expiry_date"), receivedAt: try row.timestamp("first_received_at"), available: try row.int("available"))
        }
        guard let lots = TransferRequest.pick(request.quantity, from: supply) else {
            throw DocketError.invalid("quantity", "notEnoughAtSource", ["available": String(supply.reduce(0) { $0 + $1.available })])
        }
        let from = sites[request.fromWarehouse]!, to = sites[request.toWarehouse]!
        // Without coordinates on both ends, the distance the shortage options assume.
        var kilometres = 1_000
        if let a = from.geoPoint, let b = to.geoPoint { kilometres = a.kilometres(to: b) }
        let eta = request.eta ?? today.adding(days: Shortage.transferDays(kilometres: kilometres))
        let day = today.compactISO
        let insert = """
            INSERT INTO transfers (product_id, from_warehouse_id, to_warehouse_id, quantity, status, eta, order_id, line_id, note,
                                   created_by, created_at, version, number)
            VALUES ($1, $2, $3, $4, 'requested', $5, $6, $7, $8, $9, $10, 1, %@)
            RETURNING id, number
            """
        var statements = [
            Store.nextNumber(key: "TR-\(day)"),
            Statement(
                Store.numbered(insert, prefix: "TR", day: 11, value: 12),
                [try product!.int("id"), try from.int("id"), try to.int("id"), request.quantity, eta, request.orderId, request.lineId,
                 request.note?.trimmingCharacters(in: .whitespacesAndNewlines), actor.description, now, day,
                 Bind.result(statement: 0, column: "last_value")],
                expect: .rows(1), label: "transfers"),
        ]
        let transfer = Bind.result(statement: 1, column: "id")
        statements += Store.reserve(lots.map { ($0.lotID, $0.quantity) })
        for lot in lots {
            statements += [
                Statement("INSERT INTO transfer_lots (transfer_id, lot_id, quantity) VALUES ($1, $2, $3)", [transfer, lot.lotID, lot.quantity],
                    expect: .rows(1), label: "transfer_lots"),
                Self.movement(.reservation, lot: lot.lotID, quantity: 0, reserved: lot.quantity, transfer: transfer, by: actor, at: now),
            ]
        }
        statements.append(audit("requested", .transfer, id: transfer, by: actor, at: now, data: try JSONColumn.encode(request)))
        if let decision { statements += try decision.statements(reference: "SELECT number FROM transfers WHERE id = $1", transfer, at: now) }
        do {
            let rows = try await engine.write(statements)
            return try await self.transfer(id: try rows[1][0].id())
        } catch StoreError.guardFailed(let label) where label == "stock_lots.available" {
            // Another order or transfer took the stock between the read and the write.
            throw DocketError.conflict(.stockLot, key: request.sku)
        }
    }

    /// A ledger entry for one of a transfer's lots, its reference the transfer's number.
    static func movement(
        _ kind: MovementKind, lot: ID<StockLot>, quantity: Int64, reserved: Int64, transfer: any SQLBindable, by actor: Actor, at now: Timestamp
    ) -> Statement {
        Statement(
            """
            INSERT INTO stock_movements (occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor)
            SELECT $1, $2, $3, $4, $5, number, NULL, $6 FROM transfers WHERE id = $7
            """, [now, kind.rawValue, lot, quantity, reserved, actor.description, transfer], expect: .rows(1), label: "stock_movements")
    }

    /// 发出: the held goods leave the source (on hand and reserved both fall), the transfer is in transit.
    public func ship(_ id: ID<Transfer>, version: Int64? = nil, by actor: Actor) async throws -> Transfer {
        let transfer = try await self.transfer(id: id)
        let now = clock.now()
        var statements = try move(transfer, .ship, version: version, by: actor, at: now)
        for lot in transfer.lots {
            statements += [
                Statement(
                    "UPDATE stock_lots SET on_hand = on_hand - $2, reserved = reserved - $2, version = version + 1 WHERE id = $1 AND reserved >= $2",
                    [lot.lotID, lot.quantity], expect: .rows(1), label: "stock_lots.held"),
                Self.movement(.transferOut, lot: lot.lotID, quantity: -lot.quantity, reserved: -lot.quantity, transfer: id, by: actor, at: now),
            ]
        }
        return try await write(statements, transfer)
    }

    /// 收货: the goods go on a location of the destination (its first active one unless named), lot codes and
    /// expiries as they left; orders waiting for the product are served.
    public func receive(_ id: ID<Transfer>, locationCode: String? = nil, version: Int64? = nil, by actor: Actor) async throws -> Transfer {
        let transfer = try await self.transfer(id: id)
        let now = clock.now()
        let sites = try await engine.read(
            Statement(
                """
                SELECT p.id AS product_id, w.id AS warehouse_id, l.id AS location_id, l.code AS location_code
                FROM products p, warehouses w LEFT JOIN locations l ON l.warehouse_id = w.id AND l.active = TRUE
                    AND ($3 = '' OR l.code = $3)
                WHERE p.sku = $1 AND w.code = $2 ORDER BY l.code LIMIT 1
                """, [transfer.sku, transfer.toWarehouse, locationCode ?? ""]))
        guard let site = sites.first, let location = site.optionalInt("location_id") else {
            throw DocketError.invalid("locationCode", locationCode == nil ? "noActiveLocation" : "notFound", ["value": locationCode ?? transfer.toWarehouse])
        }
        var statements = try move(transfer, .receive, version: version, by: actor, at: now)
        for lot in transfer.lots {
            let receipt = StockReceipt(
                sku: transfer.sku, warehouseCode: transfer.toWarehouse, locationCode: try site.text("location_code"), lot: lot.lot,
                quantity: lot.quantity, receivedAt: now, expiryDate: lot.expiryDate, reference: transfer.number)
            statements += try store.stock.receiptStatements(
                receipt, product: try site.int("product_id"), warehouse: try site.int("warehouse_id"), location: location, by: actor, at: now,
                first: statements.count, kind: .transferIn)
        }
        return try await write(statements, transfer)
    }

    /// 取消: only before it left; the hold goes back to the source's free stock.
    public func cancel(_ id: ID<Transfer>, version: Int64? = nil, by actor: Actor) async throws -> Transfer {
        let transfer = try await self.transfer(id: id)
        let now = clock.now()
        var statements = try move(transfer, .cancel, version: version, by: actor, at: now)
        statements += Store.unreserve(transfer.lots.map { ($0.lotID, $0.quantity) }, label: "stock_lots.held")
        statements += transfer.lots.map { Self.movement(.release, lot: $0.lotID, quantity: 0, reserved: -$0.quantity, transfer: id, by: actor, at: now) }
        // What the transfer held is free again: orders waiting for the product (named by the status change) may take it.
        statements.append(Store.serveWaitingTimer(productID: Bind.result(statement: 0, column: "product_id"), due: now, at: now))
        return try await write(statements, transfer)
    }

    /// The guarded status change (returning the transfer's `product_id`) and its audit event, which start every step.
    private func move(_ transfer: Transfer, _ action: Transfer.Action, version: Int64?, by actor: Actor, at now: Timestamp) throws -> [Statement] {
        guard let next = Transfer.next(transfer.status, action) else {
            throw DocketError.conflict(.transfer, key: transfer.number, because: "transfer.\(transfer.status.rawValue)")
        }
        let column = action == .ship ? ", shipped_at = $4" : action == .receive ? ", received_at = $4" : ""
        return [
            Statement(
                SQL("UPDATE transfers SET status = $2, version = version + 1\(column) WHERE id = $1 AND status = $3 AND version = $5 RETURNING product_id"),
                [transfer.id, next.rawValue, transfer.status.rawValue, now, version ?? transfer.version], expect: .rows(1), label: "transfers.status"),
            audit(next.rawValue, .transfer, id: transfer.id, by: actor, at: now),
        ]
    }

    private func write(_ statements: [Statement], _ transfer: Transfer) async throws -> Transfer {
        do {
            _ = try await engine.write(statements)
        } catch StoreError.guardFailed(let label) where label == "transfers.status" {
            throw DocketError.conflict(.transfer, key: transfer.number)
        }
        return try await self.transfer(id: transfer.id)
    }

    public func transfer(id: ID<Transfer>) async throws -> Transfer {
        let rows = try await engine.read([
            Statement(SQL(Self.select + " WHERE t.id = $1"), [id]),
            Statement(
                """
                SELECT tl.lot_id, tl.quantity, s.lot_code, s.expiry_date FROM transfer_lots tl JOIN stock_lots s ON s.id = tl.lot_id
                WHERE tl.transfer_id = $1 ORDER BY tl.lot_id
                """, [id]),
        ])
        guard let row = rows[0].first else { throw DocketError.notFound(.transfer, key: id.description) }
        return try Self.transfer(row, lots: rows[1])
    }

    /// Transfers, newest first: those still open (requested or in transit) unless `all`; for one order when given.
    public func transfers(open: Bool = true, orderID: ID<Order>? = nil, limit: Int = 200) async throws -> [Transfer] {
        var where_ = Conditions()
        if open { where_.add("t.status IN ('requested', 'inTransit')") }
        if let orderID { where_.add("t.order_id = \(where_.bind(orderID))") }
        let rows = try await engine.read(
            Statement(SQL(Self.select + where_.clause + " ORDER BY t.id DESC LIMIT \(max(1, min(limit, 1000)))"), where_.binds))
        return try rows.map { try Self.transfer($0, lots: []) }
    }

    static func transfer(_ row: SQLRow, lots: [SQLRow]) throws -> Transfer {
        guard let status = Transfer.Status(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
        return Transfer(
            id: try row.id(), number: try row.text("number"), sku: try row.text("sku"), productName: try row.text("name_zh"),
            fromWarehouse: try row.text("from_code"), toWarehouse: try row.text("to_code"), quantity: try row.int("quantity"), status: status,
            eta: try row.optionalDate("eta"), orderID: row.optionalInt("order_id").map { ID($0) }, lineID: row.optionalInt("line_id").map { ID($0) },
            note: row.optionalText("note"), createdBy: try row.text("created_by"), createdAt: try row.timestamp("created_at"),
            shippedAt: row.optionalInt("shipped_at").map { Timestamp(millisecondsSince1970: $0) },
            receivedAt: row.optionalInt("received_at").map { Timestamp(millisecondsSince1970: $0) }, version: try row.int("version"),
            lots: try lots.map {
                Transfer.Lot(lotID: try $0.id("lot_id"), lot: try $0.text("lot_code"), expiryDate: try $0.optionalDate("expiry_date"), quantity: try $0.int("quantity"))
            })
    }
}
