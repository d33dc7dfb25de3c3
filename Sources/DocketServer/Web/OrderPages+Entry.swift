import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What the entry grid holds, as typed: texts, so a re-shown form keeps exactly what the user entered.
struct EntryForm {
    struct Line {
        var sku = ""
        var quantity = ""
        var price = ""
    }

    var customerCode = ""
    var channel = OrderChannel.phone.rawValue
    var externalRef = ""
    var contactName = ""
    var contactPhone = ""
    var type = OrderType.stock.rawValue
    var urgent = false
    var requestedDate = ""
    var paymentMethod = ""
    var notes = ""
    var province = ""
    var city = ""
    var district = ""
    var street = ""
    var message = ""
    var paste = ""
    var key = Secret.make()
    var lines: [Line] = []

    static let headerFields = [
        "customerCode", "channel", "externalRef", "contactName", "contactPhone", "type", "urgent", "requestedDate", "paymentMethod",
        "province", "city", "district", "street", "notes",
    ]

    init() {}

    init(_ form: Form) {
        customerCode = form.text("customerCode") ?? ""
        channel = form.text("channel") ?? OrderChannel.phone.rawValue
        externalRef = form.text("externalRef") ?? ""
        contactName = form.text("contactName") ?? ""
        contactPhone = form.text("contactPhone") ?? ""
        type = form.text("type") ?? OrderType.stock.rawValue
        urgent = form.flag("urgent")
        requestedDate = form.text("requestedDate") ?? ""
        paymentMethod = form.text("paymentMethod") ?? ""
        notes = form.text("notes") ?? ""
        province = form.text("province") ?? ""
        city = form.text("city") ?? ""
        district = form.text("district") ?? ""
        street = form.text("street") ?? ""
        message = form.text("message") ?? ""
        paste = form.first("paste") ?? ""
        key = form.text("key") ?? Secret.make()
        let skus = form.all("sku")
        let quantities = form.all("quantity")
        let prices = form.all("price")
        for i in 0..<max(skus.count, quantities.count) {
            func at(_ list: [String]) -> String { i < list.count ? list[i].trimmingCharacters(in: .whitespaces) : "" }
            let line = Line(sku: at(skus), quantity: at(quantities), price: at(prices))
            // Blank grid rows are not lines.
            if !(line.sku.isEmpty && line.quantity.isEmpty && line.price.isEmpty) { lines.append(line) }
        }
    }

    /// The form filled from an order (completing it or changing it).
    init(_ order: StoredOrder) {
        customerCode = order.customerCode
        channel = order.channel.rawValue
        externalRef = order.externalRef ?? ""
        contactName = order.contactName ?? ""
        contactPhone = order.contactPhone ?? ""
        type = order.type.rawValue
        urgent = order.urgent
        requestedDate = order.requestedDate?.iso8601 ?? ""
        paymentMethod = order.paymentMethod.rawValue
        notes = order.notes ?? ""
        if let address = order.deliveryAddress {
            province = address.province
            city = address.city
            district = address.district
            street = address.street
        }
        lines = order.lines.map { Line(sku: $0.sku, quantity: String($0.quantity), price: $0.agreedPrice?.decimalString ?? "") }
    }

    /// Reads the typed values; what cannot be read is a field problem (the paths match the intake's).
    func read() -> (draft: OrderDraft, problems: [FieldProblem]) {
        var problems: [FieldProblem] = []
        var draftLines: [OrderLineDraft] = []
        for (i, line) in lines.enumerated() {
            var quantity: Int64 = 0
            if let parsed = Int64(line.quantity) { quantity = parsed } else { problems.append(FieldProblem("lines[\(i)].quantity", "invalidNumber")) }
            var price: Money?
            if !line.price.isEmpty {
                if let parsed = Money.parse(line.price.replacingOccurrences(of: ",", with: "")) { price = parsed } else {
                    problems.append(FieldProblem("lines[\(i)].unitPrice", "invalidValue", ["allowed": "12.50"]))
                }
            }
            draftLines.append(OrderLineDraft(sku: line.sku, quantity: quantity, unitPrice: price))
        }
        var requested: CalendarDate?
        if !requestedDate.isEmpty {
            if let date = CalendarDate.parse(requestedDate) { requested = date } else { problems.append(FieldProblem("requestedDate", "invalidDate")) }
        }
        let address: Address? =
            [province, city, district, street].allSatisfy(\.isEmpty)
            ? nil : Address(province: province, city: city, district: district, street: street)
        let draft = OrderDraft(
            channel: OrderChannel(rawValue: channel) ?? .phone, externalRef: externalRef.isEmpty ? nil : externalRef,
            customerCode: customerCode, contactName: contactName.isEmpty ? nil : contactName,
            contactPhone: contactPhone.isEmpty ? nil : contactPhone, deliveryAddress: address,
            type: OrderType(rawValue: type) ?? .stock, urgent: urgent, requestedDate: requested,
            paymentMethod: PaymentMethod(rawValue: paymentMethod), lines: draftLines, notes: notes.isEmpty ? nil : notes)
        return (draft, problems)
    }

