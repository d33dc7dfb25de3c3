import DocketCore
import Foundation
import GRDB

/// The embedded engine: one SQLite file in WAL mode through a GRDB `DatabasePool` (one writer, many readers).
public final class SQLiteEngine: StoreEngine {
    public let dialect = SQLDialect.sqlite
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating if needed) the database file and its folder.
    public init(path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // FULL: an order accepted is an order kept, even across a power cut.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.unavailable(detail: "cannot open SQLite database at \(path): \(error)")
        }
        self.path = path
    }

    public func read(_ statements: [Statement]) async throws -> [[SQLRow]] {
        do {
            return try await pool.read { db in try Self.run(statements, in: db) }
        } catch {
            throw Self.translate(error)
        }
    }

    public func write(_ statements: [Statement]) async throws -> [[SQLRow]] {
        do {
            return try await pool.write { db in try Self.run(statements, in: db) }
        } catch {
            throw Self.translate(error)
        }
    }

    public func close() async throws {
        try pool.close()
    }

    private static func run(_ statements: [Statement], in db: Database) throws -> [[SQLRow]] {
        var results: [[SQLRow]] = []
        results.reserveCapacity(statements.count)
        for statement in statements {
            let values = try resolve(statement.binds, results: results)
            let sql = statement.sql.sqlite
            let prepared = statement.cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            try prepared.setArguments(StatementArguments(values.map(\.databaseValue)))
            var rows: [SQLRow] = []
            let affected: Int
            if prepared.columnCount > 0 {
                let columns = ColumnIndex(prepared.columnNames)
                let cursor = try Row.fetchCursor(prepared)
                while let row = try cursor.next() {
                    var values: [SQLValue] = []
                    values.reserveCapacity(row.count)
                    for index in 0..<row.count { values.append(SQLValue(row[index] as DatabaseValue)) }
                    rows.append(SQLRow(columns: columns, values: values))
                }
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

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let v): v.databaseValue
        case .real(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .bool(let v): v.databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let v): self = .integer(v)
        case .double(let v): self = .real(v)
        case .string(let v): self = .text(v)
        case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
