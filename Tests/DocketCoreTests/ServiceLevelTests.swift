import Testing

@testable import DocketCore

/// Service levels (003): the card's colour, the days left, the penalty of late lines and its exemption.
@Suite("Service levels")
struct ServiceLevelTests {
    let day: Int64 = 86_400_000
    let now = Timestamp(millisecondsSince1970: 1_795_305_600_000)

    @Test func theColourIsTheShareOfTheWindowLeft() {
        let window = 7
        func standing(_ hoursLeft: Int64, finished: Bool = false) -> ServiceLevel.Standing {
            ServiceLevel.standing(deadline: now.adding(milliseconds: hoursLeft * 3_600_000), windowDays: window, now: now, finished: finished)
        }
        #expect(standing(7 * 24) == .onTrack)
        #expect(standing(34) == .onTrack, "34 h of 168 is over 20 %")
        #expect(standing(33) == .atRisk, "33 h of 168 is under 20 %")
        #expect(standing(0) == .atRisk)
        #expect(standing(-1) == .late)
        #expect(standing(-1, finished: true) == .finished)
        #expect(ServiceLevel.standing(deadline: Timestamp(millisecondsSince1970: .max), windowDays: 0, now: Timestamp(millisecondsSince1970: .min), finished: false) == .onTrack,
            "extreme values saturate, never trap")
    }

    @Test func daysLeftCountAPartOfADayOnTheDeadlinesSide() {
        #expect(ServiceLevel.daysLeft(deadline: now.adding(milliseconds: 25 * 3_600_000), now: now) == 2)
        #expect(ServiceLevel.daysLeft(deadline: now.adding(milliseconds: day), now: now) == 1)
        #expect(ServiceLevel.daysLeft(deadline: now, now: now) == 0)
        #expect(ServiceLevel.daysLeft(deadline: now.adding(milliseconds: -1), now: now) == -1)
        #expect(ServiceLevel.daysLeft(deadline: now.adding(milliseconds: -day - 1), now: now) == -2)
    }

    @Test func theWindowCountsFromConfirmationByType() {
        #expect(ServiceLevel.due(confirmedAt: now, type: .stock, policy: .standard) == now.adding(days: 30))
        #expect(ServiceLevel.due(confirmedAt: now, type: .rush, policy: .standard) == now.adding(days: 7))
        #expect(ServiceLevel.due(confirmedAt: now, type: .vor, policy: .standard) == now.adding(days: 7))
        // The promised date is over at 24:00 Beijing (16:00 UTC).
        #expect(ServiceLevel.endOfDay(CalendarDate(year: 2026, month: 11, day: 29)!).iso8601.hasPrefix("2026-11-29T16:00:00"))
        #expect(ServiceLevel.month(of: Timestamp.parse("2026-11-30T16:30:00Z")!) == "2026-12", "the month in Beijing")
    }

    func line(_ id: Int64, ordered: Int64, delivered: Int64 = 0, closed: Int64 = 0, amount: Int64) -> ServiceLevel.LineFacts {
        ServiceLevel.LineFacts(lineID: ID(id), sku: "P\(id)", ordered: ordered, delivered: delivered, closed: closed, amount: Money(minor: amount))
    }

    @Test func lateLinesArePenalisedOnTheirLatePart() throws {
        let due = now.adding(days: 7)
        let lines = [
            line(1, ordered: 4, delivered: 1, amount: 10_001),  // 3 of 4 late: base 7 500 (floor of 30 003 / 4), penalty 750
            line(2, ordered: 2, delivered: 2, amount: 5_000),  // delivered
            line(3, ordered: 5, delivered: 2, closed: 3, amount: 9_999),  // the rest given up with the customer: not late
            line(4, ordered: 1, amount: 15),  // 1.5 fen rounds half up to 2
        ]
        let assessment = try #require(try ServiceLevel.assess(lines: lines, requestedDate: nil, due: due, basisPoints: 1_000))
        #expect(assessment.lines.map(\.lineId) == [ID(1), ID(4)])
        #expect(assessment.lines.map(\.late) == [3, 1])
        #expect(assessment.lines.map(\.baseMinor) == [7_500, 15])
        #expect(assessment.lines.map(\.penaltyMinor) == [750, 2])
        #expect(assessment.base.minor == 7_515 && assessment.penalty.minor == 752 && assessment.exemption == nil)
        #expect(try ServiceLevel.assess(lines: [line(2, ordered: 2, delivered: 2, amount: 5_000)], requestedDate: nil, due: due, basisPoints: 1_000) == nil)
        #expect(try ServiceLevel.assess(lines: [], requestedDate: nil, due: due, basisPoints: 1_000) == nil)
    }

    @Test func aLaterDateTheCustomerAskedForExempts() throws {
        let due = now.adding(days: 7)
        let windowEnd = due.date(utcOffsetHours: 8)
        let late = [line(1, ordered: 1, amount: 100)]
        #expect(try ServiceLevel.assess(lines: late, requestedDate: windowEnd.adding(days: 1), due: due, basisPoints: 1_000)?.exemption == .customerDate)
        #expect(try ServiceLevel.assess(lines: late, requestedDate: windowEnd, due: due, basisPoints: 1_000)?.exemption == nil)
    }

    @Test func anAmountBeyondTheBoundsIsRefusedNotATrap() {
        #expect(throws: DocketError.self) {
            _ = try ServiceLevel.assess(lines: [line(1, ordered: 3, amount: .max)], requestedDate: nil, due: now, basisPoints: 1_000)
        }
        #expect(throws: DocketError.self) {
            _ = try ServiceLevel.assess(
                lines: [line(1, ordered: 1, amount: .max / 2), line(2, ordered: 1, amount: .max / 2 + 10)], requestedDate: nil, due: now, basisPoints: 0)
        }
    }

    @Test func theRateIsReadAsAPercentage() {
        #expect(ServiceLevel.parsePercent("10") == 1_000)
        #expect(ServiceLevel.parsePercent("12.5%") == 1_250)
        #expect(ServiceLevel.parsePercent(" 0.05 ") == 5)
        #expect(ServiceLevel.parsePercent("100") == 10_000)
        for bad in ["", "101", "-1", "1.234", "abc", "1,5", "５"] { #expect(ServiceLevel.parsePercent(bad) == nil, "\(bad)") }
    }

    @Test func everyOpenStatusHasOneColumn() {
        for status in OrderStatus.allCases {
            let column = BoardColumn.of(OrderState(status: status))
            if [.completed, .cancelled, .archived, .onHold].contains(status) { #expect(column == nil, "\(status)") } else { #expect(column != nil, "\(status)") }
        }
        #expect(BoardColumn.of(OrderState(status: .onHold, heldFrom: .picking)) == .warehouse)
    }
}
