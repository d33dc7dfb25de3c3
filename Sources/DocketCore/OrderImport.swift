/// CSV import of offline orders (电话/传真/邮件录入), one line per order line:
/// `customer_code,external_ref,channel,contact_name,contact_phone,sku,quantity,unit_price,requested_date,notes`
/// (or the same columns under their Chinese names, as in the downloadable template). Lines with the same customer
/// and external reference form one order, and an order imports whole or not at all: when any of its lines is
/// malformed, the whole order is refused and each of its lines reported; every other order is still imported.
public enum OrderImport {
    public static let header = [
        "customer_code", "external_ref", "channel", "contact_name", "contact_phone", "sku", "quantity", "unit_price",
        "requested_date", "notes",
    ]

    /// The column names of the Chinese template (and of files people make from it), column by column.
    public static let chineseHeader = ["客户编码", "客户单号", "渠道", "联系人", "联系电话", "商品编码", "数量", "单价", "要求交期", "备注"]

    /// Other spellings people use for the same columns.
    static let aliases: [String: String] = [
        "客户代码": "customer_code", "外部单号": "external_ref", "订单号": "external_ref", "商品代码": "sku", "sku": "sku",
        "联系人姓名": "contact_name", "电话": "contact_phone", "要求日期": "requested_date", "交货日期": "requested_date",
    ]

    /// The template offered for download: the header in the reader's language and one example order of two lines.
    public static func template(chinese: Bool) -> String {
        let example = [
            "C0002,PO-2026-001,phone,王经理,13800001234,TEA-LJ-250,10,,2026-12-20,工作日送货",
            "C0002,PO-2026-001,phone,王经理,13800001234,SNK-NUT-500,5,45.00,2026-12-20,工作日送货",
        ]
        return ((chinese ? chineseHeader : header).joined(separator: ",") + "\r\n") + example.joined(separator: "\r\n") + "\r\n"
    }

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

    /// The column a header cell names (`customer_code` for 客户编码), or the cell lower-cased.
    static func column(_ cell: String) -> String {
        let name = cell.trimmingSpaces().lowercased()
        if let index = chineseHeader.firstIndex(of: name) { return header[index] }
        return aliases[name] ?? name
    }

    public static func parse(_ text: String) -> Parsed {
        var rows = CSV.parse(text)
        guard let first = rows.first else { return Parsed(orders: [], problems: [RowProblem(line: 1, problem: FieldProblem("file", "required"))]) }
        let columns = first.map(column)
        let missing = ["customer_code", "sku", "quantity"].filter { !columns.contains($0) }
        if !missing.isEmpty {
            return Parsed(orders: [], problems: missing.map { RowProblem(line: 1, problem: FieldProblem($0, "columnMissing")) })
        }
        rows.removeFirst()
        var groups: [String: Int] = [:]
        var orders: [(draft: OrderDraft, lines: [Int], problems: [RowProblem])] = []
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
            if quantity == nil || !(1...Bounds.quantity).contains(quantity!) {
                rowProblems.append(FieldProblem("quantity", "wholeNumberOutOfRange", ["min": "1", "max": String(Bounds.quantity)]))
            }
            var price: Money?
            if let text = cell("unit_price") {
                price = Money.parse(text.replacingAll("¥", with: "").replacingAll(",", with: ""))
                if price == nil || price!.minor > Bounds.unitPriceMinor {
                    rowProblems.append(FieldProblem("unit_price", "invalidValue", ["allowed": "12.50"]))
                }
            }
            var channel = OrderChannel.phone
            if let text = cell("channel") {
                if let parsed = OrderChannel(rawValue: text.lowercased()) { channel = parsed } else {
                    rowProblems.append(FieldProblem("channel", "invalidValue", ["allowed": OrderChannel.allCases.map(\.rawValue).joined(separator: ", ")]))
                }
            }
            var requested: CalendarDate?
            if let text = cell("requested_date") {
                requested = CalendarDate.parse(text.replacingAll("/", with: "-"))
                if requested == nil { rowProblems.append(FieldProblem("requested_date", "invalidDate")) }
            }
            for (name, value) in zip(columns, row) where Validator.hasControlCharacters(value, multiline: name == "notes") {
                rowProblems.append(FieldProblem(name, "controlCharacters"))
            }
            let customer = cell("customer_code") ?? ""
            let key = customer + "\u{1F}" + (cell("external_ref") ?? "line \(line)")
            let orderLine = OrderLineDraft(sku: cell("sku") ?? "", quantity: quantity ?? 0, unitPrice: price)
            let problems = rowProblems.map { RowProblem(line: line, problem: $0) }
            if let existing = groups[key] {
                orders[existing].draft.lines.append(orderLine)
                orders[existing].lines.append(line)
                orders[existing].problems += problems
            } else {
                groups[key] = orders.count
                orders.append((
                    OrderDraft(
                        channel: channel, externalRef: cell("external_ref"), customerCode: customer,
                        contactName: cell("contact_name"), contactPhone: cell("contact_phone"), requestedDate: requested,
                        lines: [orderLine], notes: cell("notes")),
                    [line], problems
                ))
            }
        }
        // An order imports whole or not at all: one bad line refuses its order, and its good lines say why.
        var problems: [RowProblem] = []
        var good: [(draft: OrderDraft, lines: [Int])] = []
        for order in orders {
            if order.problems.isEmpty {
                good.append((order.draft, order.lines))
            } else {
                problems += order.problems + refusedTogether(order.lines, bad: Set(order.problems.map(\.line)))
            }
        }
        return Parsed(orders: good, problems: problems.sorted { $0.line < $1.line })
    }

    /// A problem for each line of a refused order that had nothing wrong itself: it was left out with its order.
    public static func refusedTogether(_ lines: [Int], bad: Set<Int>) -> [RowProblem] {
        let numbers = lines.map(String.init).joined(separator: ", ")
        return lines.filter { !bad.contains($0) }.map { RowProblem(line: $0, problem: FieldProblem("", "orderRefusedWithLines", ["lines": numbers])) }
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
