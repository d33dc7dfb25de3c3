@testable import DocketCore
import PropertyBased
import Testing

@Suite("Shipping documents: Code 128 and the goods a document lists")
struct DocumentTests {
    /// The bars as 1s and spaces as 0s, one digit per module.
    static func bits(_ text: String) -> String? {
        Code128.modules(text)?.enumerated().map { String(repeating: $0.offset % 2 == 0 ? "1" : "0", count: $0.element) }.joined()
    }

    /// Test vectors from an independent encoder (python-barcode 0.15's `Code128(...).build()`): a tracking number
    /// that switches to code set C for its digits, and an order number that switches back and forth.
    @Test func code128MatchesAnIndependentEncoder() {
        #expect(
            Self.bits("SF1000023761")
                == "110100100001101110100010001100010101110111101100100010011011001100110011001101000110100011001000010111101101101100011101011")
        #expect(
            Self.bits("SO-20261124-000016")
                == "110100100001101110100010001110110100110111001011101111011001001110111001001101100010010011101001100101111011101001101110010111011110110110011001101100110010011101100110001011101100011101011"
        )
    }

    @Test func code128ChecksumAndShape() {
        // The standard's worked example: Start B, "PJJ123C" stays in code set B (a run of three digits is not worth C).
        let symbols = Code128.symbols("PJJ123C")
        #expect(symbols == [104, 48, 42, 42, 17, 18, 19, 35, (104 + 48 + 42 * 2 + 42 * 3 + 17 * 4 + 18 * 5 + 19 * 6 + 35 * 7) % 103])
        // Four digits or more go by twos; an all-digit pair starts in C.
        #expect(Code128.symbols("1234")?.prefix(3) == [105, 12, 34])
        #expect(Code128.symbols("12")?.prefix(2) == [105, 12])
        #expect(Code128.symbols("A12345")?.prefix(5) == [104, 33, 99, 12, 34])
        // Nothing outside printable ASCII, nothing empty.
        #expect(Code128.symbols("运单") == nil)
        #expect(Code128.symbols("") == nil)
        #expect(Code128.svg("SO\"<1>") != nil)
        #expect(Code128.svg("SO\"<1>")?.contains("aria-label=\"SO&quot;&lt;1&gt;\"") == true)
    }

    /// Every symbol is 11 modules of three bars and three spaces, the stop 13; so a barcode is 11 × (symbols) + 13
    /// modules long and starts and ends with a bar, whatever the text.
    @Test func everyPrintableTextGivesAWellFormedBarcode() async {
        await propertyCheck(input: Gen.character(in: " "..."~").string(of: 1...40)) { text in
            let symbols = Code128.symbols(text)
            let modules = Code128.modules(text)
            #expect(symbols != nil && modules != nil)
            guard let symbols, let modules else { return }
            #expect(modules.reduce(0, +) == 11 * symbols.count + 13)
            #expect(modules.count % 2 == 1, "bar first and last")
            #expect(modules.allSatisfy { (1...4).contains($0) })
        }
    }

    static let lines: [OrderIntake.PricedLine] = [
        .init(id: ID(1), sku: "CUP", nameEn: "Steel cup", description: "不锈钢保温杯", quantity: 5, unitPrice: Money(minor: 12_900), listPrice: nil,
            amount: Money(minor: 64_500), priceOverride: false),
        .init(id: ID(2), sku: "TEA", description: "西湖龙井", quantity: 2, unitPrice: Money(minor: 30_000), listPrice: nil, amount: Money(minor: 60_000),
            priceOverride: false),
        .init(id: ID(3), sku: "MUG", description: "马克杯", quantity: 1, unitPrice: Money(minor: 4_800), listPrice: nil, amount: Money(minor: 4_800),
            priceOverride: false),
    ]

    @Test func aDocumentListsWhatTheShipmentCarriesAtTheAgreedPrices() throws {
        let products = [
            "CUP": Product(sku: "CUP", nameZh: "不锈钢保温杯", unit: "个", listPrice: Money(minor: 12_900), weightGrams: 350, hsCode: "961700", originCountry: "CN"),
            "TEA": Product(sku: "TEA", nameZh: "西湖龙井", unit: "盒", listPrice: Money(minor: 30_000), weightGrams: 500),
        ]
        // This shipment carries 3 of the 5 cups and both teas; the mug went from another warehouse.
        let document = try ShippingDocuments.lines(
            carried: [ID(1): 3, ID(2): 2], lots: [ID(2): ["L1", "L2"]], orderLines: Self.lines, products: products, language: .zhCN)
        #expect(document.lines.map(\.sku) == ["CUP", "TEA"])
        #expect(document.lines.map(\.amount.minor) == [38_700, 60_000])
        #expect(document.total.minor == 98_700)
        #expect(document.weightGrams == 3 * 350 + 2 * 500)
        #expect(document.lines[1].lots == ["L1", "L2"])
        #expect(document.lines[0].unit == "个")
        #expect(ShippingDocuments.customsGaps(document.lines) == ["TEA"], "no HS code or origin: the declaration cannot be filed")
        let english = try ShippingDocuments.lines(carried: [ID(1): 1], lots: [:], orderLines: Self.lines, products: products, language: .en)
        #expect(english.lines.first?.name == "Steel cup")
    }

    @Test func anAmountBeyondTheBoundIsRefusedNotWrapped() {
        var line = Self.lines[0]
        line.unitPrice = Money(minor: Bounds.amountMinor)
        #expect(throws: DocketError.self) {
            try ShippingDocuments.lines(carried: [ID(1): 2], lots: [:], orderLines: [line], products: [:], language: .zhCN)
        }
        line.unitPrice = Money(minor: Int64.max / 2)
        #expect(throws: DocketError.self) {
            try ShippingDocuments.lines(carried: [ID(1): 3], lots: [:], orderLines: [line], products: [:], language: .zhCN)
        }
    }

    @Test func customsOnlyAcrossABorder() {
        let shanghai = Address(province: "上海市", city: "上海市", district: "嘉定区", street: "嘉松北路")
        var hongKong = Address(province: "香港", city: "香港", district: "中西区", street: "德辅道中 1 号")
        hongKong.country = "HK"
        #expect(ShippingDocuments.crossBorder(from: shanghai, to: hongKong))
        #expect(!ShippingDocuments.crossBorder(from: shanghai, to: shanghai))
        #expect(!ShippingDocuments.crossBorder(from: shanghai, to: nil))
        #expect(ShippingDocument.available(crossBorder: true).contains(.customs))
        #expect(!ShippingDocument.available(crossBorder: false).contains(.customs))
    }

    @Test func aProductsCustomsDataIsChecked() throws {
        var product = Product(sku: "CUP", nameZh: "杯", listPrice: Money(minor: 100), hsCode: "961700", originCountry: "CN")
        try product.validate()
        product.hsCode = "96.17"
        product.originCountry = "China"
        #expect(throws: DocketError.invalid([FieldProblem("hsCode", "invalidHsCode"), FieldProblem("originCountry", "invalidCountry")])) {
            try product.validate()
        }
    }
}
