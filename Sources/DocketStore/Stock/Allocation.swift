import DocketCore

/// An order's allocation as kept: the plan with its explanation, and whether the reservation is firm.
public struct StoredAllocation: Sendable, Hashable, Codable {
    /// `full`, `partial`, `none`, `released` (the order gave its stock back), or `shipped` (its last shipment left:
    /// the reservations were used up by the handover).
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case full, partial, none, released, shipped }

    public var status: Status
    public var firm: Bool
    public var plan: AllocationPlan
    public var plannedAt: Timestamp
    /// A soft reservation lapses then unless the customer confirms.
    public var expiresAt: Timestamp?

    /// The plan's status while the order holds it (nil once released).
    public var planStatus: AllocationPlan.Status? { AllocationPlan.Status(rawValue: status.rawValue) }

    /// Whether the warehouse may take the order over (`OrderWorkflow.checkRelease`): `backorderAccepted` are the
    /// lines the customer agreed to receive in part.
    public func readyForWarehouse(backorderAccepted: Set<ID<OrderLine>> = []) -> Bool {
        OrderWorkflow.checkRelease(
            planStatus: planStatus, firm: firm, shortLines: plan.lines.filter { $0.short > 0 }.map(\.lineID), backorderAccepted: backorderAccepted)
    }
}

/// What allocating an order reads, in one snapshot: the order's lines with their products, every lot of those
/// products with its warehouse, the carriers, and what the order already holds (counted as free for it).
struct AllocationInput: Sendable {
    /// A demand line's row: an existing line's id, or the number a line added in the same write gets.
    enum LineRef: Sendable, Hashable {
        case id(ID<OrderLine>)
        case number(Int64)
    }

    var demand: AllocationDemand
    var refs: [LineRef]
    var supply: [LotSupply]
    var sites: [WarehouseSite]
    var carriers: [Carrier]
    /// What the order holds per lot.
    var held: [ID<StockLot>: Int64]
    /// Unconfirmed, less urgent orders whose soft reservations this (urgent) order takes (`Preemption`), with
    /// their numbers; empty unless the policy allows it.
    var losers: [(id: ID<Order>, number: String)] = []
    /// This order's number, for the losers' history.
    var number: String = ""
}

