import Foundation
import Testing

@testable import DocketCore

@testable import DocketStore

/// The write path's JSON columns: the same text as Foundation's JSONEncoder (sorted keys, slashes unescaped), and
/// read back the same by JSONDecoder.
@Suite struct ColumnJSONTests {
    struct Inner: Codable, Equatable {
        var name: String
        var quantity: Int64?
        var tags: [String]
    }

    enum Kind: String, Codable { case picked, laterLot }

    struct Sample: Codable, Equatable {
        var text: String
        var count: Int64
        var small: Int
        var flag: Bool
        var none: String?
        var kind: Kind
        var id: ID<Order>
        var money: Money
        var day: CalendarDate?
        var inner: [Inner]
        var byWarehouse: [String: Int64]
        var nested: [[Int64]]
        var empty: [String]
        var optionalInner: Inner?
    }

    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        var random = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "Z", "0", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{8}", "\u{C}", "\u{1F}", "\u{7F}", "中", "仓", "—", "😀", " ", "{", "}", ":", ","]
        for round in 0..<300 {
            func text() -> String { (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined() }
            let sample = Sample(
                text: text(), count: Int64.random(in: Int64.min...Int64.max, using: &random), small: Int.random(in: -5...5, using: &random),
                flag: round % 2 == 0, none: round % 3 == 0 ? text() : nil, kind: round % 2 == 0 ? .picked : .laterLot, id: ID(Int64(round + 1)),
                money: Money(minor: Int64.random(in: -1_000_000...1_000_000, using: &random)),
                day: round % 4 == 0 ? nil : CalendarDate(year: 2026, month: 1 + round % 12, day: 1 + round % 28),
                inner: (0..<(round % 4)).map { _ in Inner(name: text(), quantity: round % 2 == 0 ? nil : Int64(round), tags: (0..<(round % 3)).map { _ in text() }) },
                byWarehouse: Dictionary((0..<(round % 5)).map { (text() + "\($0)", Int64($0)) }, uniquingKeysWith: { a, _ in a }),
                nested: [[1, 2], [], [Int64(round)]], empty: [], optionalInner: round % 5 == 0 ? Inner(name: "仓库/A", quantity: 3, tags: ["x"]) : nil)
            let ours = try ColumnJSON.encode(sample)
            #expect(ours == (try Self.encoded(sample)), "round \(round)")
            #expect(try JSONDecoder().decode(Sample.self, from: Data(ours.utf8)) == sample)
        }
    }

    @Test func anAllocationPlanReadsBackWhole() throws {
        let today = CalendarDate(year: 2026, month: 11, day: 23)!
        let sites = [("SH", "上海"), ("BJ", "北京")].map { code, province in
            WarehouseSite(code: code, active: true, point: ChinaPlaces.locate(province: province, city: "")!)
        }
        let supply = (0..<6).map { index in
            LotSupply(
                lotID: ID(Int64(index + 1)), sku: "S\(index % 2)", warehouse: index < 3 ? "SH" : "BJ", location: "A-1", lot: index % 2 == 0 ? "L\(index)" : "",
                expiry: index % 2 == 0 ? today.adding(days: 30 + index) : nil, receivedAt: Timestamp(millisecondsSince1970: 1_790_000_000_000 + Int64(index)),
                available: 3, quarantined: index == 5)
        }
        let rates = [Rate(zone: "上海", baseFee: Money(minor: 1_200), perKg: Money(minor: 200), transitDays: 1), Rate(zone: "*", baseFee: Money(minor: 2_000), perKg: Money(minor: 500), transitDays: 3)]
        let carriers = [Carrier(code: "SF", name: "顺丰", services: [CarrierService(code: "STD", name: "标准", mode: .express, pricing: .zone, rates: rates)])]
        let demand = AllocationDemand(
            lines: [
                AllocationDemand.Line(lineID: ID(1), sku: "S0", quantity: 5, shelfLifeDays: 365, weightGrams: 800),
                AllocationDemand.Line(lineID: ID(2), sku: "S1", quantity: 9, shelfLifeDays: nil, weightGrams: 1_200),
            ], today: today, promisedDate: today.adding(days: 3), destination: GeoPoint(latitude: 31.23, longitude: 121.47), province: "上海市")
        let plan = Allocation.plan(demand, supply: supply, warehouses: sites, carriers: carriers, policy: .standard)
        #expect(plan.lines.flatMap(\.explanation).count > 2, "a plan with its reasons")
        let ours = try ColumnJSON.encode(plan)
        #expect(ours == (try Self.encoded(plan)))
        #expect(try JSONDecoder().decode(AllocationPlan.self, from: Data(ours.utf8)) == plan)
    }

