import DocketCore

extension Store {
    public var customers: MasterRepository<Customer> { MasterRepository(store: self, table: .customers) }
    public var products: MasterRepository<Product> { MasterRepository(store: self, table: .products) }
    public var warehouses: MasterRepository<Warehouse> { MasterRepository(store: self, table: .warehouses) }
    public var suppliers: MasterRepository<Supplier> { MasterRepository(store: self, table: .suppliers) }
    public var carriers: MasterRepository<Carrier> { MasterRepository(store: self, table: .carriers) }
}

private func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
private func int(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }
private func json(_ value: (some Encodable)?) throws -> SQLValue { try value.map { .text(try JSONColumn.encode($0)) } ?? .null }
private func money(_ row: SQLRow, _ column: String) throws -> Money {
    let code = try row.text("currency")
    guard let currency = Currency.named(code) else { throw StoreError.decoding(column: "currency") }
    return Money(minor: try row.int(column), currency: currency)
}
private func decoded<T: Decodable & Sendable>(_ row: SQLRow, _ column: String, as type: T.Type) throws -> T {
    try JSONColumn.remembered(T.self, try row.text(column), column: column)
}
private func optionalDecoded<T: Decodable & Sendable>(_ row: SQLRow, _ column: String, as type: T.Type) throws -> T? {
    try row.optionalText(column).map { try JSONColumn.remembered(T.self, $0, column: column) }
}

extension MasterTable where Value == Customer {
    static let customers = MasterTable(
        entity: .customer, table: "customers", keyColumn: "code", keyField: "code", key: \.code,
        columns: [
            "code", "name", "credit_limit_minor", "currency", "payment_terms_days", "credit_rating", "contacts",
            "addresses", "invoice", "notes", "language",
        ],
        encode: { c in
            [
                .text(c.code), .text(c.name), .integer(c.creditLimit.minor), .text(c.creditLimit.currency.code),
                .integer(Int64(c.paymentTermsDays)), .text(c.creditRating.rawValue),
                .text(try JSONColumn.encode(c.contacts)), .text(try JSONColumn.encode(c.addresses)),
                try json(c.invoice), text(c.notes), .text(c.language.rawValue),
            ]
        },
        decode: { row in
            guard let rating = CreditRating(rawValue: try row.text("credit_rating")) else {
                throw StoreError.decoding(column: "credit_rating")
            }
            return Customer(
                code: try row.text("code"), name: try row.text("name"),
                contacts: try decoded(row, "contacts", as: [Contact].self),
                addresses: try decoded(row, "addresses", as: [Address].self),
                creditLimit: try money(row, "credit_limit_minor"),
                paymentTermsDays: Int(try row.int("payment_terms_days")), creditRating: rating,
                invoice: try optionalDecoded(row, "invoice", as: InvoiceInfo.self), notes: row.optionalText("notes"),
                language: row.optionalText("language").flatMap(Language.init(rawValue:)) ?? .default)
        },
        searchText: { c in ([c.code, c.name] + c.contacts.flatMap { [$0.name, $0.phone] }).joined(separator: " ") },
        references: { _ in [] },
        sortable: ["name": "name", "creditRating": "credit_rating", "creditLimit": "credit_limit_minor"])
}

extension MasterTable where Value == Product {
    static let products = MasterTable(
        entity: .product, table: "products", keyColumn: "sku", keyField: "sku", key: \.sku,
        columns: [
            "sku", "name_zh", "name_en", "unit", "list_price_minor", "currency", "weight_grams", "volume_cm3",
            "length_mm", "width_mm", "height_mm", "fragile", "liquid", "shelf_life_days", "lot_tracked",
            "make_to_order", "sellable", "default_supplier_code", "substitute_skus", "hs_code", "origin_country",
        ],
        encode: { p in
            [
                .text(p.sku), .text(p.nameZh), text(p.nameEn), .text(p.unit), .integer(p.listPrice.minor),
                .text(p.listPrice.currency.code), .integer(p.weightGrams), .integer(p.volumeCm3), int(p.lengthMm),
                int(p.widthMm), int(p.heightMm), .bool(p.fragile), .bool(p.liquid),
                int(p.shelfLifeDays.map(Int64.init)), .bool(p.lotTracked || p.shelfLifeDays != nil),
                .bool(p.makeToOrder), .bool(p.sellable),
                text(p.defaultSupplierCode?.isEmpty == true ? nil : p.defaultSupplierCode),
                .text(try JSONColumn.encode(p.substituteSkus)), text(p.hsCode?.isEmpty == true ? nil : p.hsCode),
                text(p.originCountry?.isEmpty == true ? nil : p.originCountry),
            ]
        },
        decode: { row in
            Product(
                sku: try row.text("sku"), nameZh: try row.text("name_zh"), nameEn: row.optionalText("name_en"),
                unit: try row.text("unit"), listPrice: try money(row, "list_price_minor"),
                weightGrams: try row.int("weight_grams"), volumeCm3: try row.int("volume_cm3"),
                lengthMm: row.optionalInt("length_mm"), widthMm: row.optionalInt("width_mm"),
                heightMm: row.optionalInt("height_mm"), fragile: try row.bool("fragile"),
                liquid: try row.bool("liquid"), shelfLifeDays: row.optionalInt("shelf_life_days").map { Int($0) },
                lotTracked: try row.bool("lot_tracked"), makeToOrder: try row.bool("make_to_order"),
                sellable: try row.bool("sellable"), defaultSupplierCode: row.optionalText("default_supplier_code"),
                substituteSkus: try decoded(row, "substitute_skus", as: [String].self), hsCode: row.optionalText("hs_code"),
                originCountry: row.optionalText("origin_country"))
        },
        searchText: { p in [p.sku, p.nameZh, p.nameEn ?? ""].joined(separator: " ") },
        references: { p in
            var references: [Reference] = []
            if let supplier = p.defaultSupplierCode, !supplier.isEmpty {
                references.append(.init(field: "defaultSupplierCode", table: "suppliers", column: "code", value: supplier))
            }
            for (i, sku) in p.substituteSkus.enumerated() {
                references.append(.init(field: "substituteSkus[\(i)]", table: "products", column: "sku", value: sku))
            }
            return references
        },
        sortable: ["nameZh": "name_zh", "listPrice": "list_price_minor", "shelfLifeDays": "shelf_life_days"])
}

