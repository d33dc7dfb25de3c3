/// PostgreSQL: a write's statements as one statement, each of them a data-modifying `WITH` query, instead of a round
/// trip per statement and two more for BEGIN and COMMIT (`PostgresEngine.write`). A single statement commits or
/// rolls back whole, so the write stays atomic; its guards are checked by the statement itself, and each statement's
/// rows come back at its own position (`results(_:)`), so callers see no difference.
///
/// The queries of one statement all see the database as it was before it, not each other's changes, so a write is
/// fused only where that cannot change what it does (else it runs statement by statement):
/// - every statement is an `INSERT INTO`, `UPDATE` or `DELETE FROM` (a `SELECT`, a `WITH` or DDL is not fused);
/// - a table an earlier statement updated or deleted from is not named again;
/// - a table an earlier statement inserted into is not written again (a second INSERT's ids would follow the order
///   the statement runs its queries in, not the write's), and is named again only as `FROM t WHERE`: that read is
///   given the table with the inserted rows (`(SELECT * FROM t UNION ALL SELECT * FROM sN) AS t`) — how a
///   reservation finds the id of an order line inserted in the same write;
/// - a reference to an earlier statement's result (`Bind.result`) becomes a subquery on that statement's rows,
///   which it must return (RETURNING).
///
/// The queries run in the order the final SELECT reads them (the guards first), the rest after it: not the write's
/// order, which matters only to ids of one table, hence the rule on INSERTs above.
///
/// A guard (`Expectation`) that fails makes the statement fail with `invalid input syntax for type integer:
/// "docket guard N …"` (a cast of a text that is not a number, the only way plain SQL has to raise an error: no
/// functions, no extensions), which the engine reports as the failed guard of statement N. Foreign keys are checked
/// at the end of the statement, when every inserted row is there.
struct FusedWrite {
    /// `WITH s0 AS (…), s1 AS (…), … SELECT <guard> AS docket_guard, <rows of each statement that returns some>`.
    let statement: Statement
    private let labels: [String]
    /// For each given statement: the answer's column holding its rows as JSON, or nil (it returns none).
    private let rowColumns: [String?]

    init?(_ given: [Statement]) {
        guard given.count > 1 else { return nil }
        var targets: [Target] = []
        targets.reserveCapacity(given.count)
        for statement in given {
            guard let target = Target(statement.sql.postgres) else { return nil }
            targets.append(target)
        }
        var insertedBy: [Substring: [Int]] = [:]  // a table → the earlier statements inserting into it
        var changed: Set<Substring> = []  // tables earlier statements updated or deleted from
        var readLater = Set<Int>()  // statements whose rows later ones read
        var bodies: [String] = []
        var binds: [Bind] = []
        var cached = true
        for (j, statement) in given.enumerated() {
            let target = targets[j]
            var text = statement.sql.postgres
            for table in changed where JoinedWrite.names(text, table: table) { return nil }
            // A table inserted into is not written again: a second INSERT's ids would follow the order the statement
            // runs them in, not the write's (JoinedWrite joins those it can), and an UPDATE or DELETE would not see
            // the rows.
            if insertedBy[target.table] != nil { return nil }
            for (table, inserts) in insertedBy where JoinedWrite.names(text, table: table) {
                guard let read = Self.reading(table, insertedBy: inserts, in: text) else { return nil }
                text = read
                readLater.formUnion(inserts)
            }
            // Placeholders numbered after the binds so far; a reference to an earlier statement's rows a subquery.
            var numbers: [Int: Int] = [:]
            var valid = true
            text = Statement.placeholdersReplaced(in: text) { k in
                guard k >= 1, k <= statement.binds.count else {
                    valid = false
                    return ""
                }
                switch statement.binds[k - 1] {
                case .result(let i, let column):
                    guard i < j, targets[i].returns else {
                        valid = false
                        return ""
                    }
                    return "(SELECT \"\(column)\" FROM s\(i) LIMIT 1)"
                case .value:
                    if let n = numbers[k] { return "$\(n)" }
                    binds.append(statement.binds[k - 1])
                    numbers[k] = binds.count
                    return "$\(binds.count)"
                }
            }
            guard valid else { return nil }
            bodies.append(text)
            cached = cached && statement.cached
            switch target.kind {
            case .insert: insertedBy[target.table, default: []].append(j)
            case .update, .delete: changed.insert(target.table)
            }
        }

        guard binds.count <= maximumBinds else { return nil }
        var queries: [String] = []
        var guards = ""
        var columns: [String?] = []
        for (j, statement) in given.enumerated() {
            var body = bodies[j]
            let counted = statement.expect != .any
            if readLater.contains(j) {
                guard !targets[j].returns else { return nil }  // its own RETURNING would not give the whole rows
                body += " RETURNING *"
            } else if counted && !targets[j].returns {
                body += " RETURNING 1"
            }
            queries.append("s\(j) AS (\(body))")
            columns.append(targets[j].returns ? "r\(j)" : nil)
            let count = "(SELECT count(*) FROM s\(j))"
            switch statement.expect {
            case .any: break
            case .rows(let n): guards += " WHEN \(count) <> \(n) THEN CAST('docket guard \(j) ' || \(count) AS INTEGER)"
            case .someRows: guards += " WHEN \(count) = 0 THEN CAST('docket guard \(j) ' || \(count) AS INTEGER)"
            }
        }
        var answer = [(guards.isEmpty ? "0" : "CASE\(guards) ELSE 0 END") + " AS docket_guard"]
        for (j, column) in columns.enumerated() {
            if let column { answer.append("(SELECT CAST(json_agg(s\(j)) AS TEXT) FROM s\(j)) AS \(column)") }
        }
        let text = "WITH " + queries.joined(separator: ", ") + " SELECT " + answer.joined(separator: ", ")
        var fused = Statement(SQL(postgres: text, sqlite: text), [], label: "write", cached: cached)
        fused.binds = binds
        statement = fused
        labels = given.map(\.label)
        rowColumns = columns
    }

