/// Collects field problems while checking a draft, so a client sees every problem at once.
public struct Validator: Sendable {
    public private(set) var problems: [FieldProblem] = []
    private var prefix: String

    public init(prefix: String = "") { self.prefix = prefix }

    public var isValid: Bool { problems.isEmpty }

    /// Throws `DocketError.invalid` with every problem found, or returns quietly.
    public func check() throws(DocketError) {
        if !problems.isEmpty { throw .invalid(problems) }
    }

    public mutating func add(_ field: String, _ code: String, _ arguments: [String: String] = [:]) {
        problems.append(FieldProblem(path(field), code, arguments))
    }

    /// Validates a nested element, e.g. `contacts[2]`, with the same collector.
    public mutating func nested(_ field: String, _ body: (inout Validator) -> Void) {
        var inner = Validator(prefix: path(field))
        body(&inner)
        problems += inner.problems
    }

    private func path(_ field: String) -> String {
        prefix.isEmpty ? field : field.hasPrefix("[") ? prefix + field : prefix + "." + field
    }

    // MARK: Text

    /// A required text field: present after trimming, at most `max` characters, no control characters (a
    /// `multiline` field may hold tabs and line breaks).
    public mutating func text(_ value: String, _ field: String, max: Int = 200, multiline: Bool = false) {
        if value.trimmingSpaces().isEmpty {
            add(field, "required")
        } else if value.count > max {
            add(field, "tooLong", ["max": String(max)])
        } else if Validator.hasControlCharacters(value, multiline: multiline) {
            add(field, "controlCharacters")
        }
    }

    public mutating func optionalText(_ value: String?, _ field: String, max: Int = 200, multiline: Bool = false) {
        guard let value else { return }
        if value.count > max {
            add(field, "tooLong", ["max": String(max)])
        } else if Validator.hasControlCharacters(value, multiline: multiline) {
            add(field, "controlCharacters")
        }
    }

