import DocketCore
import Foundation

/// A value bound into, or read out of, SQL. The two engines agree on these few types.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)
}

/// Anything that can be bound as a statement parameter.
public protocol SQLBindable: Sendable {
    var bind: Bind { get }
}

/// A parameter: a value, or a column of the first row returned by an earlier statement of the same write
/// (e.g. the id of a row just inserted), resolved inside the transaction.
public enum Bind: Sendable, Hashable, SQLBindable {
    case value(SQLValue)
    case result(statement: Int, column: String)

    public var bind: Bind { self }
}

extension SQLValue: SQLBindable { public var bind: Bind { .value(self) } }
extension Int64: SQLBindable { public var bind: Bind { .value(.integer(self)) } }
extension Int: SQLBindable { public var bind: Bind { .value(.integer(Int64(self))) } }
extension String: SQLBindable { public var bind: Bind { .value(.text(self)) } }
extension Bool: SQLBindable { public var bind: Bind { .value(.bool(self)) } }
extension Double: SQLBindable { public var bind: Bind { .value(.real(self)) } }
extension Timestamp: SQLBindable { public var bind: Bind { .value(.integer(millisecondsSince1970)) } }
extension CalendarDate: SQLBindable { public var bind: Bind { .value(.text(iso8601)) } }
extension ID: SQLBindable { public var bind: Bind { .value(.integer(rawValue)) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var bind: Bind { self?.bind ?? .value(.null) }
}

/// SQL text for both dialects. Written once with PostgreSQL's `$1` placeholders; SQLite gets `?1`, which
/// binds by the same number, so one text serves both wherever the dialects agree.
public struct SQL: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let postgres: String
    public let sqlite: String
    /// Written once for both dialects (not `init(postgres:sqlite:)`): such a text can be rewritten in one place.
    let oneText: Bool

    public init(_ text: String) {
        postgres = text
        sqlite = SQL.sqlitePlaceholders(text)
        oneText = true
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// For the rare statement the dialects disagree on.
    public init(postgres: String, sqlite: String) {
        self.postgres = postgres
        self.sqlite = SQL.sqlitePlaceholders(sqlite)
        oneText = false
    }

    public func text(_ dialect: SQLDialect) -> String { dialect == .postgres ? postgres : sqlite }
    public var description: String { postgres }

    /// `$1` → `?1`, byte by byte (ASCII only changes; the rest of the text is copied as it is).
    private static func sqlitePlaceholders(_ text: String) -> String {
        // One copy, made only when there is a placeholder: every statement a write builds passes here.
        var source = text
        let translated = source.withUTF8 { bytes -> String? in
            guard !bytes.isEmpty, memchr(bytes.baseAddress!, Int32(UInt8(ascii: "$")), bytes.count) != nil else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                _ = buffer.initialize(fromContentsOf: bytes)
                for index in 0..<(bytes.count - 1) where bytes[index] == UInt8(ascii: "$") && (48...57).contains(bytes[index + 1]) {
                    buffer[index] = UInt8(ascii: "?")
                }
                return bytes.count
            }
        }
        return translated ?? text
    }
}

public enum SQLDialect: String, Sendable { case sqlite, postgres }

/// What a write expects of a statement. A guard that does not hold aborts and rolls back the whole write.
public enum Expectation: Sendable, Hashable {
    /// Anything goes.
    case any
    /// Exactly this many rows changed (or returned, for `RETURNING`).
    case rows(Int)
    /// At least one row.
    case someRows
}

/// One statement of a read or a write.
public struct Statement: Sendable {
    public var sql: SQL
    public var binds: [Bind]
    public var expect: Expectation
    /// Names the guard in errors, e.g. `customers.version`.
    public var label: String
    /// DDL and one-off statements are not worth a slot in the statement cache.
    public var cached: Bool

    public init(_ sql: SQL, _ binds: [any SQLBindable] = [], expect: Expectation = .any, label: String = "", cached: Bool = true) {
        self.sql = sql
        self.binds = binds.map(\.bind)
        self.expect = expect
        self.label = label.isEmpty ? String(sql.postgres.prefix(60)) : label
        self.cached = cached
    }
}

