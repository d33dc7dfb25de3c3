import DocketCore
import Foundation

/// A shipment's steps after the pick: packing, the carrier choice, the handover. Each is one guarded write (the
/// shipment's status and version, the order's version) with its audit event, ledger entries and outbox message.
extension ShipmentRepository {
    /// What a step writes besides the order's side: the shipment's next status and the statements (among them the
    /// shipment's guarded update, `update(_:to:set:)`), and how many after-sales cases it opens.
    struct StepWork {
        var next: ShipmentStatus
        var statements: [Statement]
        var openingCases = 0
        /// What the shipment carries per order line after the step, when the step changes it (a short pick).
        var carried: [ID<OrderLine>: Int64]? = nil
    }

    /// Runs one step of a shipment: reads it and its order's side (`orderSide`), lets `decide` say what the step
    /// writes, adds the order's moves (`orderFollows`) and writes it all at once. A write that lost a race (another step of this shipment or of the
    /// order's other shipments came first) is decided again on what is there now; a step that no longer applies is a
    /// `409` from Core. `version`, when given, is the shipment's as the person saw it.
    func step(
        _ id: ID<Shipment>, version: Int64?, by actor: Actor, _ decide: (StoredShipment, OrderSide, Timestamp) async throws -> StepWork?
    ) async throws -> StoredShipment {
        for _ in 0..<10 {
            let shipment = try await self.shipment(id: id)
            if let version, version != shipment.version { throw DocketError.versionConflict(.shipment, key: shipment.number, current: shipment.version) }
            let side = try await orderSide(shipment.orderID)
            let now = clock.now()
            guard let work = try await decide(shipment, side, now) else { return shipment }
            var after = side
            after.set(shipment.id, status: work.next, carried: work.carried)
            let statements =
                work.statements
                + (try orderFollows(after, openingCases: work.openingCases, reason: shipment.number, by: actor, at: now))
            do {
                _ = try await engine.write(statements)
                return try await self.shipment(id: id)
            } catch StoreError.guardFailed(let label) where label == "orders.version" || label == "shipments.status" {
                continue  // decide again on what is there now
            }
        }
        throw DocketError.conflict(.shipment, key: id.description)
    }

    /// The shipment's guarded update: to `next`, with `columns` set, only if it still stands where it was read.
    static func update(_ shipment: StoredShipment, to next: ShipmentStatus, set columns: [(String, any SQLBindable)] = []) -> Statement {
        var binds: [any SQLBindable] = [shipment.id, next.rawValue, shipment.status.rawValue, shipment.version]
        var sql = "UPDATE shipments SET status = $2, version = version + 1"
        for (column, value) in columns {
            binds.append(value)
            sql += ", \(column) = $\(binds.count)"
        }
        return Statement(SQL(sql + " WHERE id = $1 AND status = $3 AND version = $4"), binds, expect: .rows(1), label: "shipments.status")
    }

    /// What a step of one of an order's shipments decides the order's side on: the order (without its lines), where
    /// each of its shipments stands and what it carries, the order's lines and plan (what it still owes), and how
    /// many after-sales cases it has open. A step changes a copy (`set`, `added`) and decides on that.
    struct OrderSide {
        var order: StoredOrder
        var shipments: [(id: Int64, status: ShipmentStatus)]
        /// Per shipment, per order line: what it carries.
        var carried: [Int64: [ID<OrderLine>: Int64]]
        var lines: [(id: ID<OrderLine>, sku: String, quantity: Int64)]
        var plan: AllocationPlan?
        var openCases: Int

        var balances: [LineBalance] {
            Fulfilment.balances(lines: lines, plan: plan, shipments: shipments.map { ($0.status, carried[$0.id] ?? [:]) })
        }

        /// Whether the order still owes goods (a backorder not yet served or closed).
        var backordered: Bool { balances.contains { $0.outstanding > 0 } }

