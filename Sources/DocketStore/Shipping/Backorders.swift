import DocketCore
import Foundation

/// 欠货: what an order owes after it went to the warehouses (`LineBalance`) is served by a shipment of its own when
/// stock or the production's output arrives, or closed with the customer's agreement. Either is one guarded write
/// with the order's side (`orderFollows`: it owes nothing more, so it may ship, deliver and complete).
extension ShipmentRepository {
    /// 补发: plans what the order owes over free stock (its own holdings are its shipments', so they do not count;
    /// made-to-order lines take only their production's output), reserves it firmly (guarded by each lot's free
    /// stock: a lost race plans again), adds the picks to the order's plan and creates a shipment per warehouse for
    /// them, numbered after the order's others. Returns the new shipments; none when nothing is owed, nothing could
    /// be planned, or the order does not stand at the warehouses (held, cancelled, not released yet).
    @discardableResult
    public func serveBackorder(orderID: ID<Order>, by actor: Actor) async throws -> [StoredShipment] {
        for _ in 0..<10 {
            let side = try await orderSide(orderID)
            guard OrderWorkflow.released.contains(side.order.status), var plan = side.plan else { return [] }
            let owed = Dictionary(side.balances.filter { $0.outstanding > 0 }.map { ($0.lineID, $0.outstanding) }, uniquingKeysWith: +)
            guard !owed.isEmpty else { return [] }
            let order = try await store.orders.order(id: orderID)
            let lines = order.lines.compactMap { line -> OrderIntake.PricedLine? in
                guard let id = line.id, let quantity = owed[id] else { return nil }
                var line = line
                line.quantity = quantity
                return line
            }
            var input = try await store.orders.allocationInput(order, lines: lines, preempting: false)
            // What the order holds is on its shipments already: only free stock serves what it owes.
            input.supply = input.supply.map { lot in
                var lot = lot
                lot.available -= input.held[lot.lotID] ?? 0
                return lot
            }
            let backorder = store.orders.plan(input)
            guard backorder.lines.contains(where: { !$0.picks.isEmpty }) else { return [] }
            plan.served(backorder)
            let now = clock.now()
            var statements: [Statement] = []
            let reserved = backorder.reservedByLot.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { (lot: $0.key, quantity: $0.value) }
            statements += Store.reserve(reserved)
            let entries: [[any SQLBindable]] = reserved.map { [now, MovementKind.reservation.rawValue, $0.lot, $0.quantity, orderID, actor.description] }
            statements.append(
                Statement.insert(
                    "INSERT INTO stock_movements (occurred_at, kind, lot_id, quantity, reserved_delta, reference, note, actor)",
                    row: "($1, $2, $3, 0, $4, 'order:' || CAST($5 AS TEXT), NULL, $6)", rows: entries, label: "stock_movements"))
            var held: [(warehouse: String, line: ShipmentLine)] = []
            for line in backorder.lines {
                for pick in line.picks {
                    statements.append(
                        Statement(
                            """
                            INSERT INTO reservations (order_id, line_id, lot_id, quantity, firm, created_at) VALUES ($1, $2, $3, $4, TRUE, $5)
                            ON CONFLICT (line_id, lot_id) DO UPDATE SET quantity = reservations.quantity + excluded.quantity
                            """, [orderID, line.lineID, pick.lotID, pick.quantity, now], expect: .rows(1), label: "reservations"))
                    held.append(
                        (pick.warehouse, ShipmentLine(
                            lineID: line.lineID, sku: line.sku, lotID: pick.lotID, location: pick.location, lot: pick.lot, expiry: pick.expiry,
                            quantity: pick.quantity)))
                }
            }
            let created = Self.creation(order: order, held: held, warehouses: backorder.warehouses, after: side.shipments.count, by: actor, at: now)
            statements += created.statements
            statements += [
                Statement(
                    "UPDATE order_allocations SET plan = $2, status = $3, version = version + 1 WHERE order_id = $1",
                    [orderID, try JSONColumn.encode(plan), plan.status.rawValue], expect: .rows(1), label: "order_allocations"),
                audit(
                    "backorder_served", .order, id: orderID, by: actor, at: now,
                    data: try JSONColumn.encode(["reason": created.numbers.joined(separator: "、")])),
            ]
            var after = side
            after.plan = plan
            for split in Fulfilment.split(held, preferred: backorder.warehouses) {
                after.added(split.lines.reduce(into: [:]) { $0[$1.lineID, default: 0] += $1.quantity })
            }
            statements += try orderFollows(after, openingCases: 0, reason: created.numbers.joined(separator: "、"), by: actor, at: now)
            do {
                _ = try await engine.write(statements)
            } catch StoreError.guardFailed(let label) where OrderRepository.replanOn.contains(label) {
                continue  // the stock or the order moved meanwhile: plan again on what is there now
            } catch StoreError.uniqueViolation(let table, _) where table == "shipments" {
                continue  // served at the same moment by another node: what is owed now is read again
            }
            let all = try await shipments(orderID: orderID)
            return all.filter { created.numbers.contains($0.number) }
        }
        throw DocketError.conflict(.order, key: orderID.description)
    }

