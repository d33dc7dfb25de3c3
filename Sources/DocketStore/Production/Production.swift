import DocketCore
import Foundation
import Logging

/// 生产安排与跟踪: production orders from plan to output. Every step is guarded by the order's status and version and
/// writes an audit event; output is a `production` ledger entry on the order's warehouse, serving the order line
/// it was made for first. A report or a missed milestone that threatens the promised date flags the production
/// order, writes the customer's message to the outbox and opens a change request with the new date (the
/// agreement, decided as any change is).
public struct ProductionRepository: Repository {
    public let store: Store
}

/// A make-to-order line (or the part a plan leaves to production) that no production order covers yet.
public struct ProductionDemand: Sendable, Hashable, Codable {
    public var orderID: ID<Order>
    public var number: String
    public var customerCode: String
    public var customerName: String?
    public var promisedDate: CalendarDate?
    public var lineID: ID<OrderLine>
    public var sku: String
    public var quantity: Int64
    /// The customer's requirements on the order: the specification to confirm before production starts.
    public var specification: String?
    /// Where the plan ships the order from (the output goes there), when it ships from somewhere yet.
    public var warehouse: String?
}

extension Store {
    public var production: ProductionRepository { ProductionRepository(store: self) }

    /// The production order's milestone check, pending once per order (a pending one moves only sooner).
    static func milestoneTimer(_ order: any SQLBindable, due: Timestamp, at now: Timestamp) -> Statement {
        pendingTimer(.milestoneCheck, .productionOrder, order, due: due, at: now)
    }
}

extension ProductionRepository {
    static let select = """
        SELECT m.*, p.sku, p.name_zh, w.code AS warehouse_code
        FROM production_orders m JOIN products p ON p.id = m.product_id JOIN warehouses w ON w.id = m.warehouse_id
        """

    /// 安排生产: checks the draft; with a custom specification the order waits for the customer's confirmation
    /// before it may start. `decision` is the shortage decision it carries out, in the same transaction.
    public func create(_ draft: ProductionDraft, by actor: Actor, decision: ShortageDecisionDraft? = nil) async throws -> ProductionOrder {
        let now = clock.now()
        let today = now.date(utcOffsetHours: 8)
        try draft.validate(today: today)
        let facts = try await engine.read([
            Statement("SELECT id, archived FROM products WHERE sku = $1", [draft.sku]),
            Statement("SELECT id, active, archived FROM warehouses WHERE code = $1", [draft.warehouseCode]),
        ])
        var v = Validator()
        if let product = facts[0].first {
            if try product.bool("archived") { v.add("sku", "archived", ["value": draft.sku]) }
        } else {
            v.add("sku", "notFound", ["value": draft.sku])
        }
        if let warehouse = facts[1].first {
            if try warehouse.bool("archived") || !(try warehouse.bool("active")) { v.add("warehouseCode", "inactive", ["value": draft.warehouseCode]) }
        } else {
            v.add("warehouseCode", "notFound", ["value": draft.warehouseCode])
        }
        try v.check()
        let specification = draft.specification?.trimmingCharacters(in: .whitespacesAndNewlines)
        let status: ProductionOrder.Status = (specification ?? "").isEmpty ? .planned : .awaitingSpec
        let operations = draft.operations.map { ProductionOrder.Operation(name: $0.trimmingCharacters(in: .whitespaces)) }
        let milestones = draft.milestones.compactMap { m in m.due.map { ProductionOrder.Milestone(name: m.name.trimmingCharacters(in: .whitespaces), due: $0) } }
        let day = today.compactISO
        let insert = """
            INSERT INTO production_orders (product_id, warehouse_id, quantity, produced, status, due_date, expected_date, at_risk, specification,
                                           spec_confirmation, order_id, line_id, operations, milestones, created_by, created_at, version, number)
            VALUES ($1, $2, $3, 0, $4, $5, NULL, FALSE, $6, NULL, $7, $8, $9, $10, $11, $12, 1, %@)
            RETURNING id
            """
        var statements = [
            Store.nextNumber(key: "MO-\(day)"),
            Statement(
                Store.numbered(insert, prefix: "MO", day: 13, value: 14),
                [try facts[0][0].int("id"), try facts[1][0].int("id"), draft.quantity, status.rawValue, draft.dueDate,
                 (specification ?? "").isEmpty ? nil : specification, draft.orderId, draft.lineId, try JSONColumn.encode(operations),
                 try JSONColumn.encode(milestones), actor.description, now, day, Bind.result(statement: 0, column: "last_value")],
                expect: .rows(1), label: "production_orders"),
        ]
        let order = Bind.result(statement: 1, column: "id")
        statements.append(audit("planned", .productionOrder, id: order, by: actor, at: now, data: try JSONColumn.encode(draft)))
        if let first = milestones.map(\.due).min() {
            statements.append(Store.milestoneTimer(order, due: first.adding(days: 1).start(utcOffsetHours: 8), at: now))
        }
        if let decision { statements += try decision.statements(reference: "SELECT number FROM production_orders WHERE id = $1", order, at: now) }
        let rows = try await engine.write(statements)
        return try await productionOrder(id: try rows[1][0].id())
    }

