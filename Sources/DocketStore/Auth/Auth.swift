import Crypto
import DocketCore
import Foundation
import HummingbirdBcrypt

/// Who a request is: a signed-in user through a session cookie, or an integration through an API token.
public struct Identity: Sendable, Hashable {
    public enum Via: String, Sendable, Hashable { case session, apiToken }
    public var user: StoredUser
    public var via: Via
    /// The session's CSRF token; nil for API tokens, which are not sent by browsers automatically.
    public var csrfToken: String?
    public var sessionID: Int64?

    public var roles: Set<Role> { Set(user.user.roles) }
    public var actor: Actor { Actor(via == .session ? .user : .api, user.user.username) }
}

/// Session lifetimes and login throttling. Defaults suit an office: a day's work, signed out after 2 h idle.
public struct AuthPolicy: Sendable, Hashable {
    public var idleTimeoutMilliseconds: Int64 = 2 * 3_600_000
    public var absoluteTimeoutMilliseconds: Int64 = 12 * 3_600_000
    /// `last_seen_at` is written at most this often, so reading pages does not turn into writes.
    public var touchIntervalMilliseconds: Int64 = 60_000
    public var throttleWindowMilliseconds: Int64 = 15 * 60_000
    public var maximumFailuresPerAccount = 5
    public var maximumFailuresPerAddress = 20

    public init() {}
}

public enum LoginResult: Sendable {
    /// `token` goes into the cookie; only its hash is stored.
    case success(token: String, identity: Identity)
    case invalidCredentials
    /// Too many recent failures for this account or this address.
    case throttled
}

/// An API token as listed (never the token itself, only its first characters).
public struct APIToken: Sendable, Codable, Hashable {
    public var id: Int64
    public var name: String
    public var prefix: String
    public var createdAt: Timestamp
    public var lastUsedAt: Timestamp?
    public var revoked: Bool
}

public enum Secret {
    /// 256 random bits, base64url without padding (43 characters).
    public static func make() -> String {
        // Four draws of the system generator (one `getrandom` each) rather than 32.
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return base64URL(bytes)
    }

