/// Where an order came from (DOMAIN.md §1).
public enum OrderChannel: String, Sendable, Codable, CaseIterable, Hashable {
    case web, api, shop, taobao, jd, pinduoduo, phone, fax, email

    /// Marketplace and shop orders carry the platform's order id, which must never be imported twice.
    public var isPlatform: Bool { [.shop, .taobao, .jd, .pinduoduo].contains(self) }
}

/// Order types (003); their service windows are `OrderPolicy.serviceWindows`.
public enum OrderType: String, Sendable, Codable, CaseIterable, Hashable {
    case stock = "STOCK"
    case rush = "RUSH"
    case vor = "VOR"
}

/// One line as entered: a SKU and a quantity; the unit price defaults to the list price.
public struct OrderLineDraft: Sendable, Hashable, Codable {
    /// The order line this one changes (in a change request; `id` in JSON). Without it a changed line is matched to
    /// a line of the same SKU; a line matched to none is new.
    public var lineID: ID<OrderLine>?
    public var sku: String
    public var quantity: Int64
    /// Fen; nil takes the product's list price. A different price is an override the sales review must approve.
    public var unitPrice: Money?

    public init(lineID: ID<OrderLine>? = nil, sku: String, quantity: Int64, unitPrice: Money? = nil) {
        self.lineID = lineID
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    private enum CodingKeys: String, CodingKey {
        case lineID = "id"
        case sku, quantity, unitPrice
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lineID = try c.decodeIfPresent(ID<OrderLine>.self, forKey: .lineID)
        sku = try c.decode(.sku, default: "")
        quantity = try c.decode(.quantity, default: 0)
        unitPrice = try c.decodeIfPresent(Money.self, forKey: .unitPrice)
    }
}

/// An order as it arrives, from any channel. Incomplete orders are kept (status `needs_info`), never refused.
public struct OrderDraft: Sendable, Hashable, Codable {
    public var channel: OrderChannel
    /// The platform's (or the customer's) order number.
    public var externalRef: String?
    public var customerCode: String
    public var contactName: String?
    public var contactPhone: String?
    /// nil: the customer's default address.
    public var deliveryAddress: Address?
    public var type: OrderType
    public var urgent: Bool
    public var requestedDate: CalendarDate?
    /// nil: on account when the customer has payment terms, otherwise prepayment.
    public var paymentMethod: PaymentMethod?
    public var lines: [OrderLineDraft]
    public var notes: String?

    public init(
        channel: OrderChannel, externalRef: String? = nil, customerCode: String, contactName: String? = nil,
        contactPhone: String? = nil, deliveryAddress: Address? = nil, type: OrderType = .stock, urgent: Bool = false,
        requestedDate: CalendarDate? = nil, paymentMethod: PaymentMethod? = nil, lines: [OrderLineDraft], notes: String? = nil
    ) {
        self.channel = channel
        self.externalRef = externalRef
        self.customerCode = customerCode
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.deliveryAddress = deliveryAddress
        self.type = type
        self.urgent = urgent
        self.requestedDate = requestedDate
        self.paymentMethod = paymentMethod
        self.lines = lines
        self.notes = notes
    }

    private enum CodingKeys: String, CodingKey {
        case channel, externalRef, customerCode, contactName, contactPhone, deliveryAddress, type, urgent, requestedDate
        case paymentMethod, lines, notes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        channel = try c.decode(.channel, default: .api)
        externalRef = try c.decodeIfPresent(String.self, forKey: .externalRef)
        customerCode = try c.decode(.customerCode, default: "")
        contactName = try c.decodeIfPresent(String.self, forKey: .contactName)
        contactPhone = try c.decodeIfPresent(String.self, forKey: .contactPhone)
        deliveryAddress = try c.decodeIfPresent(Address.self, forKey: .deliveryAddress)
        type = try c.decode(.type, default: .stock)
        urgent = try c.decode(.urgent, default: false)
        requestedDate = try c.decodeIfPresent(CalendarDate.self, forKey: .requestedDate)
        paymentMethod = try c.decodeIfPresent(PaymentMethod.self, forKey: .paymentMethod)
        lines = try c.decode(.lines, default: [])
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
    }