    /// Only what differs from the order: a change request carries the change, not a copy of everything.
    func edit(against order: StoredOrder) -> (edit: OrderEdit, problems: [FieldProblem]) {
        let (draft, problems) = read()
        var edit = OrderEdit()
        if draft.customerCode != order.customerCode { edit.customerCode = draft.customerCode }
        // A contact left blank keeps the order's (which defaulted to the customer's primary contact).
        if let name = draft.contactName, name != order.contactName { edit.contactName = name }
        if let phone = draft.contactPhone, phone != order.contactPhone { edit.contactPhone = phone }
        if let address = draft.deliveryAddress, address.oneLine != order.deliveryAddress?.oneLine { edit.deliveryAddress = address }
        if draft.requestedDate != order.requestedDate { edit.requestedDate = draft.requestedDate }
        if let method = draft.paymentMethod, method != order.paymentMethod { edit.paymentMethod = method }
        if draft.notes != order.notes { edit.notes = draft.notes ?? "" }
        if draft.lines != order.draft.lines { edit.lines = draft.lines }
        return (edit, problems)
    }
}

extension OrderPages {
    enum EntryMode {
        case new
        case complete(StoredOrder)
        case change(StoredOrder)
    }

    func registerEntry(on routes: SecureRoutes) {
        routes.get(.orderNew, .orderIntake) { _, context in
            try await entryPage(.new, EntryForm(), context)
        }
        routes.post(.orderNew, .orderIntake) { request, context in
            let form = try await Self.form(request)
            var entry = EntryForm(form)
            switch form.text("op") ?? "submit" {
            case "more":
                return try await entryPage(.new, entry, context, extraRows: 5)
            case "paste":
                return try await pasted(.new, entry, context)
            case "repeat":
                return try await repeatLast(&entry, context)
            default:
                let (draft, problems) = entry.read()
                guard problems.isEmpty else { return try await entryPage(.new, entry, context, problems: problems) }
                do {
                    let decision = try await store.orders.checkDraft(draft)
                    if !decision.problems.isEmpty && !form.flag("keepIncomplete") {
                        return try await entryPage(.new, entry, context, problems: decision.problems, offerKeep: true)
                    }
                    let submission = try await orders.submit(draft, idempotencyKey: "web:" + entry.key, by: context)
                    return Response(status: .seeOther, headers: [.location: Route.order(submission.order.id).path])
                } catch DocketError.invalid(let problems) {
                    return try await entryPage(.new, entry, context, problems: problems)
                }
            }
        }
        routes.get(.orderComplete(.parameter), .orderIntake) { _, context in
            let order = try await store.orders.order(id: try context.orderID())
            return try await entryPage(.complete(order), EntryForm(order), context, problems: order.problems)
        }
        routes.post(.orderComplete(.parameter), .orderIntake) { request, context in
            try await editOrder(request, context, mode: EntryMode.complete) { order, entry, edit in
                let updated = try await orders.completeInfo(orderID: order.id, edit, by: context)
                if updated.status == .needsInfo { return try await entryPage(.complete(updated), entry, context, problems: updated.problems) }
                return Response(status: .seeOther, headers: [.location: Route.order(order.id).path])
            }
        }
        routes.get(.orderChange(.parameter), .orderIntake) { _, context in
            let order = try await store.orders.order(id: try context.orderID())
            return try await entryPage(.change(order), EntryForm(order), context)
        }
        routes.post(.orderChange(.parameter), .orderIntake) { request, context in
            try await editOrder(request, context, mode: EntryMode.change) { order, entry, edit in
                do {
                    let change = try await orders.requestChange(orderID: order.id, edit, message: entry.message, by: context)
                    return Response(status: .seeOther, headers: [.location: Route.order(order.id).path + "#change-\(change.id)"])
                } catch DocketError.illegalTransition {
                    return Response(status: .seeOther, headers: [.location: Route.order(order.id).path])
                }
            }
        }
    }

