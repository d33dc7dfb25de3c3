import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird

/// Shipments (发货单) from pick list to sign-off, after-sales cases opened by refusals, and the carriers' tracking
/// webhook. Every step answers the shipment as it now stands; a step that does not apply where it stands is a 409.
struct ShipmentsAPI {
    let store: Store

    /// A shipment as the API shows it: its status as data and in words, its pick list in walking order, packages,
    /// the carrier chosen (with every option and why it lost), tracking and sign-off.
    struct Body: Encodable {
        struct Line: Encodable {
            var lineId: ID<OrderLine>
            var sku: String
            var lotId: ID<StockLot>
            var lot: String
            var location: String
            var expiry: CalendarDate?
            var quantity: Int64
            var picked: Int64?
        }
        struct Event: Encodable {
            var eventId: String
            var kind: String
            var kindText: String
            var occurredAt: Timestamp
            var location: String?
            var note: String?
            var eta: CalendarDate?
            var signer: String?
        }
        struct Proof: Encodable {
            var fileName: String
            var contentType: String
            var size: Int64
            var href: String
        }
        var id: ID<Shipment>
        var number: String
        var orderId: ID<Order>
        var warehouse: String
        var status: String
        var statusText: String
        var version: Int64
        var lines: [Line]
        var packages: [PackageDraft]
        var carrier: CarrierBody?
        var trackingNumber: String?
        var eta: CalendarDate?
        var shippedAt: Timestamp?
        var deliveredAt: Timestamp?
        var signer: String?
        var events: [Event]
        var proof: Proof?

        init(_ shipment: StoredShipment, language: Language) {
            id = shipment.id
            number = shipment.number
            orderId = shipment.orderID
            warehouse = shipment.warehouse
            status = shipment.status.rawValue
            statusText = Message("shipment.status.\(shipment.status.rawValue)").text(language)
            version = shipment.version
            lines = shipment.lines.map {
                Line(lineId: $0.line.lineID, sku: $0.line.sku, lotId: $0.line.lotID, lot: $0.line.lot, location: $0.line.location,
                    expiry: $0.line.expiry, quantity: $0.line.quantity, picked: $0.picked)
            }
            packages = shipment.packages
            carrier = shipment.carrier.map { CarrierBody($0.decision, record: $0, language: language) }
            trackingNumber = shipment.trackingNumber
            eta = shipment.eta
            shippedAt = shipment.shippedAt
            deliveredAt = shipment.deliveredAt
            signer = shipment.signer
            events = shipment.events.map {
                Event(eventId: $0.key, kind: $0.kind.rawValue, kindText: Message("tracking.kind.\($0.kind.rawValue)").text(language),
                    occurredAt: $0.occurredAt, location: $0.location, note: $0.note, eta: $0.eta, signer: $0.signer)
            }
            proof = shipment.proof.map { Proof(fileName: $0.fileName, contentType: $0.contentType, size: $0.size, href: "/api/v1/shipments/\(shipment.id)/proof") }
        }
    }

    /// A carrier decision in words: the rule, every option with its verdict, the one taken and any override.
    struct CarrierBody: Encodable {
        struct Option: Encodable {
            var carrierCode: String
            var serviceCode: String
            var mode: String
            var chargeableKg: Int64
            var cost: Money?
            var transitDays: Int?
            var verdict: String
            var text: String
        }
        var rule: String
        var ruleText: String
        var options: [Option]
        var carrierCode: String?
        var serviceCode: String?
        var overrideReason: String?
        var chosenBy: String?
        var chosenAt: Timestamp?

        init(_ decision: CarrierDecision, record: CarrierRecord?, language: Language) {
            rule = decision.rule.rawValue
            ruleText = decision.ruleMessage.text(language)
            let chosen = decision.chosen
            options = decision.options.map {
                Option(carrierCode: $0.carrierCode, serviceCode: $0.serviceCode, mode: $0.mode.rawValue, chargeableKg: $0.chargeableKg, cost: $0.cost,
                    transitDays: $0.transitDays, verdict: $0.verdict.rawValue, text: $0.message(against: chosen).text(language))
            }
            carrierCode = record?.taken.carrierCode
            serviceCode = record?.taken.serviceCode
            overrideReason = record?.overrideReason
            chosenBy = record?.chosenBy
            chosenAt = record?.chosenAt
        }
    }

    /// `{"version"?, "picked":[{"lineId","lotId","quantity"}]}`: what the picker found for every line of the list.
    struct Pick: Decodable {
        var version: Int64?
        var picked: [PickedQuantity]
    }

