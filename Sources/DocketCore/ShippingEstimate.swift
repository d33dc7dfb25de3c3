/// What shipping a parcel would cost with the cheapest active service of the carriers' rate tables: how allocation
/// ranks warehouses by shipping cost (DOMAIN §5). An estimate for ranking, never a charge: sums saturate rather than
/// trap (every rate and weight is bounded at input).
public struct ShippingEstimate: Sendable, Hashable, Codable {
    public var carrierCode: String
    public var serviceCode: String
    public var cost: Money
    public var transitDays: Int

    /// The cheapest quote among active carriers and services for `weightGrams` from a warehouse to `province`,
    /// `kilometres` apart; nil when no service covers it (no rate for the province and no `*` row, or too heavy).
    public static func cheapest(carriers: [Carrier], weightGrams: Int64, province: String, kilometres: Int?) -> ShippingEstimate? {
        Quoter(carriers: carriers, province: province, kilometres: kilometres).cheapest(weightGrams: weightGrams)
    }

    /// The rates that apply from one warehouse to one destination, picked once, so quoting many weights is only
    /// arithmetic (allocation quotes every warehouse combination it weighs).
    public struct Quoter: Sendable {
        struct Option: Sendable {
            var carrierCode: String
            var serviceCode: String
            var maxKilograms: Int64?
            /// The base fee plus the distance part, which do not depend on the weight.
            var fixedMinor: Int64
            var perKgMinor: Int64
            var currency: Currency
            var transitDays: Int
        }

        var options: [Option] = []

        public init(carriers: [Carrier], province: String, kilometres: Int?) {
            let zone = ChinaPlaces.short(province)
            for carrier in carriers where carrier.active {
                for service in carrier.services where service.active {
                    guard let rate = service.rate(zone: zone, kilometres: kilometres) else { continue }
                    options.append(
                        Option(
                            carrierCode: carrier.code, serviceCode: service.code, maxKilograms: service.maxWeightKg.map { Int64($0) },
                            fixedMinor: rate.fixedMinor(service.pricing, kilometres: kilometres), perKgMinor: rate.perKg.minor,
                            currency: rate.baseFee.currency, transitDays: rate.transitDays))
                }
            }
        }

        /// Whole kilograms, rounded up, at least one (how Chinese carriers weigh a parcel).
        static func kilograms(_ weightGrams: Int64) -> Int64 { max(1, (max(0, weightGrams) + 999) / 1000) }

        /// The cheapest cost in minor units, or nil when no service takes the parcel.
        public func cost(weightGrams: Int64) -> Int64? {
            let kilograms = Self.kilograms(weightGrams)
            var best: Int64?
            for option in options where option.maxKilograms.map({ kilograms <= $0 }) ?? true {
                let minor = option.fixedMinor.saturatingAdding(option.perKgMinor.saturatingMultiplying(kilograms))
                if best.map({ minor < $0 }) ?? true { best = minor }
            }
            return best
        }

        public func cheapest(weightGrams: Int64) -> ShippingEstimate? {
            let kilograms = Self.kilograms(weightGrams)
            var best: ShippingEstimate?
            for option in options where option.maxKilograms.map({ kilograms <= $0 }) ?? true {
                let minor = option.fixedMinor.saturatingAdding(option.perKgMinor.saturatingMultiplying(kilograms))
                let quote = ShippingEstimate(
                    carrierCode: option.carrierCode, serviceCode: option.serviceCode, cost: Money(minor: minor, currency: option.currency),
                    transitDays: option.transitDays)
                if best.map({ (quote.cost.minor, quote.transitDays) < ($0.cost.minor, $0.transitDays) }) ?? true { best = quote }
            }
            return best
        }
    }
}

extension CarrierService {
    /// The rate row for a destination (`zone`: the province's short form, `ChinaPlaces.short`): the province's own
    /// row, else `*`; distance pricing needs kilometres. Nil when the service does not go there.
    func rate(zone: String, kilometres: Int?) -> Rate? {
        switch pricing {
        case .zone:
            if !zone.isEmpty, let own = rates.first(where: { ChinaPlaces.names($0.zone, short: zone) }) { return own }
            return rates.first { $0.zone == "*" }
        case .distance:
            return kilometres == nil ? nil : rates.first
        }
    }
}

extension Rate {
    /// What a parcel costs under this rate whatever it weighs: the base fee, plus the distance part when priced by
    /// distance. Saturates rather than traps (rates and distances are bounded at input).
    func fixedMinor(_ pricing: CarrierService.Pricing, kilometres: Int?) -> Int64 {
        guard pricing == .distance, let kilometres else { return baseFee.minor }
        return baseFee.minor.saturatingAdding(perKm.minor.saturatingMultiplying(Int64(kilometres)))
    }
}