extension Statement {
    /// One INSERT of many rows of one shape, instead of a statement (and on PostgreSQL a round trip) per row:
    /// `head` is `INSERT INTO t (a, b, …)`, `row` one row's VALUES tuple numbering its binds from $1; each row's
    /// binds in order. Rows are inserted (and numbered by the id sequence) in the order given.
    static func insert(_ head: String, row: String, rows: [[any SQLBindable]], label: String) -> Statement {
        var binds: [any SQLBindable] = []
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        for values in rows {
            tuples.append(renumbered(row, from: binds.count))
            binds += values
        }
        return Statement(SQL(head + " VALUES " + tuples.joined(separator: ", ")), binds, expect: .rows(rows.count), label: label)
    }

    /// `template` with every placeholder `$n` made `$(n + offset)`.
    static func renumbered(_ template: String, from offset: Int) -> String {
        guard offset > 0 else { return template }
        return placeholdersReplaced(in: template) { "$\($0 + offset)" }
    }

    /// `template` with every placeholder `$n` replaced by `replacement(n)`; the rest of the text byte for byte.
    static func placeholdersReplaced(in template: String, by replacement: (Int) -> String) -> String {
        var out: [UInt8] = []
        let bytes = Array(template.utf8)
        out.reserveCapacity(bytes.count + 8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "$"), i + 1 < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i + 1]) else {
                out.append(byte)
                i += 1
                continue
            }
            var j = i + 1
            var number = 0
            while j < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[j]) {
                number = number * 10 + Int(bytes[j] - UInt8(ascii: "0"))
                j += 1
            }
            out += Array(replacement(number).utf8)
            i = j
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A row read back: column names shared by every row of a result, values by position.
public struct SQLRow: Sendable {
    public let columns: ColumnIndex
    public let values: [SQLValue]

    public init(columns: ColumnIndex, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(_ name: String) -> SQLValue {
        guard let index = columns.positions[name] else { return .null }
        return values[index]
    }

    public func has(_ name: String) -> Bool { columns.positions[name] != nil }

    public func int(_ name: String) throws -> Int64 {
        guard let value = optionalInt(name) else { throw StoreError.decoding(column: name) }
        return value
    }

    public func optionalInt(_ name: String) -> Int64? {
        switch self[name] {
        case .integer(let v): v
        case .real(let v): Int64(exactly: v)
        case .bool(let v): v ? 1 : 0
        case .text(let v): Int64(v)
        case .null: nil
        }
    }

    public func text(_ name: String) throws -> String {
        guard let value = optionalText(name) else { throw StoreError.decoding(column: name) }
        return value
    }

    public func optionalText(_ name: String) -> String? {
        switch self[name] {
        case .text(let v): v
        case .integer(let v): String(v)
        default: nil
        }
    }

    public func bool(_ name: String) throws -> Bool {
        switch self[name] {
        case .bool(let v): return v
        case .integer(let v): return v != 0
        default: throw StoreError.decoding(column: name)
        }
    }

    public func optionalDouble(_ name: String) -> Double? {
        switch self[name] {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }

    public func timestamp(_ name: String) throws -> Timestamp { Timestamp(millisecondsSince1970: try int(name)) }

    public func optionalDate(_ name: String) throws -> CalendarDate? {
        guard let text = optionalText(name) else { return nil }
        guard let date = CalendarDate.parse(text) else { throw StoreError.decoding(column: name) }
        return date
    }

    public func id<T>(_ name: String = "id") throws -> ID<T> { ID(try int(name)) }
}

/// Column name → position, built once per result.
public final class ColumnIndex: Sendable {
    public let names: [String]
    let positions: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
        self.positions = positions
    }
}

/// Errors from the persistence layer, normalised across engines.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A UNIQUE constraint on these columns of this table refused the write.
    case uniqueViolation(table: String, columns: [String])
    case foreignKeyViolation(detail: String)
    case checkViolation(constraint: String)
    /// A write's guard did not hold (a concurrent change, or a row that is not there).
    case guardFailed(label: String)
    /// A column was missing or of an unexpected type.
    case decoding(column: String)
    /// The database could not be reached or refused the connection.
    case unavailable(detail: String)
    /// The configuration names an engine or URL that cannot be used.
    case configuration(String)
    /// A text value holds NUL, which PostgreSQL cannot store: refused on both engines alike (input checks name
    /// the field before this; this is the floor under them).
    case invalidText

