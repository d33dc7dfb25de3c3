import Foundation
import DocketCore

/// How one master-data entity maps to its table: the editable columns (business key first), how a value is
/// written and read back, and which other master data it refers to.
public struct MasterTable<Value: Codable & Sendable & Hashable>: Sendable {
    public let entity: EntityKind
    let table: String
    /// The business key column (`code`, `sku`) and its JSON field name. Keys cannot change once created.
    let keyColumn: String
    let keyField: String
    let key: @Sendable (Value) -> String
    /// Editable columns, key column first.
    let columns: [String]
    let encode: @Sendable (Value) throws -> [SQLValue]
    let decode: @Sendable (SQLRow) throws -> Value
    /// Lower-cased text the list search matches (codes, names, phones).
    let searchText: @Sendable (Value) -> String
    /// Codes this value refers to, checked to exist (and not be archived) before writing.
    let references: @Sendable (Value) -> [Reference]
    /// The fields a list sorts by, each with its column; the key and the last change always.
    var sortable: [String: String] = [:]

    struct Reference: Sendable {
        var field: String
        var table: String
        var column: String
        var value: String
    }

    private var metaColumns: [String] { ["search_text", "archived", "version", "created_at", "updated_at"] }

    var insertSQL: SQL {
        let all = columns + metaColumns
        let n = columns.count
        let placeholders = (1...n).map { "$\($0)" } + ["$\(n + 1)", "FALSE", "1", "$\(n + 2)", "$\(n + 2)"]
        return SQL(
            "INSERT INTO \(table) (\(all.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", "))) RETURNING *"
        )
    }

    /// `$1` id, `$2` expected version, then the editable columns after the key, search text and time.
    var updateSQL: SQL {
        let editable = columns.dropFirst()
        var sets = editable.enumerated().map { "\($0.element) = $\($0.offset + 3)" }
        let next = editable.count + 3
        sets += ["search_text = $\(next)", "version = version + 1", "updated_at = $\(next + 1)"]
        return SQL("UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE id = $1 AND version = $2 RETURNING *")
    }

    var archiveSQL: SQL {
        SQL("UPDATE \(table) SET archived = $2, version = version + 1, updated_at = $3 WHERE id = $1 RETURNING *")
    }

    var byIDSQL: SQL { SQL("SELECT * FROM \(table) WHERE id = $1") }
    var byKeySQL: SQL { SQL("SELECT * FROM \(table) WHERE \(keyColumn) = $1") }

    /// One page of the list and the count of all, archived rows left out unless asked for.
    func listStatements(_ query: ListQuery) -> (items: Statement, count: Statement) {
        var where_ = Conditions()
        if !query.includeArchived { where_.add("archived = FALSE") }
        if let pattern = query.likePattern { where_.add("search_text LIKE \(where_.bind(pattern)) ESCAPE '\\'") }
        // Ties fall back to the key, so pages never overlap.
        let column = query.sort.flatMap { sortColumns[$0] }.map { "\($0)\(query.descending ? " DESC" : ""), " } ?? ""
        return where_.page(select: "SELECT *", from: " FROM \(table)", order: column + keyColumn, limit: query.limit, offset: query.offset)
    }

    var sortColumns: [String: String] { sortable.merging([keyField: keyColumn, "updatedAt": "updated_at"]) { a, _ in a } }

    /// A sort the list does not know is a field problem naming the ones it does.
    func checkSort(_ query: ListQuery) throws(DocketError) {
        if let sort = query.sort, sortColumns[sort] == nil {
            throw DocketError.invalid("sort", "invalidValue", ["allowed": sortColumns.keys.sorted().joined(separator: ", ")])
        }
    }

    func stored(_ row: SQLRow) throws -> Stored<Value> {
        Stored(
            id: try row.id(), version: try row.int("version"), archived: try row.bool("archived"),
            createdAt: try row.timestamp("created_at"), updatedAt: try row.timestamp("updated_at"),
            value: try decode(row))
    }
}

/// Create, read, update, list, archive and restore for one kind of master data.
public struct MasterRepository<Value: Codable & Sendable & Hashable>: Sendable {
    public let store: Store
    public let table: MasterTable<Value>

    public var entity: EntityKind { table.entity }

    public func create(_ value: Value, validate: (Value) throws(DocketError) -> Void, by actor: Actor)
        async throws -> Stored<Value>
    {
        try validate(value)
        try await checkReferences(value)
        let statements = try createStatements(value, by: actor, at: store.clock.now(), first: 0) + [Store.bumpMasterRevision]
        do {
            let rows = try await store.engine.write(statements)
            return try table.stored(rows[0][0])
        } catch StoreError.uniqueViolation(let t, let columns) where t == table.table && columns == [table.keyColumn] {
            throw DocketError.duplicate(entity, field: table.keyField, value: table.key(value))
        }
    }

