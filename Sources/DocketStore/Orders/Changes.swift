import DocketCore
import Foundation

/// What a change would do, checked when it is requested and again when it is decided: the differences, and the
/// credit and stock re-checks on the changed order.
public struct ChangeAssessment: Sendable, Codable, Hashable {
    public var diff: [RevisionChange]
    public var total: Money
    public var credit: CreditEvaluation?
    public var stock: [ReviewFinding]

    public var worst: ReviewFinding.Severity {
        ((credit?.reasons ?? []) + stock).map(\.severity).max() ?? .info
    }
}

/// 订单变更: a request to change an order's content, its approval and the revision it made.
public struct ChangeRequest: Sendable, Codable, Hashable {
    public var id: ID<ChangeRequest>
    public var orderID: ID<Order>
    public var status: ChangeStatus
    /// Staff (with an edit), or the customer asking in words through the confirmation page.
    public var source: ChangeSource
    public var baseRevision: Int64
    public var edit: OrderEdit
    public var message: String?
    public var assessment: ChangeAssessment
    public var requestedBy: String
    public var requestedAt: Timestamp
    public var decidedBy: String?
    public var decidedAt: Timestamp?
    public var decisionReason: String?
    public var revision: Int64?
}

/// One revision of an order's content, with what changed from the one before.
public struct OrderRevisionRecord: Sendable, Codable, Hashable {
    public var revision: Int64
    public var changeRequestID: ID<ChangeRequest>?
    public var actor: String
    public var reason: String?
    public var diff: [RevisionChange]
    public var createdAt: Timestamp
}

extension Store {

    static func changeRequests(_ orderID: ID<Order>) -> Statement {
        Statement("SELECT * FROM order_change_requests WHERE order_id = $1 ORDER BY id", [orderID])
    }

    static func revisions(_ orderID: ID<Order>) -> Statement {
        Statement("SELECT * FROM order_revisions WHERE order_id = $1 ORDER BY revision", [orderID])
    }

    static func revision(_ row: SQLRow) throws -> OrderRevisionRecord {
        OrderRevisionRecord(
            revision: try row.int("revision"), changeRequestID: row.optionalInt("change_request_id").map { ID($0) }, actor: try row.text("actor"),
            reason: row.optionalText("reason"),
            diff: try JSONColumn.decode([RevisionChange].self, try row.text("diff"), column: "diff"),
            createdAt: try row.timestamp("created_at"))
    }

    static func changeRequest(_ row: SQLRow) throws -> ChangeRequest {
        guard let status = ChangeStatus(rawValue: try row.text("status")) else { throw StoreError.decoding(column: "status") }
        guard let source = ChangeSource(rawValue: try row.text("source")) else { throw StoreError.decoding(column: "source") }
        return ChangeRequest(
            id: try row.id(), orderID: try row.id("order_id"), status: status, source: source,
            baseRevision: try row.int("base_revision"),
            edit: try JSONColumn.decode(OrderEdit.self, try row.text("edit"), column: "edit"), message: row.optionalText("message"),
            assessment: try JSONColumn.decode(ChangeAssessment.self, try row.text("assessment"), column: "assessment"),
            requestedBy: try row.text("requested_by"), requestedAt: try row.timestamp("requested_at"),
            decidedBy: row.optionalText("decided_by"), decidedAt: row.optionalInt("decided_at").map { Timestamp(millisecondsSince1970: $0) },
            decisionReason: row.optionalText("decision_reason"), revision: row.optionalInt("revision"))
    }
}

extension OrderRepository {
    /// Reads what intake checks (customer and products) for a draft, in one snapshot.
    func intakeFacts(_ draft: OrderDraft) async throws -> (facts: IntakeFacts, customerID: Int64?) {
        let reads = try await engine.read([
            Statement(MasterTable<Customer>.customers.byKeySQL, [draft.customerCode]), Store.products(skus: draft.skus),
        ])
        return try Store.intakeFacts(customer: reads[0].first, products: reads[1], today: clock.now().date(utcOffsetHours: 8))
    }

    /// The intake check without keeping anything: what the staff entry form shows before saving.
    public func checkDraft(_ draft: OrderDraft) async throws -> OrderIntake.Decision {
        try DocketError.check(draft.shapeProblems())
        let decision = OrderIntake.check(draft, facts: try await intakeFacts(draft).facts)
        try DocketError.check(decision.refusals)
        return decision
    }

