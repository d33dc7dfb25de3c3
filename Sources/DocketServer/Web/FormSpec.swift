import DocketCore
import DocketStore
import Foundation

/// One input of a record form. Its `name` is the same path the validators report problems under, so a
/// store-level problem (`contacts[0].phone`) lands next to its input with what the user typed kept.
struct FieldSpec: Sendable {
    enum Kind: Sendable {
        case text, number, checkbox, password, multiline
        case select([String])
    }
    var name: String
    var label: String
    var kind: Kind = .text
    var required = false
    var section: String = "ui.section.basic"
    /// Shown but not editable once the record exists (business codes).
    var fixedAfterCreate = false
}

/// How a record maps to a form and back.
struct FormSpec<Value: Sendable>: Sendable {
    let fields: [FieldSpec]
    /// What a new record's form starts with.
    var defaults: [String: String] = [:]
    /// The record's current values, by field name.
    let values: @Sendable (Value) -> [String: String]
    /// Builds a value from a submitted form; parts the form does not show are kept from `existing`.
    let parse: @Sendable (Form, Value?) -> (value: Value, problems: [FieldProblem])

    /// The template model of the form sections: values from the submission (when re-showing it) or the record.
    func sections(
        submitted: Form?, existing: Value?, problems: [FieldProblem], language: Language, creating: Bool
    ) -> (sections: [[String: Any]], unmatched: [FieldProblem]) {
        let current = existing.map(values) ?? defaults
        var byField: [String: String] = [:]
        for problem in problems where byField[problem.field] == nil { byField[problem.field] = problem.message.text(language) }
        var order: [String] = []
        var grouped: [String: [[String: Any]]] = [:]
        for field in fields {
            if grouped[field.section] == nil { order.append(field.section) }
            let value = submitted.map { $0.first(field.name) ?? "" } ?? current[field.name] ?? ""
            var model: [String: Any] = [
                "name": field.name, "id": field.name.replacingOccurrences(of: "[", with: "-")
                    .replacingOccurrences(of: "]", with: "").replacingOccurrences(of: ".", with: "-"),
                "label": Message(field.label).text(language), "required": field.required, "value": value,
                "readonly": field.fixedAfterCreate && !creating,
            ]
            if let error = byField[field.name] { model["error"] = error }
            switch field.kind {
            case .checkbox:
                model["checkbox"] = true
                model["checked"] = submitted.map { $0.flag(field.name) } ?? (current[field.name] == "true")
            case .select(let options):
                model["select"] = true
                model["options"] = options.map { ["value": $0, "label": optionLabel(field.name, $0, language), "selected": $0 == value] }
            case .password:
                model["plain"] = true
                model["inputType"] = "password"
                model["value"] = ""
            case .number:
                model["plain"] = true
                model["inputType"] = "text"
                model["hint"] = "0"
            case .text:
                model["plain"] = true
                model["inputType"] = "text"
            case .multiline:
                model["multiline"] = true
            }
            grouped[field.section, default: []].append(model)
        }
        let names = Set(fields.map(\.name))
        let unmatched = problems.filter { !names.contains($0.field) }
        return (order.map { ["legend": Message($0).text(language), "fields": grouped[$0] ?? []] }, unmatched)
    }

    private func optionLabel(_ field: String, _ value: String, _ language: Language) -> String {
        if field == "language" { return value == "zh-CN" ? "中文" : "English" }
        return value
    }
}

/// Reading numbers and money out of forms, with field problems instead of crashes.
struct FormReader {
    let form: Form
    var problems: [FieldProblem] = []

    init(_ form: Form) { self.form = form }

    func text(_ name: String) -> String { form.text(name) ?? "" }
    func optionalText(_ name: String) -> String? { form.text(name) }

    mutating func int(_ name: String, default value: Int = 0) -> Int {
        guard let text = form.text(name) else { return value }
        guard let number = Int(text) else {
            problems.append(FieldProblem(name, "invalidNumber"))
            return value
        }
        return number
    }

    mutating func optionalDouble(_ name: String) -> Double? {
        guard let text = form.text(name) else { return nil }
        guard let number = Double(text), number.isFinite else {
            problems.append(FieldProblem(name, "invalidValue", ["allowed": "31.23"]))
            return nil
        }
        return number
    }

    mutating func optionalInt(_ name: String) -> Int? {
        guard form.text(name) != nil else { return nil }
        return int(name)
    }

