@testable import DocketCore
import PropertyBased
import Testing

/// Four carriers like the demo's: two express networks (one dear and fast, one cheap and slow), road freight priced
/// per province and rail priced by distance; an air service.
let testCarriers: [Carrier] = {
    func zone(_ near: [String], _ nearFee: Int64, _ nearKg: Int64, _ farFee: Int64, _ farKg: Int64, _ nearDays: Int, _ farDays: Int) -> [Rate] {
        near.map { Rate(zone: $0, baseFee: Money(minor: nearFee), perKg: Money(minor: nearKg), transitDays: nearDays) }
            + [Rate(zone: "*", baseFee: Money(minor: farFee), perKg: Money(minor: farKg), transitDays: farDays)]
    }
    let east = ["上海市", "江苏省", "浙江省"]
    return [
        Carrier(code: "SF", name: "顺丰速运", services: [
            CarrierService(code: "SF-STD", name: "顺丰标快", mode: .express, pricing: .zone, maxWeightKg: 50, rates: zone(east, 1_200, 200, 2_300, 800, 1, 2)),
            CarrierService(code: "SF-AIR", name: "顺丰空配", mode: .air, pricing: .zone, maxWeightKg: 100, rates: zone(east, 2_000, 600, 3_000, 1_500, 1, 1)),
        ]),
        Carrier(code: "ZTO", name: "中通快递", services: [
            CarrierService(code: "ZTO-STD", name: "中通标准快递", mode: .express, pricing: .zone, maxWeightKg: 40, rates: zone(east, 500, 100, 800, 400, 2, 4))
        ]),
        Carrier(code: "JD", name: "京东物流", services: [
            CarrierService(code: "JD-LTL", name: "京东大件零担", mode: .road, pricing: .zone, rates: zone(east, 3_000, 80, 5_000, 150, 2, 4))
        ]),
        Carrier(code: "CRE", name: "中铁快运", services: [
            CarrierService(code: "CRE-RAIL", name: "铁路零担", mode: .rail, pricing: .distance,
                rates: [Rate(zone: "*", baseFee: Money(minor: 8_000), perKg: Money(minor: 30), perKm: Money(minor: 2), transitDays: 5)])
        ]),
    ]
}()

func profile(
    kg: Int64, cm3: Int64 = 10_000, value: Int64 = 10_000, urgent: Bool = false, province: String = "浙江省", km: Int? = 200, days: Int? = nil
) -> ShipmentProfile {
    ShipmentProfile(
        weightGrams: kg * 1000, volumeCm3: cm3, value: Money(minor: value), urgent: urgent, province: province, kilometres: km, daysToPromise: days)
}

@Suite struct CarrierChoiceTests {
    /// A pack form's problems name the package and the field as the form labels them, never the path.
    @Test func packFormFieldsAreSaidInWords() {
        for field in ["weightKg", "lengthMm", "widthMm", "heightMm", "volumeCm3"] {
            let zh = FieldLabel.text("packages[0].\(field)", in: .zhCN)
            #expect(zh.hasPrefix("包裹") && zh.contains("1") && !zh.contains(field), "\(zh)")
            #expect(!FieldLabel.text("packages[1].\(field)", in: .en).contains(field))
        }
    }

    @Test func anOrdinaryParcelGoesTheCheapestWayAndEveryOtherOptionSaysWhyItLost() throws {
        let decision = CarrierChoice.choose(profile(kg: 3), carriers: testCarriers)
        #expect(decision.rule == .parcel)
        let chosen = try #require(decision.chosen)
        #expect(chosen.serviceCode == "ZTO-STD")  // 5.00 + 3 × 1.00 = 8.00
        #expect(chosen.cost == Money(minor: 800))
        let verdicts = Dictionary(uniqueKeysWithValues: decision.options.map { ($0.serviceCode, $0.verdict) })
        #expect(verdicts["SF-STD"] == .dearer)  // 12.00 + 6.00
        #expect(verdicts["JD-LTL"] == .dearer)  // road is preferred for parcels too, and dearer
        #expect(verdicts["SF-AIR"] == .otherMode)
        #expect(verdicts["CRE-RAIL"] == .otherMode)
        #expect(decision.options.first?.verdict == .chosen)
        // Said in words, in both languages, with nothing left unfilled.
        for option in decision.options {
            for language in Language.allCases {
                let text = option.message(against: chosen).text(language)
                #expect(!text.contains("{") && !text.contains("carrier.verdict"), "\(text)")
            }
        }
        #expect(decision.options.first { $0.serviceCode == "SF-STD" }!.message(against: chosen).text(.zhCN).contains("贵 ¥10.00"))
    }

