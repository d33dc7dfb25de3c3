import DocketCore

/// A location as kept, with its warehouse.
public struct StoredLocation: Sendable, Codable, Hashable {
    public var id: ID<Location>
    public var warehouseId: ID<Warehouse>
    public var version: Int64
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var location: Location

    private enum CodingKeys: String, CodingKey { case id, warehouseId, version, createdAt, updatedAt }

    init(_ row: SQLRow) throws {
        id = try row.id()
        warehouseId = try row.id("warehouse_id")
        version = try row.int("version")
        createdAt = try row.timestamp("created_at")
        updatedAt = try row.timestamp("updated_at")
        location = Location(
            code: try row.text("code"), name: row.optionalText("name"), zone: row.optionalText("zone"),
            active: try row.bool("active"))
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ID<Location>.self, forKey: .id)
        warehouseId = try c.decode(ID<Warehouse>.self, forKey: .warehouseId)
        version = try c.decode(Int64.self, forKey: .version)
        createdAt = try c.decode(Timestamp.self, forKey: .createdAt)
        updatedAt = try c.decode(Timestamp.self, forKey: .updatedAt)
        location = try Location(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(warehouseId, forKey: .warehouseId)
        try c.encode(version, forKey: .version)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try location.encode(to: encoder)
    }
}

extension StockRepository {
    /// Locations (库位) of a warehouse, in code order.
    public func locations(in warehouse: ID<Warehouse>) async throws -> [StoredLocation] {
        _ = try await store.warehouses.get(id: warehouse)
        return try await engine.read(
            Statement("SELECT * FROM locations WHERE warehouse_id = $1 ORDER BY code", [warehouse])
        ).map(StoredLocation.init)
    }

    public func createLocation(_ location: Location, in warehouse: ID<Warehouse>, by actor: Actor) async throws
        -> StoredLocation
    {
        try location.validate()
        let owner = try await store.warehouses.get(id: warehouse)
        if owner.archived { throw DocketError.archived(.warehouse, key: owner.value.code) }
        do {
            let rows = try await engine.write(try locationStatements(location, in: warehouse, by: actor, at: clock.now(), first: 0))
            return try StoredLocation(rows[0][0])
        } catch StoreError.uniqueViolation(table: "locations", _) {
            throw DocketError.duplicate(.location, field: "code", value: location.code)
        }
    }

    /// The insert of a location and its audit event; statement `first` of the write is the insert.
    func locationStatements(_ location: Location, in warehouse: any SQLBindable, by actor: Actor, at now: Timestamp, first: Int) throws
        -> [Statement]
    {
        [
            Statement(
                """
                INSERT INTO locations (warehouse_id, code, name, zone, active, version, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING *
                """, [warehouse, location.code, location.name, location.zone, location.active, now],
                expect: .rows(1)),
            audit(
                "created", .location, id: Bind.result(statement: first, column: "id"), by: actor, at: now,
                data: try JSONColumn.encode(location)),
        ]
    }

    /// Renames, re-zones or (de)activates a location; its code is fixed.
    public func updateLocation(
        _ id: ID<Location>, in warehouse: ID<Warehouse>, version: Int64, _ location: Location, by actor: Actor
    ) async throws -> StoredLocation {
        try location.validate()
        let now = clock.now()
        let statements = [
            Statement(
                """
                UPDATE locations SET name = $4, zone = $5, active = $6, version = version + 1, updated_at = $7
                WHERE id = $1 AND warehouse_id = $2 AND version = $3 AND code = $8 RETURNING *
                """, [id, warehouse, version, location.name, location.zone, location.active, now, location.code],
                expect: .rows(1), label: "locations.version"),
            audit("updated", .location, id: id, by: actor, at: now, data: try JSONColumn.encode(location)),
        ]
        do {
            return try StoredLocation(try await engine.write(statements)[0][0])
        } catch StoreError.guardFailed {
            let rows = try await engine.read(
                Statement("SELECT * FROM locations WHERE id = $1 AND warehouse_id = $2", [id, warehouse]))
            guard let row = rows.first else { throw DocketError.notFound(.location, key: id.description) }
            let current = try StoredLocation(row)
            if current.location.code != location.code {
                throw DocketError.invalid("code", "immutable", ["value": current.location.code])
            }
            throw DocketError.versionConflict(.location, key: current.location.code, current: current.version)
        }
    }
}
