/// An ISO 4217 currency with the number of digits of its minor unit.
public struct Currency: Hashable, Sendable, TextCodable, CustomStringConvertible {
    public let code: String
    public let minorDigits: Int

    public static let cny = Currency(code: "CNY", minorDigits: 2)
    public static let usd = Currency(code: "USD", minorDigits: 2)
    public static let eur = Currency(code: "EUR", minorDigits: 2)
    public static let hkd = Currency(code: "HKD", minorDigits: 2)
    public static let jpy = Currency(code: "JPY", minorDigits: 0)

    /// The currencies Docket accepts; CNY is the default everywhere.
    public static let supported: [Currency] = [.cny, .usd, .eur, .hkd, .jpy]

    public static func named(_ code: String) -> Currency? {
        supported.first { $0.code == code.uppercased() }
    }

    public static func parse(_ text: String) -> Currency? { named(text) }
    public var text: String { code }
    public static let expectedFormat = "unsupported currency"

    private init(code: String, minorDigits: Int) {
        self.code = code
        self.minorDigits = minorDigits
    }

    public var description: String { code }
}

/// An amount of money in integer minor units (fen for CNY). Never a floating-point number.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var minor: Int64
    public var currency: Currency

    public init(minor: Int64, currency: Currency = .cny) {
        self.minor = minor
        self.currency = currency
    }

    public static func zero(_ currency: Currency = .cny) -> Money { Money(minor: 0, currency: currency) }

    /// Parses a decimal amount such as `"1234.5"` or `"-0.05"` without going through `Double`.
    /// Returns nil for malformed text or more fraction digits than the currency has.
    public static func parse(_ text: String, currency: Currency = .cny) -> Money? {
        var s = Substring(text.trimmingSpaces())
        var negative = false
        if s.first == "-" {
            negative = true
            s = s.dropFirst()
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty,
            whole.allSatisfy(\.isASCIIDigit)
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= currency.minorDigits, fraction.allSatisfy(\.isASCIIDigit),
            parts.count == 1 || !fraction.isEmpty
        else { return nil }
        let padded = String(fraction) + String(repeating: "0", count: currency.minorDigits - fraction.count)
        guard let units = Int64(whole), let cents = Int64(padded.isEmpty ? "0" : padded) else { return nil }
        let (scaled, overflow1) = units.multipliedReportingOverflow(by: Money.scale(currency))
        let (sum, overflow2) = scaled.addingReportingOverflow(cents)
        guard !overflow1, !overflow2 else { return nil }
        return Money(minor: negative ? -sum : sum, currency: currency)
    }

    /// The plain decimal text, e.g. `"1234.50"`, as used in CSV files and form fields.
    public var decimalString: String {
        let (whole, fraction) = digits
        return (minor < 0 ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// The magnitude's digits before the point, and after it padded to the currency's minor digits (none for a
    /// currency without minor units): by integer arithmetic, for the plain and the display text alike.
    private var digits: (whole: String, fraction: String) {
        let scale = UInt64(Money.scale(currency))
        let magnitude = minor.magnitude
        guard currency.minorDigits > 0 else { return (String(magnitude / scale), "") }
        let fraction = String(magnitude % scale)
        return (String(magnitude / scale), String(repeating: "0", count: currency.minorDigits - fraction.count) + fraction)
    }

    /// Display text with symbol and thousands separators, e.g. `"¥1,234.50"`.
    public var formatted: String {
        let symbol =
            switch currency.code {
            case "CNY", "JPY": "¥"
            case "USD": "$"
            case "EUR": "€"
            case "HKD": "HK$"
            default: currency.code + " "
            }
        // Grouped byte by byte (the reviews format several amounts for every order).
        let (whole, fraction) = digits
        let wholeBytes = Array(whole.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(wholeBytes.count + wholeBytes.count / 3)
        for (index, digit) in wholeBytes.enumerated() {
            if index > 0 && (wholeBytes.count - index) % 3 == 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(digit)
        }
        return (minor < 0 ? "-" : "") + symbol + String(decoding: bytes, as: UTF8.self) + (fraction.isEmpty ? "" : "." + fraction)
    }

    public var description: String { "\(decimalString) \(currency.code)" }

    static func scale(_ currency: Currency) -> Int64 {
        var scale: Int64 = 1
        for _ in 0..<currency.minorDigits { scale *= 10 }
        return scale
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension StringProtocol {
    /// Trims spaces, tabs, newlines and the full-width space users paste from Chinese text.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{3000}" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}

/// Business bounds on money and quantities (README, "Errors"). Input beyond them is refused at the edge with a
/// field error, so every sum and product Docket computes stays far inside `Int64`; the arithmetic is checked all
/// the same, and a stored value outside them (from an older version) saturates instead of trapping.
public enum Bounds {
    /// ¥100,000,000.00 for one unit of a product (list price or an order line's price).
    public static let unitPriceMinor: Int64 = 10_000_000_000
    /// 10,000,000 units on one order line or one stock receipt.
    public static let quantity: Int64 = 10_000_000
    /// ¥10,000,000,000.00 for one order's total, and for any other amount (credit limits, fees, rule limits).
    public static let amountMinor: Int64 = 1_000_000_000_000
    /// Lines on one order.
    public static let orderLines = 500

    public static var unitPrice: Money { Money(minor: unitPriceMinor) }
    public static var amount: Money { Money(minor: amountMinor) }
}

extension Int64 {
    /// `self + other`, or nil on overflow.
    public func checkedAdding(_ other: Int64) -> Int64? {
        let (value, overflow) = addingReportingOverflow(other)
        return overflow ? nil : value
    }

    /// `self - other`, or nil on overflow.
    public func checkedSubtracting(_ other: Int64) -> Int64? {
        let (value, overflow) = subtractingReportingOverflow(other)
        return overflow ? nil : value
    }

    /// `self × other`, or nil on overflow.
    public func checkedMultiplying(_ other: Int64) -> Int64? {
        let (value, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? nil : value
    }

    /// `self + other`, clamped to `Int64`'s range: for figures shown to people from values that should never be
    /// this large (bounded at input), where a clamped number beats a crash.
    public func saturatingAdding(_ other: Int64) -> Int64 {
        checkedAdding(other) ?? (other > 0 ? .max : .min)
    }

    public func saturatingSubtracting(_ other: Int64) -> Int64 {
        checkedSubtracting(other) ?? (other < 0 ? .max : .min)
    }

    public func saturatingMultiplying(_ other: Int64) -> Int64 {
        checkedMultiplying(other) ?? ((self < 0) == (other < 0) ? .max : .min)
    }
}