    /// Yuan as typed ("1234.5") into fen.
    mutating func money(_ name: String) -> Money {
        guard let text = form.text(name) else { return .zero() }
        guard let money = Money.parse(text.replacingOccurrences(of: ",", with: "")) else {
            problems.append(FieldProblem(name, "invalidValue", ["allowed": "1234.50"]))
            return .zero()
        }
        return money
    }
}

extension FormSpec where Value == Customer {
    static let customer = FormSpec(
        fields: [
            FieldSpec(name: "code", label: "ui.field.code", required: true, fixedAfterCreate: true),
            FieldSpec(name: "name", label: "ui.field.name", required: true),
            FieldSpec(name: "contacts[0].name", label: "ui.field.contactName", required: true, section: "ui.section.contact"),
            FieldSpec(name: "contacts[0].phone", label: "ui.field.phone", required: true, section: "ui.section.contact"),
            FieldSpec(name: "contacts[0].email", label: "ui.field.email", section: "ui.section.contact"),
            FieldSpec(name: "addresses[0].province", label: "ui.field.province", required: true, section: "ui.section.address"),
            FieldSpec(name: "addresses[0].city", label: "ui.field.city", required: true, section: "ui.section.address"),
            FieldSpec(name: "addresses[0].district", label: "ui.field.district", section: "ui.section.address"),
            FieldSpec(name: "addresses[0].street", label: "ui.field.street", required: true, section: "ui.section.address"),
            FieldSpec(name: "addresses[0].postcode", label: "ui.field.postcode", section: "ui.section.address"),
            FieldSpec(name: "creditRating", label: "ui.field.creditRating", kind: .select(CreditRating.allCases.map(\.rawValue)), section: "ui.section.credit"),
            FieldSpec(name: "creditLimit", label: "ui.field.creditLimit", kind: .number, section: "ui.section.credit"),
            FieldSpec(name: "paymentTermsDays", label: "ui.field.paymentTermsDays", kind: .number, section: "ui.section.credit"),
        ],
        defaults: ["creditRating": "B", "creditLimit": "0", "paymentTermsDays": "0"],
        values: { c in
            [
                "code": c.code, "name": c.name, "contacts[0].name": c.contacts.first?.name ?? "",
                "contacts[0].phone": c.contacts.first?.phone ?? "", "contacts[0].email": c.contacts.first?.email ?? "",
                "addresses[0].province": c.addresses.first?.province ?? "", "addresses[0].city": c.addresses.first?.city ?? "",
                "addresses[0].district": c.addresses.first?.district ?? "", "addresses[0].street": c.addresses.first?.street ?? "",
                "addresses[0].postcode": c.addresses.first?.postcode ?? "", "creditRating": c.creditRating.rawValue,
                "creditLimit": c.creditLimit.decimalString, "paymentTermsDays": String(c.paymentTermsDays),
            ]
        },
        parse: { form, existing in
            var r = FormReader(form)
            var customer = existing ?? Customer(code: "", name: "")
            customer.code = existing?.code ?? r.text("code")
            customer.name = r.text("name")
            var contact = customer.contacts.first ?? Contact(name: "", phone: "", isPrimary: true)
            contact.name = r.text("contacts[0].name")
            contact.phone = r.text("contacts[0].phone")
            contact.email = r.optionalText("contacts[0].email")
            customer.contacts = [contact] + customer.contacts.dropFirst()
            var address = customer.addresses.first ?? Address(province: "", city: "", district: "", street: "", isDefault: true)
            address.province = r.text("addresses[0].province")
            address.city = r.text("addresses[0].city")
            address.district = r.text("addresses[0].district")
            address.street = r.text("addresses[0].street")
            address.postcode = r.optionalText("addresses[0].postcode")
            customer.addresses = [address] + customer.addresses.dropFirst()
            customer.creditRating = CreditRating(rawValue: r.text("creditRating")) ?? .B
            customer.creditLimit = r.money("creditLimit")
            customer.paymentTermsDays = r.int("paymentTermsDays")
            return (customer, r.problems)
        })
}

