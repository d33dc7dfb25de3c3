/// A typed row id: `ID<Customer>` and `ID<Product>` cannot be mixed up.
///
/// Ids are assigned by the database; on the wire and in storage they are plain 64-bit integers.
public struct ID<Entity>: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible
{
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// The tag of an order's id, `ID<Order>` (the order itself is `StoredOrder` in the store, `OrderDraft` before intake).
public enum Order {}

/// The tag of an order line's id, `ID<OrderLine>`: a line keeps it across revisions, so reservations and shipments
/// can point at it.
public enum OrderLine {}

/// A literal id (`let missing: ID<Order> = 999`) is still an id of one kind: it cannot be passed as another's.
extension ID: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self.init(value) }
}
