/// A postal address in China (or abroad), with optional coordinates for distance-based choices.
public struct Address: Sendable, Hashable, Codable {
    public var label: String?
    public var province: String
    public var city: String
    public var district: String
    public var street: String
    public var postcode: String?
    public var country: String
    public var latitude: Double?
    public var longitude: Double?
    public var isDefault: Bool

    public init(
        label: String? = nil, province: String, city: String, district: String, street: String,
        postcode: String? = nil, country: String = "CN", latitude: Double? = nil, longitude: Double? = nil,
        isDefault: Bool = false
    ) {
        self.label = label
        self.province = province
        self.city = city
        self.district = district
        self.street = street
        self.postcode = postcode
        self.country = country
        self.latitude = latitude
        self.longitude = longitude
        self.isDefault = isDefault
    }

    private enum CodingKeys: String, CodingKey {
        case label, province, city, district, street, postcode, country, latitude, longitude, isDefault
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        province = try c.decode(.province, default: "")
        city = try c.decode(.city, default: "")
        district = try c.decode(.district, default: "")
        street = try c.decode(.street, default: "")
        postcode = try c.decodeIfPresent(String.self, forKey: .postcode)
        country = try c.decode(.country, default: "CN")
        latitude = try c.decodeIfPresent(Double.self, forKey: .latitude)
        longitude = try c.decodeIfPresent(Double.self, forKey: .longitude)
        isDefault = try c.decode(.isDefault, default: false)
    }

    /// One line for labels and lists: 上海市浦东新区张江路 100 号.
    public var singleLine: String { [province, city == province ? "" : city, district, street].joined() }

    func validate(_ v: inout Validator) {
        v.optionalText(label, "label", max: 40)
        v.text(province, "province", max: 40)
        v.text(city, "city", max: 40)
        v.optionalText(district, "district", max: 40)
        v.text(street, "street", max: 200)
        if country == "CN" { v.postcode(postcode, "postcode") } else { v.optionalText(postcode, "postcode", max: 16) }
        if country.count != 2 || !country.allSatisfy({ $0.isUppercase && $0.isASCII }) {
            v.add("country", "invalidValue", ["allowed": "ISO 3166 alpha-2, e.g. CN"])
        }
        if (latitude == nil) != (longitude == nil) { v.add(latitude == nil ? "latitude" : "longitude", "required") }
        if let latitude { v.range(latitude, "latitude", -90...90) }
        if let longitude { v.range(longitude, "longitude", -180...180) }
    }
}

public struct Contact: Sendable, Hashable, Codable {
    public var name: String
    public var phone: String
    public var email: String?
    public var title: String?
    public var isPrimary: Bool

    public init(name: String, phone: String, email: String? = nil, title: String? = nil, isPrimary: Bool = false) {
        self.name = name
        self.phone = phone
        self.email = email
        self.title = title
        self.isPrimary = isPrimary
    }

    private enum CodingKeys: String, CodingKey { case name, phone, email, title, isPrimary }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(.name, default: "")
        phone = try c.decode(.phone, default: "")
        email = try c.decodeIfPresent(String.self, forKey: .email)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        isPrimary = try c.decode(.isPrimary, default: false)
    }

    func validate(_ v: inout Validator) {
        v.text(name, "name", max: 60)
        v.phone(phone, "phone")
        v.email(email, "email")
        v.optionalText(title, "title", max: 60)
    }
}

/// 客户信用等级: A is best. Review rules (a later issue) key on it.
public enum CreditRating: String, Sendable, Codable, CaseIterable, Hashable { case A, B, C, D }

