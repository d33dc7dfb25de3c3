import DocketCore
import Foundation

/// Working an exception (异常处理): staff raise one, assign it, record what they told the customer, claim the loss
/// from the carrier or the insurer, send the goods again or give money back, and resolve it. Each is one guarded
/// write with its audit event; what the customer hears is an outbox row in the same write. Core decides
/// (`ExceptionHandling`, `Reship`, `ClaimUpdate`, `SettlementDraft`).
extension ExceptionRepository {
    // MARK: Raising and assigning

    /// 登记异常: staff raise an exception on an order, or on one of its shipments, with its kind and severity (the
    /// kind's when not given); the customer is told when staff say so.
    public func raise(_ draft: ExceptionDraft, orderID: ID<Order>, by actor: Actor) async throws -> OrderException {
        try draft.validate()
        let order = try await store.orders.order(id: orderID)
        if let shipmentID = draft.shipmentID {
            let shipment = try await store.shipments.shipment(id: shipmentID)
            guard shipment.orderID == orderID else { throw DocketError.invalid("shipmentId", "notOnOrder") }
        }
        let tell = ExceptionHandling.tellsCustomer(source: .staff, staffChoice: draft.notifyCustomer)
        return try await open(order) { now in
            try Self.opening(
                orderID: orderID, shipmentID: draft.shipmentID, kind: draft.kind, severity: draft.severity, source: .staff,
                description: draft.description.trimmingCharacters(in: .whitespacesAndNewlines), tell: tell ? order : nil, by: actor, at: now)
        }
    }

    /// 指派: who owns the exception and how bad it is. A new severity moves the due time to the severity's from when
    /// it was opened. Guarded by `version`.
    public func assign(_ id: Int64, _ assignment: ExceptionAssignment, version: Int64?, by actor: Actor) async throws -> OrderException {
        var v = Validator()
        v.optionalText(assignment.owner, "owner", max: 100)
        try v.check()
        let x = try await exception(id: id)
        try ExceptionHandling.checkOpen(x.facts)
        if let version, version != x.version { throw DocketError.versionConflict(.orderException, key: x.number, current: x.version) }
        let owner = assignment.owner?.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = clock.now()
        let due = x.openedAt.adding(milliseconds: Int64(assignment.severity.hoursToHandle) * 3_600_000)
        let kind = assignment.kind ?? x.kind
        do {
            _ = try await engine.write([
                Statement(
                    """
                    UPDATE order_exceptions SET owner = $3, severity = $4, due_at = $5, kind = $6, version = version + 1
                    WHERE id = $1 AND version = $2 AND status = 'open'
                    """,
                    [id, x.version, (owner ?? "").isEmpty ? nil : owner, assignment.severity.rawValue, due, kind.rawValue], expect: .rows(1),
                    label: "order_exceptions.version"),
                audit(
                    "assigned", .orderException, id: id, by: actor, at: now,
                    data: try JSONColumn.encode(["owner": owner ?? "", "severity": assignment.severity.rawValue, "kind": kind.rawValue])),
            ])
        } catch StoreError.guardFailed(let label) where label == "order_exceptions.version" {
            let now = try await exception(id: id)
            try ExceptionHandling.checkOpen(now.facts)
            throw DocketError.versionConflict(.orderException, key: x.number, current: now.version)
        }
        return try await exception(id: id)
    }

    /// 沟通记录: what was said with the customer, by which channel. Kept on an open or a resolved exception.
    public func recordContact(_ id: Int64, _ record: ContactRecord, by actor: Actor) async throws {
        try record.validate()
        _ = try await exception(id: id)  // a 404 for an unknown exception, before the write
        let now = clock.now()
        _ = try await engine.write([
            Statement(
                "INSERT INTO exception_contacts (exception_id, channel, summary, actor, occurred_at) VALUES ($1, $2, $3, $4, $5)",
                [id, record.channel.rawValue, record.summary.trimmingCharacters(in: .whitespacesAndNewlines), actor.description, now],
                expect: .rows(1), label: "exception_contacts"),
            audit("contacted", .orderException, id: id, by: actor, at: now, data: try JSONColumn.encode(["channel": record.channel.rawValue])),
        ])
    }

    // MARK: Claims

