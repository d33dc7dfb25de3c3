import DocketCore
import PropertyBased
import Testing

@Suite struct MoneyTests {
    @Test(arguments: [
        ("0", 0), ("12", 1200), ("12.3", 1230), ("12.34", 1234), ("-0.05", -5), ("  8.90 ", 890), ("1000000", 100_000_000),
    ])
    func parsesDecimalText(_ text: String, _ minor: Int64) {
        #expect(Money.parse(text) == Money(minor: minor))
    }

    @Test(arguments: ["", "-", "1.", ".5", "1.234", "1,000", "abc", "1e3", "--1", "99999999999999999999"])
    func refusesMalformedText(_ text: String) {
        #expect(Money.parse(text) == nil)
    }

    @Test func formatsForPeople() {
        #expect(Money(minor: 123_456_789).formatted == "¥1,234,567.89")
        #expect(Money(minor: -5).formatted == "-¥0.05")
        #expect(Money(minor: 1200, currency: .jpy).formatted == "¥1,200")
        #expect(Money(minor: 0).formatted == "¥0.00")
        #expect(Money(minor: 99_999).formatted == "¥999.99")
        #expect(Money(minor: 100_000).formatted == "¥1,000.00")
        #expect(Money(minor: -100_000_000).formatted == "-¥1,000,000.00")
        #expect(Money(minor: 999, currency: .jpy).formatted == "¥999")
        #expect(Money(minor: Int64.min).formatted == "-¥92,233,720,368,547,758.08")
        #expect(Money(minor: Int64.max).formatted == "¥92,233,720,368,547,758.07")
    }

    @Test func formattedIsTheDecimalTextGroupedByThousands() async {
        await propertyCheck(input: Gen.int64(in: -1_000_000_000_000_000...1_000_000_000_000_000)) { minor in
            let money = Money(minor: minor)
            let (digits, groups) = Self.read(money.formatted)
            // Without the symbol and the separators it is the decimal text; each group after the first has 3 digits.
            #expect(digits == money.decimalString)
            #expect((1...3).contains(groups[0]) && groups.dropFirst().allSatisfy { $0 == 3 })
        }
    }

    /// The text without "¥" and ",", and the lengths of the whole part's comma-separated groups.
    static func read(_ text: String) -> (digits: String, groups: [Int]) {
        let digits = String(text.unicodeScalars.filter { $0 != "¥" && $0 != "," })
        let whole = text.unicodeScalars.prefix { $0 != "." }.filter { ("0"..."9").contains($0) || $0 == "," }
        let groups = String(String.UnicodeScalarView(whole)).split(separator: ",", omittingEmptySubsequences: false).map(\.count)
        return (digits, groups)
    }

    @Test func decimalTextRoundTrips() async {
        await propertyCheck(input: Gen.int64(in: -1_000_000_000_000...1_000_000_000_000)) { minor in
            let money = Money(minor: minor)
            #expect(Money.parse(money.decimalString) == money)
        }
    }
}

@Suite struct TimeTests {
    @Test func iso8601RoundTrips() async {
        await propertyCheck(input: Gen.int64(in: -2_000_000_000_000...4_000_000_000_000)) { ms in
            let time = Timestamp(millisecondsSince1970: ms)
            #expect(Timestamp.parse(time.iso8601) == time)
        }
    }

    @Test func calendarDatesRoundTrip() async {
        await propertyCheck(input: Gen.int(in: -700_000...2_900_000)) { days in
            let date = CalendarDate(daysSince1970: days)
            #expect(date.daysSince1970 == days)
            #expect(CalendarDate.parse(date.iso8601) == date)
        }
    }

    @Test func parsesOffsetsAndRefusesLocalTimes() {
        #expect(Timestamp.parse("2026-11-22T08:30:00+08:00") == Timestamp.parse("2026-11-22T00:30:00Z"))
        #expect(Timestamp.parse("2026-11-22T00:30:00.5Z")?.millisecondsSince1970 == 1_795_307_400_500)
        #expect(Timestamp.parse("2026-11-22T08:30:00") == nil)
        #expect(Timestamp.parse("2026-11-22T24:00:00Z") == nil)
        #expect(CalendarDate.parse("2027-02-29") == nil)
        #expect(CalendarDate.parse("2028-02-29") != nil)
    }