extension Store {
    /// The stored plan, with the ids of lines a change added in the same write as the plan filled in: those lines
    /// were planned before they had ids, and are the order's lines the plan does not name yet, in order.
    static func storedAllocation(_ row: SQLRow, lines: [OrderIntake.PricedLine]) throws -> StoredAllocation {
        guard let status = StoredAllocation.Status(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
        var plan = try JSONColumn.decode(AllocationPlan.self, try row.text("plan"), column: "plan")
        let named = Set(plan.lines.map(\.lineID))
        var unnamed = lines.compactMap(\.id).filter { !named.contains($0) }.makeIterator()
        for index in plan.lines.indices where plan.lines[index].lineID.rawValue == 0 {
            if let id = unnamed.next() { plan.lines[index].lineID = id }
        }
        return StoredAllocation(
            status: status, firm: try row.bool("firm"), plan: plan, plannedAt: try row.timestamp("planned_at"),
            expiresAt: row.optionalInt("expires_at").map { Timestamp(millisecondsSince1970: $0) })
    }

    /// Inserting a timer that may already be pending for its subject (one pending per kind and subject): the pending
    /// one is kept and brought forward when the new one is due sooner.
    static let pendingTimerUpsert = """
        ON CONFLICT (kind, subject, subject_id) WHERE done_at IS NULL DO UPDATE SET due_at = CASE WHEN excluded.due_at < timers.due_at
            THEN excluded.due_at ELSE timers.due_at END
        """

    /// A timer of `kind` for one subject at `due`, or the pending one brought forward (one pending per kind and subject).
    static func pendingTimer(_ kind: TimerKind, _ subject: EntityKind, _ id: any SQLBindable, due: Timestamp, at now: Timestamp) -> Statement {
        Statement(
            SQL(
                """
                INSERT INTO timers (kind, subject, subject_id, due_at, created_at, attempts)
                SELECT $4, $5, $1, $2, $3, 0 WHERE TRUE
                \(pendingTimerUpsert)
                """), [id, due, now, kind.rawValue, subject.rawValue])
    }

    /// Asks the timer worker to serve the orders waiting for a product at `due` (or sooner, when one is pending).
    static func serveWaitingTimer(productID: any SQLBindable, due: Timestamp, at now: Timestamp) -> Statement {
        pendingTimer(.serveWaiting, .product, productID, due: due, at: now)
    }

    /// Orders (`o`) that hold stock: Core's soft and firm statuses, and on hold from one of them (`OrderWorkflow`'s
    /// enum constants, written into the SQL).
    static let holdsStockCondition: String = {
        let holding = (OrderWorkflow.softStock + OrderWorkflow.firmStock).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return "(o.status IN (\(holding)) OR (o.status = 'on_hold' AND o.held_from IN (\(holding))))"
    }()

    /// Bumps an order's version, guarded by the one it was read in: for writes that change what belongs to an order
    /// (its reservations) without a transition, so a transition at the same moment and this write exclude each other.
    static func touch(_ order: StoredOrder, at now: Timestamp) -> Statement {
        Statement(
            "UPDATE orders SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2", [order.id, order.version, now],
            expect: .rows(1), label: "orders.version")
    }

    /// What planning draws on for these SKUs, in three statements: every lot with stock (with what `heldBy` holds of
    /// it, when the order exists), the warehouses, the active carriers.
    static func supplyStatements(skus: [String], heldBy orderID: ID<Order>?) -> [Statement] {
        var lots = Conditions()
        let held =
            orderID.map {
                "CAST(COALESCE((SELECT SUM(r.quantity) FROM reservations r WHERE r.lot_id = s.id AND r.order_id = \(lots.bind($0))), 0) AS BIGINT)"
            } ?? "0"
        lots.add("p.sku IN \(lots.list(skus))")
        lots.add("s.on_hand > 0")
        return [
            Statement(
                SQL(
                    """
                    SELECT s.id, s.lot_code, s.expiry_date, s.first_received_at, s.on_hand, s.reserved, s.quarantined, p.sku,
                           w.code AS warehouse_code, l.code AS location_code, \(held) AS held
                    FROM stock_lots s JOIN products p ON p.id = s.product_id JOIN warehouses w ON w.id = s.warehouse_id
                    JOIN locations l ON l.id = s.location_id\(lots.clause)
                    """), lots.binds),
            Statement("SELECT code, active, archived, latitude, longitude FROM warehouses", []),
            Statement(SQL("SELECT * FROM carriers WHERE archived = FALSE AND active = TRUE"), []),
        ]
    }

    /// The order's lines with a 部分发货 decision (`line_id`).
    static func backorderAccepted(_ orderID: any SQLBindable) -> Statement {
        Statement(
            "SELECT DISTINCT line_id FROM shortage_decisions WHERE order_id = $1 AND kind = $2", [orderID, ShortageOption.Kind.partialShipment.rawValue])
    }

    static func allocation(_ orderID: any SQLBindable) -> Statement {
        Statement("SELECT * FROM order_allocations WHERE order_id = $1", [orderID])
    }
}

extension OrderRepository {
    /// Reads what planning `lines` of `order` needs (the order's current lines unless a change brings new ones).
    /// `preempting`: an urgent order may take unconfirmed orders' soft reservations (a backorder never does).
    func allocationInput(_ order: StoredOrder, lines given: [OrderIntake.PricedLine]? = nil, preempting: Bool = true) async throws -> AllocationInput {
        // The order's lines as stored (with their ids) unless a change brings its own.
        let lines: [OrderIntake.PricedLine]
        if let given { lines = given } else { lines = try await engine.read(Statement(Store.linesSQL, [order.id])).map { try Store.orderLine($0) } }
        let skuList = Array(Set(lines.map(\.sku)))
        let supply = Store.supplyStatements(skus: skuList, heldBy: order.id)
        let results = try await store.snapshot([
            .products(skuList), .live(supply[0]), .master("warehouses", supply[1]), .master("carriers", supply[2]),
            .live(Statement("SELECT COALESCE(MAX(line_no), 0) AS last FROM order_lines WHERE order_id = $1", [order.id])),
            // What production made for the order's lines: made-to-order lines take only these lots.
            .live(Statement("SELECT line_id, number FROM production_orders WHERE order_id = $1 AND status <> 'cancelled'", [order.id])),
        ])
        var producedLots: [Int64: Set<String>] = [:]
        for row in results[5] { producedLots[try row.int("line_id"), default: []].insert(try row.text("number")) }
        var next = try results[4][0].int("last")
        let refs: [AllocationInput.LineRef] = lines.map { line in
            if let id = line.id { return .id(id) }
            next += 1
            return .number(next)
        }
        var input = try allocationInput(
            order, lines: lines, refs: refs, products: results[0], supply: results[1...3], producedLots: producedLots)
        if preempting && policy.allocation.preemptSoftReservations { try await preempt(&input, order: order, skus: skuList) }
        return input
    }