    /// `{"version"?, "packages"?: [...]}`: no packages packs as suggested.
    struct Pack: Decodable {
        var version: Int64?
        var packages: [PackageDraft]?
    }

    /// `{"version"?, "carrierCode"?, "serviceCode"?, "reason"?}`: none takes the rules' choice; another needs a reason.
    struct Choose: Decodable {
        var version: Int64?
        var carrierCode: String?
        var serviceCode: String?
        var reason: String?
    }

    struct Ship: Decodable {
        var version: Int64?
        var trackingNumber: String
    }

    /// A tracking event entered by staff: `{"kind", "occurredAt"?, "location"?, "note"?, "eta"?, "signer"?}`.
    struct StaffEvent: Decodable {
        var kind: TrackingKind
        var occurredAt: Timestamp?
        var location: String?
        var note: String?
        var eta: CalendarDate?
        var signer: String?
    }

    /// `{"version"?, "signer", "signedAt"?, "refusals"?: [{"lineId","quantity","reason","note"?}]}`.
    struct SignOffBody: Decodable {
        var version: Int64?
        var signer: String
        var signedAt: Timestamp?
        var refusals: [Refusal]?
    }

    func register(on routes: SecureRoutes) {
        routes.get("/api/v1/orders/:id/shipments", .staff) { _, context in
            let shipments = try await store.shipments.shipments(orderID: try context.orderID())
            return try JSON.response(shipments.map { Body($0, language: context.language) })
        }
        routes.get("/api/v1/shipments/:id", .staff) { _, context in
            try JSON.response(Body(try await store.shipments.shipment(id: try context.id()), language: context.language))
        }
        routes.post("/api/v1/shipments/:id/pick", .allocation) { request, context in
            let body = try await JSON.decode(Pick.self, from: request, context: context)
            let shipment = try await store.shipments.confirmPick(try context.id(), picked: body.picked, version: body.version, by: context.actor)
            return try JSON.response(Body(shipment, language: context.language))
        }
        routes.get("/api/v1/shipments/:id/packing", .staff) { _, context in
            try JSON.response(["packages": try await store.shipments.suggestedPackages(try context.id())])
        }
        routes.post("/api/v1/shipments/:id/pack", .allocation) { request, context in
            let body = try await JSON.decode(Pack.self, from: request, context: context, emptyAllowed: true)
            let shipment = try await store.shipments.pack(try context.id(), packages: body.packages, version: body.version, by: context.actor)
            return try JSON.response(Body(shipment, language: context.language))
        }
        routes.get("/api/v1/shipments/:id/carrier", .staff) { _, context in
            let decision = try await store.shipments.carrierDecision(try context.id())
            return try JSON.response(CarrierBody(decision, record: nil, language: context.language))
        }
        routes.post("/api/v1/shipments/:id/carrier", .shipping) { request, context in
            let body = try await JSON.decode(Choose.self, from: request, context: context, emptyAllowed: true)
            let shipment = try await store.shipments.chooseCarrier(
                try context.id(), carrierCode: body.carrierCode, serviceCode: body.serviceCode, reason: body.reason, version: body.version,
                by: context.actor)
            return try JSON.response(Body(shipment, language: context.language))
        }
        routes.post("/api/v1/shipments/:id/ship", .shipping) { request, context in
            let body = try await JSON.decode(Ship.self, from: request, context: context)
            let shipment = try await store.shipments.ship(try context.id(), trackingNumber: body.trackingNumber, version: body.version, by: context.actor)
            return try JSON.response(Body(shipment, language: context.language))
        }
        routes.post("/api/v1/shipments/:id/events", .shipping) { request, context in
            let body = try await JSON.decode(StaffEvent.self, from: request, context: context)
            let event = TrackingEvent(
                key: "staff-\(UUID().uuidString.lowercased())", kind: body.kind, occurredAt: body.occurredAt ?? store.clock.now(), location: body.location,
                note: body.note, eta: body.eta, signer: body.signer)
            let (shipment, _) = try await store.shipments.recordEvent(try context.id(), event, source: "staff", by: context.actor)
            return try JSON.response(Body(shipment, language: context.language), status: .created)
        }
        routes.post("/api/v1/shipments/:id/delivery", .shipping) { request, context in
            let body = try await JSON.decode(SignOffBody.self, from: request, context: context)
            let signOff = SignOff(signer: body.signer, signedAt: body.signedAt ?? store.clock.now(), refusals: body.refusals ?? [])
            let shipment = try await store.shipments.signOff(try context.id(), signOff, proof: nil, version: body.version, by: context.actor)
            return try JSON.response(Body(shipment, language: context.language))
        }
        // The proof of delivery (回单) is the request body itself, with its content type; `?name=` names the file.
        routes.put("/api/v1/shipments/:id/proof", .shipping) { request, context in
            let proof = try await DeliveryProof.upload(request, named: "proof")
            let shipment = try await store.shipments.attachProof(try context.id(), proof, by: context.actor)
            return try JSON.response(Body(shipment, language: context.language))
        }
        routes.get("/api/v1/shipments/:id/proof", .staff) { _, context in
            try await store.shipments.proof(try context.id()).response
        }
        routes.get("/api/v1/orders/:id/backorders", .staff) { _, context in
            try JSON.response(BackorderBody(try await store.shipments.backorders(orderID: try context.orderID())))
        }
        routes.post("/api/v1/orders/:id/backorders/serve", .allocation) { _, context in
            let shipments = try await store.shipments.serveBackorder(orderID: try context.orderID(), by: context.actor)
            return try JSON.response(["shipments": shipments.map { Body($0, language: context.language) }], status: shipments.isEmpty ? .ok : .created)
        }
        routes.post("/api/v1/orders/:id/backorders/close", .orderControl) { request, context in
            let body = try await JSON.decode(CloseBackorder.self, from: request, context: context)
            let id = try context.orderID()
            _ = try await store.shipments.closeBackorder(orderID: id, line: body.lineId, reason: body.reason, version: body.version, by: context.actor)
            return try JSON.response(BackorderBody(try await store.shipments.backorders(orderID: id)))
        }
        routes.get("/api/v1/orders/:id/cases", .staff) { _, context in
            try JSON.response(try await store.cases.cases(orderID: try context.orderID()).map { CaseBody($0, language: context.language) })
        }
        routes.get("/api/v1/cases/:id", .staff) { _, context in
            try JSON.response(CaseBody(try await store.cases.case(id: try context.id()), language: context.language))
        }
        routes.post("/api/v1/cases/:id/return", .afterSales) { request, context in
            let body = try await JSON.decode(VersionOnly.self, from: request, context: context, emptyAllowed: true)
            let stored = try await store.cases.receiveReturn(try context.id(), version: body.version, by: context.actor)
            return try JSON.response(CaseBody(stored, language: context.language))
        }
        routes.post("/api/v1/cases/:id/close", .afterSales) { request, context in
            let body = try await JSON.decode(CloseCase.self, from: request, context: context)
            let stored = try await store.cases.close(try context.id(), resolution: body.resolution, note: body.note, version: body.version, by: context.actor)
            return try JSON.response(CaseBody(stored, language: context.language))
        }
    }