    /// Problems that make the request itself unusable (refused with 422, nothing stored): too long, too many,
    /// malformed, beyond the business bounds (`Bounds`), priced in another currency than the order's (CNY).
    /// Everything else — unknown customer, missing phone, zero quantity — is an incompleteness the order is kept with.
    public func shapeProblems() -> [FieldProblem] {
        var v = Validator()
        v.optionalText(externalRef, "externalRef", max: 64)
        v.optionalText(customerCode, "customerCode", max: 40)
        v.optionalText(contactName, "contactName", max: 60)
        v.optionalText(contactPhone, "contactPhone", max: 40)
        v.optionalText(notes, "notes", max: 2000, multiline: true)
        v.count(lines, "lines", max: Bounds.orderLines)
        for (i, line) in lines.enumerated() {
            v.optionalText(line.sku, "lines[\(i)].sku", max: 40)
            if line.quantity > Bounds.quantity || line.quantity < 0 {
                v.add("lines[\(i)].quantity", "wholeNumberOutOfRange", ["min": "1", "max": String(Bounds.quantity)])
            }
            if let price = line.unitPrice {
                if price.currency != OrderIntake.currency {
                    v.add("lines[\(i)].unitPrice", "currencyMismatch", ["currency": price.currency.code, "expected": OrderIntake.currency.code])
                } else {
                    v.money(price, "lines[\(i)].unitPrice", allowNegative: true, max: Bounds.unitPrice)
                }
            }
        }
        if channel.isPlatform && (externalRef ?? "").isEmpty { v.add("externalRef", "required") }
        return v.problems
    }
}

/// What intake knows about the order's customer and products, read by the store for the check.
public struct IntakeFacts: Sendable {
    public var customer: Customer?
    public var customerArchived: Bool
    public var products: [String: (product: Product, archived: Bool)]
    public var today: CalendarDate

    public init(customer: Customer?, customerArchived: Bool, products: [String: (product: Product, archived: Bool)], today: CalendarDate) {
        self.customer = customer
        self.customerArchived = customerArchived
        self.products = products
        self.today = today
    }
}

/// The completeness check at intake (初步检查, DOMAIN §1): decides the priced lines and what is missing.
public enum OrderIntake {
    public struct Decision: Sendable {
        public var contactName: String?
        public var contactPhone: String?
        public var deliveryAddress: Address?
        public var paymentMethod: PaymentMethod
        public var lines: [PricedLine]
        public var total: Money
        /// Empty: complete, into review. Otherwise the order waits in `needs_info` with these.
        public var problems: [FieldProblem]
        /// Beyond what any order may be (the total over `Bounds.amountMinor`, a list price in another currency):
        /// the request is refused with these and nothing is kept.
        public var refusals: [FieldProblem] = []
        public var action: OrderAction { problems.isEmpty ? .accept : .requestInfo }
    }

    public struct PricedLine: Sendable, Hashable, Codable {
        /// The line's id once kept; it stays the same across revisions (reservations and shipments point at it).
        public var id: ID<OrderLine>?
        public var sku: String
        /// The product's English name, for the English pages (the description keeps the Chinese name agreed).
        public var nameEn: String?
        public var description: String
        public var quantity: Int64
        public var unitPrice: Money
        public var listPrice: Money?
        public var amount: Money
        /// The price differs from the list price: the sales review must approve it.
        public var priceOverride: Bool

        public init(
            id: ID<OrderLine>? = nil, sku: String, nameEn: String? = nil, description: String, quantity: Int64, unitPrice: Money, listPrice: Money?, amount: Money,
            priceOverride: Bool
        ) {
            self.id = id
            self.sku = sku
            self.nameEn = nameEn
            self.description = description
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.listPrice = listPrice
            self.amount = amount
            self.priceOverride = priceOverride
        }
    }