    /// 取消欠货: the customer will not wait for what `line` is still owed; it is closed on the plan (no longer short,
    /// nothing more to produce for it) with the reason, and the order follows — it may now be shipped, delivered or
    /// complete. `version` is the order's as the person saw it.
    /// `decision`: the shortage workbench's record of the choice, written with it.
    public func closeBackorder(
        orderID: ID<Order>, line lineID: ID<OrderLine>, reason: String?, version: Int64? = nil, by actor: Actor, decision: ShortageDecisionDraft? = nil
    ) async throws -> StoredOrder {
        for _ in 0..<10 {
            let side = try await orderSide(orderID)
            if let version, version != side.order.version {
                throw DocketError.versionConflict(.order, key: side.order.number, current: side.order.version)
            }
            let balance = side.balances.first { $0.lineID == lineID }
            let quantity = try Fulfilment.closeBackorder(balance, number: side.order.number, status: side.order.status, reason: reason)
            guard var plan = side.plan, let balance else { throw DocketError.conflict(.order, key: side.order.number, because: "nothingOwed") }
            plan.closed(line: lineID, quantity: quantity)
            let now = clock.now()
            let why = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            var after = side
            after.plan = plan
            let statements =
                [
                    Statement(
                        "UPDATE order_allocations SET plan = $2, status = $3, version = version + 1 WHERE order_id = $1",
                        [orderID, try JSONColumn.encode(plan), plan.status.rawValue], expect: .rows(1), label: "order_allocations"),
                    audit(
                        "backorder_closed", .order, id: orderID, by: actor, at: now,
                        data: try JSONColumn.encode(BackorderAudit(sku: balance.sku, quantity: quantity, reason: why))),
                ] + (try decision?.statements(reference: "SELECT CAST($1 AS TEXT)", Optional<String>.none, at: now) ?? [])
                + (try orderFollows(after, openingCases: 0, reason: why, by: actor, at: now))
            do {
                _ = try await engine.write(statements)
                return try await store.orders.order(id: orderID)
            } catch StoreError.guardFailed(let label) where label == "orders.version" {
                continue
            }
        }
        throw DocketError.conflict(.order, key: orderID.description)
    }
}

/// What an order owes, line by line, and whether it stands at the warehouses (so it may be served or closed).
public struct BackorderAccount: Sendable, Hashable {
    public var lines: [LineBalance]
    public var atWarehouses: Bool
    /// The order's version as read.
    public var version: Int64
}

extension ShipmentRepository {
    /// The order's lines as its shipments and plan have them (`GET /orders/{id}/backorders`).
    public func backorders(orderID: ID<Order>) async throws -> BackorderAccount {
        let side = try await orderSide(orderID)
        return BackorderAccount(lines: side.balances, atWarehouses: OrderWorkflow.released.contains(side.order.status), version: side.order.version)
    }
}

/// The audit entry of a closed backorder.
struct BackorderAudit: Codable {
    var sku: String
    var quantity: Int64
    var reason: String
}
