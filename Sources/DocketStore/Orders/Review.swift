import DocketCore
import Foundation

/// One recorded review decision: who (or which rule), when, what, why, and what the stage had found.
public struct ReviewRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var stage: ReviewStage
    public var decision: ReviewDecision
    public var actor: String
    public var ruleCode: String?
    public var reason: String?
    public var assessment: StageAssessment
    public var decidedAt: Timestamp
}

extension Store {
    /// Orders that count towards a customer's open balance (Core's rule, `OrderWorkflow.notOwing`); the values are
    /// the enum's own constants, so they are written into the SQL rather than bound.
    static let owingCondition = "status NOT IN (" + OrderWorkflow.notOwing.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    /// The statements of `reviewFacts`. The order's values may be `Bind.result` references to an order read earlier
    /// in the same snapshot, and its SKUs the order's own lines (`Store.orderFile`).
    static func reviewFactStatements(
        customerCode: any SQLBindable, orderID: any SQLBindable, receivedAt: any SQLBindable, skus: SKUSet, now: Timestamp
    ) -> [Statement] {
        [
            Statement(MasterTable<Customer>.customers.byKeySQL, [customerCode]),
            // Accepted and not yet settled: everything from the reviews to delivery (payments come with settlement),
            // received before this order — a later order never uses up this one's credit. Every total is bounded
            // (`Bounds.amountMinor`), so the sum stays far inside BIGINT.
            Statement(
                SQL(
                    """
                    SELECT CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) AS open FROM orders
                    WHERE customer_code = $1 AND (received_at < $3 OR (received_at = $3 AND id < $2)) AND \(Self.owingCondition)
                    """), [customerCode, orderID, receivedAt]),
            Self.overdue(customerCode, now: now),
            Self.usableStock(skus, today: now.date(utcOffsetHours: 8)),
        ]
    }

    /// Everything the customer owes on accepted orders (`open`): for an order being taken in, all of it counts.
    static func openBalance(_ customerCode: any SQLBindable) -> Statement {
        Statement(
            SQL("SELECT CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) AS open FROM orders WHERE customer_code = $1 AND \(owingCondition)"),
            [customerCode])
    }

    /// The active review rules of every stage, by code (a stage's rules are tried in this order).
    static let activeRules = Statement("SELECT * FROM review_rules WHERE archived = FALSE ORDER BY code", [])

    /// Reads the rows of `reviewFactStatements` (the first four of `results`); with `stock` given, the usable stock
    /// comes from it and only the first three are read (intake derives it from the supply it read anyway).
    static func reviewFacts(
        _ order: StoredOrder, lines: [OrderIntake.PricedLine], total: Money?, from results: ArraySlice<[SQLRow]>, now: Timestamp,
        stock: UsableStock? = nil
    ) throws -> ReviewFacts {
        let results = Array(results.prefix(stock == nil ? 4 : 3))
        let customer = try results[0].first.map(MasterTable<Customer>.customers.decode)
        let overdueRow = results[2].first
        let oldest = overdueRow?.optionalInt("oldest")
        let termsDays = Int64(customer?.paymentTermsDays ?? 0)
        let oldestOverdueDays = oldest.map { Int((now.millisecondsSince1970 - $0 - termsDays * 86_400_000) / 86_400_000) } ?? 0
        let usable = try stock ?? UsableStock(rows: results[3])
        return ReviewFacts(
            customer: customer, channel: order.channel, paymentMethod: order.paymentMethod, total: total ?? order.total, lines: lines,
            credit: CreditFacts(
                openBalance: Money(minor: try results[1][0].int("open")),
                overdue: Money(minor: overdueRow?.optionalInt("overdue") ?? 0), oldestOverdueDays: max(0, oldestOverdueDays)),
            available: usable.available, makeToOrder: usable.makeToOrder)
    }

    static func reviews(_ orderID: ID<Order>) -> Statement {
        Statement("SELECT * FROM order_reviews WHERE order_id = $1 ORDER BY id", [orderID])
    }

    static func reviewRecord(_ row: SQLRow) throws -> ReviewRecord {
        guard let stage = ReviewStage(rawValue: try row.text("stage")),
            let decision = ReviewDecision(rawValue: try row.text("decision"))
        else { throw StoreError.decoding(column: "stage") }
        return ReviewRecord(
            id: try row.int("id"), stage: stage, decision: decision, actor: try row.text("actor"), ruleCode: row.optionalText("rule_code"),
            reason: row.optionalText("reason"),
            assessment: try JSONColumn.decode(StageAssessment.self, try row.text("assessment"), column: "assessment"),
            decidedAt: try row.timestamp("decided_at"))
    }
}

extension OrderRepository {

    /// What the review stages read about an order: the customer, its open and overdue balances, and the stock
    /// available for the order's SKUs across active warehouses. One snapshot.
    public func reviewFacts(_ order: StoredOrder, lines: [OrderIntake.PricedLine]? = nil, total: Money? = nil) async throws -> ReviewFacts {
        let lines = lines ?? order.lines
        let now = clock.now()
        let statements = Store.reviewFactStatements(
            customerCode: order.customerCode, orderID: order.id, receivedAt: order.receivedAt, skus: .list(Array(Set(lines.map(\.sku)))), now: now)
        return try Store.reviewFacts(order, lines: lines, total: total, from: try await engine.read(statements)[...], now: now)
    }