    /// Orders are kept in one currency: every line's price and the total are CNY.
    public static let currency = Currency.cny

    public static func check(_ draft: OrderDraft, facts: IntakeFacts) -> Decision {
        var v = Validator()
        var refusals = Validator()
        let customer = facts.customer
        if draft.customerCode.isEmpty {
            v.add("customerCode", "required")
        } else if customer == nil {
            v.add("customerCode", "notFound", ["value": draft.customerCode])
        } else if facts.customerArchived {
            v.add("customerCode", "archived", ["value": draft.customerCode])
        }
        // The contact's phone is taken from the customer's records only for that very contact: a name the
        // customer has no contact of must come with its phone, or the desk asks for it.
        let contactName = draft.contactName ?? customer?.primaryContact?.name
        let contactPhone =
            draft.contactPhone
            ?? customer.flatMap { customer in
                guard let name = contactName?.trimmingSpaces(), !name.isEmpty else { return nil }
                return (customer.contacts.first { $0.name.trimmingSpaces() == name }).map(\.phone)
            }
        if (contactName ?? "").isEmpty { v.add("contactName", "required") }
        v.phone(contactPhone ?? "", "contactPhone")
        let address = draft.deliveryAddress ?? customer?.defaultAddress
        if let address {
            v.nested("deliveryAddress") { address.validate(&$0) }
        } else {
            v.add("deliveryAddress", "required")
        }
        if draft.lines.isEmpty { v.add("lines", "tooFew", ["min": "1"]) }
        var priced: [PricedLine] = []
        var total: Int64 = 0
        var totalInBounds = true
        for (i, line) in draft.lines.enumerated() {
            let known = facts.products[line.sku]
            if line.sku.isEmpty {
                v.add("lines[\(i)].sku", "required")
            } else if known == nil {
                v.add("lines[\(i)].sku", "notFound", ["value": line.sku])
            } else if known!.archived || !known!.product.sellable {
                v.add("lines[\(i)].sku", "notSellable", ["value": line.sku])
            }
            if line.quantity <= 0 { v.add("lines[\(i)].quantity", "mustBePositive") }
            let list = known?.product.listPrice
            if line.unitPrice == nil, let list, list.currency != currency {
                refusals.add("lines[\(i)].unitPrice", "currencyMismatch", ["currency": list.currency.code, "expected": currency.code])
            }
            let price = line.unitPrice ?? list ?? .zero()
            if price.minor < 0 { v.add("lines[\(i)].unitPrice", "mustNotBeNegative") }
            // Bounded inputs keep a line's amount far inside Int64; checked all the same.
            let amount = price.minor.checkedMultiplying(max(line.quantity, 0))
            if let amount, let sum = total.checkedAdding(amount), sum <= Bounds.amountMinor {
                total = sum
            } else {
                totalInBounds = false
            }
            priced.append(
                PricedLine(
                    id: line.lineID, sku: line.sku, nameEn: known?.product.englishName, description: known?.product.nameZh ?? line.sku, quantity: line.quantity, unitPrice: price,
                    listPrice: list, amount: Money(minor: amount ?? 0, currency: price.currency),
                    priceOverride: list != nil && price != list))
        }
        if !totalInBounds {
            refusals.add("lines", "orderTotalOutOfRange", ["max": Bounds.amount.formatted])
            total = 0
        }
        if let requested = draft.requestedDate, requested < facts.today {
            v.add("requestedDate", "dateInPast", ["value": requested.iso8601])
        }
        return Decision(
            contactName: contactName, contactPhone: contactPhone, deliveryAddress: address,
            paymentMethod: draft.paymentMethod ?? PaymentMethod.defaultFor(customer), lines: priced,
            total: Money(minor: total), problems: v.problems, refusals: refusals.problems)
    }
}