    /// Statements replacing the order's content with a checked decision (guarded by the version read).
    func contentStatements(
        _ order: StoredOrder, _ draft: OrderDraft, _ decision: OrderIntake.Decision, customerID: Int64?, revision: Int64, at now: Timestamp
    ) throws -> [Statement] {
        var statements = [
            Statement(
                """
                UPDATE orders SET customer_code = $3, customer_id = $4, contact_name = $5, contact_phone = $6, delivery_address = $7,
                    requested_date = $8, payment_method = $9, total_minor = $10, currency = $11, problems = $12, notes = $13,
                    promised_date = $14, revision = $15, version = version + 1, updated_at = $16
                WHERE id = $1 AND version = $2
                """,
                [
                    order.id, order.version, draft.customerCode, customerID, decision.contactName, decision.contactPhone,
                    try decision.deliveryAddress.map { try JSONColumn.encode($0) }, draft.requestedDate, decision.paymentMethod.rawValue,
                    decision.total.minor, decision.total.currency.code, try JSONColumn.encode(decision.problems), draft.notes,
                    policy.promisedDate(received: order.receivedAt.date(utcOffsetHours: 8), type: order.type, requested: draft.requestedDate),
                    revision, now,
                ], expect: .rows(1), label: "orders.version"),
        ]
        // Lines are revised in place and keep their ids; removed ones are marked with the revision that removed them.
        let identity = OrderLineIdentity.match(decision.lines, to: order.lines)
        try DocketError.check(identity.problems)
        var added: [OrderIntake.PricedLine] = []
        for line in identity.lines {
            if let id = line.id {
                statements.append(
                    Statement(
                        """
                        UPDATE order_lines SET sku = $3, description = $4, quantity = $5, unit_price_minor = $6, list_price_minor = $7,
                            currency = $8, amount_minor = $9, price_override = $10
                        WHERE id = $1 AND order_id = $2 AND removed_in_revision IS NULL
                        """,
                        [id, order.id, line.sku, line.description, max(line.quantity, 0), line.unitPrice.minor, line.listPrice?.minor,
                         line.unitPrice.currency.code, line.amount.minor, line.priceOverride],
                        expect: .rows(1), label: "order_lines.kept"))
            } else {
                added.append(line)
            }
        }
        statements += orderLines(order.id, added, after: true)
        for id in identity.removed {
            statements.append(
                Statement(
                    "UPDATE order_lines SET removed_in_revision = $3 WHERE id = $1 AND order_id = $2 AND removed_in_revision IS NULL",
                    [id, order.id, revision], expect: .rows(1), label: "order_lines.kept"))
        }
        return statements
    }

    /// Completes an order that waits for information (补充信息). Re-checked with the intake rules: when nothing is
    /// missing any more it goes on to the sales review; otherwise it keeps waiting with the remaining problems.
    public func completeOrderInfo(orderID: ID<Order>, _ edit: OrderEdit, by actor: Actor) async throws -> StoredOrder {
        let order = try await order(id: orderID)
        guard order.status == .needsInfo else {
            throw DocketError.illegalTransition(number: order.number, from: order.status, action: .completeInfo)
        }
        let draft = edit.applied(to: order.draft)
        try DocketError.check(draft.shapeProblems())
        let (facts, customerID) = try await intakeFacts(draft)
        let decision = OrderIntake.check(draft, facts: facts)
        try DocketError.check(decision.refusals)
        let content = try contentStatements(order, draft, decision, customerID: customerID, revision: order.revision, at: clock.now())
        if decision.problems.isEmpty {
            let next = try await transition(orderID: orderID, .completeInfo, reason: nil, by: actor, read: order) { current, _, _, _ in
                guard current.version == order.version else {
                    throw DocketError.versionConflict(.order, key: current.number, current: current.version)
                }
                // The content update runs after the transition's own update, which has already counted the version up.
                var statements = content
                statements[0].binds[1] = .value(.integer(current.version + 1))
                return statements
            }
            return try await applyRules(try await self.order(id: next.id))
        }
        let now = clock.now()
        try await write(
            content + [
                audit("info_updated", .order, id: orderID, by: actor, at: now,
                    data: try JSONColumn.encode(TransitionData(from: .needsInfo, to: .needsInfo, problems: decision.problems)))
            ], lostRaceOn: order)
        return try await self.order(id: orderID)
    }