    @Test func urgentGoodsTakeTheFastestAndTheValuableFarOnesFly() throws {
        let urgent = CarrierChoice.choose(profile(kg: 3, urgent: true), carriers: testCarriers)
        #expect(urgent.rule == .urgent)
        #expect(urgent.chosen?.serviceCode == "SF-STD")  // 1 day against ZTO's 2; air is a tie on days but dearer
        #expect(urgent.options.first { $0.serviceCode == "ZTO-STD" }?.verdict == .slower)

        let far = CarrierChoice.choose(profile(kg: 3, value: 900_000, urgent: true, province: "四川省", km: 1_700), carriers: testCarriers)
        #expect(far.rule == .urgentValuableFar)
        #expect(far.chosen?.serviceCode == "SF-AIR")  // 1 day to the far zone; express takes 2
    }

    @Test func heavyGoodsGoByRoadNearAndByRailFar() throws {
        let near = CarrierChoice.choose(profile(kg: 400, cm3: 2_000_000, km: 150), carriers: testCarriers)
        #expect(near.rule == .heavy)
        // Both suit; not urgent, so the cheaper wins: rail 80 + 400 × 0.30 + 150 km × 0.02 = ¥203 against road's
        // 30 + 400 × 0.80 = ¥350.
        #expect(near.chosen?.serviceCode == "CRE-RAIL")
        #expect(near.chosen?.cost == Money(minor: 20_300))
        #expect(near.options.first { $0.serviceCode == "JD-LTL" }?.verdict == .dearer)
        #expect(near.options.first { $0.serviceCode == "SF-STD" }?.verdict == .tooHeavy)
        let far = CarrierChoice.choose(profile(kg: 400, cm3: 2_000_000, province: "新疆维吾尔自治区", km: 3_000), carriers: testCarriers)
        #expect(far.rule == .heavyFar)
        #expect(far.chosen?.serviceCode == "CRE-RAIL")  // ¥260 against road's ¥650
        #expect(far.preferredModes == [.rail, .road])
    }

    @Test func aPromisedDateRulesOutTheSlowOnes() throws {
        // Two days left: ZTO's four days to the far zone would be late, so SF is chosen although it costs more.
        let decision = CarrierChoice.choose(profile(kg: 2, province: "北京市", km: 1_200, days: 2), carriers: testCarriers)
        #expect(decision.chosen?.serviceCode == "SF-STD")
        #expect(decision.options.first { $0.serviceCode == "ZTO-STD" }?.verdict == .late)
        // Nothing arrives in time: the earliest suitable arrival is chosen rather than none.
        let hopeless = CarrierChoice.choose(profile(kg: 2, province: "北京市", km: 1_200, days: 0), carriers: testCarriers)
        #expect(hopeless.chosen?.serviceCode == "SF-STD")
    }