    /// 索赔: a claim on the carrier or the insurer for the loss, numbered after the exception (`…-E1-C1`).
    public func fileClaim(_ id: Int64, _ draft: ClaimDraft, by actor: Actor) async throws -> ExceptionClaim {
        try draft.validate()
        let x = try await exception(id: id)
        for _ in 0..<5 {
            let now = clock.now()
            do {
                let rows = try await engine.write([
                    Statement(
                        """
                        INSERT INTO exception_claims (number, exception_id, party, claimed_minor, currency, reference, note, status, filed_by, filed_at, version)
                        SELECT x.number || '-C' || CAST((SELECT COUNT(*) + 1 FROM exception_claims c WHERE c.exception_id = x.id) AS TEXT), x.id, $2, $3, $4,
                               $5, $6, 'filed', $7, $8, 1
                        FROM order_exceptions x WHERE x.id = $1
                        RETURNING id
                        """,
                        [
                            id, draft.party.rawValue, draft.amount.minor, draft.amount.currency.code, Self.trimmed(draft.reference), Self.trimmed(draft.note),
                            actor.description, now,
                        ], expect: .rows(1), label: "exception_claims"),
                    audit(
                        "claim_filed", .orderException, id: id, by: actor, at: now,
                        data: try JSONColumn.encode(["party": draft.party.rawValue, "amount": draft.amount.decimalString])),
                ])
                return try await claim(id: try rows[0][0].int("id"))
            } catch StoreError.uniqueViolation(let table, _) where table == "exception_claims" {
                continue
            }
        }
        throw DocketError.conflict(.orderException, key: x.number)
    }

    /// A claim moves on: accepted, rejected (with why), or paid with what was recovered. Guarded by the claim's
    /// version: of two decisions at once, one wins and the other is a `409`.
    public func decideClaim(_ claimID: Int64, _ update: ClaimUpdate, version: Int64?, by actor: Actor) async throws -> ExceptionClaim {
        let claim = try await self.claim(id: claimID)
        if let version, version != claim.version { throw DocketError.versionConflict(.orderException, key: claim.number, current: claim.version) }
        let recovered = try update.check(from: claim.status, claimed: claim.claimed, number: claim.number)
        let now = clock.now()
        do {
            _ = try await engine.write([
                Statement(
                    """
                    UPDATE exception_claims SET status = $3, recovered_minor = $4, note = COALESCE($5, note), decided_by = $6, decided_at = $7,
                           version = version + 1
                    WHERE id = $1 AND version = $2
                    """,
                    [claimID, claim.version, update.status.rawValue, recovered?.minor, Self.trimmed(update.note), actor.description, now],
                    expect: .rows(1), label: "exception_claims.version"),
                audit(
                    "claim_\(update.status.rawValue)", .orderException, id: claim.exceptionID, by: actor, at: now,
                    data: try JSONColumn.encode(["claim": claim.number, "recovered": recovered?.decimalString ?? ""])),
            ])
        } catch StoreError.guardFailed(let label) where label == "exception_claims.version" {
            throw DocketError.conflict(.orderException, key: claim.number, because: "claimStep")
        }
        return try await self.claim(id: claimID)
    }

