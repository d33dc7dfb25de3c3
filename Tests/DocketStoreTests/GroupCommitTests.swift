import DocketCore
import Foundation
import GRDB
import Testing

@testable import DocketStore

/// SQLite's group commit: writes that arrive together share a transaction, each in its own savepoint.
@Suite("Group commit on SQLite")
struct GroupCommitTests {
    /// 64 writes at once, every fourth one failing its guard after having written a row: the failures leave
    /// nothing behind, every other write is kept, and each caller hears its own outcome.
    @Test
    func aFailedWriteRollsBackAloneAndTheOthersAreKept() async throws {
        try await withTestStore(.sqlite) { store in
            let engine = try #require(store.engine as? SQLiteEngine)
            #expect(engine.groupCommit, "on by default")
            _ = try await store.engine.write(Statement("CREATE TABLE gc (id INTEGER PRIMARY KEY, note TEXT NOT NULL)", cached: false))
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for i in 0..<64 {
                    group.addTask {
                        do {
                            _ = try await store.engine.write([
                                Statement("INSERT INTO gc (id, note) VALUES ($1, 'kept')", [i]),
                                // A guard that holds only for three writes in four.
                                Statement("UPDATE gc SET note = note WHERE id = $1 AND $1 % 4 <> 0", [i], expect: .rows(1), label: "gc.guard"),
                            ])
                            return (i, true)
                        } catch {
                            return (i, false)
                        }
                    }
                }
                var all: [(Int, Bool)] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            for (i, succeeded) in outcomes { #expect(succeeded == (i % 4 != 0), "write \(i)") }
            let kept = try await store.engine.read(Statement("SELECT id FROM gc ORDER BY id")).map { try $0.int("id") }
            #expect(kept == (0..<64).filter { $0 % 4 != 0 }.map(Int64.init))
        }
    }

    /// A unique violation in one write of a batch is that write's own error (a 409 for its caller), not the batch's.
    @Test
    func aUniqueViolationIsTheFailingWritesOwn() async throws {
        try await withTestStore(.sqlite) { store in
            _ = try await store.engine.write(Statement("CREATE TABLE gc2 (code TEXT PRIMARY KEY)", cached: false))
            let results = await withTaskGroup(of: Result<Void, any Error>.self) { group in
                for i in 0..<32 {
                    group.addTask {
                        do {
                            _ = try await store.engine.write(Statement("INSERT INTO gc2 (code) VALUES ($1)", ["code-\(i % 16)"]))
                            return .success(())
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var all: [Result<Void, any Error>] = []
                for await result in group { all.append(result) }
                return all
            }
            let failures = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            #expect(failures.count == 16)
            #expect(failures.allSatisfy { ($0 as? StoreError) == .uniqueViolation(table: "gc2", columns: ["code"]) }, "\(failures)")
            #expect(try await store.engine.read(Statement("SELECT COUNT(*) AS n FROM gc2"))[0].int("n") == 16)
        }
    }

    /// The writer journals its savepoints in memory, and checkpoints run on their own connection after commits:
    /// with the writer's own threshold far away (10,000 pages), the committed pages still reach the database file.
    @Test
    func checkpointsRunBesideTheWriter() async throws {
        try await withTestStore(.sqlite) { store in
            let engine = try #require(store.engine as? SQLiteEngine)
            let tempStore = try await engine.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
            #expect(tempStore == 2, "MEMORY on the writer")
            let threshold = try await engine.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
            #expect(threshold == 10_000)
            _ = try await store.engine.write(Statement("CREATE TABLE ck (id INTEGER PRIMARY KEY, note TEXT NOT NULL)", cached: false))
            /// Waits until a checkpoint after `runs` has copied the whole WAL into the file.
            func settled(after runs: Int) async throws -> Bool {
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline {
                    let last = engine.checkpoints
                    if last.runs > runs, last.copied == last.walFrames { return true }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return false
            }
            #expect(try await settled(after: 0))
            let before = try FileManager.default.attributesOfItem(atPath: engine.path)[.size] as? Int ?? 0
            let runs = engine.checkpoints.runs
            for i in 0..<50 {
                _ = try await store.engine.write(Statement("INSERT INTO ck (id, note) VALUES ($1, $2)", [i, String(repeating: "x", count: 3000)]))
            }
            #expect(try await settled(after: runs))
            let after = try FileManager.default.attributesOfItem(atPath: engine.path)[.size] as? Int ?? 0
            #expect(after - before >= 50 * 3000, "the rows' pages are in the database file: \(before) → \(after) bytes")
        }
    }

    /// The writer's load counts every write once, in batches of at most all of them, with CPU time no longer than
    /// the time the writer held them; without group commit there is no such writer to measure.
    @Test
    func theWritersLoadCountsEveryWrite() async throws {
        try await withTestStore(.sqlite) { store in
            let engine = try #require(store.engine as? SQLiteEngine)
            _ = try await store.engine.write(Statement("CREATE TABLE wl (id INTEGER PRIMARY KEY)", cached: false))
            let before = try #require(engine.writerLoad)
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask { _ = try? await store.engine.write(Statement("INSERT INTO wl (id) VALUES ($1)", [i])) }
                }
            }
            let load = try #require(engine.writerLoad).since(before)
            #expect(load.writes == 40)
            #expect((1...40).contains(load.batches))
            #expect(load.cpu > .zero && load.cpu <= load.busy, "\(load)")
            #expect(try await store.engine.read(Statement("SELECT COUNT(*) AS n FROM wl"))[0].int("n") == 40)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("docket-wl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let single = try SQLiteEngine(path: folder.appendingPathComponent("single.sqlite").path, groupCommit: false)
        #expect(single.writerLoad == nil)
        try await single.close()
    }

    /// Tokens: 256 bits as 43 base64url characters, each one new; hashes: SHA-256 in hex (what stored hashes hold).
    @Test
    func secretsAndTheirHashes() {
        for count in 0...40 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Secret.base64URL(bytes) == foundation, "\(count) bytes")
        }
        let tokens = (0..<100).map { _ in Secret.make() }
        #expect(Set(tokens).count == 100)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(tokens.allSatisfy { $0.count == 43 && $0.allSatisfy(alphabet.contains) })
        #expect(Secret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
