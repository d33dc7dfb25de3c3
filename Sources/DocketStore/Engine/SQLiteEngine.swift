import DocketCore
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The embedded engine: one SQLite file in WAL mode through a GRDB `DatabasePool` (one writer, many readers).
///
/// Group commit (on by default): writes arriving while one is being written share the next transaction, each in
/// its own savepoint (a write that fails rolls back alone), and every caller is answered only once that
/// transaction is committed — one `fsync` for the batch instead of one per write.
public final class SQLiteEngine: StoreEngine {
    public let dialect = SQLDialect.sqlite
    public let path: String
    /// The GRDB pool, for tools that measure the database without Docket's layers (`docket bench`'s baseline).
    public let pool: DatabasePool
    private let batcher: WriteBatcher?
    private let checkpointer: Checkpointer
    public let masterSnapshots = MasterSnapshots()
    /// Whether concurrent writes share one commit.
    public var groupCommit: Bool { batcher != nil }

    /// Opens (creating if needed) the database file and its folder.
    public init(path: String, groupCommit: Bool = true) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // FULL: an order accepted is an order kept, even across a power cut.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if !db.configuration.readonly {
                // The writer's savepoints (one per write of a group commit) and multi-row statements journal the pages
                // they change; past 64 KiB SQLite spills that journal to a temporary file it creates, writes and
                // deletes again — a third of a place-order's write time. It lives in memory instead.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                // Checkpoints run on their own connection (`Checkpointer`), not in the commit of whoever crossed
                // the threshold; the writer checkpoints itself only if they fall this far behind (40 MB of WAL).
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Checkpointer.backstopPages)")
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Prepared like the writer (FULL: a checkpoint syncs the WAL before and the file after); it never commits.
            checkpointer = Checkpointer(try DatabaseQueue(path: path, configuration: configuration))
        } catch {
            throw StoreError.unavailable(detail: "cannot open SQLite database at \(path): \(error)")
        }
        self.path = path
        batcher = groupCommit ? WriteBatcher(pool: pool) : nil
    }

    /// Runs `work` in a write transaction: with group commit, in a savepoint of a transaction shared with the
    /// writes that arrived meanwhile; returns once that transaction is committed.
    public func transaction<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        defer { checkpointer.committed() }
        if let batcher { return try await batcher.submit(work) }
        return try await pool.write(work)
    }

    /// The background checkpoints run so far, and the last one's WAL frames and frames copied into the file.
    public var checkpoints: (runs: Int, walFrames: Int, copied: Int) { checkpointer.last }

    /// Group commit's writer so far (nil without group commit): `docket bench` reports how busy the one writer was.
    public var writerLoad: WriterLoad? { batcher?.load }

    public func read(_ statements: [Statement]) async throws -> [[SQLRow]] {
        do {
            return try await pool.read { db in try Self.run(statements, in: db) }
        } catch {
            throw Self.translate(error)
        }
    }

    public func write(_ statements: [Statement]) async throws -> [[SQLRow]] {
        do {
            return try await transaction { db in try Self.run(statements, in: db) }
        } catch {
            throw Self.translate(error)
        }
    }

    public func close() async throws {
        await checkpointer.close()
        try pool.close()
    }

    /// SQLite expands `SELECT *` when a statement is prepared, from the schema the connection last read, and the
    /// row's column names are taken then: a reader that read during the migrations would name the old columns
    /// (a column added later reads as missing). The readers are reopened after a migration.
    public func schemaChanged() async {
        masterSnapshots.forget()
        pool.invalidateReadOnlyConnections()
    }

    private static func run(_ statements: [Statement], in db: Database) throws -> [[SQLRow]] {
        var results: [[SQLRow]] = []
        results.reserveCapacity(statements.count)
        for statement in statements {
            let values = try resolve(statement.binds, results: results)
            let sql = statement.sql.sqlite
            let prepared = statement.cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            try bind(values, to: prepared)
            var rows: [SQLRow] = []
            let affected: Int
            if prepared.columnCount > 0 {
                let cursor = SQLRowCursor(prepared)
                while let row = try cursor.next() { rows.append(row) }
                affected = prepared.isReadonly ? rows.count : max(rows.count, db.changesCount)
            } else {
                try prepared.execute()
                affected = db.changesCount
            }
            try check(statement, affected: affected)
            results.append(rows)
        }
        return results
    }

    /// Binds `values` to the statement's placeholders in order, each straight with its typed GRDB binding (GRDB's
    /// `StatementArguments` boxes every value and validates through key paths: a twentieth of a place-order's CPU).
    /// `setUncheckedArguments` with no arguments resets the statement, clears its old bindings and tells GRDB the
    /// statement is ready, so `execute()` and the cursor only reset it again, which keeps these bindings. (A
    /// statement whose step failed is never used again: GRDB drops it from its cache.)
    static func bind(_ values: [SQLValue], to prepared: GRDB.Statement) throws {
        let handle = prepared.sqliteStatement
        guard Int(sqlite3_bind_parameter_count(handle)) == values.count else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(values.count)", sql: prepared.sql)
        }
        prepared.setUncheckedArguments(StatementArguments())
        for (offset, value) in values.enumerated() {
            let index = CInt(offset + 1)
            let code =
                switch value {
                case .null: DatabaseValue.null.bind(to: handle, at: index)
                case .integer(let v): v.bind(to: handle, at: index)
                case .real(let v): v.bind(to: handle, at: index)
                case .text(let v): v.bind(to: handle, at: index)
                case .bool(let v): v.bind(to: handle, at: index)
                }
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot bind argument \(index)", sql: prepared.sql)
            }
        }
    }

    static func translate(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let message = error.message ?? ""
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            // "UNIQUE constraint failed: customers.code" or "…: stock_lots.product_id, stock_lots.location_id"
            let list = message.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
            let qualified = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let table = qualified.first?.split(separator: ".").first.map(String.init) ?? ""
            let columns = qualified.compactMap { $0.split(separator: ".").last.map(String.init) }
            return StoreError.uniqueViolation(table: table, columns: columns)
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            return StoreError.foreignKeyViolation(detail: message)
        case .SQLITE_CONSTRAINT_CHECK, .SQLITE_CONSTRAINT_TRIGGER, .SQLITE_CONSTRAINT_NOTNULL:
            let name = message.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
            return StoreError.checkViolation(constraint: name ?? message)
        default:
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_CANTOPEN
                || error.resultCode == .SQLITE_IOERR || error.resultCode == .SQLITE_FULL
            {
                return StoreError.unavailable(detail: message)
            }
            return error
        }
    }
}