    @Test func aDoubleReadsBackTheSame() throws {
        let address = Address(province: "上海市", city: "上海市", district: "浦东新区", street: "世纪大道 100 号", latitude: 31.2304, longitude: 121.0)
        let ours = try ColumnJSON.encode(address)
        #expect(try JSONDecoder().decode(Address.self, from: Data(ours.utf8)) == address)
        #expect(throws: EncodingError.self) { try ColumnJSON.encode([Double.nan]) }
    }

    /// The hand-written writers (allocation plans, assessments, history entries) write what the Codable path and
    /// JSONEncoder write, on generated values with every optional member present or absent and awkward text.
    @Test func handWrittenWritersMatchCodable() throws {
        var random = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "Z", "0", "\"", "\\", "/", "\n", "\u{1F}", "中", "仓", "😀", " ", "{", ":"]
        func text() -> String { (0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined() }
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &random) ? make() : nil }
        func number() -> Int64 { Int64.random(in: -1_000_000_000...1_000_000_000, using: &random) }
        func money() -> Money { Money(minor: number(), currency: Bool.random(using: &random) ? .cny : .jpy) }
        func arguments() -> [String: String] { Dictionary((0..<Int.random(in: 0...4, using: &random)).map { (text() + "\($0)", text()) }, uniquingKeysWith: { a, _ in a }) }
        func finding() -> ReviewFinding { ReviewFinding(text(), [.info, .warning, .blocking].randomElement(using: &random)!, arguments()) }
        func check<T: Encodable>(_ value: T, _ round: Int) throws {
            let fast = try ColumnJSON.encode(value)
            #expect(fast == (try ColumnJSON.encodeCodable(value)), "\(T.self), round \(round)")
            #expect(fast == (try Self.encoded(value)), "\(T.self), round \(round)")
        }
        for round in 0..<200 {
            let notes = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                AllocationNote(
                    AllocationNote.Verdict.allCases.randomElement(using: &random)!, warehouse: maybe(text), lot: maybe(text), quantity: maybe(number),
                    available: maybe(number), expiry: maybe { CalendarDate(year: 2026, month: 1 + round % 12, day: 1 + round % 28)! }, cost: maybe(money),
                    kilometres: maybe { Int.random(in: 0...5_000, using: &random) }, minimumDays: maybe { Int.random(in: 0...400, using: &random) })
            }
            let lines = (0..<Int.random(in: 0...3, using: &random)).map { index in
                AllocationPlan.Line(
                    lineID: ID(Int64(index + 1)), sku: text(), quantity: number(), allocated: number(), toProduce: number(),
                    picks: (0..<Int.random(in: 0...3, using: &random)).map { _ in
                        AllocationPlan.Pick(
                            lotID: ID(number()), warehouse: text(), location: text(), lot: text(),
                            expiry: maybe { CalendarDate(year: 2027, month: 1 + round % 12, day: 2)! }, quantity: number())
                    }, explanation: notes, closed: maybe { abs(number()) } ?? 0)
            }
            try check(AllocationPlan(status: AllocationPlan.Status.allCases.randomElement(using: &random)!, warehouses: (0..<(round % 3)).map { _ in text() }, lines: lines), round)
            let credit = maybe {
                CreditEvaluation(
                    outcome: CreditOutcome.allCases.randomElement(using: &random)!, limit: money(), openBalance: money(), exposure: money(), overdue: money(),
                    suggestedMaxTotal: maybe(money), reasons: (0..<(round % 3)).map { _ in finding() })
            }
            try check(StageAssessment(stage: ReviewStage.allCases.randomElement(using: &random)!, findings: (0..<(round % 4)).map { _ in finding() }, credit: credit), round)
            let problems = maybe {
                (0..<(round % 3)).map { _ in
                    var problem = FieldProblem(text(), text(), arguments())
                    problem.text = maybe(text)
                    return problem
                }
            }
            try check(
                TransitionData(from: maybe { OrderStatus.allCases.randomElement(using: &random)! }, to: OrderStatus.allCases.randomElement(using: &random)!,
                               reason: maybe(text), problems: problems, rule: maybe(text)), round)
        }
    }
}