    @Test func chinaDateOfAnInstant() {
        // 2026-11-22 20:00 UTC is already the 23rd in Shanghai.
        let evening = Timestamp.parse("2026-11-22T20:00:00Z")!
        #expect(evening.utcDate.iso8601 == "2026-11-22")
        #expect(evening.date(utcOffsetHours: 8).iso8601 == "2026-11-23")
    }
}

@Suite struct LanguageTests {
    @Test(arguments: [
        (nil, Language.zhCN), ("", .zhCN), ("en", .en), ("en-US,en;q=0.9", .en), ("zh-TW", .zhCN), ("fr", .zhCN),
        ("fr;q=1, en;q=0.5", .en), ("zh;q=0.3, en;q=0.8", .en), ("en;q=0, zh", .zhCN), ("*", .zhCN),
    ] as [(String?, Language)])
    func negotiates(_ header: String?, _ expected: Language) {
        #expect(Language.negotiate(acceptLanguage: header) == expected)
    }

    @Test func catalogsHaveTheSameKeys() {
        let zh = Set(Catalog.table(.zhCN).keys)
        let en = Set(Catalog.table(.en).keys)
        #expect(zh.subtracting(en).isEmpty, "missing in en: \(zh.subtracting(en).sorted())")
        #expect(en.subtracting(zh).isEmpty, "missing in zh-CN: \(en.subtracting(zh).sorted())")
    }

    @Test func everyEntityAndProblemCodeHasText() {
        for entity in EntityKind.allCases {
            #expect(Catalog.table(.zhCN)[entity.message.key] != nil, "\(entity)")
        }
        // Every problem code the validators and the API emit.
        let codes = [
            "required", "tooLong", "invalidCode", "invalidPhone", "invalidEmail", "invalidPostcode", "outOfRange",
            "mustBePositive", "mustNotBeNegative", "invalidValue", "invalidDate", "invalidTime", "invalidNumber",
            "invalidType", "invalidCurrency", "notFound", "archived", "inactive", "duplicateInList", "tooMany", "tooFew",
            "lotRequired", "expiryRequired", "expiryBeforeReceipt", "notShelfLife", "lotExpiryMismatch",
            "selfSubstitute", "weakPassword", "malformedJSON", "immutable", "duplicate", "unknownService", "creditFinanceOnly",
        ]
        for code in codes {
            #expect(Catalog.table(.zhCN)["problem.\(code)"] != nil, "problem.\(code)")
            #expect(Catalog.table(.en)["problem.\(code)"] != nil, "problem.\(code)")
        }
    }

    @Test func argumentsAreFilledIn() {
        #expect(Message("problem.tooLong", ["max": "40"]).text(.zhCN) == "不能超过 40 个字符")
        #expect(Message("problem.tooLong", ["max": "40"]).text(.en) == "At most 40 characters")
    }
}

@Suite struct ValidationTests {
    @Test(arguments: [
        "13812345678", "+86 138 1234 5678", "021-12345678", "0755-1234567", "400-800-9999", "95338", "950616", "10086",
    ])
    func acceptsChinesePhoneNumbers(_ phone: String) {
        #expect(Validator.isPhone(phone))
    }

    @Test(arguments: ["", "123", "12812345678", "1381234567", "phone", "138-1234-567x", "95", "0"])
    func refusesOthers(_ phone: String) {
        #expect(!Validator.isPhone(phone))
    }

    @Test func customerProblemsArePathed() {
        var customer = Customer(code: "C-1", name: "测试")
        customer.contacts = [Contact(name: "", phone: "x", email: "a@b")]
        customer.invoice = InvoiceInfo(kind: .special, title: "测试", taxNumber: "91310000MA1FL0000X")
        customer.paymentTermsDays = 400
        let error = #expect(throws: DocketError.self) { try customer.validate() }
        guard case .invalid(let problems) = error else { return }
        #expect(
            problems.map(\.field) == [
                "contacts[0].name", "contacts[0].phone", "contacts[0].email", "paymentTermsDays", "invoice.bankName",
                "invoice.bankAccount", "invoice.registeredAddress", "invoice.registeredPhone",
            ])
    }

    @Test func likePatternEscapesWildcards() {
        #expect(ListQuery(search: " 50%_off\\ ").likePattern == "%50\\%\\_off\\\\%")
        #expect(ListQuery(search: "   ").likePattern == nil)
    }
}
