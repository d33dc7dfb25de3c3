import DocketCore
import Foundation

/// 售后单: after-sales cases. They start with refusals at delivery (the goods a customer would not take, per line,
/// with the reason); the refused goods come back into stock as a `return` movement when received, and the case is
/// closed with how it was settled. An order completes when it has no open case.
public struct CaseRepository: Repository {
    public let store: Store
}

extension Store {
    public var cases: CaseRepository { CaseRepository(store: self) }
}

/// A case as stored.
public struct StoredCase: Sendable, Hashable {
    public struct Line: Sendable, Hashable, Codable {
        public var lineId: ID<OrderLine>
        public var sku: String
        public var quantity: Int64
        public var reason: RefusalReason
        public var note: String?
    }

    public var id: ID<AfterSalesCase>
    public var number: String
    public var orderID: ID<Order>
    public var shipmentID: ID<Shipment>
    public var kind: String
    public var status: CaseStatus
    public var lines: [Line]
    public var openedBy: String
    public var openedAt: Timestamp
    public var returnedAt: Timestamp?
    public var resolution: CaseResolution?
    public var resolutionNote: String?
    public var closedBy: String?
    public var closedAt: Timestamp?
    public var version: Int64
}

extension CaseRepository {
    /// The statements that open a refusal's case for `shipment` (numbered after it: `SO…-1-R`).
    func opening(for shipment: StoredShipment, refusals: [Refusal], by actor: Actor, at now: Timestamp) async throws -> [Statement] {
        let lines = refusals.map { refusal in
            StoredCase.Line(
                lineId: refusal.lineID, sku: shipment.lines.first { $0.line.lineID == refusal.lineID }?.line.sku ?? "", quantity: refusal.quantity,
                reason: refusal.reason, note: refusal.note?.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let number = "\(shipment.number)-R"
        return [
            Statement(
                """
                INSERT INTO after_sales_cases (number, order_id, shipment_id, kind, status, lines, opened_by, opened_at, version)
                VALUES ($1, $2, $3, 'refusal', 'open', $4, $5, $6, 1)
                """, [number, shipment.orderID, shipment.id, try JSONColumn.encode(lines), actor.description, now], expect: .rows(1),
                label: "after_sales_cases"),
            Statement(
                """
                INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)
                SELECT $2, $3, 'opened', $4, id, $5 FROM after_sales_cases WHERE number = $1
                """,
                [number, now, actor.description, EntityKind.afterSalesCase.rawValue, try JSONColumn.encode(["shipment": shipment.number])],
                expect: .rows(1), label: "audit_events"),
        ]
    }

    static let select = "SELECT * FROM after_sales_cases"

    public func cases(orderID: ID<Order>) async throws -> [StoredCase] {
        try await engine.read(Statement(SQL(Self.select + " WHERE order_id = $1 ORDER BY id"), [orderID])).map(Self.decode)
    }

    public func openCases(limit: Int = 200) async throws -> [StoredCase] {
        try await engine.read(Statement(SQL(Self.select + " WHERE status = 'open' ORDER BY id LIMIT $1"), [limit])).map(Self.decode)
    }

    public func `case`(id: ID<AfterSalesCase>) async throws -> StoredCase {
        guard let row = try await engine.read(Statement(SQL(Self.select + " WHERE id = $1"), [id])).first else {
            throw DocketError.notFound(.afterSalesCase, key: id.description)
        }
        return try Self.decode(row)
    }

    static func decode(_ row: SQLRow) throws -> StoredCase {
        guard let status = CaseStatus(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
        let time = { (column: String) in row.optionalInt(column).map { Timestamp(millisecondsSince1970: $0) } }
        return StoredCase(
            id: try row.id(), number: try row.text("number"), orderID: try row.id("order_id"), shipmentID: try row.id("shipment_id"),
            kind: try row.text("kind"), status: status, lines: try JSONColumn.decode([StoredCase.Line].self, try row.text("lines"), column: "lines"),
            openedBy: try row.text("opened_by"), openedAt: try row.timestamp("opened_at"), returnedAt: time("returned_at"),
            resolution: row.optionalText("resolution").flatMap(CaseResolution.init(rawValue:)), resolutionNote: row.optionalText("resolution_note"),
            closedBy: row.optionalText("closed_by"), closedAt: time("closed_at"), version: try row.int("version"))
    }

    /// 退货入库: the refused goods are back in the warehouse. Each line's quantity returns to the lots the shipment took
    /// it from (a `return` movement each, referenced by the case's number), once per case.
    public func receiveReturn(_ id: ID<AfterSalesCase>, version: Int64? = nil, by actor: Actor) async throws -> StoredCase {
        let stored = try await self.case(id: id)
        if let version, version != stored.version { throw DocketError.versionConflict(.afterSalesCase, key: stored.number, current: stored.version) }
        guard stored.status == .open, stored.returnedAt == nil else {
            throw DocketError.conflict(.afterSalesCase, key: stored.number, because: "caseStep")
        }
        let shipment = try await store.shipments.shipment(id: stored.shipmentID)
        let now = clock.now()
        var statements = [
            Statement(
                "UPDATE after_sales_cases SET returned_at = $3, version = version + 1 WHERE id = $1 AND version = $2 AND returned_at IS NULL",
                [id, stored.version, now], expect: .rows(1), label: "after_sales_cases.version"),
            audit("returnReceived", .afterSalesCase, id: id, by: actor, at: now),
        ]
        for (lot, quantity) in Self.returned(stored.lines, from: shipment) {
            let update = statements.count
            statements += [
                Statement(
                    "UPDATE stock_lots SET on_hand = on_hand + $2, version = version + 1 WHERE id = $1 RETURNING product_id", [lot, quantity],
                    expect: .rows(1), label: "stock_lots"),
                ShipmentRepository.movement(.return, lot: lot, quantity: quantity, reserved: 0, reference: stored.number, note: "refused at delivery", by: actor, at: now),
                // The goods are stock again: orders waiting for the product may take them (as after a receipt).
                Store.serveWaitingTimer(productID: Bind.result(statement: update, column: "product_id"), due: now, at: now),
            ]
        }
        do {
            _ = try await engine.write(statements)
        } catch StoreError.guardFailed(let label) where label == "after_sales_cases.version" {
            throw DocketError.conflict(.afterSalesCase, key: stored.number, because: "caseStep")
        }
        return try await self.case(id: id)
    }

    /// The lots refused goods go back to: each line's quantity spread over the lots the shipment carried it in, in
    /// pick-list order.
    static func returned(_ lines: [StoredCase.Line], from shipment: StoredShipment) -> [(ID<StockLot>, Int64)] {
        var back: [(ID<StockLot>, Int64)] = []
        for line in lines {
            var left = line.quantity
            for carried in shipment.lines where carried.line.lineID == line.lineId && left > 0 {
                let quantity = min(left, carried.picked ?? carried.line.quantity)
                if quantity > 0 { back.append((carried.line.lotID, quantity)) }
                left -= quantity
            }
        }
        return back
    }

    /// 结案: how the case was settled. The order completes when this was its last open case and its shipments are done.
    public func close(
        _ id: ID<AfterSalesCase>, resolution: CaseResolution, note: String?, version: Int64? = nil, by actor: Actor
    ) async throws -> StoredCase {
        var v = Validator()
        v.optionalText(note, "note", max: 2000, multiline: true)
        try v.check()
        for _ in 0..<10 {
            let stored = try await self.case(id: id)
            if let version, version != stored.version { throw DocketError.versionConflict(.afterSalesCase, key: stored.number, current: stored.version) }
            guard stored.status == .open else { throw DocketError.conflict(.afterSalesCase, key: stored.number, because: "caseStep") }
            let now = clock.now()
            let statements =
                [
                    Statement(
                        """
                        UPDATE after_sales_cases SET status = 'closed', resolution = $3, resolution_note = $4, closed_by = $5, closed_at = $6,
                               version = version + 1
                        WHERE id = $1 AND version = $2 AND status = 'open'
                        """, [id, stored.version, resolution.rawValue, note?.trimmingCharacters(in: .whitespacesAndNewlines), actor.description, now], expect: .rows(1),
                        label: "after_sales_cases.version"),
                    audit("closed", .afterSalesCase, id: id, by: actor, at: now, data: try JSONColumn.encode(["resolution": resolution.rawValue])),
                ]
                + (try store.shipments.orderFollows(
                    try await store.shipments.orderSide(stored.orderID), openingCases: -1, reason: stored.number, by: actor, at: now))
            do {
                _ = try await engine.write(statements)
                return try await self.case(id: id)
            } catch StoreError.guardFailed(let label) where label == "orders.version" {
                continue
            } catch StoreError.guardFailed(let label) where label == "after_sales_cases.version" {
                throw DocketError.conflict(.afterSalesCase, key: stored.number, because: "caseStep")
            }
        }
        throw DocketError.conflict(.afterSalesCase, key: id.description)
    }
}