    /// Asks for a change of an order's content. Checked at once (unknown SKUs, bad quantities are refused with
    /// field problems); credit and stock are re-checked and shown to the approver.
    /// `requestKey` makes a request that may be retried (a marketplace pushing the same change again) one request.
    public func requestChange(
        orderID: ID<Order>, _ edit: OrderEdit, message: String?, by actor: Actor, requestKey: String? = nil, decision: ShortageDecisionDraft? = nil
    ) async throws -> ChangeRequest
    {
        if let requestKey, let existing = try await changeRequest(orderID: orderID, requestKey: requestKey) { return existing }
        let order = try await order(id: orderID)
        let message = message?.trimmingCharacters(in: .whitespacesAndNewlines)
        var v = Validator()
        if edit.customerCode != nil && edit.customerCode != order.customerCode { v.add("customerCode", "notChangeable") }
        if edit.isEmpty { v.add("lines", "noChange") }
        v.optionalText(message, "message", max: 2000, multiline: true)
        try v.check()
        do {
            try OrderWorkflow.checkChangeable(order.status)
        } catch {
            throw DocketError.illegalTransition(number: order.number, from: order.status, action: .revise)
        }
        let (_, assessment) = try await checkChange(order, edit)
        do {
            let now = clock.now()
            var statements = try newChangeRequest(
                order, source: .staff, edit: edit, message: message, assessment: assessment, by: actor, at: now, requestKey: requestKey)
            // A change chosen on the shortage workbench: the decision names the request (`change:<id>`).
            if let decision {
                statements += try decision.statements(
                    reference: "SELECT 'change:' || CAST(id AS TEXT) FROM order_change_requests WHERE id = $1", Bind.result(statement: 0, column: "id"),
                    at: now)
            }
            let rows = try await engine.write(statements)
            return try await changeRequest(id: try rows[0][0].id())
        } catch StoreError.uniqueViolation(let table, _) where table == "order_change_requests" {
            // The same change pushed twice at the same moment: both answers name the one request.
            if let requestKey, let existing = try await changeRequest(orderID: orderID, requestKey: requestKey) { return existing }
            throw DocketError.conflict(.order, key: order.number)
        }
    }

    private func changeRequest(orderID: ID<Order>, requestKey: String) async throws -> ChangeRequest? {
        try await engine.read(
            Statement("SELECT * FROM order_change_requests WHERE order_id = $1 AND request_key = $2", [orderID, requestKey])
        ).first.map(Store.changeRequest)
    }

    /// Runs a write decided on `order` as read; a guard that no longer holds (someone changed the order, or
    /// decided the same request, at the same moment) is a conflict the person retries on what is there now.
    func write(_ statements: [Statement], lostRaceOn order: StoredOrder) async throws {
        do {
            _ = try await engine.write(statements)
        } catch StoreError.guardFailed {
            throw DocketError.conflict(.order, key: order.number)
        }
    }

    /// A pending change request and its audit event; the request's id is the first statement's `id`.
    private func newChangeRequest(
        _ order: StoredOrder, source: ChangeSource, edit: OrderEdit, message: String?, assessment: ChangeAssessment, by actor: Actor,
        at now: Timestamp, requestKey: String? = nil
    ) throws -> [Statement] {
        [
            Statement(
                """
                INSERT INTO order_change_requests (order_id, status, source, base_revision, edit, message, assessment, requested_by,
                                                   requested_at, request_key)
                VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                """,
                [order.id, source.rawValue, order.revision, try JSONColumn.encode(edit), message, try JSONColumn.encode(assessment),
                 actor.description, now, requestKey],
                expect: .rows(1), label: "order_change_requests"),
            audit("change_requested", .order, id: order.id, by: actor, at: now,
                data: try JSONColumn.encode(TransitionData(from: order.status, to: order.status, reason: message))),
        ]
    }