    struct VersionOnly: Decodable { var version: Int64? }

    /// `{"lineId", "reason", "version"?}`: the line's backorder closed; `version` is the order's.
    struct CloseBackorder: Decodable {
        var lineId: ID<OrderLine>
        var reason: String?
        var version: Int64?
    }

    /// What an order still owes per line (欠货): ordered, on shipments, closed, owed.
    struct BackorderBody: Encodable {
        struct Line: Encodable {
            var lineId: ID<OrderLine>
            var sku: String
            var ordered: Int64
            var carried: Int64
            var closed: Int64
            var owed: Int64
        }
        var atWarehouses: Bool
        var version: Int64
        var lines: [Line]

        init(_ account: BackorderAccount) {
            atWarehouses = account.atWarehouses
            version = account.version
            lines = account.lines.map { Line(lineId: $0.lineID, sku: $0.sku, ordered: $0.ordered, carried: $0.carried, closed: $0.closed, owed: $0.outstanding) }
        }
    }

    struct CloseCase: Decodable {
        var version: Int64?
        var resolution: CaseResolution
        var note: String?
    }

    /// A case in the API: its lines with the refusal reasons in words.
    struct CaseBody: Encodable {
        struct Line: Encodable {
            var lineId: ID<OrderLine>
            var sku: String
            var quantity: Int64
            var reason: String
            var reasonText: String
            var note: String?
        }
        var id: ID<AfterSalesCase>
        var number: String
        var orderId: ID<Order>
        var shipmentId: ID<Shipment>
        var status: String
        var statusText: String
        var lines: [Line]
        var openedAt: Timestamp
        var returnedAt: Timestamp?
        var resolution: String?
        var resolutionText: String?
        var resolutionNote: String?
        var closedAt: Timestamp?
        var version: Int64