    /// What the order's current review stage finds, or nil when the order is not in review.
    public func assessment(of order: StoredOrder) async throws -> StageAssessment? {
        guard let stage = ReviewStage(status: order.status) else { return nil }
        return OrderReview.assess(stage, try await reviewFacts(order))
    }

    /// A person decides the order's current stage. Passing over a warning needs a reason; passing price
    /// overrides needs `approveOverrides` (that is the recorded approval of the pricing policy). Reject and hold
    /// need a reason. After a pass, the rules of the next stage may pass it on automatically.
    /// The decision names the stage it decides: a decision for a stage the order has left meanwhile (a double
    /// click, two reviewers at once) is refused with `staleStage` and decides nothing.
    public func decideReview(
        orderID: ID<Order>, stage: ReviewStage, _ decision: ReviewDecision, reason: String?, approveOverrides: Bool = false, by actor: Actor
    ) async throws -> StoredOrder {
        try await decideReview(
            try await order(id: orderID), stage: stage, decision, reason: reason, approveOverrides: approveOverrides, by: actor)
    }

    /// The decision on an order already read (its version guards the write).
    public func decideReview(
        _ order: StoredOrder, stage expected: ReviewStage, _ decision: ReviewDecision, reason: String?, approveOverrides: Bool = false,
        by actor: Actor
    ) async throws -> StoredOrder {
        guard let stage = ReviewStage(status: order.status), stage == expected else {
            throw DocketError.staleStage(number: order.number, stage: expected, now: order.status)
        }
        let assessment = OrderReview.assess(stage, try await reviewFacts(order))
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        try OrderWorkflow.checkReview(decision, assessment, reason: reason, approveOverrides: approveOverrides)
        let decided = try await record(order, stage: stage, decision, assessment: assessment, reason: reason, by: .person, actor: actor)
        return decision == .pass ? try await applyRules(decided) : decided
    }

    private func record(
        _ order: StoredOrder, stage: ReviewStage, _ decision: ReviewDecision, assessment: StageAssessment, reason: String?,
        by decider: ReviewDecider, actor: Actor
    ) async throws -> StoredOrder {
        var rule: String?
        if case .rule(let code) = decider { rule = code }
        return try await transition(orderID: order.id, decision.action, reason: reason, by: actor, read: order, rule: rule) {
            current, _, now, _ in
            guard current.status == stage.status else { throw DocketError.staleStage(number: current.number, stage: stage, now: current.status) }
            return [
                Statement(
                    """
                    INSERT INTO order_reviews (order_id, stage, decision, actor, rule_code, reason, assessment, decided_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """,
                    [current.id, stage.rawValue, decision.rawValue, actor.description, rule, reason, try JSONColumn.encode(assessment), now],
                    expect: .rows(1), label: "order_reviews")
            ]
        }
    }

    /// Passes the order through as many stages as the active rules allow (Core's `OrderReview.rulePasses`, on the
    /// rules and facts read once), each recorded as "by rule X".
    func applyRules(_ order: StoredOrder) async throws -> StoredOrder {
        guard order.status.isReview else { return order }
        let rules = try await engine.read(Store.activeRules).map(MasterTable<ReviewRule>.reviewRules.decode)
        if rules.isEmpty { return order }
        var order = order
        for pass in OrderReview.rulePasses(from: order.status, try await reviewFacts(order), rules: rules) {
            order = try await record(
                order, stage: pass.stage, .pass, assessment: pass.assessment, reason: nil, by: .rule(code: pass.rule.code),
                actor: Actor(.system, "rule:\(pass.rule.code)"))
        }
        return order
    }

    /// The order's review decisions, oldest first.
    public func reviews(orderID: ID<Order>) async throws -> [ReviewRecord] {
        try await engine.read(Store.reviews(orderID)).map(Store.reviewRecord)
    }
}

/// Where a customer stands (the customer page): what it owes on accepted orders, what is overdue, and its latest
/// orders.
public struct CustomerStanding: Sendable {
    public var openBalance: Money
    public var overdue: Money
    public var recentOrders: [StoredOrder]
}

extension Store {
    /// Delivered and past the payment terms: overdue until settlement records the payment (`overdue`, `oldest`).
    static func overdue(_ customerCode: any SQLBindable, now: Timestamp) -> Statement {
        Statement(
            """
            SELECT CAST(COALESCE(SUM(o.total_minor), 0) AS BIGINT) AS overdue, MIN(o.updated_at) AS oldest
            FROM orders o JOIN customers c ON c.code = o.customer_code
            WHERE o.customer_code = $1 AND o.status = 'delivered' AND o.updated_at + CAST(c.payment_terms_days AS BIGINT) * 86400000 < $2
            """, [customerCode, now])
    }
}

extension OrderRepository {

    public func customerStanding(code: String, recent: Int = 5) async throws -> CustomerStanding {
        let now = clock.now()
        let rows = try await engine.read([
            Store.openBalance(code),
            Store.overdue(code, now: now),
            Statement(SQL("SELECT orders.*, \(Store.customerNameSQL) FROM orders WHERE customer_code = $1 ORDER BY id DESC LIMIT $2"), [code, recent]),
        ])
        return CustomerStanding(
            openBalance: Money(minor: try rows[0][0].int("open")), overdue: Money(minor: try rows[1][0].int("overdue")),
            recentOrders: try rows[2].map { try Store.order($0, lines: []) })
    }
}
