import DocketCore
import Foundation
import Logging

/// A timer claimed by one worker: its lease says until when nobody else may take it.
public struct DueTimer: Sendable, Hashable {
    public var id: Int64
    public var kind: TimerKind
    /// What the timer is about: the kind of record and its id (an order, for now).
    public var subject: EntityKind
    public var subjectID: Int64
    public var dueAt: Timestamp
    public var owner: String
    public var leaseUntil: Timestamp
}

/// A timer as kept, for the order page and tests.
public struct TimerRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var kind: TimerKind
    public var dueAt: Timestamp
    public var doneAt: Timestamp?
    public var outcome: TimerOutcome?
    public var attempts: Int64
}

extension Store {
    /// Leases up to `limit` rows of a work table (timers, outbox) that are `pending` ($3 is now) to `owner`: rows
    /// not leased, or whose lease ran out (their worker died). The guard is repeated in the UPDATE, so two
    /// workers claiming at once never get the same row.
    static func claim(
        _ table: String, pending: String, order: String, returning: String, owner: String, leaseUntil: Timestamp, now: Timestamp,
        limit: Int
    ) -> Statement {
        // On PostgreSQL a claimer skips the rows another claimer is taking at this moment (SKIP LOCKED) and takes the
        // next ones, instead of waiting for them and coming back empty; SQLite runs one write at a time anyway.
        // PostgreSQL may run an `IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` subquery more than once while it
        // updates (a semi-join rescanned), each run skipping the rows the last one locked, and so claim more than n
        // rows: `= ANY(ARRAY(…))` runs it once.
        let text = { (open: String, close: String, lock: String) in
            """
            UPDATE \(table) SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
            WHERE id \(open)SELECT id FROM \(table) WHERE \(pending) AND (lease_until IS NULL OR lease_until < $3) ORDER BY \(order) LIMIT $4\(lock)\(close)
              AND \(pending) AND (lease_until IS NULL OR lease_until < $3)
            RETURNING \(returning)
            """
        }
        return Statement(
            SQL(postgres: text("= ANY(ARRAY(", "))", " FOR UPDATE SKIP LOCKED"), sqlite: text("IN (", ")", "")), [owner, leaseUntil, now, limit])
    }

    static func timers(_ orderID: ID<Order>) -> Statement {
        Statement("SELECT * FROM timers WHERE subject = 'order' AND subject_id = $1 ORDER BY id", [orderID])
    }

    static func timerRecord(_ row: SQLRow) throws -> TimerRecord {
        guard let kind = TimerKind(rawValue: try row.text("kind")) else { throw StoreError.decoding(column: "kind") }
        return TimerRecord(
            id: try row.int("id"), kind: kind, dueAt: try row.timestamp("due_at"),
            doneAt: row.optionalInt("done_at").map { Timestamp(millisecondsSince1970: $0) }, outcome: row.optionalText("outcome").flatMap(TimerOutcome.init(rawValue:)),
            attempts: try row.int("attempts"))
    }
}

extension TimerRepository {

    /// Takes up to `limit` due timers for `owner` for `leaseMilliseconds`. A timer whose lease ran out (its worker
    /// died) can be taken by another worker; the guard in the same statement makes two claims exclusive.
    public func claimDueTimers(owner: String, limit: Int = 20, leaseMilliseconds: Int64 = 60_000) async throws -> [DueTimer] {
        let now = clock.now()
        let rows = try await engine.write(
            Store.claim(
                "timers", pending: "done_at IS NULL AND due_at <= $3", order: "due_at, id",
                returning: "id, kind, subject, subject_id, due_at, lease_until", owner: owner,
                leaseUntil: now.adding(milliseconds: leaseMilliseconds), now: now, limit: limit))
        return try rows.map { row in
            guard let kind = TimerKind(rawValue: try row.text("kind")) else { throw StoreError.decoding(column: "kind") }
            guard let subject = EntityKind(rawValue: try row.text("subject")) else { throw StoreError.decoding(column: "subject") }
            return DueTimer(
                id: try row.int("id"), kind: kind, subject: subject, subjectID: try row.int("subject_id"), dueAt: try row.timestamp("due_at"),
                owner: owner, leaseUntil: try row.timestamp("lease_until"))
        }.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
    }

