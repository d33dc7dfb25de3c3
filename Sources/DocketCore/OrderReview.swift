/// How the customer pays for an order (DOMAIN §2, finance review). Only orders on account use credit.
public enum PaymentMethod: String, Sendable, Codable, CaseIterable, Hashable {
    /// 预付: paid before shipment.
    case prepayment
    /// 账期/月结: invoiced, paid within the customer's payment terms.
    case onAccount = "on_account"
    /// 货到付款.
    case cashOnDelivery = "cod"

    /// What an order pays by when the draft does not say: on account when the customer has terms.
    public static func defaultFor(_ customer: Customer?) -> PaymentMethod {
        (customer?.paymentTermsDays ?? 0) > 0 ? .onAccount : .prepayment
    }
}

/// The four review stages (审核), as the people in them say it.
public enum ReviewStage: String, Sendable, Codable, CaseIterable, Hashable {
    case sales, finance, inventory, final

    public var status: OrderStatus {
        switch self {
        case .sales: .reviewSales
        case .finance: .reviewFinance
        case .inventory: .reviewInventory
        case .final: .reviewFinal
        }
    }

    public init?(status: OrderStatus) {
        guard let stage = ReviewStage.allCases.first(where: { $0.status == status }) else { return nil }
        self = stage
    }
}

/// One thing a review stage found, shown to the reviewer with its reason. The catalogue key is `finding.<code>`.
public struct ReviewFinding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable, Comparable {
        /// For the record (e.g. "payment terms 30 days").
        case info
        /// Someone must look: a person may still pass, with a reason.
        case warning
        /// The check says no (e.g. credit: reject); a person passing it must give a reason.
        case blocking

        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var code: String
    public var severity: Severity
    public var arguments: [String: String]

    public init(_ code: String, _ severity: Severity, _ arguments: [String: String] = [:]) {
        self.code = code
        self.severity = severity
        self.arguments = arguments
    }
}

// MARK: Credit

/// 客户信用评估 outcomes (DOMAIN §2).
public enum CreditOutcome: String, Sendable, Codable, CaseIterable, Hashable {
    case pass
    /// 要求担保: a guarantee before the order goes on.
    case holdForGuarantee = "hold_guarantee"
    /// 要求预付: prepayment before the order goes on.
    case holdForPrepayment = "hold_prepayment"
    /// The order fits only if its amount is reduced (to `suggestedMaxTotal`).
    case reduce
    case reject
}

/// What the credit check reads about the customer besides the customer record.
public struct CreditFacts: Sendable, Hashable, Codable {
    /// Other orders of the customer not yet paid for (everything accepted and not cancelled or completed).
    public var openBalance: Money
    /// Amounts past their payment due date, and how many days the oldest is late.
    public var overdue: Money
    public var oldestOverdueDays: Int

    public init(openBalance: Money = .zero(), overdue: Money = .zero(), oldestOverdueDays: Int = 0) {
        self.openBalance = openBalance
        self.overdue = overdue
        self.oldestOverdueDays = oldestOverdueDays
    }
}

public struct CreditEvaluation: Sendable, Hashable, Codable {
    public var outcome: CreditOutcome
    public var limit: Money
    public var openBalance: Money
    /// Open balance plus this order.
    public var exposure: Money
    public var overdue: Money
    /// For `reduce`: the largest order total that fits the limit.
    public var suggestedMaxTotal: Money?
    /// Why: every fact that led to the outcome.
    public var reasons: [ReviewFinding]
}

/// The credit policy: rating, overdue amounts and limit against exposure.
public enum CreditPolicy {
    /// Overdue longer than this is a reject, shorter a hold for prepayment.
    public static let seriousOverdueDays = 90