    /// base64url (RFC 4648 §5) without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            let remaining = bytes.count - index
            let characters = remaining >= 3 ? 4 : remaining + 1
            for position in 0..<characters { out.append(alphabet[Int(group >> UInt32(18 - 6 * position) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// SHA-256 of the text, as 64 lowercase hex digits.
    public static func hash(_ token: String) -> String {
        hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// Lowercase hex of the bytes (a digest, an HMAC).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares without an early exit, so timing says nothing about how much matched.
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

extension Store {
    /// A bcrypt hash nobody's password matches, checked for unknown users so a failed login takes as long
    /// whether or not the account exists.
    static let dummyHash = Bcrypt.hash("docket-no-such-user", cost: Store.bcryptCost)

    /// Takes (and holds to the end of the write) the lock of one throttle key: PostgreSQL's upsert waits for a
    /// concurrent holder to commit; SQLite runs one write at a time anyway.
    /// Tries that are throttled (signing in; looking an order up by number and phone): each is counted as a failure
    /// before it is checked, in one write that first locks the address's and the key's throttle rows (always in that
    /// order), so concurrent tries on one key are counted one after the other and no burst gets more than allowed;
    /// a success is marked afterwards.
    struct Attempts {
        /// The table (`occurred_at`, the key column, `ip`, `succeeded`), its key column, and the throttle rows' prefixes.
        var table: String
        var keyColumn: String
        var keyLock: String
        var addressLock: String

        static let logins = Attempts(table: "login_attempts", keyColumn: "username", keyLock: "user:", addressLock: "ip:")
        /// Keyed `order:<number>`.
        static let lookups = Attempts(table: "lookup_attempts", keyColumn: "subject", keyLock: "", addressLock: "lookup-ip:")

        /// Counts a try of `key` from `ip`: its id, or nil when the key or the address had too many failures since `since`.
        func count(
            key: String, ip: String, at now: Timestamp, since: Timestamp, maximumPerKey: Int, maximumPerAddress: Int, in engine: any StoreEngine
        ) async throws -> Int64? {
            let counted = try await engine.write([
                Store.throttleLock(addressLock + ip, at: now),
                Store.throttleLock(keyLock + key, at: now),
                Statement(
                    SQL(
                        """
                        INSERT INTO \(table) (occurred_at, \(keyColumn), ip, succeeded)
                        SELECT $1, $2, $3, FALSE
                        WHERE (SELECT COUNT(*) FROM \(table) WHERE \(keyColumn) = $2 AND succeeded = FALSE AND occurred_at > $4) < $5
                          AND (SELECT COUNT(*) FROM \(table) WHERE ip = $3 AND succeeded = FALSE AND occurred_at > $4) < $6
                        RETURNING id
                        """), [now, key, ip, since, maximumPerKey, maximumPerAddress]),
            ])
            return counted[2].first?.optionalInt("id")
        }

        func succeeded(_ id: Int64) -> Statement {
            Statement(SQL("UPDATE \(table) SET succeeded = TRUE WHERE id = $1"), [id], expect: .rows(1))
        }
    }

    static func throttleLock(_ key: String, at now: Timestamp) -> Statement {
        Statement(
            """
            INSERT INTO login_throttles (key, touched_at) VALUES ($1, $2)
            ON CONFLICT (key) DO UPDATE SET touched_at = excluded.touched_at
            """, [String(key.prefix(200)), now])
    }

    static func apiToken(_ row: SQLRow) throws -> APIToken {
        APIToken(
            id: try row.int("id"), name: try row.text("name"), prefix: try row.text("prefix"),
            createdAt: try row.timestamp("created_at"), lastUsedAt: row.optionalInt("last_used_at").map(Timestamp.init),
            revoked: row.optionalInt("revoked_at") != nil)
    }
}

extension AuthRepository {

    /// Signs a user in: throttles, checks the password, records the attempt and the audit event, and opens a
    /// new session (a new token at every login: no session fixation).
    public func login(username: String, password: String, ip: String, userAgent: String?, policy: AuthPolicy = AuthPolicy())
        async throws -> LoginResult
    {
        let now = clock.now()
        let since = now.adding(milliseconds: -policy.throttleWindowMilliseconds)
        let name = String(username.prefix(100))
        let loginData = try JSONColumn.encode(["username": name, "ip": ip])
        // The attempt is counted before the password is checked, as a failure until it succeeds (`Attempts`).
        let attempts = Store.Attempts.logins
        guard
            let attemptID = try await attempts.count(
                key: name, ip: ip, at: now, since: since, maximumPerKey: policy.maximumFailuresPerAccount,
                maximumPerAddress: policy.maximumFailuresPerAddress, in: engine)
        else {
            _ = try await engine.write([
                audit("loginThrottled", .user, id: Optional<Int64>.none, by: Actor(.user, username), at: now, data: loginData)
            ])
            return .throttled
        }
        let row = try await engine.read(Statement("SELECT * FROM users WHERE username = $1", [username])).first
        let hash = try row.map { try $0.text("password_hash") } ?? Store.dummyHash
        let matches = await Task.detached { Bcrypt.verify(password, hash: hash) }.value
        guard let row, matches, try row.bool("active") else {
            _ = try await engine.write([
                audit("loginFailed", .user, id: row.flatMap { $0.optionalInt("id") }, by: Actor(.user, username), at: now, data: loginData)
            ])
            return .invalidCredentials
        }
        let user = try Store.user(row)
        let token = Secret.make()
        let csrf = Secret.make()
        let results = try await engine.write([
            attempts.succeeded(attemptID),
            Statement(
                """
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
                VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id
                """,
                [Secret.hash(token), user.id, csrf, now, now.adding(milliseconds: policy.absoluteTimeoutMilliseconds), ip,
                 userAgent.map { String($0.prefix(300)) }],
                expect: .rows(1)),
            audit("login", .user, id: user.id, by: Actor(.user, username), at: now, data: loginData),
        ])
        let identity = Identity(user: user, via: .session, csrfToken: csrf, sessionID: try results[1][0].int("id"))
        return .success(token: token, identity: identity)
    }

    /// The identity behind a session cookie, if the session is live (not revoked, not idle or expired, user active).
    public func identity(sessionToken token: String, policy: AuthPolicy = AuthPolicy()) async throws -> Identity? {
        let now = clock.now()
        let rows = try await engine.read(
            Statement(
                """
                SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, s.expires_at, s.revoked_at, u.*
                FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1
                """, [Secret.hash(token)]))
        guard let row = rows.first, row.optionalInt("revoked_at") == nil, try row.bool("active") else { return nil }
        let lastSeen = try row.int("last_seen_at")
        guard try row.int("expires_at") > now.millisecondsSince1970,
            lastSeen + policy.idleTimeoutMilliseconds > now.millisecondsSince1970
        else { return nil }
        let sessionID = try row.int("session_id")
        if now.millisecondsSince1970 - lastSeen >= policy.touchIntervalMilliseconds {
            _ = try await engine.write(
                Statement("UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND revoked_at IS NULL", [sessionID, now]))
        }
        return Identity(user: try Store.user(row), via: .session, csrfToken: try row.text("csrf_token"), sessionID: sessionID)
    }

    /// Ends a session (logout). Idempotent.
    public func logout(sessionToken token: String, by actor: Actor) async throws {
        let now = clock.now()
        let rows = try await engine.write([
            Statement(
                "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING user_id",
                [Secret.hash(token), now])
        ])
        if let user = rows[0].first?.optionalInt("user_id") {
            _ = try await engine.write([audit("logout", .user, id: user, by: actor, at: now)])
        }
    }

    /// Records a refused request in the audit log.
    public func recordDenial(_ actor: Actor, userID: Int64?, method: String, path: String) async throws {
        _ = try await engine.write([
            audit("denied", .user, id: userID, by: actor, at: clock.now(),
                data: try JSONColumn.encode(["method": method, "path": String(path.prefix(300))]))
        ])
    }

    // MARK: API tokens

    /// Creates an API token for a user. The token is returned once; only its hash is kept.
    public func createAPIToken(for user: ID<User>, name: String, by actor: Actor) async throws -> (token: String, info: APIToken) {
        var v = Validator()
        v.text(name, "name", max: 60)
        try v.check()
        let token = "dkt_" + Secret.make()
        let now = clock.now()
        let rows = try await engine.write([
            Statement(
                "INSERT INTO api_tokens (token_hash, user_id, name, prefix, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *",
                [Secret.hash(token), user, name, String(token.prefix(10)), now], expect: .rows(1)),
            audit("tokenCreated", .user, id: user, by: actor, at: now, data: try JSONColumn.encode(["name": name])),
        ])
        return (token, try Store.apiToken(rows[0][0]))
    }

    public func apiTokens(for user: ID<User>) async throws -> [APIToken] {
        try await engine.read(Statement("SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY id", [user])).map(Store.apiToken)
    }

    public func revokeAPIToken(_ id: Int64, of user: ID<User>, by actor: Actor) async throws {
        let now = clock.now()
        do {
            _ = try await engine.write([
                Statement(
                    "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
                    [id, user, now], expect: .rows(1)),
                audit("tokenRevoked", .user, id: user, by: actor, at: now),
            ])
        } catch StoreError.guardFailed {
            throw DocketError.notFound(.user, key: "token \(id)")
        }
    }

    /// The identity behind an API token, if it is live and its user active.
    public func identity(apiToken token: String, policy: AuthPolicy = AuthPolicy()) async throws -> Identity? {
        let rows = try await engine.read(
            Statement(
                """
                SELECT t.id AS token_id, t.revoked_at, t.last_used_at, u.*
                FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1
                """, [Secret.hash(token)]))
        guard let row = rows.first, row.optionalInt("revoked_at") == nil, try row.bool("active") else { return nil }
        let now = clock.now()
        if now.millisecondsSince1970 - (row.optionalInt("last_used_at") ?? 0) >= policy.touchIntervalMilliseconds {
            _ = try await engine.write(
                Statement("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", [try row.int("token_id"), now]))
        }
        return Identity(user: try Store.user(row), via: .apiToken, csrfToken: nil, sessionID: nil)
    }

    // MARK: User administration

    public func user(id: ID<User>) async throws -> StoredUser {
        guard let row = try await engine.read(Statement("SELECT * FROM users WHERE id = $1", [id])).first else {
            throw DocketError.notFound(.user, key: id.description)
        }
        return try Store.user(row)
    }

    /// Changes a user's name, roles, language or active flag (not the user name), if still at `version`.
    /// Deactivating a user ends their sessions.
    public func updateUser(_ id: ID<User>, version: Int64, _ user: User, by actor: Actor) async throws -> StoredUser {
        try user.validate(password: nil)
        let current = try await self.user(id: id)
        if current.user.username != user.username {
            throw DocketError.invalid("username", "immutable", ["value": current.user.username])
        }
        let now = clock.now()
        var statements = [
            Statement(
                """
                UPDATE users SET display_name = $3, roles = $4, language = $5, active = $6, search_text = $7,
                    version = version + 1, updated_at = $8
                WHERE id = $1 AND version = $2 RETURNING *
                """,
                [id, version, user.displayName, user.roles.map(\.rawValue).joined(separator: ","), user.language.rawValue,
                 user.active, "\(user.username) \(user.displayName)".lowercased(), now],
                expect: .rows(1), label: "users.version"),
            audit("updated", .user, id: id, by: actor, at: now, data: try JSONColumn.encode(user)),
        ]
        if !user.active {
            statements.append(
                Statement("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [id, now]))
        }
        do {
            return try Store.user(try await engine.write(statements)[0][0])
        } catch StoreError.guardFailed {
            let latest = try await self.user(id: id)
            throw DocketError.versionConflict(.user, key: latest.user.username, current: latest.version)
        }
    }

    /// Only the language, as the user's own choice from the language switch.
    public func setLanguage(_ language: Language, for id: ID<User>, by actor: Actor) async throws {
        let now = clock.now()
        _ = try await engine.write([
            Statement("UPDATE users SET language = $2, updated_at = $3 WHERE id = $1", [id, language.rawValue, now], expect: .rows(1)),
            audit("languageChanged", .user, id: id, by: actor, at: now, data: try JSONColumn.encode(["language": language.rawValue])),
        ])
    }

    /// Sets a new password and ends every session of the user.
    public func setPassword(_ password: String, for id: ID<User>, by actor: Actor) async throws {
        var v = Validator()
        if password.count < User.minimumPasswordLength {
            v.add("password", "weakPassword", ["min": String(User.minimumPasswordLength)])
        }
        try v.check()
        let hash = await Task.detached { Bcrypt.hash(password, cost: Store.bcryptCost) }.value
        let now = clock.now()
        _ = try await engine.write([
            Statement("UPDATE users SET password_hash = $2, version = version + 1, updated_at = $3 WHERE id = $1",
                [id, hash, now], expect: .rows(1)),
            Statement("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [id, now]),
            audit("passwordChanged", .user, id: id, by: actor, at: now),
        ])
    }
}
