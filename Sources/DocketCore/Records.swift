/// Who did something: a signed-in user, an integration, the CLI or the system itself (timers, rules).
public struct Actor: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: Kind
    public var name: String

    public enum Kind: String, Sendable, Codable { case user, api, cli, system, customer }

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public static let system = Actor(.system, "system")
    public static func cli(_ name: String = "cli") -> Actor { Actor(.cli, name) }

    /// The stored form, `user:alice`.
    public var description: String { "\(kind.rawValue):\(name)" }

    public init?(stored: String) {
        guard let colon = stored.firstIndex(of: ":"), let kind = Kind(rawValue: String(stored[..<colon])) else {
            return nil
        }
        self.init(kind, String(stored[stored.index(after: colon)...]))
    }
}

/// A master-data value as kept: its id, optimistic-concurrency version and bookkeeping times, with the
/// editable fields flattened beside them in JSON.
public struct Stored<Value: Codable & Sendable>: Sendable, Codable {
    public var id: ID<Value>
    public var version: Int64
    public var archived: Bool
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var value: Value

    public init(
        id: ID<Value>, version: Int64, archived: Bool, createdAt: Timestamp, updatedAt: Timestamp, value: Value
    ) {
        self.id = id
        self.version = version
        self.archived = archived
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.value = value
    }

    private enum CodingKeys: String, CodingKey { case id, version, archived, createdAt, updatedAt }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ID<Value>.self, forKey: .id)
        version = try c.decode(Int64.self, forKey: .version)
        archived = try c.decode(Bool.self, forKey: .archived)
        createdAt = try c.decode(Timestamp.self, forKey: .createdAt)
        updatedAt = try c.decode(Timestamp.self, forKey: .updatedAt)
        value = try Value(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(version, forKey: .version)
        try c.encode(archived, forKey: .archived)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try value.encode(to: encoder)
    }
}

/// A page of a list, with the total count so a UI can show "1–50 of 213".
public struct Page<Item: Sendable & Codable>: Sendable, Codable {
    public var items: [Item]
    public var total: Int
    /// True when counting stopped at `total`: there are more (a list of millions is counted only
    /// `Page.countAhead` rows past the page, so that it opens in a millisecond).
    public var totalCapped: Bool
    public var limit: Int
    public var offset: Int

    /// Rows counted past a page's offset before a list stops counting and says "more than".
    public static var countAhead: Int { 10_000 }

    public init(items: [Item], total: Int, totalCapped: Bool = false, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.totalCapped = totalCapped
        self.limit = limit
        self.offset = offset
    }

    /// A page whose rows were counted at most `countAhead + 1` past `offset` (`counted`).
    public init(items: [Item], counted: Int, limit: Int, offset: Int) {
        let cap = offset + Self.countAhead
        self.init(items: items, total: min(counted, cap), totalCapped: counted > cap, limit: limit, offset: offset)
    }
}

/// Paging and search for list endpoints. `search` matches codes and names (contains, case-insensitive).
public struct ListQuery: Sendable, Hashable {
    public var search: String?
    public var limit: Int
    public var offset: Int
    public var includeArchived: Bool
    /// A field the list may be sorted by (each kind of record says which), and the direction.
    public var sort: String?
    public var descending = false

    public static let maximumLimit = 200

    public init(search: String? = nil, limit: Int = 50, offset: Int = 0, includeArchived: Bool = false) {
        let trimmed = search?.trimmingSpaces()
        self.search = trimmed?.isEmpty == false ? trimmed : nil
        self.limit = limit
        self.offset = offset
        self.includeArchived = includeArchived
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.range(limit, "limit", 1...ListQuery.maximumLimit)
        v.range(offset, "offset", 0...Int(Int32.max))
        v.optionalText(search, "q", max: 100)
        try v.check()
    }

    /// The SQL `LIKE` pattern for `search`, with `%`, `_` and `\` escaped (use `ESCAPE '\'`).
    public var likePattern: String? {
        guard let search else { return nil }
        var escaped = ""
        for c in search.lowercased() {
            if c == "%" || c == "_" || c == "\\" { escaped.append("\\") }
            escaped.append(c)
        }
        return "%" + escaped + "%"
    }
}

/// Decoding helpers so optional JSON members may be left out.
extension KeyedDecodingContainer {
    func decode<T: Decodable>(_ key: Key, default value: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? value()
    }
}
