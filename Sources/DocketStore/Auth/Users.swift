import DocketCore
import HummingbirdBcrypt

/// A user as kept; the password hash stays inside the store.
public struct StoredUser: Sendable, Codable, Hashable {
    public var id: ID<User>
    public var version: Int64
    public var createdAt: Timestamp
    public var user: User
}

extension Store {
    /// bcrypt cost for new passwords (OWASP: at least 12).
    public static let bcryptCost: UInt8 = 12

    static func user(_ row: SQLRow) throws -> StoredUser {
        let roles = try row.text("roles").split(separator: ",").compactMap { Role(rawValue: String($0)) }
        return StoredUser(
            id: try row.id(), version: try row.int("version"), createdAt: try row.timestamp("created_at"),
            user: User(
                username: try row.text("username"), displayName: try row.text("display_name"), roles: roles,
                language: Language(rawValue: try row.text("language")) ?? .zhCN, active: try row.bool("active")))
    }
}

extension AuthRepository {

    /// Adds a user with a bcrypt-hashed password.
    public func addUser(_ user: User, password: String, by actor: Actor) async throws -> StoredUser {
        try user.validate(password: password)
        // Hashing takes ~0.25 s at cost 12: keep it off the cooperative pool's hot threads' critical path.
        let hash = await Task.detached { Bcrypt.hash(password, cost: Store.bcryptCost) }.value
        let now = clock.now()
        do {
            let rows = try await engine.write([
                Statement(
                    """
                    INSERT INTO users (username, display_name, password_hash, roles, language, active, search_text,
                                       archived, version, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, 1, $8, $8) RETURNING *
                    """,
                    [
                        user.username, user.displayName, hash, user.roles.map(\.rawValue).joined(separator: ","),
                        user.language.rawValue, user.active, "\(user.username) \(user.displayName)".lowercased(), now,
                    ], expect: .rows(1)),
                audit(
                    "created", .user, id: Bind.result(statement: 0, column: "id"), by: actor, at: now,
                    data: try JSONColumn.encode(user)),
            ])
            return try Store.user(rows[0][0])
        } catch StoreError.uniqueViolation(table: "users", _) {
            throw DocketError.duplicate(.user, field: "username", value: user.username)
        }
    }

    public func user(named username: String) async throws -> StoredUser {
        guard let row = try await engine.read(Statement("SELECT * FROM users WHERE username = $1", [username])).first
        else { throw DocketError.notFound(.user, key: username) }
        return try Store.user(row)
    }

    /// Checks a password against the stored hash; nil when the user is unknown, inactive or the password wrong.
    public func authenticate(username: String, password: String) async throws -> StoredUser? {
        guard let row = try await engine.read(Statement("SELECT * FROM users WHERE username = $1", [username])).first
        else { return nil }
        let hash = try row.text("password_hash")
        let matches = await Task.detached { Bcrypt.verify(password, hash: hash) }.value
        let user = try Store.user(row)
        return matches && user.user.active ? user : nil
    }

    public func users() async throws -> [StoredUser] {
        try await engine.read(Statement("SELECT * FROM users ORDER BY username")).map(Store.user)
    }
}

extension AuthRepository {
    /// The names behind stored actors (and of the customers given), read in one snapshot, for pages that show
    /// who did what.
    public func people(for actors: [String], customers: [String] = []) async throws -> People {
        let wanted = People.wanted(actors)
        func lookup(_ sql: String, _ keys: Set<String>) -> Statement {
            if keys.isEmpty { return Statement("SELECT '' AS k, '' AS v WHERE 1 = 0") }
            var where_ = Conditions()
            let list = where_.list(Array(keys.prefix(500)))
            return Statement(SQL(sql + " IN " + list), where_.binds, cached: false)
        }
        let rows = try await engine.read([
            lookup("SELECT username AS k, display_name AS v FROM users WHERE username", wanted.users),
            lookup("SELECT code AS k, name AS v FROM customers WHERE code", wanted.customers.union(customers)),
            lookup("SELECT code AS k, name AS v FROM review_rules WHERE code", wanted.rules),
        ])
        func map(_ rows: [SQLRow]) throws -> [String: String] {
            Dictionary(try rows.map { (try $0.text("k"), try $0.text("v")) }, uniquingKeysWith: { first, _ in first })
        }
        return People(users: try map(rows[0]), customers: try map(rows[1]), rules: try map(rows[2]))
    }
}