/// 发票信息: what finance needs to issue a VAT invoice (普票 or 专票).
public struct InvoiceInfo: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case ordinary, special }
    public var kind: Kind
    public var title: String
    public var taxNumber: String
    public var bankName: String?
    public var bankAccount: String?
    public var registeredAddress: String?
    public var registeredPhone: String?

    public init(
        kind: Kind = .ordinary, title: String, taxNumber: String, bankName: String? = nil,
        bankAccount: String? = nil, registeredAddress: String? = nil, registeredPhone: String? = nil
    ) {
        self.kind = kind
        self.title = title
        self.taxNumber = taxNumber
        self.bankName = bankName
        self.bankAccount = bankAccount
        self.registeredAddress = registeredAddress
        self.registeredPhone = registeredPhone
    }

    func validate(_ v: inout Validator) {
        v.text(title, "title", max: 100)
        // 统一社会信用代码 is 18 characters; older tax numbers have 15 or 20.
        let taxOK =
            [15, 18, 20].contains(taxNumber.count)
            && taxNumber.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) }
        if taxNumber.isEmpty { v.add("taxNumber", "required") } else if !taxOK {
            v.add("taxNumber", "invalidValue", ["allowed": "15/18/20 位数字或大写字母"])
        }
        if kind == .special {
            // A 专票 needs the full bank and registration details.
            if (bankName ?? "").isEmpty { v.add("bankName", "required") }
            if (bankAccount ?? "").isEmpty { v.add("bankAccount", "required") }
            if (registeredAddress ?? "").isEmpty { v.add("registeredAddress", "required") }
            if (registeredPhone ?? "").isEmpty { v.add("registeredPhone", "required") }
        }
        v.optionalText(bankName, "bankName", max: 100)
        v.optionalText(bankAccount, "bankAccount", max: 40)
        v.optionalText(registeredAddress, "registeredAddress", max: 200)
        v.optionalText(registeredPhone, "registeredPhone", max: 40)
    }
}

/// 客户. The code is the business key and cannot change once created.
public struct Customer: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var contacts: [Contact]
    public var addresses: [Address]
    public var creditLimit: Money
    public var paymentTermsDays: Int
    public var creditRating: CreditRating
    public var invoice: InvoiceInfo?
    public var notes: String?
    /// The language the customer is written to in (order messages); zh-CN unless set.
    public var language: Language

    public init(
        code: String, name: String, contacts: [Contact] = [], addresses: [Address] = [],
        creditLimit: Money = .zero(), paymentTermsDays: Int = 0, creditRating: CreditRating = .B,
        invoice: InvoiceInfo? = nil, notes: String? = nil, language: Language = .default
    ) {
        self.code = code
        self.name = name
        self.contacts = contacts
        self.addresses = addresses
        self.creditLimit = creditLimit
        self.paymentTermsDays = paymentTermsDays
        self.creditRating = creditRating
        self.invoice = invoice
        self.notes = notes
        self.language = language
    }

    private enum CodingKeys: String, CodingKey {
        case code, name, contacts, addresses, creditLimit, paymentTermsDays, creditRating, invoice, notes, language
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(.code, default: "")
        name = try c.decode(.name, default: "")
        contacts = try c.decode(.contacts, default: [])
        addresses = try c.decode(.addresses, default: [])
        creditLimit = try c.decode(.creditLimit, default: .zero())
        paymentTermsDays = try c.decode(.paymentTermsDays, default: 0)
        creditRating = try c.decode(.creditRating, default: .B)
        invoice = try c.decodeIfPresent(InvoiceInfo.self, forKey: .invoice)
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
        language = try c.decode(.language, default: .default)
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(code, "code")
        v.text(name, "name", max: 100)
        v.count(contacts, "contacts", max: 20)
        for (i, contact) in contacts.enumerated() { v.nested("contacts[\(i)]") { contact.validate(&$0) } }
        v.count(addresses, "addresses", max: 50)
        for (i, address) in addresses.enumerated() { v.nested("addresses[\(i)]") { address.validate(&$0) } }
        v.money(creditLimit, "creditLimit")
        v.range(paymentTermsDays, "paymentTermsDays", 0...365)
        if let invoice { v.nested("invoice") { invoice.validate(&$0) } }
        v.optionalText(notes, "notes", max: 2000, multiline: true)
        try v.check()
    }

    public var primaryContact: Contact? { contacts.first(where: \.isPrimary) ?? contacts.first }
    public var defaultAddress: Address? { addresses.first(where: \.isDefault) ?? addresses.first }
}

/// 商品. Quantities of a product are whole numbers of its `unit` (件, 箱, 瓶…).
public struct Product: Sendable, Hashable, Codable {
    public var sku: String
    public var nameZh: String
    public var nameEn: String?
    public var unit: String
    public var listPrice: Money
    public var weightGrams: Int64
    public var volumeCm3: Int64
    public var lengthMm: Int64?
    public var widthMm: Int64?
    public var heightMm: Int64?
    public var fragile: Bool
    public var liquid: Bool
    /// Shelf life in days; nil when the product does not expire. Shelf-life products are always lot-tracked.
    public var shelfLifeDays: Int?
    public var lotTracked: Bool
    public var makeToOrder: Bool
    public var sellable: Bool
    public var defaultSupplierCode: String?
    public var substituteSkus: [String]
    /// 海关编码 (HS code): 6 to 10 digits, for the customs declaration of cross-border shipments.
    public var hsCode: String?
    /// 原产地: the country of origin, ISO 3166 two letters (`CN`).
    public var originCountry: String?