    /// Control characters (NUL, escape, DEL, C1 …) that no person types and PostgreSQL cannot store (NUL). Tab,
    /// line feed and carriage return are allowed where the text is `multiline` (notes, reasons, messages).
    public static func hasControlCharacters(_ value: String, multiline: Bool) -> Bool {
        value.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: !multiline
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
            default: false
            }
        }
    }

    /// A business code such as a customer code or SKU: ASCII letters, digits, `-`, `_`, `.`.
    public mutating func code(_ value: String, _ field: String, max: Int = 40) {
        if value.isEmpty {
            add(field, "required")
        } else if !Validator.isCode(value, max: max) {
            add(field, "invalidCode", ["max": String(max)])
        }
    }

    public static func isCode(_ value: String, max: Int = 40) -> Bool {
        !value.isEmpty && value.count <= max
            && value.unicodeScalars.allSatisfy { s in
                (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "-" || s == "_"
                    || s == "."
            }
    }

    public mutating func phone(_ value: String, _ field: String, required: Bool = true) {
        if value.trimmingSpaces().isEmpty {
            if required { add(field, "required") }
        } else if !Validator.isPhone(value) {
            add(field, "invalidPhone")
        }
    }

    /// Chinese mobile numbers (`13812345678`, `+86 138 1234 5678`) and landlines (`021-12345678`,
    /// `0755-1234567-801`); also `400`/`800` numbers and service hotlines. Spaces and dashes are ignored.
    public static func isPhone(_ value: String) -> Bool {
        var digits = value.filter { $0 != " " && $0 != "-" && $0 != "(" && $0 != ")" }
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.hasPrefix("0086") { digits.removeFirst(4) }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return false }
        // Service hotlines: 95338 (顺丰), 950616 (京东), 10086, 12306.
        if digits.hasPrefix("95") || digits.hasPrefix("96") { return (5...6).contains(digits.count) }
        if digits.hasPrefix("1") && digits.count == 5 { return true }
        if digits.hasPrefix("1") { return digits.count == 11 && digits.dropFirst().first.map { $0 >= "3" } == true }
        if digits.hasPrefix("400") || digits.hasPrefix("800") { return digits.count == 10 }
        if digits.hasPrefix("0") { return (10...16).contains(digits.count) }
        return false
    }

    public mutating func email(_ value: String?, _ field: String) {
        guard let value, !value.isEmpty else { return }
        if !Validator.isEmail(value) { add(field, "invalidEmail") }
    }

    public static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, value.count <= 254, !value.contains(" ") else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }

    public mutating func postcode(_ value: String?, _ field: String) {
        guard let value, !value.isEmpty else { return }
        if value.count != 6 || !value.allSatisfy(\.isASCIIDigit) { add(field, "invalidPostcode") }
    }

    // MARK: Numbers

    public mutating func range<T: BinaryInteger>(_ value: T, _ field: String, _ bounds: ClosedRange<T>) {
        if !bounds.contains(value) {
            add(field, "outOfRange", ["min": String(bounds.lowerBound), "max": String(bounds.upperBound)])
        }
    }

    public mutating func range(_ value: Double, _ field: String, _ bounds: ClosedRange<Double>) {
        if !bounds.contains(value) || value.isNaN {
            add(field, "outOfRange", ["min": String(bounds.lowerBound), "max": String(bounds.upperBound)])
        }
    }

    public mutating func positive<T: BinaryInteger>(_ value: T, _ field: String) {
        if value <= 0 { add(field, "mustBePositive") }
    }

    public mutating func notNegative<T: BinaryInteger>(_ value: T, _ field: String) {
        if value < 0 { add(field, "mustNotBeNegative") }
    }

    /// An amount within the business bounds (`Bounds`): not negative unless allowed, at most `max`.
    public mutating func money(_ value: Money, _ field: String, allowNegative: Bool = false, max: Money = Bounds.amount) {
        if !allowNegative && value.minor < 0 {
            add(field, "mustNotBeNegative")
        } else if value.minor > max.minor || value.minor < -max.minor {
            add(field, "moneyOutOfRange", ["max": Money(minor: max.minor, currency: value.currency).formatted])
        }
    }

    public mutating func count<C: Collection>(_ value: C, _ field: String, min: Int = 0, max: Int) {
        if value.count > max { add(field, "tooMany", ["max": String(max)]) }
        if value.count < min { add(field, "tooFew", ["min": String(min)]) }
    }

    /// Flags entries listed more than once (by a key), e.g. two locations with the same code.
    public mutating func unique<C: Collection, K: Hashable & CustomStringConvertible>(
        _ value: C, _ field: String, key: (C.Element) -> K
    ) {
        var seen = Set<K>()
        for (index, element) in value.enumerated() {
            let k = key(element)
            if !seen.insert(k).inserted { add("\(field)[\(index)]", "duplicateInList", ["value": k.description]) }
        }
    }
}

/// A value that checks itself and reports every field problem at once.
public protocol Validatable {
    func validate() throws(DocketError)
    /// Parts of a record that only some roles may set: refuses (a field problem each) a change from `old` (nil
    /// when creating) to `new` that `roles` may not make. Everything else follows the route's access.
    static func checkChange(from old: Self?, to new: Self, by roles: Set<Role>) throws(DocketError)
}

extension Validatable {
    public static func checkChange(from old: Self?, to new: Self, by roles: Set<Role>) throws(DocketError) {}
}

extension Customer {
    /// Credit terms are finance's (DOMAIN.md: 信用额度与等级由财务维护): others keep a record's terms as they
    /// are, and a customer they create starts with none (no credit line, rating B, payment on order).
    public static func checkChange(from old: Customer?, to new: Customer, by roles: Set<Role>) throws(DocketError) {
        guard !Access.customerCredit.allows(roles) else { return }
        let before = old ?? Customer(code: new.code, name: new.name)
        var v = Validator()
        if new.creditLimit != before.creditLimit { v.add("creditLimit", "creditFinanceOnly") }
        if new.creditRating != before.creditRating { v.add("creditRating", "creditFinanceOnly") }
        if new.paymentTermsDays != before.paymentTermsDays { v.add("paymentTermsDays", "creditFinanceOnly") }
        try v.check()
    }

    /// The record with other credit terms, everything else as it is.
    public func withCreditTerms(limit: Money, rating: CreditRating, paymentTermsDays: Int) -> Customer {
        var customer = self
        customer.creditLimit = limit
        customer.creditRating = rating
        customer.paymentTermsDays = paymentTermsDays
        return customer
    }
}

extension Customer: Validatable {}
extension Product: Validatable {}
extension Warehouse: Validatable {}
extension Supplier: Validatable {}
extension Carrier: Validatable {}
extension Location: Validatable {}
