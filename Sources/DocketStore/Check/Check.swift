import DocketCore
import Foundation

extension Store {
    /// `docket check`: every `Invariant` checked against the database as it is, in one read snapshot (a repeatable
    /// read on PostgreSQL, a WAL snapshot on SQLite), so it runs on a live database without stopping it. At most
    /// `limit` findings are listed per invariant; the counts go up to 1,000.
    public func check(limit: Int = 20) async throws -> CheckReport {
        let cap = 1_000
        // Each pair: the events that tell the customer, and the topic that carries it.
        let messagePairs: [(String, String, NotificationTopic)] = [
            ("confirm", "(SELECT COUNT(*) FROM audit_events e WHERE e.entity = 'order' AND e.entity_id = o.id AND e.action = 'confirm')", .confirmed),
            ("revised", "(SELECT COUNT(*) FROM audit_events e WHERE e.entity = 'order' AND e.entity_id = o.id AND e.action = 'revised')", .revised),
            ("deliver", "(SELECT COUNT(*) FROM audit_events e WHERE e.entity = 'order' AND e.entity_id = o.id AND e.action = 'deliver')", .delivered),
            (
                "confirmation_reminder",
                "(SELECT COUNT(*) FROM audit_events e WHERE e.entity = 'order' AND e.entity_id = o.id AND e.action = 'confirmation_reminder')",
                .confirmationReminder
            ),
            (
                "production_slipped",
                "(SELECT COUNT(*) FROM audit_events e WHERE e.entity = 'order' AND e.entity_id = o.id AND e.action = 'production_slipped')", .delayed
            ),
            ("customer change request", "(SELECT COUNT(*) FROM order_change_requests c WHERE c.order_id = o.id AND c.source = 'customer')", .changeRequested),
        ]
        var statements: [Statement] = [
            Statement(
                SQL(
                    """
                    SELECT s.id, p.sku, s.lot_code, s.on_hand, s.reserved FROM stock_lots s JOIN products p ON p.id = s.product_id
                    WHERE s.on_hand < 0 OR s.reserved < 0 OR s.reserved > s.on_hand ORDER BY s.id LIMIT \(cap)
                    """)),
            Statement(
                SQL(
                    """
                    SELECT s.id, p.sku, s.lot_code, s.reserved,
                           CAST(COALESCE(r.q, 0) + COALESCE(t.q, 0) AS BIGINT) AS held
                    FROM stock_lots s JOIN products p ON p.id = s.product_id
                    LEFT JOIN (SELECT lot_id, SUM(quantity) AS q FROM reservations GROUP BY lot_id) r ON r.lot_id = s.id
                    LEFT JOIN (SELECT tl.lot_id, SUM(tl.quantity) AS q FROM transfer_lots tl JOIN transfers tr ON tr.id = tl.transfer_id
                               WHERE tr.status = 'requested' GROUP BY tl.lot_id) t ON t.lot_id = s.id
                    WHERE s.reserved <> COALESCE(r.q, 0) + COALESCE(t.q, 0) ORDER BY s.id LIMIT \(cap)
                    """)),
            Statement(
                SQL(
                    """
                    SELECT s.id, p.sku, s.lot_code, s.on_hand, s.reserved,
                           CAST(COALESCE(m.q, 0) AS BIGINT) AS ledger_on_hand, CAST(COALESCE(m.r, 0) AS BIGINT) AS ledger_reserved
                    FROM stock_lots s JOIN products p ON p.id = s.product_id
                    LEFT JOIN (SELECT lot_id, SUM(quantity) AS q, SUM(reserved_delta) AS r FROM stock_movements GROUP BY lot_id) m ON m.lot_id = s.id
                    WHERE s.on_hand <> COALESCE(m.q, 0) OR s.reserved <> COALESCE(m.r, 0) ORDER BY s.id LIMIT \(cap)
                    """)),
            Statement(
                SQL(
                    """
                    SELECT o.number, o.total_minor, CAST(COALESCE(SUM(l.amount_minor), 0) AS BIGINT) AS lines_minor,
                           CAST(SUM(CASE WHEN l.amount_minor <> l.quantity * l.unit_price_minor THEN 1 ELSE 0 END) AS BIGINT) AS wrong_lines
                    FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id AND l.removed_in_revision IS NULL
                    GROUP BY o.id, o.number, o.total_minor
                    HAVING o.total_minor <> COALESCE(SUM(l.amount_minor), 0)
                        OR SUM(CASE WHEN l.amount_minor <> l.quantity * l.unit_price_minor THEN 1 ELSE 0 END) > 0
                    ORDER BY o.id LIMIT \(cap)
                    """)),
            Statement(
                SQL(
                    """
                    SELECT o.number, o.status, a.data FROM orders o
                    LEFT JOIN audit_events a ON a.id = (SELECT MAX(e.id) FROM audit_events e
                        WHERE e.entity = 'order' AND e.entity_id = o.id AND e.data LIKE '%"to":"%')
                    ORDER BY o.id
                    """)),
            Statement(
                SQL(
                    """
                    SELECT o.number, o.status FROM orders o
                    WHERE o.status IN ('cancelled', 'completed', 'archived')
                      AND (EXISTS (SELECT 1 FROM reservations r WHERE r.order_id = o.id)
                           OR EXISTS (SELECT 1 FROM order_allocations a WHERE a.order_id = o.id AND a.status NOT IN ('released', 'shipped')))
                    ORDER BY o.id LIMIT \(cap)
                    """)),
            Statement(
                SQL(
                    """
                    SELECT channel || ' ' || external_ref AS subject, CAST(COUNT(*) AS BIGINT) AS n FROM orders WHERE external_ref IS NOT NULL
                    GROUP BY channel, external_ref HAVING COUNT(*) > 1
                    UNION ALL
                    SELECT 'key ' || k.idempotency_key AS subject, CAST(0 AS BIGINT) AS n FROM idempotency_keys k
                    WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = k.order_id)
                    LIMIT \(cap)
                    """)),
            Statement(
                SQL(
                    """
                    SELECT substr(o.number, 4, 8) AS day, CAST(COUNT(*) AS BIGINT) AS n, CAST(COUNT(DISTINCT o.number) AS BIGINT) AS distinct_n,
                           CAST(MIN(CAST(substr(o.number, 13) AS BIGINT)) AS BIGINT) AS first, CAST(MAX(CAST(substr(o.number, 13) AS BIGINT)) AS BIGINT) AS last,
                           CAST(MAX(c.last_value) AS BIGINT) AS counter
                    FROM orders o LEFT JOIN order_number_counters c ON c.day = substr(o.number, 4, 8)
                    WHERE o.number LIKE 'SO-%'
                    GROUP BY substr(o.number, 4, 8) ORDER BY day
                    """)),
        ]
        for (_, events, topic) in messagePairs {
            statements.append(
                Statement(
                    SQL(
                        """
                        SELECT number, events, messages FROM (
                            SELECT o.number, o.id, CAST(\(events) AS BIGINT) AS events,
                                   CAST((SELECT COUNT(*) FROM outbox x WHERE x.aggregate = 'order' AND x.aggregate_id = o.id AND x.topic = $1) AS BIGINT) AS messages
                            FROM orders o) AS t
                        WHERE events <> messages ORDER BY id LIMIT \(cap)
                        """), [topic.rawValue]))
        }
        let results = try await engine.read(statements)
        var findings: [CheckFinding] = []
        var counts: [Invariant: Int] = [:]
        for invariant in Invariant.allCases { counts[invariant] = 0 }
        func found(_ invariant: Invariant, _ subject: String, _ detail: String) {
            counts[invariant, default: 0] += 1
            if counts[invariant, default: 0] <= limit { findings.append(CheckFinding(invariant, subject, detail)) }
        }
        func lot(_ row: SQLRow) throws -> String {
            let code = try row.text("lot_code")
            return "lot \(try row.int("id")) (\(try row.text("sku"))\(code.isEmpty ? "" : " " + code))"
        }
        for row in results[0] {
            found(.lotBounds, try lot(row), "on hand \(try row.int("on_hand")), reserved \(try row.int("reserved"))")
        }
        for row in results[1] {
            found(.reservedIsHeld, try lot(row), "reserved \(try row.int("reserved")), held by orders and transfers \(try row.int("held"))")
        }
        for row in results[2] {
            found(
                .ledgerReplays, try lot(row),
                "on hand \(try row.int("on_hand")) vs ledger \(try row.int("ledger_on_hand")), reserved \(try row.int("reserved")) vs ledger \(try row.int("ledger_reserved"))")
        }
        for row in results[3] {
            let wrong = try row.int("wrong_lines")
            found(
                .orderTotals, try row.text("number"),
                "total \(try row.int("total_minor")) vs lines \(try row.int("lines_minor"))" + (wrong > 0 ? ", \(wrong) line(s) with amount ≠ quantity × price" : ""))
        }
        struct Target: Decodable { var to: String? }
        for row in results[4] {
            let status = try row.text("status")
            let last = row.optionalText("data").flatMap { try? JSONDecoder().decode(Target.self, from: Data($0.utf8)).to }
            if last != status { found(.statusMatchesHistory, try row.text("number"), "status \(status), last recorded change to \(last ?? "nothing")") }
        }
        for row in results[5] {
            found(.noHoldsOnClosedOrders, try row.text("number"), "\(try row.text("status")) but still holds stock")
        }
        for row in results[6] {
            let n = try row.int("n")
            found(.uniqueIntake, try row.text("subject"), n > 0 ? "\(n) orders" : "names no order")
        }
        for row in results[7] {
            let day = try row.text("day")
            let n = try row.int("n"), distinct = try row.int("distinct_n"), first = try row.int("first"), last = try row.int("last")
            let counter = row.optionalInt("counter")
            if distinct != n { found(.orderNumbersContiguous, day, "\(n - distinct) duplicate number(s)") }
            if first != 1 || last != distinct { found(.orderNumbersContiguous, day, "numbers \(first)…\(last) for \(distinct) orders") }
            if counter != last { found(.orderNumbersContiguous, day, "counter at \(counter.map(String.init) ?? "nothing"), last number \(last)") }
        }
        for (index, pair) in messagePairs.enumerated() {
            for row in results[8 + index] {
                found(
                    .oneMessagePerEvent, try row.text("number"),
                    "\(try row.int("events")) \(pair.0) event(s), \(try row.int("messages")) \(pair.2.rawValue) message(s)")
            }
        }
        return CheckReport(findings: findings, counts: counts)
    }
}
