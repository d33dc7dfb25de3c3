import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// Lists at scale (issue 11): a list of tens of thousands of orders counts only `Page.countAhead` past the page
/// and says "more than"; a customer's history pages newest first.
@Suite("Lists at scale on both stores", .serialized)
struct ScaleConformanceTests {
    @Test(arguments: Engine.available)
    func aLongListCountsOnlyAheadOfThePage(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            try await allocationSetup(store)
            let first = try await store.orders.submitOrder(completeDraft(), idempotencyKey: "scale-1", by: clerk).order
            // 10,049 more orders like it, one a minute later than the one before (raw SQL: a bulk load).
            let copies: Int64 = 10_049
            _ = try await store.engine.write(
                Statement(
                    """
                    WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < $2)
                    INSERT INTO orders (number, channel, customer_code, customer_id, type, urgent, status, total_minor, currency,
                                        problems, received_at, version, updated_at, payment_method, revision)
                    SELECT o.number || '-' || CAST(n.i AS TEXT), o.channel, o.customer_code, o.customer_id, o.type, o.urgent, 'cancelled',
                           0, o.currency, '[]', o.received_at + n.i * 60000, 1, o.updated_at, o.payment_method, 1
                    FROM orders o CROSS JOIN n WHERE o.id = $1
                    """, [first.id, copies], expect: .rows(Int(copies))))
            let all = Int(copies) + 1

            let opening = try await store.orders.list(OrderFilter(limit: 50))
            #expect(opening.items.count == 50)
            #expect(opening.total == Page<StoredOrder>.countAhead && opening.totalCapped, "counted to \(opening.total)")
            #expect(opening.items.first?.number == first.number + "-\(copies)", "newest first")

            // Near the end the count is exact again.
            let last = try await store.orders.list(OrderFilter(limit: 50, offset: 10_000))
            #expect(last.total == all && !last.totalCapped)
            #expect(last.items.count == all - 10_000)

            let history = try await store.orders.list(OrderFilter(customerCode: first.customerCode, limit: 20))
            #expect(history.items.map(\.number) == (0..<20).map { first.number + "-\(copies - Int64($0))" })
            #expect(history.totalCapped)

            let waiting = try await store.orders.list(OrderFilter(statuses: [first.status], limit: 20))
            #expect(waiting.total == 1 && !waiting.totalCapped && waiting.items.map(\.id) == [first.id])
        }
    }
}

/// Many rows in one INSERT: each row's placeholders numbered after the rows before it.
@Suite struct MultiRowInsertTests {
    @Test func eachRowNumbersItsBindsAfterThePreviousRows() {
        #expect(Statement.renumbered("($1, 'order:' || CAST($2 AS TEXT), $10)", from: 0) == "($1, 'order:' || CAST($2 AS TEXT), $10)")
        #expect(Statement.renumbered("($1, 'order:' || CAST($2 AS TEXT), $10)", from: 12) == "($13, 'order:' || CAST($14 AS TEXT), $22)")
        let statement = Statement.insert("INSERT INTO t (a, b)", row: "($1, $2 + 1)", rows: [[1, "x"], [2, "y"], [3, "z"]], label: "t")
        #expect(statement.sql.postgres == "INSERT INTO t (a, b) VALUES ($1, $2 + 1), ($3, $4 + 1), ($5, $6 + 1)")
        #expect(statement.binds.count == 6)
        if case .rows(let n) = statement.expect { #expect(n == 3) } else { Issue.record("expects 3 rows") }
    }
}
