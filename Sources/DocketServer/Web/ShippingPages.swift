import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// 发货: the warehouse's and logistics' work — queues by stage (to pick, to pack, to ship, on the way, done), the
/// pick list for one shipment or a wave, one shipment's page with its next step (pick, pack, choose the carrier,
/// hand over, track, sign off), its printable documents, and the after-sales cases refusals open.
struct ShippingPages {
    let pages: WebPages
    var store: Store { pages.store }

    /// A queue's stage: the shipment statuses it lists.
    enum Stage: String, CaseIterable {
        case pick, pack, ship, transit, done

        var statuses: [ShipmentStatus] {
            switch self {
            case .pick: [.toPick]
            case .pack: [.picked]
            case .ship: [.packed]
            case .transit: [.shipped, .exception]
            case .done: [.delivered, .refused]
            }
        }
    }

    /// The notices after each step (`?done=`).
    static let notices: [String: String] = [
        "pick": "ui.ship.done.pick", "pack": "ui.ship.done.pack", "carrier": "ui.ship.done.carrier", "ship": "ui.ship.done.ship",
        "event": "ui.ship.done.event", "delivery": "ui.ship.done.delivery", "proof-upload": "ui.ship.done.proof",
    ]

    func register(on routes: SecureRoutes) {
        routes.get(.shipping, .staff) { request, context in
            let stage = request.uri.queryParameters.get("stage").flatMap(Stage.init(rawValue:)) ?? .pick
            let warehouse = request.uri.queryParameters.get("warehouse").flatMap { $0.isEmpty ? nil : $0 }
            return try await queuePage(context, stage: stage, warehouse: warehouse)
        }
        routes.get(.pickList, .staff) { request, context in
            let ids = request.uri.queryParameters.getAll("id").compactMap { Int64($0) }.map { ID<Shipment>($0) }
            return try await pickListPage(ids, context)
        }
        routes.get(.shipment(.parameter), .staff) { request, context in
            let done = request.uri.queryParameters.get("done") ?? ""
            return try await shipmentPage(try context.id(), context, notice: Self.notices[done].map { Message($0).text(context.language) })
        }
        for step in Route.ShipmentStep.allCases {
            routes.post(.shipmentStep(.parameter, step), step == .pick || step == .pack ? .allocation : .shipping) { request, context in
                let id: ID<Shipment> = try context.id()
                let body = try await MultipartForm.read(request, limit: step == .proof || step == .delivery ? MultipartForm.maxBytes : 256 * 1024)
                do {
                    try await perform(step, on: id, body, context)
                    return Response(status: .seeOther, headers: [.location: Route.shipment(id).with([("done", step.rawValue)])])
                } catch let error as DocketError {
                    return try await shipmentPage(
                        id, context, error: ReplenishmentPages.sentence(error, context.language), failed: step, typed: body.form, status: status(error))
                }
            }
        }
        for document in ShippingDocument.allCases {
            routes.get(.shipmentDocument(.parameter, document), .staff) { _, context in
                try await documentPage(document, try context.id(), context)
            }
        }
        routes.get(.shipmentProof(.parameter), .staff) { _, context in
            try await store.shipments.proof(try context.id()).response
        }
        routes.get(.cases, .staff) { _, context in try await casesPage(context) }
        routes.get(.afterSalesCase(.parameter), .staff) { request, context in
            let done = request.uri.queryParameters.get("done") ?? ""
            let notice = ["return", "close"].contains(done) ? Message("ui.case.done.\(done)").text(context.language) : nil
            return try await casePage(try context.id(), context, notice: notice)
        }
        for step in Route.CaseStep.allCases {
            routes.post(.caseStep(.parameter, step), .afterSales) { request, context in
                let id: ID<AfterSalesCase> = try context.id()
                let form = try await Form.read(request, limit: 64 * 1024)
                let version = form.text("version").flatMap(Int64.init)
                do {
                    switch step {
                    case .receiveReturn: _ = try await store.cases.receiveReturn(id, version: version, by: context.actor)
                    case .close:
                        guard let resolution = form.text("resolution").flatMap(CaseResolution.init(rawValue:)) else {
                            throw DocketError.invalid("resolution", "required")
                        }
                        _ = try await store.cases.close(id, resolution: resolution, note: form.text("note"), version: version, by: context.actor)
                    }
                    return Response(status: .seeOther, headers: [.location: Route.afterSalesCase(id).with([("done", step.rawValue)])])
                } catch let error as DocketError {
                    return try await casePage(id, context, error: ReplenishmentPages.sentence(error, context.language), status: status(error))
                }
            }
        }
    }

