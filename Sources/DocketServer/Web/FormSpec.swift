import DocketCore
import DocketStore
import Foundation

/// One input of a record form. Its `name` is the same path the validators report problems under, so a
/// store-level problem (`contacts[0].phone`) lands next to its input with what the user typed kept.
struct FieldSpec: Sendable {
    var isNumber: Bool { if case .number = kind { true } else { false } }

    /// A select's value in words: the catalogue's `optionLabels` entry, a language by its name, a blank as "—".
    func optionLabel(_ value: String, _ language: Language) -> String {
        if name == "language" { return value == "zh-CN" ? "中文" : "English" }
        if value.isEmpty { return "—" }
        if let prefix = optionLabels { return Message("\(prefix).\(value)").text(language) }
        return value
    }
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
    /// Catalogue prefix saying a select's values in words (`transport.mode` → `transport.mode.road`).
    var optionLabels: String? = nil
}

/// A repeated part of a record edited as rows of a table (a customer's contacts, a carrier's services and rates).
/// Inputs are named `<name>[<row>].<column>`, the paths the validators report, so a problem sits in its cell.
/// Blank rows are left out when the form is read; a few spare rows (and an "add a row" button) take new entries.
struct GridSpec<Value: Sendable>: Sendable {
    var name: String
    var legend: String
    var hint: String? = nil
    /// The columns; a column's `name` is its key within a row.
    var columns: [FieldSpec]
    var spare = 2
    /// What a spare row starts with (a new service is active).
    var spareDefaults: [String: String] = [:]
    /// A record's rows, each by column key.
    let rows: @Sendable (Value) -> [[String: String]]

    /// The rows as submitted, blank ones left out, each with its index in the form.
    func submitted(_ form: Form) -> [(index: Int, cells: [String: String])] {
        // A row is blank when nothing is typed in it: a select's first choice or a ticked box alone is no entry.
        form.rows(name, columns: columns.map(\.name), blankUnless: columns.filter {
            switch $0.kind {
            case .checkbox, .select: false
            default: true
            }
        }.map(\.name))
    }

    /// `contacts[1].phone` of the value read from `form` is `contacts[3].phone` of the form when rows 1 and 2
    /// were blank.
    func formPath(_ path: String, in form: Form) -> String? {
        guard path.hasPrefix(name + "["), let close = path.firstIndex(of: "]"),
            let k = Int(path[path.index(path.startIndex, offsetBy: name.count + 1)..<close])
        else { return nil }
        let rows = submitted(form)
        guard k >= 0, k < rows.count else { return nil }
        return "\(name)[\(rows[k].index)]" + path[path.index(after: close)...]
    }
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
    /// Parts edited as rows of a table, after the sections.
    var grids: [GridSpec<Value>] = []
    /// Where a problem of the value read from a form sits in that form, when the two differ (rows of grids left
    /// out, rows of one grid nested in another's records); nil leaves a path as it is (a problem `parse` found,
    /// already named by its input). Without it, each grid maps its own rows.
    var formPath: (@Sendable (String, Form) -> String?)? = nil

    /// The input a problem of a submitted value belongs to.
    func inputName(_ path: String, in form: Form?) -> String {
        guard let form else { return path }
        if let formPath { return formPath(path, form) ?? path }
        for grid in grids { if let mapped = grid.formPath(path, in: form) { return mapped } }
        return path
    }