    /// Keeps a document with a claim (up to `ClaimDocument.maxPerClaim`).
    public func attach(_ document: ClaimDocument, toClaim claimID: Int64, by actor: Actor) async throws -> ExceptionClaim {
        try document.validate()
        let claim = try await self.claim(id: claimID)
        guard claim.documents.count < ClaimDocument.maxPerClaim else {
            throw DocketError.invalid("document", "tooMany", ["max": String(ClaimDocument.maxPerClaim)])
        }
        let now = clock.now()
        _ = try await engine.write([
            Statement(
                """
                INSERT INTO claim_documents (claim_id, file_name, content_type, size, content, uploaded_by, uploaded_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [claimID, document.fileName, document.contentType, Int64(document.bytes.count), Data(document.bytes).base64EncodedString(),
                 actor.description, now], expect: .rows(1), label: "claim_documents"),
            audit("claim_document", .orderException, id: claim.exceptionID, by: actor, at: now, data: try JSONColumn.encode(["claim": claim.number, "file": document.fileName])),
        ])
        return try await self.claim(id: claimID)
    }

    /// A claim's document, to download.
    public func document(_ documentID: Int64) async throws -> (claim: ExceptionClaim, document: ClaimDocument) {
        guard let row = try await engine.read(Statement("SELECT * FROM claim_documents WHERE id = $1", [documentID])).first,
            let bytes = Data(base64Encoded: try row.text("content"))
        else { throw DocketError.notFound(.orderException, key: String(documentID)) }
        return (
            try await claim(id: try row.int("claim_id")),
            ClaimDocument(fileName: try row.text("file_name"), contentType: try row.text("content_type"), bytes: Array(bytes))
        )
    }

    public func claim(id: Int64) async throws -> ExceptionClaim {
        let rows = try await engine.read([
            Statement("SELECT * FROM exception_claims WHERE id = $1", [id]),
            Statement("SELECT id, claim_id, file_name, content_type, size, uploaded_by, uploaded_at FROM claim_documents WHERE claim_id = $1 ORDER BY id", [id]),
        ])
        guard let row = rows[0].first else { throw DocketError.notFound(.orderException, key: String(id)) }
        return try Self.claim(row, documents: rows[1])
    }

    // MARK: Money to the customer

    /// 退款 / 抵扣: money back to the customer or a credit, recorded for settlement (open until finance settles it),
    /// at most what is left of the order's total after what was refunded or credited before.
    public func recordSettlement(_ id: Int64, _ draft: SettlementDraft, by actor: Actor) async throws -> SettlementItem {
        let x = try await exception(id: id)
        try ExceptionHandling.checkOpen(x.facts)
        for _ in 0..<5 {
            let order = try await store.orders.order(id: x.orderID)
            let before = try await engine.read(
                Statement("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS n FROM settlement_items WHERE order_id = $1", [x.orderID]))
            try draft.check(orderTotal: order.total, settledBefore: try before.first?.int("n") ?? 0)
            let now = clock.now()
            do {
                let rows = try await engine.write([
                    // The order's version orders two settlements at once: the second is checked again on what the first left.
                    Store.touch(order, at: now),
                    Statement(
                        """
                        INSERT INTO settlement_items (order_id, exception_id, kind, amount_minor, currency, note, status, recorded_by, recorded_at)
                        VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8) RETURNING id
                        """,
                        [x.orderID, id, draft.kind.rawValue, draft.amount.minor, draft.amount.currency.code, Self.trimmed(draft.note), actor.description, now],
                        expect: .rows(1), label: "settlement_items"),
                    audit(
                        draft.kind == .refund ? "refund_recorded" : "credit_recorded", .orderException, id: id, by: actor, at: now,
                        data: try JSONColumn.encode(["amount": draft.amount.decimalString])),
                    audit(
                        draft.kind == .refund ? "refund_recorded" : "credit_recorded", .order, id: x.orderID, by: actor, at: now,
                        data: try JSONColumn.encode(["reason": "\(x.number) \(draft.amount.formatted)"])),
                ])
                return try await settlements(exceptionID: id).first { $0.id == (try rows[1][0].int("id")) }!
            } catch StoreError.guardFailed(let label) where label == "orders.version" {
                continue
            }
        }
        throw DocketError.conflict(.order, key: x.orderNumber)
    }

    public func settlements(exceptionID: Int64) async throws -> [SettlementItem] {
        try await engine.read(Statement("SELECT * FROM settlement_items WHERE exception_id = $1 ORDER BY id", [exceptionID])).map(Self.settlement)
    }

    /// The refunds and credits waiting for settlement, oldest first.
    public func openSettlements(limit: Int = 200) async throws -> [SettlementItem] {
        try await engine.read(Statement("SELECT * FROM settlement_items WHERE status = 'open' ORDER BY id LIMIT $1", [Int64(limit)])).map(Self.settlement)
    }

    // MARK: Reship

    /// 补发: the goods of `shipmentID` (the exception's shipment when nil) go again — `lines` per order line, nil for
    /// everything it carried not sent again before. A lost parcel still on its way becomes `lost`; the order owes
    /// the goods again (back to 部分发货 when it had all left) and its plan is short by them; in the same write a
    /// `serve_waiting` timer per product stands by. Then allocation serves what is owed from free stock as a new
    /// shipment (`serveBackorder`) — at once when there is stock, else when stock arrives, like any backorder.
    public func reship(
        _ id: Int64, shipment shipmentID: ID<Shipment>? = nil, lines requested: [ID<OrderLine>: Int64]? = nil, version: Int64? = nil, by actor: Actor
    ) async throws -> ReshipOutcome {
        for _ in 0..<10 {
            let x = try await exception(id: id)
            try ExceptionHandling.checkOpen(x.facts)
            if let version, version != x.version { throw DocketError.versionConflict(.orderException, key: x.number, current: x.version) }
            guard let shipmentID = shipmentID ?? x.shipmentID else { throw DocketError.invalid("shipmentId", "required") }
            let shipment = try await store.shipments.shipment(id: shipmentID)
            guard shipment.orderID == x.orderID else { throw DocketError.invalid("shipmentId", "notOnOrder") }
            guard Reship.shipmentStatuses.contains(shipment.status) else {
                throw DocketError.conflict(.shipment, key: shipment.number, because: "notReshippable")
            }
            let side = try await store.shipments.orderSide(x.orderID)
            let order = side.order
            guard Reship.orderStatuses.contains(order.status) else {
                throw DocketError.illegalTransition(number: order.number, from: order.status, action: .reship)
            }
            let before = try await engine.read(
                Statement("SELECT line_id, CAST(SUM(quantity) AS BIGINT) AS n FROM reshipments WHERE shipment_id = $1 GROUP BY line_id", [shipmentID]))
            var replaced: [ID<OrderLine>: Int64] = [:]
            for row in before { replaced[try row.id("line_id")] = try row.int("n") }
            let quantities = try Reship.quantities(
                carried: shipment.carried, replacedBefore: replaced, requested: requested,
                skus: Dictionary(shipment.lines.map { ($0.line.lineID, $0.line.sku) }, uniquingKeysWith: { a, _ in a }))
            guard var plan = side.plan else { throw DocketError.conflict(.order, key: order.number, because: "nothingOwed") }
            let losing = Reship.losesShipment(kind: x.kind, shipment: shipment.status)
            for (line, quantity) in quantities.sorted(by: { $0.key < $1.key }) {
                // A lost parcel's lots are no longer the order's: the quantity comes off them in pick-list order.
                var left = quantity
                var lost: [(lot: ID<StockLot>, quantity: Int64)] = []
                for carried in shipment.lines where losing && carried.line.lineID == line && left > 0 {
                    let taken = min(left, carried.picked ?? carried.line.quantity)
                    lost.append((carried.line.lotID, taken))
                    left -= taken
                }
                plan.resend(line: line, quantity: quantity, lost: lost)
            }
            let now = clock.now()
            var statements: [Statement] = [
                Statement(
                    "UPDATE order_exceptions SET version = version + 1 WHERE id = $1 AND version = $2 AND status = 'open'", [id, x.version],
                    expect: .rows(1), label: "order_exceptions.version")
            ]
            if losing {
                statements += [
                    ShipmentRepository.update(shipment, to: .lost),
                    audit(ShipmentAction.lose.rawValue, .shipment, id: shipmentID, by: actor, at: now, data: try JSONColumn.encode(["reason": x.number])),
                ]
            }
            statements.append(
                Statement.insert(
                    "INSERT INTO reshipments (exception_id, shipment_id, line_id, quantity, created_by, created_at)", row: "($1, $2, $3, $4, $5, $6)",
                    rows: quantities.sorted(by: { $0.key < $1.key }).map { [id, shipmentID, $0.key, $0.value, actor.description, now] },
                    label: "reshipments"))
            if order.status == .partiallyShipped {
                statements.append(Store.touch(order, at: now))
            } else {
                let next = try OrderLifecycle.apply(.reship, to: order.state)
                statements += [
                    Statement(
                        "UPDATE orders SET status = $3, version = version + 1, updated_at = $4 WHERE id = $1 AND version = $2",
                        [order.id, order.version, next.status.rawValue, now], expect: .rows(1), label: "orders.version"),
                    audit(
                        OrderAction.reship.rawValue, .order, id: order.id, by: actor, at: now,
                        data: try JSONColumn.encode(TransitionData(from: order.status, to: next.status, reason: x.number))),
                ]
            }
            statements.append(
                Statement(
                    "UPDATE order_allocations SET plan = $2, status = $3, version = version + 1 WHERE order_id = $1",
                    [order.id, try JSONColumn.encode(plan), plan.status.rawValue], expect: .rows(1), label: "order_allocations"))
            // Allocation stands by for each product sent again, should serving it below not happen (a crash, no stock yet).
            var products = Conditions()
            products.add("sku IN \(products.list(Array(Set(shipment.lines.filter { quantities[$0.line.lineID] != nil }.map(\.line.sku))).sorted()))")
            for row in try await engine.read(Statement(SQL("SELECT id FROM products\(products.clause) ORDER BY id"), products.binds)) {
                statements.append(Store.serveWaitingTimer(productID: try row.int("id"), due: now, at: now))
            }
            statements.append(
                audit(
                    "reshipped", .orderException, id: id, by: actor, at: now,
                    data: try JSONColumn.encode(["shipment": shipment.number, "quantity": String(quantities.values.reduce(0, +))])))
            do {
                _ = try await engine.write(statements)
            } catch StoreError.guardFailed(let label) where ["orders.version", "shipments.status", "order_exceptions.version"].contains(label) {
                if version != nil && label == "order_exceptions.version" {
                    throw DocketError.conflict(.orderException, key: x.number)
                }
                continue
            }
            let created = try await store.shipments.serveBackorder(orderID: x.orderID, by: actor)
            return ReshipOutcome(exception: try await exception(id: id), shipments: created)
        }
        throw DocketError.conflict(.orderException, key: String(id))
    }

    // MARK: Resolving

    /// 结案: how the exception ended, with a note; the customer hears of it, and the order follows (it completes
    /// when this was the last thing keeping it open). Guarded by `version`.
    public func resolve(
        _ id: Int64, resolution: ExceptionResolution, note: String?, version: Int64?, by actor: Actor
    ) async throws -> OrderException {
        for _ in 0..<10 {
            let x = try await exception(id: id)
            let settled = try await settlements(exceptionID: id)
            let reships = try await engine.read(Statement("SELECT shipment_id FROM reshipments WHERE exception_id = $1", [id]))
            let facts = x.facts(reshipped: !reships.isEmpty, settled: settled)
            if let version, version != x.version, x.status == .open {
                throw DocketError.versionConflict(.orderException, key: x.number, current: x.version)
            }
            try ExceptionHandling.checkResolution(resolution, note: note, facts: facts)
            let why = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let now = clock.now()
            let order = try await store.orders.order(id: x.orderID)
            var message = OrderMessage(order)
            message.exception = x.number
            message.exceptionKind = x.kind
            message.resolution = resolution
            message.message = why
            switch resolution {
            case .refunded: message.amount = Self.sum(settled.filter { $0.kind == .refund })
            case .credited: message.amount = Self.sum(settled.filter { $0.kind == .credit })
            case .reshipped:
                let all = try await store.shipments.shipments(orderID: x.orderID)
                let replaced = Set(try reships.map { try $0.int("shipment_id") })
                message.shipment = all.filter { !replaced.contains($0.id.rawValue) && $0.createdAt >= x.openedAt }.map(\.number).joined(separator: "、")
            default: break
            }
            var statements = [
                Statement(
                    """
                    UPDATE order_exceptions SET status = 'resolved', resolution = $3, resolution_note = $4, resolved_by = $5, resolved_at = $6,
                           version = version + 1
                    WHERE id = $1 AND version = $2 AND status = 'open'
                    """, [id, x.version, resolution.rawValue, why, actor.description, now], expect: .rows(1), label: "order_exceptions.version"),
                audit("resolved", .orderException, id: id, by: actor, at: now, data: try JSONColumn.encode(["resolution": resolution.rawValue])),
                audit(
                    "exception_resolved", .order, id: x.orderID, by: actor, at: now,
                    data: try JSONColumn.encode(["reason": x.number])),
            ]
            statements += try store.orders.statements(for: [.notify(.exceptionResolved)], orderID: x.orderID, message: message, at: now)
            // The order follows (it may complete now) while its shipments drive it; otherwise (not yet at the
            // warehouses, completed, archived, cancelled) only its version moves, so a step of the order at the same
            // moment decides again on this resolution.
            let side = try await store.shipments.orderSide(x.orderID)
            if (OrderWorkflow.released + [.shipped, .delivered]).contains(side.order.status) {
                statements += try store.shipments.orderFollows(
                    side, openingCases: ExceptionHandling.blocksCompletion(x.kind) ? -1 : 0, reason: x.number, by: actor, at: now)
            } else {
                statements.append(Store.touch(side.order, at: now))
            }
            do {
                _ = try await engine.write(statements)
                return try await exception(id: id)
            } catch StoreError.guardFailed(let label) where label == "order_exceptions.version" {
                let now = try await exception(id: id)
                if now.status == .resolved { throw DocketError.conflict(.orderException, key: x.number, because: "exceptionResolved") }
                if version != nil { throw DocketError.versionConflict(.orderException, key: x.number, current: now.version) }
                continue
            } catch StoreError.guardFailed(let label) where label == "orders.version" {
                continue
            }
        }
        throw DocketError.conflict(.orderException, key: String(id))
    }

    static func sum(_ items: [SettlementItem]) -> Money? {
        guard let first = items.first else { return nil }
        return Money(minor: items.reduce(Int64(0)) { $0.saturatingAdding($1.amount.minor) }, currency: first.amount.currency)
    }

    // MARK: The system watching

    /// 自动异常: raises what nobody reported — a shipment on its way with no tracking event for the watch's hours
    /// (`delay`, on the shipment), and an order past its promised date (`delay`, on the order). At most one open
    /// system exception per order, kind and shipment (a unique index): a second node watching at the same moment
    /// raises nothing more. Returns how many it raised.
    @discardableResult
    public func watch(_ given: ExceptionWatch? = nil, limit: Int = 200) async throws -> Int {
        let watch = given ?? policy.exceptionWatch
        let now = clock.now()
        let silentSince = now.adding(milliseconds: -Int64(watch.silentShipmentHours) * 3_600_000)
        let silent = try await engine.read(
            Statement(
                """
                SELECT id, order_id, number, last_seen FROM (
                    SELECT s.id, s.order_id, s.number,
                           COALESCE((SELECT MAX(e.occurred_at) FROM tracking_events e WHERE e.shipment_id = s.id), s.shipped_at) AS last_seen
                    FROM shipments s
                    WHERE s.status = 'shipped' AND NOT EXISTS (SELECT 1 FROM order_exceptions x WHERE x.shipment_id = s.id AND x.status = 'open')
                ) silent
                WHERE last_seen < $1
                ORDER BY id LIMIT $2
                """, [silentSince, Int64(limit)]))
        var late = Conditions()
        Store.late(&late, today: now.date(utcOffsetHours: 8))
        late.add("NOT EXISTS (SELECT 1 FROM order_exceptions x WHERE x.order_id = orders.id AND x.status = 'open' AND x.kind = 'delay' AND x.shipment_id IS NULL)")
        let lateOrders = try await engine.read(
            Statement(SQL("SELECT id, promised_date FROM orders\(late.clause) ORDER BY promised_date, id LIMIT \(limit)"), late.binds))
        var raised = 0
        let system = Self.watcher
        for row in silent {
            let hours = String(max(1, (now.millisecondsSince1970 - (try row.int("last_seen"))) / 3_600_000))
            let why = Message("exception.watch.silent", ["shipment": try row.text("number"), "hours": hours])
            raised += try await raiseQuietly(orderID: try row.id("order_id"), shipmentID: ID(try row.int("id")), description: why, by: system, at: now)
        }
        for row in lateOrders {
            let why = Message("exception.watch.late", ["date": try row.text("promised_date")])
            raised += try await raiseQuietly(orderID: try row.id(), shipmentID: nil, description: why, by: system, at: now)
        }
        return raised
    }

    /// One system exception, or none when one is open already (the watch key).
    private func raiseQuietly(orderID: ID<Order>, shipmentID: ID<Shipment>?, description: Message, by actor: Actor, at now: Timestamp) async throws -> Int {
        for _ in 0..<3 {
            do {
                _ = try await engine.write(
                    try Self.opening(
                        orderID: orderID, shipmentID: shipmentID, kind: .delay, source: .system, description: try JSONColumn.encode(description),
                        by: actor, at: now))
                return 1
            } catch StoreError.uniqueViolation(_, let columns) where columns == ["number"] {
                continue  // the number was taken at this moment: number again
            } catch StoreError.uniqueViolation {
                return 0  // the watch key: another node raised it at this moment
            }
        }
        return 0
    }

    /// The order's goods all arrived: the delays the system raised on it are over (resolved `delivered`, each with
    /// its audit event), in the write that delivers it.
    static func closingDelays(orderID: ID<Order>, at now: Timestamp) -> [Statement] {
        let open = "order_id = $1 AND status = 'open' AND kind = $3 AND source = $4"
        let closed = ExceptionHandling.closedByDelivery
        let binds: [any SQLBindable] = [orderID, now, closed.kind.rawValue, closed.source.rawValue, watcher.description, ExceptionResolution.delivered.rawValue]
        return [
            Statement(
                SQL(
                    """
                    INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)
                    SELECT $2, $5, 'resolved', 'orderException', id, '{"resolution":"' || $6 || '"}' FROM order_exceptions WHERE \(open)
                    """), binds),
            Statement(
                SQL(
                    """
                    UPDATE order_exceptions SET status = 'resolved', resolution = $6, resolved_by = $5, resolved_at = $2, version = version + 1
                    WHERE \(open)
                    """), binds),
        ]
    }

    /// Who raises and closes the system's own exceptions.
    static let watcher = Actor(.system, "watch")

    static func trimmed(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
}

/// What a reship did: the exception after it, and the new shipments allocation made (none while stock is short:
/// the order waits for it like any backorder).
public struct ReshipOutcome: Sendable {
    public var exception: OrderException
    public var shipments: [StoredShipment]
}

/// A claim on the carrier or the insurer.
public struct ExceptionClaim: Sendable, Hashable {
    public struct Document: Sendable, Hashable {
        public var id: Int64
        public var fileName: String
        public var contentType: String
        public var size: Int64
        public var uploadedBy: String
        public var uploadedAt: Timestamp
    }

    public var id: Int64
    public var number: String
    public var exceptionID: Int64
    public var party: ClaimParty
    public var claimed: Money
    public var reference: String?
    public var note: String?
    public var status: ClaimStatus
    public var recovered: Money?
    public var filedBy: String
    public var filedAt: Timestamp
    public var decidedBy: String?
    public var decidedAt: Timestamp?
    public var version: Int64
    public var documents: [Document]
}

/// A refund or credit recorded for settlement.
public struct SettlementItem: Sendable, Hashable {
    public var id: Int64
    public var orderID: ID<Order>
    public var exceptionID: Int64?
    public var kind: SettlementKind
    public var amount: Money
    public var note: String?
    public var settled: Bool
    public var recordedBy: String
    public var recordedAt: Timestamp
}

extension ExceptionRepository {
    static func claim(_ row: SQLRow, documents: [SQLRow]) throws -> ExceptionClaim {
        guard let party = ClaimParty(rawValue: try row.text("party")), let status = ClaimStatus(rawValue: try row.text("status")),
            let currency = Currency.named(try row.text("currency"))
        else { throw StoreError.decoding(column: "status") }
        return ExceptionClaim(
            id: try row.int("id"), number: try row.text("number"), exceptionID: try row.int("exception_id"), party: party,
            claimed: Money(minor: try row.int("claimed_minor"), currency: currency), reference: row.optionalText("reference"),
            note: row.optionalText("note"), status: status, recovered: row.optionalInt("recovered_minor").map { Money(minor: $0, currency: currency) },
            filedBy: try row.text("filed_by"), filedAt: try row.timestamp("filed_at"), decidedBy: row.optionalText("decided_by"),
            decidedAt: row.optionalInt("decided_at").map { Timestamp(millisecondsSince1970: $0) }, version: try row.int("version"),
            documents: try documents.map {
                ExceptionClaim.Document(
                    id: try $0.int("id"), fileName: try $0.text("file_name"), contentType: try $0.text("content_type"), size: try $0.int("size"),
                    uploadedBy: try $0.text("uploaded_by"), uploadedAt: try $0.timestamp("uploaded_at"))
            })
    }

    static func settlement(_ row: SQLRow) throws -> SettlementItem {
        guard let kind = SettlementKind(rawValue: try row.text("kind")), let currency = Currency.named(try row.text("currency")) else {
            throw StoreError.decoding(column: "kind")
        }
        return SettlementItem(
            id: try row.int("id"), orderID: try row.id("order_id"), exceptionID: row.optionalInt("exception_id"), kind: kind,
            amount: Money(minor: try row.int("amount_minor"), currency: currency), note: row.optionalText("note"),
            settled: try row.text("status") == "settled", recordedBy: try row.text("recorded_by"), recordedAt: try row.timestamp("recorded_at"))
    }
}

/// Everything the exception's page shows: the exception, the words with the customer, claims, money, reships, the
/// order's shipments (what may be sent again) and its history.
public struct ExceptionFile: Sendable {
    public struct Contact: Sendable, Hashable {
        public var channel: ContactChannel
        public var summary: String
        public var actor: String
        public var at: Timestamp
    }

    public struct Reshipment: Sendable, Hashable {
        public var shipment: String
        public var sku: String
        public var quantity: Int64
        public var at: Timestamp
    }

    public var exception: OrderException
    public var contacts: [Contact]
    public var claims: [ExceptionClaim]
    public var settlements: [SettlementItem]
    public var reshipments: [Reshipment]
    public var shipments: [StoredShipment]
    public var history: [AuditEvent]
    /// Per shipment of the order, per line: what reships (of any exception) replaced.
    public var replaced: [ID<Shipment>: [ID<OrderLine>: Int64]]
    /// What the facts say the resolution may be (a reship made, a refund or credit recorded).
    public var facts: ExceptionFacts
}

extension ExceptionRepository {
    public func file(id: Int64) async throws -> ExceptionFile {
        let x = try await exception(id: id)
        let rows = try await engine.read([
            Statement("SELECT * FROM exception_contacts WHERE exception_id = $1 ORDER BY id", [id]),
            Statement("SELECT * FROM exception_claims WHERE exception_id = $1 ORDER BY id", [id]),
            Statement(
                """
                SELECT d.id, d.claim_id, d.file_name, d.content_type, d.size, d.uploaded_by, d.uploaded_at FROM claim_documents d
                JOIN exception_claims c ON c.id = d.claim_id WHERE c.exception_id = $1 ORDER BY d.id
                """, [id]),
            Statement(
                """
                SELECT s.number, l.sku, r.quantity, r.created_at FROM reshipments r JOIN shipments s ON s.id = r.shipment_id
                JOIN order_lines l ON l.id = r.line_id WHERE r.exception_id = $1 ORDER BY r.id
                """, [id]),
            // What reships of any of the order's exceptions replaced, per shipment and line (what may still go again).
            Statement(
                """
                SELECT r.shipment_id, r.line_id, CAST(SUM(r.quantity) AS BIGINT) AS quantity FROM reshipments r JOIN shipments s ON s.id = r.shipment_id
                WHERE s.order_id = $1 GROUP BY r.shipment_id, r.line_id
                """, [x.orderID]),
        ])
        let documents = Dictionary(grouping: rows[2]) { (try? $0.int("claim_id")) ?? 0 }
        let claims = try rows[1].map { try Self.claim($0, documents: documents[try $0.int("id")] ?? []) }
        let settlements = try await settlements(exceptionID: id)
        var replaced: [ID<Shipment>: [ID<OrderLine>: Int64]] = [:]
        for row in rows[4] { replaced[try row.id("shipment_id"), default: [:]][try row.id("line_id")] = try row.int("quantity") }
        return ExceptionFile(
            exception: x,
            contacts: try rows[0].map {
                ExceptionFile.Contact(
                    channel: ContactChannel(rawValue: try $0.text("channel")) ?? .other, summary: try $0.text("summary"), actor: try $0.text("actor"),
                    at: try $0.timestamp("occurred_at"))
            },
            claims: claims, settlements: settlements,
            reshipments: try rows[3].map {
                ExceptionFile.Reshipment(shipment: try $0.text("number"), sku: try $0.text("sku"), quantity: try $0.int("quantity"), at: try $0.timestamp("created_at"))
            },
            shipments: try await store.shipments.shipments(orderID: x.orderID),
            history: try await store.auditEvents(entity: .orderException, id: id),
            replaced: replaced, facts: x.facts(reshipped: !rows[3].isEmpty, settled: settlements))
    }
}

extension OrderException {
    /// What working it rests on.
    public var facts: ExceptionFacts { ExceptionFacts(number: number, status: status) }

    /// What resolving it rests on: whether goods were sent again, and the refunds and credits recorded.
    func facts(reshipped: Bool, settled: [SettlementItem]) -> ExceptionFacts {
        ExceptionFacts(
            number: number, status: status, reshipped: reshipped, refunded: settled.contains { $0.kind == .refund },
            credited: settled.contains { $0.kind == .credit })
    }

    /// The description in `language`: the system writes a message of the catalogue, people and carriers their words.
    public func describe(_ language: Language) -> String {
        guard source == .system, let message = try? JSONColumn.decode(Message.self, description, column: "description") else { return description }
        return message.text(language)
    }
}