    public var description: String {
        switch self {
        case .uniqueViolation(let table, let columns): "unique violation on \(table)(\(columns.joined(separator: ", ")))"
        case .foreignKeyViolation(let detail): "foreign key violation: \(detail)"
        case .checkViolation(let constraint): "check constraint \(constraint) failed"
        case .guardFailed(let label): "guard failed: \(label)"
        case .decoding(let column): "cannot decode column \(column)"
        case .unavailable(let detail): "database unavailable: \(detail)"
        case .configuration(let detail): detail
        case .invalidText: "text with a NUL character"
        }
    }
}

/// One database engine. `Store` holds all the logic; an engine only runs statements atomically.
public protocol StoreEngine: Sendable {
    var dialect: SQLDialect { get }

    /// Runs the statements in order and returns each one's rows; more than one statement share a snapshot.
    func read(_ statements: [Statement]) async throws -> [[SQLRow]]

    /// Runs the statements in one transaction, checking each guard and resolving `Bind.result` references.
    /// Any failure rolls the whole transaction back. Transient conflicts (PostgreSQL 40001/40P01) are retried.
    func write(_ statements: [Statement]) async throws -> [[SQLRow]]

    /// Releases connections. The engine must not be used afterwards.
    func close() async throws

    /// The schema changed (a migration ran): connections that read the old one must not answer with it.
    func schemaChanged() async

    /// The master rows this engine has read, by master revision (`Store.snapshot`).
    var masterSnapshots: MasterSnapshots { get }

    /// Whether a write's statements run as one statement where they can (PostgreSQL's `FusedWrite`): a hot row
    /// locked by an early statement is then held no longer than by a late one in a write of a round trip each.
    var writesInOneStatement: Bool { get }
}

extension StoreEngine {
    public func schemaChanged() async {}
    public var writesInOneStatement: Bool { false }

    public func read(_ statement: Statement) async throws -> [SQLRow] { try await read([statement])[0] }
    public func write(_ statement: Statement) async throws -> [SQLRow] { try await write([statement])[0] }
}

/// Resolves `Bind.result` references against the rows of the statements already run.
func resolve(_ binds: [Bind], results: [[SQLRow]]) throws -> [SQLValue] {
    try binds.map { bind in
        switch bind {
        case .value(.text(let text)) where containsNUL(text):
            throw StoreError.invalidText
        case .value(let value):
            return value
        case .result(let index, let column):
            guard index < results.count, let row = results[index].first, row.has(column) else {
                throw StoreError.guardFailed(label: "reference to statement \(index).\(column)")
            }
            return row[column]
        }
    }
}

/// Whether the text holds a NUL byte (PostgreSQL refuses one in text; SQLite would cut the text there).
private func containsNUL(_ text: String) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { bytes in
        bytes.isEmpty ? false : memchr(bytes.baseAddress!, 0, bytes.count) != nil
    } ?? text.utf8.contains(0)
}

/// Checks a statement's expectation against the rows it changed or returned.
func check(_ statement: Statement, affected: Int) throws {
    switch statement.expect {
    case .any: return
    case .rows(let n) where affected == n: return
    case .someRows where affected > 0: return
    default: throw StoreError.guardFailed(label: statement.label)
    }
}

/// A WHERE clause built condition by condition; it numbers its own placeholders, so no statement renumbers `$n`
/// by hand. `page` gives a list's item statement and its count statement over the same conditions.
struct Conditions {
    private(set) var terms: [String] = []
    private(set) var binds: [any SQLBindable] = []