    public static func evaluate(total: Money, paymentMethod: PaymentMethod, customer: Customer, facts: CreditFacts) -> CreditEvaluation {
        let limit = customer.creditLimit
        // Inputs are bounded (`Bounds`); a stored figure beyond them saturates rather than trapping.
        let exposure = Money(minor: facts.openBalance.minor.saturatingAdding(total.minor), currency: total.currency)
        var reasons: [ReviewFinding] = [
            ReviewFinding(
                "creditSummary", .info,
                ["rating": customer.creditRating.rawValue, "limit": limit.formatted, "open": facts.openBalance.formatted,
                 "exposure": exposure.formatted])
        ]
        func result(_ outcome: CreditOutcome, suggested: Money? = nil) -> CreditEvaluation {
            CreditEvaluation(
                outcome: outcome, limit: limit, openBalance: facts.openBalance, exposure: exposure, overdue: facts.overdue,
                suggestedMaxTotal: suggested, reasons: reasons)
        }
        // Paid in advance or on delivery: no credit is extended, whatever the rating (README).
        guard paymentMethod == .onAccount else {
            reasons.append(ReviewFinding("creditNotUsed", .info, ["method": paymentMethod.rawValue]))
            return result(.pass)
        }
        if customer.creditRating == .D {
            reasons.append(ReviewFinding("creditRatingD", .blocking))
            return result(.reject)
        }
        if facts.overdue.minor > 0 {
            let arguments = ["amount": facts.overdue.formatted, "days": String(facts.oldestOverdueDays)]
            if facts.oldestOverdueDays > seriousOverdueDays {
                reasons.append(ReviewFinding("creditOverdueSerious", .blocking, arguments))
                return result(.reject)
            }
            reasons.append(ReviewFinding("creditOverdue", .warning, arguments))
            return result(.holdForPrepayment)
        }
        if limit.minor <= 0 {
            reasons.append(ReviewFinding("creditNoLine", .warning))
            return result(.holdForPrepayment)
        }
        if exposure.minor <= limit.minor {
            // A C-rated customer using more than half its line gives a guarantee.
            if customer.creditRating == .C && exposure.minor > limit.minor / 2 {
                reasons.append(ReviewFinding("creditRatingCHighUse", .warning, ["limit": limit.formatted]))
                return result(.holdForGuarantee)
            }
            reasons.append(ReviewFinding("creditWithinLimit", .info))
            return result(.pass)
        }
        let headroom = limit.minor.saturatingSubtracting(facts.openBalance.minor)
        let over = ["over": Money(minor: exposure.minor.saturatingSubtracting(limit.minor), currency: total.currency).formatted]
        if headroom > 0 {
            let suggested = Money(minor: headroom, currency: total.currency)
            reasons.append(ReviewFinding("creditReduce", .warning, over.merging(["max": suggested.formatted]) { a, _ in a }))
            return result(.reduce, suggested: suggested)
        }
        if customer.creditRating == .C {
            reasons.append(ReviewFinding("creditLimitExhausted", .blocking, over))
            return result(.reject)
        }
        reasons.append(ReviewFinding("creditLimitExhaustedPrepay", .warning, over))
        return result(.holdForPrepayment)
    }
}

// MARK: Stages

/// Everything a review stage looks at, read by the store in one snapshot.
public struct ReviewFacts: Sendable {
    public var customer: Customer?
    public var channel: OrderChannel
    public var paymentMethod: PaymentMethod
    public var total: Money
    public var lines: [OrderIntake.PricedLine]
    public var credit: CreditFacts
    /// Available (on hand − reserved) across all active warehouses, by SKU.
    public var available: [String: Int64]
    public var makeToOrder: Set<String>

    public init(
        customer: Customer?, channel: OrderChannel, paymentMethod: PaymentMethod, total: Money,
        lines: [OrderIntake.PricedLine], credit: CreditFacts, available: [String: Int64], makeToOrder: Set<String>
    ) {
        self.customer = customer
        self.channel = channel
        self.paymentMethod = paymentMethod
        self.total = total
        self.lines = lines
        self.credit = credit
        self.available = available
        self.makeToOrder = makeToOrder
    }
}

/// What a stage found for one order: shown to the reviewer, kept with the decision.
public struct StageAssessment: Sendable, Hashable, Codable {
    public var stage: ReviewStage
    public var findings: [ReviewFinding]
    /// The sales review's credit evaluation.
    public var credit: CreditEvaluation?

