/// A point in time in UTC, with millisecond precision. Stored as milliseconds since 1970; shown on the
/// wire as ISO 8601 (`2026-11-22T08:30:00.000Z`). Local display (Asia/Shanghai) is the UI's concern.
public struct Timestamp: Hashable, Comparable, Sendable, TextCodable, CustomStringConvertible {
    public let millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) { self.millisecondsSince1970 = millisecondsSince1970 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.millisecondsSince1970 < rhs.millisecondsSince1970 }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + milliseconds)
    }
    public func adding(days: Int) -> Timestamp { adding(milliseconds: Int64(days) * 86_400_000) }

    /// The UTC calendar date this instant falls on.
    public var utcDate: CalendarDate {
        CalendarDate(daysSince1970: Int(floorDiv(millisecondsSince1970, 86_400_000)))
    }

    /// The calendar date in a fixed UTC offset, e.g. `+8 h` for China (which has no daylight saving).
    public func date(utcOffsetHours: Int) -> CalendarDate {
        adding(milliseconds: Int64(utcOffsetHours) * 3_600_000).utcDate
    }

    public var iso8601: String {
        let day = utcDate
        let msOfDay = millisecondsSince1970 - Int64(day.daysSince1970) * 86_400_000
        let hours = msOfDay / 3_600_000
        let minutes = msOfDay / 60_000 % 60
        let seconds = msOfDay / 1000 % 60
        let millis = msOfDay % 1000
        return "\(day.iso8601)T\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(millis, 3))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`; an offset is required so nothing is silently local.
    public static func parse(_ text: String) -> Timestamp? {
        let chars = Array(text.utf8)
        guard chars.count >= 17, let date = CalendarDate.parse(String(decoding: chars[0..<10], as: UTF8.self)),
            chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " ")
        else { return nil }
        var index = 11
        func number(_ width: Int) -> Int64? {
            guard index + width <= chars.count else { return nil }
            var value: Int64 = 0
            for c in chars[index..<index + width] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            index += width
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard index < chars.count, chars[index] == c.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let hours = number(2), hours < 24, expect(":"), let minutes = number(2), minutes < 60 else { return nil }
        var seconds: Int64 = 0
        var millis: Int64 = 0
        if expect(":") {
            guard let s = number(2), s < 60 else { return nil }
            seconds = s
            if expect(".") {
                let start = index
                while index < chars.count, chars[index] >= 48, chars[index] <= 57 { index += 1 }
                let digits = chars[start..<index]
                guard !digits.isEmpty else { return nil }
                for (n, c) in digits.prefix(3).enumerated() { millis += Int64(c - 48) * [100, 10, 1][n] }
            }
        }
        var offsetMinutes: Int64 = 0
        if expect("Z") || expect("z") {
        } else if index < chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            let sign: Int64 = chars[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let oh = number(2), oh <= 14, expect(":"), let om = number(2), om < 60 else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
        } else {
            return nil
        }
        guard index == chars.count else { return nil }
        let ms =
            Int64(date.daysSince1970) * 86_400_000 + hours * 3_600_000 + minutes * 60_000 + seconds * 1000
            + millis - offsetMinutes * 60_000
        return Timestamp(millisecondsSince1970: ms)
    }

    public var description: String { iso8601 }
    public var text: String { iso8601 }
    public static let expectedFormat = "expected an ISO 8601 time with offset"
}

/// A calendar day without time or zone, e.g. an expiry date or a promised delivery date: `2027-03-31`.
public struct CalendarDate: Hashable, Comparable, Sendable, TextCodable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    public init(daysSince1970: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(daysSince1970: daysSince1970 + days) }

    /// The moment the day starts where the clock is `utcOffsetHours` ahead of UTC (Beijing: 8).
    public func start(utcOffsetHours: Int) -> Timestamp {
        Timestamp(millisecondsSince1970: Int64(daysSince1970) * 86_400_000 - Int64(utcOffsetHours) * 3_600_000)
    }

    public static func parse(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }

    public var iso8601: String { "\(pad(Int64(year), 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2))" }
    /// `20261123`: the day in document numbers.
    public var compactISO: String { "\(pad(Int64(year), 4))\(pad(Int64(month), 2))\(pad(Int64(day), 2))" }
    public var description: String { iso8601 }
    public var text: String { iso8601 }
    public static let expectedFormat = "expected a date as YYYY-MM-DD"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.daysSince1970 < rhs.daysSince1970 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// The source of "now". Production reads the system clock; tests pass a fixed or stepping clock.
public protocol DocketClock: Sendable {
    func now() -> Timestamp
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// A value that travels as one JSON string in a fixed format (dates, times, currency codes).
/// Decoding text that does not parse fails with `expectedFormat`, which the API turns into a field problem.
public protocol TextCodable: Codable {
    static func parse(_ text: String) -> Self?
    var text: String { get }
    static var expectedFormat: String { get }
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: Self.expectedFormat))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
