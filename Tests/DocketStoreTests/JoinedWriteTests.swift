import DocketCore
import Testing

@testable import DocketStore

/// On PostgreSQL a write's plain INSERTs into one table, written by separate effects, run as one multi-row INSERT
/// (one round trip) where nothing between them touches the table; every statement's rows still come back at its
/// own position.
@Suite("Joined INSERTs of a write")
struct JoinedWriteTests {
    @Test func insertsIntoOneTableAreJoinedAtTheLastOnesPlaceWithTheirBindsRenumbered() {
        let write = JoinedWrite([
            Statement("INSERT INTO orders (number) VALUES ($1) RETURNING id", ["SO-1"], expect: .rows(1)),
            Statement("INSERT INTO timers (kind, subject_id) VALUES ($1, $2)", ["deadline", Bind.result(statement: 0, column: "id")], expect: .rows(1)),
            Statement("UPDATE stock_lots SET reserved = reserved + $1 WHERE id = $2", [1, 7], expect: .rows(1)),
            Statement("INSERT INTO timers (kind, subject_id) VALUES ($1, $2)", ["reminder", Bind.result(statement: 0, column: "id")], expect: .rows(1)),
            Statement("INSERT INTO outbox (topic) VALUES ($1)", ["a"]),
            Statement("SELECT number FROM orders WHERE id = $1", [Bind.result(statement: 0, column: "id")]),
            Statement("INSERT INTO outbox (topic) VALUES ($1), ($2)", ["b", "c"]),
            // Written over two lines, as longer statements are.
            Statement("INSERT INTO audit_events (action)\nVALUES ($1)", ["received"], expect: .rows(1)),
            Statement("INSERT INTO audit_events (action)\nVALUES ($1)", ["passed"], expect: .rows(1)),
        ])
        #expect(write.statements.map(\.sql.postgres) == [
            "INSERT INTO orders (number) VALUES ($1) RETURNING id",
            "UPDATE stock_lots SET reserved = reserved + $1 WHERE id = $2",
            "INSERT INTO timers (kind, subject_id) VALUES ($1, $2), ($3, $4)",
            "SELECT number FROM orders WHERE id = $1",
            "INSERT INTO outbox (topic) VALUES ($1), ($2), ($3)",
            "INSERT INTO audit_events (action) VALUES ($1), ($2)",
        ])
        #expect(write.statements[2].binds == [
            .value(.text("deadline")), .result(statement: 0, column: "id"), .value(.text("reminder")), .result(statement: 0, column: "id"),
        ])
        #expect(write.statements[2].expect == .rows(2))
        #expect(write.statements[4].binds == ["a", "b", "c"].map { .value(.text($0)) })
        #expect(write.statements[4].expect == .any)
        #expect(write.statements[2].sql.sqlite == "INSERT INTO timers (kind, subject_id) VALUES (?1, ?2), (?3, ?4)")

        // Each given statement's rows at its own position: the joined ones return none.
        let row = SQLRow(columns: ColumnIndex(["id"]), values: [.integer(42)])
        let number = SQLRow(columns: ColumnIndex(["number"]), values: [.text("SO-1")])
        let expanded = write.results([[row], [], [], [number], [], []])
        #expect(expanded.count == 9)
        #expect(expanded.map(\.count) == [1, 0, 0, 0, 0, 1, 0, 0, 0])
        #expect(expanded[5].first?["number"] == .text("SO-1"))
    }

    @Test func aStatementNamingTheTableBetweenThemKeepsThemApart() {
        let statements = [
            Statement("INSERT INTO timers (kind) VALUES ($1)", ["a"], expect: .rows(1)),
            Statement("UPDATE timers SET done_at = $1 WHERE kind = $2", [1, "a"]),
            Statement("INSERT INTO timers (kind) VALUES ($1)", ["b"], expect: .rows(1)),
            // A subquery reading the table counts too, and so does a reference to a later one's result.
            Statement("INSERT INTO reservations (line_id) VALUES ((SELECT id FROM order_lines WHERE line_no = $1))", [1]),
            Statement("INSERT INTO order_lines (line_no) VALUES ($1)", [2]),
            Statement("INSERT INTO order_lines (line_no) VALUES ($1)", [3]),
        ]
        let write = JoinedWrite(statements)
        #expect(write.statements.map(\.sql.postgres) == [
            "INSERT INTO timers (kind) VALUES ($1)",
            "UPDATE timers SET done_at = $1 WHERE kind = $2",
            "INSERT INTO timers (kind) VALUES ($1)",
            "INSERT INTO reservations (line_id) VALUES ((SELECT id FROM order_lines WHERE line_no = $1))",
            "INSERT INTO order_lines (line_no) VALUES ($1), ($2)",
        ])
        // A name inside a longer one is not the table's.
        #expect(!JoinedWrite.names("INSERT INTO outbox_archive (x) VALUES ($1)", table: "outbox"))
        #expect(JoinedWrite.names("DELETE FROM outbox WHERE id = $1", table: "outbox"))
        #expect(JoinedWrite.names("SELECT 1 FROM \"outbox\"", table: "outbox"), "quoted, it is still the table")
    }

    @Test func insertsThatReturnOrResolveConflictsOrGuardDifferentlyStayAlone() {
        let write = JoinedWrite([
            Statement("INSERT INTO t (a) VALUES ($1) RETURNING id", [1], expect: .rows(1)),
            Statement("INSERT INTO t (a) VALUES ($1) RETURNING id", [2], expect: .rows(1)),
            Statement("INSERT INTO c (day) VALUES ($1) ON CONFLICT (day) DO NOTHING", ["x"]),
            Statement("INSERT INTO c (day) VALUES ($1) ON CONFLICT (day) DO NOTHING", ["y"]),
            Statement("INSERT INTO u (a) SELECT a FROM v WHERE b = $1", [1]),
            Statement("INSERT INTO u (a) SELECT a FROM v WHERE b = $1", [2]),
            Statement("INSERT INTO w (a) VALUES ($1)", [1], expect: .rows(1)),
            Statement("INSERT INTO w (a) VALUES ($1)", [2], expect: .any),
            Statement("INSERT INTO n (a) VALUES ($1)", [1], cached: false),
            Statement("INSERT INTO n (a) VALUES ($1)", [2], cached: false),
        ])
        #expect(write.statements.count == 10)
        #expect(write.results(Array(repeating: [], count: 10)).count == 10)
    }

    /// PostgreSQL joins the INSERTs (SQLite runs them one by one): on both, every row is inserted, in order, each
    /// statement is answered at its place, and a failure rolls the whole write back.
    @Test(arguments: Engine.available)
    func theEnginesRunTheJoinedWriteAndAnswerEachStatement(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            _ = try await store.engine.write(Statement("CREATE TABLE jw_parent (id BIGINT PRIMARY KEY, note TEXT NOT NULL)", cached: false))
            _ = try await store.engine.write(Statement("CREATE TABLE jw_child (parent_id BIGINT NOT NULL, note TEXT NOT NULL)", cached: false))
            let results = try await store.engine.write([
                Statement("INSERT INTO jw_parent (id, note) VALUES ($1, $2) RETURNING id", [1, "p"], expect: .rows(1)),
                Statement("INSERT INTO jw_child (parent_id, note) VALUES ($1, $2)", [Bind.result(statement: 0, column: "id"), "first"], expect: .rows(1)),
                Statement("UPDATE jw_parent SET note = $1 WHERE id = $2 RETURNING note", ["q", 1], expect: .rows(1)),
                Statement("INSERT INTO jw_child (parent_id, note) VALUES ($1, $2)", [Bind.result(statement: 0, column: "id"), "second"], expect: .rows(1)),
                Statement("SELECT note FROM jw_parent WHERE id = $1", [Bind.result(statement: 0, column: "id")]),
            ])
            #expect(results.map(\.count) == [1, 0, 1, 0, 1])
            #expect(results[2].first?["note"] == .text("q"))
            #expect(results[4].first?["note"] == .text("q"))
            let children = try await store.engine.read(Statement("SELECT note FROM jw_child ORDER BY note"))
            #expect(try children.map { try $0.text("note") } == ["first", "second"])

            // A joined INSERT that fails rolls the whole write back, as the separate ones would have.
            await #expect(throws: StoreError.self) {
                _ = try await store.engine.write([
                    Statement("INSERT INTO jw_child (parent_id, note) VALUES ($1, $2)", [2, "kept?"], expect: .rows(1)),
                    Statement("UPDATE jw_parent SET note = $1 WHERE id = $2", ["r", 1], expect: .rows(1)),
                    Statement("INSERT INTO jw_child (parent_id, note) VALUES ($1, $2)", [2, SQLValue.null], expect: .rows(1)),
                ])
            }
            #expect(try await store.engine.read(Statement("SELECT note FROM jw_parent")).map { try $0.text("note") } == ["q"])
            #expect(try await store.engine.read(Statement("SELECT note FROM jw_child")).count == 2)
        }
    }
}