    @Test func volumeWeightInactiveServicesAndNoCoverage() throws {
        // 60,000 cm³ of feathers weighing 1 kg: express charges 10 kg of volume weight, road the actual kilogram.
        let light = CarrierChoice.choose(profile(kg: 1, cm3: 60_000), carriers: testCarriers)
        #expect(light.options.first { $0.serviceCode == "ZTO-STD" }?.chargeableKg == 10)
        #expect(light.options.first { $0.serviceCode == "JD-LTL" }?.chargeableKg == 1)

        var carriers = testCarriers
        carriers[1].active = false
        carriers[0].services[0].rates = [Rate(zone: "上海市", baseFee: Money(minor: 1_000), transitDays: 1)]
        let decision = CarrierChoice.choose(profile(kg: 3, province: "广东省", km: nil), carriers: carriers)
        let verdicts = Dictionary(uniqueKeysWithValues: decision.options.map { ($0.serviceCode, $0.verdict) })
        #expect(verdicts["ZTO-STD"] == .inactive)
        #expect(verdicts["SF-STD"] == .notCovered)
        #expect(verdicts["CRE-RAIL"] == .notCovered)  // priced by distance, and there is none
        #expect(decision.chosen?.serviceCode == "JD-LTL")

        // Rate rows name provinces in any spelling: the quick comparison agrees with the short forms.
        for name in ["浙江省", "浙江", " 浙江省", "浙江省 ", "广西壮族自治区", "广西", "上海市", "上海", "浙", "浙江省会", "*", ""] {
            for short in ["浙江", "广西", "上海", "浙"] {
                #expect(ChinaPlaces.names(name, short: short) == (ChinaPlaces.short(name) == short), "\(name) \(short)")
            }
        }
        #expect(CarrierChoice.choose(profile(kg: 3, province: "浙江"), carriers: testCarriers).chosen?.cost == Money(minor: 800))

        let none = CarrierChoice.choose(profile(kg: 3), carriers: [])
        #expect(none.chosen == nil && none.options.isEmpty)
    }

    /// Whatever the goods, the chosen option is one that can take them, and no other option that suits them (same
    /// pool: a preferred mode, in time) is better by the ordering the rule uses.
    @Test func theChoiceIsNeverBeatenByAnOptionThatSuits() async {
        await propertyCheck(input: Gen.int64(in: 1...Int64.max)) { seed in
            var random = SplitMix(seed)
            let provinces = ["浙江省", "上海市", "北京市", "四川省", "广东省", "新疆维吾尔自治区"]
            let p = ShipmentProfile(
                weightGrams: Int64(random.int(0...600_000)), volumeCm3: Int64(random.int(0...3_000_000)),
                value: Money(minor: Int64(random.int(0...2_000_000))), urgent: random.chance(30),
                province: provinces[random.int(0...provinces.count - 1)], kilometres: random.chance(80) ? random.int(0...4_000) : nil,
                daysToPromise: random.chance(50) ? random.int(0...6) : nil)
            let decision = CarrierChoice.choose(p, carriers: testCarriers)
            guard let chosen = decision.chosen else {
                #expect(decision.options.allSatisfy { $0.cost == nil }, "nothing chosen although something could take it: \(p)")
                return
            }
            #expect(chosen.cost != nil && chosen.transitDays != nil)
            #expect(decision.options.filter { $0.verdict == .chosen }.count == 1)
            // Urgent goods, or a promise nothing can keep: the fastest first; otherwise the cheapest first.
            let noneInTime = !decision.options.contains { $0.verdict == .late } && p.daysToPromise.map { chosen.transitDays! > $0 } == true
            for option in decision.options where [.dearer, .slower, .notFastest].contains(option.verdict) {
                let better = p.urgent || noneInTime
                    ? (option.transitDays!, option.cost!.minor) < (chosen.transitDays!, chosen.cost!.minor)
                    : (option.cost!.minor, option.transitDays!) < (chosen.cost!.minor, chosen.transitDays!)
                #expect(!better, "\(option.serviceCode) beats \(chosen.serviceCode) for \(p)")
            }
        }
    }
}

@Suite struct ShipmentTests {
    func line(_ id: Int64, _ sku: String, lot: Int64, location: String, _ quantity: Int64) -> ShipmentLine {
        ShipmentLine(lineID: ID(id), sku: sku, lotID: ID(lot), location: location, lot: "L\(lot)", expiry: nil, quantity: quantity)
    }

    @Test func anOrderHeldInTwoWarehousesLeavesAsTwoShipmentsInPickingOrder() {
        let held = [
            (warehouse: "SH", line: line(1, "B", lot: 3, location: "A-02", 2)),
            (warehouse: "GZ", line: line(2, "C", lot: 9, location: "B-01", 1)),
            (warehouse: "SH", line: line(2, "C", lot: 4, location: "A-01", 5)),
            (warehouse: "SH", line: line(3, "D", lot: 5, location: "A-01", 0)),  // nothing held: no line
        ]
        let split = Fulfilment.split(held, preferred: ["GZ", "SH"])
        #expect(split.map(\.warehouse) == ["GZ", "SH"])
        #expect(split[1].lines.map(\.location) == ["A-01", "A-02"])
        #expect(split[1].lines.map(\.quantity) == [5, 2])
    }