    /// Planning's input from rows already read: the products of the lines (`sku`, `shelf_life_days`, `weight_grams`,
    /// `make_to_order`) and the three results of `supplyStatements`.
    func allocationInput(
        _ order: StoredOrder, lines: [OrderIntake.PricedLine], refs: [AllocationInput.LineRef], products: [SQLRow],
        supply rows: ArraySlice<[SQLRow]>, producedLots: [Int64: Set<String>]
    ) throws -> AllocationInput {
        let rows = Array(rows)
        var productRows: [String: SQLRow] = [:]
        for row in products { productRows[try row.text("sku")] = row }
        var supply: [LotSupply] = []
        var held: [ID<StockLot>: Int64] = [:]
        for row in rows[0] {
            let own = row.optionalInt("held") ?? 0
            let id: ID<StockLot> = try row.id()
            if own > 0 { held[id] = own }
            supply.append(
                LotSupply(
                    lotID: id, sku: try row.text("sku"), warehouse: try row.text("warehouse_code"), location: try row.text("location_code"),
                    lot: try row.text("lot_code"), expiry: try row.optionalDate("expiry_date"), receivedAt: try row.timestamp("first_received_at"),
                    available: (try row.int("on_hand")) - (try row.int("reserved")) + own, quarantined: try row.bool("quarantined")))
        }
        let sites = try rows[1].map { row in
            WarehouseSite(
                code: try row.text("code"), active: try row.bool("active") && !(try row.bool("archived")),
                point: row.geoPoint)
        }
        let carriers = try rows[2].map(MasterTable<Carrier>.carriers.decode)
        let demandLines = lines.map { line in
            let product = productRows[line.sku]
            return AllocationDemand.Line(
                lineID: line.id ?? ID(0), sku: line.sku, quantity: max(0, line.quantity),
                shelfLifeDays: product?.optionalInt("shelf_life_days").map { Int($0) },
                weightGrams: product?.optionalInt("weight_grams") ?? 0, makeToOrder: (try? product?.bool("make_to_order")) ?? false,
                producedLots: line.id.flatMap { producedLots[$0.rawValue] } ?? [])
        }
        let address = order.deliveryAddress
        let demand = AllocationDemand(
            lines: demandLines, today: clock.now().date(utcOffsetHours: 8), promisedDate: order.promisedDate, destination: address?.point,
            province: address?.province ?? "")
        return AllocationInput(demand: demand, refs: refs, supply: supply, sites: sites, carriers: carriers, held: held, number: order.number)
    }

    /// Core's plan for what was read.
    func plan(_ input: AllocationInput) -> AllocationPlan {
        Allocation.plan(input.demand, supply: input.supply, warehouses: input.sites, carriers: input.carriers, policy: policy.allocation)
    }

