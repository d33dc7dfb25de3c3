import DocketCore
import Testing

private func customer(_ rating: CreditRating, limit: Int64, terms: Int = 30) -> Customer {
    Customer(code: "C1", name: "客户", creditLimit: Money(minor: limit), paymentTermsDays: terms, creditRating: rating)
}

@Suite("Credit policy, review stages, rules, deadlines and revision diffs")
struct ReviewPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var rating: CreditRating
        var limit: Int64
        var open: Int64
        var total: Int64
        var overdue: Int64 = 0
        var overdueDays = 0
        var method: PaymentMethod = .onAccount
        var expected: CreditOutcome
        var reason: String
        var testDescription: String { "\(rating) \(reason) → \(expected.rawValue)" }
    }

    @Test(arguments: [
        Case(rating: .A, limit: 100_000, open: 20_000, total: 50_000, expected: .pass, reason: "creditWithinLimit"),
        Case(rating: .B, limit: 100_000, open: 80_000, total: 50_000, expected: .reduce, reason: "creditReduce"),
        Case(rating: .B, limit: 100_000, open: 100_000, total: 1, expected: .holdForPrepayment, reason: "creditLimitExhaustedPrepay"),
        Case(rating: .C, limit: 100_000, open: 120_000, total: 1, expected: .reject, reason: "creditLimitExhausted"),
        Case(rating: .C, limit: 100_000, open: 40_000, total: 20_000, expected: .holdForGuarantee, reason: "creditRatingCHighUse"),
        Case(rating: .C, limit: 100_000, open: 0, total: 20_000, expected: .pass, reason: "creditWithinLimit"),
        Case(rating: .D, limit: 100_000, open: 0, total: 1, expected: .reject, reason: "creditRatingD"),
        Case(rating: .A, limit: 100_000, open: 0, total: 1, overdue: 5_000, overdueDays: 12, expected: .holdForPrepayment, reason: "creditOverdue"),
        Case(rating: .A, limit: 100_000, open: 0, total: 1, overdue: 5_000, overdueDays: 91, expected: .reject, reason: "creditOverdueSerious"),
        Case(rating: .B, limit: 0, open: 0, total: 1, expected: .holdForPrepayment, reason: "creditNoLine"),
        Case(rating: .B, limit: 0, open: 0, total: 90_000, method: .prepayment, expected: .pass, reason: "creditNotUsed"),
    ])
    func creditOutcomes(_ c: Case) {
        let evaluation = CreditPolicy.evaluate(
            total: Money(minor: c.total), paymentMethod: c.method, customer: customer(c.rating, limit: c.limit),
            facts: CreditFacts(openBalance: Money(minor: c.open), overdue: Money(minor: c.overdue), oldestOverdueDays: c.overdueDays))
        #expect(evaluation.outcome == c.expected)
        #expect(evaluation.reasons.map(\.code).contains(c.reason), "the reason is shown")
        #expect(evaluation.exposure.minor == c.open + c.total)
        if c.expected == .reduce { #expect(evaluation.suggestedMaxTotal == Money(minor: c.limit - c.open)) }
    }

    private func facts(lines: [OrderIntake.PricedLine], available: [String: Int64] = [:], rating: CreditRating = .A) -> ReviewFacts {
        ReviewFacts(
            customer: customer(rating, limit: 1_000_000), channel: .phone, paymentMethod: .onAccount,
            total: Money(minor: lines.reduce(0) { $0 + $1.amount.minor }), lines: lines, credit: CreditFacts(), available: available,
            makeToOrder: ["MTO"])
    }

    private func line(_ sku: String, _ quantity: Int64, price: Int64 = 100, list: Int64 = 100) -> OrderIntake.PricedLine {
        OrderIntake.PricedLine(
            sku: sku, description: sku, quantity: quantity, unitPrice: Money(minor: price), listPrice: Money(minor: list),
            amount: Money(minor: price * quantity), priceOverride: price != list)
    }

    @Test func stagesFindOverridesShortagesAndMakeToOrder() {
        let sales = OrderReview.assess(.sales, facts(lines: [line("A", 1, price: 80)]))
        #expect(sales.priceOverrides.first?.arguments["percent"] == "-20")
        #expect(sales.worst == .warning)
        let inventory = OrderReview.assess(.inventory, facts(lines: [line("A", 2), line("A", 3), line("B", 1), line("MTO", 9)], available: ["A": 4, "B": 1]))
        #expect(inventory.findings.map(\.code) == ["stockShortage", "stockCovered", "stockMakeToOrder"])
        #expect(inventory.findings[0].arguments == ["sku": "A", "needed": "5", "available": "4", "short": "1"])
    }

    @Test func rulesOnlyPassOrdersWithNothingToLookAt() {
        let rule = ReviewRule(code: "R", name: "r", stage: .sales, maxTotal: Money(minor: 1_000), ratings: [.A], channels: [.phone])
        let clean = facts(lines: [line("A", 5)])
        #expect(OrderReview.automaticPass(OrderReview.assess(.sales, clean), clean, rules: [rule]) == rule)
        let big = facts(lines: [line("A", 11)])
        #expect(OrderReview.automaticPass(OrderReview.assess(.sales, big), big, rules: [rule]) == nil)
        let discounted = facts(lines: [line("A", 1, price: 90)])
        #expect(OrderReview.automaticPass(OrderReview.assess(.sales, discounted), discounted, rules: [rule]) == nil)
        let ratedB = facts(lines: [line("A", 1)], rating: .B)
        #expect(OrderReview.automaticPass(OrderReview.assess(.sales, ratedB), ratedB, rules: [rule]) == nil)
        #expect(throws: DocketError.self) { try ReviewRule(code: "", name: "", stage: .final).validate() }
    }

    @Test func confirmationDeadlineCountsFromReceiptWithAFairMinimum() {
        let policy = OrderPolicy()
        let received = Timestamp(millisecondsSince1970: 0)
        let hour: Int64 = 3_600_000
        let early = policy.confirmationTimes(received: received, now: received.adding(milliseconds: 2 * hour))
        #expect(early.deadline.millisecondsSince1970 == 24 * hour)
        #expect(early.reminder?.millisecondsSince1970 == 20 * hour)
        let late = policy.confirmationTimes(received: received, now: received.adding(milliseconds: 23 * hour))
        #expect(late.deadline.millisecondsSince1970 == 47 * hour, "less than the reminder lead left: a full period from now")
        #expect(OrderPolicy.parseWindows("STOCK=20, rush=3")?[.rush] == 3)
        #expect(OrderPolicy.parseWindows("STOCK=0") == nil)
        #expect(policy.promisedDate(received: CalendarDate(year: 2026, month: 11, day: 1)!, type: .rush, requested: nil)
            == CalendarDate(year: 2026, month: 11, day: 8))
    }

    @Test func revisionDiffComparesLinesBySKU() {
        let before = OrderSnapshot(
            customerCode: "C1", contactName: "王", contactPhone: "13800000000", deliveryAddress: nil, requestedDate: nil,
            paymentMethod: .onAccount, lines: [line("A", 1), line("B", 2)], total: Money(minor: 300), notes: nil)
        var after = before
        after.lines = [line("B", 2), line("A", 3, price: 90), line("C", 1)]
        after.total = Money(minor: 570)
        after.notes = "加急"
        let diff = OrderRevisionDiff.diff(before, after)
        #expect(diff == [
            RevisionChange(field: "notes", before: nil, after: "加急"),
            RevisionChange(field: "lines[A].quantity", before: "1", after: "3"),
            RevisionChange(field: "lines[A].unitPrice", before: "1.00", after: "0.90"),
            RevisionChange(field: "lines[C].quantity", before: nil, after: "1"),
            RevisionChange(field: "total", before: "3.00", after: "5.70"),
        ])
        #expect(OrderRevisionDiff.diff(before, before).isEmpty)
    }
}

@Suite struct PastedLinesTests {
    @Test func spacesTabsAndCSVAreReadAndTheRestIsKept() {
        let text = "sku,quantity,price\nCUP-1 3\nCUP-2\t2\t12.50\nCUP-3,4\n\nthis is not a line\nCUP-4 0\nCUP-5　1"
        let parsed = PastedLines.parse(text)
        #expect(parsed.lines.map(\.sku) == ["CUP-1", "CUP-2", "CUP-3", "CUP-5"])
        #expect(parsed.lines[1].price == Money(minor: 1_250))
        #expect(parsed.unreadable == ["this is not a line", "CUP-4 0"])
    }
}