    /// The grid posted for an existing order: more lines and pasting re-show it; saving reads the edit and hands it
    /// to `save`, and refused fields are shown next to their inputs.
    private func editOrder(
        _ request: Request, _ context: DocketRequestContext, mode: (StoredOrder) -> EntryMode,
        save: (StoredOrder, EntryForm, OrderEdit) async throws -> Response
    ) async throws -> Response {
        let order = try await store.orders.order(id: try context.orderID())
        let form = try await Self.form(request)
        let entry = EntryForm(form)
        switch form.text("op") ?? "submit" {
        case "more": return try await entryPage(mode(order), entry, context, extraRows: 5)
        case "paste": return try await pasted(mode(order), entry, context)
        default:
            let (edit, problems) = entry.edit(against: order)
            guard problems.isEmpty else { return try await entryPage(mode(order), entry, context, problems: problems) }
            do {
                return try await save(order, entry, edit)
            } catch DocketError.invalid(let problems) {
                return try await entryPage(mode(order), entry, context, problems: problems)
            }
        }
    }

    /// Pasted lines go into the grid (after the lines already there); unreadable ones stay in the box, named.
    private func pasted(_ mode: EntryMode, _ entry: EntryForm, _ context: DocketRequestContext) async throws -> Response {
        var entry = entry
        let parsed = PastedLines.parse(entry.paste)
        entry.lines += parsed.lines.map { EntryForm.Line(sku: $0.sku, quantity: String($0.quantity), price: $0.price?.decimalString ?? "") }
        entry.paste = parsed.unreadable.joined(separator: "\n")
        let problems = parsed.unreadable.map { FieldProblem("paste", "unreadableLine", ["value": $0]) }
        return try await entryPage(mode, entry, context, problems: problems, pasteOpen: !problems.isEmpty)
    }

    /// The customer's last order's lines, at today's prices.
    private func repeatLast(_ entry: inout EntryForm, _ context: DocketRequestContext) async throws -> Response {
        guard !entry.customerCode.isEmpty else {
            return try await entryPage(.new, entry, context, problems: [FieldProblem("customerCode", "required")])
        }
        guard let last = try await store.orders.list(OrderFilter(customerCode: entry.customerCode, limit: 1)).items.first else {
            return try await entryPage(.new, entry, context, notice: Message("ui.entry.noLastOrder", ["customer": entry.customerCode]).text(context.language))
        }
        let order = try await store.orders.order(id: last.id)
        entry.lines = order.lines.map { EntryForm.Line(sku: $0.sku, quantity: String($0.quantity)) }
        return try await entryPage(.new, entry, context, notice: Message("ui.entry.repeated", ["number": order.number]).text(context.language))
    }

