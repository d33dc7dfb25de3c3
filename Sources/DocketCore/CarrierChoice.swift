/// 物流方式与承运商: how a shipment travels and with whom (DOMAIN §8). The rules pick the modes that suit the goods
/// (urgent or small and valuable → express; heavy or bulky → road, or rail over distance; urgent and valuable over
/// distance → air); then every active carrier service is quoted from its rate table for the shipment's chargeable
/// weight and destination, and the best one that suits wins. Every other option keeps why it lost, so the choice can
/// be shown and argued with; staff may override it with a reason.

/// The thresholds of the mode rules, configurable per company. Weights in kilograms, volumes in cm³, money in minor
/// units of the order's currency.
public struct ModeRules: Sendable, Hashable, Codable {
    /// At most this heavy (chargeable) and `smallMaxCm3` in volume is a small parcel.
    public var smallMaxKg: Int64
    public var smallMaxCm3: Int64
    /// Goods worth at least this much are valuable.
    public var valuableMinor: Int64
    /// From this weight, or `bulkyFromCm3` in volume, goods go by road or rail.
    public var heavyFromKg: Int64
    public var bulkyFromCm3: Int64
    /// Heavy goods travelling at least this far go by rail.
    public var railFromKm: Int
    /// Urgent and valuable goods travelling at least this far go by air.
    public var airFromKm: Int
    /// Express and air charge by volume weight: cm³ ÷ this, in kilograms (6000 is the industry's divisor).
    public var volumetricDivisor: Int64

    public init(
        smallMaxKg: Int64 = 20, smallMaxCm3: Int64 = 100_000, valuableMinor: Int64 = 500_000, heavyFromKg: Int64 = 100,
        bulkyFromCm3: Int64 = 1_000_000, railFromKm: Int = 800, airFromKm: Int = 1_000, volumetricDivisor: Int64 = 6_000
    ) {
        self.smallMaxKg = smallMaxKg
        self.smallMaxCm3 = smallMaxCm3
        self.valuableMinor = valuableMinor
        self.heavyFromKg = heavyFromKg
        self.bulkyFromCm3 = bulkyFromCm3
        self.railFromKm = railFromKm
        self.airFromKm = airFromKm
        self.volumetricDivisor = volumetricDivisor
    }

    public static let standard = ModeRules()
}

/// What the choice looks at: the shipment's goods and where they go.
public struct ShipmentProfile: Sendable, Hashable {
    public var weightGrams: Int64
    public var volumeCm3: Int64
    /// The goods' value (the order lines' amounts for what this shipment carries).
    public var value: Money
    public var urgent: Bool
    /// The destination province (any spelling `ChinaPlaces` knows).
    public var province: String
    /// Road distance estimate from the warehouse, when both ends have coordinates.
    public var kilometres: Int?
    /// Days from hand-over to the promised date; nil when there is none.
    public var daysToPromise: Int?

    public init(
        weightGrams: Int64, volumeCm3: Int64, value: Money, urgent: Bool, province: String, kilometres: Int?, daysToPromise: Int?
    ) {
        self.weightGrams = weightGrams
        self.volumeCm3 = volumeCm3
        self.value = value
        self.urgent = urgent
        self.province = province
        self.kilometres = kilometres
        self.daysToPromise = daysToPromise
    }
}

/// Why the rules prefer the modes they do (`carrier.rule.<rawValue>`).
public enum ModeRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// Urgent and valuable, going far: air first.
    case urgentValuableFar
    /// Urgent: express first.
    case urgent
    /// Small and valuable: express.
    case smallValuable
    /// Heavy or bulky and going far: rail first.
    case heavyFar
    /// Heavy or bulky: road first.
    case heavy
    /// An ordinary parcel: express or road, whichever is better.
    case parcel
}