    /// Each given statement's rows, from the fused statement's one row.
    func results(_ rows: [SQLRow]) throws -> [[SQLRow]] {
        try JSONRows.columns(rowColumns, of: rows)
    }

    /// The label of the given statement `index`, or nil when the write has no such statement.
    func label(_ index: Int) -> String? {
        index < labels.count ? labels[index] : nil
    }

    /// The index of the statement whose guard failed, from the error's message.
    static func failedStatement(_ message: String) -> Int? {
        guard let found = asciiRange(of: "\"docket guard ", in: message) else { return nil }
        return Int(message[found.upperBound...].prefix { $0.isASCII && $0.isNumber })
    }

    /// `text` with its reads of `table`, inserted into by the statements `inserts` of the same write, given the table
    /// with their rows; nil when it names the table any other way.
    private static func reading(_ table: Substring, insertedBy inserts: [Int], in text: String) -> String? {
        let view = "(SELECT * FROM \(table)" + inserts.map { " UNION ALL SELECT * FROM s\($0)" }.joined() + ") AS \(table)"
        var out = ""
        var copied = text.startIndex
        var from = text.startIndex
        while let found = JoinedWrite.wordRange(of: table, in: text, from: from) {
            from = found.upperBound
            guard text[..<found.lowerBound].hasSuffix("FROM "), text[found.upperBound...].hasPrefix(" WHERE ") else { return nil }
            out += text[copied..<found.lowerBound]
            out += view
            copied = found.upperBound
        }
        return out + text[copied...]
    }

    /// What a statement changes: its kind and table, and whether it returns rows.
    private struct Target {
        enum Kind { case insert, update, delete }
        let kind: Kind
        let table: Substring
        let returns: Bool

        init?(_ text: String) {
            let start: Int
            if text.utf8.starts(with: "INSERT INTO ".utf8) {
                (kind, start) = (.insert, 12)
            } else if text.utf8.starts(with: "UPDATE ".utf8) {
                (kind, start) = (.update, 7)
            } else if text.utf8.starts(with: "DELETE FROM ".utf8) {
                (kind, start) = (.delete, 12)
            } else {
                return nil
            }
            let lower = text.utf8.index(text.startIndex, offsetBy: start)
            let name = text.utf8[lower...].prefix {
                $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "(") && $0 != UInt8(ascii: "\n")
            }
            // One statement, nothing to split: a `;` would end the WITH query.
            guard !name.isEmpty, !text.utf8.contains(UInt8(ascii: ";")) else { return nil }
            table = text[lower..<name.endIndex]
            returns = asciiRange(of: "RETURNING", in: text, anyCase: true) != nil
        }
    }
}

/// The rows of `json_agg` over a query's rows, as the store reads rows: numbers without a fraction or exponent are
/// integers, other numbers reals, `true`/`false` booleans, strings text; a nested object or array is kept as its text.
enum JSONRows {
    struct Malformed: Error {}

    /// The rows in each of the named columns of a fused statement's one row (none for a nil name or a NULL: `json_agg`
    /// over no rows).
    static func columns(_ names: [String?], of rows: [SQLRow]) throws -> [[SQLRow]] {
        guard let row = rows.first else { throw StoreError.decoding(column: names.lazy.compactMap { $0 }.first ?? "r0") }
        return try names.map { name in
            guard let name, let json = row.optionalText(name) else { return [] }
            return try parse(json)
        }
    }

