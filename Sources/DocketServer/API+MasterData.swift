import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// `/api/v1/<things>`: list, create, read, update, archive and restore for one kind of master data.
struct MasterDataAPI<Value: Codable & Sendable & Hashable & Validatable> {
    let repository: MasterRepository<Value>
    let path: String
    /// Who may change these records; everyone signed in may read them.
    let write: Access

    var useCases: MasterUseCases<Value> { MasterUseCases(repository: repository) }

    func register(on routes: SecureRoutes) {
        let path = "/api/v1/" + self.path
        routes.get(path, .staff) { request, _ in
            try JSON.response(try await repository.list(try ListParameters(request).listQuery))
        }
        routes.post(path, write) { request, context in
            let value = try await JSON.decode(Value.self, from: request, context: context)
            let stored = try await useCases.create(value, by: context)
            return try JSON.response(
                stored, status: .created,
                headers: [.location: "\(path)/\(stored.id)", .eTag: "\"\(stored.version)\""])
        }
        routes.get("\(path)/:id", .staff) { _, context in
            let stored = try await repository.get(id: try context.id())
            return try JSON.response(stored, headers: [.eTag: "\"\(stored.version)\""])
        }
        routes.put("\(path)/:id", write) { request, context in
            let id: ID<Value> = try context.id()
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let data = Data(body.readableBytesView)
            let value = try JSON.decode(Value.self, from: data)
            let version = try expectedVersion(request, body: data)
            let stored = try await useCases.update(id: id, version: version, value, by: context)
            return try JSON.response(stored, headers: [.eTag: "\"\(stored.version)\""])
        }
        routes.post("\(path)/:id/archive", write) { _, context in
            try JSON.response(try await repository.setArchived(id: try context.id(), true, by: context.actor))
        }
        routes.post("\(path)/:id/restore", write) { _, context in
            try JSON.response(try await repository.setArchived(id: try context.id(), false, by: context.actor))
        }
        routes.get("\(path)/:id/history", .staff) { _, context in
            let id: ID<Value> = try context.id()
            _ = try await repository.get(id: id)
            return try JSON.response(
                try await repository.store.auditEvents(entity: repository.entity, id: id.rawValue))
        }
    }
}

/// `PUT /api/v1/customers/{id}/credit`: finance sets a customer's credit terms (`creditLimit`, `creditRating`,
/// `paymentTermsDays`, with `If-Match` or `version`); the whole-record `PUT` refuses credit changes from others.
struct CustomerCreditAPI {
    let repository: MasterRepository<Customer>

    struct Terms: Decodable {
        var creditLimit: Money
        var creditRating: CreditRating
        var paymentTermsDays: Int
    }

    func register(on routes: SecureRoutes) {
        routes.put("/api/v1/customers/:id/credit", .customerCredit) { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let data = Data(body.readableBytesView)
            let terms = try JSON.decode(Terms.self, from: data)
            let stored = try await MasterUseCases(repository: repository).setCreditTerms(
                id: try context.id(), version: try expectedVersion(request, body: data), limit: terms.creditLimit,
                rating: terms.creditRating, paymentTermsDays: terms.paymentTermsDays, by: context)
            return try JSON.response(stored, headers: [.eTag: "\"\(stored.version)\""])
        }
    }
}

/// The version an update expects: `If-Match: "3"` or `"version": 3` in the body.
func expectedVersion(_ request: Request, body: Data) throws -> Int64 {
    if let header = request.headers[.ifMatch] {
        let trimmed = header.trimmingCharacters(in: CharacterSet(charactersIn: "\" W/"))
        guard let version = Int64(trimmed) else { throw DocketError.invalid("If-Match", "invalidNumber") }
        return version
    }
    struct Versioned: Decodable { var version: Int64? }
    guard let version = try JSON.decode(Versioned.self, from: body).version else {
        throw DocketError.invalid("version", "required")
    }
    return version
}

/// `?q=&limit=&offset=&archived=true`, checked with field-level problems.
struct ListParameters {
    var search: String?
    var limit = 50
    var offset = 0
    var includeArchived = false
    /// `sort=name` or `sort=-name` (descending).
    var sort: String?
    var descending = false

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        var v = Validator()
        search = query.get("q")
        if let text = query.get("limit") {
            if let value = Int(text) { limit = value } else { v.add("limit", "invalidNumber") }
        }
        if let text = query.get("offset") {
            if let value = Int(text) { offset = value } else { v.add("offset", "invalidNumber") }
        }
        if let text = query.get("archived") { includeArchived = ["1", "true", "yes"].contains(text.lowercased()) }
        if let text = query.get("sort"), !text.isEmpty {
            descending = text.hasPrefix("-")
            sort = String(text.dropFirst(descending ? 1 : 0))
        }
        try v.check()
    }

    var listQuery: ListQuery {
        var query = ListQuery(search: search, limit: limit, offset: offset, includeArchived: includeArchived)
        query.sort = sort
        query.descending = descending
        return query
    }
}

extension DocketRequestContext {
    /// The `:id` path parameter as a typed id; a malformed id is simply not found.
    func id<T>(_ name: String = "id", entity: EntityKind? = nil) throws -> ID<T> {
        let text = parameters.get(name) ?? ""
        guard let raw = Int64(text), raw > 0 else { throw HTTPError(.notFound) }
        return ID(raw)
    }

    /// A record id that is not typed (deliveries, webhook subscriptions): a 404 when it is not a positive number.
    func rawID(_ name: String = "id") throws -> Int64 {
        guard let raw = Int64(parameters.get(name) ?? ""), raw > 0 else { throw HTTPError(.notFound) }
        return raw
    }
}
