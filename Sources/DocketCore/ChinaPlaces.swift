import Foundation

/// A point on the earth, in degrees.
public struct GeoPoint: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The great-circle distance in whole kilometres (haversine), which is what "nearer" means for allocation.
    public func kilometres(to other: GeoPoint) -> Int {
        let radians = Double.pi / 180
        let dLat = (other.latitude - latitude) * radians
        let dLon = (other.longitude - longitude) * radians
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(latitude * radians) * cos(other.latitude * radians) * sin(dLon / 2) * sin(dLon / 2)
        let km = 2 * 6371 * atan2(a.squareRoot(), (1 - a).squareRoot())
        return km.isFinite ? Int(km.rounded()) : 0
    }
}

extension Address {
    /// Where the address is: its own coordinates, else its city's seat, else its province's (`ChinaPlaces`).
    public var point: GeoPoint? {
        if let latitude, let longitude { return GeoPoint(latitude: latitude, longitude: longitude) }
        return ChinaPlaces.locate(province: province, city: city)
    }
}

/// China's provinces and prefecture-level cities with the coordinates of their seat, for addresses without
/// coordinates (a table generated from the cpca package: `ChinaPlaces+Data.swift`).
public enum ChinaPlaces {
    private struct Index {
        var provinces: [String: (prefix: Substring, point: GeoPoint)] = [:]
        var cities: [Substring: [String: GeoPoint]] = [:]
        var citiesEverywhere: [String: [GeoPoint]] = [:]
    }

    private static let index: Index = {
        var index = Index()
        for line in table.split(separator: "\n") {
            let columns = line.trimmingCharacters(in: .whitespaces).split(separator: ",")
            guard columns.count == 4, let longitude = Double(columns[2]), let latitude = Double(columns[3]) else { continue }
            let code = columns[0]
            let province = code.prefix(2)
            let name = short(String(columns[1]))
            let point = GeoPoint(latitude: latitude, longitude: longitude)
            if code.hasSuffix("00") {
                index.provinces[name] = (province, point)
            } else {
                index.cities[province, default: [:]][name] = point
                index.citiesEverywhere[name, default: []].append(point)
            }
        }
        return index
    }()

    /// Suffixes a name may be written with or without (江苏省 = 江苏, 苏州市 = 苏州, 广西壮族自治区 = 广西).
    private static let suffixes = [
        "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区", "省", "市", "盟",
    ]

    /// The suffixes' UTF-8 bytes and their length in characters (each character one scalar).
    private static let suffixBytes: [(bytes: [UInt8], characters: Int)] = suffixes.map { (Array($0.utf8), $0.unicodeScalars.count) }

    /// The name without its suffix, when something is left of at least two characters. On every allocation plan, for
    /// every carrier's zone: compared as UTF-8 bytes (a suffix of whole characters matches at a character boundary),
    /// trimmed only when the name begins or ends with white space.
    /// Whether `name` shortens to `short` (`short(name) == short`), without building the short form for the names
    /// that cannot: a rate table's rows are compared with every quote.
    static func names(_ name: String, short shortName: String) -> Bool {
        if name == shortName { return true }
        let leadingSpace = name.unicodeScalars.first?.properties.isWhitespace == true
        guard leadingSpace || name.utf8.starts(with: shortName.utf8) else { return false }
        return short(name) == shortName
    }

    static func short(_ name: String) -> String {
        var name = name
        if let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        {
            name = name.trimmingCharacters(in: .whitespaces)
        }
        let bytes = Array(name.utf8)
        for suffix in suffixBytes where bytes.count > suffix.bytes.count && bytes.suffix(suffix.bytes.count).elementsEqual(suffix.bytes) {
            guard name.unicodeScalars.count > suffix.characters + 1 else { continue }
            return String(decoding: bytes.dropLast(suffix.bytes.count), as: UTF8.self)
        }
        return name
    }

    /// The city's seat when the city is known (in that province, or — when the province is unknown — a city name
    /// that is unique in the country), else the province's seat; nil when neither is known.
    public static func locate(province: String, city: String) -> GeoPoint? {
        let provinceName = short(province)
        let cityName = short(city)
        if let known = index.provinces[provinceName] {
            if let point = index.cities[known.prefix]?[cityName] { return point }
            return known.point
        }
        if let points = index.citiesEverywhere[cityName], points.count == 1 { return points[0] }
        if let known = index.provinces[cityName] { return known.point }  // 北京市 as the city of 北京
        return nil
    }

    /// How many places the table knows (for tests and `docket doctor`).
    public static var count: Int { index.provinces.count + index.citiesEverywhere.values.map(\.count).reduce(0, +) }
}
