/// The kinds of things Docket keeps, named in errors and audit events.
public enum EntityKind: String, Sendable, Codable, CaseIterable {
    case customer, product, warehouse, location, supplier, carrier, carrierService, stockLot, user, order, reviewRule, changeRequest
    case confirmation, transfer, purchaseOrder, productionOrder, shipment, afterSalesCase, webhookSubscription, delivery, servicePenalty, orderException

    public var message: Message { Message("entity.\(rawValue)") }
}

/// One problem with one field of the input, e.g. `contacts[0].phone` → `invalidPhone`.
public struct FieldProblem: Sendable, Hashable, Codable {
    /// A path into the submitted document: `name`, `addresses[1].postcode`.
    public var field: String
    /// A stable machine-readable code; the catalogue key is `problem.<code>`.
    public var code: String
    public var arguments: [String: String]
    /// The message in a reader's language, filled in when an answer carries kept problems (an order waiting for
    /// information); never stored.
    public var text: String?

    public init(_ field: String, _ code: String, _ arguments: [String: String] = [:]) {
        self.field = field
        self.code = code
        self.arguments = arguments
    }

    public var message: Message { Message("problem.\(code)", arguments) }

    /// The problem with its message in `language`.
    public func localized(_ language: Language) -> FieldProblem {
        var copy = self
        copy.text = message.text(language)
        return copy
    }

    private enum CodingKeys: String, CodingKey { case field, code, arguments, text = "message" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        field = try c.decode(String.self, forKey: .field)
        code = try c.decode(String.self, forKey: .code)
        arguments = try c.decodeIfPresent([String: String].self, forKey: .arguments) ?? [:]
        text = try c.decodeIfPresent(String.self, forKey: .text)
    }
}

/// A typed domain error. Mapped to HTTP in exactly one place (the server's error middleware).
public enum DocketError: Error, Sendable, Hashable {
    /// Input failed validation; nothing was written.
    case invalid([FieldProblem])
    /// The thing asked for does not exist.
    case notFound(EntityKind, key: String)
    /// A unique business key is taken.
    case duplicate(EntityKind, field: String, value: String)
    /// Optimistic concurrency: the row changed since the client read it.
    case versionConflict(EntityKind, key: String, current: Int64)
    /// The thing exists but is archived and cannot be used for new work.
    case archived(EntityKind, key: String)
    /// The order's state machine does not allow this action from its current status.
    case illegalTransition(number: String, from: OrderStatus, action: OrderAction)
    /// Another request with the same idempotency key was being processed at the same moment; retrying returns
    /// that request's result.
    case concurrentRequest(key: String)
    /// A review decision for a stage the order has already left (a double click, or two reviewers at once):
    /// nothing was decided.
    case staleStage(number: String, stage: ReviewStage, now: OrderStatus)
    /// A write lost a race, or a decision is stale: what it was decided on changed meanwhile (another person's
    /// action, another node). `because` names the message: `changedMeanwhile`, `alreadyDecided`, `staleRevision`.
    case conflict(EntityKind, key: String, because: String = "changedMeanwhile")

    /// Throws `invalid` with the problems, if there are any.
    public static func check(_ problems: [FieldProblem]) throws(DocketError) {
        if !problems.isEmpty { throw .invalid(problems) }
    }

    public static func invalid(_ field: String, _ code: String, _ arguments: [String: String] = [:]) -> DocketError {
        .invalid([FieldProblem(field, code, arguments)])
    }
}
