/// CSV import of offline orders (电话/传真/邮件录入), one line per order line:
/// `customer_code,external_ref,channel,contact_name,contact_phone,sku,quantity,unit_price,requested_date,notes`.
/// Lines with the same customer and external reference form one order. A malformed line is reported with its
/// line number and left out; every other order is still imported.
public enum OrderImport {
    public static let header = [
        "customer_code", "external_ref", "channel", "contact_name", "contact_phone", "sku", "quantity", "unit_price",
        "requested_date", "notes",
    ]

    public struct RowProblem: Sendable, Hashable, Codable {
        public var line: Int
        public var problem: FieldProblem

        public init(line: Int, problem: FieldProblem) {
            self.line = line
            self.problem = problem
        }
    }

    public struct Parsed: Sendable {
        /// Orders in file order, each with the file lines it came from.
        public var orders: [(draft: OrderDraft, lines: [Int])]
        public var problems: [RowProblem]
    }

    public static func parse(_ text: String) -> Parsed {
        var rows = CSV.parse(text)
        var problems: [RowProblem] = []
        guard let first = rows.first else { return Parsed(orders: [], problems: [RowProblem(line: 1, problem: FieldProblem("file", "required"))]) }
        let columns = first.map { $0.trimmingSpaces().lowercased() }
        let missing = ["customer_code", "sku", "quantity"].filter { !columns.contains($0) }
        if !missing.isEmpty {
            return Parsed(orders: [], problems: missing.map { RowProblem(line: 1, problem: FieldProblem($0, "required")) })
        }
        rows.removeFirst()
        var groups: [String: Int] = [:]
        var orders: [(draft: OrderDraft, lines: [Int])] = []
        for (index, row) in rows.enumerated() {
            let line = index + 2
            func cell(_ name: String) -> String? {
                guard let position = columns.firstIndex(of: name), position < row.count else { return nil }
                let value = row[position].trimmingSpaces()
                return value.isEmpty ? nil : value
            }
            if row.allSatisfy({ $0.trimmingSpaces().isEmpty }) { continue }
            var rowProblems: [FieldProblem] = []
            let quantity = cell("quantity").flatMap { Int64($0) }
            if quantity == nil { rowProblems.append(FieldProblem("quantity", "invalidNumber")) }
            var price: Money?
            if let text = cell("unit_price") {
                price = Money.parse(text)
                if price == nil { rowProblems.append(FieldProblem("unit_price", "invalidValue", ["allowed": "12.50"])) }
            }
            var channel = OrderChannel.phone
            if let text = cell("channel") {
                if let parsed = OrderChannel(rawValue: text) { channel = parsed } else {
                    rowProblems.append(FieldProblem("channel", "invalidValue", ["allowed": OrderChannel.allCases.map(\.rawValue).joined(separator: ", ")]))
                }
            }
            var requested: CalendarDate?
            if let text = cell("requested_date") {
                requested = CalendarDate.parse(text)
                if requested == nil { rowProblems.append(FieldProblem("requested_date", "invalidDate")) }
            }
            guard rowProblems.isEmpty, let quantity else {
                problems += rowProblems.map { RowProblem(line: line, problem: $0) }
                continue
            }
            let customer = cell("customer_code") ?? ""
            let key = customer + "\u{1F}" + (cell("external_ref") ?? "line \(line)")
            let orderLine = OrderLineDraft(sku: cell("sku") ?? "", quantity: quantity, unitPrice: price)
            if let existing = groups[key] {
                orders[existing].draft.lines.append(orderLine)
                orders[existing].lines.append(line)
            } else {
                groups[key] = orders.count
                orders.append((
                    OrderDraft(
                        channel: channel, externalRef: cell("external_ref"), customerCode: customer,
                        contactName: cell("contact_name"), contactPhone: cell("contact_phone"), requestedDate: requested,
                        lines: [orderLine], notes: cell("notes")),
                    [line]
                ))
            }
        }
        return Parsed(orders: orders, problems: problems)
    }
}

/// RFC 4180 CSV: quoted fields with commas, quotes ("") and line breaks; CRLF or LF; a UTF-8 BOM is skipped.
public enum CSV {
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < characters.count, characters[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}

/// Order lines pasted as text into the entry form: `SKU qty [price]` per line, separated by spaces, tabs (a copy
/// from Excel) or commas (CSV). A header line and blank lines are skipped; unreadable lines are returned as they
/// were, so nothing pasted is silently lost.
public enum PastedLines {
    public struct Line: Sendable, Hashable {
        public var sku: String
        public var quantity: Int64
        public var price: Money?
    }

    public static func parse(_ text: String) -> (lines: [Line], unreadable: [String]) {
        var lines: [Line] = []
        var unreadable: [String] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let row = raw.trimmingSpaces()
            if row.isEmpty { continue }
            let cells: [String] =
                row.contains(",") || row.contains("，")
                ? CSV.parse(row.replacingAll("，", with: ",")).first?.map { $0.trimmingSpaces() } ?? []
                : row.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{3000}" }).map(String.init)
            let fields = cells.filter { !$0.isEmpty }
            guard fields.count == 2 || fields.count == 3, let quantity = Int64(fields[1]), quantity > 0,
                Validator.isCode(fields[0])
            else {
                // The header of a CSV export is not a problem.
                if lines.isEmpty && unreadable.isEmpty && fields.first.map({ $0.lowercased() == "sku" }) == true { continue }
                unreadable.append(row)
                continue
            }
            var price: Money?
            if fields.count == 3 {
                guard let parsed = Money.parse(fields[2].replacingAll("¥", with: "")) else {
                    unreadable.append(row)
                    continue
                }
                price = parsed
            }
            lines.append(Line(sku: fields[0], quantity: quantity, price: price))
        }
        return (lines, unreadable)
    }
}
