import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// On PostgreSQL a write runs as one statement of data-modifying WITH queries (one round trip) where that cannot
/// change what it does; every statement's rows still come back at its own position and every guard still holds.
@Suite("Writes and reads as one statement")
struct FusedWriteTests {
    /// An order, its lines, a reservation finding a line's id by reading the lines inserted just before, and a
    /// message naming the order's number: the shape of a place-order write.
    static let placement: [Statement] = [
        Statement("INSERT INTO fw_orders (number) VALUES ($1) RETURNING id, number", ["SO-1"], expect: .rows(1), label: "orders"),
        Statement(
            "INSERT INTO fw_lines (order_id, line_no, sku) VALUES ($1, 1, $2), ($1, 2, $3)",
            [Bind.result(statement: 0, column: "id"), "A", "B"], expect: .rows(2), label: "lines"),
        Statement(
            "UPDATE fw_lots SET reserved = reserved + $1 WHERE id = $2 AND on_hand - reserved >= $1", [3, 7], expect: .rows(1),
            label: "lots"),
        Statement(
            "INSERT INTO fw_reservations (order_id, line_id, quantity) VALUES ($1, (SELECT id FROM fw_lines WHERE order_id = $1 AND line_no = $2), $3)",
            [Bind.result(statement: 0, column: "id"), 2, 3], expect: .rows(1), label: "reservations"),
        Statement(
            "INSERT INTO fw_outbox (payload) VALUES ('order ' || $1)", [Bind.result(statement: 0, column: "number")], label: "outbox"),
    ]