    @Test func theOrderStatusFollowsItsShipments() throws {
        #expect(Fulfilment.orderStatus([]) == nil)
        #expect(Fulfilment.orderStatus([.cancelled]) == nil)
        #expect(Fulfilment.orderStatus([.toPick, .toPick]) == .allocated)
        #expect(Fulfilment.orderStatus([.picked, .toPick]) == .picking)
        #expect(Fulfilment.orderStatus([.packed, .picked]) == .picking)
        #expect(Fulfilment.orderStatus([.packed, .packed]) == .packed)
        #expect(Fulfilment.orderStatus([.shipped, .toPick]) == .partiallyShipped)
        #expect(Fulfilment.orderStatus([.shipped, .exception]) == .shipped)
        #expect(Fulfilment.orderStatus([.delivered, .shipped]) == .shipped)
        #expect(Fulfilment.orderStatus([.delivered, .refused]) == .delivered)

        // One step may carry the order over two statuses: the shipment still to go cancelled while the other was
        // delivered — through `shipped` to `delivered`, by the table.
        let carried = try #require(try Fulfilment.orderMove(from: OrderState(status: .partiallyShipped), number: "SO1", shipments: [.delivered, .cancelled]))
        #expect(carried.action == .deliver && carried.next.status == .delivered)
        // An order on hold is not moved by its shipments: the step is refused, naming the order.
        #expect(throws: DocketError.illegalTransition(number: "SO1", from: .onHold, action: .startPicking)) {
            try Fulfilment.orderMove(from: OrderState(status: .onHold, heldFrom: .allocated), number: "SO1", shipments: [.picked])
        }

