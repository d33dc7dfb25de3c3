import DocketCore
import DocketStore

/// Creating and changing master data, for the JSON API and the pages alike: the route says who may change a kind
/// of record at all; here the record's own rules say which parts only some roles may set (a customer's credit
/// terms are finance's), then the repository writes with its version guard.
struct MasterUseCases<Value: Codable & Sendable & Hashable & Validatable> {
    let repository: MasterRepository<Value>

    func create(_ value: Value, by caller: DocketRequestContext) async throws -> Stored<Value> {
        try Value.checkChange(from: nil, to: value, by: caller.identity?.roles ?? [])
        return try await repository.create(value, by: caller.actor)
    }

    /// Compared with the record as it is now: when that is not the version the caller saw, the write is a version
    /// conflict whatever the comparison said.
    func update(id: ID<Value>, version: Int64, _ value: Value, by caller: DocketRequestContext) async throws -> Stored<Value> {
        let current = try await repository.get(id: id)
        try Value.checkChange(from: current.value, to: value, by: caller.identity?.roles ?? [])
        return try await repository.update(id: id, version: version, value, by: caller.actor)
    }
}

extension MasterUseCases where Value == Customer {
    /// 信用条款: finance (or an administrator) sets a customer's credit limit, rating and payment terms, the rest of
    /// the record as it is at `version`.
    func setCreditTerms(
        id: ID<Customer>, version: Int64, limit: Money, rating: CreditRating, paymentTermsDays: Int, by caller: DocketRequestContext
    ) async throws -> Stored<Customer> {
        let current = try await repository.get(id: id)
        return try await update(
            id: id, version: version, current.value.withCreditTerms(limit: limit, rating: rating, paymentTermsDays: paymentTermsDays),
            by: caller)
    }
}
