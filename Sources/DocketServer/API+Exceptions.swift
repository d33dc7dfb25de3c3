import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// Exceptions (异常) and their handling:
/// - `GET /api/v1/exceptions` (the open ones, worst first), `GET /api/v1/orders/{id}/exceptions`,
///   `POST /api/v1/orders/{id}/exceptions` `{"kind","severity"?,"description","shipmentId"?,"notifyCustomer"?}`;
/// - `GET /api/v1/exceptions/{id}` (the whole file), `POST …/assign` `{"owner","severity","kind"?,"version"?}`,
///   `POST …/contacts` `{"channel","summary"}`, `POST …/claims` `{"party","amount","reference"?,"note"?}`,
///   `POST …/settlements` `{"kind":"refund|credit","amount","note"?}`,
///   `POST …/reship` `{"shipmentId"?,"lines"?:[{"lineId","quantity"}],"version"?}`,
///   `POST …/resolve` `{"resolution","note","version"?}`;
/// - `POST /api/v1/claims/{id}/decide` `{"status","recovered"?,"note"?,"version"?}`, `PUT /api/v1/claims/{id}/documents?name=`
///   (the file is the body), `GET /api/v1/claim-documents/{id}`.
struct ExceptionsAPI {
    let store: Store

    struct ExceptionView: Encodable {
        var id: Int64
        var number: String
        var orderId: ID<Order>
        var orderNumber: String
        var customerCode: String
        var customerName: String?
        var shipmentId: ID<Shipment>?
        var kind: ExceptionKind
        var severity: ExceptionSeverity
        var source: ExceptionSource
        var status: ExceptionStatus
        var description: String
        var contact: String?
        var owner: String?
        var dueAt: Timestamp
        var openedBy: String
        var openedAt: Timestamp
        var resolution: ExceptionResolution?
        var resolutionNote: String?
        var resolvedBy: String?
        var resolvedAt: Timestamp?
        var version: Int64

        init(_ x: OrderException, language: Language) {
            id = x.id
            number = x.number
            orderId = x.orderID
            orderNumber = x.orderNumber
            customerCode = x.customerCode
            customerName = x.customerName
            shipmentId = x.shipmentID
            kind = x.kind
            severity = x.severity
            source = x.source
            status = x.status
            description = x.describe(language)
            contact = x.contact
            owner = x.owner
            dueAt = x.dueAt
            openedBy = x.openedBy
            openedAt = x.openedAt
            resolution = x.resolution
            resolutionNote = x.resolutionNote
            resolvedBy = x.resolvedBy
            resolvedAt = x.resolvedAt
            version = x.version
        }
    }

    struct ClaimView: Encodable {
        struct Document: Encodable {
            var id: Int64
            var fileName: String
            var contentType: String
            var size: Int64
            var href: String
        }

        var id: Int64
        var number: String
        var exceptionId: Int64
        var party: ClaimParty
        var amount: Money
        var reference: String?
        var note: String?
        var status: ClaimStatus
        var recovered: Money?
        var filedBy: String
        var filedAt: Timestamp
        var decidedBy: String?
        var decidedAt: Timestamp?
        var version: Int64
        var documents: [Document]

        init(_ c: ExceptionClaim) {
            id = c.id
            number = c.number
            exceptionId = c.exceptionID
            party = c.party
            amount = c.claimed
            reference = c.reference
            note = c.note
            status = c.status
            recovered = c.recovered
            filedBy = c.filedBy
            filedAt = c.filedAt
            decidedBy = c.decidedBy
            decidedAt = c.decidedAt
            version = c.version
            documents = c.documents.map {
                Document(id: $0.id, fileName: $0.fileName, contentType: $0.contentType, size: $0.size, href: "/api/v1/claim-documents/\($0.id)")
            }
        }
    }

    struct SettlementView: Encodable {
        var id: Int64
        var orderId: ID<Order>
        var exceptionId: Int64?
        var kind: SettlementKind
        var amount: Money
        var note: String?
        var status: String
        var recordedBy: String
        var recordedAt: Timestamp

        init(_ s: SettlementItem) {
            id = s.id
            orderId = s.orderID
            exceptionId = s.exceptionID
            kind = s.kind
            amount = s.amount
            note = s.note
            status = s.settled ? "settled" : "open"
            recordedBy = s.recordedBy
            recordedAt = s.recordedAt
        }
    }

    struct FileView: Encodable {
        struct Contact: Encodable {
            var channel: ContactChannel
            var summary: String
            var actor: String
            var at: Timestamp
        }

        struct Reshipment: Encodable {
            var shipment: String
            var sku: String
            var quantity: Int64
            var at: Timestamp
        }

        var exception: ExceptionView
        var contacts: [Contact]
        var claims: [ClaimView]
        var settlements: [SettlementView]
        var reshipments: [Reshipment]
    }

    /// A reship's answer: the new shipments' numbers (none while stock is short).
    struct ReshipView: Encodable {
        var exception: ExceptionView
        var shipments: [String]
    }

    struct Assign: Decodable {
        var owner: String?
        var severity: ExceptionSeverity
        var kind: ExceptionKind?
        var version: Int64?
    }

    struct ReshipBody: Decodable {
        struct Line: Decodable {
            var lineId: ID<OrderLine>
            var quantity: Int64
        }

        var shipmentId: ID<Shipment>?
        var lines: [Line]?
        var version: Int64?
    }

    struct Resolve: Decodable {
        var resolution: ExceptionResolution
        var note: String?
        var version: Int64?
    }

