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
                    let rate: Rate?
                    switch service.pricing {
                    case .zone:
                        rate = service.rates.first { !zone.isEmpty && ChinaPlaces.names($0.zone, short: zone) } ?? service.rates.first { $0.zone == "*" }
                    case .distance:
                        rate = kilometres == nil ? nil : service.rates.first
                    }
                    guard let rate else { continue }
                    var fixed = rate.baseFee.minor
                    if service.pricing == .distance, let kilometres {
                        fixed = fixed.saturatingAdding(rate.perKm.minor.saturatingMultiplying(Int64(kilometres)))
                    }
                    options.append(
                        Option(
                            carrierCode: carrier.code, serviceCode: service.code, maxKilograms: service.maxWeightKg.map { Int64($0) },
                            fixedMinor: fixed, perKgMinor: rate.perKg.minor, currency: rate.baseFee.currency, transitDays: rate.transitDays))
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
