import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// 异常处理: one exception's page — who owns it and how bad it is, the words with the customer, claims with their
/// documents, refunds and credits, the goods sent again, and its resolution — and raising one from an order. Every
/// form goes through the same store calls as the API (`ExceptionsAPI`); the answer is the page again with feedback.
struct ExceptionPages {
    let pages: WebPages
    var store: Store { pages.store }

    /// The feedback after each form (`?done=`).
    static let notices: [String: String] = [
        "raised": "ui.exception.done.raised", "assign": "ui.exception.done.assigned", "contact": "ui.exception.done.contacted",
        "claim": "ui.exception.done.claimed", "decide": "ui.exception.done.claimDecided", "document": "ui.exception.done.uploaded",
        "money": "ui.exception.done.money", "resolve": "ui.exception.done.resolved", "reshipWaiting": "ui.exception.done.reshipWaiting",
    ]

    func register(on routes: SecureRoutes) {
        routes.get(.exception(Route.parameter), .staff) { request, context in
            let query = request.uri.queryParameters
            let done = query.get("done") ?? ""
            var notice = Self.notices[done].map { Message($0).text(context.language) }
            if done == "reship", let numbers = query.get("shipments") {
                notice = Message("ui.exception.done.reshipped", ["shipments": numbers]).text(context.language)
            }
            return try await exceptionPage(try context.rawID(), context, notice: notice)
        }
        for step in Route.ExceptionStep.allCases {
            let access: Access =
                switch step {
                case .claim: .claims
                case .money: .settlements
                default: .exceptions
                }
            routes.post(.exceptionStep(Route.parameter, step), access) { request, context in
                let id: Int64 = try context.rawID()
                let form = try await Form.read(request, limit: 64 * 1024)
                do {
                    var done = step.rawValue
                    var query: [(String, String)] = []
                    if step == .reship {
                        let outcome = try await reship(id, form, context)
                        if outcome.shipments.isEmpty { done = "reshipWaiting" } else { query.append(("shipments", outcome.shipments.map(\.number).joined(separator: "、"))) }
                    } else {
                        try await perform(step, id, form, context)
                    }
                    return Response(status: .seeOther, headers: [.location: Route.exception(id).with([("done", done)] + query)])
                } catch let error as DocketError {
                    return try await exceptionPage(id, context, error: sentence(error, context.language), failed: step, typed: form, status: status(error))
                }
            }
        }
        for step in Route.ClaimStep.allCases {
            routes.post(.claimStep(Route.parameter, step), .claims) { request, context in
                let claimID: Int64 = try context.rawID()
                let claim = try await store.exceptions.claim(id: claimID)
                let body = try await MultipartForm.read(request, limit: step == .document ? MultipartForm.maxBytes : 64 * 1024)
                do {
                    switch step {
                    case .decide:
                        guard let status = body.form.text("status").flatMap(ClaimStatus.init(rawValue:)) else { throw DocketError.invalid("status", "required") }
                        let recovered = try Self.money(body.form, "recovered", currency: claim.claimed.currency)
                        _ = try await store.exceptions.decideClaim(
                            claimID, ClaimUpdate(status: status, recovered: recovered, note: body.form.text("note")),
                            version: body.form.text("version").flatMap(Int64.init), by: context.actor)
                    case .document:
                        guard let file = body.file("document") else { throw DocketError.invalid("document", "required") }
                        _ = try await store.exceptions.attach(
                            ClaimDocument(fileName: file.fileName, contentType: file.contentType, bytes: file.bytes), toClaim: claimID, by: context.actor)
                    }
                    return Response(status: .seeOther, headers: [.location: Route.exception(claim.exceptionID).with([("done", step.rawValue)])])
                } catch let error as DocketError {
                    return try await exceptionPage(claim.exceptionID, context, error: sentence(error, context.language), status: status(error))
                }
            }
        }
        routes.get(.claimDocument(Route.parameter), .staff) { _, context in
            let document = try await store.exceptions.document(try context.rawID()).document
            return DeliveryProof(fileName: document.fileName, contentType: document.contentType, bytes: document.bytes).response
        }
        routes.get(.orderException(.parameter), .staff) { _, context in
            try await raisePage(try context.orderID(), context)
        }
        routes.post(.orderException(.parameter), .exceptions) { request, context in
            let orderID = try context.orderID()
            let form = try await Form.read(request, limit: 64 * 1024)
            let draft = ExceptionDraft(
                kind: form.text("kind").flatMap(ExceptionKind.init(rawValue:)) ?? .other,
                severity: form.text("severity").flatMap(ExceptionSeverity.init(rawValue:)), description: form.text("description") ?? "",
                shipmentID: form.text("shipment").flatMap(Int64.init).map { ID($0) }, notifyCustomer: form.text("notify") == "on")
            do {
                let raised = try await store.exceptions.raise(draft, orderID: orderID, by: context.actor)
                return Response(status: .seeOther, headers: [.location: Route.exception(raised.id).with([("done", "raised")])])
            } catch let error as DocketError {
                return try await raisePage(orderID, context, typed: draft, error: sentence(error, context.language), status: status(error))
            }
        }
    }

