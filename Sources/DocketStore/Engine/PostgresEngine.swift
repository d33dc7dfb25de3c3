import DocketCore
import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The production engine: PostgreSQL 15 through a PostgresNIO connection pool.
///
/// The pool lives while `run()` runs; put the engine in the service group (or use `Store.withOpened`).
/// Writes retry on serialization failure and deadlock. No advisory locks and no extensions are used, so the
/// same SQL can move to a PostgreSQL-compatible distributed engine.
public final class PostgresEngine: StoreEngine, Service {
    public let dialect = SQLDialect.postgres
    public let client: PostgresClient
    private let logger: Logger
    static let maximumAttempts = 8
    public let masterSnapshots = MasterSnapshots()
    let names = StatementNames()
    /// Whether writes go as one statement where they can (`FusedWrite`); statement by statement otherwise.
    public let writesInOneStatement: Bool

    public func schemaChanged() async {
        masterSnapshots.forget()
        names.forget()
    }

    public init(configuration: PostgresClient.Configuration, logger: Logger, writesInOneStatement: Bool = true) {
        self.writesInOneStatement = writesInOneStatement
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    public static func configuration(url: String, maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty
        else {
            throw StoreError.configuration("database URL must look like postgres://user:password@host:5432/database")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw StoreError.configuration("sslmode must be disable, prefer or require (got \(sslmode))")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432,
            username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }

    public func run() async {
        await client.run()
    }

    public func read(_ statements: [Statement]) async throws -> [[SQLRow]] {
        do {
            return try await readOnce(statements)
        } catch let error where Self.planOutdated(error) {
            names.forget()  // another node changed the schema under this node's prepared statements
            return try await readOnce(statements)
        }
    }

    private func readOnce(_ statements: [Statement]) async throws -> [[SQLRow]] {
        do {
            return try await client.withConnection { connection in
                if statements.count == 1 {
                    return [try await self.execute(statements[0], results: [], on: connection)]
                }
                if let fused = FusedRead(statements) {
                    return try fused.results(try await self.execute(fused.statement, results: [], on: connection))
                }
                return try await self.transaction(
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", statements, on: connection)
            }
        } catch {
            throw Self.translate(error)
        }
    }

    public func write(_ statements: [Statement]) async throws -> [[SQLRow]] {
        // A round trip per statement is most of a write's cost here: a write's INSERTs into one table go as one.
        // (SQLite does not join them: its one writer spends its time on the rows and their index entries, which
        // joining leaves as they are — measured, no gain for the callers' work of joining.)
        let write = JoinedWrite(statements)
        let statements = write.statements
        // And as one statement where that cannot change what the write does (`FusedWrite`): one round trip.
        let fused = writesInOneStatement ? FusedWrite(statements) : nil
        var attempt = 0
        while true {
            attempt += 1
            do {
                return write.results(
                    try await client.withConnection { connection in
                        if let fused { return try await self.run(fused, on: connection) }
                        return try await self.transaction("BEGIN", statements, on: connection)
                    })
            } catch let error where Self.planOutdated(error) && attempt < Self.maximumAttempts {
                names.forget()  // another node changed the schema under this node's prepared statements
            } catch let error where Self.isTransient(error) && attempt < Self.maximumAttempts {
                logger.debug("docket.store.retry", metadata: ["docket.attempt": "\(attempt)"])
                // Back off a little, with jitter, so the competing transactions do not collide again.
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
            } catch {
                throw Self.translate(error)
            }
        }
    }

    public func close() async throws {}

    /// A fused write: one statement, committed on its own; a guard it reports failed is that statement's guard.
    private func run(_ fused: FusedWrite, on connection: PostgresConnection) async throws -> [[SQLRow]] {
        do {
            return try fused.results(try await execute(fused.statement, results: [], on: connection))
        } catch let error as PSQLError {
            if let label = Self.failedGuard(error).flatMap(fused.label) { throw StoreError.guardFailed(label: label) }
            throw error
        }
    }

    /// Runs the statements between `begin` and COMMIT; any failure rolls back and is rethrown.
    private func transaction(_ begin: String, _ statements: [Statement], on connection: PostgresConnection)
        async throws -> [[SQLRow]]
    {
        try await simple(begin, on: connection)
        do {
            var results: [[SQLRow]] = []
            for statement in statements {
                results.append(try await execute(statement, results: results, on: connection))
            }
            try await simple("COMMIT", on: connection)
            return results
        } catch {
            try? await simple("ROLLBACK", on: connection)
            throw error
        }
    }

    private func simple(_ sql: String, on connection: PostgresConnection) async throws {
        let future: EventLoopFuture<PostgresQueryResult> = connection.query(
            PostgresQuery(unsafeSQL: sql), logger: logger)
        _ = try await future.get()
    }

    private func execute(_ statement: Statement, results: [[SQLRow]], on connection: PostgresConnection)
        async throws -> [SQLRow]
    {
        let values = try resolve(statement.binds, results: results)
        var bindings = PostgresBindings(capacity: values.count)
        var signature = ""
        for value in values {
            switch value {
            case .null: bindings.appendNull(); signature += "n"
            case .integer(let v): bindings.append(v); signature += "i"
            case .real(let v): bindings.append(v); signature += "r"
            case .text(let v): bindings.append(v); signature += "t"
            case .bool(let v): bindings.append(v); signature += "b"
            }
        }
        let sql = statement.sql.postgres
        // A guarded change without RETURNING needs its command tag's count: it runs unnamed.
        if statement.cached, statement.expect == .any || Self.returnsRows(sql), let name = names.name(sql, signature) {
            // Parsed and planned once per connection, then only bound and executed.
            do {
                return try await NamedStatement.$current.withValue((name, sql)) {
                    var received: [PostgresRow] = []
                    for try await row in try await connection.execute(NamedStatement(bindings: bindings), logger: logger) {
                        received.append(row)
                    }
                    let rows = try Self.rows(received)
                    try check(statement, affected: rows.count)
                    return rows
                }
            } catch let error as PSQLError where !Self.leavesStatementUsable(error) {
                // A statement whose preparation failed (a table not there yet, say) stays failed on the connection
                // that tried: the text is prepared under a new name next time.
                names.retire(sql, signature)
                throw error
            }
        }
        let future: EventLoopFuture<PostgresQueryResult> = connection.query(
            PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        let result = try await future.get()
        let rows = try Self.rows(result.rows)
        try check(statement, affected: max(result.metadata.rows ?? 0, rows.count))
        return rows
    }

    /// A result's rows as the store reads them: one column index shared by every row.
    private static func rows(_ received: [PostgresRow]) throws -> [SQLRow] {
        guard let first = received.first else { return [] }
        let columns = ColumnIndex(first.map(\.columnName))
        var rows: [SQLRow] = []
        rows.reserveCapacity(received.count)
        for row in received {
            var values: [SQLValue] = []
            for cell in row { values.append(try SQLValue(cell)) }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    /// Whether a statement answers with rows (a query, or a change with RETURNING): its affected count is its rows.
    /// Asked of every statement run: ASCII bytes compared case-insensitively (Foundation's `range(of:options:)`
    /// bridged each text to an NSString, ~2 % of Docket's CPU under the place-order bench).
    static func returnsRows(_ sql: String) -> Bool {
        let bytes = sql.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") }
        return startsWithKeyword(bytes, "SELECT") || asciiRange(of: "RETURNING", in: sql, anyCase: true) != nil
    }

    private static func startsWithKeyword(_ bytes: Substring.UTF8View, _ keyword: StaticString) -> Bool {
        let word = UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount)
        guard bytes.count >= word.count else { return false }
        return zip(bytes, word).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }

    /// Errors of running a prepared statement that say nothing about the statement itself: a constraint refused
    /// the row, or a transient conflict.
    static func leavesStatementUsable(_ error: PSQLError) -> Bool {
        error.serverInfo?[.sqlState]?.hasPrefix("23") == true || isTransient(error)
            || failedGuard(error) != nil
    }

    /// The statement of a fused write whose guard failed, when that is what the error reports (`FusedWrite`'s cast of
    /// "docket guard N …": invalid text representation, 22P02).
    static func failedGuard(_ error: PSQLError) -> Int? {
        guard error.serverInfo?[.sqlState] == "22P02" else { return nil }
        return FusedWrite.failedStatement(error.serverInfo?[.message] ?? "")
    }

    /// "cached plan must not change result type": a prepared statement outlived a change of the schema.
    static func planOutdated(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let info = error.serverInfo else { return false }
        return info[.sqlState] == "0A000" && (info[.message] ?? "").contains("cached plan")
    }

    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    static func translate(_ error: any Error) -> any Error {
        if error is StoreError { return error }
        guard let error = error as? PSQLError else { return error }
        guard let info = error.serverInfo, let state = info[.sqlState] else {
            return StoreError.unavailable(detail: "\(error.code)")
        }
        switch state {
        case "23505":
            // detail: "Key (product_id, location_id, lot_code)=(1, 2, L1) already exists."
            let detail = info[.detail] ?? ""
            var columns: [String] = []
            if let open = detail.range(of: "Key ("), let close = detail.range(of: ")=", range: open.upperBound..<detail.endIndex) {
                columns = detail[open.upperBound..<close.lowerBound].split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
            }
            return StoreError.uniqueViolation(table: info[.tableName] ?? "", columns: columns)
        case "23503":
            return StoreError.foreignKeyViolation(detail: info[.detail] ?? info[.message] ?? "")
        case "23514", "23502", "P0001":
            return StoreError.checkViolation(constraint: info[.constraintName] ?? info[.message] ?? state)
        case "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006":
            return StoreError.unavailable(detail: info[.message] ?? state)
        default:
            return error
        }
    }
}

extension SQLValue {
    init(_ cell: PostgresCell) throws {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int2, .int4, .int8: self = .integer(try cell.decode(Int64.self))
        case .bool: self = .bool(try cell.decode(Bool.self))
        case .float4, .float8: self = .real(try cell.decode(Double.self))
        default: self = .text(try cell.decode(String.self))
        }
    }
}

/// The names of the statements this engine prepares on its connections, one per SQL text and parameter types. A
/// statement is prepared on a connection the first time that connection runs it (PostgresNIO keeps which are). The
/// number of names is bounded: past it, further texts run unnamed (parsed and planned each time).
final class StatementNames: Sendable {
    private let state = Mutex<(names: [String: String], made: Int)>(([:], 0))
    static let limit = 1_000

    func name(_ sql: String, _ signature: String) -> String? {
        state.withLock { state in
            let key = signature + " " + sql
            if let name = state.names[key] { return name }
            guard state.names.count < Self.limit else { return nil }
            state.made += 1
            let name = "docket_\(state.made)"
            state.names[key] = name
            return name
        }
    }

    /// This text is prepared under a new name from now on.
    func retire(_ sql: String, _ signature: String) {
        state.withLock { _ = $0.names.removeValue(forKey: signature + " " + sql) }
    }

    /// The schema changed: statements are prepared again under new names (a prepared `SELECT *` must not answer
    /// with the old columns, and PostgreSQL refuses to run it once its result type changed).
    func forget() {
        state.withLock { $0.names = [:] }
    }
}

/// A named statement whose rows are returned; its name and text are the task's `current` (PostgresNIO's prepared
/// statements are types with static names, ours are data).
struct NamedStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow
    @TaskLocal static var current: (name: String, sql: String) = ("", "")
    static var name: String { current.name }
    static var sql: String { current.sql }
    let bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
