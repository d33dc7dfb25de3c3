import DocketCore
import DocketStore
import Foundation

/// What the desk chooses for a short line (库存不足处理), and what it starts.
struct ShortageChoice: Sendable, Decodable {
    var orderId: ID<Order>?
    var lineId: ID<OrderLine>?
    var option: String?
    /// Which transfer (its source warehouse) or which substitute (its SKU), when there are several.
    var warehouse: String?
    var sku: String?
    /// A transfer's or a purchase's quantity, when not the one suggested.
    var quantity: Int64?
    /// How the customer agreed to a substitute (电话 13800000000 李经理同意 …): required for a substitute.
    var consent: String?
    var reason: String?
    /// How many choices the line showed when this one was made (the page sends it): the same choice sent twice is
    /// then a `409` instead of a second transfer or purchase order.
    var decided: Int?
}

/// What a shortage decision started.
enum ShortageOutcome: Sendable {
    case change(ChangeRequest)
    case transfer(Transfer)
    case purchaseOrder(PurchaseOrder)
    case productionOrder(ProductionOrder)
    case recorded
}

struct ShortageUseCases {
    let store: Store

    /// The roles that may carry out each option: transfers are the warehouses' work, purchases purchasing's,
    /// changes of the order and partial shipments the desk's.
    static func access(_ kind: ShortageOption.Kind) -> Access {
        switch kind {
        case .transfer: .transfers
        case .purchase: .purchasing
        case .produce: .production
        case .substitute, .delay, .cancelLine, .partialShipment: .roles([.admin, .orderDesk, .sales, .customerService, .orderManager])
        }
    }

    /// Carries out the chosen option for a line that is short now, and records the choice with who and why in the
    /// same transaction: a transfer to the warehouse that ships the order, a purchase order to the product's
    /// supplier (the suggested quantity unless one is given), a change of the order (a new date, the missing
    /// quantity off the line, or moved to a substitute the customer agreed to), or the permission to ship part.
    func resolve(_ choice: ShortageChoice, by caller: DocketRequestContext, path: String) async throws -> ShortageOutcome {
        do {
            return try await carryOut(choice, by: caller, path: path)
        } catch StoreError.uniqueViolation(let table, _) where table == "shortage_decisions" {
            // The line was decided since the person looked (or the same choice came twice at once): nothing was done.
            let id = choice.orderId ?? ID(0)
            throw DocketError.conflict(.order, key: try await store.orders.numbers(of: [id])[id] ?? String(id.rawValue), because: "alreadyDecided")
        }
    }

    private func isAtWarehouses(_ orderID: ID<Order>) async throws -> Bool {
        OrderWorkflow.released.contains(try await store.orders.order(id: orderID).status)
    }

