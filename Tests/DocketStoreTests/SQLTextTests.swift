import Testing

@testable import DocketStore

/// Statements are written once, in PostgreSQL's `$n` placeholders; SQLite gets `?n` (same numbers, so a value used
/// twice is bound once). Text values never reach either engine with a NUL byte.
@Suite("SQL text for both engines")
struct SQLTextTests {
    @Test func placeholdersBecomeNumberedQuestionMarksAndNothingElseChanges() {
        #expect(SQL("SELECT * FROM t WHERE a = $1 AND b IN ($2, $12) OR c = $1").sqlite
            == "SELECT * FROM t WHERE a = ?1 AND b IN (?2, ?12) OR c = ?1")
        // A dollar not followed by a digit, and text around placeholders in any script, stay as they are.
        #expect(SQL("SELECT '$' || name AS \"价格$\" FROM 客户 WHERE 名称 = $1 AND x = '$a'").sqlite
            == "SELECT '$' || name AS \"价格$\" FROM 客户 WHERE 名称 = ?1 AND x = '$a'")
        #expect(SQL("SELECT 1").sqlite == "SELECT 1")
        #expect(SQL("$").sqlite == "$")
        #expect(SQL("$9").sqlite == "?9")
        #expect(SQL("").sqlite == "")
        #expect(SQL("SELECT $1").postgres == "SELECT $1")
    }

    /// PostgreSQL counts a statement's affected rows by its rows when it answers with rows.
    @Test func statementsThatAnswerWithRowsAreToldFromThoseThatDoNot() {
        for sql in [
            "SELECT 1", "  \n\tselect * FROM t", "INSERT INTO t (a) VALUES ($1) RETURNING id", "UPDATE t SET a = 1 returning a",
            "WITH c AS (INSERT INTO n (d) VALUES ($1) RETURNING v) UPDATE t SET x = c.v FROM c RETURNING t.x",
        ] {
            #expect(PostgresEngine.returnsRows(sql), "\(sql)")
        }
        for sql in ["INSERT INTO t (a) VALUES ($1)", "UPDATE t SET a = 1", "DELETE FROM t", "", "SELEC", "INSERT INTO returnin (a) VALUES (1)"] {
            #expect(!PostgresEngine.returnsRows(sql), "\(sql)")
        }
    }

    @Test func asciiSearchFindsBytesFromWhereItIsToldInTheCaseItIsTold() throws {
        let text = "INSERT INTO 客户 (a) VALUES ($1) returning id"
        let values = try #require(asciiRange(of: "VALUES (", in: text))
        #expect(text[values] == "VALUES (")
        #expect(asciiRange(of: "RETURNING", in: text) == nil)
        #expect(text[try #require(asciiRange(of: "RETURNING", in: text, anyCase: true))] == "returning")
        #expect(asciiRange(of: "INSERT", in: text, from: values.lowerBound) == nil)
        #expect(asciiRange(of: "id", in: text, from: text.endIndex) == nil)
        #expect(asciiRange(of: "", in: text) == nil)
        #expect(asciiRange(of: "longer than the text itself, by far, so it cannot be found", in: "short") == nil)
    }

    @Test func aTextWithANulByteIsRefusedWhereverItIs() throws {
        for text in ["\u{0}", "a\u{0}", "\u{0}b", "名称\u{0}值", String(repeating: "x", count: 5_000) + "\u{0}"] {
            #expect(throws: StoreError.invalidText) { _ = try resolve([.value(.text(text))], results: []) }
        }
        for text in ["", "a", "名称", String(repeating: "x", count: 5_000)] {
            #expect(try resolve([.value(.text(text))], results: []) == [.text(text)])
        }
    }
}