extension FormSpec where Value == Product {
    static let product = FormSpec(
        fields: [
            FieldSpec(name: "sku", label: "ui.field.sku", required: true, fixedAfterCreate: true),
            FieldSpec(name: "nameZh", label: "ui.field.nameZh", required: true),
            FieldSpec(name: "nameEn", label: "ui.field.nameEn"),
            FieldSpec(name: "unit", label: "ui.field.unit", required: true),
            FieldSpec(name: "listPrice", label: "ui.field.listPrice", kind: .number, required: true),
            FieldSpec(name: "defaultSupplierCode", label: "ui.field.defaultSupplierCode"),
            FieldSpec(name: "weightGrams", label: "ui.field.weightGrams", kind: .number, section: "ui.section.logistics"),
            FieldSpec(name: "volumeCm3", label: "ui.field.volumeCm3", kind: .number, section: "ui.section.logistics"),
            FieldSpec(name: "shelfLifeDays", label: "ui.field.shelfLifeDays", kind: .number, section: "ui.section.logistics"),
            FieldSpec(name: "lotTracked", label: "ui.field.lotTracked", kind: .checkbox, section: "ui.section.logistics"),
            FieldSpec(name: "makeToOrder", label: "ui.field.makeToOrder", kind: .checkbox, section: "ui.section.logistics"),
            FieldSpec(name: "fragile", label: "ui.field.fragile", kind: .checkbox, section: "ui.section.logistics"),
            FieldSpec(name: "liquid", label: "ui.field.liquid", kind: .checkbox, section: "ui.section.logistics"),
        ],
        values: { p in
            [
                "sku": p.sku, "nameZh": p.nameZh, "nameEn": p.nameEn ?? "", "unit": p.unit,
                "listPrice": p.listPrice.decimalString, "defaultSupplierCode": p.defaultSupplierCode ?? "",
                "weightGrams": String(p.weightGrams), "volumeCm3": String(p.volumeCm3),
                "shelfLifeDays": p.shelfLifeDays.map(String.init) ?? "", "lotTracked": String(p.lotTracked),
                "makeToOrder": String(p.makeToOrder), "fragile": String(p.fragile), "liquid": String(p.liquid),
            ]
        },
        parse: { form, existing in
            var r = FormReader(form)
            var product = existing ?? Product(sku: "", nameZh: "", listPrice: .zero())
            product.sku = existing?.sku ?? r.text("sku")
            product.nameZh = r.text("nameZh")
            product.nameEn = r.optionalText("nameEn")
            product.unit = r.text("unit")
            if form.text("listPrice") == nil {
                r.problems.append(FieldProblem("listPrice", "required"))
            } else {
                product.listPrice = r.money("listPrice")
            }
            product.defaultSupplierCode = r.optionalText("defaultSupplierCode")
            product.weightGrams = Int64(r.int("weightGrams"))
            product.volumeCm3 = Int64(r.int("volumeCm3"))
            product.shelfLifeDays = r.optionalInt("shelfLifeDays")
            product.lotTracked = form.flag("lotTracked") || product.shelfLifeDays != nil
            product.makeToOrder = form.flag("makeToOrder")
            product.fragile = form.flag("fragile")
            product.liquid = form.flag("liquid")
            return (product, r.problems)
        })
}

extension FormSpec where Value == Supplier {
    static let supplier = FormSpec(
        fields: [
            FieldSpec(name: "code", label: "ui.field.code", required: true, fixedAfterCreate: true),
            FieldSpec(name: "name", label: "ui.field.name", required: true),
            FieldSpec(name: "contactName", label: "ui.field.contactName", section: "ui.section.contact"),
            FieldSpec(name: "phone", label: "ui.field.phone", section: "ui.section.contact"),
            FieldSpec(name: "email", label: "ui.field.email", section: "ui.section.contact"),
            FieldSpec(name: "leadTimeDays", label: "ui.field.leadTimeDays", kind: .number, required: true),
            FieldSpec(name: "notes", label: "ui.field.notes", kind: .multiline),
        ],
        values: { s in
            ["code": s.code, "name": s.name, "contactName": s.contactName ?? "", "phone": s.phone ?? "", "email": s.email ?? "",
             "leadTimeDays": String(s.leadTimeDays), "notes": s.notes ?? ""]
        },
        parse: { form, existing in
            var r = FormReader(form)
            var supplier = existing ?? Supplier(code: "", name: "", leadTimeDays: 0)
            supplier.code = existing?.code ?? r.text("code")
            supplier.name = r.text("name")
            supplier.contactName = r.optionalText("contactName")
            supplier.phone = r.optionalText("phone")
            supplier.email = r.optionalText("email")
            supplier.leadTimeDays = r.int("leadTimeDays", default: -1)
            supplier.notes = r.optionalText("notes")
            return (supplier, r.problems)
        })
}

