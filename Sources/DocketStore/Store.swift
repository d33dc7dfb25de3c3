import DocketCore
import Foundation
import Logging
import Synchronization

/// The one store contract. All persistence logic lives here, written once; an engine (SQLite or PostgreSQL)
/// only runs statements atomically. Core decides, the store applies the decision with guards.
public struct Store: Sendable {
    public let engine: any StoreEngine
    public let clock: any DocketClock
    public let logger: Logger
    /// Service windows and the confirmation deadline (configuration).
    public let policy: OrderPolicy

    public init(engine: any StoreEngine, clock: any DocketClock, logger: Logger, policy: OrderPolicy = .standard) {
        self.engine = engine
        self.clock = clock
        self.logger = logger
        self.policy = policy
    }

    public var dialect: SQLDialect { engine.dialect }

    /// Brings the schema up to date and returns the versions applied now. Safe to run on several nodes at once:
    /// a migration another node applied meanwhile is skipped.
    @discardableResult
    public func migrate(upTo last: Int? = nil) async throws -> [Int] {
        let create = Statement(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            cached: false)
        do { _ = try await engine.write(create) } catch StoreError.uniqueViolation {
            // Two nodes created the table at the same instant; it exists now.
        }
        var applied: [Int] = []
        for migration in Migration.all where migration.version <= (last ?? Int.max) {
            if try await appliedVersions().contains(migration.version) { continue }
            var statements: [Statement] = []
            if dialect == .postgres {
                statements.append(Statement("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE", cached: false))
            }
            // Recording the version first makes a racing node fail fast on the primary key, before any DDL.
            statements.append(
                Statement(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, clock.now()], cached: false))
            statements += migration.statements.map { Statement($0, cached: false) }
            // A later migration may change what master rows read as: nodes must not answer with rows read before.
            if migration.version > Migration.m020MasterRevision.version { statements.append(Self.bumpMasterRevision) }
            do {
                _ = try await engine.write(statements)
                applied.append(migration.version)
                logger.info("docket.store.migrated", metadata: ["docket.migration": "\(migration.version)"])
            } catch StoreError.uniqueViolation(table: "schema_migrations", columns: _) {
                continue
            }
        }
        if !applied.isEmpty { await engine.schemaChanged() }
        return applied
    }

    public func appliedVersions() async throws -> Set<Int> {
        let rows = try await engine.read(Statement("SELECT version FROM schema_migrations", cached: false))
        return Set(try rows.map { Int(try $0.int("version")) })
    }

    /// A cheap round trip for `/health`.
    public func ping() async throws {
        _ = try await engine.read(Statement("SELECT 1 AS one"))
    }

    /// The audit row that accompanies every state change, in the same write.
    func audit(
        _ action: String, _ entity: EntityKind, id: any SQLBindable, by actor: Actor, at time: Timestamp,
        data: String = "{}"
    ) -> Statement {
        Store.audit(action, entity, id: id, by: actor, at: time, data: data)
    }

    /// Audit events written together (one statement), in this order.
    static func audit(_ events: [(action: String, entity: EntityKind, id: any SQLBindable, actor: Actor, time: Timestamp, data: String)]) -> Statement {
        Statement.insert(
            "INSERT INTO audit_events (occurred_at, actor, action, entity, entity_id, data)", row: "($1, $2, $3, $4, $5, $6)",
            rows: events.map { [$0.time, $0.actor.description, $0.action, $0.entity.rawValue, $0.id, $0.data] }, label: "audit_events")
    }

    static func audit(
        _ action: String, _ entity: EntityKind, id: any SQLBindable, by actor: Actor, at time: Timestamp,
        data: String = "{}"
    ) -> Statement {
        audit([(action, entity, id, actor, time, data)])
    }
}

/// One entry of the audit log.
public struct AuditEvent: Sendable, Codable, Hashable {
    public var id: Int64
    public var occurredAt: Timestamp
    public var actor: String
    public var action: String
    public var entity: String
    public var entityId: Int64?
    public var data: String
}

extension Store {
    /// The audit trail of one entity (or of every entity of a kind when `id` is nil), newest first.
    public func auditEvents(entity: EntityKind, id: Int64?, limit: Int = 100) async throws -> [AuditEvent] {
        let statement =
            id == nil
            ? Statement(
                "SELECT * FROM audit_events WHERE entity = $1 ORDER BY id DESC LIMIT $2", [entity.rawValue, limit])
            : Statement(
                "SELECT * FROM audit_events WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT $3",
                [entity.rawValue, id, limit])
        return try await engine.read(statement).map(Self.auditEvent)
    }

    static func auditEvent(_ row: SQLRow) throws -> AuditEvent {
        AuditEvent(
            id: try row.int("id"), occurredAt: try row.timestamp("occurred_at"), actor: try row.text("actor"),
            action: try row.text("action"), entity: try row.text("entity"), entityId: row.optionalInt("entity_id"),
            data: try row.text("data"))
    }
}

// MARK: JSON columns

enum JSONColumn {
    /// A JSON column's text: compact, keys sorted (`ColumnJSON`).
    static func encode(_ value: some Encodable) throws -> String {
        try ColumnJSON.encode(value)
    }

    /// The text a request is hashed by (idempotency keys, import keys): Foundation's JSONEncoder, as the hashes
    /// already stored were made, so a request replayed across an upgrade is still recognised.
    static func hashText(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Master data's JSON columns (a carrier's rate tables, a customer's addresses) are read on every order and change
    /// rarely: the decoded value is remembered by its text (content-addressed, so never stale on any node), up to
    /// `rememberedLimit` texts.
    static func remembered<T: Decodable & Sendable>(_ type: T.Type, _ text: String, column: String) throws -> T {
        let key = RememberedKey(type: ObjectIdentifier(T.self), text: text)
        if let value = rememberedValues.withLock({ $0[key] }) as? T { return value }
        let value = try decode(T.self, text, column: column)
        rememberedValues.withLock {
            if $0.count >= rememberedLimit { $0.removeAll(keepingCapacity: true) }
            $0[key] = value
        }
        return value
    }

    /// Hashed and compared by UTF-8 bytes: `String`'s own hashing normalises non-ASCII text first, which for a
    /// carrier's 2 KB of rates (province names) cost more than the rest of reading it. Two spellings of the same
    /// text are two keys — a second decode, never a wrong value.
    private struct RememberedKey: Hashable, Sendable {
        var type: ObjectIdentifier
        var text: String

        static func == (a: Self, b: Self) -> Bool {
            guard a.type == b.type else { return false }
            var (x, y) = (a.text, b.text)
            return x.withUTF8 { x in
                y.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
            }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(type)
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    private static let rememberedValues = Mutex<[RememberedKey: any Sendable]>([:])
    static let rememberedLimit = 20_000

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, column: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoreError.decoding(column: column)
        }
    }
}