        init(_ stored: StoredCase, language: Language) {
            id = stored.id
            number = stored.number
            orderId = stored.orderID
            shipmentId = stored.shipmentID
            status = stored.status.rawValue
            statusText = Message("case.status.\(stored.status.rawValue)").text(language)
            lines = stored.lines.map {
                Line(lineId: $0.lineId, sku: $0.sku, quantity: $0.quantity, reason: $0.reason.rawValue,
                    reasonText: Message("refusal.reason.\($0.reason.rawValue)").text(language), note: $0.note)
            }
            openedAt = stored.openedAt
            returnedAt = stored.returnedAt
            resolution = stored.resolution?.rawValue
            resolutionText = stored.resolution.map { Message("case.resolution.\($0.rawValue)").text(language) }
            resolutionNote = stored.resolutionNote
            closedAt = stored.closedAt
            version = stored.version
        }
    }
}

extension DeliveryProof {
    /// A file sent as the request's body, with its content type; `?name=` names it (`fallback` otherwise). Over
    /// `maxBytes` is a `413`.
    static func upload(_ request: Request, named fallback: String) async throws -> DeliveryProof {
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw HTTPError(.contentTooLarge)
        }
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let name = request.uri.queryParameters.get("name").flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        return DeliveryProof(fileName: name, contentType: type, bytes: Array(bytes.readableBytesView))
    }

    /// The file as a download: its own type, shown inline under its (ASCII) name, never sniffed as something else,
    /// never kept in a shared cache (a signature is personal data). The API and the shipment page serve it alike.
    var response: Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType, .contentDisposition: "inline; filename=\"\(fileName.filter { $0.isASCII && $0 != "\"" })\"",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", .cacheControl: "private, no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// `POST /api/v1/carriers/{code}/events`: a carrier pushes tracking events, signed with its secret like channel
/// pushes (`X-Docket-Signature: sha256=<hex HMAC-SHA256 of the raw body>`). Body:
/// `{"events":[{"eventId","trackingNumber","kind","occurredAt","location"?,"note"?,"eta"?,"signer"?}]}`. Each event is
/// kept once (by the carrier's event id: a retried push is answered `duplicate`), in any order; the answer lists each
/// event's outcome (`recorded`, `duplicate`, `unknownShipment`).
struct CarrierEventsAPI {
    let store: Store

    struct Push: Decodable {
        /// The tracking number the carrier knows the shipment by, and the event itself (`TrackingEvent`'s fields).
        struct Event: Decodable {
            var trackingNumber: String
            var event: TrackingEvent

            enum CodingKeys: String, CodingKey { case trackingNumber }

            init(from decoder: any Decoder) throws {
                trackingNumber = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .trackingNumber)
                event = try TrackingEvent(from: decoder)
            }
        }
        var events: [Event]
    }

    struct Outcome: Encodable {
        var eventId: String
        var outcome: String
    }

    func register(on routes: SecureRoutes) {
        // The trie names the segment `id` (as the carrier master routes do); here it holds the carrier's code.
        routes.post("/api/v1/carriers/:id/events", .everyone) { request, context in
            let code = context.parameters.get("id") ?? ""
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: context.maxUploadSize)
            } catch {
                throw HTTPError(.contentTooLarge)
            }
            // A carrier with no secret has no webhook: not found, like a channel that takes no pushes.
            guard let secret = try await store.shipments.carrierSecret(code) else { throw HTTPError(.notFound) }
            guard let signature = request.headers[HTTPField.Name("X-Docket-Signature")!], signature.hasPrefix("sha256="),
                Secret.equal(String(signature.dropFirst(7)).lowercased(), hmacHex(secret: secret, body: body))
            else {
                throw AccessError.unauthenticated
            }
            let push = try JSON.decode(Push.self, from: Data(body.readableBytesView))
            // The whole push is checked before any event is recorded: a bad one refuses it all, nothing half-applied.
            var v = Validator()
            let now = store.clock.now()
            v.count(push.events, "events", min: 1, max: 500)
            for (index, event) in push.events.enumerated() {
                v.nested("events[\(index)]") {
                    $0.text(event.trackingNumber, "trackingNumber", max: 40)
                    event.event.validate(&$0, now: now)
                }
            }
            try v.check()
            var outcomes: [Outcome] = []
            for event in push.events {
                let outcome = try await store.shipments.carrierEvent(carrier: code, trackingNumber: event.trackingNumber, event.event)
                outcomes.append(Outcome(eventId: event.event.key, outcome: outcome.rawValue))
            }
            return try JSON.response(["events": outcomes])
        }
    }
}