        mutating func set(_ id: ID<Shipment>, status: ShipmentStatus, carried lines: [ID<OrderLine>: Int64]? = nil) {
            guard let index = shipments.firstIndex(where: { $0.id == id.rawValue }) else { return }
            shipments[index].status = status
            if let lines { carried[id.rawValue] = lines }
        }

        /// A shipment this write creates (not stored yet: it has no id, so it is named by a negative one).
        mutating func added(_ lines: [ID<OrderLine>: Int64]) {
            let id = -Int64(shipments.count + 1)
            shipments.append((id, .toPick))
            carried[id] = lines
        }
    }

    /// Core's kinds of exception that keep an order from completing, as an SQL list.
    static let blockingKinds = "(" + ExceptionHandling.blockingKinds.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    func orderSide(_ orderID: ID<Order>) async throws -> OrderSide {
        let rows = try await engine.read([
            Statement(Store.orderSQL, [orderID]),
            Statement("SELECT id, status FROM shipments WHERE order_id = $1", [orderID]),
            // What keeps the order from completing: its open after-sales cases and its open exceptions but delays
            // (`ExceptionHandling.blocksCompletion`).
            Statement(
                SQL(
                    """
                    SELECT (SELECT COUNT(*) FROM after_sales_cases WHERE order_id = $1 AND status = 'open')
                         + (SELECT COUNT(*) FROM order_exceptions WHERE order_id = $1 AND status = 'open' AND kind IN \(Self.blockingKinds)) AS n
                    """), [orderID]),
            Statement(
                """
                SELECT sl.shipment_id, sl.line_id, COALESCE(sl.picked, sl.quantity) AS quantity
                FROM shipment_lines sl JOIN shipments sh ON sh.id = sl.shipment_id WHERE sh.order_id = $1
                """, [orderID]),
            Statement("SELECT id, sku, quantity FROM order_lines WHERE order_id = $1 AND removed_in_revision IS NULL ORDER BY line_no", [orderID]),
            Statement("SELECT plan FROM order_allocations WHERE order_id = $1", [orderID]),
            // What reships replaced (补发): carried, but to be sent again.
            Statement(
                """
                SELECT r.shipment_id, r.line_id, CAST(SUM(r.quantity) AS BIGINT) AS quantity FROM reshipments r JOIN shipments sh ON sh.id = r.shipment_id
                WHERE sh.order_id = $1 GROUP BY r.shipment_id, r.line_id
                """, [orderID]),
        ])
        guard let row = rows[0].first else { throw DocketError.notFound(.order, key: orderID.description) }
        var carried: [Int64: [ID<OrderLine>: Int64]] = [:]
        for row in rows[3] { carried[try row.int("shipment_id"), default: [:]][try row.id("line_id"), default: 0] += try row.int("quantity") }
        for row in rows[6] { carried[try row.int("shipment_id"), default: [:]][try row.id("line_id"), default: 0] -= try row.int("quantity") }
        return OrderSide(
            order: try Store.order(row, lines: []),
            shipments: try rows[1].map { row in
                guard let status = ShipmentStatus(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
                return (try row.int("id"), status)
            },
            carried: carried,
            lines: try rows[4].map { (try $0.id(), try $0.text("sku"), try $0.int("quantity")) },
            plan: try rows[5].first.map { try JSONColumn.decode(AllocationPlan.self, try $0.text("plan"), column: "plan") },
            openCases: Int(try rows[2].first?.int("n") ?? 0))
    }

    /// The order's side of a write to its shipments, decided on `side` as the write leaves it: its status as all its
    /// shipments now have it (never shipped while it owes goods), completed when everything is done, nothing is owed
    /// and no case is open (`Fulfilment.orderMoves`, with the archive timer), each move with its audit event — or only
    /// its version bumped. Either way guarded by the version read, so writes to one order's shipments serialize.
    /// `openingCases` the cases this write opens (negative: closes).
    func orderFollows(_ side: OrderSide, openingCases: Int, reason: String, by actor: Actor, at now: Timestamp) throws -> [Statement] {
        let order = side.order
        let moves = try Fulfilment.orderMoves(
            from: order.state, number: order.number, shipments: side.shipments.map(\.status), openCases: side.openCases + openingCases,
            backordered: side.backordered)
        guard let last = moves.last else { return [Store.touch(order, at: now)] }
        var statements = [
            Statement(
                "UPDATE orders SET status = $3, held_from = NULL, version = version + 1, updated_at = $4 WHERE id = $1 AND version = $2",
                [order.id, order.version, last.next.status.rawValue, now], expect: .rows(1), label: "orders.version")
        ]
        if OrderWorkflow.shippedOn.contains(last.next.status) && !OrderWorkflow.shippedOn.contains(order.status) {
            // Everything the order held has left: its allocation is spent (the plan stays as the record of the decision).
            statements.append(
                Statement(
                    "UPDATE order_allocations SET status = 'shipped', expires_at = NULL, version = version + 1 WHERE order_id = $1 AND status <> 'released'",
                    [order.id]))
        }
        var from = order.status
        for move in moves {
            statements.append(
                audit(move.action.rawValue, .order, id: order.id, by: actor, at: now,
                    data: try JSONColumn.encode(TransitionData(from: from, to: move.next.status, reason: reason))))
            from = move.next.status
            if move.next.status == .delivered {
                statements += ExceptionRepository.closingDelays(orderID: order.id, at: now)
            }
            let entering = OrderWorkflow.onEntering(move.next.status)
            if !entering.isEmpty {
                statements += try store.orders.statements(for: entering, orderID: order.id, message: OrderMessage(order), at: now)
            }
            if move.action == .complete {
                statements += try store.orders.statements(
                    for: OrderWorkflow.onCompletion(now: now, policy: policy), orderID: order.id, message: OrderMessage(order), at: now)
            }
        }
        return statements
    }

    // MARK: Packing

    /// The products' physical facts for what the shipment carries, in pick-list order.
    func packingItems(_ shipment: StoredShipment) async throws -> [PackingItem] {
        var products = Conditions()
        products.add("sku IN \(products.list(Array(Set(shipment.lines.map(\.line.sku)))))")
        let rows = try await engine.read(
            Statement(
                SQL("SELECT sku, weight_grams, volume_cm3, length_mm, width_mm, height_mm, fragile, liquid FROM products\(products.clause)"),
                products.binds))
        var facts: [String: SQLRow] = [:]
        for row in rows { facts[try row.text("sku")] = row }
        var items: [PackingItem] = []
        for (lineID, quantity) in shipment.carried.sorted(by: { $0.key < $1.key }) where quantity > 0 {
            guard let sku = shipment.lines.first(where: { $0.line.lineID == lineID })?.line.sku, let row = facts[sku] else { continue }
            let sides = [row.optionalInt("length_mm"), row.optionalInt("width_mm"), row.optionalInt("height_mm")].compactMap { $0 }
            items.append(
                PackingItem(
                    lineID: lineID, sku: sku, quantity: quantity, unitWeightGrams: try row.int("weight_grams"),
                    unitVolumeCm3: try row.int("volume_cm3"), dimensionsMm: sides.count == 3 ? sides : nil, fragile: try row.bool("fragile"),
                    liquid: try row.bool("liquid")))
        }
        return items
    }

    /// The packages Docket suggests for a shipment (`Packing.suggest`): what the packing page starts from.
    public func suggestedPackages(_ id: ID<Shipment>) async throws -> [PackageDraft] {
        try await suggestedPackages(try await shipment(id: id))
    }

    /// The suggestion for a shipment already read.
    public func suggestedPackages(_ shipment: StoredShipment) async throws -> [PackageDraft] {
        try Packing.suggest(try await packingItems(shipment), rules: policy.packingRules)
    }

    /// 确认包装: the packages as packed (nil: as suggested), every picked unit in exactly one (`Packing.check`).
    public func pack(_ id: ID<Shipment>, packages given: [PackageDraft]?, version: Int64? = nil, by actor: Actor) async throws -> StoredShipment {
        try await step(id, version: version, by: actor) { shipment, _, now in
            let next = try ShipmentLifecycle.apply(.pack, to: shipment.status, number: shipment.number)
            var packages = given ?? []
            if given == nil { packages = try await suggestedPackages(shipment) }
            try Packing.check(packages, against: shipment.carried)
            var statements = [
                Self.update(shipment, to: next, set: [("packed_at", now)]),
                audit(ShipmentAction.pack.rawValue, .shipment, id: shipment.id, by: actor, at: now,
                    data: try JSONColumn.encode(["packages": packages.count])),
                Statement("DELETE FROM shipment_packages WHERE shipment_id = $1", [shipment.id]),
            ]
            for (index, package) in packages.enumerated() {
                statements.append(
                    Statement(
                        """
                        INSERT INTO shipment_packages (shipment_id, seq, weight_grams, volume_cm3, length_mm, width_mm, height_mm, handling, contents)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        """,
                        [
                            shipment.id, index + 1, package.weightGrams, package.volumeCm3, package.lengthMm, package.widthMm, package.heightMm,
                            package.handling.map(\.rawValue).joined(separator: ","), try JSONColumn.encode(package.contents),
                        ], expect: .rows(1), label: "shipment_packages"))
            }
            return StepWork(next: next, statements: statements)
        }
    }

    // MARK: Carrier

    /// The carrier choice for a packed shipment as Core makes it now (`CarrierChoice.choose`): the packages' weight and
    /// volume, the value of the goods, the order's urgency and promised date, the distance from the warehouse.
    public func carrierDecision(_ id: ID<Shipment>) async throws -> CarrierDecision {
        try await carrierDecision(try await shipment(id: id))
    }

    /// The choice for a shipment already read, with its order (with its lines, for the goods' value) when that was read
    /// too.
    public func carrierDecision(_ shipment: StoredShipment, order known: StoredOrder? = nil) async throws -> CarrierDecision {
        let order: StoredOrder
        if let known { order = known } else { order = try await store.orders.order(id: shipment.orderID) }
        let rows = try await engine.read([
            Statement("SELECT latitude, longitude FROM warehouses WHERE code = $1", [shipment.warehouse]),
            Statement(SQL("SELECT * FROM carriers WHERE archived = FALSE"), []),
        ])
        let carriers = try rows[1].map(MasterTable<Carrier>.carriers.decode)
        let packages = shipment.packages.isEmpty ? try await suggestedPackages(shipment) : shipment.packages
        let prices = Dictionary(order.lines.compactMap { line in line.id.map { ($0, line.unitPrice) } }, uniquingKeysWith: { a, _ in a })
        let value = Fulfilment.goodsValue(
            shipment.carried.compactMap { line, quantity in prices[line].map { ($0, quantity) } }, currency: order.total.currency)
        let today = clock.now().date(utcOffsetHours: 8)
        let address = order.deliveryAddress
        let profile = ShipmentProfile(
            weightGrams: packages.reduce(0) { $0.saturatingAdding($1.weightGrams) },
            volumeCm3: packages.reduce(0) { $0.saturatingAdding($1.volumeCm3) }, value: value, urgent: order.urgent,
            province: address?.province ?? "",
            kilometres: rows[0].first?.geoPoint.flatMap { from in address?.point.map { from.kilometres(to: $0) } },
            daysToPromise: order.promisedDate.map { $0.daysSince1970 - today.daysSince1970 })
        return CarrierChoice.choose(profile, carriers: carriers, rules: policy.modeRules)
    }

    /// 选择承运商: records the choice for a packed shipment — the rules' choice, or another quoted option with a reason
    /// (`CarrierChoice.take`) — with every option and why it lost. May be made again until the handover.
    public func chooseCarrier(
        _ id: ID<Shipment>, carrierCode: String? = nil, serviceCode: String? = nil, reason: String? = nil, version: Int64? = nil, by actor: Actor
    ) async throws -> StoredShipment {
        try await step(id, version: version, by: actor) { shipment, _, now in
            guard shipment.status == .packed else { throw DocketError.conflict(.shipment, key: shipment.number, because: "shipmentStep") }
            let decision = try await carrierDecision(shipment)
            let taken = try CarrierChoice.take(decision, carrierCode: carrierCode, serviceCode: serviceCode, reason: reason)
            let record = CarrierRecord(
                decision: decision, taken: taken.option, overrideReason: taken.overrideReason, chosenBy: actor.description, chosenAt: now)
            return StepWork(
                next: shipment.status,
                statements: [
                    Self.update(
                        shipment, to: shipment.status,
                        set: [
                            ("carrier_code", taken.option.carrierCode), ("service_code", taken.option.serviceCode),
                            ("carrier_record", try JSONColumn.encode(record)),
                        ]),
                    audit("chooseCarrier", .shipment, id: shipment.id, by: actor, at: now,
                        data: try JSONColumn.encode(
                            CarrierAudit(carrier: taken.option.carrierCode, service: taken.option.serviceCode, overrideReason: taken.overrideReason))),
                ])
        }
    }

    // MARK: Handover

    /// 交付承运商: the tracking number is recorded, the stock leaves (a `shipment` movement per lot: on hand and reserved
    /// lowered, the reservation consumed), and the customer is told the tracking number and the expected arrival.
    public func ship(_ id: ID<Shipment>, trackingNumber: String, version: Int64? = nil, by actor: Actor) async throws -> StoredShipment {
        try await step(id, version: version, by: actor) { shipment, side, now in
            let order = side.order
            let next = try ShipmentLifecycle.apply(.ship, to: shipment.status, number: shipment.number)
            let eta = try Fulfilment.ship(trackingNumber: trackingNumber, carrier: shipment.carrier, today: now.date(utcOffsetHours: 8))
            let tracking = trackingNumber.trimmingCharacters(in: .whitespacesAndNewlines)
            var statements = [
                Self.update(shipment, to: next, set: [("tracking_number", tracking), ("shipped_at", now), ("eta", eta), ("planned_eta", eta)]),
                audit(ShipmentAction.ship.rawValue, .shipment, id: shipment.id, by: actor, at: now,
                    data: try JSONColumn.encode(["trackingNumber": tracking, "carrier": shipment.carrier?.taken.carrierCode ?? ""])),
            ]
            for line in shipment.lines {
                let quantity = line.picked ?? line.line.quantity
                guard quantity > 0 else { continue }
                statements += [
                    Statement(
                        """
                        UPDATE stock_lots SET on_hand = on_hand - $2, reserved = reserved - $2, version = version + 1
                        WHERE id = $1 AND reserved >= $2 AND on_hand >= $2
                        """, [line.line.lotID, quantity], expect: .rows(1), label: "stock_lots.held"),
                    Self.movement(.shipment, lot: line.line.lotID, quantity: -quantity, reserved: -quantity, reference: shipment.number, note: nil, by: actor, at: now),
                ] + Self.consumeReservation(order: shipment.orderID, line: line.line.lineID, lot: line.line.lotID, quantity: quantity)
            }
            var message = OrderMessage(order)
            message.shipment = shipment.number
            message.carrier = shipment.carrier?.taken.carrierName
            message.trackingNumber = tracking
            message.eta = eta
            statements += try store.orders.statements(for: [.notify(.shipped)], orderID: order.id, message: message, at: now)
            return StepWork(next: next, statements: statements)
        }
    }
}

/// The audit entry of a carrier choice.
struct CarrierAudit: Codable {
    var carrier: String
    var service: String
    var overrideReason: String?
}
