import Foundation

/// After the goods leave (DOMAIN §8–9): the carrier's tracking events, the customer's sign-off (签收) with lines or
/// quantities refused, the after-sales case a refusal opens, and the order's completion. Pure: the store reads, these
/// decide, the store writes.

/// A carrier's (or a person's) word on where a shipment is.
public enum TrackingKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// 已揽收
    case pickedUp = "picked_up"
    /// 运输中
    case inTransit = "in_transit"
    /// 派送中
    case outForDelivery = "out_for_delivery"
    /// 已签收
    case delivered
    /// 异常: lost, damaged, address problem, held at customs…
    case exception

    /// How far along an event says the goods are, for events at the same instant.
    var rank: Int { TrackingKind.allCases.firstIndex(of: self)! }
}

/// One tracking event, as received: a carrier's events carry the carrier's own id (retries and duplicates are
/// recognised by it), and may arrive in any order.
public struct TrackingEvent: Sendable, Hashable, Codable {
    /// The carrier's event id (or one Docket makes for an event entered by staff).
    public var key: String
    public var kind: TrackingKind
    public var occurredAt: Timestamp
    public var location: String?
    public var note: String?
    /// The expected arrival as the carrier now says it.
    public var eta: CalendarDate?
    /// Who signed (`delivered`).
    public var signer: String?

    public init(
        key: String, kind: TrackingKind, occurredAt: Timestamp, location: String? = nil, note: String? = nil, eta: CalendarDate? = nil,
        signer: String? = nil
    ) {
        self.key = key
        self.kind = kind
        self.occurredAt = occurredAt
        self.location = location
        self.note = note
        self.eta = eta
        self.signer = signer
    }

    /// As carriers send it: the event's id is `eventId`.
    enum CodingKeys: String, CodingKey { case key = "eventId", kind, occurredAt, location, note, eta, signer }

    /// Bounds of an event as received at `now`: an id up to 100 characters, place, note and signer up to 200, and a
    /// time no more than a day ahead nor `Tracking.plausibleDays` back (a carrier's clock, or a typo in a date).
    public func validate(_ v: inout Validator, now: Timestamp) {
        v.text(key, "eventId", max: 100)
        if occurredAt > now.adding(days: 1) || occurredAt < now.adding(days: -Tracking.plausibleDays) { v.add("occurredAt", "implausibleTime") }
        v.optionalText(location, "location", max: 200)
        v.optionalText(note, "note", max: 200, multiline: true)
        v.optionalText(signer, "signer", max: 200)
    }
}

public enum Tracking {
    /// How long before now an event may say it happened.
    public static let plausibleDays = 400

    /// Where a shipment stands after `events` (all it has, in any order), from `current`. A final shipment
    /// (delivered, refused, cancelled) stays; a `delivered` event delivers it whenever it arrives; otherwise the
    /// latest event by when it happened decides — an exception puts it in exception, any other event back in transit.
    /// Only a shipment that has left is moved.
    public static func status(_ current: ShipmentStatus, events: [TrackingEvent]) -> ShipmentStatus {
        guard current.hasLeft, !current.isFinal, !events.isEmpty else { return current }
        if events.contains(where: { $0.kind == .delivered }) { return .delivered }
        // At the same instant, the further step wins (an exception over a scan in transit), then the event id.
        let latest = events.max { ($0.occurredAt, $0.kind.rank, $0.key) < ($1.occurredAt, $1.kind.rank, $1.key) }!
        return latest.kind == .exception ? .exception : .shipped
    }

    /// The expected arrival: the latest event that gave one, else `planned` (set when the shipment left).
    public static func eta(_ events: [TrackingEvent], planned: CalendarDate?) -> CalendarDate? {
        events.filter { $0.eta != nil }.max { ($0.occurredAt, $0.key) < ($1.occurredAt, $1.key) }?.eta ?? planned
    }

    /// The delivered event that signs a shipment off, when the events hold one: the earliest.
    public static func delivery(_ events: [TrackingEvent]) -> TrackingEvent? {
        events.filter { $0.kind == .delivered }.min { ($0.occurredAt, $0.key) < ($1.occurredAt, $1.key) }
    }
}

/// Why the customer refused goods at delivery (`refusal.reason.<rawValue>`).
public enum RefusalReason: String, Sendable, Codable, CaseIterable, Hashable {
    /// 少货: fewer than on the delivery note.
    case short
    /// 破损
    case damaged
    /// 质量问题
    case quality
    /// 错发
    case wrongGoods = "wrong_goods"
}

/// Goods of one order line the customer would not take.
public struct Refusal: Sendable, Hashable, Codable {
    public var lineID: ID<OrderLine>
    public var quantity: Int64
    public var reason: RefusalReason
    public var note: String?

    public init(lineID: ID<OrderLine>, quantity: Int64, reason: RefusalReason, note: String? = nil) {
        self.lineID = lineID
        self.quantity = quantity
        self.reason = reason
        self.note = note
    }

    enum CodingKeys: String, CodingKey { case lineID = "lineId", quantity, reason, note }
}

/// The proof of delivery (回单): a photo or a scan of the signed note, kept in the database.
public struct DeliveryProof: Sendable, Hashable {
    public var fileName: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(fileName: String, contentType: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }

    /// Up to 2 MiB: a phone photo or a scan of one page.
    public static let maxBytes = 2 * 1024 * 1024
    public static let contentTypes = ["image/jpeg", "image/png", "image/webp", "application/pdf"]

    public func validate(_ v: inout Validator) {
        Self.check(fileName: fileName, contentType: contentType, size: bytes.count, as: "proof", &v)
    }