    public init(
        sku: String, nameZh: String, nameEn: String? = nil, unit: String = "件", listPrice: Money,
        weightGrams: Int64 = 0, volumeCm3: Int64 = 0, lengthMm: Int64? = nil, widthMm: Int64? = nil,
        heightMm: Int64? = nil, fragile: Bool = false, liquid: Bool = false, shelfLifeDays: Int? = nil,
        lotTracked: Bool = false, makeToOrder: Bool = false, sellable: Bool = true,
        defaultSupplierCode: String? = nil, substituteSkus: [String] = [], hsCode: String? = nil, originCountry: String? = nil
    ) {
        self.sku = sku
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.unit = unit
        self.listPrice = listPrice
        self.weightGrams = weightGrams
        self.volumeCm3 = volumeCm3
        self.lengthMm = lengthMm
        self.widthMm = widthMm
        self.heightMm = heightMm
        self.fragile = fragile
        self.liquid = liquid
        self.shelfLifeDays = shelfLifeDays
        self.lotTracked = lotTracked || shelfLifeDays != nil
        self.makeToOrder = makeToOrder
        self.sellable = sellable
        self.defaultSupplierCode = defaultSupplierCode
        self.substituteSkus = substituteSkus
        self.hsCode = hsCode
        self.originCountry = originCountry
    }

    private enum CodingKeys: String, CodingKey {
        case sku, nameZh, nameEn, unit, listPrice, weightGrams, volumeCm3, lengthMm, widthMm, heightMm
        case fragile, liquid, shelfLifeDays, lotTracked, makeToOrder, sellable, defaultSupplierCode, substituteSkus
        case hsCode, originCountry
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sku: try c.decode(.sku, default: ""),
            nameZh: try c.decode(.nameZh, default: ""),
            nameEn: try c.decodeIfPresent(String.self, forKey: .nameEn),
            unit: try c.decode(.unit, default: "件"),
            listPrice: try c.decode(.listPrice, default: Money(minor: -1)),
            weightGrams: try c.decode(.weightGrams, default: 0),
            volumeCm3: try c.decode(.volumeCm3, default: 0),
            lengthMm: try c.decodeIfPresent(Int64.self, forKey: .lengthMm),
            widthMm: try c.decodeIfPresent(Int64.self, forKey: .widthMm),
            heightMm: try c.decodeIfPresent(Int64.self, forKey: .heightMm),
            fragile: try c.decode(.fragile, default: false),
            liquid: try c.decode(.liquid, default: false),
            shelfLifeDays: try c.decodeIfPresent(Int.self, forKey: .shelfLifeDays),
            lotTracked: try c.decode(.lotTracked, default: false),
            makeToOrder: try c.decode(.makeToOrder, default: false),
            sellable: try c.decode(.sellable, default: true),
            defaultSupplierCode: try c.decodeIfPresent(String.self, forKey: .defaultSupplierCode),
            substituteSkus: try c.decode(.substituteSkus, default: []),
            hsCode: try c.decodeIfPresent(String.self, forKey: .hsCode),
            originCountry: try c.decodeIfPresent(String.self, forKey: .originCountry)
        )
        if !c.contains(.listPrice) { listPrice = Money(minor: Int64.min) }
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(sku, "sku")
        v.text(nameZh, "nameZh", max: 100)
        v.optionalText(nameEn, "nameEn", max: 100)
        v.text(unit, "unit", max: 10)
        if listPrice.minor == Int64.min { v.add("listPrice", "required") } else { v.money(listPrice, "listPrice", max: Bounds.unitPrice) }
        v.notNegative(weightGrams, "weightGrams")
        v.notNegative(volumeCm3, "volumeCm3")
        if let lengthMm { v.notNegative(lengthMm, "lengthMm") }
        if let widthMm { v.notNegative(widthMm, "widthMm") }
        if let heightMm { v.notNegative(heightMm, "heightMm") }
        if let shelfLifeDays { v.range(shelfLifeDays, "shelfLifeDays", 1...36500) }
        if let code = defaultSupplierCode, !code.isEmpty { v.code(code, "defaultSupplierCode") }
        v.count(substituteSkus, "substituteSkus", max: 20)
        v.unique(substituteSkus, "substituteSkus") { $0 }
        for (i, substitute) in substituteSkus.enumerated() {
            if substitute == sku { v.add("substituteSkus[\(i)]", "selfSubstitute") } else {
                v.code(substitute, "substituteSkus[\(i)]")
            }
        }
        if let hsCode, !hsCode.isEmpty, !(6...10).contains(hsCode.count) || !hsCode.allSatisfy({ $0.isASCII && $0.isNumber }) {
            v.add("hsCode", "invalidHsCode")
        }
        if let originCountry, !originCountry.isEmpty, originCountry.count != 2 || !originCountry.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            v.add("originCountry", "invalidCountry")
        }
        try v.check()
    }

    /// The name in the reader's language, falling back to the Chinese name.
    public func name(_ language: Language) -> String {
        language == .en ? (nameEn?.isEmpty == false ? nameEn! : nameZh) : nameZh
    }
}