    private func carryOut(_ choice: ShortageChoice, by caller: DocketRequestContext, path: String) async throws -> ShortageOutcome {
        guard let orderID = choice.orderId else { throw DocketError.invalid("orderId", "required") }
        guard let lineID = choice.lineId else { throw DocketError.invalid("lineId", "required") }
        guard let kind = choice.option.flatMap(ShortageOption.Kind.init(rawValue:)) else { throw DocketError.invalid("option", "required") }
        if !Self.access(kind).allows(caller.identity?.roles) {
            try await store.auth.recordDenial(caller.actor, userID: caller.identity?.user.id.rawValue, method: "POST", path: path)
            throw AccessError.forbidden
        }
        var v = Validator()
        v.optionalText(choice.reason, "reason", max: 500, multiline: true)
        v.optionalText(choice.consent, "consent", max: 500, multiline: true)
        if let quantity = choice.quantity { v.range(quantity, "quantity", 1...Bounds.quantity) }
        if let decided = choice.decided { v.range(decided, "decided", 0...10_000) }
        try v.check()
        let shortages = try await store.orders.shortages(limit: 1000)
        guard let line = shortages.first(where: { $0.orderID == orderID && $0.lineID == lineID }) else {
            throw DocketError.conflict(.order, key: String(orderID.rawValue), because: "notShortNow")
        }
        // Chosen on the line as it was before someone else's choice (or the same one sent again): nothing is done.
        if let decided = choice.decided, decided < line.decisions.count {
            throw DocketError.conflict(.order, key: line.number, because: "alreadyDecided")
        }
        guard
            var option = line.options.first(where: {
                $0.kind == kind && (choice.warehouse == nil || $0.warehouse == choice.warehouse) && (choice.sku == nil || $0.sku == choice.sku)
            })
        else { throw DocketError.invalid("option", "notAnOption") }
        let reason = choice.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        let actor = caller.actor
        switch kind {
        case .transfer:
            guard let from = option.warehouse, let to = option.toWarehouse else { throw DocketError.invalid("option", "notAnOption") }
            option.quantity = choice.quantity ?? option.quantity
            let request = TransferRequest(
                sku: line.sku, fromWarehouse: from, toWarehouse: to, quantity: option.quantity ?? line.short, note: reason, orderId: orderID,
                lineId: lineID)
            let decision = ShortageDecisionDraft(orderID: orderID, lineID: lineID, option: option, reason: reason, actor: actor, seen: choice.decided)
            return .transfer(try await store.transfers.request(request, by: actor, decision: decision))
        case .purchase:
            guard let supplier = option.supplier, let warehouse = option.toWarehouse else { throw DocketError.invalid("option", "notAnOption") }
            let suggested = try await store.purchasing.suggestions(shortages: shortages).first { $0.sku == line.sku }?.suggested ?? line.short
            option.quantity = choice.quantity ?? max(suggested, line.short)
            let draft = PurchaseOrderDraft(
                supplierCode: supplier, warehouseCode: warehouse, eta: option.eta, note: reason,
                lines: [PurchaseOrderDraft.Line(sku: line.sku, quantity: option.quantity ?? line.short)], orderId: orderID, lineId: lineID)
            let decision = ShortageDecisionDraft(orderID: orderID, lineID: lineID, option: option, reason: reason, actor: actor, seen: choice.decided)
            return .purchaseOrder(try await store.purchasing.create(draft, by: actor, decision: decision))
        case .produce:
            guard let warehouse = option.toWarehouse else { throw DocketError.invalid("option", "notAnOption") }
            option.quantity = choice.quantity ?? line.short
            let order = try await store.orders.order(id: orderID)
            let draft = ProductionDraft(
                sku: line.sku, quantity: option.quantity ?? line.short, warehouseCode: warehouse, dueDate: option.eta,
                specification: order.customerRequirements, orderId: orderID, lineId: lineID)
            let decision = ShortageDecisionDraft(orderID: orderID, lineID: lineID, option: option, reason: reason, actor: actor, seen: choice.decided)
            return .productionOrder(try await store.production.create(draft, by: actor, decision: decision))
        case .partialShipment:
            try await store.orders.allowPartialShipment(ShortageDecisionDraft(orderID: orderID, lineID: lineID, option: option, reason: reason, actor: actor, seen: choice.decided))
            return .recorded
        case .cancelLine where try await isAtWarehouses(orderID):
            // The order is no longer changed: what is missing is closed as a backorder, with the reason.
            let decision = ShortageDecisionDraft(orderID: orderID, lineID: lineID, option: option, reason: reason, actor: actor, seen: choice.decided)
            _ = try await store.shipments.closeBackorder(orderID: orderID, line: lineID, reason: reason, by: actor, decision: decision)
            return .recorded
        case .substitute, .delay, .cancelLine:
            let consent = choice.consent?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if kind == .substitute && consent.isEmpty { throw DocketError.invalid("consent", "consentRequired") }
            let order = try await store.orders.order(id: orderID)
            guard let edit = Shortage.edit(option, lineID: lineID, short: line.short, lines: order.lines) else {
                throw DocketError.invalid("option", "notAnOption")
            }
            let language = caller.language
            var parts = [option.message.text(language)]
            if !consent.isEmpty { parts.append(Message("shortage.consent", ["consent": consent]).text(language)) }
            if let reason, !reason.isEmpty { parts.append(reason) }
            let decision = ShortageDecisionDraft(
                orderID: orderID, lineID: lineID, option: option, reason: [consent.isEmpty ? nil : consent, reason].compactMap { $0 }.joined(separator: "；"),
                actor: actor, seen: choice.decided)
            return .change(
                try await store.orders.requestChange(orderID: orderID, edit, message: parts.joined(separator: "："), by: actor, decision: decision))
        }
    }
}
