/// 异常处理 (DOMAIN §7, seed 003): how an exception is worked and ended. Someone owns it and it has a severity; every
/// word with the customer is recorded; it ends in a resolution — the goods sent again (补发, a new shipment through
/// allocation), money back or a credit recorded for settlement, or the customer satisfied with an explanation — and
/// the loss may be claimed from the carrier or the insurer. Pure: the store reads the facts, these decide.

/// How an exception ended.
public enum ExceptionResolution: String, Sendable, Codable, CaseIterable, Hashable {
    /// The goods were sent again (补发).
    case reshipped
    /// Money went back to the customer (退款), recorded for settlement.
    case refunded
    /// A credit against the customer's next payment (抵扣), recorded for settlement.
    case credited
    /// Settled with the customer by explanation; nothing sent or paid.
    case explained
    /// The goods arrived after all (a delay the system raised, closed by the delivery itself).
    case delivered

    /// The resolutions a person chooses (the last one is the system's).
    public static let chosen: [ExceptionResolution] = [.reshipped, .refunded, .credited, .explained]
}

/// How staff talked with the customer about an exception.
public enum ContactChannel: String, Sendable, Codable, CaseIterable, Hashable {
    case phone, email, sms, wechat, visit, other
}

/// A claim's party: the carrier (承运商索赔) or the insurer (保险理赔).
public enum ClaimParty: String, Sendable, Codable, CaseIterable, Hashable {
    case carrier, insurer
}

/// Where a claim stands: filed, then accepted or rejected; an accepted (or directly settled) claim is paid with
/// the amount recovered.
public enum ClaimStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case filed, accepted, rejected, paid

    public var isFinal: Bool { self == .rejected || self == .paid }

    /// The statuses a claim may move to from here.
    public var next: [ClaimStatus] {
        switch self {
        case .filed: [.accepted, .rejected, .paid]
        case .accepted: [.paid, .rejected]
        case .rejected, .paid: []
        }
    }
}

/// Money to the customer recorded for settlement: a refund (退款) or a credit (抵扣).
public enum SettlementKind: String, Sendable, Codable, CaseIterable, Hashable {
    case refund, credit
}

/// A change of who owns an exception and how bad it is.
/// The kind may be corrected too: a carrier's "exception" turns out to be a lost parcel.
public struct ExceptionAssignment: Sendable, Hashable, Codable {
    public var owner: String?
    public var severity: ExceptionSeverity
    public var kind: ExceptionKind?

    public init(owner: String?, severity: ExceptionSeverity, kind: ExceptionKind? = nil) {
        self.owner = owner
        self.severity = severity
        self.kind = kind
    }
}

/// Staff raising an exception on an order (or one of its shipments).
public struct ExceptionDraft: Sendable, Hashable, Codable {
    public var kind: ExceptionKind
    public var severity: ExceptionSeverity?
    public var description: String
    public var shipmentID: ID<Shipment>?
    /// Tell the customer that it is being looked into.
    public var notifyCustomer: Bool

    public init(kind: ExceptionKind, severity: ExceptionSeverity? = nil, description: String, shipmentID: ID<Shipment>? = nil, notifyCustomer: Bool = false) {
        self.kind = kind
        self.severity = severity
        self.description = description
        self.shipmentID = shipmentID
        self.notifyCustomer = notifyCustomer
    }

    enum CodingKeys: String, CodingKey { case kind, severity, description, shipmentID = "shipmentId", notifyCustomer }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(ExceptionKind.self, forKey: .kind)
        severity = try c.decodeIfPresent(ExceptionSeverity.self, forKey: .severity)
        description = try c.decode(.description, default: "")
        shipmentID = try c.decodeIfPresent(ID<Shipment>.self, forKey: .shipmentID)
        notifyCustomer = try c.decode(.notifyCustomer, default: false)
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.text(description, "description", max: 1000, multiline: true)
        try v.check()
    }
}

/// A word with the customer, as recorded.
public struct ContactRecord: Sendable, Hashable, Codable {
    public var channel: ContactChannel
    public var summary: String

    public init(channel: ContactChannel, summary: String) {
        self.channel = channel
        self.summary = summary
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.text(summary, "summary", max: 2000, multiline: true)
        try v.check()
    }
}

/// A claim as filed: against whom, how much, their reference.
public struct ClaimDraft: Sendable, Hashable, Codable {
    public var party: ClaimParty
    public var amount: Money
    public var reference: String?
    public var note: String?

    public init(party: ClaimParty, amount: Money, reference: String? = nil, note: String? = nil) {
        self.party = party
        self.amount = amount
        self.reference = reference
        self.note = note
    }

