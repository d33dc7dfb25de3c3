import DocketCore
import Foundation

extension StockRepository {
    /// Books a counted difference on a lot (库存调整): on hand changes, a ledger entry says by how much, who and why.
    /// Never below what orders hold: checked against the lot as read, and guarded in the write by the lot's version
    /// (the caller's as shown to them, else the one just read): anything booked on the lot meanwhile makes it a
    /// `409`, so a form that carries its version cannot book the same count twice. Found stock may serve orders
    /// waiting for the product.
    public func adjust(_ adjustment: StockAdjustment, by actor: Actor) async throws -> StockLot {
        let lot = try await lot(id: adjustment.lotID)
        // A count made on the lot as it was: if it moved since, the count is stale whatever it says.
        if let version = adjustment.version, version != lot.version {
            throw DocketError.conflict(.stockLot, key: lot.lot.isEmpty ? lot.sku : lot.lot)
        }
        try adjustment.validate(onHand: lot.onHand, reserved: lot.reserved)
        let now = clock.now()
        var statements = [
            Statement(
                """
                UPDATE stock_lots SET on_hand = on_hand + $2, version = version + 1
                WHERE id = $1 AND on_hand + $2 >= reserved AND on_hand + $2 >= 0 AND version = $3
                """, [adjustment.lotID, adjustment.quantity, adjustment.version ?? lot.version], expect: .rows(1), label: "stock_lots.adjust"),
            Statement(
                """
                INSERT INTO stock_movements (occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor)
                VALUES ($1, 'adjustment', $2, $3, 0, NULL, $4, $5)
                """, [now, adjustment.lotID, adjustment.quantity, adjustment.reason.trimmingCharacters(in: .whitespacesAndNewlines), actor.description],
                expect: .rows(1), label: "stock_movements"),
            audit("adjusted", .stockLot, id: adjustment.lotID, by: actor, at: now, data: try JSONColumn.encode(adjustment)),
        ]
        if adjustment.quantity > 0 {
            statements.append(Store.serveWaitingTimer(productID: try await productID(of: adjustment.lotID), due: now, at: now))
        }
        do {
            _ = try await engine.write(statements)
        } catch StoreError.guardFailed(let label) where label == "stock_lots.adjust" {
            throw DocketError.conflict(.stockLot, key: lot.lot.isEmpty ? lot.sku : lot.lot)
        }
        return try await self.lot(id: adjustment.lotID)
    }

    /// Quarantines a lot (冻结) or releases it (解冻), with the reason in the audit log. Orders holding a lot that is
    /// quarantined are planned again by the timer worker (durable, one per order); a released lot may serve orders
    /// waiting for the product.
    public func setQuarantine(lotID: ID<StockLot>, _ change: LotQuarantine, by actor: Actor) async throws -> StockLot {
        try change.validate()
        let product = try await productID(of: lotID)  // and a 404 for an unknown lot
        let now = clock.now()
        var statements = [
            Statement(
                "UPDATE stock_lots SET quarantined = $2, version = version + 1 WHERE id = $1", [lotID, change.quarantined],
                expect: .rows(1), label: "stock_lots"),
            audit(change.quarantined ? "quarantined" : "unquarantined", .stockLot, id: lotID, by: actor, at: now,
                data: try JSONColumn.encode(change)),
        ]
        if change.quarantined {
            statements.append(
                Statement(
                    SQL(
                        """
                        INSERT INTO timers (kind, subject, subject_id, due_at, created_at, attempts)
                        SELECT DISTINCT 'reallocate', 'order', order_id, $2, $2, 0 FROM reservations WHERE lot_id = $1
                        \(Store.pendingTimerUpsert)
                        """), [lotID, now]))
        } else {
            statements.append(Store.serveWaitingTimer(productID: product, due: now, at: now))
        }
        _ = try await engine.write(statements)
        return try await self.lot(id: lotID)
    }

    /// One lot as the stock list shows it.
    public func lot(id: ID<StockLot>) async throws -> StockLot {
        guard let row = try await engine.read(Statement(SQL(Store.lotSelect + Store.lotFrom + " WHERE s.id = $1"), [id])).first else {
            throw DocketError.notFound(.stockLot, key: id.description)
        }
        return try Store.lot(row)
    }

    private func productID(of lot: ID<StockLot>) async throws -> Int64 {
        guard let row = try await engine.read(Statement("SELECT product_id FROM stock_lots WHERE id = $1", [lot])).first else {
            throw DocketError.notFound(.stockLot, key: lot.description)
        }
        return try row.int("product_id")
    }

    /// Totals per product and warehouse (库存汇总): on hand, reserved, available (what may be sent), quarantined and
    /// expired, all lots and locations together.
    public func stockTotals(_ query: StockQuery) async throws -> Page<StockTotal> {
        try query.listQuery.validate()
        var where_ = Store.stockFilter(query)
        let today = where_.bind(clock.now().date(utcOffsetHours: 8).iso8601)
        let group = " GROUP BY p.id, w.id, p.sku, p.name_zh, w.code"
        let items = Statement(
            SQL(
                """
                SELECT p.sku, p.name_zh, w.code AS warehouse_code,
                       CAST(SUM(s.on_hand) AS BIGINT) AS on_hand, CAST(SUM(s.reserved) AS BIGINT) AS reserved,
                       CAST(SUM(CASE WHEN \(Store.usableLot(lot: "s", today: today)) THEN s.on_hand - s.reserved ELSE 0 END) AS BIGINT) AS available,
                       CAST(SUM(CASE WHEN s.quarantined = TRUE THEN s.on_hand ELSE 0 END) AS BIGINT) AS quarantined,
                       CAST(SUM(CASE WHEN s.expiry_date IS NOT NULL AND s.expiry_date < \(today) THEN s.on_hand ELSE 0 END) AS BIGINT) AS expired,
                       CAST(COALESCE((SELECT SUM(t.quantity) FROM transfers t
                           WHERE t.product_id = p.id AND t.to_warehouse_id = w.id AND t.status = 'inTransit'), 0) AS BIGINT) AS in_transit,
                       CAST(COALESCE((SELECT SUM(pl.quantity - pl.received) FROM purchase_order_lines pl JOIN purchase_orders po ON po.id = pl.purchase_order_id
                           WHERE pl.product_id = p.id AND po.warehouse_id = w.id AND po.status IN ('ordered', 'partiallyReceived')), 0) AS BIGINT) AS on_order
                \(Store.lotFrom)\(where_.clause)\(group)
                ORDER BY p.sku, w.code LIMIT \(query.limit) OFFSET \(query.offset)
                """), where_.binds)
        let filter = Store.stockFilter(query)
        let count = Statement(
            SQL("SELECT COUNT(*) AS n FROM (SELECT p.sku, w.code\(Store.lotFrom)\(filter.clause)\(group)) AS g"), filter.binds)
        let results = try await engine.read([items, count])
        return Page(
            items: try results[0].map { row in
                StockTotal(
                    sku: try row.text("sku"), productName: try row.text("name_zh"), warehouseCode: try row.text("warehouse_code"),
                    onHand: try row.int("on_hand"), reserved: try row.int("reserved"), available: try row.int("available"),
                    quarantined: try row.int("quarantined"), expired: try row.int("expired"), inTransit: try row.int("in_transit"),
                    onOrder: try row.int("on_order"))
            }, total: Int(try results[1][0].int("n")), limit: query.limit, offset: query.offset)
    }
}