/// A statement's rows as `SQLRow`s, each value read straight from SQLite (GRDB's `Row` cursor builds a row
/// object with a column-name table per execution and boxes every value on the way).
final class SQLRowCursor: DatabaseCursor {
    typealias Element = SQLRow
    var _isDone = false
    let _statement: GRDB.Statement
    private let columns: ColumnIndex
    private let count: CInt

    init(_ statement: GRDB.Statement) {
        _statement = statement
        columns = ColumnIndex(statement.columnNames)
        count = CInt(statement.columnCount)
    }

    func _element(sqliteStatement: SQLiteStatement) -> SQLRow {
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for index in 0..<count {
            switch sqlite3_column_type(sqliteStatement, index) {
            case SQLITE_NULL: values.append(.null)
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(sqliteStatement, index)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(sqliteStatement, index)))
            default:
                // Text, and blobs (Docket writes none) as UTF-8 text.
                let bytes = Int(sqlite3_column_bytes(sqliteStatement, index))
                if let text = sqlite3_column_text(sqliteStatement, index) {
                    values.append(.text(String(decoding: UnsafeBufferPointer(start: text, count: bytes), as: UTF8.self)))
                } else {
                    values.append(.text(""))
                }
            }
        }
        return SQLRow(columns: columns, values: values)
    }
}

/// Copies committed WAL pages back into the database file on a connection of its own, after commits and at most
/// every `interval`, so that no write waits for a checkpoint in its commit (SQLite's default runs one inside the
/// commit that crosses 1,000 pages). Passive: it never blocks the writer or readers, and takes what it can.
final class Checkpointer: Sendable {
    static let backstopPages = 10_000
    static let interval = Duration.milliseconds(50)
    private let queue: DatabaseQueue
    private let signal: AsyncStream<Void>.Continuation
    private let loop: Task<Void, Never>
    private final class Progress: Sendable {
        /// Checkpoints run, and the last one's WAL frames and frames copied into the database file.
        let state = Mutex((runs: 0, walFrames: 0, copied: 0))
    }
    private let progress = Progress()

