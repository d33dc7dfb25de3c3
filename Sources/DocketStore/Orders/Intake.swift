import DocketCore
import Foundation

/// What taking one order in reads, in one snapshot: the replay keys, the intake facts, the review rules and facts,
/// and the stock the inventory stage would plan with. Positions of the statements in `rows`.
private struct IntakeRead {
    static let customer = 0, openBalance = 1, overdue = 2, products = 3, rules = 4, supply = 5
    /// Where the replay look-ups are (after the supply's three statements).
    var replay: [Int] = []
    var rows: [[SQLRow]] = []

    /// An earlier submission with the same key, or the same platform order, is there: the replay path answers.
    var seenBefore: Bool { replay.contains { !rows[$0].isEmpty } }
}

/// One order placed: the statements of its write, the order as it will be once written (its id and number come
/// from the write), and whether rules still have to carry it on after the write (a pre-emption).
private struct Placement {
    var statements: [Statement]
    var order: StoredOrder
    var orderStatement: Int
    var numberStatement: Int
    var continueWithRules: Bool
}

extension OrderRepository {
    /// Takes an order in from any channel: checks it (Core decides), and keeps it either in the sales review or,
    /// when incomplete, as `needs_info` with its problems and a request to the customer in the outbox. Routine orders
    /// go on through every stage an active review rule (审核规则) passes them — the inventory stage's soft reservation
    /// included — in the same write: one read snapshot, Core's decisions, one transaction.
    /// The same idempotency key with the same body, or the same platform order id, returns the existing order.
    public func submitOrder(_ draft: OrderDraft, idempotencyKey: String?, by actor: Actor) async throws -> OrderSubmission {
        var shape = Validator()
        for problem in draft.shapeProblems() { shape.add(problem.field, problem.code, problem.arguments) }
        if let key = idempotencyKey, key.isEmpty || key.count > 200 || !key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            shape.add("Idempotency-Key", "invalidIdempotencyKey", ["max": "200"])
        }
        try shape.check()
        let scopedKey = idempotencyKey.map { "\(actor.description) \($0)" }
        let requestHash = Secret.hash(try JSONColumn.hashText(draft))
        for _ in 0..<10 {
            let now = clock.now()
            let read = try await intakeRead(draft, scopedKey: scopedKey, now: now)
            if read.seenBefore, let replay = try await existingSubmission(draft, scopedKey: scopedKey, requestHash: requestHash, by: actor) {
                return replay
            }
            let placement = try await place(draft, read, scopedKey: scopedKey, requestHash: requestHash, by: actor, at: now)
            do {
                let results = try await engine.write(placement.statements)
                var order = placement.order
                order.id = ID(try results[placement.orderStatement][0].int("id"))
                order.number = try results[placement.numberStatement][0].text("number")
                return OrderSubmission(order: placement.continueWithRules ? try await applyRules(order) : order, replayed: false)
            } catch StoreError.guardFailed(let label) where Self.replanOn.contains(label) {
                continue  // the stock changed since it was read: read and decide again
            } catch StoreError.uniqueViolation(let table, _) where table == "idempotency_keys" {
                // A twin with the same key was processed at the same moment and committed first: 409, and a retry
                // replays its result (or 422 when the bodies differ).
                if try await existingSubmission(draft, scopedKey: scopedKey, requestHash: requestHash, by: actor) != nil {
                    throw DocketError.concurrentRequest(key: idempotencyKey ?? "")
                }
                throw StoreError.guardFailed(label: "orders.unique")
            } catch StoreError.uniqueViolation(let table, _) where table == "orders" {
                // The same platform order pushed twice at once: recognised, answered with the order that won.
                if let replay = try await existingSubmission(draft, scopedKey: scopedKey, requestHash: requestHash, by: actor) { return replay }
                throw StoreError.guardFailed(label: "orders.unique")
            }
        }
        throw DocketError.conflict(.order, key: draft.externalRef ?? draft.customerCode)
    }

    /// Everything intake decides on, in one read snapshot.
    private func intakeRead(_ draft: OrderDraft, scopedKey: String?, now: Timestamp) async throws -> IntakeRead {
        let skus = draft.skus
        let someSKUs = skus.isEmpty ? [""] : skus  // an IN list is never empty
        let supply = Store.supplyStatements(skus: someSKUs, heldBy: nil)
        // Master data (the customer, the products, the rules, the warehouses, the carriers) comes from what this
        // node remembers at the snapshot's master revision when it can.
        var parts: [SnapshotPart] = [
            .master("customer:" + draft.customerCode, Statement(MasterTable<Customer>.customers.byKeySQL, [draft.customerCode])),
            // Every order the customer has open counts: this one is the newest.
            .live(Store.openBalance(draft.customerCode)),
            .live(Store.overdue(draft.customerCode, now: now)),
            .products(skus),
            .master("rules", Store.activeRules),
            .live(supply[0]), .master("warehouses", supply[1]), .master("carriers", supply[2]),
        ]
        var read = IntakeRead()
        if let scopedKey {
            read.replay.append(parts.count)
            parts.append(.live(Statement("SELECT order_id FROM idempotency_keys WHERE idempotency_key = $1", [scopedKey])))
        }
        if draft.channel.isPlatform, let ref = draft.externalRef {
            read.replay.append(parts.count)
            parts.append(.live(Statement("SELECT id FROM orders WHERE channel = $1 AND external_ref = $2", [draft.channel.rawValue, ref])))
        }
        read.rows = try await store.snapshot(parts)
        return read
    }

    /// Core decides on what was read: the intake check, then the stages the rules pass; the statements of all of it.
    private func place(
        _ draft: OrderDraft, _ read: IntakeRead, scopedKey: String?, requestHash: String, by actor: Actor, at now: Timestamp
    ) async throws -> Placement {
        let rows = read.rows
        let (facts, customerID) = try Store.intakeFacts(
            customer: rows[IntakeRead.customer].first, products: rows[IntakeRead.products], today: now.date(utcOffsetHours: 8))
        let decision = OrderIntake.check(draft, facts: facts)
        try DocketError.check(decision.refusals)
        let intake = try OrderLifecycle.apply(decision.action, to: OrderState(status: .received))
        let day = now.date(utcOffsetHours: 8).iso8601.replacingOccurrences(of: "-", with: "")
        let promised = policy.promisedDate(received: now.date(utcOffsetHours: 8), type: draft.type, requested: draft.requestedDate)
        // The order as it will be; `Int64.max` stands for its id until the write gives it one (it is the newest order).
        var order = StoredOrder(
            id: ID(Int64.max), number: "", channel: draft.channel, externalRef: draft.externalRef, customerCode: draft.customerCode,
            customerName: facts.customer?.name, type: draft.type, urgent: draft.urgent, status: intake.status, heldFrom: nil,
            contactName: decision.contactName, contactPhone: decision.contactPhone, deliveryAddress: decision.deliveryAddress,
            requestedDate: draft.requestedDate, promisedDate: promised, paymentMethod: decision.paymentMethod, total: decision.total,
            problems: decision.problems, notes: draft.notes, customerRequirements: nil, receivedAt: now, revision: 1, version: 1,
            lines: decision.lines.map { line in
                var kept = line
                kept.quantity = max(line.quantity, 0)
                return kept
            })

        // Routine orders pass the stages active rules allow, judged on the facts of this snapshot.
        var passes: [RulePass] = []
        if intake.status.isReview, !rows[IntakeRead.rules].isEmpty {
            let rules = try rows[IntakeRead.rules].map(MasterTable<ReviewRule>.reviewRules.decode)
            // The usable stock the inventory stage judges comes from the supply read for allocation.
            let stock = try UsableStock(
                products: rows[IntakeRead.products], lots: rows[IntakeRead.supply], warehouses: rows[IntakeRead.supply + 1],
                today: now.date(utcOffsetHours: 8))
            let reviewFacts = try Store.reviewFacts(order, lines: order.lines, total: nil, from: rows[IntakeRead.customer...], now: now, stock: stock)
            passes = OrderReview.rulePasses(from: intake.status, reviewFacts, rules: rules)
        }

        // The day's counter row is the one every intake shares, locked from its update to the commit. Where the write
        // runs statement by statement (PostgreSQL's fallback), it is taken last, so that the lock is held only for the
        // final statements, and the order has a provisional number until then. SQLite writes one transaction at a
        // time, and a write run as one statement holds every lock until its one round trip ends: those take the
        // counter first and insert the order with its number (a statement fewer, and no provisional number entering
        // and leaving the numbers' index).
        let numberFirst = engine.dialect == .sqlite || engine.writesInOneStatement
        let orderStatement = numberFirst ? 1 : 0
        let orderID = Bind.result(statement: orderStatement, column: "id")
        var later: [Statement] = []
        var continueWithRules = false
        var passed: [(RulePass, Actor, OrderDecision, StockWork?)] = []
        for pass in passes {
            let ruleActor = Actor(.system, "rule:\(pass.rule.code)")
            let stageDecision = try OrderWorkflow.decide(.pass, on: pass.from, type: order.type, reason: nil, receivedAt: now, now: now, policy: policy)
            var stock: StockWork?
            if stageDecision.effects.contains(where: { if case .allocate = $0 { true } else { false } }) {
                let refs = order.lines.indices.map { AllocationInput.LineRef.number(Int64($0 + 1)) }
                var input = try allocationInput(
                    order, lines: order.lines, refs: refs, products: rows[IntakeRead.products], supply: rows[IntakeRead.supply...],
                    producedLots: [:])
                if policy.allocation.preemptSoftReservations {
                    try await preempt(&input, order: order, skus: Array(Set(order.lines.map(\.sku))))
                    // Taking others' reservations names this order in their history: that pass waits for the order's number.
                    if !input.losers.isEmpty {
                        continueWithRules = true
                        break
                    }
                }
                // The stage counts stock over all warehouses; the plan may still fall short (at most
                // `maxWarehouses` ship one order). A rule passes only what has nothing to look at: a short plan
                // waits at the inventory review for a person, holding nothing.
                let plan = self.plan(input)
                if plan.lines.contains(where: { $0.short > 0 }) { break }
                stock = StockWork(input: input, actor: ruleActor, plan: plan)
            }
            passed.append((pass, ruleActor, stageDecision, stock))
        }
        order.status = passed.last?.0.to.status ?? intake.status
        order.version = 1 + Int64(passed.count)

        var values: [any SQLBindable] = [
            numberFirst ? day : "PENDING-" + Secret.make(), draft.channel.rawValue, draft.externalRef,
            draft.customerCode, customerID, draft.type.rawValue, draft.urgent,
            order.status.rawValue, decision.contactName, decision.contactPhone,
            try decision.deliveryAddress.map { try JSONColumn.encode($0) }, draft.requestedDate, decision.total.minor,
            decision.total.currency.code, try JSONColumn.encode(decision.problems), draft.notes, now,
            decision.paymentMethod.rawValue, promised, order.version,
        ]
        var statements: [Statement] = []
        if numberFirst {
            statements.append(Store.nextNumber(key: day))
            values.append(Bind.result(statement: 0, column: "last_value"))
        }
        statements.append(
            Statement(numberFirst ? Store.insertNumberedOrderSQL : Store.insertOrderSQL, values, expect: .rows(1), label: "orders"))
        statements += orderLines(orderID, decision.lines)
        if let scopedKey {
            statements.append(
                Statement(
                    "INSERT INTO idempotency_keys (idempotency_key, request_hash, order_id, created_at) VALUES ($1, $2, $3, $4)",
                    [scopedKey, requestHash, orderID, now], expect: .rows(1)))
        }
        // The order's history (received, intake's verdict, each stage a rule passed) and the rules' review records,
        // each one statement however many stages passed.
        var events: [(action: String, entity: EntityKind, id: any SQLBindable, actor: Actor, time: Timestamp, data: String)] = [
            ("received", .order, orderID, actor, now, try JSONColumn.encode(TransitionData(from: nil, to: .received, reason: draft.channel.rawValue))),
            (decision.action.rawValue, .order, orderID, actor, now,
             try JSONColumn.encode(TransitionData(from: .received, to: intake.status, problems: decision.problems.isEmpty ? nil : decision.problems))),
        ]
        var reviews: [[any SQLBindable]] = []
        // The customer hears at once: an acknowledgement, or what is missing. Delivered later by the outbox relay.
        var acknowledgement = OrderMessage(customerCode: draft.customerCode, contactPhone: decision.contactPhone)
        acknowledgement.total = decision.total
        acknowledgement.problems = decision.problems
        acknowledgement.processingDays = policy.serviceWindowDays(draft.type)
        later += try self.statements(for: OrderWorkflow.intake(decision.action), orderID: orderID, message: acknowledgement, at: now)
        for (pass, ruleActor, stageDecision, stock) in passed {
            events.append(
                (ReviewDecision.pass.action.rawValue, .order, orderID, ruleActor, now,
                 try JSONColumn.encode(TransitionData(from: pass.from.status, to: pass.to.status, rule: pass.rule.code))))
            reviews.append(
                [orderID, pass.stage.rawValue, ReviewDecision.pass.rawValue, ruleActor.description, pass.rule.code,
                 try JSONColumn.encode(pass.assessment), now])
            let effects = try self.statements(
                for: stageDecision.effects, orderID: orderID, message: OrderMessage(customerCode: draft.customerCode, contactPhone: decision.contactPhone),
                at: now, stock: stock)
            // Messages go last, once the order has its number (below).
            statements += effects.filter { $0.label != Self.messageLabel }
            later += effects.filter { $0.label == Self.messageLabel }
        }
        statements.append(Store.audit(events))
        if !reviews.isEmpty {
            statements.append(
                Statement.insert(
                    "INSERT INTO order_reviews (order_id, stage, decision, actor, rule_code, reason, assessment, decided_at)",
                    row: "($1, $2, $3, $4, $5, NULL, $6, $7)", rows: reviews, label: "order_reviews"))
        }
        if !numberFirst {
            statements.append(Statement(Store.numberOrderSQL, [day, orderID], expect: .rows(1), label: "orders.number"))
        }
        let numberStatement = numberFirst ? orderStatement : statements.count - 1
        // The messages name the order by id and number, known only now.
        let number = Bind.result(statement: numberStatement, column: "number")
        statements += later.map { numbered($0, number: number) }
        return Placement(
            statements: statements, order: order, orderStatement: orderStatement, numberStatement: numberStatement,
            continueWithRules: continueWithRules)
    }
}