    static func parse(_ text: String) throws -> [SQLRow] {
        var text = text
        return try text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            var rows: [SQLRow] = []
            var columns: ColumnIndex?
            try reader.expect(UInt8(ascii: "["))
            if try reader.peek() == UInt8(ascii: "]") { return [] }
            repeat {
                try reader.expect(UInt8(ascii: "{"))
                var names: [String] = []
                var values: [SQLValue] = []
                if try reader.peek() != UInt8(ascii: "}") {
                    repeat {
                        names.append(try reader.string())
                        try reader.expect(UInt8(ascii: ":"))
                        values.append(try reader.value())
                    } while try reader.comma()
                }
                try reader.expect(UInt8(ascii: "}"))
                if columns?.names != names { columns = ColumnIndex(names) }
                rows.append(SQLRow(columns: columns!, values: values))
            } while try reader.comma()
            try reader.expect(UInt8(ascii: "]"))
            return rows
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func peek() throws -> UInt8 {
            skipSpace()
            guard at < bytes.count else { throw Malformed() }
            return bytes[at]
        }

        mutating func expect(_ byte: UInt8) throws {
            guard try peek() == byte else { throw Malformed() }
            at += 1
        }

        /// Consumes a `,` if one comes next.
        mutating func comma() throws -> Bool {
            guard try peek() == UInt8(ascii: ",") else { return false }
            at += 1
            return true
        }

        mutating func value() throws -> SQLValue {
            switch try peek() {
            case UInt8(ascii: "\""): return .text(try string())
            case UInt8(ascii: "n"): try word("null"); return .null
            case UInt8(ascii: "t"): try word("true"); return .bool(true)
            case UInt8(ascii: "f"): try word("false"); return .bool(false)
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .text(try nested())
            default: return try number()
            }
        }

        mutating func word(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count,
                UnsafeBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[at..<(at + count)])
            else { throw Malformed() }
            at += count
        }

        mutating func number() throws -> SQLValue {
            let start = at
            var fraction = false
            scan: while at < bytes.count {
                switch bytes[at] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"): break
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): fraction = true
                default: break scan
                }
                at += 1
            }
            guard at > start else { throw Malformed() }
            let text = String(decoding: bytes[start..<at], as: UTF8.self)
            if !fraction, let integer = Int64(text) { return .integer(integer) }
            guard let real = Double(text) else { throw Malformed() }
            return .real(real)
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            var out: [UInt8] = []
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { throw Malformed() }
                    let escaped = bytes[at]
                    at += 1
                    switch escaped {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            // A surrogate pair: the low half follows as another \u escape.
                            try word("\\u")
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw Malformed() }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw Malformed() }
                        out += Array(String(Character(unicode)).utf8)
                    default: out.append(escaped)  // \" \\ \/
                    }
                default: out.append(byte)
                }
            }
            throw Malformed()
        }

        mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[at..<(at + 4)], as: UTF8.self), radix: 16) else {
                throw Malformed()
            }
            at += 4
            return value
        }

        /// A nested object or array, as its text.
        mutating func nested() throws -> String {
            let start = at
            var depth = 0
            var inString = false
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                if inString {
                    if byte == UInt8(ascii: "\\") { at += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return String(decoding: bytes[start..<at], as: UTF8.self) }
                default: break
                }
            }
            throw Malformed()
        }
    }
}

/// PostgreSQL: a read of several queries as one statement — each query's rows aggregated as JSON — instead of BEGIN
/// (repeatable read), a round trip per query and COMMIT (`PostgresEngine.read`). One statement reads one snapshot,
/// which is what the transaction was for. Only queries (`SELECT`) with values bound are read so; each query's rows
/// come back in its own order (`json_agg` takes them as its subquery gives them).
struct FusedRead {
    let statement: Statement
    private let count: Int

    init?(_ given: [Statement]) {
        guard given.count > 1 else { return nil }
        var binds: [Bind] = []
        var columns: [String] = []
        var cached = true
        for (index, statement) in given.enumerated() {
            let text = statement.sql.postgres
            guard text.utf8.starts(with: "SELECT ".utf8), !text.utf8.contains(UInt8(ascii: ";")),
                statement.binds.allSatisfy({ if case .value = $0 { true } else { false } })
            else { return nil }
            let query = Statement.renumbered(text, from: binds.count)
            binds += statement.binds
            cached = cached && statement.cached
            columns.append("(SELECT CAST(json_agg(q) AS TEXT) FROM (\(query)) AS q) AS r\(index)")
        }
        guard binds.count <= maximumBinds else { return nil }
        let text = "SELECT " + columns.joined(separator: ", ")
        var fused = Statement(SQL(postgres: text, sqlite: text), [], label: "read", cached: cached)
        fused.binds = binds
        statement = fused
        count = given.count
    }

    /// Each query's rows, from the one row of the fused statement.
    func results(_ rows: [SQLRow]) throws -> [[SQLRow]] {
        try JSONRows.columns((0..<count).map { "r\($0)" }, of: rows)
    }
}