    /// The placeholder for `value`, numbered after the values bound so far.
    mutating func bind(_ value: any SQLBindable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// `($1, $2, …)` for a list of values (never empty: callers skip the condition instead).
    mutating func list(_ values: [any SQLBindable]) -> String {
        "(" + values.map { bind($0) }.joined(separator: ", ") + ")"
    }

    mutating func add(_ term: String) { terms.append(term) }

    var clause: String { terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND ") }

    /// `select` and `from` (without WHERE) with these conditions, ordered, one page; and the count, which stops
    /// `Page.countAhead` rows past the offset (build the page with `Page(items:counted:limit:offset:)`): counting
    /// ten million orders to print "共 10000000 条" would cost a full scan on every opening of the list.
    func page(select: String, from: String, order: String, limit: Int, offset: Int) -> (items: Statement, count: Statement) {
        let n = binds.count
        let countUpTo = offset + Page<Int>.countAhead + 1
        return (
            Statement(SQL("\(select)\(from)\(clause) ORDER BY \(order) LIMIT $\(n + 1) OFFSET $\(n + 2)"), binds + [limit, offset]),
            Statement(SQL("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 AS one\(from)\(clause) LIMIT $\(n + 1)) AS counted"), binds + [countUpTo])
        )
    }
}

/// A write's statements with its plain INSERTs into one table joined into one multi-row INSERT, where nothing
/// between them touches that table: a place-order's timers, audit rows and messages are written by separate
/// effects, and each statement costs a round trip on PostgreSQL (`PostgresEngine.write`). Each statement's rows
/// are returned at its own position (`results(_:)`), so callers see no difference.
///
/// Joined: `INSERT INTO t (…) VALUES (…)[, (…)]` with no `RETURNING`, `ON CONFLICT` or `SELECT` (nothing reads
/// their rows back, and each inserts exactly its rows); the later ones' placeholders are renumbered after the
/// earlier ones' binds. The group runs at its last member's position: the earlier members move later, past only
/// statements that do not name the table (so nothing between them could read, change or refer to their rows).
struct JoinedWrite {
    private(set) var statements: [Statement]
    /// Each given statement's position in `statements`.
    private let positions: [Int]

    init(_ given: [Statement]) {
        let heads = given.map(Self.head)
        // For each statement absorbed into a later one: the index of that later one (its group's last member).
        var carrier = Array(given.indices)
        var groups: [Int: [Int]] = [:]
        var absorbed = Set<Int>()
        // Most writes have no two INSERTs of one head: only those that do are looked at further.
        var byHead: [Substring: [Int]] = [:]
        for (index, head) in heads.enumerated() { if let head { byHead[head.text, default: []].append(index) } }
        for same in byHead.values where same.count > 1 {
            // Runs of members with nothing between consecutive ones naming the table, all guarded alike.
            var runs: [[Int]] = []
            for index in same {
                if let last = runs.last?.last, Self.joinable(given[last].expect, given[index].expect),
                    !given[(last + 1)..<index].contains(where: { Self.names($0.sql.postgres, table: heads[index]!.table) })
                {
                    runs[runs.count - 1].append(index)
                } else {
                    runs.append([index])
                }
            }
            for members in runs where members.count > 1 {
                for member in members.dropLast() {
                    absorbed.insert(member)
                    carrier[member] = members.last!
                }
                groups[members.last!] = members
            }
        }
        guard !groups.isEmpty else {
            statements = given
            positions = Array(given.indices)
            return
        }
        var kept: [Statement] = []
        var newIndex = Array(repeating: 0, count: given.count)
        for index in given.indices where !absorbed.contains(index) {
            newIndex[index] = kept.count
            if let members = groups[index] {
                kept.append(Self.join(members.map { given[$0] }, heads: members.map { heads[$0]! }))
            } else {
                kept.append(given[index])
            }
        }
        // PostgreSQL takes at most 65,535 values in one statement: a write that large runs as it was given.
        guard kept.allSatisfy({ $0.binds.count <= maximumBinds }) else {
            statements = given
            positions = Array(given.indices)
            return
        }
        positions = given.indices.map { newIndex[carrier[$0]] }
        // A reference to an earlier statement's rows follows it to its new position (a joined INSERT returns none,
        // so only statements that were not joined can be referred to with effect).
        let positions = self.positions
        statements = kept.map { statement in
            var statement = statement
            statement.binds = statement.binds.map { bind in
                if case .result(let index, let column) = bind, index < positions.count {
                    return .result(statement: positions[index], column: column)
                }
                return bind
            }
            return statement
        }
    }

    /// Each given statement's rows, from the rows of `statements`; a joined INSERT's members return none.
    func results(_ rows: [[SQLRow]]) -> [[SQLRow]] {
        guard statements.count != positions.count else { return rows }
        return positions.map { rows[$0] }
    }

    private struct Head {
        /// Everything before ` VALUES ` (or a line break and `VALUES `).
        let text: Substring
        let table: Substring
        /// The tuples after ` VALUES `.
        let values: Substring
    }

    /// The parts of a plain INSERT that may be joined with others of the same head, or nil.
    private static func head(_ statement: Statement) -> Head? {
        let text = statement.sql.postgres
        guard statement.cached, statement.sql.oneText, text.utf8.starts(with: "INSERT INTO ".utf8), text.utf8.last == UInt8(ascii: ")"),
            let keyword = asciiRange(of: "VALUES (", in: text), keyword.lowerBound > text.startIndex
        else { return nil }
        let space = text.utf8.index(before: keyword.lowerBound)
        guard text.utf8[space] == UInt8(ascii: " ") || text.utf8[space] == UInt8(ascii: "\n"),
            asciiRange(of: "RETURNING", in: text, from: keyword.upperBound) == nil,
            asciiRange(of: "ON CONFLICT", in: text, from: keyword.upperBound) == nil,
            asciiRange(of: "SELECT", in: text, from: keyword.upperBound) == nil
        else { return nil }
        let table = text.utf8.dropFirst("INSERT INTO ".utf8.count).prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "(") }
        guard !table.isEmpty else { return nil }
        return Head(text: text[..<space], table: Substring(table), values: text[text.utf8.index(before: keyword.upperBound)...])
    }