    @Test func aWriteBecomesOneStatementOfWithQueries() throws {
        let fused = try #require(FusedWrite(Self.placement))
        let lines = "(SELECT * FROM fw_lines UNION ALL SELECT * FROM s1) AS fw_lines"
        #expect(fused.statement.sql.postgres == [
            "WITH s0 AS (INSERT INTO fw_orders (number) VALUES ($1) RETURNING id, number), ",
            "s1 AS (INSERT INTO fw_lines (order_id, line_no, sku) VALUES ((SELECT \"id\" FROM s0 LIMIT 1), 1, $2), ",
            "((SELECT \"id\" FROM s0 LIMIT 1), 2, $3) RETURNING *), ",
            "s2 AS (UPDATE fw_lots SET reserved = reserved + $4 WHERE id = $5 AND on_hand - reserved >= $4 RETURNING 1), ",
            "s3 AS (INSERT INTO fw_reservations (order_id, line_id, quantity) VALUES ((SELECT \"id\" FROM s0 LIMIT 1), ",
            "(SELECT id FROM \(lines) WHERE order_id = (SELECT \"id\" FROM s0 LIMIT 1) AND line_no = $6), $7) RETURNING 1), ",
            "s4 AS (INSERT INTO fw_outbox (payload) VALUES ('order ' || (SELECT \"number\" FROM s0 LIMIT 1))) ",
            "SELECT CASE",
            " WHEN (SELECT count(*) FROM s0) <> 1 THEN CAST('docket guard 0 ' || (SELECT count(*) FROM s0) AS INTEGER)",
            " WHEN (SELECT count(*) FROM s1) <> 2 THEN CAST('docket guard 1 ' || (SELECT count(*) FROM s1) AS INTEGER)",
            " WHEN (SELECT count(*) FROM s2) <> 1 THEN CAST('docket guard 2 ' || (SELECT count(*) FROM s2) AS INTEGER)",
            " WHEN (SELECT count(*) FROM s3) <> 1 THEN CAST('docket guard 3 ' || (SELECT count(*) FROM s3) AS INTEGER)",
            " ELSE 0 END AS docket_guard, (SELECT CAST(json_agg(s0) AS TEXT) FROM s0) AS r0",
        ].joined())
        // Values once each, in order of first use; a placeholder used twice in a statement stays one.
        #expect(fused.statement.binds == [.value(.text("SO-1")), .value(.text("A")), .value(.text("B")), .value(.integer(3)),
                                          .value(.integer(7)), .value(.integer(2)), .value(.integer(3))])

        // The answer's row gives each statement its rows: only the order's INSERT returns any.
        let answer = SQLRow(columns: ColumnIndex(["docket_guard", "r0"]), values: [.integer(0), .text(#"[{"id":42,"number":"SO-1"}]"#)])
        let results = try fused.results([answer])
        #expect(results.map(\.count) == [1, 0, 0, 0, 0])
        #expect(results[0][0]["id"] == .integer(42))
        #expect(results[0][0]["number"] == .text("SO-1"))

        #expect(FusedWrite.failedStatement(#"invalid input syntax for type integer: "docket guard 3 0""#) == 3)
        #expect(FusedWrite.failedStatement(#"invalid input syntax for type integer: "abc""#) == nil)
        #expect(fused.label(2) == "lots")
        #expect(fused.label(5) == nil)
    }

    @Test func writesWhoseStatementsMustSeeEachOthersChangesRunOneByOne() {
        let order = Statement("INSERT INTO fw_orders (number) VALUES ($1) RETURNING id", ["SO-1"], expect: .rows(1))
        let refused: [[Statement]] = [
            // One statement: nothing to save.
            [order],
            // A query, or a statement of its own WITH.
            [Statement("SELECT on_hand FROM fw_lots WHERE id = $1", [7]), order],
            [Statement("WITH c AS (SELECT 1) INSERT INTO fw_outbox (payload) SELECT 'x' FROM c"), order],
            // Rows inserted, then deleted (`DELETE FROM t WHERE` is not a read of them) or updated: neither would see them.
            [order, Statement("DELETE FROM fw_orders WHERE id = $1", [Bind.result(statement: 0, column: "id")])],
            // A row inserted, then updated: the update would not see it.
            [order, Statement("UPDATE fw_orders SET number = $1 WHERE id = $2", ["SO-2", Bind.result(statement: 0, column: "id")])],
            // Rows deleted, then inserted again: the insert would meet the deleted ones.
            [Statement("DELETE FROM fw_lines WHERE order_id = $1", [1]), Statement("INSERT INTO fw_lines (order_id, line_no) VALUES ($1, 1)", [1])],
            // A table updated, then read.
            [Statement("UPDATE fw_lots SET reserved = 1 WHERE id = $1", [7]),
             Statement("INSERT INTO fw_outbox (payload) VALUES ((SELECT CAST(reserved AS TEXT) FROM fw_lots WHERE id = $1))", [7])],
            // Inserted rows read any other way than `FROM t WHERE`, or met by an upsert.
            [order, Statement("INSERT INTO fw_outbox (payload) SELECT number FROM fw_orders JOIN fw_lines ON true")],
            [order, Statement("INSERT INTO fw_orders (number) VALUES ($1) ON CONFLICT (number) DO NOTHING", ["SO-1"])],
            // Two INSERTs into one table (JoinedWrite joins those it can): their ids would follow the order the
            // statement runs them in — the guarded one first — not the write's.
            [Statement("INSERT INTO fw_outbox (payload) VALUES ($1)", ["first"]),
             Statement("INSERT INTO fw_outbox (payload) VALUES ($1)", ["second"], expect: .rows(1))],
            // A reference to rows a statement does not return.
            [Statement("INSERT INTO fw_outbox (payload) VALUES ($1)", ["x"]),
             Statement("INSERT INTO fw_lines (order_id, line_no) VALUES ($1, 1)", [Bind.result(statement: 0, column: "id")])],
            // Rows read by a later statement and returned in part.
            [order, Statement("INSERT INTO fw_outbox (payload) VALUES ((SELECT number FROM fw_orders WHERE id = $1))", [Bind.result(statement: 0, column: "id")])],
        ]
        for write in refused {
            #expect(FusedWrite(write) == nil, "\(write.map(\.sql.postgres))")
        }
        // More values than one PostgreSQL statement binds (65,535): run as given, and not joined either.
        let half = Array(repeating: 1, count: 40_000).map { $0 as any SQLBindable }
        let values = "(" + (1...40_000).map { "$\($0)" }.joined(separator: "), (") + ")"
        let large = [
            Statement(SQL("INSERT INTO fw_outbox (payload) VALUES \(values)"), half),
            Statement(SQL("INSERT INTO fw_lines (line_no) VALUES \(values)"), half),
        ]
        #expect(FusedWrite(large) == nil)
        #expect(FusedRead([Statement(SQL("SELECT 1 AS one WHERE 1 IN \(values)"), half), Statement(SQL("SELECT 2 AS two WHERE 1 IN \(values)"), half)]) == nil)
        #expect(JoinedWrite([large[0], large[0]]).statements.count == 2)
        #expect(FusedWrite([large[0], Statement("INSERT INTO fw_lines (line_no) VALUES ($1)", [1])]) != nil)
        // An UPDATE reading a table inserted into later is fine.
        #expect(FusedWrite([
            Statement("UPDATE fw_lots SET reserved = (SELECT count(*) FROM fw_lines) WHERE id = $1", [7]),
            Statement("INSERT INTO fw_lines (order_id, line_no) VALUES ($1, 1)", [1]),
        ]) != nil)
    }

    @Test func rowsAggregatedAsJSONReadBackAsTheEngineReadsThem() throws {
        let rows = try JSONRows.parse(#"""
            [{"id":9007199254740993,"ratio":1.5,"big":1e3,"neg":-4,"yes":true,"no":false,"none":null,"text":"a \"q\" \\ \/ \n\t 订单 \u8ba2 \ud83d\ude00","nested":{"a":[1,"}"]}}, 
             {"id":2,"ratio":0,"big":0,"neg":0,"yes":false,"no":true,"none":"x","text":"","nested":[]}]
            """#)
        #expect(rows.count == 2)
        #expect(rows[0]["id"] == .integer(9_007_199_254_740_993))  // beyond a Double's exact integers
        #expect(rows[0]["ratio"] == .real(1.5))
        #expect(rows[0]["big"] == .real(1000))
        #expect(rows[0]["neg"] == .integer(-4))
        #expect(rows[0]["yes"] == .bool(true))
        #expect(rows[0]["no"] == .bool(false))
        #expect(rows[0]["none"] == .null)
        #expect(rows[0]["text"] == .text("a \"q\" \\ / \n\t 订单 订 😀"))
        #expect(rows[0]["nested"] == .text(#"{"a":[1,"}"]}"#))
        #expect(rows[1]["none"] == .text("x"))
        #expect(rows[1]["nested"] == .text("[]"))
        #expect(try JSONRows.parse("[]").isEmpty)
        for malformed in ["", "[", "[{]", #"[{"a":}]"#, #"[{"a":1]"#, #"[{"a":"\ud83d"}]"#, #"[{"a":tru}]"#] {
            #expect(throws: JSONRows.Malformed.self) { try JSONRows.parse(malformed) }
        }
    }

    /// PostgreSQL runs the write above as one statement, SQLite statement by statement: on both the rows land, each
    /// statement answers at its place, a guard that fails names its statement and rolls the whole write back, and a
    /// refused row is the same refusal.
    @Test(arguments: Engine.available)
    func theEnginesRunTheWriteAlikeAndAGuardThatFailsUndoesIt(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            for ddl in [
                "CREATE TABLE fw_orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, number TEXT NOT NULL UNIQUE)",
                "CREATE TABLE fw_lines (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES fw_orders (id), line_no BIGINT NOT NULL, sku TEXT)",
                "CREATE TABLE fw_lots (id BIGINT PRIMARY KEY, on_hand BIGINT NOT NULL, reserved BIGINT NOT NULL)",
                "CREATE TABLE fw_reservations (order_id BIGINT NOT NULL REFERENCES fw_orders (id), line_id BIGINT NOT NULL REFERENCES fw_lines (id), quantity BIGINT NOT NULL)",
                "CREATE TABLE fw_outbox (payload TEXT NOT NULL)",
                "INSERT INTO fw_lots (id, on_hand, reserved) VALUES (7, 5, 0)",
            ] {
                let text = engine == .sqlite ? ddl.replacingOccurrences(of: "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", with: "INTEGER PRIMARY KEY") : ddl
                _ = try await store.engine.write(Statement(SQL(text), cached: false))
            }
            let results = try await store.engine.write(Self.placement)
            #expect(results.map(\.count) == [1, 0, 0, 0, 0])
            let orderID = try results[0][0].int("id")
            #expect(try results[0][0].text("number") == "SO-1")
            let reservation = try await store.engine.read(Statement(
                "SELECT r.order_id, l.line_no, l.sku, r.quantity FROM fw_reservations r JOIN fw_lines l ON l.id = r.line_id"))
            #expect(reservation.count == 1)
            #expect(try reservation.first?.int("order_id") == orderID)
            #expect(try reservation.first?.text("sku") == "B")
            #expect(try await store.engine.read(Statement("SELECT payload FROM fw_outbox")).map { try $0.text("payload") } == ["order SO-1"])

            // Only 2 of the lot's 5 are left: the reservation's guard fails, and nothing of the write is kept.
            var second = Self.placement
            second[0].binds = [.value(.text("SO-2"))]
            await #expect(throws: StoreError.guardFailed(label: "lots")) { _ = try await store.engine.write(second) }
            // The same order number again: the unique index refuses it, named as it is without fusing.
            await #expect(throws: StoreError.uniqueViolation(table: "fw_orders", columns: ["number"])) {
                _ = try await store.engine.write(Self.placement)
            }
            #expect(try await store.engine.read(Statement("SELECT count(*) AS n FROM fw_orders"))[0].int("n") == 1)
            #expect(try await store.engine.read(Statement("SELECT count(*) AS n FROM fw_lines"))[0].int("n") == 2)
            #expect(try await store.engine.read(Statement("SELECT reserved FROM fw_lots"))[0].int("reserved") == 3)
            #expect(try await store.engine.read(Statement("SELECT count(*) AS n FROM fw_outbox"))[0].int("n") == 1)

            // The guard's failure leaves the statement prepared and usable: the next write of its shape runs.
            _ = try await store.engine.write(Statement("UPDATE fw_lots SET on_hand = 100", cached: false))
            second[0].binds = [.value(.text("SO-3"))]
            let third = try await store.engine.write(second)
            #expect(try third[0][0].text("number") == "SO-3")
        }
    }

    @Test func aReadOfSeveralQueriesBecomesOneStatement() throws {
        let read = try #require(FusedRead([
            Statement("SELECT revision FROM master_revision WHERE id = 1"),
            Statement("SELECT id, sku FROM products WHERE sku IN ($1, $2) ORDER BY sku DESC", ["A", "B"]),
            Statement("SELECT order_id FROM idempotency_keys WHERE idempotency_key = $1", ["k"]),
        ]))
        #expect(read.statement.sql.postgres == [
            "SELECT (SELECT CAST(json_agg(q) AS TEXT) FROM (SELECT revision FROM master_revision WHERE id = 1) AS q) AS r0, ",
            "(SELECT CAST(json_agg(q) AS TEXT) FROM (SELECT id, sku FROM products WHERE sku IN ($1, $2) ORDER BY sku DESC) AS q) AS r1, ",
            "(SELECT CAST(json_agg(q) AS TEXT) FROM (SELECT order_id FROM idempotency_keys WHERE idempotency_key = $3) AS q) AS r2",
        ].joined())
        #expect(read.statement.binds == ["A", "B", "k"].map { .value(.text($0)) })
        let answer = SQLRow(columns: ColumnIndex(["r0", "r1", "r2"]), values: [.text(#"[{"revision":4}]"#), .text(#"[{"id":2,"sku":"B"}, {"id":1,"sku":"A"}]"#), .null])
        let results = try read.results([answer])
        #expect(results.map(\.count) == [1, 2, 0])
        #expect(results[1].map { $0["sku"] } == [.text("B"), .text("A")])
        // One query; a change; a reference to another statement's rows: read as before.
        #expect(FusedRead([Statement("SELECT 1 AS one")]) == nil)
        #expect(FusedRead([Statement("SELECT 1 AS one"), Statement("UPDATE fw_lots SET reserved = 0")]) == nil)
        #expect(FusedRead([Statement("SELECT 1 AS one"), Statement("SELECT $1 AS x", [Bind.result(statement: 0, column: "one")])]) == nil)
    }

    /// A read of several queries answers alike on both engines: each query's rows in its order, types as read alone.
    @Test(arguments: Engine.available)
    func theEnginesReadSeveralQueriesAlike(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            _ = try await store.engine.write(Statement("CREATE TABLE fr_rows (id BIGINT PRIMARY KEY, name TEXT, flag BOOLEAN, ratio DOUBLE PRECISION)", cached: false))
            _ = try await store.engine.write(Statement(
                "INSERT INTO fr_rows (id, name, flag, ratio) VALUES (1, $1, TRUE, 1.5), (2, $2, FALSE, 2), (3, NULL, NULL, NULL)",
                ["订单 \"一\"\n", "b"]))
            let queries = [
                Statement("SELECT id, name, flag, ratio FROM fr_rows ORDER BY id DESC"),
                Statement("SELECT id FROM fr_rows WHERE name = $1", ["none"]),
                Statement("SELECT CAST(COUNT(*) AS BIGINT) AS n, MAX(name) AS top FROM fr_rows WHERE id > $1", [1]),
            ]
            let together = try await store.engine.read(queries)
            var alone: [[SQLRow]] = []
            for query in queries { alone.append(try await store.engine.read(query)) }
            #expect(together.map(\.count) == [3, 0, 1])
            #expect(try together[0].map { try $0.int("id") } == [3, 2, 1])
            #expect(together[0][2]["name"] == .text("订单 \"一\"\n"))
            #expect(try together[0][2].bool("flag") == true)
            #expect(together[0][2].optionalDouble("ratio") == 1.5)
            #expect(together[0][1].optionalDouble("ratio") == 2)
            #expect(together[0][0]["name"] == .null)
            #expect(try together[2][0].int("n") == 2)
            for (a, b) in zip(together, alone) {
                #expect(a.count == b.count)
                for (x, y) in zip(a, b) {
                    #expect(x.columns.names == y.columns.names)
                    #expect(x.optionalText("name") == y.optionalText("name"))
                    #expect(x.optionalInt("id") == y.optionalInt("id"))
                }
            }
        }
    }
}