/// One carrier service quoted for the shipment, and how it fared.
public struct CarrierOption: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
        case chosen
        /// Suits the goods, arrives in time, costs more than the chosen one.
        case dearer
        /// Same price, takes longer.
        case slower
        /// Cheaper or as good, but urgent goods go by the fastest suitable service.
        case notFastest
        /// Its mode is not one the rules want for these goods.
        case otherMode
        /// Would arrive after the promised date.
        case late
        /// Heavier than the service takes.
        case tooHeavy
        /// No rate for the destination (or no distance to price it by).
        case notCovered
        /// The carrier or the service is inactive.
        case inactive
    }

    public var carrierCode: String
    public var carrierName: String
    public var serviceCode: String
    public var serviceName: String
    public var mode: TransportMode
    /// What the service charges by: the heavier of actual and (for express and air) volume weight, whole kilograms.
    public var chargeableKg: Int64
    /// nil when the service cannot take the shipment (`tooHeavy`, `notCovered`, `inactive`).
    public var cost: Money?
    public var transitDays: Int?
    public var verdict: Verdict

    /// The option in words (`carrier.verdict.<verdict>`), compared with `chosen` where that says something.
    public func message(against chosen: CarrierOption?) -> Message {
        var arguments = ["carrier": carrierName, "service": serviceName, "kg": String(chargeableKg)]
        if let cost { arguments["cost"] = cost.formatted }
        if let transitDays { arguments["days"] = String(transitDays) }
        if let chosen, let cost, let chosenCost = chosen.cost, let difference = cost.minor.checkedSubtracting(chosenCost.minor) {
            arguments["more"] = Money(minor: difference, currency: cost.currency).formatted
        }
        if let chosen, let transitDays, let chosenDays = chosen.transitDays { arguments["slower"] = String(transitDays - chosenDays) }
        return Message("carrier.verdict.\(verdict.rawValue)", arguments)
    }
}

/// The choice: the rule that set the preferred modes, the option chosen (nil when nothing can take the shipment),
/// and every option with its verdict, best first.
public struct CarrierDecision: Sendable, Hashable, Codable {
    public var rule: ModeRule
    public var preferredModes: [TransportMode]
    public var options: [CarrierOption]

    public var chosen: CarrierOption? { options.first { $0.verdict == .chosen } }

    public var ruleMessage: Message {
        Message("carrier.rule.\(rule.rawValue)", ["modes": preferredModes.map(\.rawValue).joined(separator: ",")])
    }
}

public enum CarrierChoice {
    /// The modes the rules want for `profile`, most wanted first, and the rule that said so.
    public static func preferredModes(_ profile: ShipmentProfile, rules: ModeRules = .standard) -> (ModeRule, [TransportMode]) {
        let kilograms = ShippingEstimate.Quoter.kilograms(profile.weightGrams)
        let valuable = profile.value.minor >= rules.valuableMinor
        let heavy = kilograms >= rules.heavyFromKg || profile.volumeCm3 >= rules.bulkyFromCm3
        let small = kilograms <= rules.smallMaxKg && profile.volumeCm3 <= rules.smallMaxCm3
        let far = { (threshold: Int) in profile.kilometres.map { $0 >= threshold } ?? false }
        if profile.urgent && valuable && far(rules.airFromKm) { return (.urgentValuableFar, [.air, .express]) }
        if profile.urgent && !heavy { return (.urgent, [.express, .air]) }
        if small && valuable { return (.smallValuable, [.express]) }
        if heavy { return far(rules.railFromKm) ? (.heavyFar, [.rail, .road]) : (.heavy, [.road, .rail]) }
        if profile.urgent { return (.urgent, [.express, .air, .road]) }
        return (.parcel, [.express, .road])
    }

    /// Whole kilograms a service of `mode` charges for: express and air charge the volume weight when it is more.
    static func chargeableKilograms(_ profile: ShipmentProfile, mode: TransportMode, rules: ModeRules) -> Int64 {
        let actual = ShippingEstimate.Quoter.kilograms(profile.weightGrams)
        guard mode == .express || mode == .air, rules.volumetricDivisor > 0 else { return actual }
        let volumetric = (max(0, profile.volumeCm3) / rules.volumetricDivisor) + (profile.volumeCm3 % rules.volumetricDivisor > 0 ? 1 : 0)
        return max(actual, volumetric)
    }