    public func validate() throws(DocketError) {
        var v = Validator()
        v.money(amount, "amount")
        if amount.minor == 0 { v.add("amount", "mustBePositive") }
        v.optionalText(reference, "reference", max: 100)
        v.optionalText(note, "note", max: 1000, multiline: true)
        try v.check()
    }
}

/// A claim moving on: its new status, and what was recovered when it is paid.
public struct ClaimUpdate: Sendable, Hashable, Codable {
    public var status: ClaimStatus
    public var recovered: Money?
    public var note: String?

    public init(status: ClaimStatus, recovered: Money? = nil, note: String? = nil) {
        self.status = status
        self.recovered = recovered
        self.note = note
    }

    /// Checks the move from `current` for a claim of `claimed`, and returns what is recovered: the amount paid
    /// (more than nothing, at most the claim) for `paid`, nothing otherwise. A move the claim cannot make is a `409`.
    public func check(from current: ClaimStatus, claimed: Money, number: String) throws(DocketError) -> Money? {
        guard current.next.contains(status) else { throw .conflict(.orderException, key: number, because: "claimStep") }
        var v = Validator()
        v.optionalText(note, "note", max: 1000, multiline: true)
        if status == .paid {
            if let recovered {
                if recovered.currency != claimed.currency { v.add("recovered", "invalidValue", ["allowed": claimed.currency.code]) }
                v.money(recovered, "recovered", max: claimed)
                if recovered.minor == 0 { v.add("recovered", "mustBePositive") }
            } else {
                v.add("recovered", "required")
            }
        } else if status == .rejected, (note ?? "").trimmingSpaces().isEmpty {
            v.add("note", "required")
        }
        try v.check()
        return status == .paid ? recovered : nil
    }
}

/// A document kept with a claim: the carrier's form, photos of the damage, the invoice.
public struct ClaimDocument: Sendable, Hashable {
    public var fileName: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(fileName: String, contentType: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }

    /// Up to 2 MiB each (images and PDF, as a proof of delivery), up to 20 on one claim.
    public static let maxBytes = DeliveryProof.maxBytes
    public static let maxPerClaim = 20

    public func validate() throws(DocketError) {
        var v = Validator()
        DeliveryProof.check(fileName: fileName, contentType: contentType, size: bytes.count, as: "document", &v)
        try v.check()
    }
}

/// Money to the customer for an exception.
public struct SettlementDraft: Sendable, Hashable, Codable {
    public var kind: SettlementKind
    public var amount: Money
    public var note: String?

    public init(kind: SettlementKind, amount: Money, note: String? = nil) {
        self.kind = kind
        self.amount = amount
        self.note = note
    }

    /// Checks the amount against what may still go back on the order: its total less what was refunded or credited
    /// before (checked arithmetic; the order's total is within `Bounds.amount`).
    public func check(orderTotal: Money, settledBefore: Int64) throws(DocketError) {
        var v = Validator()
        v.optionalText(note, "note", max: 1000, multiline: true)
        if amount.currency != orderTotal.currency { v.add("amount", "invalidValue", ["allowed": orderTotal.currency.code]) }
        let left = max(0, orderTotal.minor.checkedSubtracting(settledBefore) ?? 0)
        if amount.minor <= 0 {
            v.add("amount", "mustBePositive")
        } else if amount.minor > left {
            v.add("amount", "moneyOutOfRange", ["max": Money(minor: left, currency: orderTotal.currency).formatted])
        }
        try v.check()
    }
}

/// 补发: what goes again, per order line.
public enum Reship {
    /// The order statuses a reship may start from: the goods have left (some or all), and the order is not complete.
    public static let orderStatuses: [OrderStatus] = [.partiallyShipped, .shipped, .delivered]
    /// The shipment statuses whose goods may be sent again: gone, and not refused back (a refusal is a case).
    public static let shipmentStatuses: [ShipmentStatus] = [.shipped, .exception, .delivered, .lost]

    /// The quantities to send again: `requested` per line (nil: everything the shipment carried that was not sent
    /// again before), each between 1 and what the shipment carried less what earlier reships of it replaced. At
    /// least one line.
    /// `skus` name the lines in problems (`lines[P001].quantity`), as people know them.
    public static func quantities(
        carried: [ID<OrderLine>: Int64], replacedBefore: [ID<OrderLine>: Int64], requested: [ID<OrderLine>: Int64]?, skus: [ID<OrderLine>: String] = [:]
    ) throws(DocketError) -> [ID<OrderLine>: Int64] {
        let left = self.left(carried: carried, replacedBefore: replacedBefore)
        guard let requested else {
            let all = left.filter { $0.value > 0 }
            if all.isEmpty { throw .invalid("lines", "nothingToReship") }
            return all
        }
        var v = Validator()
        var chosen: [ID<OrderLine>: Int64] = [:]
        for (line, quantity) in requested.sorted(by: { $0.key < $1.key }) where quantity != 0 {
            let name = skus[line] ?? "#\(line)"
            guard let most = left[line] else {
                v.add("lines[\(name)]", "notOnShipment")
                continue
            }
            v.range(quantity, "lines[\(name)].quantity", 1...max(1, most))
            if most == 0 { v.add("lines[\(name)].quantity", "nothingToReship") }
            chosen[line] = quantity
        }
        if v.problems.isEmpty && chosen.isEmpty { v.add("lines", "nothingToReship") }
        try v.check()
        return chosen
    }

