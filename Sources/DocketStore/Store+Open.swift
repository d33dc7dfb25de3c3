import DocketCore
import Foundation
import Logging
import ServiceLifecycle

/// The wall clock, in UTC milliseconds.
public struct SystemClock: DocketClock {
    public init() {}
    public func now() -> Timestamp {
        Timestamp(millisecondsSince1970: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

/// Where the data lives: an embedded SQLite file or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// `postgres://…` / `postgresql://…` select PostgreSQL; `sqlite:PATH` or a plain path select SQLite.
    public init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite://") {
            self = .sqlite(path: String(text.dropFirst("sqlite://".count)))
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// A description safe for logs: the password of a URL is masked.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres://…"
        }
    }
}

extension Store {
    /// Opens a store. For PostgreSQL the returned service must run (in the service group) for the pool to work.
    public static func open(
        _ location: DatabaseLocation, clock: any DocketClock = SystemClock(), logger: Logger,
        maximumConnections: Int = 20, policy: OrderPolicy = .standard, groupCommit: Bool = true
    ) throws -> (store: Store, service: (any Service)?) {
        switch location {
        case .sqlite(let path):
            return (Store(engine: try SQLiteEngine(path: path, groupCommit: groupCommit), clock: clock, logger: logger, policy: policy), nil)
        case .postgres(let url):
            let configuration = try PostgresEngine.configuration(url: url, maximumConnections: maximumConnections)
            let engine = PostgresEngine(configuration: configuration, logger: logger)
            return (Store(engine: engine, clock: clock, logger: logger, policy: policy), engine)
        }
    }

    /// Opens a store, runs `body` with it (keeping a PostgreSQL pool alive meanwhile) and closes it again.
    /// For the CLI's one-shot commands and for tests.
    public static func withOpened<T: Sendable>(
        _ location: DatabaseLocation, clock: any DocketClock = SystemClock(), logger: Logger,
        maximumConnections: Int = 20, policy: OrderPolicy = .standard, groupCommit: Bool = true,
        _ body: @Sendable (Store) async throws -> T
    ) async throws -> T {
        // The pool starts in a task beside `body`; PostgresNIO warns when the first lease wins that race (it
        // then simply waits). Harmless here, so one-shot uses keep the pool's own log to errors.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let (opened, service) = try open(
            location, clock: clock, logger: poolLogger, maximumConnections: maximumConnections, groupCommit: groupCommit)
        let store = Store(engine: opened.engine, clock: clock, logger: logger, policy: policy)
        guard let service else {
            do {
                let result = try await body(store)
                try await store.engine.close()
                return result
            } catch {
                try? await store.engine.close()
                throw error
            }
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await service.run()
                return nil
            }
            defer { group.cancelAll() }
            let result = try await body(store)
            return result
        }
    }
}