    /// A problem said with the field it is about (`金额：必须大于 0`), or a conflict's sentence.
    func sentence(_ error: DocketError, _ language: Language) -> String {
        if case .invalid(let problems) = error { return problems.map { FieldLabel.problem($0, in: language) }.joined(separator: "；") }
        return ReplenishmentPages.sentence(error, language)
    }

    /// An amount typed in yuan (`267.00`), nil when blank; anything else is a field problem.
    static func money(_ form: Form, _ name: String, currency: Currency = .cny) throws(DocketError) -> Money? {
        guard let text = form.text(name)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let money = Money.parse(text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "¥", with: ""), currency: currency) else {
            throw DocketError.invalid(name, "invalidNumber")
        }
        return money
    }

    private func perform(_ step: Route.ExceptionStep, _ id: Int64, _ form: Form, _ context: DocketRequestContext) async throws {
        let exceptions = store.exceptions
        let version = form.text("version").flatMap(Int64.init)
        switch step {
        case .assign:
            guard let severity = form.text("severity").flatMap(ExceptionSeverity.init(rawValue:)) else { throw DocketError.invalid("severity", "required") }
            _ = try await exceptions.assign(
                id, ExceptionAssignment(owner: form.text("owner"), severity: severity, kind: form.text("kind").flatMap(ExceptionKind.init(rawValue:))),
                version: version, by: context.actor)
        case .contact:
            _ = try await exceptions.recordContact(
                id, ContactRecord(channel: form.text("channel").flatMap(ContactChannel.init(rawValue:)) ?? .other, summary: form.text("summary") ?? ""),
                by: context.actor)
        case .claim:
            guard let amount = try Self.money(form, "amount") else { throw DocketError.invalid("amount", "required") }
            _ = try await exceptions.fileClaim(
                id, ClaimDraft(party: form.text("party").flatMap(ClaimParty.init(rawValue:)) ?? .carrier, amount: amount, reference: form.text("reference"),
                    note: form.text("note")), by: context.actor)
        case .money:
            guard let amount = try Self.money(form, "amount") else { throw DocketError.invalid("amount", "required") }
            _ = try await exceptions.recordSettlement(
                id, SettlementDraft(kind: form.text("kind").flatMap(SettlementKind.init(rawValue:)) ?? .refund, amount: amount, note: form.text("note")),
                by: context.actor)
        case .resolve:
            guard let resolution = form.text("resolution").flatMap(ExceptionResolution.init(rawValue:)) else {
                throw DocketError.invalid("resolution", "required")
            }
            _ = try await exceptions.resolve(id, resolution: resolution, note: form.text("note"), version: version, by: context.actor)
        case .reship:
            break
        }
    }

    /// 补发 from the page: the shipment chosen and, per line, the quantity typed (`q.<lineID>`).
    private func reship(_ id: Int64, _ form: Form, _ context: DocketRequestContext) async throws -> ReshipOutcome {
        guard let shipment = form.text("shipment").flatMap(Int64.init) else { throw DocketError.invalid("shipmentId", "required") }
        var lines: [ID<OrderLine>: Int64] = [:]
        for (name, value) in form.pairs where name.hasPrefix("q.") {
            guard let line = Int64(name.dropFirst(2)) else { continue }
            let typed = value.trimmingCharacters(in: .whitespaces)
            if typed.isEmpty { continue }
            guard let quantity = Int64(typed) else { throw DocketError.invalid("quantity", "invalidNumber") }
            lines[ID(line)] = quantity
        }
        return try await store.exceptions.reship(
            id, shipment: ID(shipment), lines: lines.isEmpty ? nil : lines, version: form.text("version").flatMap(Int64.init), by: context.actor)
    }

    // MARK: Pages

    private func exceptionPage(
        _ id: Int64, _ context: DocketRequestContext, notice: String? = nil, error: String? = nil, failed: Route.ExceptionStep? = nil, typed: Form? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let file = try await store.exceptions.file(id: id)
        let x = file.exception
        let order = try await store.orders.order(id: x.orderID)
        let roles = context.identity?.roles ?? []
        let open = x.status == .open
        let actors =
            [x.openedBy] + [x.resolvedBy].compactMap { $0 } + file.contacts.map(\.actor) + file.claims.map(\.filedBy)
            + file.settlements.map(\.recordedBy) + file.history.map(\.actor)
        let people = try await store.auth.people(for: actors, customers: [x.customerCode])
        let shipment = x.shipmentID.flatMap { id in file.shipments.first { $0.id == id } }
        let now = store.clock.now()
        func option<T: RawRepresentable>(_ value: T, _ prefix: String, selected: Bool) -> ExceptionPageModel.Option where T.RawValue == String {
            ExceptionPageModel.Option(value: value.rawValue, label: text("\(prefix).\(value.rawValue)"), selected: selected)
        }
        func typedText(_ step: Route.ExceptionStep, _ name: String) -> String { failed == step ? typed?.text(name) ?? "" : "" }

        var facts: [ExceptionPageModel.Fact] = [
            .init(label: text("ui.exception.order"), value: x.orderNumber, href: Route.order(x.orderID).path),
            .init(label: text("ui.exception.customer"), value: People.customer(x.customerCode, name: x.customerName, in: language), href: nil),
            .init(label: text("ui.exceptions.kind"), value: text("exception.kind.\(x.kind.rawValue)"), href: nil),
            .init(label: text("ui.exceptions.severity"), value: text("exception.severity.\(x.severity.rawValue)"), href: nil),
            .init(label: text("ui.exceptions.source"), value: text("exception.source.\(x.source.rawValue)"), href: nil),
            .init(label: text("ui.exception.owner"), value: x.owner ?? text("ui.exception.noOwner"), href: nil),
            .init(label: text("ui.exceptions.due"), value: displayTime(x.dueAt), href: nil),
            .init(label: text("ui.exception.openedBy"), value: "\(people.name(of: x.openedBy, in: language)) · \(displayTime(x.openedAt))", href: nil),
        ]
        if let shipment {
            facts.insert(.init(label: text("ui.exception.shipment"), value: "\(shipment.number) · \(text("shipment.status.\(shipment.status.rawValue)"))",
                href: Route.shipment(shipment.id).path), at: 2)
        }
        if let contact = x.contact { facts.append(.init(label: text("ui.exceptions.contact"), value: contact, href: nil)) }
        if let resolution = x.resolution {
            facts.append(
                .init(
                    label: text("ui.exception.resolution"),
                    value: [text("exception.resolution.\(resolution.rawValue)"), x.resolutionNote, x.resolvedBy.map { people.name(of: $0, in: language) },
                            x.resolvedAt.map(displayTime)].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "), href: nil))
        }

        // What may be sent again: shipments whose goods left and were not refused, while the order may reship.
        let reshippable = open && Reship.orderStatuses.contains(order.status) && Access.exceptions.allows(roles)
        let candidates = file.shipments.filter { Reship.shipmentStatuses.contains($0.status) }.compactMap { s -> ExceptionPageModel.ReshipForm? in
            let left = Reship.left(carried: s.carried, replacedBefore: file.replaced[s.id] ?? [:])
            let lines = left.sorted(by: { $0.key < $1.key }).compactMap { line, left -> ExceptionPageModel.ReshipLine? in
                guard left > 0 else { return nil }
                let sku = s.lines.first { $0.line.lineID == line }?.line.sku ?? ""
                let name = order.lines.first { $0.id == line }.map { language == .en ? ($0.nameEn ?? $0.description) : $0.description } ?? sku
                return ExceptionPageModel.ReshipLine(lineID: line.rawValue, sku: sku, name: name, most: left)
            }
            guard !lines.isEmpty else { return nil }
            return ExceptionPageModel.ReshipForm(
                shipmentID: s.id.rawValue, number: s.number, status: text("shipment.status.\(s.status.rawValue)"), lines: lines,
                preferred: s.id == x.shipmentID)
        }

        let model = ExceptionPageModel(
            title: text("ui.exception.title", ["number": x.number]), status: text("exception.status.\(x.status.rawValue)"), statusKey: x.status.rawValue,
            severityKey: x.severity.rawValue, overdue: open && x.dueAt < now, error: error, version: x.version, facts: facts,
            description: x.describe(language), backHref: Route.exceptions.path,
            assignAction: open && Access.exceptions.allows(roles) ? Route.exceptionStep(id, .assign).path : nil,
            owner: failed == .assign ? typedText(.assign, "owner") : x.owner ?? "",
            severities: ExceptionSeverity.allCases.map { option($0, "exception.severity", selected: $0 == x.severity) },
            kinds: ExceptionKind.allCases.map { option($0, "exception.kind", selected: $0 == x.kind) },
            contacts: file.contacts.map {
                .init(time: displayTime($0.at), channel: text("exception.channel.\($0.channel.rawValue)"), person: people.name(of: $0.actor, in: language),
                    summary: $0.summary)
            },
            contactAction: Access.exceptions.allows(roles) ? Route.exceptionStep(id, .contact).path : nil,
            channels: ContactChannel.allCases.map { option($0, "exception.channel", selected: $0 == .phone) },
            summary: typedText(.contact, "summary"),
            claims: file.claims.map { c in
                ExceptionPageModel.Claim(
                    number: c.number, party: text("claim.party.\(c.party.rawValue)"), claimed: c.claimed.formatted, status: text("claim.status.\(c.status.rawValue)"),
                    statusKey: c.status.rawValue, recovered: c.recovered?.formatted ?? "—", reference: c.reference ?? "—", note: c.note ?? "",
                    filed: "\(people.name(of: c.filedBy, in: language)) · \(displayTime(c.filedAt))",
                    documents: c.documents.map { .init(text: $0.fileName, href: Route.claimDocument($0.id).path) },
                    decideAction: !c.status.isFinal && Access.claims.allows(roles) ? Route.claimStep(c.id, .decide).path : nil,
                    documentAction: c.documents.count < ClaimDocument.maxPerClaim && Access.claims.allows(roles) ? Route.claimStep(c.id, .document).path : nil,
                    version: c.version, next: c.status.next.map { option($0, "claim.status", selected: false) })
            },
            claimAction: Access.claims.allows(roles) ? Route.exceptionStep(id, .claim).path : nil,
            parties: ClaimParty.allCases.map { option($0, "claim.party", selected: $0 == .carrier) },
            claimAmount: typedText(.claim, "amount"), claimReference: typedText(.claim, "reference"),
            money: file.settlements.map {
                .init(kind: text("settlement.kind.\($0.kind.rawValue)"), amount: $0.amount.formatted, note: $0.note ?? "",
                    status: text("settlement.status.\($0.settled ? "settled" : "open")"), recorded: "\(people.name(of: $0.recordedBy, in: language)) · \(displayTime($0.recordedAt))")
            },
            moneyAction: open && Access.settlements.allows(roles) ? Route.exceptionStep(id, .money).path : nil,
            moneyKinds: SettlementKind.allCases.map { option($0, "settlement.kind", selected: $0 == .refund) },
            moneyAmount: typedText(.money, "amount"),
            reships: file.reshipments.map { .init(time: displayTime($0.at), shipment: $0.shipment, sku: $0.sku, quantity: $0.quantity) },
            reshipAction: reshippable && !candidates.isEmpty ? Route.exceptionStep(id, .reship).path : nil,
            reshipForms: reshippable ? candidates : [],
            cannotReship: open && Access.exceptions.allows(roles) && !Reship.orderStatuses.contains(order.status),
            resolveAction: open && Access.exceptions.allows(roles) ? Route.exceptionStep(id, .resolve).path : nil,
            resolutions: ExceptionResolution.chosen.map { option($0, "exception.resolution", selected: false) },
            resolveNote: typedText(.resolve, "note"),
            history: file.history.map {
                .init(time: displayTime($0.occurredAt), person: people.name(of: $0.actor, in: language), action: text("exception.action.\($0.action)"))
            })
        return pages.views.render("exception", ["page": model], context: context, status: status, current: Route.board.path, notice: notice)
    }

    private func raisePage(
        _ orderID: ID<Order>, _ context: DocketRequestContext, typed: ExceptionDraft? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let order = try await store.orders.order(id: orderID)
        let shipments = try await store.shipments.shipments(orderID: orderID)
        let existing = try await store.exceptions.exceptions(orderID: orderID)
        let kind = typed?.kind ?? .damaged
        let model = RaiseExceptionModel(
            title: text("ui.exception.raiseTitle", ["number": order.number]), orderHref: Route.order(orderID).path, error: error,
            action: Access.exceptions.allows(context.identity?.roles ?? []) ? Route.orderException(orderID).path : nil,
            kinds: ExceptionKind.allCases.map { .init(value: $0.rawValue, label: text("exception.kind.\($0.rawValue)"), selected: $0 == kind) },
            severities: [.init(value: "", label: text("ui.exception.severityByKind"), selected: typed?.severity == nil)]
                + ExceptionSeverity.allCases.map {
                    .init(value: $0.rawValue, label: text("exception.severity.\($0.rawValue)"), selected: $0 == typed?.severity)
                },
            shipments: [.init(value: "", label: text("ui.exception.anyShipment"), selected: typed?.shipmentID == nil)]
                + shipments.map {
                    .init(value: String($0.id.rawValue), label: "\($0.number) · \(text("shipment.status.\($0.status.rawValue)"))", selected: $0.id == typed?.shipmentID)
                },
            description: typed?.description ?? "", notify: typed?.notifyCustomer ?? true,
            existing: existing.map {
                .init(text: "\($0.number) · \(text("exception.kind.\($0.kind.rawValue)")) · \(text("exception.status.\($0.status.rawValue)"))", href: Route.exception($0.id).path)
            })
        return pages.views.render("raiseException", ["page": model], context: context, status: status, current: Route.orders.path)
    }
}

extension OrderPages {
    /// 异常: the order's exceptions, and the link to raise one.
    func exceptionsPanel(_ orderID: ID<Order>, _ language: Language, roles: Set<Role>) async throws -> OrderPageModel.ExceptionsPanel? {
        let exceptions = try await store.exceptions.exceptions(orderID: orderID)
        let raise = Access.exceptions.allows(roles) ? Route.orderException(orderID).path : nil
        guard !exceptions.isEmpty || raise != nil else { return nil }
        func text(_ key: String) -> String { Message(key).text(language) }
        return OrderPageModel.ExceptionsPanel(
            rows: exceptions.map {
                .init(
                    number: $0.number, href: Route.exception($0.id).path, kind: text("exception.kind.\($0.kind.rawValue)"),
                    status: OrderPageModel.Badge(code: $0.status.rawValue, label: text("exception.status.\($0.status.rawValue)")),
                    resolution: $0.resolution.map { text("exception.resolution.\($0.rawValue)") } ?? "—", opened: displayTime($0.openedAt))
            }, raiseHref: raise)
    }
}

// MARK: Models

/// `exception`: one exception and its handling.
struct ExceptionPageModel {
    typealias Option = PurchasingPageModel.Option
    typealias Fact = ShipmentPageModel.Fact
    typealias Link = ShipmentPageModel.Link

    struct Contact {
        var time: String
        var channel: String
        var person: String
        var summary: String
    }

    struct Claim {
        var number: String
        var party: String
        var claimed: String
        var status: String
        var statusKey: String
        var recovered: String
        var reference: String
        var note: String
        var filed: String
        var documents: [Link]
        var decideAction: String?
        var documentAction: String?
        var version: Int64
        var next: [Option]
    }

    struct MoneyRow {
        var kind: String
        var amount: String
        var note: String
        var status: String
        var recorded: String
    }

    struct Reshipment {
        var time: String
        var shipment: String
        var sku: String
        var quantity: Int64
    }

    struct ReshipLine {
        var lineID: Int64
        var sku: String
        var name: String
        var most: Int64
    }

    struct ReshipForm {
        var shipmentID: Int64
        var number: String
        var status: String
        var lines: [ReshipLine]
        var preferred: Bool
    }

    struct Event {
        var time: String
        var person: String
        var action: String
    }

    var title: String
    var status: String
    var statusKey: String
    var severityKey: String
    var overdue: Bool
    var error: String?
    var version: Int64
    var facts: [Fact]
    var description: String
    var backHref: String
    var assignAction: String?
    var owner: String
    var severities: [Option]
    var kinds: [Option]
    var contacts: [Contact]
    var contactAction: String?
    var channels: [Option]
    var summary: String
    var claims: [Claim]
    var claimAction: String?
    var parties: [Option]
    var claimAmount: String
    var claimReference: String
    var money: [MoneyRow]
    var moneyAction: String?
    var moneyKinds: [Option]
    var moneyAmount: String
    var reships: [Reshipment]
    var reshipAction: String?
    var reshipForms: [ReshipForm]
    var cannotReship: Bool
    var resolveAction: String?
    var resolutions: [Option]
    var resolveNote: String
    var history: [Event]
}

/// `raiseException`: staff raise an exception on an order.
struct RaiseExceptionModel {
    typealias Option = PurchasingPageModel.Option

    var title: String
    var orderHref: String
    var error: String?
    var action: String?
    var kinds: [Option]
    var severities: [Option]
    var shipments: [Option]
    var description: String
    var notify: Bool
    var existing: [ShipmentPageModel.Link]
}

extension OrderPageModel {
    /// 异常: the order's exceptions.
    struct ExceptionsPanel {
        struct Row {
            var number: String
            var href: String
            var kind: String
            var status: Badge
            var resolution: String
            var opened: String
        }

        var rows: [Row]
        var raiseHref: String?
    }
}