    /// Quotes every service of every carrier for `profile` and chooses. Among the services that suit (a preferred
    /// mode, able to take it, in time for the promise), urgent goods take the fastest (then the cheapest), others the
    /// cheapest (then the fastest), a more preferred mode winning a tie. When none arrives in time, the earliest
    /// arrival among the preferred modes is chosen and the others are `late`; when no preferred mode can take it at
    /// all, any mode that can is considered. Costs saturate rather than trap (rates and weights are bounded at input).
    public static func choose(_ profile: ShipmentProfile, carriers: [Carrier], rules: ModeRules = .standard) -> CarrierDecision {
        let (rule, preferred) = preferredModes(profile, rules: rules)
        let zone = ChinaPlaces.short(profile.province)
        var options: [CarrierOption] = []
        options.reserveCapacity(carriers.count * 3)
        for carrier in carriers {
            for service in carrier.services {
                let kilograms = chargeableKilograms(profile, mode: service.mode, rules: rules)
                var option = CarrierOption(
                    carrierCode: carrier.code, carrierName: carrier.name, serviceCode: service.code, serviceName: service.name,
                    mode: service.mode, chargeableKg: kilograms, cost: nil, transitDays: nil, verdict: .notCovered)
                if !carrier.active || !service.active {
                    option.verdict = .inactive
                } else if let maxKg = service.maxWeightKg, kilograms > Int64(maxKg) {
                    option.verdict = .tooHeavy
                } else if let rate = service.rate(zone: zone, kilometres: profile.kilometres) {
                    let minor = rate.fixedMinor(service.pricing, kilometres: profile.kilometres)
                        .saturatingAdding(rate.perKg.minor.saturatingMultiplying(kilograms))
                    option.cost = Money(minor: minor, currency: rate.baseFee.currency)
                    option.transitDays = rate.transitDays
                    option.verdict = .dearer  // provisional: decided below
                }
                options.append(option)
            }
        }

        let quoted = options.indices.filter { options[$0].cost != nil }
        var candidates = quoted.filter { preferred.contains(options[$0].mode) }
        if candidates.isEmpty { candidates = quoted }  // nothing preferred can take it: any mode that can
        let inTime = candidates.filter { index in
            guard let days = profile.daysToPromise, let transit = options[index].transitDays else { return true }
            return transit <= days
        }
        let rank = { (index: Int) -> Int in preferred.firstIndex(of: options[index].mode) ?? preferred.count }
        let pool = inTime.isEmpty ? candidates : inTime
        let fastestFirst = profile.urgent || inTime.isEmpty
        let best = pool.min { a, b in
            let x = options[a], y = options[b]
            let (xCost, yCost) = (x.cost?.minor ?? .max, y.cost?.minor ?? .max)
            let (xDays, yDays) = (x.transitDays ?? .max, y.transitDays ?? .max)
            if fastestFirst {
                return (xDays, xCost, rank(a), a) < (yDays, yCost, rank(b), b)
            }
            return (xCost, xDays, rank(a), a) < (yCost, yDays, rank(b), b)
        }
        let candidateSet = Set(candidates), inTimeSet = Set(inTime)
        for index in quoted {
            if index == best {
                options[index].verdict = .chosen
            } else if !candidateSet.contains(index) {
                options[index].verdict = .otherMode
            } else if !inTime.isEmpty && !inTimeSet.contains(index) {
                options[index].verdict = .late
            } else if let best, let cost = options[index].cost?.minor, let bestCost = options[best].cost?.minor {
                let days = options[index].transitDays ?? .max, bestDays = options[best].transitDays ?? .max
                if fastestFirst {
                    options[index].verdict = days > bestDays ? .slower : (cost > bestCost ? .dearer : .notFastest)
                } else {
                    options[index].verdict = cost > bestCost ? .dearer : .slower
                }
            }
        }
        // Best first: the chosen one, then the ones that suit by the same ordering, then the rest.
        let order: [CarrierOption.Verdict: Int] = [
            .chosen: 0, .dearer: 1, .slower: 1, .notFastest: 1, .late: 2, .otherMode: 3, .tooHeavy: 4, .notCovered: 5, .inactive: 6,
        ]
        options.sort { a, b in
            let (x, y) = (order[a.verdict] ?? 9, order[b.verdict] ?? 9)
            if x != y { return x < y }
            return (a.cost?.minor ?? .max, a.transitDays ?? .max, a.carrierCode, a.serviceCode)
                < (b.cost?.minor ?? .max, b.transitDays ?? .max, b.carrierCode, b.serviceCode)
        }
        return CarrierDecision(rule: rule, preferredModes: preferred, options: options)
    }
}