    /// 抢占: for an urgent order the stock cannot cover, the unconfirmed orders whose soft reservations it takes
    /// (`Preemption.losers`), and its supply widened by what they hold.
    func preempt(_ input: inout AllocationInput, order: StoredOrder, skus: [String]) async throws {
        let winner = DemandPriority(urgent: order.urgent, type: order.type, receivedAt: order.receivedAt, orderID: order.id)
        guard winner.isUrgent else { return }
        let plan = self.plan(input)
        guard plan.lines.contains(where: { $0.short > 0 }) else { return }
        var where_ = Conditions()
        let me = where_.bind(order.id)
        where_.add("r.firm = FALSE AND r.order_id <> \(me)")
        where_.add("p.sku IN \(where_.list(skus))")
        let rows = try await engine.read(
            Statement(
                SQL(
                    """
                    SELECT r.order_id, r.lot_id, CAST(SUM(r.quantity) AS BIGINT) AS quantity, o.urgent, o.type, o.received_at, o.number
                    FROM reservations r JOIN orders o ON o.id = r.order_id JOIN stock_lots s ON s.id = r.lot_id JOIN products p ON p.id = s.product_id
                    \(where_.clause)
                    GROUP BY r.order_id, r.lot_id, o.urgent, o.type, o.received_at, o.number
                    """), where_.binds))
        var numbers: [ID<Order>: String] = [:]
        let holds = try rows.map { row in
            let id: ID<Order> = try row.id("order_id")
            numbers[id] = try row.text("number")
            return Preemption.Hold(
                priority: DemandPriority(
                    urgent: try row.bool("urgent"), type: OrderType(rawValue: try row.text("type")) ?? .stock, receivedAt: try row.timestamp("received_at"),
                    orderID: id), lotID: try row.id("lot_id"), quantity: try row.int("quantity"))
        }
        func widened(by holds: [Preemption.Hold]) -> [LotSupply] {
            var extra: [ID<StockLot>: Int64] = [:]
            for hold in holds { extra[hold.lotID, default: 0] += hold.quantity }
            return input.supply.map { lot in
                var lot = lot
                lot.available += extra[lot.lotID] ?? 0
                return lot
            }
        }
        let eligible = holds.filter { Preemption.mayTake($0, winner: winner) }
        guard !eligible.isEmpty else { return }
        let wide = Allocation.plan(input.demand, supply: widened(by: eligible), warehouses: input.sites, carriers: input.carriers, policy: policy.allocation)
        var free: [ID<StockLot>: Int64] = [:]
        for lot in input.supply { free[lot.lotID] = max(0, lot.available) }
        let needed = wide.reservedByLot.mapValues { $0 }.reduce(into: [ID<StockLot>: Int64]()) { $0[$1.key] = $1.value - (free[$1.key] ?? 0) }
        let losers = Preemption.losers(needed: needed, holds: holds, winner: winner)
        guard !losers.isEmpty else { return }
        input.supply = widened(by: holds.filter { losers.contains($0.priority.orderID) })
        input.losers = losers.map { ($0, numbers[$0] ?? "") }
    }

