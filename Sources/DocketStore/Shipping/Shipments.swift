import DocketCore
import Foundation

/// 发货单: what one warehouse sends of one order. Created when the order is released to the warehouses, one per
/// warehouse holding its stock (`Fulfilment.split`); every step is guarded by the shipment's status and version and
/// by the order's version (two shipments of one order step one after the other, so the order's status derived from
/// them is never decided on a stale view), and writes its ledger entries and audit events in the same transaction.
public struct ShipmentRepository: Repository {
    public let store: Store
}

extension Store {
    public var shipments: ShipmentRepository { ShipmentRepository(store: self) }
}

/// A shipment as stored, with its lines in picking order.
public struct StoredShipment: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var line: ShipmentLine
        /// What the picker confirmed; nil until then.
        public var picked: Int64?
    }

    public var id: ID<Shipment>
    public var number: String
    public var orderID: ID<Order>
    public var warehouse: String
    public var status: ShipmentStatus
    public var createdAt: Timestamp
    public var pickedAt: Timestamp?
    public var version: Int64
    public var lines: [Line]
}

extension ShipmentRepository {
    /// The order's reservations with where they lie: what its shipments will pick.
    static func held(_ orderID: any SQLBindable) -> Statement {
        Statement(
            """
            SELECT r.line_id, r.lot_id, r.quantity, p.sku, w.code AS warehouse, s.warehouse_id, l.code AS location, s.lot_code,
                   s.expiry_date
            FROM reservations r JOIN stock_lots s ON s.id = r.lot_id JOIN products p ON p.id = s.product_id
            JOIN warehouses w ON w.id = s.warehouse_id JOIN locations l ON l.id = s.location_id
            WHERE r.order_id = $1
            """, [orderID])
    }

    /// The statements that create an order's shipments from its reservations (`held` rows), numbered after the order
    /// (`SO…-1`, `-2` in the plan's warehouse order).
    static func creation(order: StoredOrder, held rows: [SQLRow], warehouses preferred: [String], by actor: Actor, at now: Timestamp) throws -> [Statement] {
        var warehouseIDs: [String: Int64] = [:]
        let held = try rows.map { row -> (warehouse: String, line: ShipmentLine) in
            let warehouse = try row.text("warehouse")
            warehouseIDs[warehouse] = try row.int("warehouse_id")
            return (warehouse, ShipmentLine(
                lineID: try row.id("line_id"), sku: try row.text("sku"), lotID: try row.id("lot_id"), location: try row.text("location"),
                lot: try row.text("lot_code"), expiry: try row.optionalDate("expiry_date"), quantity: try row.int("quantity")))
        }
        var statements: [Statement] = []
        let splits = Fulfilment.split(held, preferred: preferred)
        for (index, split) in splits.enumerated() {
            let number = "\(order.number)-\(index + 1)"
            statements.append(
                Statement(
                    """
                    INSERT INTO shipments (number, order_id, warehouse_id, status, created_at, version)
                    VALUES ($1, $2, $3, 'to_pick', $4, 1)
                    """, [number, order.id, warehouseIDs[split.warehouse]!, now], expect: .rows(1), label: "shipments"))
            // Named by the shipment's number, so the statements need not know where in the write they stand.
            for line in split.lines {
                statements.append(
                    Statement(
                        "INSERT INTO shipment_lines (shipment_id, line_id, lot_id, quantity) SELECT id, $2, $3, $4 FROM shipments WHERE number = $1",
                        [number, line.lineID, line.lotID, line.quantity], expect: .rows(1), label: "shipment_lines"))
            }
        }
        // Each new shipment's first event; an order is released once, so its shipments are all these.
        statements.append(
            Statement(
                """
                INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)
                SELECT $2, $3, $4, $5, id, '{}' FROM shipments WHERE order_id = $1
                """, [order.id, now, actor.description, "created", EntityKind.shipment.rawValue], expect: .rows(splits.count), label: "audit_events"))
        return statements
    }

    static let select = """
        SELECT s.id, s.number, s.order_id, s.status, s.created_at, s.picked_at, s.version, w.code AS warehouse
        FROM shipments s JOIN warehouses w ON w.id = s.warehouse_id
        """
    static let linesSelect = """
        SELECT sl.shipment_id, sl.line_id, sl.lot_id, sl.quantity, sl.picked, p.sku, l.code AS location, s.lot_code, s.expiry_date
        FROM shipment_lines sl JOIN stock_lots s ON s.id = sl.lot_id JOIN products p ON p.id = s.product_id
        JOIN locations l ON l.id = s.location_id
        """

    /// An order's shipments, in number order, each with its lines in picking order.
    public func shipments(orderID: ID<Order>) async throws -> [StoredShipment] {
        let rows = try await engine.read([
            Statement(SQL(Self.select + " WHERE s.order_id = $1 ORDER BY s.id"), [orderID]),
            Statement(SQL(Self.linesSelect + " JOIN shipments sh ON sh.id = sl.shipment_id WHERE sh.order_id = $1"), [orderID]),
        ])
        return try Self.shipments(rows[0], lines: rows[1])
    }