    public var worst: ReviewFinding.Severity { findings.map(\.severity).max() ?? .info }
    /// Lines whose price differs from the list price: passing them is the recorded approval.
    public var priceOverrides: [ReviewFinding] { findings.filter { $0.code == "priceOverride" } }
}

/// A rule that passes routine orders through a stage without a person (recorded as "by rule X").
public struct ReviewRule: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var stage: ReviewStage
    /// Only orders up to this total (nil: any).
    public var maxTotal: Money?
    /// Only customers with these ratings (empty: any).
    public var ratings: [CreditRating]
    /// Only orders from these channels (empty: any).
    public var channels: [OrderChannel]
    public var notes: String?

    public init(
        code: String, name: String, stage: ReviewStage, maxTotal: Money? = nil, ratings: [CreditRating] = [],
        channels: [OrderChannel] = [], notes: String? = nil
    ) {
        self.code = code
        self.name = name
        self.stage = stage
        self.maxTotal = maxTotal
        self.ratings = ratings
        self.channels = channels
        self.notes = notes
    }

    private enum CodingKeys: String, CodingKey { case code, name, stage, maxTotal, ratings, channels, notes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(.code, default: "")
        name = try c.decode(.name, default: "")
        stage = try c.decode(.stage, default: .sales)
        maxTotal = try c.decodeIfPresent(Money.self, forKey: .maxTotal)
        ratings = try c.decode(.ratings, default: [])
        channels = try c.decode(.channels, default: [])
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
    }

    /// A rule only ever passes an order its stage found nothing to look at: no warning, no blocking finding.
    public func matches(_ assessment: StageAssessment, _ facts: ReviewFacts) -> Bool {
        guard assessment.stage == stage, assessment.worst == .info else { return false }
        if let maxTotal, facts.total.minor > maxTotal.minor { return false }
        if !ratings.isEmpty, !(facts.customer.map { ratings.contains($0.creditRating) } ?? false) { return false }
        if !channels.isEmpty, !channels.contains(facts.channel) { return false }
        return true
    }
}

extension ReviewRule: Validatable {
    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(code, "code")
        v.text(name, "name", max: 100)
        if let maxTotal { v.money(maxTotal, "maxTotal") }
        v.unique(ratings, "ratings") { $0.rawValue }
        v.unique(channels, "channels") { $0.rawValue }
        v.optionalText(notes, "notes", max: 500, multiline: true)
        try v.check()
    }
}

/// The checks of each review stage (DOMAIN §2). Pure: the store reads the facts and keeps the outcome.
public enum OrderReview {
    public static func assess(_ stage: ReviewStage, _ facts: ReviewFacts) -> StageAssessment {
        switch stage {
        case .sales: sales(facts)
        case .finance: finance(facts)
        case .inventory: inventory(facts)
        case .final: StageAssessment(stage: .final, findings: [ReviewFinding("finalSummary", .info, ["total": facts.total.formatted])])
        }
    }

    /// 初审: credit and the pricing policy (a price other than the list price needs the reviewer's approval).
    static func sales(_ facts: ReviewFacts) -> StageAssessment {
        guard let customer = facts.customer else {
            return StageAssessment(stage: .sales, findings: [ReviewFinding("customerMissing", .blocking)])
        }
        let credit = CreditPolicy.evaluate(total: facts.total, paymentMethod: facts.paymentMethod, customer: customer, facts: facts.credit)
        var findings = credit.reasons
        for line in facts.lines where line.priceOverride {
            let list = line.listPrice ?? .zero()
            let percent = list.minor > 0 ? line.unitPrice.minor.saturatingSubtracting(list.minor).saturatingMultiplying(100) / list.minor : 0
            findings.append(
                ReviewFinding(
                    "priceOverride", .warning,
                    ["sku": line.sku, "list": list.formatted, "price": line.unitPrice.formatted, "percent": String(percent)]))
        }
        return StageAssessment(stage: .sales, findings: findings, credit: credit)
    }