    /// The insert and its audit event, for a write whose statement `first` is the insert (its `id` is referred to).
    /// The write moves the master revision on once (`Store.bumpMasterRevision`), however many rows it creates.
    func createStatements(_ value: Value, by actor: Actor, at now: Timestamp, first: Int) throws -> [Statement] {
        [
            Statement(table.insertSQL, try table.encode(value) + [table.searchText(value).lowercased(), now], expect: .rows(1), label: table.table),
            store.audit("created", entity, id: Bind.result(statement: first, column: "id"), by: actor, at: now, data: try JSONColumn.encode(value)),
        ]
    }

    /// Replaces the editable fields, if the row is still at `version` (optimistic concurrency).
    public func update(
        id: ID<Value>, version: Int64, _ value: Value, validate: (Value) throws(DocketError) -> Void, by actor: Actor
    ) async throws -> Stored<Value> {
        try validate(value)
        let current = try await get(id: id)
        if table.key(current.value) != table.key(value) {
            throw DocketError.invalid(table.keyField, "immutable", ["value": table.key(current.value)])
        }
        if current.version != version {
            throw DocketError.versionConflict(entity, key: table.key(current.value), current: current.version)
        }
        try await checkReferences(value)
        let now = store.clock.now()
        let values = try table.encode(value).dropFirst()
        let statements = [
            Statement(
                table.updateSQL, [id, version] + Array(values) + [table.searchText(value).lowercased(), now],
                expect: .rows(1), label: "\(table.table).version"),
            store.audit("updated", entity, id: id, by: actor, at: now, data: try JSONColumn.encode(value)),
            Store.bumpMasterRevision,
        ]
        do {
            return try table.stored(try await store.engine.write(statements)[0][0])
        } catch StoreError.guardFailed {
            let latest = try await get(id: id)
            throw DocketError.versionConflict(entity, key: table.key(latest.value), current: latest.version)
        }
    }

    public func get(id: ID<Value>) async throws -> Stored<Value> {
        guard let row = try await store.engine.read(Statement(table.byIDSQL, [id])).first else {
            throw DocketError.notFound(entity, key: id.description)
        }
        return try table.stored(row)
    }

    public func get(key: String) async throws -> Stored<Value> {
        guard let row = try await store.engine.read(Statement(table.byKeySQL, [key])).first else {
            throw DocketError.notFound(entity, key: key)
        }
        return try table.stored(row)
    }

    public func list(_ query: ListQuery) async throws -> Page<Stored<Value>> {
        try query.validate()
        try table.checkSort(query)
        let page = table.listStatements(query)
        let results = try await store.engine.read([page.items, page.count])
        return Page(
            items: try results[0].map(table.stored), total: Int(try results[1][0].int("n")), limit: query.limit,
            offset: query.offset)
    }

    /// Archives (or restores) a row; history that refers to it stays intact. Idempotent.
    public func setArchived(id: ID<Value>, _ archived: Bool, by actor: Actor) async throws -> Stored<Value> {
        let now = store.clock.now()
        let statements = [
            Statement(table.archiveSQL, [id, archived, now], expect: .rows(1), label: "\(table.table).id"),
            store.audit(archived ? "archived" : "restored", entity, id: id, by: actor, at: now),
            Store.bumpMasterRevision,
        ]
        do {
            return try table.stored(try await store.engine.write(statements)[0][0])
        } catch StoreError.guardFailed {
            throw DocketError.notFound(entity, key: id.description)
        }
    }

    private func checkReferences(_ value: Value) async throws {
        let references = table.references(value)
        guard !references.isEmpty else { return }
        let results = try await store.engine.read(
            references.map { Statement(SQL("SELECT archived FROM \($0.table) WHERE \($0.column) = $1"), [$0.value]) })
        var v = Validator()
        for (reference, rows) in zip(references, results) {
            if rows.isEmpty {
                v.add(reference.field, "notFound", ["value": reference.value])
            } else if try rows[0].bool("archived") {
                v.add(reference.field, "archived", ["value": reference.value])
            }
        }
        try v.check()
    }
}

extension MasterRepository {
    public func create(_ value: Value, by actor: Actor) async throws -> Stored<Value> where Value: Validatable {
        try await create(value, validate: { (v: Value) throws(DocketError) in try v.validate() }, by: actor)
    }

    public func update(id: ID<Value>, version: Int64, _ value: Value, by actor: Actor) async throws -> Stored<Value>
    where Value: Validatable {
        try await update(id: id, version: version, value, validate: { (v: Value) throws(DocketError) in try v.validate() }, by: actor)
    }
}