    /// Plans and reserves: what the plan takes beyond what the order held is reserved with a guard on the lot's
    /// free stock (`stock_lots.available`: a lost race re-plans), what it no longer needs is released; every
    /// change of a lot's reserved quantity is a ledger entry; the order's reservations and plan are replaced.
    /// `planned`: the plan the caller already made from `input` (it is not made twice).
    func allocationStatements(
        _ input: AllocationInput, planned: AllocationPlan? = nil, orderID: any SQLBindable, firm: Bool, by actor: Actor, at now: Timestamp
    ) throws -> (plan: AllocationPlan, statements: [Statement]) {
        let plan = planned ?? self.plan(input)
        let wanted = plan.reservedByLot
        var statements: [Statement] = []
        // The losers of a pre-emption give back everything first (only if still unconfirmed: a confirmation at the same
        // moment wins, and this write is planned again) and go back to the queue through a durable re-plan.
        for loser in input.losers {
            statements.append(
                Statement(
                    "UPDATE order_allocations SET version = version + 1 WHERE order_id = $1 AND firm = FALSE AND status <> 'released'", [loser.id],
                    expect: .rows(1), label: "stock_lots.reserved"))
            statements += releaseStatements(orderID: loser.id, by: actor, at: now)
            statements += [
                Store.pendingTimer(.reallocate, .order, loser.id, due: now, at: now),
                audit("preempted", .order, id: loser.id, by: actor, at: now, data: try JSONColumn.encode(["reason": input.number])),
            ]
        }
        if !input.losers.isEmpty {
            statements.append(
                audit(
                    "preempted_others", .order, id: orderID, by: actor, at: now,
                    data: try JSONColumn.encode(["reason": input.losers.map(\.number).joined(separator: "、")])))
        }
        var entries: [[any SQLBindable]] = []
        var taken: [(lot: ID<StockLot>, quantity: Int64)] = []
        var given: [(lot: ID<StockLot>, quantity: Int64)] = []
        for lot in Set(wanted.keys).union(input.held.keys).sorted() {
            let delta = (wanted[lot] ?? 0) - (input.held[lot] ?? 0)
            if delta > 0 { taken.append((lot, delta)) } else if delta < 0 { given.append((lot, -delta)) }
            if delta != 0 {
                entries.append([now, delta > 0 ? MovementKind.reservation.rawValue : MovementKind.release.rawValue, lot, delta, orderID, actor.description])
            }
        }
        // One guarded update for all the lots reserved more of, one for those given back: each lot must still have
        // the quantity free (or reserved), or fewer rows change and the write is refused (planned again).
        statements += Store.reserve(taken) + Store.unreserve(given)
        // Every change of a lot's reserved quantity is a ledger entry: one statement for all of them.
        if !entries.isEmpty {
            statements.append(
                Statement.insert(
                    "INSERT INTO stock_movements (occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor)",
                    row: "($1, $2, $3, 0, $4, 'order:' || CAST($5 AS TEXT), NULL, $6)", rows: entries, label: "stock_movements"))
        }
        if !Self.insertedInThisWrite(orderID) { statements.append(Statement("DELETE FROM reservations WHERE order_id = $1", [orderID])) }
        var binds: [any SQLBindable] = [orderID, firm, now]
        var rows: [String] = []
        for (index, line) in plan.lines.enumerated() {
            for pick in line.picks {
                let lineValue: String
                switch input.refs[index] {
                case .id(let id):
                    binds.append(id)
                    lineValue = "$\(binds.count)"
                case .number(let number):
                    binds.append(number)
                    lineValue = "(SELECT id FROM order_lines WHERE order_id = $1 AND line_no = $\(binds.count))"
                }
                binds.append(pick.lotID)
                binds.append(pick.quantity)
                rows.append("($1, \(lineValue), $\(binds.count - 1), $\(binds.count), $2, $3)")
            }
        }
        if !rows.isEmpty {
            statements.append(
                Statement(
                    SQL("INSERT INTO reservations (order_id, line_id, lot_id, quantity, firm, created_at) VALUES \(rows.joined(separator: ", "))"),
                    binds, expect: .rows(rows.count), label: "reservations"))
        }
        let expires = firm ? nil : now.adding(milliseconds: Int64(policy.allocation.softReservationHours) * 3_600_000)
        statements += [
            Statement(
                """
                INSERT INTO order_allocations (order_id, status, firm, plan, planned_at, expires_at, version)
                VALUES ($1, $2, $3, $4, $5, $6, 1)
                ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, firm = excluded.firm, plan = excluded.plan,
                    planned_at = excluded.planned_at,
                    expires_at = CASE WHEN excluded.firm THEN NULL ELSE COALESCE(order_allocations.expires_at, excluded.expires_at) END,
                    version = order_allocations.version + 1
                """, [orderID, plan.status.rawValue, firm, try JSONColumn.encode(plan), now, expires], expect: .rows(1), label: "order_allocations"),
            audit(
                "allocated", .order, id: orderID, by: actor, at: now,
                data: try JSONColumn.encode(AllocationAudit(status: plan.status.rawValue, firm: firm, warehouses: plan.warehouses))),
        ]
        return (plan, statements)
    }

    /// Gives back everything the order reserved: a release entry per lot, the reserved quantities lowered, the
    /// reservations removed, the plan marked released, and its shipments that have not left cancelled (their pick
    /// lists were those reservations). Set-based, so nothing needs reading first.
    func releaseStatements(orderID: ID<Order>, by actor: Actor, at now: Timestamp) -> [Statement] {
        let reference = "order:\(orderID.rawValue)"
        return [
            // What is given back may serve orders waiting for it.
            Statement(
                SQL(
                    """
                    INSERT INTO timers (kind, subject, subject_id, due_at, created_at, attempts)
                    SELECT DISTINCT 'serve_waiting', 'product', s.product_id, $2, $2, 0
                    FROM reservations r JOIN stock_lots s ON s.id = r.lot_id WHERE r.order_id = $1
                    \(Store.pendingTimerUpsert)
                    """), [orderID, now]),
            Statement(
                """
                INSERT INTO stock_movements (occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor)
                SELECT $2, 'release', lot_id, 0, -SUM(quantity), $4, NULL, $3
                FROM reservations WHERE order_id = $1 GROUP BY lot_id
                """, [orderID, now, actor.description, reference]),
            Statement(
                """
                UPDATE stock_lots SET reserved = reserved - (SELECT SUM(r.quantity) FROM reservations r WHERE r.lot_id = stock_lots.id AND r.order_id = $1),
                    version = version + 1
                WHERE id IN (SELECT lot_id FROM reservations WHERE order_id = $1)
                """, [orderID]),
            Statement("DELETE FROM reservations WHERE order_id = $1", [orderID]),
            Statement(
                "UPDATE order_allocations SET status = 'released', expires_at = NULL, version = version + 1 WHERE order_id = $1 AND status <> 'released'",
                [orderID]),
        ] + ShipmentRepository.cancelStatements(orderID: orderID, by: actor, at: now)
    }