    /// 规格确认: the customer confirmed the custom specification (how, in words); production may start.
    public func confirmSpecification(_ id: ID<ProductionOrder>, confirmation: String, version: Int64? = nil, by actor: Actor) async throws
        -> ProductionOrder
    {
        var v = Validator()
        v.text(confirmation, "confirmation", max: 500, multiline: true)
        try v.check()
        let order = try await productionOrder(id: id)
        return try await step(
            order, .confirmSpec, version: version, set: "spec_confirmation = $5", [confirmation.trimmingCharacters(in: .whitespacesAndNewlines)],
            by: actor)
    }

    /// 开工.
    public func start(_ id: ID<ProductionOrder>, version: Int64? = nil, by actor: Actor) async throws -> ProductionOrder {
        try await step(try await productionOrder(id: id), .start, version: version, by: actor)
    }

    /// 取消: only before work started.
    public func cancel(_ id: ID<ProductionOrder>, version: Int64? = nil, by actor: Actor) async throws -> ProductionOrder {
        let order = try await productionOrder(id: id)
        return try await step(order, .cancel, version: version, by: actor, extra: [cancelTimer(id)])
    }

    private func cancelTimer(_ id: ID<ProductionOrder>) -> Statement {
        Statement(
            """
            UPDATE timers SET done_at = $2, outcome = 'cancelled'
            WHERE kind = 'milestone_check' AND subject = 'productionOrder' AND subject_id = $1 AND done_at IS NULL
            """, [id, clock.now()])
    }

    /// A guarded status change with its audit event; `set` may set more columns from `values` (bound from `$5`).
    private func step(
        _ order: ProductionOrder, _ action: ProductionOrder.Action, version: Int64?, set: String? = nil, _ values: [any SQLBindable] = [],
        by actor: Actor, extra: [Statement] = []
    ) async throws -> ProductionOrder {
        guard let next = ProductionOrder.next(order.status, action) else {
            throw DocketError.conflict(.productionOrder, key: order.number, because: "production.\(order.status.rawValue)")
        }
        let now = clock.now()
        let more = set.map { ", " + $0 } ?? ""
        do {
            _ = try await engine.write(
                [
                    Statement(
                        SQL("UPDATE production_orders SET status = $2, version = version + 1\(more) WHERE id = $1 AND status = $3 AND version = $4"),
                        [order.id, next.rawValue, order.status.rawValue, version ?? order.version] + values, expect: .rows(1),
                        label: "production_orders.version"),
                    audit(action.rawValue, .productionOrder, id: order.id, by: actor, at: now),
                ] + extra)
        } catch StoreError.guardFailed(let label) where label == "production_orders.version" {
            throw DocketError.conflict(.productionOrder, key: order.number)
        }
        return try await productionOrder(id: order.id)
    }