    struct Decide: Decodable {
        var status: ClaimStatus
        var recovered: Money?
        var note: String?
        var version: Int64?
    }

    func file(_ id: Int64, _ language: Language) async throws -> FileView {
        let file = try await store.exceptions.file(id: id)
        return FileView(
            exception: ExceptionView(file.exception, language: language),
            contacts: file.contacts.map { FileView.Contact(channel: $0.channel, summary: $0.summary, actor: $0.actor, at: $0.at) },
            claims: file.claims.map(ClaimView.init), settlements: file.settlements.map(SettlementView.init),
            reshipments: file.reshipments.map { FileView.Reshipment(shipment: $0.shipment, sku: $0.sku, quantity: $0.quantity, at: $0.at) })
    }

    func register(on routes: SecureRoutes) {
        let exceptions = store.exceptions
        routes.get("/api/v1/exceptions", .staff) { _, context in
            try JSON.response(["exceptions": try await exceptions.open().map { ExceptionView($0, language: context.language) }])
        }
        routes.get("/api/v1/orders/:id/exceptions", .staff) { _, context in
            try JSON.response(["exceptions": try await exceptions.exceptions(orderID: try context.orderID()).map { ExceptionView($0, language: context.language) }])
        }
        routes.post("/api/v1/orders/:id/exceptions", .exceptions) { request, context in
            let draft = try await JSON.decode(ExceptionDraft.self, from: request, context: context)
            let raised = try await exceptions.raise(draft, orderID: try context.orderID(), by: context.actor)
            return try JSON.response(ExceptionView(raised, language: context.language), status: .created)
        }
        routes.get("/api/v1/exceptions/:id", .staff) { _, context in
            try JSON.response(try await file(try context.rawID(), context.language))
        }
        routes.post("/api/v1/exceptions/:id/assign", .exceptions) { request, context in
            let body = try await JSON.decode(Assign.self, from: request, context: context)
            let x = try await exceptions.assign(
                try context.rawID(), ExceptionAssignment(owner: body.owner, severity: body.severity, kind: body.kind), version: body.version, by: context.actor)
            return try JSON.response(ExceptionView(x, language: context.language))
        }
        routes.post("/api/v1/exceptions/:id/contacts", .exceptions) { request, context in
            let body = try await JSON.decode(ContactRecord.self, from: request, context: context)
            let id: Int64 = try context.rawID()
            _ = try await exceptions.recordContact(id, body, by: context.actor)
            return try JSON.response(try await file(id, context.language), status: .created)
        }
        routes.post("/api/v1/exceptions/:id/claims", .claims) { request, context in
            let body = try await JSON.decode(ClaimDraft.self, from: request, context: context)
            return try JSON.response(ClaimView(try await exceptions.fileClaim(try context.rawID(), body, by: context.actor)), status: .created)
        }
        routes.post("/api/v1/exceptions/:id/settlements", .settlements) { request, context in
            let body = try await JSON.decode(SettlementDraft.self, from: request, context: context)
            return try JSON.response(SettlementView(try await exceptions.recordSettlement(try context.rawID(), body, by: context.actor)), status: .created)
        }
        routes.post("/api/v1/exceptions/:id/reship", .exceptions) { request, context in
            let body = try await JSON.decode(ReshipBody.self, from: request, context: context)
            var lines: [ID<OrderLine>: Int64]?
            if let given = body.lines {
                var v = Validator()
                v.count(given, "lines", min: 1, max: Bounds.orderLines)
                v.unique(given, "lines") { $0.lineId }
                try v.check()
                lines = Dictionary(given.map { ($0.lineId, $0.quantity) }, uniquingKeysWith: +)
            }
            let outcome = try await exceptions.reship(try context.rawID(), shipment: body.shipmentId, lines: lines, version: body.version, by: context.actor)
            return try JSON.response(
                ReshipView(exception: ExceptionView(outcome.exception, language: context.language), shipments: outcome.shipments.map(\.number)),
                status: .created)
        }
        routes.post("/api/v1/exceptions/:id/resolve", .exceptions) { request, context in
            let body = try await JSON.decode(Resolve.self, from: request, context: context)
            let x = try await exceptions.resolve(try context.rawID(), resolution: body.resolution, note: body.note, version: body.version, by: context.actor)
            return try JSON.response(ExceptionView(x, language: context.language))
        }
        routes.post("/api/v1/claims/:id/decide", .claims) { request, context in
            let body = try await JSON.decode(Decide.self, from: request, context: context)
            let claim = try await exceptions.decideClaim(
                try context.rawID(), ClaimUpdate(status: body.status, recovered: body.recovered, note: body.note), version: body.version, by: context.actor)
            return try JSON.response(ClaimView(claim))
        }
        // A claim's document is the request body itself, with its content type; `?name=` names the file.
        routes.put("/api/v1/claims/:id/documents", .claims) { request, context in
            let file = try await DeliveryProof.upload(request, named: "document")
            let claim = try await exceptions.attach(
                ClaimDocument(fileName: file.fileName, contentType: file.contentType, bytes: file.bytes), toClaim: try context.rawID(), by: context.actor)
            return try JSON.response(ClaimView(claim), status: .created)
        }
        routes.get("/api/v1/claim-documents/:id", .staff) { _, context in
            let document = try await exceptions.document(try context.rawID()).document
            return DeliveryProof(fileName: document.fileName, contentType: document.contentType, bytes: document.bytes).response
        }
    }
}