    /// The customer asks for a change on the confirmation page, in words. The link closes; the order desk sees the
    /// request, changes the order and sends a new link.
    public func requestChange(token: String, message: String) async throws -> ChangeRequest {
        let view = try await openConfirmation(token: token)
        let message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        var v = Validator()
        v.text(message, "message", max: 2000)
        try v.check()
        let order = view.order
        let now = clock.now()
        let assessment = ChangeAssessment(diff: [], total: order.total, credit: nil, stock: [])
        var notice = OrderMessage(order)
        notice.message = message
        let rows = try await engine.write(
            [closeLink(tokenHash: Secret.hash(token), orderID: order.id, outcome: .changeRequested, at: now)]
                + (try newChangeRequest(
                    order, source: .customer, edit: OrderEdit(), message: message, assessment: assessment,
                    by: Actor(.customer, order.customerCode), at: now))
                + (try statements(for: [.notify(.changeRequested)], orderID: order.id, message: notice, at: now)))
        return try await changeRequest(id: try rows[1][0].id())
    }

    /// Re-checks an edit against the order as it is now.
    private func checkChange(_ order: StoredOrder, _ edit: OrderEdit) async throws
        -> (decision: (draft: OrderDraft, decision: OrderIntake.Decision, customerID: Int64?), assessment: ChangeAssessment)
    {
        let draft = edit.applied(to: order.draft)
        try DocketError.check(draft.shapeProblems())
        let (facts, customerID) = try await intakeFacts(draft)
        let decision = OrderIntake.check(draft, facts: facts)
        try DocketError.check(decision.refusals)
        try DocketError.check(decision.problems)
        var changed = order
        changed.lines = decision.lines
        changed.total = decision.total
        changed.paymentMethod = decision.paymentMethod
        try DocketError.check(OrderLineIdentity.match(decision.lines, to: order.lines).problems)
        let diff = OrderRevisionDiff.diff(order.snapshot, decision.snapshot(of: draft))
        if diff.isEmpty { throw DocketError.invalid("lines", "noChange") }
        let reviewFacts = try await reviewFacts(changed, lines: decision.lines, total: decision.total)
        let credit = reviewFacts.customer.map {
            CreditPolicy.evaluate(total: decision.total, paymentMethod: decision.paymentMethod, customer: $0, facts: reviewFacts.credit)
        }
        let stock = OrderReview.assess(.inventory, reviewFacts).findings
        return ((draft, decision, customerID), ChangeAssessment(diff: diff, total: decision.total, credit: credit, stock: stock))
    }