    /// The order's allocation, if it was ever planned.
    public func allocation(orderID: ID<Order>) async throws -> StoredAllocation? {
        try await orderAllocation(orderID: orderID).allocation
    }

    /// The order and its allocation (nil until first planned), in one snapshot.
    public func orderAllocation(orderID: ID<Order>) async throws -> (order: StoredOrder, allocation: StoredAllocation?) {
        let results = try await engine.read([Store.allocation(orderID), Statement(Store.orderSQL, [orderID]), Statement(Store.linesSQL, [orderID])])
        guard let order = results[1].first else { throw DocketError.notFound(.order, key: orderID.description) }
        let stored = try Store.order(order, lines: results[2])
        return (stored, try results[0].first.map { try Store.storedAllocation($0, lines: stored.lines) })
    }

    /// Plans the order again by hand (`POST /api/v1/orders/{id}/allocate`): only while it holds stock; what it
    /// holds counts as free for it, so an unchanged situation gives the same plan.
    public func reallocate(orderID: ID<Order>, by actor: Actor) async throws -> StoredAllocation {
        for _ in 0..<10 {
            let order = try await order(id: orderID)
            let effects: [OrderEffect]
            do {
                effects = try OrderWorkflow.reallocate(order.state)
            } catch {
                throw DocketError.illegalTransition(number: order.number, from: order.status, action: .allocate)
            }
            let now = clock.now()
            let stock = try await StockWork.prepare(effects, order, by: actor, in: self)
            let statements = [Store.touch(order, at: now)]
                + (try self.statements(for: effects, orderID: order.id, message: OrderMessage(order), at: now, stock: stock))
            do {
                _ = try await engine.write(statements)
                guard let stored = try await allocation(orderID: orderID) else { throw StoreError.decoding(column: "order_allocations") }
                return stored
            } catch StoreError.guardFailed(let label) where Self.replanOn.contains(label) {
                continue
            }
        }
        throw DocketError.versionConflict(.order, key: orderID.description, current: try await order(id: orderID).version)
    }

    /// Serves orders waiting for a product (stock came in or was given back): the orders holding stock whose plan is
    /// short of it (or, at the warehouses, owe made-to-order goods of it: their plan is not short, only produced), most urgent first, then first come first served (`DemandPriority`), each planned again in turn
    /// so an earlier one takes what arrived first. Returns the orders planned, in that order.
    @discardableResult
    public func serveWaiting(productID: Int64, by actor: Actor, limit: Int = 200) async throws -> [ID<Order>] {
        let released = OrderWorkflow.released.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let rows = try await engine.read(
            Statement(
                SQL(
                    """
                    SELECT o.id, o.urgent, o.type, o.received_at FROM orders o JOIN order_allocations a ON a.order_id = o.id
                    WHERE \(Store.holdsStockCondition)
                      AND EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.sku = l.sku
                                  WHERE l.order_id = o.id AND l.removed_in_revision IS NULL AND p.id = $1
                                    AND (a.status IN ('partial', 'none') OR (p.make_to_order = TRUE AND o.status IN (\(released)))))
                    ORDER BY o.received_at, o.id LIMIT $2
                    """), [productID, Int64(limit)]))
        let waiting = try rows.map { row in
            DemandPriority(
                urgent: try row.bool("urgent"), type: OrderType(rawValue: try row.text("type")) ?? .stock,
                receivedAt: try row.timestamp("received_at"), orderID: try row.id())
        }.sorted()
        var served: [ID<Order>] = []
        for demand in waiting {
            do {
                if try await serve(orderID: demand.orderID, by: actor) { served.append(demand.orderID) }
            } catch DocketError.illegalTransition {
                continue  // it moved on meanwhile
            }
        }
        return served
    }