extension MasterTable where Value == Warehouse {
    static let warehouses = MasterTable(
        entity: .warehouse, table: "warehouses", keyColumn: "code", keyField: "code", key: \.code,
        columns: ["code", "name", "region", "address", "latitude", "longitude", "active"],
        encode: { w in
            [
                .text(w.code), .text(w.name), .text(w.region), .text(try JSONColumn.encode(w.address)),
                .real(w.address.latitude ?? 0), .real(w.address.longitude ?? 0), .bool(w.active),
            ]
        },
        decode: { row in
            Warehouse(
                code: try row.text("code"), name: try row.text("name"),
                address: try decoded(row, "address", as: Address.self), region: try row.text("region"),
                active: try row.bool("active"))
        },
        searchText: { w in [w.code, w.name, w.region, w.address.city].joined(separator: " ") },
        references: { _ in [] },
        sortable: ["name": "name", "region": "region"])
}

extension MasterTable where Value == Supplier {
    static let suppliers = MasterTable(
        entity: .supplier, table: "suppliers", keyColumn: "code", keyField: "code", key: \.code,
        columns: ["code", "name", "contact_name", "phone", "email", "address", "lead_time_days", "notes"],
        encode: { s in
            [
                .text(s.code), .text(s.name), text(s.contactName), text(s.phone), text(s.email), try json(s.address),
                .integer(Int64(s.leadTimeDays)), text(s.notes),
            ]
        },
        decode: { row in
            Supplier(
                code: try row.text("code"), name: try row.text("name"), contactName: row.optionalText("contact_name"),
                phone: row.optionalText("phone"), email: row.optionalText("email"),
                address: try optionalDecoded(row, "address", as: Address.self),
                leadTimeDays: Int(try row.int("lead_time_days")), notes: row.optionalText("notes"))
        },
        searchText: { s in [s.code, s.name, s.contactName ?? "", s.phone ?? ""].joined(separator: " ") },
        references: { _ in [] },
        sortable: ["name": "name", "leadTimeDays": "lead_time_days"])
}

extension MasterTable where Value == Carrier {
    static let carriers = MasterTable(
        entity: .carrier, table: "carriers", keyColumn: "code", keyField: "code", key: \.code,
        columns: ["code", "name", "phone", "website", "active", "services"],
        encode: { c in
            [
                .text(c.code), .text(c.name), text(c.phone), text(c.website), .bool(c.active),
                .text(try JSONColumn.encode(c.services)),
            ]
        },
        decode: { row in
            Carrier(
                code: try row.text("code"), name: try row.text("name"), phone: row.optionalText("phone"),
                website: row.optionalText("website"), active: try row.bool("active"),
                services: try decoded(row, "services", as: [CarrierService].self))
        },
        searchText: { c in ([c.code, c.name] + c.services.map(\.name)).joined(separator: " ") },
        references: { _ in [] },
        sortable: ["name": "name"])
}

extension Store {
    public var reviewRules: MasterRepository<ReviewRule> { MasterRepository(store: self, table: .reviewRules) }
}

/// The conditions of a review rule, kept as one JSON column.
private struct RuleConditions: Codable {
    var maxTotal: Money?
    var ratings: [CreditRating]
    var channels: [OrderChannel]
}

extension MasterTable where Value == ReviewRule {
    static let reviewRules = MasterTable(
        entity: .reviewRule, table: "review_rules", keyColumn: "code", keyField: "code", key: \.code,
        columns: ["code", "name", "stage", "conditions", "notes"],
        encode: { r in
            [
                .text(r.code), .text(r.name), .text(r.stage.rawValue),
                .text(try JSONColumn.encode(RuleConditions(maxTotal: r.maxTotal, ratings: r.ratings, channels: r.channels))),
                text(r.notes),
            ]
        },
        decode: { row in
            guard let stage = ReviewStage(rawValue: try row.text("stage")) else { throw StoreError.decoding(column: "stage") }
            let conditions = try decoded(row, "conditions", as: RuleConditions.self)
            return ReviewRule(
                code: try row.text("code"), name: try row.text("name"), stage: stage, maxTotal: conditions.maxTotal,
                ratings: conditions.ratings, channels: conditions.channels, notes: row.optionalText("notes"))
        },
        searchText: { r in [r.code, r.name, r.stage.rawValue].joined(separator: " ") },
        references: { _ in [] },
        sortable: ["name": "name", "stage": "stage"])
}