    /// The template model of the form sections: values from the submission (when re-showing it) or the record.
    func sections(
        submitted: Form?, existing: Value?, problems: [FieldProblem], language: Language, creating: Bool
    ) -> (sections: [FormModel.Section], grids: [FormModel.Grid], unmatched: [FieldProblem]) {
        let current = existing.map(values) ?? defaults
        let problems = problems.map { problem in var moved = problem; moved.field = inputName(problem.field, in: submitted); return moved }
        var byField: [String: String] = [:]
        for problem in problems where byField[problem.field] == nil { byField[problem.field] = problem.message.text(language) }
        var order: [String] = []
        var grouped: [String: [FormModel.Field]] = [:]
        for field in fields {
            if grouped[field.section] == nil { order.append(field.section) }
            let value = submitted.map { $0.first(field.name) ?? "" } ?? current[field.name] ?? ""
            grouped[field.section, default: []].append(
                FormModel.Field(
                    field, name: field.name, value: value, checked: submitted.map { $0.flag(field.name) } ?? (current[field.name] == "true"),
                    error: byField[field.name], readonly: field.fixedAfterCreate && !creating, language: language))
        }
        var names = Set(fields.map(\.name))
        let grids = grids.map { grid -> FormModel.Grid in
            // As submitted (blank rows too, where the person left them), or the record's rows and spare ones.
            var rows: [(index: Int, cells: [String: String])]
            if let submitted {
                let indices = Set(submitted.pairs.compactMap { Form.rowIndex($0.0, prefix: grid.name) }).sorted()
                rows = indices.map { i in (i, Dictionary(uniqueKeysWithValues: grid.columns.map { ($0.name, submitted.first("\(grid.name)[\(i)].\($0.name)") ?? "") })) }
            } else {
                rows = (existing.map(grid.rows) ?? []).enumerated().map { ($0.offset, $0.element) }
                let next = rows.count
                rows += (0..<grid.spare).map { (next + $0, grid.spareDefaults) }
            }
            let models = rows.enumerated().map { position, row -> FormModel.Grid.Row in
                let cells = grid.columns.map { column -> FormModel.Field in
                    let name = "\(grid.name)[\(row.index)].\(column.name)"
                    names.insert(name)
                    let value = row.cells[column.name] ?? ""
                    return FormModel.Field(
                        column, name: name, value: value, checked: submitted == nil ? value == "true" : !value.isEmpty, error: byField[name],
                        readonly: false, language: language)
                }
                return FormModel.Grid.Row(index: row.index, number: position + 1, cells: cells)
            }
            return FormModel.Grid(
                name: grid.name, legend: Message(grid.legend).text(language), note: grid.hint.map { Message($0).text(language) },
                columns: grid.columns.map { column in
                    FormModel.Grid.Column(label: Message(column.label).text(language), required: column.required, num: column.isNumber)
                },
                rows: models)
        }
        let unmatched = problems.filter { !names.contains($0.field) }
        return (order.map { FormModel.Section(legend: Message($0).text(language), fields: grouped[$0] ?? []) }, grids, unmatched)
    }

