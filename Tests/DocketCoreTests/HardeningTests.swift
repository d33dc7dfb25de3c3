import DocketCore
import PropertyBased
import Testing

/// Extreme values clients have sent: around the bounds, at powers of two that wrap sums, at the ends of Int64.
let extremeMinor: [Int64] = [
    0, 1, -1, Bounds.unitPriceMinor, Bounds.unitPriceMinor + 1, Bounds.amountMinor, 100_000_000_000_000_000, 1 << 62, 6_000_000_000_000_000_000,
    .max, .min, .max - 1, .min + 1,
]
let extremeQuantities: [Int64] = [0, 1, -1, Bounds.quantity, Bounds.quantity + 1, 1_000_000_000, 1 << 62, .max, .min]

private let customer = Customer(
    code: "C001", name: "上海华联贸易有限公司",
    contacts: [
        Contact(name: "王芳", phone: "13812345678", isPrimary: true), Contact(name: "李强", phone: "13900001111"),
    ],
    addresses: [Address(province: "上海市", city: "上海市", district: "浦东新区", street: "张江路 100 号", postcode: "201203", isDefault: true)],
    creditLimit: Money(minor: 50_000_000), paymentTermsDays: 30, creditRating: .A)

private func product(_ sku: String, list: Int64 = 8_900, currency: Currency = .cny) -> Product {
    Product(sku: sku, nameZh: "保温杯", unit: "个", listPrice: Money(minor: list, currency: currency))
}

private func facts(_ products: [Product] = [product("P001")], customer: Customer? = customer) -> IntakeFacts {
    IntakeFacts(
        customer: customer, customerArchived: false,
        products: Dictionary(uniqueKeysWithValues: products.map { ($0.sku, (product: $0, archived: false)) }),
        today: CalendarDate(year: 2026, month: 11, day: 22)!)
}

@Suite("Hardening: bounds, checked arithmetic and refusals in Core")
struct HardeningCoreTests {
    /// Whatever prices, quantities, balances and limits arrive, Core decides without trapping: intake, every review
    /// stage, credit, the revision diff and the display of the amounts.
    @Test func extremeValuesNeverTrap() async {
        // Two draws in three are one of the extremes, the third any Int64.
        let amounts = Gen.int64().map { value in value % 3 == 0 ? value : extremeMinor[Int(value.magnitude % UInt64(extremeMinor.count))] }
        let quantities = Gen.int64().map { value in
            value % 3 == 0 ? value : extremeQuantities[Int(value.magnitude % UInt64(extremeQuantities.count))]
        }
        await propertyCheck(count: 300, input: zip(amounts, quantities, amounts)) { drawn in
            let (price, quantity, balance) = drawn
            let lines = (0..<4).map { _ in OrderLineDraft(sku: "P001", quantity: quantity, unitPrice: Money(minor: price)) }
            let draft = OrderDraft(channel: .phone, customerCode: "C001", lines: lines)
            _ = draft.shapeProblems()
            let decision = OrderIntake.check(draft, facts: facts([product("P001", list: balance)]))
            var limited = customer
            limited.creditLimit = Money(minor: balance)
            for method in PaymentMethod.allCases {
                let reviewFacts = ReviewFacts(
                    customer: limited, channel: .phone, paymentMethod: method, total: Money(minor: price), lines: decision.lines,
                    credit: CreditFacts(openBalance: Money(minor: balance), overdue: Money(minor: quantity == 0 ? 0 : 1), oldestOverdueDays: 3),
                    available: ["P001": balance], makeToOrder: [])
                for stage in ReviewStage.allCases {
                    let assessment = OrderReview.assess(stage, reviewFacts)
                    for finding in assessment.findings { _ = Message("finding.\(finding.code)", finding.arguments).text(.zhCN) }
                }
            }
            let snapshot = decision.snapshot(of: draft)
            _ = OrderRevisionDiff.diff(snapshot, snapshot)
            _ = Money(minor: price).formatted
            _ = Money(minor: balance).decimalString
        }
    }

