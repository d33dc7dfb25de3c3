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
        let kilograms = max(1, (max(0, weightGrams) + 999) / 1000)
        let zone = ChinaPlaces.short(province)
        var best: ShippingEstimate?
        for carrier in carriers where carrier.active {
            for service in carrier.services where service.active {
                if let limit = service.maxWeightKg, kilograms > Int64(limit) { continue }
                let rate: Rate?
                switch service.pricing {
                case .zone:
                    rate = service.rates.first { ChinaPlaces.short($0.zone) == zone && !zone.isEmpty } ?? service.rates.first { $0.zone == "*" }
                case .distance:
                    rate = kilometres == nil ? nil : service.rates.first
                }
                guard let rate else { continue }
                var minor = rate.baseFee.minor.saturatingAdding(rate.perKg.minor.saturatingMultiplying(kilograms))
                if service.pricing == .distance, let kilometres {
                    minor = minor.saturatingAdding(rate.perKm.minor.saturatingMultiplying(Int64(kilometres)))
                }
                let quote = ShippingEstimate(
                    carrierCode: carrier.code, serviceCode: service.code, cost: Money(minor: minor, currency: rate.baseFee.currency),
                    transitDays: rate.transitDays)
                if best.map({ (quote.cost.minor, quote.transitDays) < ($0.cost.minor, $0.transitDays) }) ?? true { best = quote }
            }
        }
        return best
    }
}