    /// 下发仓库: hands a confirmed order whose plan is full and firm — or short only where the customer agreed to take
    /// the rest as a backorder (部分发货) — to the warehouse (status `allocated`), guarded by the order's version and by
    /// the plan as read (a re-plan meanwhile makes it a `409`); one shipment per warehouse holding its stock is
    /// created in the same write, its lines the order's reservations.
    public func releaseToWarehouse(orderID: ID<Order>, by actor: Actor) async throws -> StoredOrder {
        let read = try await orderAllocation(orderID: orderID)
        guard read.order.status == .confirmed else {
            throw DocketError.illegalTransition(number: read.order.number, from: read.order.status, action: .allocate)
        }
        let accepted = try await backorderAccepted(orderID: orderID)
        guard let stored = read.allocation, stored.readyForWarehouse(backorderAccepted: accepted) else {
            throw DocketError.conflict(.order, key: read.order.number, because: "notFullyAllocated")
        }
        do {
            // The warehouses' shipments, from what the order holds now (the plan's guard below keeps it so).
            let held = try ShipmentRepository.heldLines(try await engine.read(ShipmentRepository.held(orderID)))
            let shipments = ShipmentRepository.creation(order: read.order, held: held, warehouses: stored.plan.warehouses, by: actor, at: clock.now())
            return try await transition(orderID: orderID, .allocate, reason: nil, by: actor, read: read.order) { _, _, _, _ in
                shipments.statements + [
                    Statement(
                        """
                        UPDATE order_allocations SET version = version + 1
                        WHERE order_id = $1 AND status = $3 AND firm = TRUE AND planned_at = $2
                        """, [orderID, stored.plannedAt, stored.status.rawValue], expect: .rows(1), label: "order_allocations.unchanged")
                ]
            }
        } catch StoreError.guardFailed(let label) where label == "order_allocations.unchanged" {
            throw DocketError.conflict(.order, key: read.order.number, because: "notFullyAllocated")
        }
    }

    /// The order's lines the customer agreed to receive in part, the rest as a backorder (部分发货 on the shortage
    /// workbench).
    public func backorderAccepted(orderID: ID<Order>) async throws -> Set<ID<OrderLine>> {
        Set(try await engine.read(Store.backorderAccepted(orderID)).map { try $0.id("line_id") })
    }

    /// Serves what an order waits for: planned again while it has not gone to the warehouses, else its backorder
    /// (`ShipmentRepository.serveBackorder`). Returns whether anything was planned.
    @discardableResult
    public func serve(orderID: ID<Order>, by actor: Actor) async throws -> Bool {
        let order = try await order(id: orderID)
        if OrderWorkflow.released.contains(order.status) {
            return !(try await store.shipments.serveBackorder(orderID: orderID, by: actor)).isEmpty
        }
        _ = try await reallocate(orderID: orderID, by: actor)
        return true
    }

    /// Guards whose failure means "the world changed while we planned": read again and plan again.
    static let replanOn: Set<String> = ["orders.version", "stock_lots.available", "stock_lots.reserved"]
}

/// What allocating needs besides the effects: the input read for this attempt, and who acts.
struct StockWork: Sendable {
    /// Read only when the effects allocate.
    var input: AllocationInput?
    var actor: Actor
    /// The plan already made from `input`, when the caller needed it first (intake, to see whether a rule may pass).
    var plan: AllocationPlan? = nil

    /// What `effects` need from the store: the allocation input when they allocate (read now, for this attempt).
    static func prepare(_ effects: [OrderEffect], _ order: StoredOrder, lines: [OrderIntake.PricedLine]? = nil, by actor: Actor,
        in orders: OrderRepository) async throws -> StockWork
    {
        let allocates = effects.contains { if case .allocate = $0 { true } else { false } }
        return StockWork(input: allocates ? try await orders.allocationInput(order, lines: lines) : nil, actor: actor)
    }
}

/// The audit entry of an allocation.
struct AllocationAudit: Codable {
    var status: String
    var firm: Bool
    var warehouses: [String]
}

extension SQLRow {
    /// A warehouse row's coordinates (`latitude`, `longitude`), when it has both.
    var geoPoint: GeoPoint? {
        guard let latitude = optionalDouble("latitude"), let longitude = optionalDouble("longitude") else { return nil }
        return GeoPoint(latitude: latitude, longitude: longitude)
    }
}