    /// A file kept in the database (a proof, a claim's document): named, an image or a PDF, not empty, up to 2 MiB.
    public static func check(fileName: String, contentType: String, size: Int, as field: String, _ v: inout Validator) {
        v.text(fileName, "\(field).fileName", max: 200)
        if !contentTypes.contains(contentType) { v.add("\(field).contentType", "invalidValue", ["allowed": contentTypes.joined(separator: ", ")]) }
        if size == 0 { v.add(field, "required") }
        if size > maxBytes { v.add(field, "fileTooLarge", ["max": "2 MB"]) }
    }
}

/// 签收: who signed and when, and what was refused.
public struct SignOff: Sendable, Hashable {
    public var signer: String
    public var signedAt: Timestamp
    public var refusals: [Refusal]

    public init(signer: String, signedAt: Timestamp, refusals: [Refusal] = []) {
        self.signer = signer
        self.signedAt = signedAt
        self.refusals = refusals
    }
}

public enum Delivery {
    /// Checks a sign-off against what the shipment carried (`shipped`, per order line) and decides the shipment's
    /// status: `refused` when every unit was refused, else `delivered`. A refusal names a line of the shipment once,
    /// for 1 up to what it carried; the signer is named; the time is not in the future nor before the goods left.
    public static func signOff(_ signOff: SignOff, shipped: [ID<OrderLine>: Int64], leftAt: Timestamp?, now: Timestamp) throws(DocketError)
        -> ShipmentStatus
    {
        var v = Validator()
        v.text(signOff.signer, "signer", max: 100)
        if signOff.signedAt > now.adding(milliseconds: 600_000) { v.add("signedAt", "inFuture") }
        if let leftAt, signOff.signedAt < leftAt { v.add("signedAt", "beforeShipped") }
        v.count(signOff.refusals, "refusals", min: 0, max: Bounds.orderLines)
        var seen: Set<ID<OrderLine>> = []
        for (index, refusal) in signOff.refusals.enumerated() {
            guard let carried = shipped[refusal.lineID] else {
                v.add("refusals[\(index)].lineId", "notInShipment", ["value": refusal.lineID.description])
                continue
            }
            if !seen.insert(refusal.lineID).inserted { v.add("refusals[\(index)].lineId", "duplicateLine", ["value": refusal.lineID.description]) }
            v.range(refusal.quantity, "refusals[\(index)].quantity", 1...max(1, carried))
            v.optionalText(refusal.note, "refusals[\(index)].note", max: 500, multiline: true)
        }
        try v.check()
        let refused = signOff.refusals.reduce(into: [ID<OrderLine>: Int64]()) { $0[$1.lineID, default: 0] += $1.quantity }
        return shipped.allSatisfy({ refused[$0.key, default: 0] >= $0.value }) ? .refused : .delivered
    }
}

/// An after-sales case (售后单): it starts here, opened by a refusal at delivery, and after-sales builds on it.
public enum AfterSalesCase {}

public enum CaseStatus: String, Sendable, Codable, CaseIterable, Hashable {
    /// 处理中
    case open
    /// 已结案
    case closed
}

/// How a case was settled (`case.resolution.<rawValue>`).
public enum CaseResolution: String, Sendable, Codable, CaseIterable, Hashable {
    /// 退款: the refused goods are not charged.
    case refund
    /// 补发: sent again (a new order or shipment).
    case reship
    /// 折让: the customer keeps them at a lower price.
    case discount
    /// 不处理: the refusal was withdrawn or not upheld.
    case rejected
}

extension Fulfilment {
    /// Whether an order whose shipments stand at `shipments` and which has `openCases` after-sales cases still open
    /// is complete: every shipment is done (delivered, refused or cancelled, at least one not cancelled) and every
    /// refused line is resolved (its case closed) and nothing is owed (`backordered`: a backorder not yet served
    /// or closed).
    public static func isComplete(shipments: [ShipmentStatus], openCases: Int, backordered: Bool = false) -> Bool {
        openCases == 0 && orderStatus(shipments, backordered: backordered) == .delivered
    }

    /// The order's moves after a shipment step: the shipment-driven move (`orderMove`), then `complete` when the
    /// order is complete (`isComplete`). Empty when it stays.
    public static func orderMoves(from state: OrderState, number: String, shipments: [ShipmentStatus], openCases: Int, backordered: Bool = false)
        throws(DocketError) -> [(action: OrderAction, next: OrderState)]
    {
        var moves: [(action: OrderAction, next: OrderState)] = []
        var current = state
        if let move = try orderMove(from: state, number: number, shipments: shipments, backordered: backordered) {
            moves.append(move)
            current = move.next
        }
        if current.status == .delivered, isComplete(shipments: shipments, openCases: openCases, backordered: backordered),
            let next = try? OrderLifecycle.apply(.complete, to: current)
        {
            moves.append((.complete, next))
        }
        return moves
    }
}

extension OrderWorkflow {
    /// A completed order is archived after `OrderPolicy.archiveAfterDays`: read-only from completion, out of the
    /// working lists (still searchable) from then.
    public static func onCompletion(now: Timestamp, policy: OrderPolicy) -> [OrderEffect] {
        [.startTimer(.archive, due: now.adding(days: policy.archiveAfterDays))]
    }

    /// What entering a status by a shipment's step makes happen besides the move: the customer hears when the last
    /// of the order's goods was signed for.
    public static func onEntering(_ status: OrderStatus) -> [OrderEffect] {
        status == .delivered ? [.notify(.delivered)] : []
    }
}
