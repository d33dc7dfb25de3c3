import DocketCore

/// What an import did, per order and per refused line.
public struct ImportReport: Sendable, Codable {
    public struct Imported: Sendable, Codable {
        public var lines: [Int]
        public var id: Int64
        public var number: String
        public var status: OrderStatus
        /// Already imported before (same file content for this order): nothing new was created.
        public var alreadyImported: Bool
    }
    public var imported: [Imported]
    public var refused: [OrderImport.RowProblem]
}

extension Store {
    /// Imports offline orders from CSV text. Every well-formed order is taken in through the normal intake
    /// (incomplete ones are kept as needs_info); malformed lines are reported and left out. Importing the same
    /// orders again creates nothing new: each order's idempotency key is derived from its content.
    public func importOrders(csv: String, by actor: Actor) async throws -> ImportReport {
        let parsed = OrderImport.parse(csv)
        var imported: [ImportReport.Imported] = []
        var refused = parsed.problems
        for (draft, lines) in parsed.orders {
            let key = "import:" + Secret.hash(try JSONColumn.encode(draft))
            do {
                let submission = try await submitOrder(draft, idempotencyKey: key, by: actor)
                imported.append(.init(lines: lines, id: submission.order.id, number: submission.order.number, status: submission.order.status, alreadyImported: submission.replayed))
            } catch DocketError.invalid(let problems) {
                refused += problems.map { OrderImport.RowProblem(line: lines[0], problem: $0) }
            }
        }
        return ImportReport(imported: imported, refused: refused.sorted { $0.line < $1.line })
    }
}