    public func shipment(id: ID<Shipment>) async throws -> StoredShipment {
        let rows = try await engine.read([
            Statement(SQL(Self.select + " WHERE s.id = $1"), [id]),
            Statement(SQL(Self.linesSelect + " WHERE sl.shipment_id = $1"), [id]),
        ])
        guard let shipment = try Self.shipments(rows[0], lines: rows[1]).first else { throw DocketError.notFound(.shipment, key: id.description) }
        return shipment
    }

    static func shipments(_ rows: [SQLRow], lines: [SQLRow]) throws -> [StoredShipment] {
        var byShipment: [Int64: [StoredShipment.Line]] = [:]
        for row in lines {
            let line = ShipmentLine(
                lineID: try row.id("line_id"), sku: try row.text("sku"), lotID: try row.id("lot_id"), location: try row.text("location"),
                lot: try row.text("lot_code"), expiry: try row.optionalDate("expiry_date"), quantity: try row.int("quantity"))
            byShipment[try row.int("shipment_id"), default: []].append(StoredShipment.Line(line: line, picked: row.optionalInt("picked")))
        }
        return try rows.map { row in
            guard let status = ShipmentStatus(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
            let id = try row.int("id")
            return StoredShipment(
                id: ID(id), number: try row.text("number"), orderID: try row.id("order_id"), warehouse: try row.text("warehouse"), status: status,
                createdAt: try row.timestamp("created_at"), pickedAt: row.optionalInt("picked_at").map { Timestamp(millisecondsSince1970: $0) },
                version: try row.int("version"),
                lines: (byShipment[id] ?? []).sorted { ShipmentLine.inPickingOrder($0.line, $1.line) })
        }
    }

    /// 确认拣货: the picker's counts for every line of the pick list. A full line is picked as reserved; a short one
    /// is never silent — the lot is corrected by the missing quantity (an `adjustment` in the ledger, its reservation
    /// and `reserved` lowered with it) and the order line is left short on the shortage workbench. The order's status
    /// follows (`Fulfilment.orderMove`). `version` is the shipment's as the picker saw it.
    public func confirmPick(_ id: ID<Shipment>, picked: [PickedQuantity], version: Int64? = nil, by actor: Actor) async throws -> StoredShipment {
        for _ in 0..<10 {
            let shipment = try await self.shipment(id: id)
            if let version, version != shipment.version { throw DocketError.versionConflict(.shipment, key: shipment.number, current: shipment.version) }
            let next = try ShipmentLifecycle.apply(.pick, to: shipment.status, number: shipment.number)
            let outcomes = try Fulfilment.confirmPick(shipment.lines.map(\.line), picked: picked)
            let now = clock.now()
            var statements = [
                Statement(
                    "UPDATE shipments SET status = $2, picked_at = $3, version = version + 1 WHERE id = $1 AND status = $4 AND version = $5",
                    [id, next.rawValue, now, shipment.status.rawValue, shipment.version], expect: .rows(1), label: "shipments.status"),
                audit(ShipmentAction.pick.rawValue, .shipment, id: id, by: actor, at: now,
                    data: try JSONColumn.encode(PickAudit(picked: outcomes.map { .init(lineId: $0.line.lineID, lotId: $0.line.lotID, picked: $0.picked, short: $0.short) }))),
            ]
            for outcome in outcomes {
                let line = outcome.line
                // The line keeps what was found (a line found empty leaves the list); a full pick keeps its quantity.
                statements.append(
                    outcome.picked > 0
                        ? Statement(
                            "UPDATE shipment_lines SET quantity = $4, picked = $4 WHERE shipment_id = $1 AND line_id = $2 AND lot_id = $3",
                            [id, line.lineID, line.lotID, outcome.picked], expect: .rows(1), label: "shipment_lines")
                        : Statement(
                            "DELETE FROM shipment_lines WHERE shipment_id = $1 AND line_id = $2 AND lot_id = $3", [id, line.lineID, line.lotID],
                            expect: .rows(1), label: "shipment_lines"))
                if outcome.picked > 0 {
                    statements.append(Self.movement(.pick, lot: line.lotID, quantity: 0, reserved: 0, shipment: shipment.number, note: nil, by: actor, at: now))
                }
                guard outcome.short > 0 else { continue }
                // Not there: the lot had less than the books said. The books follow the shelf, the reservation (one per
                // line and lot, what the list asked for) keeps what was found, and the order line waits for stock like
                // any other short line.
                statements += [
                    Statement(
                        """
                        UPDATE stock_lots SET on_hand = on_hand - $2, reserved = reserved - $2, version = version + 1
                        WHERE id = $1 AND reserved >= $2
                        """, [line.lotID, outcome.short], expect: .rows(1), label: "stock_lots.held"),
                    Self.movement(
                        .adjustment, lot: line.lotID, quantity: -outcome.short, reserved: -outcome.short, shipment: shipment.number,
                        note: "short pick", by: actor, at: now),
                    outcome.picked > 0
                        ? Statement("UPDATE reservations SET quantity = $3 WHERE line_id = $1 AND lot_id = $2", [line.lineID, line.lotID, outcome.picked])
                        : Statement("DELETE FROM reservations WHERE line_id = $1 AND lot_id = $2", [line.lineID, line.lotID]),
                ]
            }
            let shorts = outcomes.filter { $0.short > 0 }
            if !shorts.isEmpty, let stored = try await store.orders.orderAllocation(orderID: shipment.orderID).allocation {
                // The plan says what is missing, so the line shows on the shortage workbench.
                var plan = stored.plan
                for outcome in shorts { plan.shortPicked(line: outcome.line.lineID, lot: outcome.line.lotID, quantity: outcome.short) }
                statements.append(
                    Statement(
                        "UPDATE order_allocations SET plan = $2, status = $3, version = version + 1 WHERE order_id = $1",
                        [shipment.orderID, try JSONColumn.encode(plan), plan.status.rawValue], expect: .rows(1), label: "order_allocations"))
            }
            statements += try await orderFollows(shipment, to: next, by: actor, at: now)
            do {
                _ = try await engine.write(statements)
                return try await self.shipment(id: id)
            } catch StoreError.guardFailed(let label) where label == "orders.version" {
                continue  // another shipment of the order stepped meanwhile: decide the order's status again
            } catch StoreError.guardFailed(let label) where label == "shipments.status" {
                throw DocketError.conflict(.shipment, key: shipment.number, because: "shipmentStep")
            }
        }
        throw DocketError.conflict(.shipment, key: id.description)
    }

    /// The order's side of a shipment step: its status as all its shipments now have it (with the audit event), or
    /// only its version bumped — either way guarded by the version read, so steps of one order's shipments serialize.
    func orderFollows(_ shipment: StoredShipment, to next: ShipmentStatus, by actor: Actor, at now: Timestamp) async throws -> [Statement] {
        let rows = try await engine.read([
            Statement(Store.orderSQL, [shipment.orderID]),
            Statement("SELECT id, status FROM shipments WHERE order_id = $1", [shipment.orderID]),
        ])
        guard let row = rows[0].first else { throw DocketError.notFound(.order, key: shipment.orderID.description) }
        let order = try Store.order(row, lines: [])
        let statuses = try rows[1].map { row -> ShipmentStatus in
            if try row.int("id") == shipment.id.rawValue { return next }
            guard let status = ShipmentStatus(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
            return status
        }
        guard let move = try Fulfilment.orderMove(from: order.state, number: order.number, shipments: statuses) else {
            return [Store.touch(order, at: now)]
        }
        return [
            Statement(
                "UPDATE orders SET status = $3, held_from = NULL, version = version + 1, updated_at = $4 WHERE id = $1 AND version = $2",
                [order.id, order.version, move.next.status.rawValue, now], expect: .rows(1), label: "orders.version"),
            audit(move.action.rawValue, .order, id: order.id, by: actor, at: now,
                data: try JSONColumn.encode(TransitionData(from: order.status, to: move.next.status, reason: shipment.number))),
        ]
    }

    /// Cancels the order's shipments that have not left (Core's `cancel` transitions), each with its audit event.
    static func cancelStatements(orderID: ID<Order>, by actor: Actor, at now: Timestamp) -> [Statement] {
        let open = ShipmentLifecycle.transitions.filter { $0.value[.cancel] != nil }.keys.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        return [
            Statement(
                SQL(
                    """
                    INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)
                    SELECT $2, $3, $4, $5, id, '{}' FROM shipments WHERE order_id = $1 AND status IN (\(open))
                    """), [orderID, now, actor.description, ShipmentAction.cancel.rawValue, EntityKind.shipment.rawValue]),
            Statement(
                SQL("UPDATE shipments SET status = $2, version = version + 1 WHERE order_id = $1 AND status IN (\(open))"),
                [orderID, ShipmentStatus.cancelled.rawValue]),
        ]
    }

    /// A ledger entry for one of a shipment's lots, its reference the shipment's number.
    static func movement(
        _ kind: MovementKind, lot: ID<StockLot>, quantity: Int64, reserved: Int64, shipment number: String, note: String?, by actor: Actor,
        at now: Timestamp
    ) -> Statement {
        Statement(
            """
            INSERT INTO stock_movements (occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [now, kind.rawValue, lot, quantity, reserved, number, note, actor.description], expect: .rows(1), label: "stock_movements")
    }
}

/// The audit entry of a pick: per line and lot, what was found and what was missing.
struct PickAudit: Codable {
    struct Line: Codable {
        var lineId: ID<OrderLine>
        var lotId: ID<StockLot>
        var picked: Int64
        var short: Int64
    }
    var picked: [Line]
}
