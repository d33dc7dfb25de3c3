import DocketCore
import Foundation
import Testing

@testable import DocketStore

/// Statements are prepared once per connection on PostgreSQL (kept by SQLite's statement cache): what the schema
/// does meanwhile must not leave a node answering with errors or old columns.
@Suite("Prepared statements outlive schema changes, on both stores", .serialized)
struct PreparedStatementsTests {
    @Test(arguments: Engine.available)
    func aStatementThatFailedBeforeItsTableExistedRunsOnceItDoes(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            let read = Statement("SELECT x FROM made_later WHERE x > $1", [0])
            for _ in 0..<3 {
                await #expect(throws: (any Error).self) { _ = try await store.engine.read(read) }
            }
            _ = try await store.engine.write([
                Statement("CREATE TABLE made_later (x BIGINT)", cached: false), Statement("INSERT INTO made_later (x) VALUES (7)"),
            ])
            // Every connection of the pool that tried before gets the statement afresh.
            for _ in 0..<5 {
                let rows = try await withThrowingTaskGroup(of: [SQLRow].self) { group in
                    for _ in 0..<4 { group.addTask { try await store.engine.read(read) } }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(try rows.map { try $0.int("x") } == [7, 7, 7, 7])
            }
        }
    }

    /// PostgreSQL only: several nodes share it, and one node's migration changes tables under the others' prepared
    /// statements. (An SQLite file is one node's: its migrations run in the process that serves it.)
    @Test(arguments: Engine.available.filter { $0 == .postgres })
    func aColumnAnotherNodeAddsIsReadWithoutARestart(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            _ = try await store.engine.write([
                Statement("CREATE TABLE widened (a BIGINT)", cached: false), Statement("INSERT INTO widened (a) VALUES (1)"),
            ])
            let all = Statement("SELECT * FROM widened WHERE a >= $1", [0])
            for _ in 0..<3 { #expect(try await store.engine.read(all).first?.has("b") == false) }
            // As another node's migration would: this engine is not told.
            _ = try await store.engine.write(Statement("ALTER TABLE widened ADD COLUMN b BIGINT NOT NULL DEFAULT 2", cached: false))
            for _ in 0..<3 {
                let row = try #require(try await store.engine.read(all).first)
                #expect(try row.int("a") == 1 && row.int("b") == 2)
            }
            let written = try await store.engine.write(Statement("UPDATE widened SET b = 3 WHERE a = $1 RETURNING *", [1], expect: .rows(1)))
            #expect(try written.first?.int("b") == 3)
        }
    }

    /// A guarded change without RETURNING (run unnamed on PostgreSQL, whose prepared statements give no command tag
    /// here; cached on SQLite): its guard counts the rows it changed, every time, and it answers no rows.
    @Test(arguments: Engine.available)
    func aGuardedChangeCountsItsRowsEveryTime(_ engine: Engine) async throws {
        try await withTestStore(engine) { store in
            _ = try await store.engine.write([
                Statement("CREATE TABLE guarded (k BIGINT PRIMARY KEY, n BIGINT NOT NULL)", cached: false),
                Statement("INSERT INTO guarded (k, n) VALUES (1, 0), (2, 0)"),
            ])
            let bump = { (k: Int64, expected: Int64) in
                Statement("UPDATE guarded SET n = n + 1 WHERE k = $1 AND n = $2", [k, expected], expect: .rows(1), label: "guarded.n")
            }
            let insert = { (k: Int64) in
                Statement("INSERT INTO guarded (k, n) VALUES ($1, 0) ON CONFLICT (k) DO NOTHING", [k], expect: .rows(1), label: "guarded.k")
            }
            for round in Int64(0)..<4 {
                let answered = try await store.engine.write([bump(1, round), insert(10 + round)])
                #expect(answered.allSatisfy { $0.isEmpty })
                // A stale expectation changes nothing and fails its guard; so does an insert that conflicts.
                await #expect(throws: StoreError.guardFailed(label: "guarded.n")) { _ = try await store.engine.write([bump(1, round)]) }
                await #expect(throws: StoreError.guardFailed(label: "guarded.k")) { _ = try await store.engine.write([insert(10 + round)]) }
            }
            // Two rows where one was expected is a failed guard too, and rolls back.
            let both = Statement("UPDATE guarded SET n = n + 1 WHERE k IN ($1, $2)", [Int64(1), Int64(2)], expect: .rows(1), label: "guarded.two")
            await #expect(throws: StoreError.guardFailed(label: "guarded.two")) { _ = try await store.engine.write([both]) }
            let rows = try await store.engine.read(Statement("SELECT k, n FROM guarded WHERE k <= $1 ORDER BY k", [Int64(2)]))
            #expect(try rows.map { try $0.int("n") } == [4, 0])
        }
    }
}