    /// What of each line a shipment carried may still go again: what it carried less what reships (of any exception)
    /// replaced before.
    public static func left(carried: [ID<OrderLine>: Int64], replacedBefore: [ID<OrderLine>: Int64]) -> [ID<OrderLine>: Int64] {
        var left: [ID<OrderLine>: Int64] = [:]
        for (line, quantity) in carried { left[line] = max(0, quantity.saturatingSubtracting(replacedBefore[line] ?? 0)) }
        return left
    }

    /// Whether the shipment itself is lost with the reship: a lost parcel still on its way.
    public static func losesShipment(kind: ExceptionKind, shipment: ShipmentStatus) -> Bool {
        kind == .lost && (shipment == .shipped || shipment == .exception)
    }
}

/// What an exception's resolution rests on, read by the store.
public struct ExceptionFacts: Sendable, Hashable {
    public var number: String
    public var status: ExceptionStatus
    public var reshipped: Bool
    public var refunded: Bool
    public var credited: Bool

    public init(number: String, status: ExceptionStatus, reshipped: Bool = false, refunded: Bool = false, credited: Bool = false) {
        self.number = number
        self.status = status
        self.reshipped = reshipped
        self.refunded = refunded
        self.credited = credited
    }
}

public enum ExceptionHandling {
    /// An open exception may be worked; a resolved one is a `409`.
    public static func checkOpen(_ facts: ExceptionFacts) throws(DocketError) {
        guard facts.status == .open else { throw .conflict(.orderException, key: facts.number, because: "exceptionResolved") }
    }

    /// Checks a resolution: the exception is open, a person chooses one of `ExceptionResolution.chosen` with a note,
    /// and a resolution that says something was done needs it done (a reship made, a refund or credit recorded).
    public static func checkResolution(_ resolution: ExceptionResolution, note: String?, facts: ExceptionFacts) throws(DocketError) {
        try checkOpen(facts)
        var v = Validator()
        v.optionalText(note, "note", max: 2000, multiline: true)
        if (note ?? "").trimmingSpaces().isEmpty { v.add("note", "required") }
        if !ExceptionResolution.chosen.contains(resolution) {
            v.add("resolution", "invalidValue", ["allowed": ExceptionResolution.chosen.map(\.rawValue).joined(separator: ", ")])
        }
        switch resolution {
        case .reshipped where !facts.reshipped: v.add("resolution", "reshipFirst")
        case .refunded where !facts.refunded: v.add("resolution", "refundFirst")
        case .credited where !facts.credited: v.add("resolution", "creditFirst")
        default: break
        }
        try v.check()
    }

    /// Whether an open exception of `kind` keeps its order from completing: goods lost, damaged, wrong or faulty
    /// must be settled first; a delay is over when the goods arrive (the system closes its own delay exceptions
    /// then).
    public static func blocksCompletion(_ kind: ExceptionKind) -> Bool { kind != .delay }

    /// The kinds whose open exceptions keep an order from completing (`blocksCompletion`), for the store's count.
    public static let blockingKinds: [ExceptionKind] = ExceptionKind.allCases.filter(blocksCompletion)

    /// What the order's delivery closes by itself: the delays the system raised (resolved `delivered`).
    public static let closedByDelivery: (kind: ExceptionKind, source: ExceptionSource) = (.delay, .system)

    /// Whether the customer hears that an exception was opened: always when they reported it, when staff say so;
    /// never for what a carrier or the system raised (a parcel in trouble is looked into first, and the customer is
    /// told of its resolution).
    public static func tellsCustomer(source: ExceptionSource, staffChoice: Bool = false) -> Bool {
        switch source {
        case .customer: true
        case .staff: staffChoice
        case .carrier, .system: false
        }
    }
}

/// When the system raises exceptions by itself: a shipment on its way with no tracking event for this many hours,
/// and an order past its promised date.
public struct ExceptionWatch: Sendable, Hashable {
    public var silentShipmentHours: Int
    public static let hoursBounds = 1...720

    public init(silentShipmentHours: Int = 48) { self.silentShipmentHours = silentShipmentHours }
    public static let standard = ExceptionWatch()
}