extension FormSpec where Value == Warehouse {
    static let warehouse = FormSpec(
        fields: [
            FieldSpec(name: "code", label: "ui.field.code", required: true, fixedAfterCreate: true),
            FieldSpec(name: "name", label: "ui.field.name", required: true),
            FieldSpec(name: "region", label: "ui.field.region", required: true),
            FieldSpec(name: "active", label: "ui.field.active", kind: .checkbox),
            FieldSpec(name: "address.province", label: "ui.field.province", required: true, section: "ui.section.site"),
            FieldSpec(name: "address.city", label: "ui.field.city", required: true, section: "ui.section.site"),
            FieldSpec(name: "address.district", label: "ui.field.district", section: "ui.section.site"),
            FieldSpec(name: "address.street", label: "ui.field.street", required: true, section: "ui.section.site"),
            FieldSpec(name: "address.postcode", label: "ui.field.postcode", section: "ui.section.site"),
            FieldSpec(name: "address.latitude", label: "ui.field.latitude", kind: .number, required: true, section: "ui.section.site"),
            FieldSpec(name: "address.longitude", label: "ui.field.longitude", kind: .number, required: true, section: "ui.section.site"),
        ],
        defaults: ["active": "true"],
        values: { w in
            ["code": w.code, "name": w.name, "region": w.region, "active": String(w.active),
             "address.province": w.address.province, "address.city": w.address.city, "address.district": w.address.district,
             "address.street": w.address.street, "address.postcode": w.address.postcode ?? "",
             "address.latitude": w.address.latitude.map { String($0) } ?? "", "address.longitude": w.address.longitude.map { String($0) } ?? ""]
        },
        parse: { form, existing in
            var r = FormReader(form)
            var warehouse = existing ?? Warehouse(code: "", name: "", address: Address(province: "", city: "", district: "", street: ""), region: "")
            warehouse.code = existing?.code ?? r.text("code")
            warehouse.name = r.text("name")
            warehouse.region = r.text("region")
            warehouse.active = form.flag("active")
            warehouse.address.province = r.text("address.province")
            warehouse.address.city = r.text("address.city")
            warehouse.address.district = r.text("address.district")
            warehouse.address.street = r.text("address.street")
            warehouse.address.postcode = r.optionalText("address.postcode")
            warehouse.address.latitude = r.optionalDouble("address.latitude")
            warehouse.address.longitude = r.optionalDouble("address.longitude")
            return (warehouse, r.problems)
        })
}