    /// Approves or rejects a change request (订单变更审批). Approval re-checks credit and stock on the order as it
    /// is now, writes the new revision with its diff, and — when the order still waits for the customer — sends a
    /// new confirmation link for the changed order. Approving over a credit or stock warning needs a reason.
    public func decideChange(requestID: ID<ChangeRequest>, approve: Bool, reason: String?, by actor: Actor) async throws -> ChangeRequest {
        let request = try await changeRequest(id: requestID)
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        let order = try await order(id: request.orderID)
        do {
            try OrderWorkflow.checkChangeDecision(
                approve: approve, status: request.status, source: request.source, baseRevision: request.baseRevision,
                orderRevision: order.revision, orderStatus: order.status, reason: reason)
        } catch let refusal as ChangeRefusal {
            switch refusal {
            case .alreadyDecided: throw DocketError.conflict(.changeRequest, key: "#\(requestID)", because: "alreadyDecided")
            case .staleRevision: throw DocketError.conflict(.changeRequest, key: "#\(requestID)", because: "staleRevision")
            case .notChangeable: throw DocketError.illegalTransition(number: order.number, from: order.status, action: .revise)
            }
        }
        let now = clock.now()
        let decideRequest = { (status: ChangeStatus, revision: Int64?, assessment: ChangeAssessment) throws in
            Statement(
                """
                UPDATE order_change_requests SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5, revision = $6,
                    assessment = $7
                WHERE id = $1 AND status = 'pending'
                """, [requestID, status.rawValue, actor.description, now, reason, revision, try JSONColumn.encode(assessment)],
                expect: .rows(1), label: "order_change_requests.pending")
        }
        guard approve else {
            try await write(
                [
                    try decideRequest(.rejected, nil, request.assessment),
                    audit("change_rejected", .order, id: order.id, by: actor, at: now,
                        data: try JSONColumn.encode(TransitionData(from: order.status, to: order.status, reason: reason))),
                ], lostRaceOn: order)
            return try await changeRequest(id: requestID)
        }
        let (checked, assessment) = try await checkChange(order, request.edit)
        let effects = try OrderWorkflow.approveChange(
            worst: assessment.worst, reason: reason, orderStatus: order.status, receivedAt: order.receivedAt, now: now, policy: policy)
        // An order holding stock is planned again for its new lines, in the same write (kept lines keep their ids,
        // added ones are found by the numbers they get).
        let identity = OrderLineIdentity.match(checked.decision.lines, to: order.lines)
        var changed = order
        changed.deliveryAddress = checked.decision.deliveryAddress
        changed.promisedDate = policy.promisedDate(
            received: order.receivedAt.date(utcOffsetHours: 8), type: order.type, requested: checked.draft.requestedDate)
        let revision = order.revision + 1
        var statements = try contentStatements(order, checked.draft, checked.decision, customerID: checked.customerID, revision: revision, at: now)
        let snapshot = checked.decision.snapshot(of: checked.draft)
        statements += [
            try decideRequest(.approved, revision, assessment),
            Statement(
                """
                INSERT INTO order_revisions (order_id, revision, change_request_id, actor, reason, diff, snapshot, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [order.id, revision, requestID, actor.description, reason ?? request.message, try JSONColumn.encode(assessment.diff),
                 try JSONColumn.encode(snapshot), now], expect: .rows(1), label: "order_revisions"),
            audit("revised", .order, id: order.id, by: actor, at: now,
                data: try JSONColumn.encode(TransitionData(from: order.status, to: order.status, reason: "r\(revision)"))),
        ]
        var notice = OrderMessage(order)
        notice.contactPhone = checked.decision.contactPhone
        notice.revision = revision
        // Stock taken meanwhile by another order: plan again on what is free now (the rest of the write is the same).
        for attempt in 0..<10 {
            let stock = try await StockWork.prepare(effects, changed, lines: identity.lines, by: actor, in: self)
            do {
                _ = try await engine.write(statements + (try self.statements(for: effects, orderID: order.id, message: notice, at: now, stock: stock)))
                return try await changeRequest(id: requestID)
            } catch StoreError.guardFailed(let label) where label.hasPrefix("stock_lots.") && attempt < 9 {
                continue
            } catch StoreError.guardFailed {
                throw DocketError.conflict(.order, key: order.number)
            }
        }
        throw DocketError.conflict(.order, key: order.number)
    }

    public func changeRequest(id: ID<ChangeRequest>) async throws -> ChangeRequest {
        guard let row = try await engine.read(Statement("SELECT * FROM order_change_requests WHERE id = $1", [id])).first else {
            throw DocketError.notFound(.changeRequest, key: String(id.rawValue))
        }
        return try Store.changeRequest(row)
    }

    public func changeRequests(orderID: ID<Order>) async throws -> [ChangeRequest] {
        try await engine.read(Store.changeRequests(orderID)).map(Store.changeRequest)
    }

    public func revisions(orderID: ID<Order>) async throws -> [OrderRevisionRecord] {
        try await engine.read(Store.revisions(orderID)).map(Store.revision)
    }
}

extension OrderDraft {
    /// The draft's SKUs, each once (blank ones left out).
    var skus: [String] { Array(Set(lines.map(\.sku).filter { !$0.isEmpty })) }
}

extension Store {
    /// The products of these SKUs, all columns, in one statement (none for an empty list).
    static func products(skus: [String]) -> Statement {
        var where_ = Conditions()
        where_.add(skus.isEmpty ? "FALSE" : "sku IN \(where_.list(skus))")
        return Statement(SQL("SELECT * FROM products\(where_.clause)"), where_.binds)
    }

    /// What intake checks, from the customer's row (by code) and the rows of `products(skus:)`; and the customer's id.
    static func intakeFacts(customer row: SQLRow?, products rows: [SQLRow], today: CalendarDate) throws -> (facts: IntakeFacts, customerID: Int64?) {
        var products: [String: (product: Product, archived: Bool)] = [:]
        for product in rows {
            products[try product.text("sku")] = (try MasterTable<Product>.products.decode(product), try product.bool("archived"))
        }
        let facts = IntakeFacts(
            customer: try row.map(MasterTable<Customer>.customers.decode), customerArchived: try row?.bool("archived") ?? false,
            products: products, today: today)
        return (facts, row.flatMap { $0.optionalInt("id") })
    }
}