    static func inputID(_ name: String) -> String {
        name.replacingOccurrences(of: "[", with: "-").replacingOccurrences(of: "]", with: "").replacingOccurrences(of: ".", with: "-")
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
    /// The customer record: name, contacts and delivery addresses as tables, invoice details, notes. Credit terms
    /// are not here: they are finance's, on the page's own credit form (`credit`).
    static let customer = FormSpec(
        fields: [
            FieldSpec(name: "code", label: "ui.field.code", required: true, fixedAfterCreate: true),
            FieldSpec(name: "name", label: "ui.field.name", required: true),
            FieldSpec(name: "language", label: "ui.field.noticeLanguage", kind: .select(Language.allCases.map(\.rawValue))),
            FieldSpec(name: "invoice.kind", label: "ui.field.invoiceKind", kind: .select([""] + InvoiceInfo.Kind.allCases.map(\.rawValue)),
                      section: "ui.section.invoice", optionLabels: "ui.invoice"),
            FieldSpec(name: "invoice.title", label: "ui.field.invoiceTitle", section: "ui.section.invoice"),
            FieldSpec(name: "invoice.taxNumber", label: "ui.field.taxNumber", section: "ui.section.invoice"),
            FieldSpec(name: "invoice.bankName", label: "ui.field.bankName", section: "ui.section.invoice"),
            FieldSpec(name: "invoice.bankAccount", label: "ui.field.bankAccount", section: "ui.section.invoice"),
            FieldSpec(name: "invoice.registeredAddress", label: "ui.field.registeredAddress", section: "ui.section.invoice"),
            FieldSpec(name: "invoice.registeredPhone", label: "ui.field.registeredPhone", section: "ui.section.invoice"),
            FieldSpec(name: "notes", label: "ui.field.notes", kind: .multiline, section: "ui.section.invoice"),
        ],
        values: { c in
            [
                "code": c.code, "name": c.name, "language": c.language.rawValue, "invoice.kind": c.invoice?.kind.rawValue ?? "", "invoice.title": c.invoice?.title ?? "",
                "invoice.taxNumber": c.invoice?.taxNumber ?? "", "invoice.bankName": c.invoice?.bankName ?? "",
                "invoice.bankAccount": c.invoice?.bankAccount ?? "", "invoice.registeredAddress": c.invoice?.registeredAddress ?? "",
                "invoice.registeredPhone": c.invoice?.registeredPhone ?? "", "notes": c.notes ?? "",
            ]
        },
        parse: { form, existing in
            let r = FormReader(form)
            var customer = existing ?? Customer(code: "", name: "")
            customer.code = existing?.code ?? r.text("code")
            customer.name = r.text("name")
            customer.language = Language(rawValue: r.text("language")) ?? customer.language
            customer.contacts = customerContacts.submitted(form).map { row in
                Contact(name: row.cells["name"] ?? "", phone: row.cells["phone"] ?? "", email: row.cells["email"], title: row.cells["title"],
                        isPrimary: row.cells["isPrimary"] != nil)
            }
            let previous = customer.addresses
            customer.addresses = customerAddresses.submitted(form).map { row in
                var address = Address(
                    label: row.cells["label"], province: row.cells["province"] ?? "", city: row.cells["city"] ?? "",
                    district: row.cells["district"] ?? "", street: row.cells["street"] ?? "", postcode: row.cells["postcode"],
                    isDefault: row.cells["isDefault"] != nil)
                // Coordinates and country are not in the table: an address kept as it was keeps them.
                if let same = previous.first(where: { $0.singleLine == address.singleLine }) {
                    address.country = same.country
                    address.latitude = same.latitude
                    address.longitude = same.longitude
                }
                return address
            }
            // Invoice details: none when every box is blank.
            let invoiceFields = ["invoice.title", "invoice.taxNumber", "invoice.bankName", "invoice.bankAccount", "invoice.registeredAddress", "invoice.registeredPhone"]
            if form.text("invoice.kind") == nil && invoiceFields.allSatisfy({ form.text($0) == nil }) {
                customer.invoice = nil
            } else {
                customer.invoice = InvoiceInfo(
                    kind: InvoiceInfo.Kind(rawValue: r.text("invoice.kind")) ?? .ordinary, title: r.text("invoice.title"),
                    taxNumber: r.text("invoice.taxNumber"), bankName: r.optionalText("invoice.bankName"),
                    bankAccount: r.optionalText("invoice.bankAccount"), registeredAddress: r.optionalText("invoice.registeredAddress"),
                    registeredPhone: r.optionalText("invoice.registeredPhone"))
            }
            customer.notes = r.optionalText("notes")
            return (customer, r.problems)
        },
        grids: [customerContacts, customerAddresses])

    static let customerContacts = GridSpec<Customer>(
        name: "contacts", legend: "ui.section.contacts", hint: "ui.grid.hint",
        columns: [
            FieldSpec(name: "name", label: "ui.field.contactName", required: true),
            FieldSpec(name: "phone", label: "ui.field.phone", required: true),
            FieldSpec(name: "email", label: "ui.field.email"),
            FieldSpec(name: "title", label: "ui.field.title"),
            FieldSpec(name: "isPrimary", label: "ui.field.isPrimary", kind: .checkbox),
        ],
        spare: 1,
        rows: { c in
            c.contacts.map { ["name": $0.name, "phone": $0.phone, "email": $0.email ?? "", "title": $0.title ?? "", "isPrimary": String($0.isPrimary)] }
        })

    static let customerAddresses = GridSpec<Customer>(
        name: "addresses", legend: "ui.section.addresses", hint: "ui.grid.hint",
        columns: [
            FieldSpec(name: "label", label: "ui.field.addressLabel"),
            FieldSpec(name: "province", label: "ui.field.province", required: true),
            FieldSpec(name: "city", label: "ui.field.city", required: true),
            FieldSpec(name: "district", label: "ui.field.district"),
            FieldSpec(name: "street", label: "ui.field.street", required: true),
            FieldSpec(name: "postcode", label: "ui.field.postcode"),
            FieldSpec(name: "isDefault", label: "ui.field.isDefault", kind: .checkbox),
        ],
        spare: 1,
        rows: { c in
            c.addresses.map {
                ["label": $0.label ?? "", "province": $0.province, "city": $0.city, "district": $0.district, "street": $0.street,
                 "postcode": $0.postcode ?? "", "isDefault": String($0.isDefault)]
            }
        })

    /// Credit terms: what finance or an administrator changes, on its own form.
    static let credit = FormSpec(
        fields: [
            FieldSpec(name: "creditRating", label: "ui.field.creditRating", kind: .select(CreditRating.allCases.map(\.rawValue)), section: "ui.credit.title"),
            FieldSpec(name: "creditLimit", label: "ui.field.creditLimit", kind: .number, section: "ui.credit.title"),
            FieldSpec(name: "paymentTermsDays", label: "ui.field.paymentTermsDays", kind: .number, section: "ui.credit.title"),
        ],
        values: { c in
            ["creditRating": c.creditRating.rawValue, "creditLimit": c.creditLimit.decimalString, "paymentTermsDays": String(c.paymentTermsDays)]
        },
        parse: { form, existing in
            var r = FormReader(form)
            var customer = existing ?? Customer(code: "", name: "")
            customer.creditRating = CreditRating(rawValue: r.text("creditRating")) ?? customer.creditRating
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
            FieldSpec(name: "hsCode", label: "ui.field.hsCode", section: "ui.section.customs"),
            FieldSpec(name: "originCountry", label: "ui.field.originCountry", section: "ui.section.customs"),
        ],
        values: { p in
            [
                "sku": p.sku, "nameZh": p.nameZh, "nameEn": p.nameEn ?? "", "unit": p.unit,
                "listPrice": p.listPrice.decimalString, "defaultSupplierCode": p.defaultSupplierCode ?? "",
                "weightGrams": String(p.weightGrams), "volumeCm3": String(p.volumeCm3),
                "shelfLifeDays": p.shelfLifeDays.map(String.init) ?? "", "lotTracked": String(p.lotTracked),
                "makeToOrder": String(p.makeToOrder), "fragile": String(p.fragile), "liquid": String(p.liquid),
                "hsCode": p.hsCode ?? "", "originCountry": p.originCountry ?? "",
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
            product.hsCode = r.optionalText("hsCode")?.filter { $0 != "." && $0 != " " }
            product.originCountry = r.optionalText("originCountry")?.uppercased()
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
    /// The carrier, its services as one table and their rates as another, each rate naming its service's code.
    static let carrier = FormSpec(
        fields: [
            FieldSpec(name: "code", label: "ui.field.code", required: true, fixedAfterCreate: true),
            FieldSpec(name: "name", label: "ui.field.name", required: true),
            FieldSpec(name: "phone", label: "ui.field.phone"),
            FieldSpec(name: "website", label: "ui.field.website"),
            FieldSpec(name: "active", label: "ui.field.active", kind: .checkbox),
        ],
        defaults: ["active": "true"],
        values: { c in ["code": c.code, "name": c.name, "phone": c.phone ?? "", "website": c.website ?? "", "active": String(c.active)] },
        parse: { form, existing in
            var r = FormReader(form)
            var carrier = existing ?? Carrier(code: "", name: "", services: [])
            carrier.code = existing?.code ?? r.text("code")
            carrier.name = r.text("name")
            carrier.phone = r.optionalText("phone")
            carrier.website = r.optionalText("website")
            carrier.active = form.flag("active")
            let table = CarrierTable.read(form, existing: existing, reader: &r)
            carrier.services = table.services
            return (carrier, r.problems)
        },
        grids: [carrierServices, carrierRates],
        formPath: { path, form in
            var r = FormReader(form)
            return CarrierTable.read(form, existing: nil, reader: &r).formPath(path)
        })

    static let carrierServices = GridSpec<Carrier>(
        name: "services", legend: "ui.section.services", hint: "ui.grid.servicesHint",
        columns: [
            FieldSpec(name: "code", label: "ui.field.serviceCode", required: true),
            FieldSpec(name: "name", label: "ui.field.serviceName", required: true),
            FieldSpec(name: "mode", label: "ui.field.mode", kind: .select(TransportMode.allCases.map(\.rawValue)), optionLabels: "transport.mode"),
            FieldSpec(name: "pricing", label: "ui.field.pricing", kind: .select(CarrierService.Pricing.allCases.map(\.rawValue)), optionLabels: "carrier.pricing"),
            FieldSpec(name: "maxWeightKg", label: "ui.field.maxWeightKg", kind: .number),
            FieldSpec(name: "active", label: "ui.field.active", kind: .checkbox),
        ],
        spare: 1, spareDefaults: ["active": "true"],
        rows: { c in
            c.services.map {
                ["code": $0.code, "name": $0.name, "mode": $0.mode.rawValue, "pricing": $0.pricing.rawValue,
                 "maxWeightKg": $0.maxWeightKg.map(String.init) ?? "", "active": String($0.active)]
            }
        })

    static let carrierRates = GridSpec<Carrier>(
        name: "rates", legend: "ui.section.rateTable", hint: "ui.grid.ratesHint",
        columns: [
            FieldSpec(name: "service", label: "ui.field.service", required: true),
            FieldSpec(name: "zone", label: "ui.field.destination", required: true),
            FieldSpec(name: "baseFee", label: "ui.field.baseFee", kind: .number, required: true),
            FieldSpec(name: "perKg", label: "ui.field.perKg", kind: .number),
            FieldSpec(name: "perKm", label: "ui.field.perKm", kind: .number),
            FieldSpec(name: "transitDays", label: "ui.field.transitDays", kind: .number, required: true),
        ],
        rows: { c in
            c.services.flatMap { service in
                service.rates.map {
                    ["service": service.code, "zone": $0.zone, "baseFee": $0.baseFee.decimalString, "perKg": $0.perKg.decimalString,
                     "perKm": $0.perKm.decimalString, "transitDays": String($0.transitDays)]
                }
            }
        })
}

/// A carrier's services and rates read from the form's two tables, and where each value came from, so the
/// validators' `services[1].rates[0].baseFee` is shown in the rate table's row it was typed in.
struct CarrierTable {
    var services: [CarrierService] = []
    /// Value path prefix (`services[1]`, `services[1].rates[0]`) → form path prefix (`services[2]`, `rates[5]`).
    var origin: [String: String] = [:]

    static func read(_ form: Form, existing: Carrier?, reader r: inout FormReader) -> CarrierTable {
        var table = CarrierTable()
        for row in FormSpec<Carrier>.carrierServices.submitted(form) {
            let prefix = "services[\(row.index)]"
            let service = CarrierService(
                code: row.cells["code"] ?? "", name: row.cells["name"] ?? "",
                mode: TransportMode(rawValue: row.cells["mode"] ?? "") ?? .express,
                pricing: CarrierService.Pricing(rawValue: row.cells["pricing"] ?? "") ?? .zone,
                maxWeightKg: r.optionalInt("\(prefix).maxWeightKg"), rates: [], active: row.cells["active"] != nil)
            table.origin["services[\(table.services.count)]"] = prefix
            table.services.append(service)
        }
        for row in FormSpec<Carrier>.carrierRates.submitted(form) {
            let prefix = "rates[\(row.index)]"
            let rate = Rate(
                zone: row.cells["zone"] ?? "", baseFee: r.money("\(prefix).baseFee"), perKg: r.money("\(prefix).perKg"),
                perKm: r.money("\(prefix).perKm"), transitDays: r.int("\(prefix).transitDays", default: -1))
            guard let s = table.services.firstIndex(where: { $0.code == (row.cells["service"] ?? "") }) else {
                r.problems.append(FieldProblem("\(prefix).service", row.cells["service"] == nil ? "required" : "unknownService"))
                continue
            }
            table.origin["services[\(s)].rates[\(table.services[s].rates.count)]"] = prefix
            table.services[s].rates.append(rate)
        }
        // A service left out of the table is kept, made inactive: shipments may refer to it.
        for old in existing?.services ?? [] where !table.services.contains(where: { $0.code == old.code }) {
            var retired = old
            retired.active = false
            table.services.append(retired)
        }
        return table
    }

    /// The form input a value path was read from; nil for paths of no row (a retired service).
    func formPath(_ path: String) -> String? {
        // The longest known prefix wins: a rate's path before its service's.
        for (valuePrefix, formPrefix) in origin.sorted(by: { $0.key.count > $1.key.count })
        where path == valuePrefix || path.hasPrefix(valuePrefix + ".") || path.hasPrefix(valuePrefix + "[") {
            return formPrefix + path.dropFirst(valuePrefix.count)
        }
        return nil
    }
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
    /// Ratings and channels are boxes to tick; none ticked means any.
    static let reviewRule = FormSpec(
        fields: [
            FieldSpec(name: "code", label: "ui.field.code", required: true, fixedAfterCreate: true),
            FieldSpec(name: "name", label: "ui.field.name", required: true),
            FieldSpec(name: "stage", label: "ui.field.stage", kind: .select(ReviewStage.allCases.map(\.rawValue)), required: true,
                      optionLabels: "review.stage"),
            FieldSpec(name: "maxTotal", label: "ui.field.maxTotal", kind: .number, section: "ui.section.conditions"),
        ] + CreditRating.allCases.map {
            FieldSpec(name: "ratings.\($0.rawValue)", label: "ui.rating.\($0.rawValue)", kind: .checkbox, section: "ui.section.ratings")
        } + OrderChannel.allCases.map {
            FieldSpec(name: "channels.\($0.rawValue)", label: "ui.channel.\($0.rawValue)", kind: .checkbox, section: "ui.section.channels")
        } + [FieldSpec(name: "notes", label: "ui.field.notes", kind: .multiline)],
        defaults: ["stage": ReviewStage.sales.rawValue],
        values: { r in
            var values = ["code": r.code, "name": r.name, "stage": r.stage.rawValue, "maxTotal": r.maxTotal?.decimalString ?? "", "notes": r.notes ?? ""]
            for rating in r.ratings { values["ratings.\(rating.rawValue)"] = "true" }
            for channel in r.channels { values["channels.\(channel.rawValue)"] = "true" }
            return values
        },
        parse: { form, existing in
            var r = FormReader(form)
            var rule = existing ?? ReviewRule(code: "", name: "", stage: .sales)
            rule.code = existing?.code ?? r.text("code")
            rule.name = r.text("name")
            rule.stage = ReviewStage(rawValue: r.text("stage")) ?? .sales
            rule.maxTotal = form.text("maxTotal") == nil ? nil : r.money("maxTotal")
            rule.ratings = CreditRating.allCases.filter { form.flag("ratings.\($0.rawValue)") }
            rule.channels = OrderChannel.allCases.filter { form.flag("channels.\($0.rawValue)") }
            rule.notes = r.optionalText("notes")
            return (rule, r.problems)
        })
}
