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
    public var packedAt: Timestamp?
    public var shippedAt: Timestamp?
    public var deliveredAt: Timestamp?
    public var version: Int64
    public var lines: [Line]
    /// The carrier chosen and why (set before the handover), and what it was handed over as.
    public var carrier: CarrierRecord?
    public var trackingNumber: String?
    /// The expected arrival: as planned at the handover, then as the carrier's latest event says.
    public var eta: CalendarDate?
    public var plannedETA: CalendarDate?
    /// 签收: who signed and when.
    public var signer: String?
    public var signedAt: Timestamp?
    /// The packages as packed, in order (package n of m).
    public var packages: [PackageDraft] = []
    /// Tracking events by when they happened.
    public var events: [TrackingEvent] = []
    /// The proof of delivery's name, type and size, when one was uploaded (the file itself: `proof(_:)`).
    public var proof: ProofFile? = nil

    public struct ProofFile: Sendable, Hashable {
        public var fileName: String
        public var contentType: String
        public var size: Int64
    }

    /// What each order line carries in this shipment: picked when picked, else what the list asks for.
    public var carried: [ID<OrderLine>: Int64] {
        lines.reduce(into: [:]) { $0[$1.line.lineID, default: 0] += $1.picked ?? $1.line.quantity }
    }
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

    /// The order's reservations as `held` reads them, each with its warehouse.
    static func heldLines(_ rows: [SQLRow]) throws -> [(warehouse: String, line: ShipmentLine)] {
        try rows.map { row in
            (try row.text("warehouse"), ShipmentLine(
                lineID: try row.id("line_id"), sku: try row.text("sku"), lotID: try row.id("lot_id"), location: try row.text("location"),
                lot: try row.text("lot_code"), expiry: try row.optionalDate("expiry_date"), quantity: try row.int("quantity")))
        }
    }

    /// The statements that create shipments of `order` for `held` (what it reserved for them, with each lot's
    /// warehouse), one per warehouse in the plan's order (`Fulfilment.split`), numbered after the order from
    /// `after + 1` (`SO…-1`, `-2`; a backorder's continue the count), each with its first audit event.
    static func creation(
        order: StoredOrder, held: [(warehouse: String, line: ShipmentLine)], warehouses preferred: [String], after existing: Int = 0, by actor: Actor,
        at now: Timestamp
    ) -> (numbers: [String], statements: [Statement]) {
        var statements: [Statement] = []
        var numbers: [String] = []
        for (index, split) in Fulfilment.split(held, preferred: preferred).enumerated() {
            let number = "\(order.number)-\(existing + index + 1)"
            numbers.append(number)
            statements += [
                Statement(
                    """
                    INSERT INTO shipments (number, order_id, warehouse_id, status, created_at, version)
                    SELECT $1, $2, id, 'to_pick', $4, 1 FROM warehouses WHERE code = $3
                    """, [number, order.id, split.warehouse, now], expect: .rows(1), label: "shipments"),
                Statement(
                    """
                    INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)
                    SELECT $2, $3, $4, $5, id, '{}' FROM shipments WHERE number = $1
                    """, [number, now, actor.description, "created", EntityKind.shipment.rawValue], expect: .rows(1), label: "audit_events"),
            ]
            // Named by the shipment's number, so the statements need not know where in the write they stand.
            for line in split.lines {
                statements.append(
                    Statement(
                        "INSERT INTO shipment_lines (shipment_id, line_id, lot_id, quantity) SELECT id, $2, $3, $4 FROM shipments WHERE number = $1",
                        [number, line.lineID, line.lotID, line.quantity], expect: .rows(1), label: "shipment_lines"))
            }
        }
        return (numbers, statements)
    }

    /// Lowers the order's reservation of `lot` for `line` by `quantity` (what a shipment used or found missing): the
    /// row goes when that was all of it. A backorder may reserve a lot the line already holds for an earlier
    /// shipment, so one row can stand for two shipments. Guarded: the reservation must hold that much.
    static func consumeReservation(order: ID<Order>, line: ID<OrderLine>, lot: ID<StockLot>, quantity: Int64) -> [Statement] {
        let binds: [any SQLBindable] = [line, lot, order, quantity]
        return [
            Statement(
                "UPDATE reservations SET quantity = quantity WHERE line_id = $1 AND lot_id = $2 AND order_id = $3 AND quantity >= $4", binds,
                expect: .rows(1), label: "reservations"),
            Statement("DELETE FROM reservations WHERE line_id = $1 AND lot_id = $2 AND order_id = $3 AND quantity = $4", binds),
            Statement("UPDATE reservations SET quantity = quantity - $4 WHERE line_id = $1 AND lot_id = $2 AND order_id = $3 AND quantity > $4", binds),
        ]
    }

    static let select = """
        SELECT s.id, s.number, s.order_id, s.status, s.created_at, s.picked_at, s.packed_at, s.shipped_at, s.delivered_at, s.version,
               s.carrier_record, s.tracking_number, s.eta, s.planned_eta, s.signer, s.signed_at, w.code AS warehouse,
               dp.file_name AS proof_name, dp.content_type AS proof_type, dp.size AS proof_size
        FROM shipments s JOIN warehouses w ON w.id = s.warehouse_id LEFT JOIN delivery_proofs dp ON dp.shipment_id = s.id
        """
    static let packagesSelect = """
        SELECT pk.shipment_id, pk.seq, pk.weight_grams, pk.volume_cm3, pk.length_mm, pk.width_mm, pk.height_mm, pk.handling, pk.contents
        FROM shipment_packages pk
        """
    static let eventsSelect = """
        SELECT e.shipment_id, e.event_key, e.kind, e.occurred_at, e.location, e.note, e.eta, e.signer FROM tracking_events e
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
            Statement(SQL(Self.packagesSelect + " JOIN shipments sh ON sh.id = pk.shipment_id WHERE sh.order_id = $1"), [orderID]),
            Statement(SQL(Self.eventsSelect + " JOIN shipments sh ON sh.id = e.shipment_id WHERE sh.order_id = $1"), [orderID]),
        ])
        return try Self.shipments(rows[0], lines: rows[1], packages: rows[2], events: rows[3])
    }

    public func shipment(id: ID<Shipment>) async throws -> StoredShipment {
        let rows = try await engine.read([
            Statement(SQL(Self.select + " WHERE s.id = $1"), [id]),
            Statement(SQL(Self.linesSelect + " WHERE sl.shipment_id = $1"), [id]),
            Statement(SQL(Self.packagesSelect + " WHERE pk.shipment_id = $1"), [id]),
            Statement(SQL(Self.eventsSelect + " WHERE e.shipment_id = $1"), [id]),
        ])
        guard let shipment = try Self.shipments(rows[0], lines: rows[1], packages: rows[2], events: rows[3]).first else { throw DocketError.notFound(.shipment, key: id.description) }
        return shipment
    }

    static func shipments(_ rows: [SQLRow], lines: [SQLRow], packages: [SQLRow], events: [SQLRow]) throws -> [StoredShipment] {
        var packed: [Int64: [(Int64, PackageDraft)]] = [:]
        for row in packages {
            let package = PackageDraft(
                weightGrams: try row.int("weight_grams"), volumeCm3: try row.int("volume_cm3"), lengthMm: try row.int("length_mm"),
                widthMm: try row.int("width_mm"), heightMm: try row.int("height_mm"),
                handling: try row.text("handling").split(separator: ",").compactMap { Handling(rawValue: String($0)) },
                contents: try JSONColumn.decode([PackageDraft.Content].self, try row.text("contents"), column: "contents"))
            packed[try row.int("shipment_id"), default: []].append((try row.int("seq"), package))
        }
        var tracked: [Int64: [TrackingEvent]] = [:]
        for row in events {
            guard let kind = TrackingKind(rawValue: try row.text("kind")) else { throw StoreError.decoding(column: "kind") }
            tracked[try row.int("shipment_id"), default: []].append(
                TrackingEvent(
                    key: try row.text("event_key"), kind: kind, occurredAt: try row.timestamp("occurred_at"), location: row.optionalText("location"),
                    note: row.optionalText("note"), eta: try row.optionalDate("eta"), signer: row.optionalText("signer")))
        }
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
            let time = { (column: String) in row.optionalInt(column).map { Timestamp(millisecondsSince1970: $0) } }
            var shipment = StoredShipment(
                id: ID(id), number: try row.text("number"), orderID: try row.id("order_id"), warehouse: try row.text("warehouse"), status: status,
                createdAt: try row.timestamp("created_at"), pickedAt: time("picked_at"), packedAt: time("packed_at"), shippedAt: time("shipped_at"),
                deliveredAt: time("delivered_at"), version: try row.int("version"),
                lines: (byShipment[id] ?? []).sorted { ShipmentLine.inPickingOrder($0.line, $1.line) },
                carrier: try row.optionalText("carrier_record").map { try JSONColumn.decode(CarrierRecord.self, $0, column: "carrier_record") },
                trackingNumber: row.optionalText("tracking_number"), eta: try row.optionalDate("eta"), plannedETA: try row.optionalDate("planned_eta"),
                signer: row.optionalText("signer"), signedAt: time("signed_at"))
            shipment.packages = (packed[id] ?? []).sorted { $0.0 < $1.0 }.map(\.1)
            shipment.events = (tracked[id] ?? []).sorted { ($0.occurredAt, $0.key) < ($1.occurredAt, $1.key) }
            if let name = row.optionalText("proof_name"), let type = row.optionalText("proof_type"), let size = row.optionalInt("proof_size") {
                shipment.proof = StoredShipment.ProofFile(fileName: name, contentType: type, size: size)
            }
            return shipment
        }
    }

    /// 确认拣货: the picker's counts for every line of the pick list. A full line is picked as reserved; a short one
    /// is never silent — the lot is corrected by the missing quantity (an `adjustment` in the ledger, its reservation
    /// and `reserved` lowered with it) and the order line is left short on the shortage workbench. The order's status
    /// follows (`Fulfilment.orderMove`). `version` is the shipment's as the picker saw it.
    public func confirmPick(_ id: ID<Shipment>, picked: [PickedQuantity], version: Int64? = nil, by actor: Actor) async throws -> StoredShipment {
        try await step(id, version: version, by: actor) { shipment, side, now in
            let next = try ShipmentLifecycle.apply(.pick, to: shipment.status, number: shipment.number)
            let outcomes = try Fulfilment.confirmPick(shipment.lines.map(\.line), picked: picked)
            var statements = [
                Self.update(shipment, to: next, set: [("picked_at", now)]),
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
                    statements.append(Self.movement(.pick, lot: line.lotID, quantity: 0, reserved: 0, reference: shipment.number, note: nil, by: actor, at: now))
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
                        .adjustment, lot: line.lotID, quantity: -outcome.short, reserved: -outcome.short, reference: shipment.number,
                        note: "short pick", by: actor, at: now),
                ] + Self.consumeReservation(order: shipment.orderID, line: line.lineID, lot: line.lotID, quantity: outcome.short)
                // Other lots may have it free: the line is served as a backorder as soon as the timer runs.
                statements.append(
                    Statement(
                        SQL(
                            """
                            INSERT INTO timers (kind, subject, subject_id, due_at, created_at, attempts)
                            SELECT 'serve_waiting', 'product', product_id, $2, $2, 0 FROM stock_lots WHERE id = $1
                            \(Store.pendingTimerUpsert)
                            """), [line.lotID, now]))
            }
            let shorts = outcomes.filter { $0.short > 0 }
            if !shorts.isEmpty, var plan = side.plan {
                // The plan says what is missing, so the line shows on the shortage workbench, and is served as a
                // backorder when stock arrives.
                for outcome in shorts { plan.shortPicked(line: outcome.line.lineID, lot: outcome.line.lotID, quantity: outcome.short) }
                statements.append(
                    Statement(
                        "UPDATE order_allocations SET plan = $2, status = $3, version = version + 1 WHERE order_id = $1",
                        [shipment.orderID, try JSONColumn.encode(plan), plan.status.rawValue], expect: .rows(1), label: "order_allocations"))
            }
            let carried = outcomes.reduce(into: [ID<OrderLine>: Int64]()) { $0[$1.line.lineID, default: 0] += $1.picked }
            return StepWork(next: next, statements: statements, carried: carried)
        }
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

    /// A ledger entry for a lot, its reference the document's number (a shipment's, an after-sales case's).
    static func movement(
        _ kind: MovementKind, lot: ID<StockLot>, quantity: Int64, reserved: Int64, reference: String, note: String?, by actor: Actor,
        at now: Timestamp
    ) -> Statement {
        Statement(
            """
            INSERT INTO stock_movements (occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [now, kind.rawValue, lot, quantity, reserved, reference, note, actor.description], expect: .rows(1), label: "stock_movements")
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