    // MARK: Steps

    /// One step from the shipment page's forms, through the same store calls as the API.
    private func perform(_ step: Route.ShipmentStep, on id: ID<Shipment>, _ body: MultipartForm, _ context: DocketRequestContext) async throws {
        let form = body.form
        let version = form.text("version").flatMap(Int64.init)
        let shipments = store.shipments
        let now = store.clock.now()
        switch step {
        case .pick:
            let rows = form.rows("picked", columns: ["lineId", "lotId", "quantity"], blankUnless: ["lineId"])
            var v = Validator()
            let picked = rows.compactMap { row -> PickedQuantity? in
                guard let line = row.cells["lineId"].flatMap(Int64.init), let lot = row.cells["lotId"].flatMap(Int64.init) else { return nil }
                guard let quantity = row.cells["quantity"].flatMap({ Int64($0) }) else {
                    v.add("picked[\(row.index)].quantity", "required")
                    return nil
                }
                return PickedQuantity(lineID: ID(line), lotID: ID(lot), quantity: quantity)
            }
            try v.check()
            _ = try await shipments.confirmPick(id, picked: picked, version: version, by: context.actor)
        case .pack:
            // The suggestion, with the weights and sizes as weighed and measured; contents stay as suggested.
            var packages = try await shipments.suggestedPackages(id)
            var v = Validator()
            for index in packages.indices {
                func number(_ column: String) -> Int64? {
                    guard let text = form.text("packages[\(index)].\(column)") else { return nil }
                    guard let value = Decimal(string: text), value >= 0, value <= 1_000_000 else {
                        v.add("packages[\(index)].\(column)", "invalidValue", ["allowed": "0–1000000"])
                        return nil
                    }
                    return column == "weightKg"
                        ? NSDecimalNumber(decimal: value * 1000).int64Value : NSDecimalNumber(decimal: value).int64Value
                }
                if let grams = number("weightKg") { packages[index].weightGrams = grams }
                let (length, width, height) = (number("lengthMm"), number("widthMm"), number("heightMm"))
                if let length { packages[index].lengthMm = length }
                if let width { packages[index].widthMm = width }
                if let height { packages[index].heightMm = height }
                if length != nil || width != nil || height != nil {
                    let p = packages[index]
                    packages[index].volumeCm3 = p.lengthMm.saturatingMultiplying(p.widthMm).saturatingMultiplying(p.heightMm) / 1000
                }
            }
            try v.check()
            _ = try await shipments.pack(id, packages: packages, version: version, by: context.actor)
        case .carrier:
            let option = form.text("option")?.split(separator: "/", maxSplits: 1).map(String.init)
            _ = try await shipments.chooseCarrier(
                id, carrierCode: option?.first, serviceCode: option.flatMap { $0.count > 1 ? $0[1] : nil }, reason: form.text("reason"),
                version: version, by: context.actor)
        case .ship:
            _ = try await shipments.ship(id, trackingNumber: form.text("trackingNumber") ?? "", version: version, by: context.actor)
        case .event:
            guard let kind = form.text("kind").flatMap(TrackingKind.init(rawValue:)) else { throw DocketError.invalid("kind", "required") }
            let event = TrackingEvent(
                key: "staff-\(UUID().uuidString.lowercased())", kind: kind, occurredAt: try Self.localTime(form, "occurredAt", now: now) ?? now,
                location: form.text("location"), note: form.text("note"), eta: form.text("eta").flatMap(CalendarDate.parse), signer: nil)
            _ = try await shipments.recordEvent(id, event, source: "staff", by: context.actor)
        case .delivery:
            var refusals: [Refusal] = []
            var v = Validator()
            for row in form.rows("refusals", columns: ["lineId", "quantity", "reason", "note"], blankUnless: ["quantity"]) {
                guard let line = row.cells["lineId"].flatMap(Int64.init) else { continue }
                guard let quantity = row.cells["quantity"].flatMap({ Int64($0) }) else {
                    v.add("refusals[\(row.index)].quantity", "invalidValue", ["allowed": "1–"])
                    continue
                }
                guard quantity != 0 else { continue }
                guard let reason = row.cells["reason"].flatMap(RefusalReason.init(rawValue:)) else {
                    v.add("refusals[\(row.index)].reason", "required")
                    continue
                }
                refusals.append(Refusal(lineID: ID(line), quantity: quantity, reason: reason, note: row.cells["note"]))
            }
            try v.check()
            let proof = body.file("proof").map { DeliveryProof(fileName: $0.fileName, contentType: $0.contentType, bytes: $0.bytes) }
            let signOff = SignOff(signer: form.text("signer") ?? "", signedAt: try Self.localTime(form, "signedAt", now: now) ?? now, refusals: refusals)
            _ = try await shipments.signOff(id, signOff, proof: proof, version: version, by: context.actor)
        case .proof:
            guard let file = body.file("proof") else { throw DocketError.invalid("proof", "required") }
            _ = try await shipments.attachProof(id, DeliveryProof(fileName: file.fileName, contentType: file.contentType, bytes: file.bytes), by: context.actor)
        }
    }