extension FormSpec where Value == Carrier {
    /// Services and their rate tables as lines, one rate each:
    /// `service code | service name | mode | pricing | zone | base fee | per kg | per km | transit days`.
    static let carrier = FormSpec(
        fields: [
            FieldSpec(name: "code", label: "ui.field.code", required: true, fixedAfterCreate: true),
            FieldSpec(name: "name", label: "ui.field.name", required: true),
            FieldSpec(name: "phone", label: "ui.field.phone"),
            FieldSpec(name: "website", label: "ui.field.website"),
            FieldSpec(name: "active", label: "ui.field.active", kind: .checkbox),
            FieldSpec(name: "services", label: "ui.field.rateLines", kind: .multiline, required: true, section: "ui.section.rates"),
        ],
        defaults: ["active": "true", "services": "SVC-1 | 标准快递 | express | zone | * | 12.00 | 2.00 | 0 | 2"],
        values: { c in
            ["code": c.code, "name": c.name, "phone": c.phone ?? "", "website": c.website ?? "", "active": String(c.active),
             "services": c.services.flatMap { service in
                 service.rates.map { rate in
                     [service.code, service.name, service.mode.rawValue, service.pricing.rawValue, rate.zone,
                      rate.baseFee.decimalString, rate.perKg.decimalString, rate.perKm.decimalString, String(rate.transitDays)]
                         .joined(separator: " | ")
                 }
             }.joined(separator: "\n")]
        },
        parse: { form, existing in
            var r = FormReader(form)
            var carrier = existing ?? Carrier(code: "", name: "", services: [])
            carrier.code = existing?.code ?? r.text("code")
            carrier.name = r.text("name")
            carrier.phone = r.optionalText("phone")
            carrier.website = r.optionalText("website")
            carrier.active = form.flag("active")
            var services: [CarrierService] = []
            let lines = (form.first("services") ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            for (number, line) in lines.enumerated() where !line.isEmpty {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count == 9, let mode = TransportMode(rawValue: cells[2]), let pricing = CarrierService.Pricing(rawValue: cells[3]),
                    let base = Money.parse(cells[5]), let perKg = Money.parse(cells[6]), let perKm = Money.parse(cells[7]),
                    let days = Int(cells[8])
                else {
                    r.problems.append(FieldProblem("services", "invalidLine", ["line": String(number + 1)]))
                    continue
                }
                let rate = Rate(zone: cells[4], baseFee: base, perKg: perKg, perKm: perKm, transitDays: days)
                if let index = services.firstIndex(where: { $0.code == cells[0] }) {
                    services[index].rates.append(rate)
                } else {
                    services.append(CarrierService(code: cells[0], name: cells[1], mode: mode, pricing: pricing, rates: [rate]))
                }
            }
            // A service left out of the lines is kept, made inactive: shipments may refer to it.
            for old in existing?.services ?? [] where !services.contains(where: { $0.code == old.code }) {
                var retired = old
                retired.active = false
                services.append(retired)
            }
            carrier.services = services
            return (carrier, r.problems)
        })
}

extension FormSpec where Value == StockReceipt {
    static let receipt = FormSpec(
        fields: [
            FieldSpec(name: "sku", label: "ui.field.sku", required: true),
            FieldSpec(name: "warehouseCode", label: "ui.field.warehouse", required: true),
            FieldSpec(name: "locationCode", label: "ui.field.location", required: true),
            FieldSpec(name: "quantity", label: "ui.field.quantity", kind: .number, required: true),
            FieldSpec(name: "lot", label: "ui.field.lot"),
            FieldSpec(name: "expiryDate", label: "ui.field.expiryDate"),
            FieldSpec(name: "reference", label: "ui.field.reference"),
            FieldSpec(name: "note", label: "ui.field.note"),
        ],
        values: { _ in [:] },
        parse: { form, _ in
            var r = FormReader(form)
            var receipt = StockReceipt(
                sku: r.text("sku"), warehouseCode: r.text("warehouseCode"), locationCode: r.text("locationCode"),
                lot: r.optionalText("lot"), quantity: Int64(r.int("quantity")), reference: r.optionalText("reference"),
                note: r.optionalText("note"))
            if let text = r.optionalText("expiryDate") {
                if let date = CalendarDate.parse(text) { receipt.expiryDate = date } else {
                    r.problems.append(FieldProblem("expiryDate", "invalidDate"))
                }
            }
            return (receipt, r.problems)
        })
}

extension FormSpec where Value == ReviewRule {
    /// Ratings and channels are comma lists (`A,B`, `phone,web`); empty means any.
    static let reviewRule = FormSpec(
        fields: [
            FieldSpec(name: "code", label: "ui.field.code", required: true, fixedAfterCreate: true),
            FieldSpec(name: "name", label: "ui.field.name", required: true),
            FieldSpec(name: "stage", label: "ui.field.stage", kind: .select(ReviewStage.allCases.map(\.rawValue)), required: true),
            FieldSpec(name: "maxTotal", label: "ui.field.maxTotal", kind: .number, section: "ui.section.conditions"),
            FieldSpec(name: "ratings", label: "ui.field.ratings", section: "ui.section.conditions"),
            FieldSpec(name: "channels", label: "ui.field.channels", section: "ui.section.conditions"),
            FieldSpec(name: "notes", label: "ui.field.notes", kind: .multiline),
        ],
        defaults: ["stage": ReviewStage.sales.rawValue],
        values: { r in
            ["code": r.code, "name": r.name, "stage": r.stage.rawValue, "maxTotal": r.maxTotal?.decimalString ?? "",
             "ratings": r.ratings.map(\.rawValue).joined(separator: ","), "channels": r.channels.map(\.rawValue).joined(separator: ","),
             "notes": r.notes ?? ""]
        },
        parse: { form, existing in
            var r = FormReader(form)
            var rule = existing ?? ReviewRule(code: "", name: "", stage: .sales)
            rule.code = existing?.code ?? r.text("code")
            rule.name = r.text("name")
            rule.stage = ReviewStage(rawValue: r.text("stage")) ?? .sales
            rule.maxTotal = form.text("maxTotal") == nil ? nil : r.money("maxTotal")
            func list<T: RawRepresentable>(_ name: String, _ make: (String) -> T?, allowed: [String]) -> [T] where T.RawValue == String {
                var values: [T] = []
                for part in r.text(name).split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }) {
                    if let value = make(String(part)) { values.append(value) } else {
                        r.problems.append(FieldProblem(name, "invalidValue", ["allowed": allowed.joined(separator: ", ")]))
                    }
                }
                return values
            }
            rule.ratings = list("ratings", { CreditRating(rawValue: $0.uppercased()) }, allowed: CreditRating.allCases.map(\.rawValue))
            rule.channels = list("channels", { OrderChannel(rawValue: $0.lowercased()) }, allowed: OrderChannel.allCases.map(\.rawValue))
            rule.notes = r.optionalText("notes")
            return (rule, r.problems)
        })
}
