import DocketCore

/// What an import did, per order and per refused line.
public struct ImportReport: Sendable, Codable {
    public struct Imported: Sendable, Codable {
        public var lines: [Int]
        public var id: ID<Order>
        public var number: String
        public var status: OrderStatus
        /// Already imported before (same file content for this order): nothing new was created.
        public var alreadyImported: Bool
    }
    public var imported: [Imported]
    public var refused: [OrderImport.RowProblem]
}

extension Store {

    /// `lines[2].unitPrice` → (2, `unit_price`): the order line a problem is about and the file's column for it.
    static func importColumn(_ field: String) -> (index: Int?, column: String) {
        let columns = [
            "customerCode": "customer_code", "externalRef": "external_ref", "contactName": "contact_name", "contactPhone": "contact_phone",
            "requestedDate": "requested_date", "notes": "notes", "sku": "sku", "quantity": "quantity", "unitPrice": "unit_price",
        ]
        guard field.hasPrefix("lines[") else { return (nil, columns[field] ?? field) }
        let inside = field.dropFirst(6).prefix { $0 != "]" }
        let rest = field.dropFirst(6 + inside.count + 1).drop { $0 == "." }
        return (Int(inside), columns[String(rest)] ?? String(rest))
    }
}

extension OrderRepository {
    /// Imports offline orders from CSV text. Every well-formed order is taken in through the normal intake
    /// (incomplete ones are kept as needs_info); malformed lines are reported and left out. Importing the same
    /// orders again creates nothing new: each order's idempotency key is derived from its content.
    public func importOrders(csv: String, by actor: Actor) async throws -> ImportReport {
        let parsed = OrderImport.parse(csv)
        var imported: [ImportReport.Imported] = []
        var refused = parsed.problems
        for (draft, lines) in parsed.orders {
            let key = "import:" + Secret.hash(try JSONColumn.hashText(draft))
            do {
                let submission = try await submitOrder(draft, idempotencyKey: key, by: actor)
                imported.append(.init(lines: lines, id: submission.order.id, number: submission.order.number, status: submission.order.status, alreadyImported: submission.replayed))
            } catch DocketError.invalid(let problems) {
                // Refused whole: each problem on the line it is about (`lines[2].quantity` is the order's third
                // line), the order's other lines saying they were left out with it.
                var bad: Set<Int> = []
                for problem in problems {
                    let (index, column) = Store.importColumn(problem.field)
                    let line = index.flatMap { $0 < lines.count ? lines[$0] : nil } ?? lines[0]
                    bad.insert(line)
                    var moved = problem
                    moved.field = column
                    refused.append(OrderImport.RowProblem(line: line, problem: moved))
                }
                refused += OrderImport.refusedTogether(lines, bad: bad)
            }
        }
        return ImportReport(imported: imported, refused: refused.sorted { $0.line < $1.line })
    }
}