    /// A `datetime-local` input read as China time (the pages show China time), nil when blank. The input holds
    /// minutes: the current minute means now (the form's default), so a step taken seconds after the goods left is
    /// not dated before it.
    static func localTime(_ form: Form, _ name: String, now: Timestamp) throws(DocketError) -> Timestamp? {
        guard let text = form.text(name) else { return nil }
        let parts = text.split(separator: "T")
        guard parts.count == 2, let date = CalendarDate.parse(String(parts[0])) else { throw DocketError.invalid(name, "invalidDateTime") }
        let clock = parts[1].split(separator: ":").compactMap { Int64($0) }
        guard clock.count >= 2, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]) else { throw DocketError.invalid(name, "invalidDateTime") }
        let time = date.start(utcOffsetHours: 8).adding(milliseconds: (clock[0] * 60 + clock[1]) * 60_000)
        let sinceThen = now.millisecondsSince1970 - time.millisecondsSince1970
        return (0..<60_000).contains(sinceThen) ? now : time
    }

    // MARK: Queue

    private func queuePage(_ context: DocketRequestContext, stage: Stage, warehouse: String?) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let counts = try await store.shipments.counts(warehouse: warehouse)
        let rows = try await store.shipments.queue(stage.statuses, warehouse: warehouse)
        let warehouses = try await store.warehouses.list(ListQuery(limit: 200)).items.filter { $0.value.active }
        let names = Dictionary(warehouses.map { ($0.value.code, $0.value.name) }, uniquingKeysWith: { a, _ in a })
        let today = store.clock.now().date(utcOffsetHours: 8)
        let model = ShippingQueueModel(
            tabs: Stage.allCases.map { tab in
                ShippingQueueModel.Tab(
                    label: text("ui.ship.stage.\(tab.rawValue)"), count: tab.statuses.reduce(0) { $0 + (counts[$1] ?? 0) },
                    href: Route.shipping.with([("stage", tab.rawValue), ("warehouse", warehouse ?? "")]), current: tab == stage)
            },
            casesHref: Route.cases.path, stage: stage.rawValue, hint: text("ui.ship.hint.\(stage.rawValue)"),
            warehouses: .warehouseFilter(warehouses.map(\.value), chosen: warehouse, language),
            action: Route.shipping.path, pickListAction: Route.pickList.path, wave: stage == .pick && !rows.isEmpty,
            showCarrier: stage == .ship || stage == .transit || stage == .done, showTracking: stage == .transit || stage == .done,
            rows: rows.map { row in
                ShippingQueueModel.Row(
                    id: row.id.rawValue, href: Route.shipment(row.id).path, number: row.number, orderHref: Route.order(row.orderID).path,
                    orderNumber: row.orderNumber, customer: People.customer(row.customerCode, name: row.customerName, in: language),
                    warehouse: names[row.warehouse] ?? row.warehouse, urgent: row.urgent, promised: row.promisedDate?.iso8601 ?? "—",
                    late: row.promisedDate.map { $0 < today && !row.status.isFinal } ?? false, lines: row.lines, units: row.units,
                    status: text("shipment.status.\(row.status.rawValue)"), statusKey: row.status.rawValue, carrier: row.carrierName ?? "—",
                    tracking: row.trackingNumber ?? "—", eta: row.eta?.iso8601 ?? "—",
                    lastEvent: row.lastEvent.map { "\(text("tracking.kind.\($0.rawValue)")) · \(displayTime(row.lastEventAt))" } ?? "—")
            })
        return pages.views.render("shippingQueue", ["page": model], context: context, current: Route.shipping.path)
    }

    // MARK: Pick list

    /// The pick list (拣货单) for one shipment or a wave of them, one warehouse at a time: every lot to take, by
    /// location, with the shipments it goes to, and a line per shipment to tick.
    private func pickListPage(_ ids: [ID<Shipment>], _ context: DocketRequestContext) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let shipments = try await store.shipments.shipments(ids: ids).filter { $0.status == .toPick }
        let numbers = try await store.orders.numbers(of: shipments.map(\.orderID))
        let skus = Array(Set(shipments.flatMap { $0.lines.map(\.line.sku) }))
        let products = try await store.products.bySKU(skus).mapValues { $0.name(language) }
        let warehouses = try await store.warehouses.list(ListQuery(limit: 200)).items
        let names = Dictionary(warehouses.map { ($0.value.code, $0.value.name) }, uniquingKeysWith: { a, _ in a })
        // One row per lot and location, summed over the wave; walked in the same order as one shipment's list.
        var byLot: [String: (line: ShipmentLine, quantity: Int64, shipments: [String])] = [:]
        var order: [String] = []
        for shipment in shipments {
            for line in shipment.lines {
                let key = "\(shipment.warehouse)|\(line.line.lotID.rawValue)"
                if byLot[key] == nil { order.append(key) }
                var entry = byLot[key] ?? (line.line, 0, [])
                entry.quantity = entry.quantity.saturatingAdding(line.line.quantity)
                if !entry.shipments.contains(shipment.number) { entry.shipments.append(shipment.number) }
                byLot[key] = entry
            }
        }
        let groups = Dictionary(grouping: order, by: { String($0.split(separator: "|")[0]) })
        let model = PickListModel(
            title: shipments.count == 1 ? text("ui.ship.pickListOne", ["number": shipments[0].number]) : text("ui.ship.pickListWave", ["count": String(shipments.count)]),
            printedAt: displayTime(store.clock.now()), empty: shipments.isEmpty, backHref: Route.shipping.path,
            warehouses: groups.keys.sorted().map { code in
                let rows = groups[code, default: []].compactMap { byLot[$0] }.sorted { ShipmentLine.inPickingOrder($0.line, $1.line) }
                return PickListModel.Warehouse(
                    name: names[code] ?? code,
                    rows: rows.map { entry in
                        PickListModel.Row(
                            location: entry.line.location, sku: entry.line.sku, name: products[entry.line.sku] ?? "", lot: entry.line.lot.isEmpty ? "—" : entry.line.lot,
                            expiry: entry.line.expiry?.iso8601 ?? "—", quantity: entry.quantity, shipments: entry.shipments.joined(separator: "、"))
                    })
            },
            shipments: shipments.map { shipment in
                PickListModel.ShipmentRef(
                    number: shipment.number, order: numbers[shipment.orderID] ?? "—", barcode: Code128.svg(shipment.number) ?? "",
                    href: Route.shipment(shipment.id).path)
            })
        return pages.views.render("pickList", ["page": model], context: context, current: Route.shipping.path)
    }

    // MARK: Shipment

    private func shipmentPage(
        _ id: ID<Shipment>, _ context: DocketRequestContext, notice: String? = nil, error: String? = nil, failed: Route.ShipmentStep? = nil,
        typed: Form? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let paper = try await store.shipments.paperwork(id)
        let shipment = paper.shipment, order = paper.order
        let roles = context.identity?.roles
        let canPick = Access.allocation.allows(roles), canShip = Access.shipping.allows(roles)
        let people = try await store.auth.people(for: [shipment.carrier?.chosenBy].compactMap { $0 })
        let cases = try await store.cases.cases(orderID: order.id).filter { $0.shipmentID == id }
        let documentLines = (try? paper.lines(language))?.lines ?? []
        let names = Dictionary(documentLines.map { ($0.lineID, $0.name) }, uniquingKeysWith: { a, _ in a })
        func typedValue(_ name: String, _ fallback: String) -> String { failed != nil ? typed?.first(name) ?? fallback : fallback }

        var model = ShipmentPageModel(
            title: "\(text("entity.shipment")) \(shipment.number)", status: text("shipment.status.\(shipment.status.rawValue)"),
            statusKey: shipment.status.rawValue, error: error, version: shipment.version, backHref: Route.shipping.with([("stage", Self.stage(of: shipment.status).rawValue)]),
            facts: [
                (text("ui.field.number"), order.number, Route.order(order.id).path),
                (text("ui.field.customer"), People.customer(order.customerCode, name: paper.customer?.name, in: language), nil),
                (text("ui.field.warehouse"), paper.warehouse.map { People.place($0.name, code: shipment.warehouse, in: language) } ?? shipment.warehouse, nil),
                (text("ui.order.promised"), order.promisedDate?.iso8601 ?? "—", nil),
                (text("ui.ship.eta"), shipment.eta?.iso8601 ?? "—", nil),
                (text("field.trackingNumber"), shipment.trackingNumber ?? "—", nil),
            ].map { ShipmentPageModel.Fact(label: $0.0, value: $0.1, href: $0.2) },
            address: [order.contactName, order.contactPhone, order.deliveryAddress?.singleLine].compactMap { $0 }.joined(separator: " · "),
            documents: ShippingDocument.available(crossBorder: paper.crossBorder).map {
                ShipmentPageModel.Link(text: text("ui.ship.document.\($0.rawValue)"), href: Route.shipmentDocument(id, $0).path)
            } + (shipment.status == .toPick ? [ShipmentPageModel.Link(text: text("ui.ship.printPickList"), href: Route.pickList.with([("id", String(id.rawValue))]))] : []),
            lines: shipment.lines.enumerated().map { index, line in
                ShipmentPageModel.Line(
                    index: index, lineID: line.line.lineID.rawValue, lotID: line.line.lotID.rawValue, location: line.line.location, sku: line.line.sku,
                    name: names[line.line.lineID] ?? order.lines.first { $0.id == line.line.lineID }?.description ?? "",
                    lot: line.line.lot.isEmpty ? "—" : line.line.lot, expiry: line.line.expiry?.iso8601 ?? "—", quantity: line.line.quantity,
                    picked: line.picked.map(String.init) ?? "—", short: line.picked.map { $0 < line.line.quantity } ?? false,
                    typed: typedValue("picked[\(index)].quantity", String(line.line.quantity)))
            },
            pickAction: shipment.status == .toPick && canPick ? Route.shipmentStep(id, .pick).path : nil,
            packages: [], packAction: nil, carrier: nil, shipAction: nil, trackingTyped: typedValue("trackingNumber", ""),
            events: shipment.events.reversed().map { event in
                ShipmentPageModel.Event(
                    when: displayTime(event.occurredAt), kind: text("tracking.kind.\(event.kind.rawValue)"), kindKey: event.kind.rawValue,
                    location: event.location ?? "", note: [event.note, event.eta.map { text("ui.ship.newEta", ["date": $0.iso8601]) }].compactMap { $0 }.joined(separator: " · "))
            },
            eventAction: [.shipped, .exception].contains(shipment.status) && canShip ? Route.shipmentStep(id, .event).path : nil,
            eventKinds: TrackingKind.allCases.filter { $0 != .delivered }.map { ShipmentPageModel.Option(value: $0.rawValue, label: text("tracking.kind.\($0.rawValue)"), selected: false) },
            deliveryAction: [.shipped, .exception].contains(shipment.status) && canShip ? Route.shipmentStep(id, .delivery).path : nil,
            refusalReasons: RefusalReason.allCases.map { ShipmentPageModel.Option(value: $0.rawValue, label: text("refusal.reason.\($0.rawValue)"), selected: false) },
            carriedLines: shipment.carried.sorted { $0.key.rawValue < $1.key.rawValue }.enumerated().map { index, entry in
                ShipmentPageModel.Carried(
                    index: index, lineID: entry.key.rawValue, sku: order.lines.first { $0.id == entry.key }?.sku ?? "", name: names[entry.key] ?? "",
                    quantity: entry.value)
            },
            signer: shipment.signer, signedAt: shipment.signedAt.map(displayTime),
            proof: shipment.proof.map { ShipmentPageModel.Link(text: "\($0.fileName)（\(Self.size($0.size))）", href: Route.shipmentProof(id).path) },
            proofAction: shipment.status.hasLeft && shipment.status != .shipped && shipment.status != .exception && canShip
                ? Route.shipmentStep(id, .proof).path : nil,
            cases: cases.map { ShipmentPageModel.Link(text: "\($0.number) · \(text("case.status.\($0.status.rawValue)"))", href: Route.afterSalesCase($0.id).path) },
            now: Self.localInput(store.clock.now()))

        if shipment.status == .picked || !shipment.packages.isEmpty {
            let packages = shipment.packages.isEmpty ? ((try? await store.shipments.suggestedPackages(shipment)) ?? []) : shipment.packages
            model.packages = packages.enumerated().map { index, package in
                ShipmentPageModel.Package(
                    index: index, label: text("ui.ship.packageOf", ["n": String(index + 1), "m": String(packages.count)]),
                    weightKg: typedValue("packages[\(index)].weightKg", Self.kilograms(package.weightGrams)),
                    lengthMm: typedValue("packages[\(index)].lengthMm", String(package.lengthMm)),
                    widthMm: typedValue("packages[\(index)].widthMm", String(package.widthMm)),
                    heightMm: typedValue("packages[\(index)].heightMm", String(package.heightMm)),
                    volume: "\(package.volumeCm3) cm³",
                    handling: package.handling.map { text("packing.handling.\($0.rawValue)") }.joined(separator: "、"),
                    contents: package.contents.map { "\($0.sku) × \($0.quantity)" }.joined(separator: "，"))
            }
            model.packAction = shipment.status == .picked && canPick ? Route.shipmentStep(id, .pack).path : nil
        }
        if shipment.status == .packed || shipment.carrier != nil {
            let decision = shipment.status == .packed
                ? ((try? await store.shipments.carrierDecision(shipment, order: order)) ?? shipment.carrier?.decision) : shipment.carrier?.decision
            if let decision {
                let chosen = decision.chosen
                let taken = shipment.carrier?.taken
                let choose = shipment.status == .packed && canShip
                model.carrier = ShipmentPageModel.Carrier(
                    rule: decision.ruleMessage.text(language),
                    options: decision.options.map { option in
                        let key = "\(option.carrierCode)/\(option.serviceCode)"
                        return ShipmentPageModel.CarrierOption(
                            value: key, text: option.message(against: chosen).text(language), verdict: option.verdict.rawValue,
                            cost: option.cost?.formatted ?? "—", days: option.transitDays.map(String.init) ?? "—", mode: text("transport.mode.\(option.mode.rawValue)"),
                            recommended: option.verdict == .chosen, taken: taken.map { $0.carrierCode == option.carrierCode && $0.serviceCode == option.serviceCode } ?? false,
                            selectable: option.cost != nil,
                            checked: typedValue("option", taken.map { "\($0.carrierCode)/\($0.serviceCode)" } ?? chosen.map { "\($0.carrierCode)/\($0.serviceCode)" } ?? "") == key)
                    },
                    taken: taken.map { "\($0.carrierName) \($0.serviceName)" },
                    overrideReason: shipment.carrier?.overrideReason, chosenBy: shipment.carrier.map { people.name(of: $0.chosenBy, in: language) },
                    chosenAt: shipment.carrier.map { displayTime($0.chosenAt) }, action: choose ? Route.shipmentStep(id, .carrier).path : nil,
                    reason: typedValue("reason", ""))
            }
            model.shipAction = shipment.status == .packed && shipment.carrier != nil && canShip ? Route.shipmentStep(id, .ship).path : nil
        }
        return pages.views.render("shipment", ["page": model], context: context, status: status, current: Route.shipping.path, notice: notice)
    }

    static func stage(of status: ShipmentStatus) -> Stage {
        Stage.allCases.first { $0.statuses.contains(status) } ?? .pick
    }

    static func kilograms(_ grams: Int64) -> String {
        let whole = grams / 1000, rest = grams % 1000
        return rest == 0 ? String(whole) : String(format: "%lld.%03lld", whole, rest).replacingOccurrences(of: "0+$", with: "", options: .regularExpression)
    }

    static func size(_ bytes: Int64) -> String {
        bytes >= 1024 * 1024 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : "\(max(1, bytes / 1024)) KB"
    }

    /// A time as a `datetime-local` input's value in China time.
    static func localInput(_ time: Timestamp) -> String { displayTime(time).replacingOccurrences(of: " ", with: "T") }

    // MARK: Documents

    private func documentPage(_ document: ShippingDocument, _ id: ID<Shipment>, _ context: DocketRequestContext) async throws -> Response {
        let language = context.language
        let paper = try await store.shipments.paperwork(id)
        if document == .customs && !paper.crossBorder {
            throw DocketError.notFound(.shipment, key: "\(paper.shipment.number) · \(Message("ui.ship.document.customs").text(language))")
        }
        let model = try ShippingDocumentModel(document, paper, language: language, printedAt: store.clock.now())
        return pages.views.render("shippingDocument", ["page": model], context: context, current: Route.shipping.path)
    }

    // MARK: Cases

    private func casesPage(_ context: DocketRequestContext) async throws -> Response {
        let language = context.language
        let cases = try await store.cases.openCases()
        let numbers = try await store.orders.numbers(of: cases.map(\.orderID))
        let model = CasesPageModel(
            backHref: Route.shipping.path,
            rows: cases.map { stored in
                CasesPageModel.Row(
                    href: Route.afterSalesCase(stored.id).path, number: stored.number, orderHref: Route.order(stored.orderID).path,
                    order: numbers[stored.orderID] ?? "—", opened: displayTime(stored.openedAt),
                    lines: stored.lines.map { "\($0.sku) × \($0.quantity)（\(Message("refusal.reason.\($0.reason.rawValue)").text(language))）" }.joined(separator: "；"),
                    returned: stored.returnedAt.map(displayTime) ?? "—")
            })
        return pages.views.render("cases", ["page": model], context: context, current: Route.shipping.path)
    }

    private func casePage(
        _ id: ID<AfterSalesCase>, _ context: DocketRequestContext, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let language = context.language
        func text(_ key: String, _ arguments: [String: String] = [:]) -> String { Message(key, arguments).text(language) }
        let stored = try await store.cases.case(id: id)
        let shipment = try await store.shipments.shipment(id: stored.shipmentID)
        let numbers = try await store.orders.numbers(of: [stored.orderID])
        let people = try await store.auth.people(for: [stored.openedBy] + [stored.closedBy].compactMap { $0 })
        let manage = Access.afterSales.allows(context.identity?.roles) && stored.status == .open
        let model = CasePageModel(
            title: "\(text("ui.case.title")) \(stored.number)", status: text("case.status.\(stored.status.rawValue)"), statusKey: stored.status.rawValue,
            error: error, version: stored.version,
            facts: [
                (text("ui.field.number"), numbers[stored.orderID] ?? "—", Route.order(stored.orderID).path),
                (text("entity.shipment"), shipment.number, Route.shipment(shipment.id).path),
                (text("ui.case.opened"), "\(displayTime(stored.openedAt)) · \(people.name(of: stored.openedBy, in: language))", nil),
                (text("ui.case.returned"), stored.returnedAt.map(displayTime) ?? text("ui.case.notReturned"), nil),
            ].map { ShipmentPageModel.Fact(label: $0.0, value: $0.1, href: $0.2) }
                + (stored.resolution.map { resolution in
                    [ShipmentPageModel.Fact(
                        label: text("field.resolution"),
                        value: [text("case.resolution.\(resolution.rawValue)"), stored.resolutionNote, stored.closedBy.map { people.name(of: $0, in: language) },
                                stored.closedAt.map(displayTime)].compactMap { $0 }.joined(separator: " · "), href: nil)]
                } ?? []),
            lines: stored.lines.map {
                CasePageModel.Line(sku: $0.sku, quantity: $0.quantity, reason: text("refusal.reason.\($0.reason.rawValue)"), note: $0.note ?? "")
            },
            returnAction: manage && stored.returnedAt == nil ? Route.caseStep(id, .receiveReturn).path : nil,
            closeAction: manage ? Route.caseStep(id, .close).path : nil,
            resolutions: CaseResolution.allCases.map { ShipmentPageModel.Option(value: $0.rawValue, label: text("case.resolution.\($0.rawValue)"), selected: false) },
            backHref: Route.cases.path)
        return pages.views.render("afterSalesCase", ["page": model], context: context, status: status, current: Route.shipping.path, notice: notice)
    }
}