    private static func joinable(_ a: Expectation, _ b: Expectation) -> Bool {
        switch (a, b) {
        case (.any, .any), (.rows, .rows): true
        default: false
        }
    }

    /// Whether `sql` names `table` as a whole word (`outbox` in `FROM outbox`, not in `outbox_archive`).
    static func names(_ sql: String, table: Substring) -> Bool {
        wordRange(of: table, in: sql) != nil
    }

    /// Where `sql` first names `word` as a whole word at or after `from`.
    static func wordRange(of word: Substring, in sql: String, from: String.Index? = nil) -> Range<String.Index>? {
        let bytes = sql.utf8
        var from = from ?? sql.startIndex
        while let found = asciiRange(of: word, in: sql, from: from) {
            let before = found.lowerBound == bytes.startIndex ? nil : bytes[bytes.index(before: found.lowerBound)]
            let after = found.upperBound == bytes.endIndex ? nil : bytes[found.upperBound]
            if !(before.map(isWordByte) ?? false), !(after.map(isWordByte) ?? false) { return found }
            from = found.upperBound
        }
        return nil
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), 0x80...: true
        default: false
        }
    }

    private static func join(_ members: [Statement], heads: [Head]) -> Statement {
        var text = String(heads[0].text) + " VALUES "
        var binds: [Bind] = []
        var rows = 0
        for (index, member) in members.enumerated() {
            if index > 0 { text += ", " }
            text += Statement.renumbered(String(heads[index].values), from: binds.count)
            binds += member.binds
            if case .rows(let n) = member.expect { rows += n }
        }
        var joined = members[0]
        joined.sql = SQL(text)
        joined.binds = binds
        if case .rows = members[0].expect { joined.expect = .rows(rows) }
        return joined
    }
}

/// The most values PostgreSQL's protocol binds to one statement (a 16-bit count): statements joined or fused into one
/// stay within it.
let maximumBinds = 65_535

/// The first occurrence of `needle` in `text` at or after `from`, byte for byte: SQL keywords and names are ASCII, and
/// Foundation's `range(of:)` pays for Unicode matching (with `anyCase`, for a needle of ASCII letters only, by
/// bridging to an NSString). Statements are looked through on every write and every PostgreSQL execution.
func asciiRange(of needle: some StringProtocol, in text: String, from: String.Index? = nil, anyCase: Bool = false)
    -> Range<String.Index>?
{
    var text = text
    var needle = String(needle)
    let start = from.map { text.utf8.distance(from: text.startIndex, to: $0) } ?? 0
    // A letter's two cases differ in bit 0x20 only.
    let fold: UInt8 = anyCase ? 0x20 : 0
    let offset: Int? = text.withUTF8 { haystack in
        needle.withUTF8 { pattern -> Int? in
            guard !pattern.isEmpty, pattern.count <= haystack.count, start <= haystack.count - pattern.count else { return nil }
            for at in start...(haystack.count - pattern.count) where haystack[at] | fold == pattern[0] | fold {
                var i = 1
                while i < pattern.count, haystack[at + i] | fold == pattern[i] | fold { i += 1 }
                if i == pattern.count { return at }
            }
            return nil
        }
    }
    guard let offset else { return nil }
    let lower = text.utf8.index(text.startIndex, offsetBy: offset)
    return lower..<text.utf8.index(lower, offsetBy: needle.utf8.count)
}
