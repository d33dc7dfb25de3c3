import DocketCore

/// Two carriers for the fulfilment tests: an express with one rate for anywhere (2 days), and a road carrier that is
/// cheaper and slower (4 days), so the choice always has a winner and a loser with a reason.
public let testCarriers: [Carrier] = [
    Carrier(
        code: "SF", name: "顺丰速运",
        services: [
            CarrierService(
                code: "SF-STD", name: "顺丰标快", mode: .express, pricing: .zone,
                rates: [Rate(zone: "*", baseFee: Money(minor: 2_300), perKg: Money(minor: 600), transitDays: 2)])
        ]),
    Carrier(
        code: "DB", name: "德邦物流",
        services: [
            CarrierService(
                code: "DB-LTL", name: "精准卡航", mode: .road, pricing: .zone,
                rates: [Rate(zone: "*", baseFee: Money(minor: 1_500), perKg: Money(minor: 100), transitDays: 4)])
        ]),
]