/// A warehouse's storage location (库位), e.g. `A-01-03`.
public struct Location: Sendable, Hashable, Codable {
    public var code: String
    public var name: String?
    public var zone: String?
    public var active: Bool

    public init(code: String, name: String? = nil, zone: String? = nil, active: Bool = true) {
        self.code = code
        self.name = name
        self.zone = zone
        self.active = active
    }

    private enum CodingKeys: String, CodingKey { case code, name, zone, active }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(.code, default: "")
        name = try c.decodeIfPresent(String.self, forKey: .name)
        zone = try c.decodeIfPresent(String.self, forKey: .zone)
        active = try c.decode(.active, default: true)
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(code, "code", max: 30)
        v.optionalText(name, "name", max: 60)
        v.optionalText(zone, "zone", max: 30)
        try v.check()
    }
}

/// 仓库. Its address carries the coordinates used to choose the nearest warehouse.
public struct Warehouse: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var address: Address
    public var region: String
    public var active: Bool

    public init(code: String, name: String, address: Address, region: String, active: Bool = true) {
        self.code = code
        self.name = name
        self.address = address
        self.region = region
        self.active = active
    }

    private enum CodingKeys: String, CodingKey { case code, name, address, region, active }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(.code, default: "")
        name = try c.decode(.name, default: "")
        address = try c.decode(.address, default: Address(province: "", city: "", district: "", street: ""))
        region = try c.decode(.region, default: "")
        active = try c.decode(.active, default: true)
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(code, "code", max: 20)
        v.text(name, "name", max: 60)
        v.nested("address") { address.validate(&$0) }
        if address.latitude == nil { v.add("address.latitude", "required") }
        v.text(region, "region", max: 30)
        try v.check()
    }
}

/// 供应商.
public struct Supplier: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var contactName: String?
    public var phone: String?
    public var email: String?
    public var address: Address?
    public var leadTimeDays: Int
    public var notes: String?

    public init(
        code: String, name: String, contactName: String? = nil, phone: String? = nil, email: String? = nil,
        address: Address? = nil, leadTimeDays: Int, notes: String? = nil
    ) {
        self.code = code
        self.name = name
        self.contactName = contactName
        self.phone = phone
        self.email = email
        self.address = address
        self.leadTimeDays = leadTimeDays
        self.notes = notes
    }

    private enum CodingKeys: String, CodingKey { case code, name, contactName, phone, email, address, leadTimeDays, notes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(.code, default: "")
        name = try c.decode(.name, default: "")
        contactName = try c.decodeIfPresent(String.self, forKey: .contactName)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        address = try c.decodeIfPresent(Address.self, forKey: .address)
        leadTimeDays = try c.decode(.leadTimeDays, default: -1)
        notes = try c.decodeIfPresent(String.self, forKey: .notes)
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(code, "code")
        v.text(name, "name", max: 100)
        v.optionalText(contactName, "contactName", max: 60)
        v.phone(phone ?? "", "phone", required: false)
        v.email(email, "email")
        if let address { v.nested("address") { address.validate(&$0) } }
        if leadTimeDays == -1 { v.add("leadTimeDays", "required") } else {
            v.range(leadTimeDays, "leadTimeDays", 0...365)
        }
        v.optionalText(notes, "notes", max: 2000, multiline: true)
        try v.check()
    }
}

/// 物流方式.
public enum TransportMode: String, Sendable, Codable, CaseIterable, Hashable { case express, road, rail, air }

/// One row of a carrier service's rate table. With zone pricing, `zone` names a destination province
/// (or `*` for everywhere else); with distance pricing, `perKm` applies and `zone` is `*`.
public struct Rate: Sendable, Hashable, Codable {
    public var zone: String
    public var baseFee: Money
    public var perKg: Money
    public var perKm: Money
    public var transitDays: Int

