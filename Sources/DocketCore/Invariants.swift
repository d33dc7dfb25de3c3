/// What must hold in every Docket database at every commit (`docket check`, issue 11). Each is checked by the store
/// against a live database in one read snapshot; a finding names the row and what is wrong.
public enum Invariant: String, Sendable, Hashable, Codable, CaseIterable {
    /// Per lot 0 ≤ reserved ≤ on hand.
    case lotBounds
    /// A lot's reserved = its orders' reservations + the holds of transfers not yet shipped.
    case reservedIsHeld
    /// A lot's on hand and reserved = its ledger replayed.
    case ledgerReplays
    /// An order's total = Σ its current lines' amounts, and each amount = quantity × unit price.
    case orderTotals
    /// An order's status = the target of its last status change in the audit log.
    case statusMatchesHistory
    /// No reservation or active allocation on a cancelled, completed or archived order.
    case noHoldsOnClosedOrders
    /// At most one order per channel and platform order number; every idempotency key names an order.
    case uniqueIntake
    /// Exactly one message in the outbox per event that tells the customer: a confirmation, a revision, a
    /// reminder, a customer's change request, a production slip.
    case oneMessagePerEvent
    /// Order numbers per day run 1…n without duplicates or gaps, and the day's counter stands at n.
    case orderNumbersContiguous

    /// What the invariant says, for the report.
    public var title: String {
        switch self {
        case .lotBounds: "per lot 0 ≤ reserved ≤ on hand (批次预留不超在库)"
        case .reservedIsHeld: "reserved = reservations + unshipped transfer holds (预留与占用一致)"
        case .ledgerReplays: "on hand and reserved = the ledger replayed (库存流水可重放)"
        case .orderTotals: "order total = Σ line amounts, amount = quantity × price (订单金额)"
        case .statusMatchesHistory: "order status = its last status change (状态与记录一致)"
        case .noHoldsOnClosedOrders: "no stock held by cancelled or completed orders (关闭订单不占库存)"
        case .uniqueIntake: "one order per platform order number and idempotency key (不重复接单)"
        case .oneMessagePerEvent: "one outbox message per customer-facing event (每个通知恰好一条)"
        case .orderNumbersContiguous: "order numbers per day without duplicates or gaps (订单号连续)"
        }
    }
}

/// One violation: which invariant, the row it concerns (a lot, an order number, a day), and what was found.
public struct CheckFinding: Sendable, Hashable, Codable {
    public var invariant: Invariant
    public var subject: String
    public var detail: String

    public init(_ invariant: Invariant, _ subject: String, _ detail: String) {
        self.invariant = invariant
        self.subject = subject
        self.detail = detail
    }
}

/// The outcome of a check: every invariant looked at, and what was found (at most `limit` rows per invariant, with
/// the full count).
public struct CheckReport: Sendable, Hashable, Codable {
    public var findings: [CheckFinding]
    /// Violations per invariant, including those beyond the rows listed.
    public var counts: [Invariant: Int]

    public init(findings: [CheckFinding], counts: [Invariant: Int]) {
        self.findings = findings
        self.counts = counts
    }

    public var isClean: Bool { counts.values.allSatisfy { $0 == 0 } }

    /// The report as lines for a terminal: each invariant ✔ or ✘ with its findings.
    public var lines: [String] {
        var lines: [String] = []
        for invariant in Invariant.allCases {
            let count = counts[invariant] ?? 0
            lines.append("\(count == 0 ? "✔" : "✘") \(invariant.title)\(count == 0 ? "" : " — \(count) found")")
            for finding in findings where finding.invariant == invariant { lines.append("    \(finding.subject): \(finding.detail)") }
        }
        return lines
    }
}