    @Test func pricesQuantitiesAndTotalsBeyondTheBoundsAreRefusedWithTheirField() {
        let draft = OrderDraft(
            channel: .api, customerCode: "C001",
            lines: [
                OrderLineDraft(sku: "P001", quantity: Bounds.quantity + 1),
                OrderLineDraft(sku: "P001", quantity: 1, unitPrice: Money(minor: 100_000_000_000_000_000)),
                OrderLineDraft(sku: "P001", quantity: 1, unitPrice: Money(minor: 100, currency: .usd)),
            ])
        let problems = draft.shapeProblems()
        #expect(problems.map(\.field) == ["lines[0].quantity", "lines[1].unitPrice", "lines[2].unitPrice"])
        #expect(problems.map(\.code) == ["wholeNumberOutOfRange", "moneyOutOfRange", "currencyMismatch"])
        #expect(problems[2].message.text(.zhCN) == "币种 USD 与订单币种 CNY 不一致")

        // Each line within its bounds, the order beyond the total's: refused, nothing wraps.
        let big = OrderDraft(
            channel: .api, customerCode: "C001",
            lines: (0..<200).map { _ in OrderLineDraft(sku: "P001", quantity: Bounds.quantity, unitPrice: Bounds.unitPrice) })
        #expect(big.shapeProblems().isEmpty)
        let decision = OrderIntake.check(big, facts: facts())
        #expect(decision.refusals.map(\.code) == ["orderTotalOutOfRange"])
        #expect(decision.total.minor >= 0)
        // A list price in another currency cannot be added into a CNY order either.
        let usdList = OrderIntake.check(
            OrderDraft(channel: .api, customerCode: "C001", lines: [OrderLineDraft(sku: "U001", quantity: 1)]), facts: facts([product("U001", currency: .usd)]))
        #expect(usdList.refusals.map(\.field) == ["lines[0].unitPrice"])
    }

    @Test func moneyInMasterDataIsBounded() {
        var expensive = product("P001", list: Bounds.unitPriceMinor + 1)
        #expect(throws: DocketError.invalid("listPrice", "moneyOutOfRange", ["max": "¥100,000,000.00"])) { try expensive.validate() }
        expensive.listPrice = Bounds.unitPrice
        #expect(throws: Never.self) { try expensive.validate() }
        var rich = customer
        rich.creditLimit = Money(minor: .max)
        #expect(throws: DocketError.self) { try rich.validate() }
    }

    /// Orders paid in advance or on delivery use no credit, whatever the rating (README).
    @Test(arguments: [PaymentMethod.prepayment, .cashOnDelivery])
    func advancePaidOrdersOfADRatedCustomerPassCredit(_ method: PaymentMethod) {
        var rated = customer
        rated.creditRating = .D
        let credit = CreditPolicy.evaluate(total: Money(minor: 10_000), paymentMethod: method, customer: rated, facts: CreditFacts())
        #expect(credit.outcome == .pass)
        #expect(credit.reasons.map(\.code) == ["creditSummary", "creditNotUsed"])
        #expect(CreditPolicy.evaluate(total: Money(minor: 10_000), paymentMethod: .onAccount, customer: rated, facts: CreditFacts()).outcome == .reject)
    }

    /// The phone comes from the customer's records only for the contact it belongs to.
    @Test func theContactsPhoneIsTakenOnlyForThatContact() {
        func decide(name: String?, phone: String?) -> OrderIntake.Decision {
            OrderIntake.check(
                OrderDraft(channel: .phone, customerCode: "C001", contactName: name, contactPhone: phone, lines: [OrderLineDraft(sku: "P001", quantity: 1)]),
                facts: facts())
        }
        #expect(decide(name: nil, phone: nil).contactPhone == "13812345678", "the primary contact, name and phone")
        #expect(decide(name: "李强", phone: nil).contactPhone == "13900001111", "another known contact: their own phone")
        let stranger = decide(name: "赵六", phone: nil)
        #expect(stranger.contactPhone == nil)
        #expect(stranger.problems.map(\.field) == ["contactPhone"], "someone the customer has no record of: ask for the phone")
        #expect(decide(name: "赵六", phone: "13700002222").problems.isEmpty)
    }

