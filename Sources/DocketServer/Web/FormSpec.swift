import DocketCore
import DocketStore
import Foundation

/// One input of a record form. Its `name` is the same path the validators report problems under, so a
/// store-level problem (`contacts[0].phone`) lands next to its input with what the user typed kept.
struct FieldSpec: Sendable {
    enum Kind: Sendable {
        case text, number, checkbox, password
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
    /// The record's current values, by field name.
    let values: @Sendable (Value) -> [String: String]
    /// Builds a value from a submitted form; parts the form does not show are kept from `existing`.
    let parse: @Sendable (Form, Value?) -> (value: Value, problems: [FieldProblem])

    /// The template model of the form sections: values from the submission (when re-showing it) or the record.
    func sections(
        submitted: Form?, existing: Value?, problems: [FieldProblem], language: Language, creating: Bool
    ) -> (sections: [[String: Any]], unmatched: [FieldProblem]) {
        let current = existing.map(values) ?? [:]
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