    func entryPage(
        _ mode: EntryMode, _ entry: EntryForm, _ context: DocketRequestContext, problems: [FieldProblem] = [], offerKeep: Bool = false,
        extraRows: Int = 0, pasteOpen: Bool = false, notice: String? = nil
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String) -> String { Message(key).text(language) }
        var byField: [String: String] = [:]
        for problem in problems where byField[problem.field] == nil { byField[problem.field] = problem.message.text(language) }
        let fixedCustomer: Bool
        let title: String
        let action: String
        let submit: String
        let cancel: String
        switch mode {
        case .new:
            (fixedCustomer, title, action, submit, cancel) = (false, text("ui.entry.title"), Route.orderNew.path, text("ui.entry.submit"), Route.orders.path)
        case .complete(let order):
            (fixedCustomer, title, action, submit, cancel) = (
                false, "\(order.number) · \(text("ui.order.completeInfo"))", Route.orderComplete(order.id).path, text("ui.entry.saveInfo"),
                Route.order(order.id).path
            )
        case .change(let order):
            (fixedCustomer, title, action, submit, cancel) = (
                true, "\(order.number) · \(text("ui.order.requestChange"))", Route.orderChange(order.id).path, text("ui.entry.submitChange"),
                Route.order(order.id).path
            )
        }
        let isNew: Bool = if case .new = mode { true } else { false }
        func field(_ name: String, _ label: String, _ value: String, kind: String = "text", list: String? = nil, hint: String? = nil,
                   readonly: Bool = false, options: [(String, String)]? = nil) -> FormModel.Field {
            FormModel.input(
                name, label: label, value: value, kind: kind, list: list, placeholder: hint, readonly: readonly,
                options: options?.map { (value: $0.0, label: $0.1) },
                error: byField[name] ?? (name == "street" ? byField["deliveryAddress"] : nil), language: language)
        }
        var fields: [FormModel.Field] = [
            field("customerCode", "ui.field.customer", entry.customerCode, list: "customer-options", readonly: fixedCustomer)
        ]
        if isNew {
            fields.append(field("channel", "ui.field.channel", entry.channel,
                options: [OrderChannel.phone, .fax, .email, .web].map { ($0.rawValue, text("ui.channel.\($0.rawValue)")) }))
            fields.append(field("externalRef", "ui.field.externalRef", entry.externalRef))
            fields.append(field("type", "ui.field.type", entry.type, options: OrderType.allCases.map { ($0.rawValue, text("order.type.\($0.rawValue)")) }))
            fields.append(field("urgent", "ui.order.urgent", entry.urgent ? "true" : "", kind: "checkbox"))
        }
        fields += [
            field("contactName", "ui.field.contactName", entry.contactName, hint: text("ui.entry.defaultContact")),
            field("contactPhone", "ui.field.phone", entry.contactPhone, hint: text("ui.entry.defaultContact")),
            field("requestedDate", "ui.order.requested", entry.requestedDate, kind: "date"),
            field("paymentMethod", "ui.order.payment", entry.paymentMethod,
                options: [("", text("ui.entry.paymentDefault"))] + PaymentMethod.allCases.map { ($0.rawValue, text("payment.\($0.rawValue)")) }),
            field("province", "ui.field.province", entry.province, hint: text("ui.entry.defaultAddress")),
            field("city", "ui.field.city", entry.city),
            field("district", "ui.field.district", entry.district),
            field("street", "ui.field.street", entry.street),
            field("notes", "ui.field.notes", entry.notes),
        ]
        let rowCount = max(entry.lines.count + max(extraRows, 0), isNew && entry.lines.isEmpty ? 8 : entry.lines.count + 3)
        // Names, list prices, amounts and usable stock of the lines typed so far (one read), and the running total.
        let known = try await store.stock.availability(skus: entry.lines.map { $0.sku.trimmingCharacters(in: .whitespaces) })
        var total: Int64 = 0
        let lines = (0..<rowCount).map { i -> EntryPageModel.Line in
            let line = i < entry.lines.count ? entry.lines[i] : EntryForm.Line()
            let error = ["sku", "quantity", "unitPrice"].compactMap { byField["lines[\(i)].\($0)"] }.joined(separator: "；")
            var model = EntryPageModel.Line(no: i + 1, sku: line.sku, quantity: line.quantity, price: line.price, name: "", error: error.isEmpty ? nil : error)
            if let facts = known[line.sku.trimmingCharacters(in: .whitespaces)] {
                let product = facts.product
                model.name = product.name(in: language)
                model.listPrice = product.listPrice.decimalString
                model.available = product.makeToOrder
                    ? text("ui.entry.madeToOrder") : Message("ui.entry.available", ["count": String(facts.available)]).text(language)
                let price = line.price.isEmpty ? product.listPrice : Money.parse(line.price)
                if let quantity = Int64(line.quantity.trimmingCharacters(in: .whitespaces)), (1...Bounds.quantity).contains(quantity),
                    let price, (0...Bounds.unitPriceMinor).contains(price.minor),
                    let amount = price.minor.checkedMultiplying(quantity)
                {
                    model.amount = Money(minor: amount).formatted
                    total = total.saturatingAdding(amount)
                }
            }
            return model
        }
        let headerNames = Set(EntryForm.headerFields + ["deliveryAddress"])
        let listed = problems.filter { !headerNames.contains($0.field) && !$0.field.hasPrefix("lines[") }
        let page = EntryPageModel(
            title: title, action: action, submitLabel: submit, cancelHref: cancel, key: entry.key, fields: fields, lines: lines,
            entryTotal: Money(minor: min(total, Bounds.amountMinor)).formatted, paste: entry.paste, pasteOpen: pasteOpen, canRepeat: isNew,
            offerKeep: offerKeep, showMessage: !isNew, message: entry.message,
            problemSummary: problems.isEmpty ? nil : Message("error.validation.detail", ["count": String(problems.count)]).text(language),
            problemList: (offerKeep ? problems : listed).map { FieldLabel.problem($0, in: language) })
        return views.render(
            "orderEntry", ["page": page], context: context, status: problems.isEmpty ? .ok : .unprocessableContent,
            current: Route.orders.path, notice: notice)
    }

        // MARK: Import

    func registerImport(on routes: SecureRoutes) {
        routes.get(.orderImport, .orderIntake) { _, context in
            importPage(context, csv: "", report: nil, problems: [])
        }
        // The template to fill in Excel: UTF-8 with a BOM (so Excel reads the Chinese header), in the reader's language.
        routes.get(.orderImportTemplate, .orderIntake) { _, context in
            let chinese = context.language == .zhCN
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(chinese ? "order-import-template-zh" : "order-import-template").csv\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + OrderImport.template(chinese: chinese))))
        }
        routes.post(.orderImport, .orderIntake) { request, context in
            let form = try await Form.read(request, limit: 1 << 20)
            let csv = form.first("csv") ?? ""
            if csv.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                return importPage(context, csv: csv, report: nil, problems: [FieldProblem("csv", "required")])
            }
            // A GBK file read as UTF-8 turns into replacement characters: say how to save it instead of importing garbage.
            if csv.contains("\u{FFFD}") { return importPage(context, csv: "", report: nil, problems: [FieldProblem("csv", "notUTF8")]) }
            let report = try await store.orders.importOrders(csv: csv, by: context.actor)
            return importPage(context, csv: report.refused.isEmpty ? "" : csv, report: report, problems: [])
        }
    }

    private func importPage(_ context: DocketRequestContext, csv: String, report: ImportReport?, problems: [FieldProblem]) -> Response {
        let page = ImportPageModel(csv: csv, report: report, problems: problems, language: context.language)
        return views.render(
            "orderImport", ["page": page], context: context, status: problems.isEmpty ? .ok : .unprocessableContent, current: Route.orders.path)
    }

    // MARK: The customer's confirmation page

    func registerConfirmation(on routes: SecureRoutes) {
        // No sign-in: the unguessable link is the customer's key to this one order.
        routes.get(.confirm(token: Route.tokenParameter), .everyone) { _, context in
            try await confirmationPage(context, token: context.parameters.get("token") ?? "")
        }
        routes.post(.confirm(token: Route.tokenParameter), .everyone) { request, context in
            guard isSameOrigin(request, context) else { throw AccessError.csrf }
            let token = context.parameters.get("token") ?? ""
            let form = try await Self.form(request)
            do {
                if form.text("op") == "change" {
                    _ = try await store.orders.requestChange(token: token, message: form.text("message") ?? "")
                    return try await confirmationPage(context, token: token, done: "ui.confirm.changeSent")
                }
                _ = try await store.orders.confirm(token: token, requirements: form.text("requirements"))
                return try await confirmationPage(context, token: token, done: "ui.confirm.thanks")
            } catch DocketError.invalid(let problems) {
                return try await confirmationPage(context, token: token, problems: problems)
            }
        }
    }

    private func confirmationPage(_ context: DocketRequestContext, token: String, done: String? = nil, problems: [FieldProblem] = [])
        async throws -> Response
    {
        let view = try await store.orders.confirmation(token: token)
        let customer = try? await store.customers.get(key: view.order.customerCode)
        let page = ConfirmationPageModel(view, customerName: customer?.value.name, done: done, problems: problems, language: context.language)
        return views.render("confirm", ["page": page], context: context, status: problems.isEmpty ? .ok : .unprocessableContent)
    }
}

/// A CSV column as the reader's template names it (数量 for `quantity`); the file as a whole names nothing.
func importColumnLabel(_ column: String, _ language: Language) -> String {
    Catalog.table(language)["import.column.\(column)"] ?? column
}

/// The entry grid (`orderEntry` template): the header's inputs (the shared `field` partial), the lines with names,
/// amounts and usable stock, the running total, and what was wrong.
struct EntryPageModel {
    struct Line {
        var no: Int
        var sku: String
        var quantity: String
        var price: String
        var name: String
        var listPrice: String?
        var available: String?
        var amount: String?
        var error: String?

        init(no: Int, sku: String, quantity: String, price: String, name: String, error: String?) {
            self.no = no
            self.sku = sku
            self.quantity = quantity
            self.price = price
            self.name = name
            self.error = error
        }
    }

    var title: String
    var action: String
    var submitLabel: String
    var cancelHref: String
    var key: String
    var fields: [FormModel.Field]
    var lines: [Line]
    var entryTotal: String
    var paste: String
    var pasteOpen: Bool
    var canRepeat: Bool
    var offerKeep: Bool
    var showMessage: Bool
    var message: String
    var problemSummary: String?
    var problemList: [String]
}