    /// Runs one claimed timer: Core decides what it does (`OrderWorkflow.onTimer`). Its effect and marking it
    /// done are one transaction, guarded by the lease: a worker that lost its lease to another changes nothing, so
    /// a timer never acts twice.
    @discardableResult
    public func fire(_ timer: DueTimer) async throws -> TimerOutcome {
        let actor = Actor(.system, "timer")
        let markDone = { (outcome: TimerOutcome, now: Timestamp) in
            Statement(
                "UPDATE timers SET done_at = $3, outcome = $4 WHERE id = $1 AND lease_owner = $2 AND done_at IS NULL",
                [timer.id, timer.owner, now, outcome.rawValue], expect: .rows(1), label: "timers.lease")
        }
        if timer.subject == .product && timer.kind == .serveWaiting {
            return try await serveWaiting(timer, markDone: markDone, by: actor)
        }
        if timer.subject == .productionOrder && timer.kind == .milestoneCheck {
            do {
                return try await store.production.checkMilestones(ID(timer.subjectID)) { markDone($0, clock.now()) }
            } catch StoreError.guardFailed(let label) where label == "timers.lease" {
                return .leaseLost
            }
        }
        guard timer.subject == .order else { throw StoreError.decoding(column: "subject") }
        if timer.kind == .serviceLevel {
            do {
                return try await store.serviceLevels.check(orderID: ID(timer.subjectID), due: timer.dueAt, markDone: markDone)
            } catch StoreError.guardFailed(let label) where label == "timers.lease" {
                return .leaseLost
            }
        }
        let order = try await store.orders.order(id: ID(timer.subjectID))
        do {
            switch OrderWorkflow.onTimer(timer.kind, state: order.state, policy: policy) {
            case .skip:
                _ = try await engine.write(markDone(.skipped, clock.now()))
                return .skipped
            case .remind(let effects):
                let now = clock.now()
                _ = try await engine.write(
                    [markDone(.reminded, now), audit("confirmation_reminder", .order, id: order.id, by: actor, at: now)]
                        + (try store.orders.statements(for: effects, orderID: order.id, message: OrderMessage(order), at: now)))
                return .reminded
            case .release(let effects):
                // The order stays where it is; only its soft reservation goes (guarded by the order's version, so a
                // confirmation at the same moment wins and this timer is run again on what the order is then).
                let now = clock.now()
                _ = try await engine.write(
                    [
                        markDone(.released, now), Store.touch(order, at: now),
                        audit("reservation_expired", .order, id: order.id, by: actor, at: now),
                    ]
                        + (try store.orders.statements(
                            for: effects, orderID: order.id, message: OrderMessage(order), at: now, stock: StockWork(input: nil, actor: actor))))
                return .released
            case .replan:
                // Idempotent: run again after a crash, it plans the same.
                _ = try await store.orders.reallocate(orderID: order.id, by: actor)
                _ = try await engine.write(markDone(.replanned, clock.now()))
                return .replanned
            case .act(let action, let reason, let outcome):
                _ = try await store.orders.transition(orderID: order.id, action, reason: reason, by: actor, read: order) { _, _, now, _ in
                    [markDone(outcome, now)]
                }
                return outcome
            }
        } catch StoreError.guardFailed(let label) where label == "timers.lease" {
            return .leaseLost
        }
    }

    /// A product's `serve_waiting` timer: done first (under the lease), with a standby due a minute later in the same
    /// write — stock arriving while this one serves brings the standby forward, and a crash while serving leaves the
    /// standby to do it; served, the standby is stood down unless something moved it since.
    private func serveWaiting(_ timer: DueTimer, markDone: (TimerOutcome, Timestamp) -> Statement, by actor: Actor) async throws -> TimerOutcome {
        let now = clock.now()
        let standby = now.adding(milliseconds: 60_000)
        do {
            _ = try await engine.write([markDone(.served, now), Store.serveWaitingTimer(productID: timer.subjectID, due: standby, at: now)])
        } catch StoreError.guardFailed(let label) where label == "timers.lease" {
            return .leaseLost
        }
        try await store.orders.serveWaiting(productID: timer.subjectID, by: actor)
        _ = try await engine.write(
            Statement(
                """
                UPDATE timers SET done_at = $3, outcome = 'cancelled'
                WHERE kind = 'serve_waiting' AND subject = 'product' AND subject_id = $1 AND done_at IS NULL AND due_at = $2
                  AND lease_owner IS NULL
                """, [timer.subjectID, standby, now]))
        return .served
    }

    /// Claims and runs everything due; errors are kept on the timer, which is retried when its lease runs out.
    @discardableResult
    public func runDueTimers(owner: String, limit: Int = 20) async throws -> [TimerOutcome] {
        var outcomes: [TimerOutcome] = []
        for timer in try await claimDueTimers(owner: owner, limit: limit) {
            do {
                outcomes.append(try await fire(timer))
            } catch {
                logger.error("docket.timer.failed", metadata: ["docket.timer": "\(timer.id)", "error": "\(error)"])
                _ = try? await engine.write(
                    Statement("UPDATE timers SET last_error = $2 WHERE id = $1", [timer.id, String(describing: error).prefix(500).description]))
                outcomes.append(.failed)
            }
        }
        return outcomes
    }

    public func list(orderID: ID<Order>) async throws -> [TimerRecord] {
        try await engine.read(Store.timers(orderID)).map(Store.timerRecord)
    }
}

/// What housekeeping removed.
public struct Housekeeping: Sendable, Hashable {
    public var loginAttempts: Int
    public var idempotencyKeys: Int
    public var sessions: Int

    public init(loginAttempts: Int, idempotencyKeys: Int, sessions: Int) {
        self.loginAttempts = loginAttempts
        self.idempotencyKeys = idempotencyKeys
        self.sessions = sessions
    }
}

extension Store {
    /// Idempotency keys are kept this long (at least the 24 h clients may retry within).
    public static let idempotencyKeyDays = 7
}

extension TimerRepository {

    /// Removes what is no longer needed: sign-in attempts older than a day (throttling looks back 15 minutes),
    /// idempotency keys older than `idempotencyKeyDays`, and sessions past their absolute lifetime. The timer worker
    /// runs it every hour; running it on several nodes at once is harmless.
    @discardableResult
    public func houseKeep() async throws -> Housekeeping {
        let now = clock.now()
        let removed = try await engine.write([
            Statement("DELETE FROM login_attempts WHERE occurred_at < $1 RETURNING id", [now.adding(days: -1)]),
            Statement(
                "DELETE FROM idempotency_keys WHERE created_at < $1 RETURNING order_id", [now.adding(days: -Store.idempotencyKeyDays)]),
            Statement("DELETE FROM sessions WHERE expires_at < $1 RETURNING id", [now.adding(days: -1)]),
            // Throttle lock rows of accounts and addresses not tried for a day.
            Statement("DELETE FROM login_throttles WHERE touched_at < $1", [now.adding(days: -1)]),
        ])
        return Housekeeping(loginAttempts: removed[0].count, idempotencyKeys: removed[1].count, sessions: removed[2].count)
    }
}
