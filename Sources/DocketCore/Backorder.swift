import Foundation

/// 欠货与补发: what an order still owes once it went to the warehouses. A line is owed what was ordered less what its
/// shipments carry (the picked quantity once picked) and less what the customer gave up; a short pick, a shipment
/// released with the customer's leave to ship part, and made-to-order goods still in production all leave a line
/// owed. What is owed is served by a shipment of its own when stock (or the production's output) arrives, or closed
/// with a reason; the order is complete only when nothing is owed (DOMAIN §8–9: every line delivered or resolved).

/// One order line's account after release.
public struct LineBalance: Sendable, Hashable {
    public var lineID: ID<OrderLine>
    public var sku: String
    public var ordered: Int64
    /// Given up (欠货取消), from the plan.
    public var closed: Int64
    /// On the order's shipments that are not cancelled: what was picked, else what the pick list asks for.
    public var carried: Int64

    public init(lineID: ID<OrderLine>, sku: String, ordered: Int64, closed: Int64, carried: Int64) {
        self.lineID = lineID
        self.sku = sku
        self.ordered = ordered
        self.closed = closed
        self.carried = carried
    }

    /// What the line is still owed.
    public var outstanding: Int64 { max(0, ordered.saturatingSubtracting(closed).saturatingSubtracting(carried)) }
}

extension Fulfilment {
    /// Each line's balance: `lines` as ordered, what the plan closed, and what the shipments that are not cancelled
    /// carry per line.
    public static func balances(
        lines: [(id: ID<OrderLine>, sku: String, quantity: Int64)], plan: AllocationPlan?, shipments: [(status: ShipmentStatus, carried: [ID<OrderLine>: Int64])]
    ) -> [LineBalance] {
        var carried: [ID<OrderLine>: Int64] = [:]
        for shipment in shipments where shipment.status != .cancelled {
            for (line, quantity) in shipment.carried { carried[line] = carried[line, default: 0].saturatingAdding(max(0, quantity)) }
        }
        let closed = Dictionary((plan?.lines ?? []).map { ($0.lineID, $0.closed) }, uniquingKeysWith: +)
        return lines.map { line in
            LineBalance(lineID: line.id, sku: line.sku, ordered: line.quantity, closed: closed[line.id] ?? 0, carried: carried[line.id] ?? 0)
        }
    }

    /// 关闭欠货: the quantity given up on `line` of an order standing at `status`. Only once the order went to the
    /// warehouses (before that the order is changed instead), only for what is owed, and only with a reason.
    public static func closeBackorder(_ line: LineBalance?, number: String, status: OrderStatus, reason: String?) throws(DocketError) -> Int64 {
        guard OrderWorkflow.released.contains(status) else {
            throw .illegalTransition(number: number, from: status, action: .allocate)
        }
        guard let line else { throw .invalid("lineId", "unknownLine") }
        guard line.outstanding > 0 else { throw .conflict(.order, key: number, because: "nothingOwed") }
        var v = Validator()
        v.optionalText(reason, "reason", max: 500, multiline: true)
        if (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { v.add("reason", "required") }
        try v.check()
        return line.outstanding
    }
}

extension OrderWorkflow {
    /// Statuses in which the order stands at the warehouses: its shipments exist, what it holds is theirs (never
    /// planned again), and what it still owes is served by new shipments or closed.
    public static let released: [OrderStatus] = [.allocated, .inProduction, .picking, .packed, .partiallyShipped]
}

extension AllocationPlan {
    /// Refreshes `status` from the lines: full when no line is short.
    mutating func refreshStatus() {
        status = lines.allSatisfy({ $0.short <= 0 }) ? .full : (lines.contains { $0.allocated > 0 } ? .partial : .none)
    }

    /// The plan after a backorder was served: `backorder`, planned for the owed quantities only, adds its picks to
    /// the lines (made-to-order lines produce that much less) with a note per warehouse, and the status follows.
    public mutating func served(_ backorder: AllocationPlan) {
        for served in backorder.lines where served.allocated > 0 {
            guard let index = lines.firstIndex(where: { $0.lineID == served.lineID }) else { continue }
            lines[index].allocated = lines[index].allocated.saturatingAdding(served.allocated)
            lines[index].toProduce = max(0, min(lines[index].toProduce, lines[index].quantity - lines[index].allocated - lines[index].closed))
            var byWarehouse: [String: Int64] = [:]
            for pick in served.picks {
                byWarehouse[pick.warehouse, default: 0] += pick.quantity
                if let same = lines[index].picks.firstIndex(where: { $0.lotID == pick.lotID }) {
                    lines[index].picks[same].quantity += pick.quantity
                } else {
                    lines[index].picks.append(pick)
                }
            }
            for (warehouse, quantity) in byWarehouse.sorted(by: { $0.key < $1.key }) {
                lines[index].explanation.append(AllocationNote(.backorder, warehouse: warehouse, quantity: quantity))
            }
        }
        for warehouse in backorder.warehouses where !warehouses.contains(warehouse) { warehouses.append(warehouse) }
        refreshStatus()
    }

    /// The plan after `quantity` of `line` that had left was lost or spoiled and goes again (补发): short by it until
    /// allocation serves it.
    /// `lost`: the lots the goods were lost from (a parcel gone), no longer the order's; goods still with the
    /// customer (damaged, wrong) stay on the plan as delivered.
    public mutating func resend(line: ID<OrderLine>, quantity: Int64, lost: [(lot: ID<StockLot>, quantity: Int64)] = []) {
        guard quantity > 0, let index = lines.firstIndex(where: { $0.lineID == line }) else { return }
        lines[index].allocated = max(0, lines[index].allocated.saturatingSubtracting(quantity))
        for (lot, gone) in lost {
            guard let pick = lines[index].picks.firstIndex(where: { $0.lotID == lot }) else { continue }
            lines[index].picks[pick].quantity = max(0, lines[index].picks[pick].quantity.saturatingSubtracting(gone))
        }
        lines[index].picks.removeAll { $0.quantity == 0 }
        lines[index].explanation.append(AllocationNote(.resend, quantity: quantity))
        refreshStatus()
    }

    /// The plan after `quantity` owed on `line` was given up: neither short nor to be produced any more.
    public mutating func closed(line: ID<OrderLine>, quantity: Int64) {
        guard quantity > 0, let index = lines.firstIndex(where: { $0.lineID == line }) else { return }
        lines[index].closed = lines[index].closed.saturatingAdding(quantity)
        lines[index].toProduce = max(0, min(lines[index].toProduce, lines[index].quantity - lines[index].allocated - lines[index].closed))
        lines[index].explanation.append(AllocationNote(.closedShort, quantity: quantity))
        refreshStatus()
    }
}