    init(_ queue: DatabaseQueue) {
        self.queue = queue
        let (commits, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.signal = signal
        loop = Task { [progress] in
            for await _ in commits {
                // A failed checkpoint (busy, I/O) leaves the pages in the WAL, still durable: the next one retries.
                if let done = try? await queue.writeWithoutTransaction({ db in try db.checkpoint(.passive) }) {
                    progress.state.withLock { $0 = ($0.runs + 1, done.walFrameCount, done.checkpointedFrameCount) }
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
    }

    var last: (runs: Int, walFrames: Int, copied: Int) { progress.state.withLock { $0 } }

    /// A transaction committed: checkpoint soon.
    func committed() { signal.yield() }

    func close() async {
        signal.finish()
        await loop.value
        try? queue.close()
    }
}

/// Group commit's queue: writes wait here while a batch is written; the next batch takes all of them (up to
/// `maximumBatch`), each in a savepoint, and commits once.
final class WriteBatcher: Sendable {
    private struct Job {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    private let totals = Mutex(WriterLoad())
    static let maximumBatch = 128

    var load: WriterLoad { totals.withLock { $0 } }

    init(pool: DatabasePool) { self.pool = pool }

    func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let job = Job(
                run: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        outcome.withLock { $0 = value.map { .success($0) } }
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                    }
                },
                finish: { batchError in
                    // Answered only after the batch's commit: an error of the batch as a whole fails every write in it.
                    if let batchError { return continuation.resume(throwing: batchError) }
                    switch outcome.withLock({ $0 }) {
                    case .success(let value): continuation.resume(returning: value)
                    case .failure(let error): continuation.resume(throwing: error)
                    case nil: continuation.resume(throwing: StoreError.unavailable(detail: "write not run"))
                    }
                })
            let start = state.withLock { state -> Bool in
                state.pending.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Job] in
                let batch = Array(state.pending.prefix(Self.maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let started = ContinuousClock.now
                // The writer's thread time covers the statements and the commit, both on the writer's thread.
                let cpu = try await pool.writeWithoutTransaction { db in
                    let cpu = WriterLoad.threadCPU()
                    try db.inTransaction {
                        for job in batch {
                            job.run(db)
                            // A failure SQLite answers by rolling back the whole transaction (disk full, I/O) ends the batch.
                            if !db.isInsideTransaction { throw StoreError.unavailable(detail: "the transaction was rolled back") }
                        }
                        return .commit
                    }
                    return WriterLoad.threadCPU() - cpu
                }
                let busy = ContinuousClock.now - started
                totals.withLock { $0.add(writes: batch.count, busy: busy, cpu: cpu) }
                for job in batch { job.finish(nil) }
            } catch {
                for job in batch { job.finish(error) }
            }
        }
    }
}

/// What group commit's one writer has done: the batches (transactions) and writes committed, the time from taking a
/// batch to its commit (waiting for the writer's thread included), and the CPU time of the writer's thread in them.
/// Successive readings subtracted give a run's share: a writer busy nearly all the time is what limits the writes.
public struct WriterLoad: Sendable, Equatable {
    public var batches = 0
    public var writes = 0
    public var busy = Duration.zero
    public var cpu = Duration.zero

    public init() {}

    mutating func add(writes: Int, busy: Duration, cpu: Duration) {
        batches += 1
        self.writes += writes
        self.busy += busy
        self.cpu += cpu
    }

    /// This load less an earlier reading.
    public func since(_ earlier: WriterLoad) -> WriterLoad {
        var load = WriterLoad()
        load.batches = batches - earlier.batches
        load.writes = writes - earlier.writes
        load.busy = busy - earlier.busy
        load.cpu = cpu - earlier.cpu
        return load
    }

    /// The calling thread's CPU time.
    static func threadCPU() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }
}
