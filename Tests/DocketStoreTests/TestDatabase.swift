import DocketCore
import DocketStore
import Foundation
import Logging
import PostgresNIO
import Testing

/// The engines the conformance suite runs on. PostgreSQL joins when `DOCKET_TEST_POSTGRES_URL` names a server
/// (the README's test command and `.ci/run` start one); in CI its absence is itself a failure.
enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["DOCKET_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var available: [Engine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

let testLogger: Logger = {
    var logger = Logger(label: "docket.test")
    // PostgresNIO warns when a lease races the pool's start in `withOpened`; it waits correctly, so stay quiet.
    logger.logLevel = .error
    return logger
}()

/// Creates a fresh, migrated database for one test and drops it afterwards (`migrated: false`: an empty one).
/// PostgreSQL databases are cloned from a template migrated once per test run.
func withTestStore<T: Sendable>(
    _ engine: Engine, clock: ManualClock = ManualClock(), migrated: Bool = true, _ body: @Sendable (Store) async throws -> T
) async throws -> T {
    switch engine {
    case .sqlite:
        return try await withScratchSQLite { path in
            try await Store.withOpened(.sqlite(path: path), clock: clock, logger: testLogger) { store in
                if migrated { try await store.migrate() }
                return try await body(store)
            }
        }
    case .postgres:
        let url = try #require(Engine.postgresURL, "DOCKET_TEST_POSTGRES_URL is not set")
        let database = try await PostgresTestDatabases.shared.create(serverURL: url, migrated: migrated)
        do {
            let result = try await Store.withOpened(
                .postgres(url: PostgresTestDatabases.url(url, database: database)), clock: clock, logger: testLogger,
                maximumConnections: 12
            ) { store in
                try await body(store)
            }
            try await PostgresTestDatabases.shared.drop(database, serverURL: url)
            return result
        } catch {
            try? await PostgresTestDatabases.shared.drop(database, serverURL: url)
            throw error
        }
    }
}

/// Hands out fresh PostgreSQL databases: `CREATE DATABASE … TEMPLATE` of a template migrated once.
actor PostgresTestDatabases {
    static let shared = PostgresTestDatabases()
    /// One template per run. Actor methods are re-entrant at every `await`, so concurrent suites must share one
    /// creation task: two creations would each DROP … WITH (FORCE) the other's database mid-migration.
    private var template: Task<String, any Error>?
    private var counter = 0

    static func url(_ serverURL: String, database: String) -> String {
        var components = URLComponents(string: serverURL)!
        components.path = "/" + database
        return components.string!
    }

    func create(serverURL: String, migrated: Bool = true) async throws -> String {
        counter += 1
        let name = "docket_t_\(ProcessInfo.processInfo.processIdentifier)_\(counter)"
        if !migrated {
            try await Self.admin(serverURL, "DROP DATABASE IF EXISTS \(name)")
            try await Self.admin(serverURL, "CREATE DATABASE \(name)")
            return name
        }
        if template == nil { template = Task { try await Self.makeTemplate(serverURL: serverURL) } }
        let source = try await template!.value
        try await Self.admin(serverURL, "DROP DATABASE IF EXISTS \(name)")
        try await Self.admin(serverURL, "CREATE DATABASE \(name) TEMPLATE \(source)")
        return name
    }

    func drop(_ database: String, serverURL: String) async throws {
        try await Self.admin(serverURL, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
    }

    private static func makeTemplate(serverURL: String) async throws -> String {
        let name = "docket_template_\(ProcessInfo.processInfo.processIdentifier)"
        try await admin(serverURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try await admin(serverURL, "CREATE DATABASE \(name)")
        try await Store.withOpened(
            .postgres(url: url(serverURL, database: name)), logger: testLogger, maximumConnections: 1
        ) { store in
            try await store.migrate()
        }
        return name
    }

    /// Runs a statement outside any transaction (CREATE DATABASE cannot run inside one).
    private static func admin(_ serverURL: String, _ sql: String) async throws {
        let components = URLComponents(string: serverURL)!
        let configuration = PostgresConnection.Configuration(
            host: components.host ?? "127.0.0.1", port: components.port ?? 5432,
            username: components.user ?? "postgres", password: components.password,
            database: "postgres", tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: testLogger)
        defer { Task { try? await connection.close() } }
        // Right after a template was used, PostgreSQL may still see its last connection closing: retry briefly.
        var attempt = 0
        while true {
            do {
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: testLogger)
                return
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 50 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

/// In CI both engines must run: a missing PostgreSQL is a failure, not a silent skip.
@Test func postgresIsConfiguredInCI() {
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        #expect(Engine.postgresURL != nil, "CI must run the store suite against PostgreSQL too")
    }
}

/// Two nodes on one fresh database: two stores, each with its own engine (its own connections and its own
/// remembered master data), as two `docket serve` processes would be.
func withTwoNodes<T: Sendable>(
    _ engine: Engine, clock: ManualClock = ManualClock(), _ body: @Sendable (Store, Store) async throws -> T
) async throws -> T {
    switch engine {
    case .sqlite:
        return try await withScratchSQLite { path in
            try await Store.withOpened(.sqlite(path: path), clock: clock, logger: testLogger) { a in
                try await a.migrate()
                return try await Store.withOpened(.sqlite(path: path), clock: clock, logger: testLogger) { b in try await body(a, b) }
            }
        }
    case .postgres:
        let url = try #require(Engine.postgresURL, "DOCKET_TEST_POSTGRES_URL is not set")
        let database = try await PostgresTestDatabases.shared.create(serverURL: url)
        let location = DatabaseLocation.postgres(url: PostgresTestDatabases.url(url, database: database))
        do {
            let result = try await Store.withOpened(location, clock: clock, logger: testLogger, maximumConnections: 6) { a in
                try await Store.withOpened(location, clock: clock, logger: testLogger, maximumConnections: 6) { b in try await body(a, b) }
            }
            try await PostgresTestDatabases.shared.drop(database, serverURL: url)
            return result
        } catch {
            try? await PostgresTestDatabases.shared.drop(database, serverURL: url)
            throw error
        }
    }
}

/// A new SQLite file's path for `body`, removed (with its WAL and shared memory) afterwards.
private func withScratchSQLite<T>(_ body: (String) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("docket-tests")
    let path = folder.appendingPathComponent("\(UUID().uuidString).sqlite").path
    defer {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    return try await body(path)
}