        // Every order of steps over two shipments moves the order only by transitions the table allows.
        let paths: [[ShipmentAction]] = [[.pick, .pack, .ship, .deliver], [.pick, .pack, .ship, .refuse], [.pick, .pack, .ship, .exception, .deliver]]
        for first in paths {
            for second in paths {
                for interleave in 0..<16 {
                    var shipments: [ShipmentStatus] = [.toPick, .toPick]
                    var order = OrderState(status: .allocated)
                    var steps = [(0, first), (1, second)].flatMap { index, path in path.map { (index, $0) } }
                    // A deterministic interleaving: stable-sorted by a pattern, each shipment's own steps kept in order.
                    var queues = [Array(steps.filter { $0.0 == 0 }), Array(steps.filter { $0.0 == 1 })]
                    steps = []
                    var bit = 0
                    while !queues[0].isEmpty || !queues[1].isEmpty {
                        let pick = queues[0].isEmpty ? 1 : queues[1].isEmpty ? 0 : (interleave >> (bit % 4)) & 1
                        steps.append(queues[pick].removeFirst())
                        bit += 1
                    }
                    for (index, action) in steps {
                        shipments[index] = try ShipmentLifecycle.apply(action, to: shipments[index], number: "S")
                        if let move = try Fulfilment.orderMove(from: order, number: "SO1", shipments: shipments) { order = move.next }
                    }
                    #expect(order.status == .delivered, "\(first) \(second) \(interleave)")
                }
            }
        }
    }

    @Test func aStepThatDoesNotApplyIsAConflictNamingTheShipment() {
        #expect(throws: DocketError.conflict(.shipment, key: "S1", because: "shipmentStep")) {
            try ShipmentLifecycle.apply(.ship, to: .toPick, number: "S1")
        }
        #expect(throws: DocketError.conflict(.shipment, key: "S1", because: "shipmentStep")) {
            try ShipmentLifecycle.apply(.cancel, to: .shipped, number: "S1")
        }
        #expect(ShipmentLifecycle.actions(from: .shipped) == [.exception, .deliver, .refuse, .lose])
        #expect(ShipmentLifecycle.actions(from: .lost).isEmpty, "a lost parcel is final")
    }

    @Test func aShortPickIsRecordedNeverSilent() throws {
        let lines = [line(1, "A", lot: 1, location: "A-01", 5), line(2, "B", lot: 2, location: "A-02", 3)]
        let outcome = try Fulfilment.confirmPick(lines, picked: [
            PickedQuantity(lineID: 1, lotID: 1, quantity: 5), PickedQuantity(lineID: 2, lotID: 2, quantity: 1),
        ])
        #expect(outcome.map(\.short) == [0, 2])
        // Over the list, a line missing, a line not on the list, nothing at all: field problems, nothing decided.
        #expect(throws: DocketError.invalid([FieldProblem("picked[1].quantity", "outOfRange", ["min": "0", "max": "3"])])) {
            try Fulfilment.confirmPick(lines, picked: [PickedQuantity(lineID: 1, lotID: 1, quantity: 5), PickedQuantity(lineID: 2, lotID: 2, quantity: 4)])
        }
        #expect(throws: DocketError.invalid([FieldProblem("picked[1]", "required"), FieldProblem("picked[1]", "notOnPickList")])) {
            try Fulfilment.confirmPick(lines, picked: [PickedQuantity(lineID: 1, lotID: 1, quantity: 5), PickedQuantity(lineID: 2, lotID: 7, quantity: 1)])
        }
        #expect(throws: DocketError.invalid([FieldProblem("picked[2]", "duplicateLine", ["value": "2"])])) {
            try Fulfilment.confirmPick(lines, picked: [
                PickedQuantity(lineID: 1, lotID: 1, quantity: 5), PickedQuantity(lineID: 2, lotID: 2, quantity: 1),
                PickedQuantity(lineID: 2, lotID: 2, quantity: 3),
            ])
        }
        #expect(FieldProblem("picked[2]", "duplicateLine", ["value": "2"]).message.text(.zhCN) == "第 2 号行出现了两次")
        #expect(throws: DocketError.invalid([FieldProblem("picked", "nothingPicked")])) {
            try Fulfilment.confirmPick(lines, picked: [PickedQuantity(lineID: 1, lotID: 1, quantity: 0), PickedQuantity(lineID: 2, lotID: 2, quantity: 0)])
        }
    }

    @Test func packagesAreSuggestedByWeightAndVolumeWithHandlingMarks() throws {
        let items = [
            PackingItem(lineID: 1, sku: "GLASS", quantity: 7, unitWeightGrams: 10_000, unitVolumeCm3: 5_000, fragile: true),
            PackingItem(lineID: 2, sku: "OIL", quantity: 2, unitWeightGrams: 4_000, unitVolumeCm3: 4_000, liquid: true),
            PackingItem(lineID: 3, sku: "SOFA", quantity: 1, unitWeightGrams: 60_000, unitVolumeCm3: 900_000, dimensionsMm: [2000, 900, 500]),
        ]
        let packages = try Packing.suggest(items)
        // 30 kg each: 3 glasses, 3 glasses, 1 glass + 2 oil (18 kg), then the sofa alone.
        #expect(packages.map(\.weightGrams) == [30_000, 30_000, 18_000, 60_000])
        #expect(packages.map(\.handling) == [[.fragile], [.fragile], [.fragile, .liquid], []])
        #expect(packages[3].lengthMm == 2000 && packages[3].heightMm == 500)
        #expect(packages[0].lengthMm == 247)  // a cube of 15,000 cm³ is 246.6 mm a side, rounded up
        // Every unit is in exactly one package.
        try Packing.check(packages, against: [1: 7, 2: 2, 3: 1])
        #expect(throws: DocketError.self) { try Packing.check(packages, against: [1: 8, 2: 2, 3: 1]) }
        #expect(throws: DocketError.invalid("packages", "tooManyPackages", ["max": "200"])) {
            try Packing.suggest([PackingItem(lineID: 1, sku: "BRICK", quantity: 10_000, unitWeightGrams: 25_000, unitVolumeCm3: 1)])
        }
        for handling in Handling.allCases {
            #expect(!handling.note.text(.zhCN).contains("packing."))
        }
    }
}