    public init(zone: String = "*", baseFee: Money, perKg: Money = .zero(), perKm: Money = .zero(), transitDays: Int) {
        self.zone = zone
        self.baseFee = baseFee
        self.perKg = perKg
        self.perKm = perKm
        self.transitDays = transitDays
    }

    private enum CodingKeys: String, CodingKey { case zone, baseFee, perKg, perKm, transitDays }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        zone = try c.decode(.zone, default: "*")
        baseFee = try c.decode(.baseFee, default: .zero())
        perKg = try c.decode(.perKg, default: .zero())
        perKm = try c.decode(.perKm, default: .zero())
        transitDays = try c.decode(.transitDays, default: -1)
    }

    func validate(_ v: inout Validator) {
        v.text(zone, "zone", max: 40)
        v.money(baseFee, "baseFee")
        v.money(perKg, "perKg")
        v.money(perKm, "perKm")
        if transitDays == -1 { v.add("transitDays", "required") } else { v.range(transitDays, "transitDays", 0...90) }
    }
}

/// A service a carrier sells (顺丰标快, 中通快递, 铁路整车…) with its rate table.
public struct CarrierService: Sendable, Hashable, Codable {
    public enum Pricing: String, Sendable, Codable, CaseIterable { case zone, distance }
    public var code: String
    public var name: String
    public var mode: TransportMode
    public var pricing: Pricing
    public var maxWeightKg: Int?
    public var rates: [Rate]
    public var active: Bool

    public init(
        code: String, name: String, mode: TransportMode, pricing: Pricing, maxWeightKg: Int? = nil,
        rates: [Rate], active: Bool = true
    ) {
        self.code = code
        self.name = name
        self.mode = mode
        self.pricing = pricing
        self.maxWeightKg = maxWeightKg
        self.rates = rates
        self.active = active
    }

    private enum CodingKeys: String, CodingKey { case code, name, mode, pricing, maxWeightKg, rates, active }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(.code, default: "")
        name = try c.decode(.name, default: "")
        mode = try c.decode(TransportMode.self, forKey: .mode)
        pricing = try c.decode(.pricing, default: .zone)
        maxWeightKg = try c.decodeIfPresent(Int.self, forKey: .maxWeightKg)
        rates = try c.decode(.rates, default: [])
        active = try c.decode(.active, default: true)
    }

    func validate(_ v: inout Validator) {
        v.code(code, "code")
        v.text(name, "name", max: 60)
        if let maxWeightKg { v.positive(maxWeightKg, "maxWeightKg") }
        v.count(rates, "rates", min: 1, max: 200)
        v.unique(rates, "rates") { $0.zone }
        for (i, rate) in rates.enumerated() { v.nested("rates[\(i)]") { rate.validate(&$0) } }
        if pricing == .distance && rates.contains(where: { $0.perKm.minor == 0 }) {
            v.add("rates", "required", ["field": "perKm"])
        }
    }
}

/// 承运商 with its services. Services are kept (made inactive) rather than deleted, since shipments refer to them.
public struct Carrier: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var phone: String?
    public var website: String?
    public var active: Bool
    public var services: [CarrierService]

    public init(
        code: String, name: String, phone: String? = nil, website: String? = nil, active: Bool = true,
        services: [CarrierService]
    ) {
        self.code = code
        self.name = name
        self.phone = phone
        self.website = website
        self.active = active
        self.services = services
    }

    private enum CodingKeys: String, CodingKey { case code, name, phone, website, active, services }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(.code, default: "")
        name = try c.decode(.name, default: "")
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        website = try c.decodeIfPresent(String.self, forKey: .website)
        active = try c.decode(.active, default: true)
        services = try c.decode(.services, default: [])
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.code(code, "code")
        v.text(name, "name", max: 60)
        v.phone(phone ?? "", "phone", required: false)
        v.optionalText(website, "website", max: 200)
        v.count(services, "services", min: 1, max: 50)
        v.unique(services, "services") { $0.code }
        for (i, service) in services.enumerated() { v.nested("services[\(i)]") { service.validate(&$0) } }
        try v.check()
    }
}

extension Product {
    /// The English name, when the product has one (a blank one counts as none).
    public var englishName: String? { nameEn.flatMap { $0.isEmpty ? nil : $0 } }

    /// The name a reader of `language` sees: the English one in English when there is one, else the Chinese.
    public func name(in language: Language) -> String { language == .en ? englishName ?? nameZh : nameZh }
}