    /// 财务审核: payment method against terms, invoice details, amounts.
    static func finance(_ facts: ReviewFacts) -> StageAssessment {
        var findings: [ReviewFinding] = []
        let terms = facts.customer?.paymentTermsDays ?? 0
        switch facts.paymentMethod {
        case .onAccount where terms <= 0:
            findings.append(ReviewFinding("financeNoTerms", .warning))
        case .onAccount:
            findings.append(ReviewFinding("financeTerms", .info, ["days": String(terms)]))
        case .prepayment:
            findings.append(ReviewFinding("financePrepayment", .info, ["amount": facts.total.formatted]))
        case .cashOnDelivery:
            findings.append(ReviewFinding("financeCashOnDelivery", .info, ["amount": facts.total.formatted]))
        }
        if facts.total.minor <= 0 { findings.append(ReviewFinding("financeZeroTotal", .warning)) }
        if let invoice = facts.customer?.invoice {
            let missingBank = invoice.kind == .special && ((invoice.bankName ?? "").isEmpty || (invoice.bankAccount ?? "").isEmpty)
            if invoice.title.isEmpty || invoice.taxNumber.isEmpty || missingBank {
                findings.append(ReviewFinding("financeInvoiceIncomplete", .warning, ["kind": invoice.kind.rawValue]))
            } else {
                findings.append(ReviewFinding("financeInvoice", .info, ["kind": invoice.kind.rawValue, "title": invoice.title]))
            }
        } else {
            findings.append(ReviewFinding("financeNoInvoiceInfo", .info))
        }
        return StageAssessment(stage: .finance, findings: findings)
    }

    /// 库存审核: can available stock across the warehouses cover each SKU? Make-to-order goods are produced.
    static func inventory(_ facts: ReviewFacts) -> StageAssessment {
        var needed: [String: Int64] = [:]
        var order: [String] = []
        for line in facts.lines {
            if needed[line.sku] == nil { order.append(line.sku) }
            needed[line.sku, default: 0] = needed[line.sku, default: 0].saturatingAdding(line.quantity)
        }
        var findings: [ReviewFinding] = []
        for sku in order {
            let quantity = needed[sku]!
            let available = facts.available[sku] ?? 0
            let arguments = ["sku": sku, "needed": String(quantity), "available": String(available)]
            if available >= quantity {
                findings.append(ReviewFinding("stockCovered", .info, arguments))
            } else if facts.makeToOrder.contains(sku) {
                findings.append(ReviewFinding("stockMakeToOrder", .info, arguments))
            } else {
                findings.append(
                    ReviewFinding("stockShortage", .warning, arguments.merging(["short": String(quantity.saturatingSubtracting(available))]) { a, _ in a }))
            }
        }
        return StageAssessment(stage: .inventory, findings: findings)
    }

    /// The first active rule that passes this order through the stage, if any.
    public static func automaticPass(_ assessment: StageAssessment, _ facts: ReviewFacts, rules: [ReviewRule]) -> ReviewRule? {
        rules.first { $0.matches(assessment, facts) }
    }

    /// The stages an order in `status` passes by rule, one after the other, judged on the same facts: the chain stops
    /// at the first stage no active rule passes, or when the order leaves review. Empty when no rule applies.
    public static func rulePasses(from status: OrderStatus, _ facts: ReviewFacts, rules: [ReviewRule]) -> [RulePass] {
        var passes: [RulePass] = []
        var state = OrderState(status: status)
        while let stage = ReviewStage(status: state.status) {
            let stageRules = rules.filter { $0.stage == stage }
            if stageRules.isEmpty { break }
            let assessment = assess(stage, facts)
            guard let rule = automaticPass(assessment, facts, rules: stageRules),
                let next = try? OrderLifecycle.apply(ReviewDecision.pass.action, to: state)
            else { break }
            passes.append(RulePass(stage: stage, assessment: assessment, rule: rule, from: state, to: next))
            state = next
        }
        return passes
    }
}

/// One review stage an order passed by rule (审核规则), with what the stage found.
public struct RulePass: Sendable, Hashable {
    public var stage: ReviewStage
    public var assessment: StageAssessment
    public var rule: ReviewRule
    public var from: OrderState
    public var to: OrderState
}