    /// 进度汇报: output into stock (a `production` ledger entry on the order's warehouse), operations and milestones
    /// marked, the problem and the new expected finish kept. When the finish now falls after the promised date, the
    /// production order is flagged, the customer is told through the outbox and a change request proposes the new
    /// date. The line the output was made for is served at once, before other waiting orders (planned again, or once the
    /// order is at the warehouses, sent on a backorder shipment).
    public func report(_ id: ID<ProductionOrder>, _ report: ProgressReport, by actor: Actor) async throws -> ProductionOrder {
        let order = try await productionOrder(id: id)
        let now = clock.now()
        let progress = try Production.apply(report, to: order, at: now)
        let linked = try await linkedOrder(order)
        let slip = progress.complete ? nil : Production.slip(expected: progress.expectedDate, due: order.dueDate, promised: linked?.promisedDate)
        let newlyAtRisk = order.isNewSlip(slip)
        var statements = [
            Statement(
                """
                UPDATE production_orders SET produced = $2, status = $3, operations = $4, milestones = $5, expected_date = $6,
                    at_risk = $7, version = version + 1
                WHERE id = $1 AND version = $8 AND status = 'inProgress'
                """,
                [id, progress.produced, (progress.complete ? ProductionOrder.Status.completed : .inProgress).rawValue,
                 try JSONColumn.encode(progress.operations), try JSONColumn.encode(progress.milestones), progress.expectedDate,
                 progress.complete ? false : (slip != nil || order.atRisk), report.version ?? order.version],
                expect: .rows(1), label: "production_orders.version"),
            Statement(
                """
                INSERT INTO production_reports (production_order_id, produced, operation, milestone, problem, expected_date, actor, reported_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [id, report.produced, report.operation, report.milestone, report.problem?.trimmingCharacters(in: .whitespacesAndNewlines),
                 report.expectedDate, actor.description, now], expect: .rows(1), label: "production_reports"),
            audit(progress.complete ? "completed" : "reported", .productionOrder, id: id, by: actor, at: now, data: try JSONColumn.encode(report)),
        ]
        if progress.complete { statements.append(cancelTimer(id)) }
        if report.produced > 0 { statements += try await outputStatements(order, quantity: report.produced, by: actor, at: now, first: statements.count) }
        if newlyAtRisk, let linked, let slip {
            statements += try slipStatements(linked, slip, production: order, problem: report.problem, by: actor, at: now)
        }
        do {
            _ = try await engine.write(statements)
        } catch StoreError.guardFailed(let label) where label == "production_orders.version" {
            throw DocketError.conflict(.productionOrder, key: order.number)
        }
        if newlyAtRisk, let linked, let slip { await proposeNewDate(linked, slip, production: order, by: actor) }
        if report.produced > 0, let linked { _ = try? await store.orders.serve(orderID: linked.id, by: actor) }
        return try await productionOrder(id: id)
    }

    /// The order told: an event on its timeline and the customer's message in the outbox, with the new date.
    private func slipStatements(_ order: StoredOrder, _ date: CalendarDate, production: ProductionOrder, problem: String?, by actor: Actor, at now: Timestamp)
        throws -> [Statement]
    {
        var message = OrderMessage(order)
        message.newDate = date
        message.message = problem?.trimmingCharacters(in: .whitespacesAndNewlines)
        return [
            audit(
                "production_slipped", .order, id: order.id, by: actor, at: now,
                data: try JSONColumn.encode(["reason": "\(production.number) → \(date.iso8601)"]))
        ] + (try store.orders.statements(for: [.notify(.delayed)], orderID: order.id, message: message, at: now))
    }

    /// The new-date agreement: a change request for the order's date, decided (with the customer's answer) as any
    /// change is. An order that no longer accepts changes keeps the flag and the message.
    private func proposeNewDate(_ order: StoredOrder, _ date: CalendarDate, production: ProductionOrder, by actor: Actor) async {
        do {
            _ = try await store.orders.requestChange(
                orderID: order.id, OrderEdit(requestedDate: date), message: "生产单 \(production.number) 预计 \(date.iso8601) 完工，需与客户确认新交期", by: actor)
        } catch {
            logger.warning("docket.production.newDate", metadata: ["docket.order": "\(order.number)", "error": "\(error)"])
        }
    }

    /// The output's receipt: on the warehouse's first active location. Its lot is the production order's number for a
    /// lot-tracked, shelf-life or made-to-order product (made-to-order lines take only their own output, by that
    /// number); a shelf-life product's expiry is today plus the shelf life.
    private func outputStatements(_ order: ProductionOrder, quantity: Int64, by actor: Actor, at now: Timestamp, first: Int) async throws -> [Statement] {
        guard
            let row = try await engine.read(
                Statement(
                    """
                    SELECT p.id AS product_id, p.lot_tracked, p.shelf_life_days, p.make_to_order, w.id AS warehouse_id, l.id AS location_id,
                           l.code AS location_code
                    FROM products p, warehouses w JOIN locations l ON l.warehouse_id = w.id AND l.active = TRUE
                    WHERE p.sku = $1 AND w.code = $2 ORDER BY l.code LIMIT 1
                    """, [order.sku, order.warehouseCode])
            ).first
        else { throw DocketError.invalid("warehouseCode", "noActiveLocation", ["value": order.warehouseCode]) }
        let today = now.date(utcOffsetHours: 8)
        let shelfLife = row.optionalInt("shelf_life_days")
        let receipt = StockReceipt(
            sku: order.sku, warehouseCode: order.warehouseCode, locationCode: try row.text("location_code"),
            lot: try row.bool("lot_tracked") || shelfLife != nil || row.bool("make_to_order") ? order.number : nil, quantity: quantity, receivedAt: now,
            expiryDate: shelfLife.map { today.adding(days: Int($0)) }, reference: order.number)
        return try store.stock.receiptStatements(
            receipt, product: try row.int("product_id"), warehouse: try row.int("warehouse_id"), location: try row.int("location_id"), by: actor,
            at: now, first: first, kind: .production)
    }

    /// The milestone check (timer): a milestone not reached by its date moves the expected finish by as many days
    /// as it is late; if that threatens the promised date, the same follows as from a report. Checked again the
    /// next day while it stays missed, else at the next milestone.
    public func checkMilestones(_ id: ID<ProductionOrder>, done: (TimerOutcome) -> Statement) async throws -> TimerOutcome {
        let order = try await productionOrder(id: id)
        let now = clock.now()
        let today = now.date(utcOffsetHours: 8)
        guard order.status.isOpen, let missed = order.missedMilestone(today: today) else {
            var statements = [done(.skipped)]
            if order.status.isOpen, let next = order.nextMilestoneCheck {
                statements.append(Store.milestoneTimer(id, due: max(next.start(utcOffsetHours: 8), now.adding(milliseconds: 60_000)), at: now))
            }
            _ = try await engine.write(statements)
            return .skipped
        }
        let expected = Production.expectedAfterMissing(missed, order: order, today: today)
        let linked = try await linkedOrder(order)
        let slip = Production.slip(expected: expected, due: order.dueDate, promised: linked?.promisedDate)
        let actor = Actor(.system, "timer")
        var statements = [
            done(.replanned),
            Statement(
                "UPDATE production_orders SET expected_date = $2, at_risk = $3, version = version + 1 WHERE id = $1 AND version = $4",
                [id, expected, slip != nil || order.atRisk, order.version], expect: .rows(1), label: "production_orders.version"),
            audit("milestone_missed", .productionOrder, id: id, by: actor, at: now, data: try JSONColumn.encode(["milestone": missed.name])),
            Store.milestoneTimer(id, due: today.adding(days: 1).start(utcOffsetHours: 8), at: now),
        ]
        let newlyAtRisk = order.isNewSlip(slip)
        if newlyAtRisk, let linked, let slip {
            statements += try slipStatements(linked, slip, production: order, problem: missed.name, by: actor, at: now)
        }
        _ = try await engine.write(statements)
        if newlyAtRisk, let linked, let slip { await proposeNewDate(linked, slip, production: order, by: actor) }
        return .replanned
    }

    private func linkedOrder(_ order: ProductionOrder) async throws -> StoredOrder? {
        guard let id = order.orderID else { return nil }
        return try await store.orders.order(id: id)
    }

    public func productionOrder(id: ID<ProductionOrder>) async throws -> ProductionOrder {
        guard let row = try await engine.read(Statement(SQL(Self.select + " WHERE m.id = $1"), [id])).first else {
            throw DocketError.notFound(.productionOrder, key: id.description)
        }
        return try Self.productionOrder(row)
    }

    /// Production orders: the open ones, those not yet started first, each group by due date (late ones first),
    /// unless `open` is false (then newest first); for one order when given.
    public func productionOrders(open: Bool = true, orderID: ID<Order>? = nil, limit: Int = 200) async throws -> [ProductionOrder] {
        var where_ = Conditions()
        if open { where_.add("m.status IN ('awaitingSpec', 'planned', 'inProgress')") }
        if let orderID { where_.add("m.order_id = \(where_.bind(orderID))") }
        let order = open ? "CASE WHEN m.status = 'inProgress' THEN 1 ELSE 0 END, m.due_date, m.id" : "m.id DESC"
        return try await engine.read(
            Statement(SQL(Self.select + where_.clause + " ORDER BY \(order) LIMIT \(max(1, min(limit, 1000)))"), where_.binds)
        ).map(Self.productionOrder)
    }

    /// The reports of a production order, newest first.
    public func reports(_ id: ID<ProductionOrder>) async throws -> [(report: ProgressReport, actor: String, at: Timestamp)] {
        try await engine.read(Statement("SELECT * FROM production_reports WHERE production_order_id = $1 ORDER BY id DESC LIMIT 200", [id])).map { row in
            (
                ProgressReport(
                    produced: try row.int("produced"), operation: row.optionalText("operation"), milestone: row.optionalText("milestone"),
                    problem: row.optionalText("problem"), expectedDate: try row.optionalDate("expected_date")),
                try row.text("actor"), try row.timestamp("reported_at")
            )
        }
    }

    /// 待排产: lines the allocation leaves to production (made to order) of orders that hold stock, with no
    /// production order for the line yet (other than cancelled ones), earliest promised date first.
    public func demand(limit: Int = 200) async throws -> [ProductionDemand] {
        let rows = try await engine.read(
            Statement(
                SQL(
                    """
                    SELECT o.id, o.number, o.customer_code, c.name AS customer_name, o.promised_date, o.customer_requirements, a.status, a.firm,
                           a.plan, a.planned_at, a.expires_at
                    FROM orders o JOIN order_allocations a ON a.order_id = o.id LEFT JOIN customers c ON c.code = o.customer_code
                    WHERE \(Store.holdsStockCondition)
                    ORDER BY o.promised_date, o.id LIMIT $1
                    """), [Int64(max(1, min(limit, 1000)))]))
        guard !rows.isEmpty else { return [] }
        var covered = Set<Int64>()
        for row in try await engine.read(Statement("SELECT line_id FROM production_orders WHERE line_id IS NOT NULL AND status <> 'cancelled'")) {
            covered.insert(try row.int("line_id"))
        }
        var result: [ProductionDemand] = []
        for row in rows {
            let plan = try Store.storedAllocation(row, lines: []).plan
            for line in plan.lines where line.toProduce > 0 && line.lineID.rawValue > 0 && !covered.contains(line.lineID.rawValue) {
                result.append(
                    ProductionDemand(
                        orderID: try row.id(), number: try row.text("number"), customerCode: try row.text("customer_code"),
                        customerName: row.optionalText("customer_name"), promisedDate: try row.optionalDate("promised_date"), lineID: line.lineID,
                        sku: line.sku, quantity: line.toProduce, specification: row.optionalText("customer_requirements"),
                        warehouse: plan.warehouses.first))
            }
        }
        return result
    }

    static func productionOrder(_ row: SQLRow) throws -> ProductionOrder {
        guard let status = ProductionOrder.Status(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
        return ProductionOrder(
            id: try row.id(), number: try row.text("number"), sku: try row.text("sku"), productName: try row.text("name_zh"),
            warehouseCode: try row.text("warehouse_code"), quantity: try row.int("quantity"), produced: try row.int("produced"), status: status,
            dueDate: try row.optionalDate("due_date") ?? CalendarDate(daysSince1970: 0), expectedDate: try row.optionalDate("expected_date"),
            atRisk: try row.bool("at_risk"), specification: row.optionalText("specification"), specConfirmation: row.optionalText("spec_confirmation"),
            orderID: row.optionalInt("order_id").map { ID($0) }, lineID: row.optionalInt("line_id").map { ID($0) },
            operations: try JSONColumn.decode([ProductionOrder.Operation].self, try row.text("operations"), column: "operations"),
            milestones: try JSONColumn.decode([ProductionOrder.Milestone].self, try row.text("milestones"), column: "milestones"),
            createdBy: try row.text("created_by"), createdAt: try row.timestamp("created_at"), version: try row.int("version"))
    }
}