    @Test func controlCharactersAreRefusedOutsideMultilineText() {
        #expect(Validator.hasControlCharacters("a\u{0}b", multiline: true))
        #expect(Validator.hasControlCharacters("a\u{1B}[31m", multiline: true))
        #expect(Validator.hasControlCharacters("a\u{85}", multiline: true))
        #expect(!Validator.hasControlCharacters("第一行\n第二行\t备注", multiline: true))
        #expect(Validator.hasControlCharacters("王\t芳", multiline: false))
        #expect(!Validator.hasControlCharacters("恒通贸易 C0002", multiline: false))
        var v = Validator()
        v.text("王\u{0}芳", "name")
        v.optionalText("送货\n上午", "notes", multiline: true)
        v.optionalText("Lot\u{7}1", "lot")
        #expect(v.problems == [FieldProblem("name", "controlCharacters"), FieldProblem("lot", "controlCharacters")])
    }

    /// A JSON type named in words, in the reader's language.
    @Test func codesInArgumentsAreSaidInWords() {
        #expect(Message("problem.invalidType", ["expected": "object"]).text(.zhCN) == "类型错误，应为对象")
        #expect(Message("problem.invalidType", ["expected": "string"]).text(.en) == "Wrong type; expected text")
        #expect(FieldProblem("lines[0].quantity", "mustBePositive").localized(.zhCN).text == "必须大于 0")
    }

    @Test func aMarketplaceRepushNamesOnlyWhatChanged() {
        let kept = OrderDraft(
            channel: .taobao, externalRef: "TB1", customerCode: "C001", contactName: "王芳", contactPhone: "13812345678",
            lines: [OrderLineDraft(sku: "P001", quantity: 2, unitPrice: Money(minor: 8_900))])
        var same = kept
        same.contactName = nil
        same.lines[0].unitPrice = nil
        #expect(OrderEdit(repush: same, kept: kept).isEmpty, "left out, or the list price: nothing changed")
        var changed = kept
        changed.lines[0].quantity = 5
        changed.deliveryAddress = Address(province: "浙江省", city: "杭州市", district: "西湖区", street: "文三路 1 号")
        let edit = OrderEdit(repush: changed, kept: kept)
        #expect(edit.lines?.map(\.quantity) == [5])
        #expect(edit.deliveryAddress?.city == "杭州市")
        #expect(edit.contactName == nil && edit.notes == nil)
    }
}

@Suite("CSV import: whole orders, Chinese headers, the template")
struct OrderImportHardeningTests {
    @Test func anOrderWithABadLineIsRefusedWhole() {
        let csv = """
            customer_code,external_ref,sku,quantity
            C0002,PO-1,TEA-1,3
            C0002,PO-1,TEA-2,2.5
            C0002,PO-1,TEA-3,1
            C0003,PO-9,TEA-1,4
            """
        let parsed = OrderImport.parse(csv)
        #expect(parsed.orders.map(\.lines) == [[5]], "only the order whose lines are all good")
        #expect(parsed.problems.map(\.line) == [2, 3, 4])
        #expect(parsed.problems.first { $0.line == 3 }?.problem.field == "quantity")
        #expect(parsed.problems.first { $0.line == 2 }?.problem.code == "orderRefusedWithLines")
        #expect(parsed.problems.first { $0.line == 2 }?.problem.message.text(.zhCN) == "同一订单（第 2, 3, 4 行）中另有错误行，整单未导入")
    }

    @Test func theTemplateInEitherLanguageReadsBack() {
        for chinese in [true, false] {
            let parsed = OrderImport.parse(OrderImport.template(chinese: chinese))
            #expect(parsed.problems.isEmpty)
            #expect(parsed.orders.count == 1)
            #expect(parsed.orders.first?.draft.lines.map(\.sku) == ["TEA-LJ-250", "SNK-NUT-500"])
            #expect(parsed.orders.first?.draft.contactName == "王经理")
        }
        #expect(OrderImport.template(chinese: true).hasPrefix("客户编码,客户单号"))
        let missing = OrderImport.parse("客户编码,数量\nC0002,3\n")
        #expect(missing.problems.map(\.problem.field) == ["sku"])
        #expect(missing.problems.map(\.problem.code) == ["columnMissing"])
    }
}