/// The carrier chosen for a shipment as recorded: the decision with every option and why it lost, the option taken,
/// and — when staff took another one — who and why.
public struct CarrierRecord: Sendable, Hashable, Codable {
    public var decision: CarrierDecision
    public var taken: CarrierOption
    /// Set when staff took another option than the rules chose.
    public var overrideReason: String?
    public var chosenBy: String
    public var chosenAt: Timestamp

    public init(decision: CarrierDecision, taken: CarrierOption, overrideReason: String?, chosenBy: String, chosenAt: Timestamp) {
        self.decision = decision
        self.taken = taken
        self.overrideReason = overrideReason
        self.chosenBy = chosenBy
        self.chosenAt = chosenAt
    }
}

extension CarrierChoice {
    /// The option staff take from `decision`: the chosen one when they name none (or name it); another quoted option
    /// only with a reason (the override is recorded). Field-level 422s: nothing can take the shipment
    /// (`noCarrierOption`), an unknown or unquoted service (`notQuoted`), an override without a reason.
    public static func take(_ decision: CarrierDecision, carrierCode: String?, serviceCode: String?, reason: String?) throws(DocketError)
        -> (option: CarrierOption, overrideReason: String?)
    {
        var v = Validator()
        let reason = reason?.trimmingSpaces()
        v.optionalText(reason, "reason", max: 500, multiline: true)
        let named = (carrierCode?.trimmingSpaces()).flatMap { $0.isEmpty ? nil : $0 }
        guard let named else {
            try v.check()
            guard let chosen = decision.chosen else { throw .invalid("carrierCode", "noCarrierOption") }
            return (chosen, nil)
        }
        let service = serviceCode?.trimmingSpaces() ?? ""
        // Options are best first: a carrier named without a service means its best quoted service.
        let quoted = decision.options.filter { $0.carrierCode == named && $0.cost != nil && (service.isEmpty || $0.serviceCode == service) }
        guard let option = quoted.first else {
            v.add(service.isEmpty ? "carrierCode" : "serviceCode", "notQuoted", ["value": service.isEmpty ? named : "\(named) \(service)"])
            try v.check()
            throw .invalid("carrierCode", "notQuoted")
        }
        if option.verdict == .chosen {
            try v.check()
            return (option, nil)
        }
        if (reason ?? "").isEmpty { v.add("reason", "overrideReasonRequired") }
        try v.check()
        return (option, reason)
    }
}

extension ModeRules {
    /// The rules as configured (`--shipping-modes`): `key=value` pairs separated by commas, each overriding the
    /// standard one — `small-kg`, `small-litres`, `valuable-yuan`, `heavy-kg`, `bulky-litres`, `rail-km`, `air-km`,
    /// `volumetric` (cm³ per kg). Nil when a key is unknown or a value is not a whole number in its range.
    public static func parse(_ text: String) -> ModeRules? {
        var rules = ModeRules.standard
        guard let pairs = OrderPolicy.settingPairs(text) else { return nil }
        for (key, text) in pairs {
            guard let value = Int64(text) else { return nil }
            switch (key, value) {
            case ("small-kg", 1...10_000): rules.smallMaxKg = value
            case ("small-litres", 1...100_000): rules.smallMaxCm3 = value * 1_000
            case ("valuable-yuan", 0...Bounds.amountMinor / 100): rules.valuableMinor = value * 100
            case ("heavy-kg", 1...100_000): rules.heavyFromKg = value
            case ("bulky-litres", 1...1_000_000): rules.bulkyFromCm3 = value * 1_000
            case ("rail-km", 0...10_000): rules.railFromKm = Int(value)
            case ("air-km", 0...10_000): rules.airFromKm = Int(value)
            case ("volumetric", 1_000...20_000): rules.volumetricDivisor = value
            default: return nil
            }
        }
        return rules
    }
}
